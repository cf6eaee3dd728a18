"""Provides the auction book: every Treasury auction triffin has read, kept between runs.

Why a book and not series: an auction is a record (a dozen amounts, rates and dates about
one security on one day), keyed by (CUSIP, auction date); measures per security line are
derived from the records (:mod:`datafeed.demand.auction_series`). The series store keeps one
value per instrument and date and would have to split a record into a dozen instruments.

Rules the book keeps, like the series store:

- **merge, never drop**: an auction once held stays, whatever later answers omit (a source
  serving two years, a fallback serving one type);
- a newer copy of a held auction updates it **field by field**: a value it sends replaces the
  held one (a revision), a value it leaves empty keeps the held one; a copy without results
  never replaces one with results, and the fallback source (Fiscal Data) never overwrites
  the primary's (TreasuryDirect's) copy of an auction, only fills its gaps;
- announced auctions (no results yet) are kept apart in :attr:`AuctionBook.pending` until
  their results arrive, and are forgotten a week after their auction date if none do.

Persistence: one JSON file, ``auctions.json`` in the cache folder, written atomically
(:func:`datafeed.cache.atomic_write`). A save merges what is on disk first (another triffin
sharing the folder may have written auctions this one has not read), so panes sharing a
cache never lose each other's auctions. A file that cannot be read is moved aside to
``auctions.json.corrupt`` and reported once; the book starts empty and is refetched.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from datafeed.cache import atomic_write
from datafeed.demand.auctions import FISCALDATA, TREASURYDIRECT, Auction, SecurityKind
from datafeed.demand.wire import snippet

log = logging.getLogger(__name__)

FILENAME = "auctions.json"
FORMAT = "triffin-auctions"
FORMAT_VERSION = 1

PENDING_DAYS = 7
"""Days after its auction date an announced auction without results is kept."""

SOURCE_RANK = {TREASURYDIRECT: 0, FISCALDATA: 1}
"""Lower is preferred: whose copy of an auction the book keeps when both sent results."""

_DATES = frozenset({"auction_date", "issue_date", "maturity_date"})
_INTS = frozenset(
    {
        "offering_amount",
        "total_tendered",
        "total_accepted",
        "competitive_accepted",
        "primary_dealer_accepted",
        "direct_bidder_accepted",
        "indirect_bidder_accepted",
        "soma_accepted",
    }
)
_FLOATS = frozenset(
    {
        "high_yield",
        "high_discount_rate",
        "high_investment_rate",
        "high_discount_margin",
        "average_median_yield",
        "average_median_discount_rate",
        "average_median_discount_margin",
        "bid_to_cover",
    }
)
_FIELD_NAMES = tuple(f.name for f in fields(Auction))


class BookError(Exception):
    """An auction book file could not be read."""


@dataclass(frozen=True, slots=True)
class BookDelta:
    """What one :meth:`AuctionBook.merge` changed.

    Attributes:
        added: auctions with results the book did not hold.
        updated: held auctions whose copy changed (a revision, a gap filled, results arrived).
        pending: announced auctions now awaiting results.
    """

    added: int = 0
    updated: int = 0
    pending: int = 0

    def __bool__(self) -> bool:
        return bool(self.added or self.updated)


def _prefer(held: Auction, incoming: Auction) -> Auction:
    """The copy to keep of one auction: the preferred source's values, gaps filled from the other."""
    if held.has_results and not incoming.has_results:
        return held
    incoming_wins = incoming.has_results and not held.has_results
    incoming_wins = incoming_wins or SOURCE_RANK.get(incoming.source, 9) <= SOURCE_RANK.get(held.source, 9)
    first, second = (incoming, held) if incoming_wins else (held, incoming)
    gaps = {
        name: getattr(second, name)
        for name in _FIELD_NAMES
        if getattr(first, name) is None and getattr(second, name) is not None
    }
    return replace(first, **gaps) if gaps else first


