"""Provides the TreasuryDirect securities API provider (``[sources.treasurydirect]``): Treasury
auction results, as records.

Endpoints (keyless, JSON lists of camelCase records, every value a string)::

    {base_url}/TA_WS/securities/auctioned?format=json&type=Note&days=14
    {base_url}/TA_WS/securities/search?format=json&startDate=YYYY-MM-DD&endDate=YYYY-MM-DD
        &dateFieldName=auctionDate

Auctions are records, not series: :meth:`TreasuryDirectProvider.fetch_auctions` returns an
:class:`~datafeed.demand.auctions.AuctionBatch`, which the auction book keeps
(:mod:`datafeed.demand.book`), and the auction feed (:mod:`datafeed.demand.auction_feed`)
schedules. Two request plans:

- **recent** (the book holds auctions up to ``recent_days`` ago): one ``auctioned`` request per
  configured security type (``types``), each for the last ``recent_days`` days. The URL does
  not depend on what this copy of triffin holds, so a shared desk cache serves every pane;
- **history** (cold start, or a gap longer than ``recent_days``): ``search`` by calendar
  quarter, newest first, from the quarter holding ``since`` to the current one. Quarters are
  fixed windows (the same URL for everyone all quarter) of ~130 auctions (~0.5 MB), with no
  paging parameters. A window that adds no auction the previous one did not already hold
  stops the walk: a server ignoring the dates (a mirror, a stand-in answering every request
  with one body) must not be asked for 20 more quarters.

:meth:`fetch` also serves the auction series of :mod:`datafeed.demand.auction_series` as
ordinary series (``[[instruments]]`` with ``sources = ["treasurydirect:auction_indirect_10y"]``)
for users who want one in the table; the built-in catalog has none, the book is the path.

Licence: US Treasury data is a work of the US federal government, public domain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from datafeed.catalog import SourceRef
from datafeed.errors import ParseError
from datafeed.providers.base import ExtraKey, Provider, Target

if TYPE_CHECKING:  # the network stack and the parsers load only when a fetch runs
    from datafeed.demand.auctions import AuctionBatch
    from datafeed.http import HttpContext
    from datafeed.models import Fetched

AUCTIONED_PATH = "/TA_WS/securities/auctioned"
SEARCH_PATH = "/TA_WS/securities/search"

DEFAULT_TYPES = "Bill,Note,Bond,TIPS,FRN"
"""Security types asked for each refresh (cash-management bills come with the history search
and can be added with ``types = "Bill,Note,Bond,TIPS,FRN,CMB"``)."""

DEFAULT_RECENT_DAYS = 14
DEFAULT_HISTORY_YEARS = 5

MAX_WINDOWS = 60
"""Most quarter windows read in one fetch (15 years)."""


def utcnow() -> dt.datetime:
    """Now in UTC, as :func:`datafeed.models.utcnow` gives it; a name of this module so a
    test (or a simulated clock) can replace the clock this provider reads."""
    from datafeed.models import utcnow as models_utcnow

    return models_utcnow()


def quarter_start(day: dt.date) -> dt.date:
    """First day of the calendar quarter holding ``day``."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_windows(since: dt.date, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Calendar quarters from the one holding ``since`` to the one holding ``today``, newest
    first, as (first day, last day)."""
    windows: list[tuple[dt.date, dt.date]] = []
    start = quarter_start(today)
    first = quarter_start(min(since, today))
    while start >= first:
        following = dt.date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)
        windows.append((start, following - dt.timedelta(days=1)))
        start = quarter_start(start - dt.timedelta(days=1))
    return windows


def _types(text: str) -> list[str]:
    """The configured security types, each a TreasuryDirect ``type`` (case as published)."""
    from datafeed.demand.auctions import SecurityKind  # parsing code loads when a fetch runs

    known = {k.value.lower(): k.value for k in SecurityKind}
    out: list[str] = []
    for item in text.split(","):
        name = item.strip()
        if not name:
            continue
        if name.lower() not in known:
            raise ParseError(
                f"treasurydirect: unknown security type {name[:20]!r} in 'types' (known: {DEFAULT_TYPES},CMB)"
            )
        out.append(known[name.lower()])
    return out


class TreasuryDirectProvider(Provider):
    """Treasury auction results from TreasuryDirect's securities API (records, not series)."""

    name = "treasurydirect"
    short = "TD"
    title = "TreasuryDirect (U.S. Treasury, Bureau of the Fiscal Service)"
    credit = "Source: U.S. Department of the Treasury, TreasuryDirect (treasurydirect.gov)."
    base_url = "https://www.treasurydirect.gov"
    market = "us"
    # A government web service: half a second apart and at most 30 a minute, so a cold
    # start (about 25 requests) takes under a minute and never bursts.
    min_interval = 0.5
    max_per_minute = 30
    min_cadence = 3600.0
    extra_keys = (
        ExtraKey("types", str, DEFAULT_TYPES, "security types asked for on each refresh (Bill,Note,Bond,TIPS,FRN,CMB)"),
        ExtraKey("recent_days", int, DEFAULT_RECENT_DAYS, "days back each refresh asks for (auctioned?days=N)"),
        ExtraKey("history_years", int, DEFAULT_HISTORY_YEARS, "years of auctions read on a cold start"),
    )

    def batch_key(self, ref: SourceRef) -> str:
        """Every auction series comes from the same requests."""
        return "auctions"

    def history_start(self, ref: SourceRef | None = None) -> dt.date:
        """1 January ``history_years`` years before the current year."""
        years = max(1, int(self.option("history_years")))
        return dt.date(utcnow().date().year - years, 1, 1)

    def incremental_start(self, last: dt.date, ref: SourceRef | None = None) -> dt.date:
        """The newest auction date held: while it is within ``recent_days`` the recent plan
        runs, whose window reaches ``recent_days`` back from today anyway (late results and
        revisions of the last weeks come back); after a longer gap, the quarters since it."""
        return last

    async def fetch_auctions(self, http: HttpContext, since: dt.date, today: dt.date | None = None) -> AuctionBatch:
        """Auctions held (and announced) from ``since`` on, one record per (CUSIP, auction date).

        Raises:
            FetchError: a request failed (the whole fetch fails: a partial answer would
                look complete).
            ParseError: an answer was not the securities JSON, or ``types`` names an unknown type.
        """
        from datafeed.demand.auctions import combine_batches, parse_treasurydirect

        today = today or utcnow().date()
        recent_days = max(1, int(self.option("recent_days")))
        batches: list[AuctionBatch] = []
        if (today - since).days <= recent_days:
            for kind in _types(str(self.option("types"))):
                response = await http.get(
                    self.settings,
                    f"{self.settings.base_url}{AUCTIONED_PATH}",
                    params={"format": "json", "type": kind, "days": recent_days},
                )
                batches.append(parse_treasurydirect(response.content))
        else:
            held: set[tuple[str, dt.date]] = set()
            for start, end in quarter_windows(since, today)[:MAX_WINDOWS]:
                response = await http.get(
                    self.settings,
                    f"{self.settings.base_url}{SEARCH_PATH}",
                    params={
                        "format": "json",
                        "startDate": start.isoformat(),
                        "endDate": end.isoformat(),
                        "dateFieldName": "auctionDate",
                    },
                )
                batch = parse_treasurydirect(response.content)
                keys = {a.key for a in (*batch.auctions, *batch.pending)}
                if keys and keys <= held:
                    break  # the dates were ignored: this window repeats one already read
                held |= keys
                batches.append(batch)
        return combine_batches(batches, "treasurydirect")

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Fetched]:
        """Auction series (``auction_indirect_10y`` ...) computed from the auctions since ``since``.

        Raises:
            FetchError: a request failed.
            ParseError: an answer was not the securities JSON, or a target is no auction series id.
        """
        from datafeed.demand.auction_series import SERIES_PATTERN, auction_series
        from datafeed.models import Batch

        unknown = [t.ref.series for t in targets if not SERIES_PATTERN.match(t.ref.series)]
        if unknown:
            raise ParseError(f"treasurydirect: {', '.join(map(repr, unknown))} is not an auction series id")
        batch = await self.fetch_auctions(http, since)
        series = auction_series(batch.auctions)
        out: list[Fetched] = []
        for target in targets:
            s = series.get(target.ref.series)
            dates = [] if s is None else [ts.date() for ts in s.index]
            values = [] if s is None else s.tolist()
            out.append(Batch.of(target, dates, values, since))
        return out


__all__ = ["AUCTIONED_PATH", "SEARCH_PATH", "TreasuryDirectProvider", "quarter_windows", "quarter_start"]
