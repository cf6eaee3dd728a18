"""Provides the Treasury auction record and its parsers (TreasuryDirect and Fiscal Data).

Two keyless sources publish the same auction results:

- TreasuryDirect's securities API (``/TA_WS/securities/auctioned?format=json&type=Note``,
  ``.../search?format=json&startDate=...&endDate=...``): a JSON *list* of camelCase records
  (``bidToCoverRatio``, ``indirectBidderAccepted``);
- Fiscal Data's ``v1/accounting/od/auctions_query``: the paged Fiscal Data envelope with
  snake_case records (``bid_to_cover_ratio``, ``comp_accepted``, ``offering_amt``).

Both send every value as a string; amounts are whole US dollars (``"15000071200"``), rates
are percent with up to six decimals (``"5.670000"`` is a bid-to-cover *ratio*), dates are
``YYYY-MM-DDT00:00:00`` (TreasuryDirect) or ``YYYY-MM-DD`` (Fiscal Data), and a missing
value is ``""`` or ``"null"``. One table (:data:`FIELDS`) names each field in both formats,
so the two parsers cannot drift apart.

What a record means:

- the security *kind* (Bill, Note, Bond, TIPS, FRN, CMB) comes from TreasuryDirect's
  ``type``, else from the security type and the TIPS / floating-rate / CMB flags (Fiscal
  Data calls a TIPS note a ``Note`` with ``inflation_index_security = "Yes"``);
- a reopening's ``securityTerm`` is the remaining term (``9-Year 11-Month``); the record
  keeps it as ``term`` and groups by ``original_term`` (``10-Year``) through ``tenor``;
- an auction that is announced but not yet held has every result field empty: it is kept
  apart in :attr:`AuctionBatch.pending`, never mixed with results.

A malformed value never sinks the whole answer: that field becomes None and the batch's
``problems`` says which field of which security was bad; a record without a CUSIP, an
auction date or a recognisable kind is skipped, again with a problem line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from enum import Enum

from datafeed.demand.fiscaldata import FiscalPage, parse_page
from datafeed.demand.terms import tenor_key
from datafeed.demand.wire import (
    is_missing,
    load_json,
    parse_amount,
    parse_day,
    parse_decimal,
    parse_flag,
    snippet,
)
from datafeed.errors import ParseError

TREASURYDIRECT = "treasurydirect"
"""Source name of the TreasuryDirect securities API (``[sources.treasurydirect]``)."""

FISCALDATA = "fiscaldata"
"""Source name of Fiscal Data (``[sources.fiscaldata]``)."""


class SecurityKind(str, Enum):
    """The kinds of marketable Treasury securities auctioned (TreasuryDirect's ``type``)."""

    BILL = "Bill"
    CMB = "CMB"
    NOTE = "Note"
    BOND = "Bond"
    TIPS = "TIPS"
    FRN = "FRN"

    @property
    def is_bill(self) -> bool:
        """Bills and cash-management bills (priced on a discount rate)."""
        return self in (SecurityKind.BILL, SecurityKind.CMB)

    @property
    def is_nominal_coupon(self) -> bool:
        """Fixed-rate notes and bonds: the auctions dealer and indirect shares are read on."""
        return self in (SecurityKind.NOTE, SecurityKind.BOND)


@dataclass(frozen=True, slots=True)
class Auction:
    """One Treasury auction with its results (amounts in whole USD, rates in percent).

    Attributes:
        cusip: the security's CUSIP.
        kind: Bill, CMB, Note, Bond, TIPS or FRN.
        auction_date: the day the auction was held.
        issue_date: settlement day (None if not sent).
        maturity_date: maturity (None if not sent).
        term: the term as published; the *remaining* term for a reopening.
        original_term: the security's original term (``originalSecurityTerm``); equals
            ``term`` when the source does not send it.
        tenor: canonical key of the original term (``10y``, ``13w``) that auctions of the
            same line share; measures are averaged by it.
        reopening: True for a reopening of an outstanding security.
        high_yield: highest accepted yield (notes, bonds; a real yield for TIPS).
        high_discount_rate: highest accepted discount rate (bills).
        high_investment_rate: the bill's high rate as a bond-equivalent yield.
        high_discount_margin: highest accepted discount margin (FRNs).
        average_median_yield: median yield of accepted competitive bids (notes, bonds).
        average_median_discount_rate: its bill counterpart.
        average_median_discount_margin: its FRN counterpart.
        bid_to_cover: the published ratio of tendered to accepted.
        offering_amount: amount offered.
        total_tendered: all bids tendered.
        total_accepted: all bids accepted.
        competitive_accepted: competitive bids accepted (the denominator of bidder shares).
        primary_dealer_accepted: accepted from primary dealers.
        direct_bidder_accepted: accepted from direct bidders.
        indirect_bidder_accepted: accepted from indirect bidders (foreign central banks
            bidding through the New York Fed are among them).
        soma_accepted: accepted for the Fed's SOMA portfolio (add-on, outside the offering).
        source: ``treasurydirect`` or ``fiscaldata``.
    """

    cusip: str
    kind: SecurityKind
    auction_date: dt.date
    term: str
    original_term: str
    tenor: str
    reopening: bool = False
    issue_date: dt.date | None = None
    maturity_date: dt.date | None = None
    high_yield: float | None = None
    high_discount_rate: float | None = None
    high_investment_rate: float | None = None
    high_discount_margin: float | None = None
    average_median_yield: float | None = None
    average_median_discount_rate: float | None = None
    average_median_discount_margin: float | None = None
    bid_to_cover: float | None = None
    offering_amount: int | None = None
    total_tendered: int | None = None
    total_accepted: int | None = None
    competitive_accepted: int | None = None
    primary_dealer_accepted: int | None = None
    direct_bidder_accepted: int | None = None
    indirect_bidder_accepted: int | None = None
    soma_accepted: int | None = None
    source: str = TREASURYDIRECT

    @property
    def key(self) -> tuple[str, dt.date]:
        """Identity of an auction across sources and queries: (CUSIP, auction date)."""
        return (self.cusip, self.auction_date)

    @property
    def has_results(self) -> bool:
        """True once the auction was held (a rate, a bid-to-cover or an accepted amount)."""
        return any(
            v is not None
            for v in (
                self.bid_to_cover,
                self.total_accepted,
                self.competitive_accepted,
                self.high_yield,
                self.high_discount_rate,
                self.high_investment_rate,
                self.high_discount_margin,
            )
        )

    @property
    def high_rate(self) -> float | None:
        """The auction's stop, in the measure its kind is priced on (see :attr:`high_rate_measure`)."""
        if self.kind is SecurityKind.FRN:
            return self.high_discount_margin
        if self.kind.is_bill:
            return self.high_investment_rate if self.high_investment_rate is not None else self.high_discount_rate
        return self.high_yield

    @property
    def high_rate_measure(self) -> str:
        """What :attr:`high_rate` is: ``high yield``, ``high real yield``, ``high discount
        margin``, ``high investment rate`` or ``high discount rate``."""
        if self.kind is SecurityKind.FRN:
            return "high discount margin"
        if self.kind is SecurityKind.TIPS:
            return "high real yield"
        if self.kind.is_bill:
            return "high investment rate" if self.high_investment_rate is not None else "high discount rate"
        return "high yield"


@dataclass(frozen=True, slots=True)
class AuctionBatch:
    """What one answer held.

    Attributes:
        source: ``treasurydirect`` or ``fiscaldata``.
        auctions: auctions with results, newest first (then by CUSIP).
        pending: announced auctions without results yet, soonest first.
        problems: one line per malformed value or skipped record (outside text escaped).
    """

    source: str
    auctions: tuple[Auction, ...] = ()
    pending: tuple[Auction, ...] = ()
    problems: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.auctions)