class AuctionBook:
    """Auctions by (CUSIP, auction date), merged from any number of answers.

    Attributes:
        version: bumped by every change (consumers compare it, like the store's).
        last_success: when auction results were last fetched successfully (UTC).
        last_source: the source of that fetch (``treasurydirect`` or ``fiscaldata``).
    """

    def __init__(self, auctions: Iterable[Auction] = (), pending: Iterable[Auction] = ()) -> None:
        self._held: dict[tuple[str, dt.date], Auction] = {}
        self._pending: dict[tuple[str, dt.date], Auction] = {}
        self.version = 0
        self.last_success: dt.datetime | None = None
        self.last_source: str | None = None
        self.merge(auctions, pending)
        self.version = 0

    # ---------------------------------------------------------------- reading
    def __len__(self) -> int:
        return len(self._held)

    def __contains__(self, key: object) -> bool:
        return key in self._held

    def get(self, cusip: str, auction_date: dt.date) -> Auction | None:
        """The held auction of a security on a day, or None."""
        return self._held.get((cusip, auction_date))

    @property
    def auctions(self) -> list[Auction]:
        """Every auction with results, newest first (then by CUSIP)."""
        return sorted(self._held.values(), key=lambda a: (-a.auction_date.toordinal(), a.cusip))

    @property
    def pending(self) -> list[Auction]:
        """Announced auctions without results yet, soonest first."""
        return sorted(self._pending.values(), key=lambda a: (a.auction_date, a.cusip))

    @property
    def newest_date(self) -> dt.date | None:
        """The newest auction date with results held (None when empty)."""
        return max((k[1] for k in self._held), default=None)

    def latest_by_kind(self) -> dict[SecurityKind, Auction]:
        """The newest auction of every kind held (bills, notes, bonds, TIPS, FRNs, CMBs)."""
        out: dict[SecurityKind, Auction] = {}
        for auction in self.auctions:
            out.setdefault(auction.kind, auction)
        return out

    def latest_by_line(self) -> dict[tuple[SecurityKind, str], Auction]:
        """The newest auction of every security line (kind, original tenor)."""
        out: dict[tuple[SecurityKind, str], Auction] = {}
        for auction in self.auctions:
            out.setdefault((auction.kind, auction.tenor), auction)
        return out

    # ---------------------------------------------------------------- writing
    def merge(
        self,
        auctions: Iterable[Auction],
        pending: Iterable[Auction] = (),
        today: dt.date | None = None,
    ) -> BookDelta:
        """Take in auctions from one answer (see the module's rules); returns what changed."""
        added = updated = 0
        for auction in auctions:
            if not auction.has_results:
                self._pending.setdefault(auction.key, auction)
                continue
            held = self._held.get(auction.key)
            kept = auction if held is None else _prefer(held, auction)
            if held is None:
                added += 1
            elif kept != held:
                updated += 1
            self._held[auction.key] = kept
        for auction in pending:
            if auction.key not in self._held:
                known = self._pending.get(auction.key)
                self._pending[auction.key] = auction if known is None else _prefer(known, auction)
        for key in [k for k in self._pending if k in self._held]:
            del self._pending[key]
        if today is not None:
            cutoff = today - dt.timedelta(days=PENDING_DAYS)
            for key in [k for k in self._pending if k[1] < cutoff]:
                del self._pending[key]
        if added or updated:
            self.version += 1
        return BookDelta(added, updated, len(self._pending))

    # ---------------------------------------------------------------- storing
    def to_json(self, saved_at: dt.datetime | None = None) -> bytes:
        """The book as its file's bytes (sorted, so equal books give equal files)."""
        doc = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "saved_at": (saved_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
            "last_success": self.last_success.isoformat(timespec="seconds") if self.last_success else None,
            "last_source": self.last_source,
            "auctions": [_encode(a) for a in self.auctions],
            "pending": [_encode(a) for a in self.pending],
        }
        return json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> AuctionBook:
        """Read a book file.

        Raises:
            BookError: not JSON, not a book file, another version, or a malformed record.
        """
        try:
            doc = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BookError(f"not valid JSON ({exc.__class__.__name__})") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise BookError("not a triffin auction book")
        if doc.get("version") != FORMAT_VERSION:
            raise BookError(f"auction book version {snippet(doc.get('version'), 10)} is not {FORMAT_VERSION}")
        raw_auctions, raw_pending = doc.get("auctions"), doc.get("pending", [])
        if not isinstance(raw_auctions, list) or not isinstance(raw_pending, list):
            raise BookError("'auctions' or 'pending' is not a list")
        book = cls([_decode(r) for r in raw_auctions], [_decode(r) for r in raw_pending])
        if doc.get("last_success"):
            try:
                book.last_success = dt.datetime.fromisoformat(str(doc["last_success"]))
            except ValueError:
                raise BookError(f"last_success {snippet(doc['last_success'], 30)} is not a time") from None
        source = doc.get("last_source")
        book.last_source = source if source in SOURCE_RANK else None
        return book

    @staticmethod
    def path(root: Path) -> Path:
        """The book's file in a cache folder."""
        return Path(root) / FILENAME

    @classmethod
    def load(cls, root: Path, warnings: list[str] | None = None) -> AuctionBook:
        """The book saved in ``root`` (an empty book when there is none).

        A file that cannot be read is moved aside to ``auctions.json.corrupt`` and described
        in ``warnings``; it never stops a start.
        """
        path = cls.path(root)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return cls()
        except OSError as exc:
            _warn(warnings, f"auction book {path} unreadable: {exc.strerror}")
            return cls()
        try:
            return cls.from_json(data)
        except BookError as exc:
            target = path.with_name(path.name + ".corrupt")
            try:
                os.replace(path, target)
                where = f"moved to {target.name}"
            except OSError:
                where = "left in place"
            _warn(warnings, f"auction book {path} ignored ({exc}); {where}, will refetch")
            return cls()

    def save(self, root: Path) -> None:
        """Write the book to ``root``, merged with what another process may have written."""
        path = self.path(root)
        try:
            on_disk = AuctionBook.from_json(path.read_bytes())
        except (FileNotFoundError, BookError, OSError):
            on_disk = None
        if on_disk is not None:
            # Theirs first, then ours on top: our copy of an auction wins where both hold it.
            version, success, source = self.version, self.last_success, self.last_source
            ours = self.auctions
            theirs = AuctionBook(on_disk.auctions, on_disk.pending)
            theirs.merge(ours, self.pending)
            self._held = {a.key: a for a in theirs.auctions}
            self._pending = {a.key: a for a in theirs.pending}
            self.version = version + (1 if len(self._held) != len(ours) else 0)
            self.last_success, self.last_source = success, source
            if on_disk.last_success and (success is None or on_disk.last_success > success):
                self.last_success, self.last_source = on_disk.last_success, on_disk.last_source
        atomic_write(path, self.to_json())


