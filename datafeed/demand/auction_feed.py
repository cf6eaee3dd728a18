"""Provides the auction feed: the small scheduler that keeps the auction book refreshed.

Why not a :class:`datafeed.feed.Feed` job: a Feed job fetches *series* for *instruments* and
writes them to the series store; auctions are records kept in their own book. This feed
runs beside the Feed (the app or a headless monitor starts both, on the same
:class:`~datafeed.http.HttpContext`, so every request passes the same per-source gate,
timeouts, retries and body cap) and has the same habits: cache first, a cold start reads
the history once, later refreshes only the recent weeks, failures back off with jitter and
keep what is held (status ``stale``), and one line says why.

When it asks: auctions are held on US business days and their results are out at 11:30 ET
(bills) and 13:00 ET (coupons), so on business days the feed checks at
:data:`CHECKS_ET` and not in between; on weekends and holidays it does not ask at all. At
start it refreshes once (the app may have been closed through an auction).

Sources: TreasuryDirect (``[sources.treasurydirect]``) first; when it fails, Fiscal Data's
``auctions_query`` (``[sources.fiscaldata]``) serves the same auctions. Either may be
disabled; with neither enabled the feed's status is ``missing`` and it never asks.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from datafeed.demand.auctions import AuctionBatch
from datafeed.demand.book import AuctionBook, BookDelta
from datafeed.demand.wire import combined_error
from datafeed.errors import FeedError, FetchError
from datafeed.market_calendar import ET, is_business_day
from datafeed.models import Status, utcnow

if TYPE_CHECKING:
    from datafeed.http import HttpContext
    from datafeed.providers.fiscaldata import FiscalDataProvider
    from datafeed.providers.treasurydirect import TreasuryDirectProvider
    from datafeed.settings import FeedSettings

log = logging.getLogger(__name__)

CHECKS_ET: tuple[dt.time, ...] = (dt.time(11, 45), dt.time(13, 20), dt.time(17, 30))
"""New York times of the checks on a business day: after the 11:30 bill results, after the
13:00 coupon results, and once late in the day for anything published after."""

MAX_BACKOFF = 30 * 60.0
"""Longest wait after repeated failures (seconds)."""


@dataclass(slots=True)
class AuctionStatus:
    """How the last refresh of the auction book went (the book's ``SeriesState``).

    Attributes:
        status: ``fresh`` (the last refresh succeeded), ``stale`` (it failed; the book holds
            older auctions), ``error`` (it failed and the book is empty), ``missing`` (no
            auction source enabled).
        source: the source that answered last (``treasurydirect`` or ``fiscaldata``).
        last_success: when a refresh last succeeded (UTC).
        last_attempt: when a refresh was last tried (UTC).
        last_error: one line on the last failure (None after a success).
        next_retry: when the next refresh is due (UTC).
        notes: the problem lines of the last answer (malformed values, skipped records).
    """

    status: Status = Status.MISSING
    source: str | None = None
    last_success: dt.datetime | None = None
    last_attempt: dt.datetime | None = None
    last_error: str | None = None
    next_retry: dt.datetime | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AuctionReport:
    """What one refresh did: the book change, the source used, the failure if any."""

    delta: BookDelta | None
    source: str | None
    error: str | None


def next_check(now: dt.datetime, checks: tuple[dt.time, ...] = CHECKS_ET) -> dt.datetime:
    """The first check time after ``now`` (UTC) on a US business day, in UTC."""
    local = now.astimezone(ET)
    day = local.date()
    for _ in range(15):  # the longest run of closed days is well under two weeks
        if is_business_day(day, "us"):
            for at in checks:
                when = dt.datetime.combine(day, at, ET)
                if when > local:
                    return when.astimezone(dt.UTC)
        day += dt.timedelta(days=1)
    return (local + dt.timedelta(days=1)).astimezone(dt.UTC)  # pragma: no cover - never reached


class AuctionFeed:
    """Keeps an :class:`AuctionBook` refreshed from TreasuryDirect, Fiscal Data as fallback.

    Args:
        book: the book (usually :meth:`AuctionBook.load` of the cache folder).
        settings: feed settings (``[sources.treasurydirect]``, ``[sources.fiscaldata]``).
        http: the HTTP context the series feed uses.
        cache_dir: where the book is saved after a change (None: not saved).
        providers: provider instances by name (default: built from ``settings``).
        on_change: called with every refresh's report (the app schedules a repaint).
    """

    def __init__(
        self,
        book: AuctionBook,
        settings: FeedSettings,
        http: HttpContext,
        cache_dir: Path | None = None,
        providers: Mapping[str, TreasuryDirectProvider | FiscalDataProvider] | None = None,
        on_change: Callable[[AuctionReport], None] | None = None,
    ) -> None:
        self.book = book
        self.settings = settings
        self.http = http
        self.cache_dir = cache_dir
        self.on_change = on_change
        if providers is None:
            providers = self._default_providers(settings)
        # Keyed by name, so each key holds its own class (the mapping's type cannot say so).
        self.primary = cast("TreasuryDirectProvider | None", providers.get("treasurydirect"))
        self.fallback = cast("FiscalDataProvider | None", providers.get("fiscaldata"))
        self.state = AuctionStatus(last_success=book.last_success, source=book.last_source)
        self.failures = 0
        self.next_due = 0.0
        self.runs = 0
        self.paused = False
        self.warnings: list[str] = []
        self._wake = asyncio.Event()
        if self.primary is None and self.fallback is None:
            self.state.status = Status.MISSING
            self.state.last_error = "no auction source enabled ([sources.treasurydirect], [sources.fiscaldata])"
        elif len(book):
            self.state.status = Status.STALE  # from the cache, not refreshed yet

    @staticmethod
    def _default_providers(settings: FeedSettings) -> dict[str, TreasuryDirectProvider | FiscalDataProvider]:
        from datafeed.providers.fiscaldata import FiscalDataProvider
        from datafeed.providers.treasurydirect import TreasuryDirectProvider

        out: dict[str, TreasuryDirectProvider | FiscalDataProvider] = {}
        for name, cls in (("treasurydirect", TreasuryDirectProvider), ("fiscaldata", FiscalDataProvider)):
            source = settings.sources.get(name)
            if source is not None and source.enabled:
                out[name] = cls(source)
        return out

    @property
    def enabled(self) -> bool:
        """True when some auction source is enabled."""
        return self.primary is not None or self.fallback is not None

    def since(self) -> dt.date:
        """First auction date asked for: the history start when the book is empty, else the
        newest auction date held (the provider's recent window reaches weeks before it)."""
        newest = self.book.newest_date
        provider = self.primary
        if provider is not None:
            return provider.history_start() if newest is None else provider.incremental_start(newest)
        return dt.date(utcnow().date().year - 5, 1, 1) if newest is None else newest

    async def _fetch(self, since: dt.date) -> tuple[AuctionBatch, str, str | None]:
        """Results from the primary, else the fallback; (batch, source, primary's error)."""
        primary_error: FeedError | None = None
        if self.primary is not None:
            try:
                return await self.primary.fetch_auctions(self.http, since), "treasurydirect", None
            except FeedError as exc:
                primary_error = exc
                if self.fallback is None:
                    raise
        assert self.fallback is not None
        try:
            batch = await self.fallback.fetch_auctions(self.http, since)
        except FeedError as exc:
            if primary_error is None:
                raise
            raise combined_error([("", primary_error), ("fallback", exc)]) from exc
        return batch, "fiscaldata", primary_error.message if primary_error else None

    async def refresh(self) -> AuctionReport:
        """Refresh the book once now; saves it and updates the status and the schedule."""
        if not self.enabled:
            return AuctionReport(None, None, self.state.last_error)
        self.runs += 1
        now = utcnow()
        self.state.last_attempt = now
        try:
            batch, source, primary_error = await self._fetch(self.since())
        except FeedError as exc:
            report = AuctionReport(None, None, self._failed(exc, now))
        except Exception as exc:  # a provider bug must not stop the app
            log.exception("auction feed crashed")
            report = AuctionReport(None, None, self._failed(FeedError(f"{type(exc).__name__}: {exc}"), now))
        else:
            delta = self.book.merge(batch.auctions, batch.pending, today=now.date())
            self.book.last_success, self.book.last_source = now, source
            self.failures = 0
            self.state.status, self.state.source = Status.FRESH, source
            self.state.last_success, self.state.last_error = now, None
            self.state.notes = list(batch.problems[-20:])
            if primary_error:
                self.state.notes.append(f"treasurydirect failed ({primary_error}); served by fiscaldata")
            when = next_check(now)
            self.next_due = time.monotonic() + max(1.0, (when - now).total_seconds())
            self.state.next_retry = when
            self._save()
            report = AuctionReport(delta, source, None)
        if self.on_change is not None:
            self.on_change(report)
        return report

    def _failed(self, exc: FeedError, now: dt.datetime) -> str:
        self.failures += 1
        delay = min(MAX_BACKOFF, 15.0 * 2 ** (self.failures - 1)) * random.uniform(0.8, 1.2)
        if isinstance(exc, FetchError) and exc.retry_after:
            delay = max(delay, exc.retry_after)
        self.next_due = time.monotonic() + delay
        self.state.next_retry = now + dt.timedelta(seconds=delay)
        self.state.last_error = exc.message
        self.state.status = Status.STALE if len(self.book) else Status.ERROR
        return exc.message

    def _save(self) -> None:
        if self.cache_dir is None:
            return
        try:
            self.book.save(self.cache_dir)
        except OSError as exc:
            message = f"could not write the auction book: {exc.strerror or exc}"
            log.warning(message)
            self.warnings.append(message)

    def next_due_in(self) -> float:
        """Seconds until the next refresh is due (0 when overdue; an hour when disabled)."""
        if not self.enabled:
            return 3600.0
        return max(0.0, self.next_due - time.monotonic())

    async def refresh_if_due(self) -> AuctionReport | None:
        """Refresh when due (the first call always is); None when nothing was due."""
        if not self.enabled or self.next_due_in() > 0:
            return None
        return await self.refresh()

    def request_refresh(self) -> None:
        """Make the next refresh due now and wake :meth:`run_forever` (the ``r`` key)."""
        self.next_due = 0.0
        self._wake.set()

    def pause(self, paused: bool) -> None:
        """Stop (or resume) refreshing; resuming wakes the loop at once."""
        self.paused = paused
        if not paused:
            self._wake.set()

    async def run_forever(self) -> None:
        """Refresh when due, then sleep until the next check or a requested refresh.

        Runs until cancelled (the app or monitor cancels it with the series feed).
        """
        while True:
            if not self.paused:
                await self.refresh_if_due()
            self._wake.clear()
            wait = 3600.0 if self.paused or not self.enabled else max(0.5, self.next_due_in())
            try:
                # Not asyncio.wait_for: on 3.11 it can swallow a cancel that arrives as the
                # event is set (the series feed's loop has the same guard).
                async with asyncio.timeout(wait):
                    await self._wake.wait()
            except TimeoutError:
                pass


__all__ = ["CHECKS_ET", "AuctionFeed", "AuctionReport", "AuctionStatus", "next_check"]