@dataclass(frozen=True, slots=True)
class _Field:
    attr: str
    treasurydirect: str
    fiscaldata: str
    parse: Callable[[object], object]


FIELDS: tuple[_Field, ...] = (
    _Field("issue_date", "issueDate", "issue_date", parse_day),
    _Field("maturity_date", "maturityDate", "maturity_date", parse_day),
    _Field("high_yield", "highYield", "high_yield", parse_decimal),
    _Field("high_discount_rate", "highDiscountRate", "high_discnt_rate", parse_decimal),
    _Field("high_investment_rate", "highInvestmentRate", "high_investment_rate", parse_decimal),
    _Field("high_discount_margin", "highDiscountMargin", "high_discnt_margin", parse_decimal),
    _Field("average_median_yield", "averageMedianYield", "avg_med_yield", parse_decimal),
    _Field("average_median_discount_rate", "averageMedianDiscountRate", "avg_med_discnt_rate", parse_decimal),
    _Field("average_median_discount_margin", "averageMedianDiscountMargin", "avg_med_discnt_margin", parse_decimal),
    _Field("bid_to_cover", "bidToCoverRatio", "bid_to_cover_ratio", parse_decimal),
    _Field("offering_amount", "offeringAmount", "offering_amt", parse_amount),
    _Field("total_tendered", "totalTendered", "total_tendered", parse_amount),
    _Field("total_accepted", "totalAccepted", "total_accepted", parse_amount),
    _Field("competitive_accepted", "competitiveAccepted", "comp_accepted", parse_amount),
    _Field("primary_dealer_accepted", "primaryDealerAccepted", "primary_dealer_accepted", parse_amount),
    _Field("direct_bidder_accepted", "directBidderAccepted", "direct_bidder_accepted", parse_amount),
    _Field("indirect_bidder_accepted", "indirectBidderAccepted", "indirect_bidder_accepted", parse_amount),
    _Field("soma_accepted", "somaAccepted", "soma_accepted", parse_amount),
)
"""Each optional result field, its name in both formats, and how its text is read."""