def _warn(warnings: list[str] | None, message: str) -> None:
    log.info(message)
    if warnings is not None:
        warnings.append(message)


def _encode(auction: Auction) -> dict[str, object]:
    out: dict[str, object] = {}
    for name in _FIELD_NAMES:
        value = getattr(auction, name)
        if value is None:
            continue
        if name in _DATES:
            value = value.isoformat()
        elif name == "kind":
            value = auction.kind.value
        out[name] = value
    return out


def _decode(raw: object) -> Auction:
    if not isinstance(raw, Mapping):
        raise BookError(f"an auction is not an object: {snippet(raw, 40)}")
    values: dict[str, object] = {}
    try:
        for name in _FIELD_NAMES:
            value = raw.get(name)
            if value is None:
                continue
            if name in _DATES:
                value = dt.date.fromisoformat(str(value))
            elif name == "kind":
                value = SecurityKind(value)
            elif name in _INTS:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"{name} is not a whole amount")
            elif name in _FLOATS:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"{name} is not a number")
                value = float(value)
            elif name == "reopening":
                value = bool(value)
            else:
                value = str(value)
            values[name] = value
        # Each value was parsed to its field's type above; the field names come from a table,
        # so the checker cannot pair them with the keywords.
        return Auction(**values)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise BookError(f"malformed auction {snippet(raw.get('cusip'), 12)}: {snippet(exc, 80)}") from None


__all__ = ["FILENAME", "AuctionBook", "BookDelta", "BookError"]
