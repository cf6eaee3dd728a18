"""Provides the Fiscal Data provider (``[sources.fiscaldata]``): Debt to the Penny, and
Treasury auction results as the fallback of the TreasuryDirect securities API.

Endpoints (keyless), under ``{base_url}/services/api/fiscal_service``::

    /v2/accounting/od/debt_to_penny?fields=...&filter=record_date:gte:YYYY-MM-DD
        &sort=-record_date&page[number]=N&page[size]=S
    /v1/accounting/od/auctions_query?filter=auction_date:gte:YYYY-MM-DD
        &sort=-auction_date&page[number]=N&page[size]=S

Both answer the Fiscal Data envelope (:mod:`datafeed.demand.fiscaldata`): rows as strings,
``links.next`` until the last page, HTTP 400 with an error object for a rejected query.

Debt to the Penny is one row per business day, published the next business day; one request
serves both catalog series (total public debt and debt held by the public, USD bn). A cold
start reads every day since April 1993 (~8,400 rows) in one page of up to 10,000.

Paging stops at the last page (``links.next`` null, or the page count reached), after
:data:`MAX_PAGES`, or as soon as a page adds no row not already read: a mirror or a stand-in
that answers every request with the same body must not be asked forever.

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
    from datafeed.demand.debt import DebtDay, DebtField
    from datafeed.demand.fiscaldata import FiscalPage
    from datafeed.http import HttpContext
    from datafeed.models import Fetched

API_PATH = "/services/api/fiscal_service"
DEBT_PATH = "/v2/accounting/od/debt_to_penny"
AUCTIONS_PATH = "/v1/accounting/od/auctions_query"

DEBT_SERIES: dict[str, DebtField] = {
    "tot_pub_debt_out_amt": "total",
    "debt_held_public_amt": "public",
    "intragov_hold_amt": "intragov",
}
"""Catalog series code (the dataset's field name) → the Debt to the Penny amount it is."""

FIRST_DAY = dt.date(1993, 4, 1)
"""Debt to the Penny's first record."""

MAX_PAGES = 20
"""Most pages read in one fetch (a cold Debt to the Penny read is one page)."""

AUCTION_PAGE_SIZE = 1000
"""Auction rows per page (~1 KB each)."""

MAX_PAGE_SIZE = 10_000
"""Largest ``page[size]`` the API accepts: :data:`datafeed.demand.fiscaldata.MAX_PAGE_SIZE`,
repeated here (a test keeps them equal) so that importing the provider's class, which the
registry does before the first frame, does not import the envelope parser."""


class FiscalDataProvider(Provider):
    """Debt to the Penny (daily, USD bn) and, for the auction book, ``auctions_query``."""

    name = "fiscaldata"
    short = "FISCAL"
    title = "U.S. Treasury, Bureau of the Fiscal Service (Fiscal Data)"
    credit = "Source: U.S. Department of the Treasury, Bureau of the Fiscal Service (fiscaldata.treasury.gov)."
    base_url = "https://api.fiscaldata.treasury.gov"
    market = "us"
    # A government API: gentle spacing and a per-minute cap well under any published limit.
    min_interval = 0.5
    max_per_minute = 30
    # Debt to the Penny appears once a day (the next business day); the feed slows down to
    # every three hours once the newest day is held.
    min_cadence = 3600.0
    extra_keys = (ExtraKey("page_size", int, MAX_PAGE_SIZE, "rows per Debt to the Penny page (at most 10000)"),)

    def batch_key(self, ref: SourceRef) -> str:
        """Debt series share one request (one row carries every amount)."""
        return "debt_to_penny" if ref.series in DEBT_SERIES else ref.series

    def history_start(self, ref: SourceRef) -> dt.date:
        """Debt to the Penny's first day (one request of ~8,400 rows)."""
        return FIRST_DAY

    async def _pages(self, http: HttpContext, path: str, params: dict[str, str | int], source: str) -> list[FiscalPage]:
        """Every page of one query, newest first, stopping when a page adds nothing new."""
        from datafeed.demand.fiscaldata import parse_page  # parsing code loads when a fetch runs

        pages: list[FiscalPage] = []
        seen: set[tuple[tuple[str, str | None], ...]] = set()
        number = 1
        for _ in range(MAX_PAGES):
            response = await http.get(
                self.settings,
                f"{self.settings.base_url}{API_PATH}{path}",
                params={**params, "page[number]": number},
            )
            page = parse_page(response.content, source)
            fresh = [row for row in page.rows if tuple(sorted(row.items())) not in seen]
            if not fresh and pages:
                break  # the same answer again: a stand-in or a mirror ignoring page[number]
            seen.update(tuple(sorted(row.items())) for row in page.rows)
            pages.append(page)
            if page.is_last or not page.rows:
                break
            number = page.next_page or number + 1
        return pages

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Fetched]:
        """Debt to the Penny from ``since`` on, one batch (USD bn) per target.

        Raises:
            FetchError: a request failed.
            ParseError: an answer was not the Fiscal Data envelope, or a target names no
                Debt to the Penny amount.
        """
        # Read when a fetch runs: the config and the first frame load every provider's class.
        from datafeed.demand.debt import FIELDS as DEBT_FIELDS
        from datafeed.demand.debt import SOURCE as DEBT_SOURCE
        from datafeed.demand.debt import days_from_page, debt_points
        from datafeed.models import Batch

        unknown = [t.ref.series for t in targets if t.ref.series not in DEBT_SERIES]
        if unknown:
            raise ParseError(f"fiscaldata: no Debt to the Penny field {', '.join(map(repr, unknown))}")
        size = max(1, min(MAX_PAGE_SIZE, int(self.option("page_size"))))
        params: dict[str, str | int] = {
            "fields": ",".join(DEBT_FIELDS),
            "filter": f"record_date:gte:{since.isoformat()}",
            "sort": "-record_date",
            "page[size]": size,
        }
        days: list[DebtDay] = []
        for page in await self._pages(http, DEBT_PATH, params, DEBT_SOURCE):
            days.extend(days_from_page(page).days)
        return [Batch.from_points(t, debt_points(days, DEBT_SERIES[t.ref.series]), since) for t in targets]

    async def fetch_auctions(self, http: HttpContext, since: dt.date) -> AuctionBatch:
        """Auction results (and announced auctions) with an auction date from ``since`` on.

        The fallback of :meth:`TreasuryDirectProvider.fetch_auctions
        <datafeed.providers.treasurydirect.TreasuryDirectProvider.fetch_auctions>`: the
        same auctions, read into the same :class:`~datafeed.demand.auctions.Auction`.

        Raises:
            FetchError: a request failed.
            ParseError: an answer was not the Fiscal Data envelope.
        """
        from datafeed.demand.auctions import auctions_from_page, combine_batches

        params: dict[str, str | int] = {
            "filter": f"auction_date:gte:{since.isoformat()}",
            "sort": "-auction_date",
            "page[size]": AUCTION_PAGE_SIZE,
        }
        batches = [
            auctions_from_page(page)
            for page in await self._pages(http, AUCTIONS_PATH, params, "fiscaldata auctions_query")
        ]
        return combine_batches(batches, "fiscaldata")


__all__ = ["DEBT_SERIES", "FiscalDataProvider"]