_IDENTITY: dict[str, tuple[str, ...]] = {
    # attr: (TreasuryDirect name, Fiscal Data name, ...alternatives)
    "cusip": ("cusip", "cusip"),
    "auction_date": ("auctionDate", "auction_date"),
    "security_type": ("securityType", "security_type"),
    "type": ("type", "type"),
    "term": ("securityTerm", "security_term"),
    "original_term": ("originalSecurityTerm", "original_security_term"),
    "reopening": ("reopening", "reopening"),
    "tips": ("tips", "inflation_index_security", "tips"),
    "frn": ("floatingRate", "floating_rate"),
    "cmb": ("cashManagementBillCMB", "cash_management_bill_cmb"),
}

_KINDS = {k.value.lower(): k for k in SecurityKind}

SPLIT_TOLERANCE = 0.005
"""Largest relative gap between competitive accepted and dealer + direct + indirect that is
read as rounding; beyond it the batch reports the record (the shares would not add up)."""


def _names(attr: str, fmt: str) -> tuple[str, ...]:
    names = _IDENTITY[attr]
    if fmt == TREASURYDIRECT:
        return (names[0],)
    return names[1:]


def _raw(record: Mapping[str, object], attr: str, fmt: str) -> object:
    for name in _names(attr, fmt):
        if name in record and not is_missing(record[name]):
            return record[name]
    return None


