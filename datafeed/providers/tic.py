"""Provides the Treasury International Capital (TIC) major foreign holders provider (``[sources.tic]``).

Two text tables, both tab-delimited exports of a spreadsheet in USD bn (the layouts and
their quirks are in :mod:`datafeed.demand.holders` and docs/demand-sources.md):

- the **history** (``history_path``, default ``.../tic/Documents/mfhhis01.txt``): every month
  since 2000, one block per year, about 95 KB. Read on a cold start only, or when the current
  table is missing or stale;
- the **current** table (``current_path``): the latest twelve or thirteen months, read on
  every refresh. Its default is ``/Publish/slt_table5.txt``: two independent public projects
  (2026) report that the classic ``.../tic/Documents/mfh.txt`` stopped updating in January
  2023 and that SLT Table 5 carries the current months. **Neither was checked against the
  live site**; both layouts are parsed, so ``current_path`` may name either.

Why the history is the safety net: a current table that fails, or whose newest month is
older than the data can be (:data:`STALE_AFTER_MONTHS`), would otherwise freeze the series
without an error. Then the history (which the real file shows is kept up to date: it holds
December 2025) is read again, at most once every :data:`HISTORY_REFETCH` seconds. When both
answer, the table with the newer last month is read first, so its revisions win.

Licence: US Treasury data is a work of the US federal government, public domain.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from datafeed.catalog import SourceRef
from datafeed.errors import FeedError, ParseError
from datafeed.providers.base import ExtraKey, Provider, Target

if TYPE_CHECKING:  # the network stack and the parsers load only when a fetch runs
    from datafeed.demand.holders import HoldersTable
    from datafeed.http import HttpContext
    from datafeed.models import Fetched
    from datafeed.settings import SourceSettings

log = logging.getLogger(__name__)

HISTORY_PATH = "/resource-center/data-chart-center/tic/Documents/mfhhis01.txt"
"""The history table, every month since 2000 (verified: the real file is in the wire notes)."""

MFH_PATH = "/resource-center/data-chart-center/tic/Documents/mfh.txt"
"""The classic current table (reported frozen at January 2023; not verified)."""

SLT_TABLE5_PATH = "/Publish/slt_table5.txt"
"""SLT Table 5, reported to carry the current months (not verified)."""

STALE_AFTER_MONTHS = 4
"""A table whose newest month is more than this many months before today is stale: month M
is released around the 18th of M+2, so even just before a release the newest is M−3."""

HISTORY_REFETCH = 24 * 3600.0
"""Seconds between two reads of the history when the current table cannot be relied on."""

COLD_MONTHS = 24
"""A request reaching further back than this many months is a cold start (history wanted)."""


def _months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def utcnow() -> dt.datetime:
    """Now in UTC, as :func:`datafeed.models.utcnow` gives it; a name of this module so a
    test (or a simulated clock) can replace the clock this provider reads."""
    from datafeed.models import utcnow as models_utcnow

    return models_utcnow()


class TicProvider(Provider):
    """Major foreign holders of Treasury securities, monthly, USD bn, every holder at once."""

    name = "tic"
    short = "TIC"
    title = "U.S. Treasury, Treasury International Capital (TIC) System"
    credit = "Source: U.S. Department of the Treasury, Treasury International Capital (TIC) System."
    base_url = "https://ticdata.treasury.gov"
    market = "us"
    # A government web site with monthly data: one request at a time, a second apart.
    min_interval = 1.0
    max_per_minute = 10
    extra_keys = (
        ExtraKey("history_path", str, HISTORY_PATH, "path of the history table (every month since 2000)"),
        ExtraKey(
            "current_path",
            str,
            SLT_TABLE5_PATH,
            f"path of the current table read each refresh ({SLT_TABLE5_PATH} or {MFH_PATH}); empty: history only",
        ),
    )

    def __init__(self, settings: SourceSettings) -> None:
        super().__init__(settings)
        self._history_read_at: float | None = None
        """``time.monotonic()`` of the last successful read of the history."""

    def batch_key(self, ref: SourceRef) -> str:
        """One key: both tables carry every holder, so every target shares the requests."""
        return "major_foreign_holders"

    def history_start(self, ref: SourceRef) -> dt.date:
        """The history starts in 2000."""
        return dt.date(2000, 1, 1)

    def incremental_start(self, last: dt.date, ref: SourceRef) -> dt.date:
        """Thirteen months before ``last``: the current table revises its whole span."""
        year, month = divmod(last.year * 12 + last.month - 1 - 13, 12)
        return dt.date(year, month + 1, 1)

    def _stale(self, table: HoldersTable | None, today: dt.date) -> bool:
        latest = table.latest_month if table is not None else None
        return latest is None or _months_between(latest, today) > STALE_AFTER_MONTHS

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Fetched]:
        """Read the current table, and the history when cold or when the current one fails
        or is stale; one batch per target (a holder absent from the tables gives none).

        Raises:
            FetchError: no table could be fetched.
            ParseError: no table could be read, or none has any requested holder.
        """
        from datafeed.demand.holders import parse_holders  # parsing code loads when a fetch runs
        from datafeed.demand.wire import combined_error
        from datafeed.models import Batch

        today = utcnow().date()
        bodies: list[tuple[HoldersTable, bytes]] = []
        errors: list[tuple[str, FeedError]] = []
        current_path = str(self.option("current_path")).strip()
        current: HoldersTable | None = None
        if current_path:
            try:
                response = await http.get(self.settings, f"{self.settings.base_url}{current_path}")
                current = parse_holders(response.content)
                bodies.append((current, response.content))
            except FeedError as exc:
                errors.append(("current table", exc))
        cold = _months_between(since, today) > COLD_MONTHS
        recently = self._history_read_at is not None and time.monotonic() - self._history_read_at < HISTORY_REFETCH
        if cold or (self._stale(current, today) and not recently):
            try:
                response = await http.get(self.settings, f"{self.settings.base_url}{self.option('history_path')}")
                history = parse_holders(response.content)
                bodies.append((history, response.content))
                self._history_read_at = time.monotonic()
            except FeedError as exc:
                errors.append(("history", exc))
        if not bodies:
            if not errors:  # no current table configured and the history read recently
                return [Batch.of(t, [], []) for t in targets]
            raise combined_error(errors)
        if errors:
            log.info("tic: %s (served from the other table)", "; ".join(f"{w}: {e.message}" for w, e in errors))
        # The table reaching the newest month goes first: its values (revisions) win.
        bodies.sort(key=lambda tb: tb[0].latest_month or dt.date.min, reverse=True)
        table = parse_holders(*(body for _, body in bodies)) if len(bodies) > 1 else bodies[0][0]
        found = [t for t in targets if t.ref.series in table.series]
        if not found:
            wanted = ", ".join(sorted({t.ref.series for t in targets}))
            raise ParseError(f"tic: no row for {wanted} in the tables read (layout changed?)")
        out: list[Fetched] = []
        for target in targets:
            series = table.series.get(target.ref.series)
            out.append(Batch.from_points(target, series.points if series else (), since))
        return out


__all__ = ["HISTORY_PATH", "MFH_PATH", "SLT_TABLE5_PATH", "TicProvider"]