def _kind(record: Mapping[str, object], fmt: str, problems: list[str], label: str) -> SecurityKind | None:
    """The security kind, from ``type`` if sent, else the security type and the flags."""
    stated = _raw(record, "type", fmt)
    if isinstance(stated, str) and stated.strip().lower() in _KINDS:
        return _KINDS[stated.strip().lower()]
    flags: dict[str, bool] = {}
    for flag in ("tips", "frn", "cmb"):
        try:
            flags[flag] = bool(parse_flag(_raw(record, flag, fmt)))
        except ValueError as exc:
            problems.append(f"{label}: {flag} flag {exc}")
            flags[flag] = False
    base = str(_raw(record, "security_type", fmt) or "").strip().lower()
    if flags["cmb"] or "cmb" in base or "cash management" in base:
        return SecurityKind.CMB
    if flags["tips"] or "tips" in base or "inflation" in base:
        return SecurityKind.TIPS
    if flags["frn"] or "frn" in base or "floating" in base:
        return SecurityKind.FRN
    for kind in (SecurityKind.BILL, SecurityKind.NOTE, SecurityKind.BOND):
        if base == kind.value.lower():
            return kind
    return None


def _record(record: Mapping[str, object], fmt: str, problems: list[str]) -> Auction | None:
    cusip = str(_raw(record, "cusip", fmt) or "").strip()
    raw_date = _raw(record, "auction_date", fmt)
    label = f"{fmt}: {snippet(cusip, 12) if cusip else 'record without CUSIP'}"
    try:
        auction_date = parse_day(raw_date)
    except ValueError as exc:
        problems.append(f"{label}: auction date {exc}; record skipped")
        return None
    if not cusip or auction_date is None:
        problems.append(f"{label}: no CUSIP or no auction date; record skipped")
        return None
    label = f"{fmt}: {snippet(cusip, 12)} {auction_date.isoformat()}"
    kind = _kind(record, fmt, problems, label)
    if kind is None:
        shown = snippet(_raw(record, "type", fmt) or _raw(record, "security_type", fmt) or "", 20)
        problems.append(f"{label}: unknown security type {shown}; record skipped")
        return None
    term = " ".join(str(_raw(record, "term", fmt) or "").split())
    original = " ".join(str(_raw(record, "original_term", fmt) or "").split()) or term
    tenor = tenor_key(original) or tenor_key(term)
    if tenor is None:
        problems.append(f"{label}: unreadable term {snippet(original or term, 30)}; record skipped")
        return None
    try:
        reopening = bool(parse_flag(_raw(record, "reopening", fmt)))
    except ValueError as exc:
        problems.append(f"{label}: reopening {exc}")
        reopening = False
    values: dict[str, object] = {}
    for f in FIELDS:
        name = f.treasurydirect if fmt == TREASURYDIRECT else f.fiscaldata
        try:
            values[f.attr] = f.parse(record.get(name))
        except ValueError as exc:
            problems.append(f"{label}: {name} {exc}; left empty")
            values[f.attr] = None
    auction = Auction(
        cusip=cusip,
        kind=kind,
        auction_date=auction_date,
        term=term or original,
        original_term=original,
        tenor=tenor,
        reopening=reopening,
        source=fmt,
        **values,  # type: ignore[arg-type]  # FIELDS' parsers give each attr its type; keyed by name
    )
    _check_split(auction, problems, label)
    return auction


def _check_split(auction: Auction, problems: list[str], label: str) -> None:
    """Report a record whose bidder split does not add up to competitive accepted."""
    parts = (auction.primary_dealer_accepted, auction.direct_bidder_accepted, auction.indirect_bidder_accepted)
    whole = auction.competitive_accepted
    if whole is None or whole <= 0 or any(p is None for p in parts):
        return
    total = sum(p for p in parts if p is not None)
    if abs(total - whole) > SPLIT_TOLERANCE * whole:
        problems.append(
            f"{label}: dealer + direct + indirect accepted = {total} but competitive accepted = {whole}; "
            "bidder shares may not add up"
        )


def _batch(records: Iterable[object], fmt: str, problems: list[str]) -> AuctionBatch:
    held: dict[tuple[str, dt.date], Auction] = {}
    pending: dict[tuple[str, dt.date], Auction] = {}
    for raw in records:
        if not isinstance(raw, dict):
            problems.append(f"{fmt}: an entry is not an object: {snippet(raw, 40)}; skipped")
            continue
        auction = _record(raw, fmt, problems)
        if auction is None:
            continue
        target = held if auction.has_results else pending
        # The first copy of a duplicated auction wins (answers list newest data first).
        target.setdefault(auction.key, auction)
    for key in held:
        pending.pop(key, None)
    return AuctionBatch(
        source=fmt,
        auctions=tuple(sorted(held.values(), key=lambda a: (-a.auction_date.toordinal(), a.cusip))),
        pending=tuple(sorted(pending.values(), key=lambda a: (a.auction_date, a.cusip))),
        problems=tuple(problems),
    )


def parse_treasurydirect(body: bytes | str) -> AuctionBatch:
    """Parse a TreasuryDirect ``/TA_WS/securities/...?format=json`` answer.

    An empty list (no auction of that type in the window) is an empty batch, not an error.

    Raises:
        ParseError: empty, HTML or non-JSON body, or JSON that is not a list of records.
    """
    data = load_json(body, TREASURYDIRECT)
    if isinstance(data, dict):
        # The API answers a list; an object is an error or a format change.
        shown = snippet(", ".join(str(k) for k in list(data)[:5]), 60)
        raise ParseError(f"{TREASURYDIRECT}: expected a JSON list of securities, got an object with {shown}")
    if not isinstance(data, list):
        raise ParseError(f"{TREASURYDIRECT}: expected a JSON list of securities, got {type(data).__name__}")
    return _batch(data, TREASURYDIRECT, [])


def auctions_from_page(page: FiscalPage) -> AuctionBatch:
    """Turn one parsed Fiscal Data ``auctions_query`` page into a batch."""
    return _batch(page.rows, FISCALDATA, [])


def parse_fiscaldata_auctions(body: bytes | str) -> tuple[AuctionBatch, FiscalPage]:
    """Parse a Fiscal Data ``v1/accounting/od/auctions_query`` answer.

    Returns:
        The batch and the page (for ``next_page`` / ``total_pages``).

    Raises:
        ParseError: as :func:`datafeed.demand.fiscaldata.parse_page`.
    """
    page = parse_page(body, f"{FISCALDATA} auctions_query")
    return auctions_from_page(page), page


def merge_auctions(*batches: Sequence[Auction]) -> list[Auction]:
    """One list of auctions from several answers, newest first, each auction once.

    Earlier arguments win (pass the primary source first), except that a copy with results
    replaces one without. The same auction arrives from several queries (``type=Note``
    and a date search) and from both sources.
    """
    merged: dict[tuple[str, dt.date], Auction] = {}
    for batch in batches:
        for auction in batch:
            kept = merged.get(auction.key)
            if kept is None or (not kept.has_results and auction.has_results):
                merged[auction.key] = auction
    return sorted(merged.values(), key=lambda a: (-a.auction_date.toordinal(), a.cusip))


def combine_batches(batches: Sequence[AuctionBatch], source: str) -> AuctionBatch:
    """One batch from several answers (a type each, a window each, or pages): each auction
    once (a copy with results first, see :func:`merge_auctions`), the announced ones that
    have no results in any answer, soonest first, and every problem line."""
    auctions = merge_auctions(*(b.auctions for b in batches))
    keys = {a.key for a in auctions}
    pending = [a for a in merge_auctions(*(b.pending for b in batches)) if a.key not in keys]
    return AuctionBatch(
        source=source,
        auctions=tuple(auctions),
        pending=tuple(sorted(pending, key=lambda a: (a.auction_date, a.cusip))),
        problems=tuple(p for b in batches for p in b.problems),
    )


AUCTION_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Auction))
"""Attribute names of :class:`Auction`, in declaration order (for exports and JSON)."""

__all__ = [
    "AUCTION_FIELDS",
    "FIELDS",
    "FISCALDATA",
    "TREASURYDIRECT",
    "Auction",
    "AuctionBatch",
    "SecurityKind",
    "auctions_from_page",
    "combine_batches",
    "merge_auctions",
    "parse_fiscaldata_auctions",
    "parse_treasurydirect",
]
