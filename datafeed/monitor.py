"""Provides :class:`Monitor`: triffin's headless core, the one thing every entry point runs.

Why one object: the TUI, ``triffin watch``, ``triffin record`` and ``triffin snapshot``
all need the same pieces wired the same way: a store filled from the disk cache (or the
demo market, or nothing for a recording or a replay), the shared HTTP client, the feed,
and after every update the signals, crisis scores, formula rows and alerts. The Monitor
owns them, runs them on the caller's asyncio loop, and reports what changed as frozen
:class:`MonitorUpdate` objects. It imports no UI library (see docs/architecture.md).

Threads: the store is written on the event loop only (by the feed and the demo ticks).
Loading (pandas, the cache files, the demo history) and every recompute run in one worker
thread of the Monitor's own, one job at a time, on a snapshot of the series; results come
back to the loop with ``call_soon_threadsafe``. Store changes that arrive while a
recompute runs coalesce into one more run.

Modes: ``live`` (cache first, then the feed), ``demo`` (synthetic, labelled), ``replay``
(a recording, on its clock), ``record`` (live through the recording transport, cache
untouched) and ``offline``: with ``switch_offline`` (the TUI), when every source fails
the Monitor shows the kept data, or, with nothing kept, the demo market under an OFFLINE
banner, and switches back as soon as a source answers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from dataclasses import field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Literal, NamedTuple, TypeVar, cast

from datafeed.catalog import CATALOG, Catalog
from datafeed.health import SourceHealth, source_health
from datafeed.records import record
from datafeed.settings import FeedSettings
from datafeed.worker import Worker

if TYPE_CHECKING:
    import httpx
    import pandas as pd

    from datafeed.alerts import AlertMonitor, AlertRule, Firing, Held, HeldBack
    from datafeed.cache import DiskCache
    from datafeed.crises import Episode
    from datafeed.demand.auction_feed import AuctionFeed, AuctionReport
    from datafeed.demand.book import AuctionBook
    from datafeed.demand.book_series import BookSeries
    from datafeed.demo import DemoMarket
    from datafeed.feed import Feed, RefreshReport
    from datafeed.formulas import Formula
    from datafeed.http import HttpContext
    from datafeed.metrics import Metrics, MetricsEngine
    from datafeed.recompute import Job, Result
    from datafeed.recording import ReplayTransport
    from datafeed.signals import InputFact
    from datafeed.store import SeriesStore
    from datafeed.summary import SummaryEntry
    from datafeed.updates import AlertEntry, MonitorUpdate, Notice

V = TypeVar("V")
"""What the Monitor's ``present`` builds from new metrics (the TUI's views); the same
parameter as :data:`datafeed.updates.V`, declared here so that building a Monitor imports
neither :mod:`datafeed.updates` nor :mod:`datafeed.recompute` (they load with the first
update, after the first frame: issue 20)."""

Run = Literal["live", "demo", "replay", "record"]
"""What a Monitor was started as."""

Mode = Literal["live", "offline", "demo", "replay", "record"]
"""What it is showing now (``offline``: live sources unreachable)."""

MAX_LOG = 500
"""Alert log entries kept (oldest dropped first)."""

OFFLINE_DEMO_BANNER = (
    "OFFLINE — no live source answers; showing DEMO data (synthetic, not market prices) until one does"
)
"""Banner when nothing answers and nothing is cached: the demo runs, and says so."""

OFFLINE_AFTER = 1.0
"""Seconds after start-up with no answer and nothing cached before the OFFLINE demo shows.

Why so short: without a network a trader would otherwise stare at bare ``n/a`` while every
source runs through its retries and timeouts (18 s and more). A source that answers later
switches the screen back to live data at once, so a slow first answer costs a moment of a
clearly labelled demo, never a wrong number. With a cache the kept values show from the
first frame, and the mode turns ``offline`` as soon as every source's first request failed."""

DEMO_AFTER_BANNER = 0.1
"""Seconds between going offline and building the demo market: the consumer takes the mode
change (the OFFLINE banner) first, before the build competes with it for the interpreter."""

OFFLINE_MIN_FEED = 0.5
"""Seconds the feed runs at least before that deadline counts (a slow start-up under load
must not leave the sources no time to answer)."""


def _session_day(day: dt.date) -> dt.date:
    """A weekend day's session is the Friday before."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def demo_history_end(today: dt.date) -> dt.date:
    """Last business day before today's session: the demo's close before intraday ticks."""
    return _session_day(_session_day(today) - dt.timedelta(days=1))


@record
class MonitorOptions:
    """Everything a Monitor needs, resolved from the config by ``tui.session.build_monitor``.

    Attributes:
        settings: feed settings (sources, timeouts, user agent).
        catalog: the instruments in force (the built-ins and the config's ``[[instruments]]``).
        run: ``live``, ``demo``, ``replay`` or ``record``.
        cache_dir: the disk cache (read and written in ``live`` only).
        intraday_refresh: seconds between intraday quote passes.
        formulas: ``[[formulas]]``, evaluated after every update.
        rules: ``[[alerts]]`` (and ``--alert``), checked after every update.
        thresholds: ``[thresholds]`` overrides (invalid ones fall back to the defaults).
        episodes: user ``[[episodes]]`` as validated mappings.
        metrics: compute signals and crisis scores after every update (the TUI does).
        switch_offline: go ``offline`` (and to the demo when nothing is kept) when every
            source fails, back when one answers (the TUI; headless commands keep their mode).
        recompute_after: ``update`` recomputes after every store change (the TUI shows each
            as it lands); ``pass`` waits for the end of a feed pass (``triffin watch``: a
            formula over two sources never sees one of them updated and the other not, and
            rules fire in rule order within a pass). Demo ticks are whole updates either way.
        transport: the recording or replay transport under the shared client.
        today: a fixed "today" (tests); with no ``clock`` the clock stops at 21:00 UTC.
        clock: returns "now" (UTC); default the system clock (a replay: its recorded clock).
        tick_interval: seconds between demo ticks; None freezes the demo market.
        alert_memory: the file remembering which observation each alert rule last fired
            on, across runs (:mod:`datafeed.alert_memory`); used in ``live`` runs only.
    """

    settings: FeedSettings
    catalog: Catalog = CATALOG
    run: Run = "live"
    cache_dir: Path | None = None
    intraday_refresh: float = 300.0
    formulas: tuple[Formula, ...] = ()
    rules: tuple[AlertRule, ...] = ()
    thresholds: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    episodes: tuple[Mapping[str, object], ...] = ()
    metrics: bool = False
    switch_offline: bool = False
    recompute_after: Literal["update", "pass"] = "update"
    transport: httpx.AsyncBaseTransport | None = None
    today: dt.date | None = None
    clock: Callable[[], dt.datetime] | None = None
    tick_interval: float | None = 2.0
    alert_memory: Path | None = None


class _Loaded(NamedTuple):
    """What the load job hands to the loop: a store nobody else has seen yet.

    A named tuple, not a dataclass: it is defined in front of the first frame, where a
    dataclass costs ~0.6 ms to create (issue 20), and it is only built and read.
    """

    store: SeriesStore
    demo: bool
    series: tuple[dict[str, pd.Series], dict[str, InputFact]] | None
    engine: MetricsEngine | None
    market: DemoMarket | None = None
    cache: DiskCache | None = None
    http: HttpContext | None = None
    client: httpx.AsyncClient | None = None
    warnings: Sequence[str] = ()
    book: AuctionBook | None = None
    book_series: BookSeries | None = None


class Monitor(Generic[V]):
    """The stores, cache, feed and mode of one run, and one coalescing recompute after updates.

    Use it on a running asyncio loop: :meth:`start`, then read :meth:`updates` (one
    consumer), and :meth:`aclose` at the end. Everything but the worker thread's jobs runs
    on that loop; the attributes are the loop's view and may be read there at any time.

    Args:
        options: what to run (see :class:`MonitorOptions`).
        present: called in the worker thread with every new :class:`~datafeed.metrics.Metrics`;
            its result rides along as :attr:`views` (the TUI builds its widget inputs there,
            off the UI thread).
    """

    def __init__(self, options: MonitorOptions, present: Callable[[Metrics], V] | None = None) -> None:
        self.options = options
        self._present = present
        # A replay's transport is a ReplayTransport (build_monitor's contract); no isinstance
        # check, which would import httpx before the first frame.
        self._replay = cast("ReplayTransport", options.transport) if options.run == "replay" else None
        run = options.run
        self.mode: Mode = run
        self.showing_demo = run == "demo"
        """True when the store shown is the demo market (demo, or the offline fallback)."""
        self.live_store: SeriesStore | None = None
        self.demo_store: SeriesStore | None = None
        self.market: DemoMarket | None = None
        self.cache: DiskCache | None = None
        self.feed: Feed | None = None
        self.http: HttpContext | None = None
        self.live_book: AuctionBook | None = None
        """Treasury auction records of a live run (loaded from the cache, kept by :attr:`auction_feed`)."""
        self.demo_book: AuctionBook | None = None
        """The demo market's synthetic auctions (source ``demo``)."""
        self.auction_feed: AuctionFeed | None = None
        self._book_series: dict[str, BookSeries] = {}
        """Store kind (``live``/``demo``) → its book's auction series and their facts."""
        self.metrics: Metrics | None = None
        """Latest signals and crisis scores of the store shown (None while computing)."""
        self.views: V | None = None
        self.formula_values: dict[str, pd.Series] = {}
        """Formula id → its series, for the store shown (replaced, never mutated)."""
        self.formula_errors: dict[str, str] = {}
        self.alert_log: list[AlertEntry] = []
        """Firings, oldest first (at most :data:`MAX_LOG`)."""
        self.fired = 0
        self.held_alerts: dict[str, HeldBack] = {}
        """Rule text → the firing last held back as late (until the rule fires): the alert log says it."""
        self.paused = False
        self.thresholds: Mapping[str, Mapping[str, float]] = {}
        """The thresholds in force: a frozen ``datafeed.thresholds.Thresholds`` once loaded
        (the defaults when the configured ones were invalid)."""
        self.episodes: list[Episode] | None = None
        self._client: httpx.AsyncClient | None = None
        self._engine: MetricsEngine | None = None
        self._alerts: AlertMonitor | None = None
        self._reset_alerts = False
        self._alerts_warned = False
        self._told_late: set[tuple[str, dt.date]] = set()
        """(rule, data date) of the firings held back as late that were told already."""
        self._wants = options.metrics or bool(options.formulas) or bool(options.rules)
        read = set().union(*(f.inputs for f in options.formulas), *(r.refs for r in options.rules))
        self._tail_only = frozenset(f.id for f in options.formulas) - read
        """Formulas nothing else reads: the recompute keeps their tail (see :meth:`formula_history`)."""
        self._added_rules: list[AlertRule] = []
        """Rules added while running (:meth:`add_rule`), handed to the alert engine between runs."""
        self._worker = Worker()
        self._jobs = 0
        self._generation = 0
        self._seen = -1
        self._pending: set[str] | None = set()
        self._dirty: set[str] = set()
        self._loading_demo = False
        self._series: dict[str, pd.Series] = {}
        self._facts: dict[str, InputFact] = {}
        """Newest date and source tag of each instrument of ``_series`` (signals' freshness)."""
        self._series_of: SeriesStore | None = None
        self._update: MonitorUpdate[V] | None = None
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._loaded = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._ticks: asyncio.Task[None] | None = None
        self._running = asyncio.Event()  # cleared while paused: the demo's ticks wait on it
        self._running.set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._follow = True
        self._started_at = 0.0
        self._session_start: dt.datetime | None = None  # wall clock at start(): newer successes are this session's
        self._offline_timer: asyncio.TimerHandle | None = None
        self._answered: set[str] = set()
        """Sources that answered an HTTP attempt (2xx or 304) since start."""
        self._tried: set[str] = set()
        """Sources with a failed HTTP attempt since start."""
        self._closed = False
        self.load_error: str | None = None
        self.warnings: list[str] = []
        """Problems found while loading (corrupt cache files, skipped episodes), also sent as notices."""

    # ------------------------------------------------------------------ what is shown

    def now(self) -> dt.datetime:
        """Now, in UTC (frozen with a fixed ``today``; the recorded time in a replay)."""
        o = self.options
        if o.clock is not None:
            return o.clock()
        if o.today is not None:
            return dt.datetime.combine(o.today, dt.time(21, 0), dt.UTC)
        if self.replay is not None:
            return self.replay.virtual_now()
        return dt.datetime.now(dt.UTC)

    @property
    def today(self) -> dt.date:
        """Today's date (fixed in tests)."""
        return self.options.today or self.now().date()

    @property
    def replay(self) -> ReplayTransport | None:
        """The replay transport when replaying (read without importing httpx: the first frame asks)."""
        return self._replay

    @property
    def store(self) -> SeriesStore | None:
        """The store shown: the demo market in demo / offline-demo mode, else the live one."""
        return self.demo_store if self.showing_demo else self.live_store

    @property
    def book(self) -> AuctionBook | None:
        """The auction book shown: the demo market's in demo / offline-demo mode, else the live one."""
        return self.demo_book if self.showing_demo else self.live_book

    @property
    def store_kind(self) -> str:
        """``demo`` or ``live``: which store :attr:`store` is."""
        return "demo" if self.showing_demo else "live"

    @property
    def status_mode(self) -> str:
        """The banner's mode (``live``, ``demo``, ``offline``); a replay wears the offline banner."""
        return "offline" if self.mode == "replay" else self.mode

    @property
    def banner(self) -> str | None:
        """Banner text beyond the mode's default (None: the default)."""
        if self.mode == "offline" and self.showing_demo:
            return OFFLINE_DEMO_BANNER
        replay = self.replay
        if replay is not None and not self.showing_demo:
            return f"REPLAY of {replay.folder} at speed {replay.speed:g} — recorded data, not live"
        return None

    @property
    def alert_mode(self) -> str:
        """What alert firings are labelled: ``demo`` on the demo market, else the mode."""
        return "demo" if self.showing_demo else self.mode

    @property
    def idle(self) -> bool:
        """True when every update was taken in and no computation runs or waits."""
        return not self._dirty and self._jobs == 0 and not self._needs_run()

    def source_enabled(self, name: str) -> bool:
        """True when the source is on and live data is being fetched (not the demo)."""
        src = self.options.settings.sources.get(name)
        return bool(src is not None and src.enabled and self.options.run != "demo")

    def formula(self, formula_id: str) -> Formula | None:
        """The formula with this id, or None."""
        return next((f for f in self.options.formulas if f.id == formula_id), None)

    def formula_history(self, formula_id: str) -> pd.Series | None:
        """A formula's whole series on the store shown (None: unknown formula or no value yet).

        The recompute keeps only the tail of formulas nothing else reads (the table's
        needs); a drill-down or a saved view asks here, on its own thread, for all of it.
        """
        values = self.formula_values.get(formula_id)
        formula = self.formula(formula_id)
        if values is None or formula is None or formula_id not in self._tail_only:
            return values
        from datafeed.formulas import evaluate

        try:
            return evaluate(formula, {**self.series_snapshot(), **self.formula_values})
        except Exception:  # noqa: BLE001 - its error is already in formula_errors; show the tail
            return values

    def cached_summary(self) -> dict[str, SummaryEntry]:
        """The cache summary (no pandas): what a live run will show first. Empty otherwise."""
        if self.options.run != "live" or self.options.cache_dir is None:
            return {}
        from datafeed.summary import read_summary

        return read_summary(self.options.cache_dir)

    def series_snapshot(self) -> dict[str, pd.Series]:
        """Every instrument's series (intraday quote included) as of now, for a thread.

        The store replaces (never mutates) a Series on merge, so the objects handed out stay
        consistent while the loop goes on writing; the dict is a fresh copy. Only changed
        instruments are re-read (``SeriesStore.all_series`` would rebuild all of them).
        """
        store = self.store
        if store is None:
            return {}
        if self._series_of is not store:
            from datafeed.signals import input_facts

            self._series, self._facts, self._series_of = store.all_series(), input_facts(store), store
        out = dict(self._series)
        extra = self._book_series.get(self.store_kind)
        if extra is not None:
            out.update(extra.series)
        return out

    def input_facts(self) -> dict[str, InputFact]:
        """Newest date and source of every input :meth:`series_snapshot` hands out."""
        out = dict(self._facts)
        extra = self._book_series.get(self.store_kind)
        if extra is not None:
            out.update(extra.facts)
        return out

    def health(self) -> list[SourceHealth]:
        """Per-source health: the feed's jobs, or the demo, or the sources not started yet."""
        if self.mode == "demo":
            store = self.demo_store
            quotes = [q for i in store.catalog if (q := store.intraday_quote(i)) is not None] if store else []
            last = max((q.time for q in quotes if q.time is not None), default=None)
            note = "paused" if self.paused else ("frozen" if not self.options.tick_interval else "synthetic")
            return [SourceHealth("demo", "ok", (self.now() - last).total_seconds() if last else None, note=note)]
        sources = self.options.settings.sources
        if self.feed is None or self.live_store is None:
            return [
                SourceHealth(name, "connecting") if s.enabled else SourceHealth(name, "off")
                for name, s in sources.items()
            ]
        now = self.now()
        out = source_health(
            sources,
            self.feed.all_jobs,
            self.live_store,
            now,
            time.monotonic(),
            self.feed.market_open(now),
            self.feed.intraday_jobs,
            self.today,
            self.http.answered if self.http is not None else None,
        )
        if self.auction_feed is not None:
            out = [self._auction_health(h, now) if h.source == "treasurydirect" else h for h in out]
        if self.paused:
            out = [replace(h, retry_in=None, note="paused") if h.state != "off" else h for h in out]
        return out

    def _auction_health(self, health: SourceHealth, now: dt.datetime) -> SourceHealth:
        """TreasuryDirect's health from the auction feed (it has no series job, so the feed's
        table calls it unused): connecting until the first answer, then ok / stale / error."""
        feed, book = self.auction_feed, self.live_book
        if feed is None or book is None or not feed.enabled or (health.state == "off" and health.note != "unused"):
            return health
        state = feed.state
        newest = book.newest_date
        age = (now - state.last_success).total_seconds() if state.last_success is not None else None
        retry = (state.next_retry - now).total_seconds() if state.next_retry is not None else None
        from datafeed.models import Status

        if state.last_error is None and state.status is not Status.FRESH:  # no answer in this run yet
            return SourceHealth("treasurydirect", "connecting", note="auctions")
        if state.last_error is None:
            return SourceHealth("treasurydirect", "ok", age, note="auctions", data_date=newest, series=len(book))
        kind: Literal["stale", "error"] = "stale" if len(book) else "error"
        return SourceHealth(
            "treasurydirect", kind, age, retry, note="auctions", error=state.last_error, data_date=newest
        )

    # ------------------------------------------------------------------ life cycle

    def start(self, follow: bool = True) -> None:
        """Load the first data off the loop, then (``follow``) run the feed or the demo ticks.

        Call on the running loop. Without ``follow`` nothing fetches or ticks by itself:
        :meth:`refresh_once` does one pass (``--once``, ``snapshot``).
        """
        self._loop = asyncio.get_running_loop()
        self._follow = follow
        self._started_at = self._loop.time()
        from datafeed.models import utcnow

        self._session_start = utcnow()  # the feed stamps successes with the real clock too
        self._submit_load(self.options.run == "demo")

    async def loaded(self) -> SeriesStore:
        """Wait for the first store; returns it.

        Raises:
            RuntimeError: the load failed (the reason is :attr:`load_error`).
        """
        await self._loaded.wait()
        if self.store is None:
            raise RuntimeError(self.load_error or "no data loaded")
        return self.store

    async def settled(self) -> None:
        """Wait until every update was taken in and its recompute finished."""
        while not self.idle:
            self._idle.clear()
            await self._idle.wait()

    async def refresh_auctions_once(self) -> AuctionReport | None:
        """One refresh of the auction book (None: no book in this run, or no auction source on)."""
        await self.loaded()
        if self.auction_feed is None or not self.auction_feed.enabled:
            return None
        return await self.auction_feed.refresh()

    def _auctions_refreshed(self, report: AuctionReport) -> None:
        """After every auction refresh (loop): new auction series for the signals when the book changed."""
        from datafeed.updates import MonitorUpdate

        if report.delta and self._wants and self.live_book is not None:
            from datafeed.demand.book_series import BookSeries, book_series

            old = self._book_series.get("live") or BookSeries()
            fresh = self._book_series["live"] = book_series(self.live_book, self._series)
            changed = fresh.changed_from(old)
            if changed and not self.showing_demo:
                if self._pending is not None:
                    self._pending.update(changed)
                self._kick()
        self._publish(MonitorUpdate(status=True, auctions=True))

    async def refresh_once(self) -> RefreshReport:
        """One forced pass over every source (the feed must not be running by itself)."""
        await self.loaded()
        assert self.feed is not None, "refresh_once needs a live feed"
        report = await self.feed.refresh(force=True)
        self._pass_done(report)
        await self.feed.flush()  # a snapshot's cache is on disk when it returns
        return report

    async def updates(self) -> AsyncIterator[MonitorUpdate[V]]:
        """What changed, as it changes; updates the consumer was too busy to take are merged.

        One consumer at a time. Ends after :meth:`aclose`, once the last update is taken.
        """
        while True:
            update, self._update = self._update, None
            if update is not None:
                yield update
            elif self._closed:
                return
            else:
                self._wake.clear()
                await self._wake.wait()

    async def aclose(self, drain: bool = False) -> None:
        """Stop the feed and the ticks, close the HTTP client, end :meth:`updates`.

        Args:
            drain: first let the last recompute finish and wait for running alert
                commands (headless commands; the TUI quits at once).
        """
        if self._offline_timer is not None:
            self._offline_timer.cancel()
            self._offline_timer = None
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self.feed is not None:
            await self.feed.flush()  # the last pass's cache save, running after the pass
        if drain:
            await self.settled()
        self._closed = True
        self._wake.set()
        self._worker.stop()
        if self._alerts is not None:
            self._alerts.close(wait=drain)
        if self.http is not None:
            await self.http.aclose()
        if self._client is not None:
            await self._client.aclose()

    def pause(self, paused: bool) -> None:
        """Pause or resume the feed and the demo ticks."""
        from datafeed.updates import MonitorUpdate

        self.paused = paused
        if paused:
            self._running.clear()
        else:
            self._running.set()
        if self.feed is not None:
            self.feed.pause(paused)
        if self.auction_feed is not None:
            self.auction_feed.pause(paused)
        self._publish(MonitorUpdate(status=True))

    def refresh_now(self) -> bool:
        """Refresh every source now; in demo mode one tick now. True when it was a demo tick."""
        if self.mode == "demo":
            self._demo_tick()
            return True
        if self.feed is not None:
            self.feed.request_refresh()
        if self.auction_feed is not None:
            self.auction_feed.request_refresh()
        return False

    def store_changed(self, kind: str) -> None:
        """The ``live`` or ``demo`` store was written: take the change in (coalesced per loop turn)."""
        if kind in self._dirty or self._loop is None:
            return
        self._dirty.add(kind)
        self._idle.clear()
        self._loop.call_soon(self._take_change, kind)

    # ------------------------------------------------------------------ loading

    def _submit_load(self, demo: bool) -> None:
        self._jobs += 1
        self._worker.submit(partial(self._load_job, demo))

    def _to_loop(self, callback: Callable[..., None], *args: object) -> None:
        """Run ``callback(*args)`` on the loop (from the worker thread)."""
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:  # the loop closed while the job ran: nobody is waiting
            pass

    def _prepare(self, warnings: list[str]) -> None:
        """Episodes (built-in + config) and thresholds, validated once (worker thread)."""
        from datafeed.crises import BUILTIN_EPISODES, episode_from_mapping
        from datafeed.signals import resolve_thresholds

        if self.episodes is not None:
            return
        episodes = list(BUILTIN_EPISODES)
        for raw in self.options.episodes:
            try:
                episodes.append(episode_from_mapping(raw))
            except ValueError as exc:
                warnings.append(f"episode skipped: {exc}")
        try:
            thresholds = resolve_thresholds(self.options.thresholds)
        except ValueError as exc:
            warnings.append(f"{exc}; using the default thresholds")
            thresholds = resolve_thresholds()
        self.episodes, self.thresholds = episodes, thresholds

    def _new_engine(self) -> MetricsEngine | None:
        if not self.options.metrics:
            return None
        from datafeed.metrics import MetricsEngine

        return MetricsEngine(self.thresholds, self.episodes)

    def _load_job(self, demo: bool) -> None:
        """Build a store (demo history, cache, or empty) and what the feed needs (worker thread)."""
        try:
            loaded = self._load(demo)
        except Exception as exc:  # noqa: BLE001 - reported; the app stays up without data
            from datafeed.errors import redact

            self._to_loop(self._load_failed, redact(f"loading the data failed: {exc}"))
            return
        self._to_loop(self._installed, loaded)

    def _load(self, demo: bool) -> _Loaded:
        from datafeed.store import SeriesStore

        o = self.options
        warnings: list[str] = []
        if o.metrics or o.rules:  # a snapshot or a recording needs neither (nor their imports)
            self._prepare(warnings)
        if self.options.rules and self._alerts is None:
            self._alerts = self._new_alerts()
        if demo:
            from datafeed.demo import DemoMarket, load_demo

            store = SeriesStore(o.catalog, today=lambda: self.today)
            # The end is today's (UTC) session's previous business day, as the saved demo
            # view's key says (tui.viewcache), not the local calendar's.
            market = load_demo(store, DemoMarket(end=demo_history_end(self.today)))
            when = self.now()
            for inst_id in store.catalog:
                if store.has_data(inst_id):
                    store.state[inst_id].last_success = when
            store.refresh_derived()
            first = self._first_snapshot(store)
            book, series_of_book = None, None
            if o.run == "demo":
                # Started as a demo: the synthetic auctions are part of its history. (The OFFLINE
                # fallback builds them after its first frame, see _installed.)
                book, series_of_book = self._build_demo_book(market.end, first[0] if first else {})
            return _Loaded(
                store,
                True,
                first,
                self._new_engine(),
                market,
                warnings=warnings,
                book=book,
                book_series=series_of_book,
            )
        from datafeed.feed import Feed  # noqa: F401 - httpx, httpcore and the providers, off the loop
        from datafeed.http import HttpContext
        from datafeed.providers import load_all

        load_all()
        store = SeriesStore(o.catalog)
        cache = None
        if o.run == "live" and o.cache_dir is not None:
            from datafeed.cache import DiskCache

            cache = DiskCache(o.cache_dir)
            cache.load_into(store)
            warnings.extend(cache.warnings)
        client = None
        if o.transport is not None:
            from datafeed.recording import make_client

            client = make_client(self._settings(), o.transport)
        # An HTTP client imports httpcore and builds a TLS context: ~0.2 s the loop need not spend.
        http = HttpContext(self._settings(), client=client)
        first = self._first_snapshot(store)
        book, series_of_book = None, None
        if o.run == "live":
            from datafeed.demand.book import AuctionBook
            from datafeed.demand.book_series import book_series

            book = AuctionBook.load(o.cache_dir, warnings) if o.cache_dir is not None else AuctionBook()
            if self._wants:
                series_of_book = book_series(book, first[0] if first else {})
        return _Loaded(
            store,
            False,
            first,
            self._new_engine(),
            None,
            cache,
            http,
            client,
            warnings,
            book,
            series_of_book,
        )

    def _first_snapshot(self, store: SeriesStore) -> tuple[dict[str, pd.Series], dict[str, InputFact]] | None:
        """Every series (and its newest date and source) for the first recompute, read here so
        the loop need not (None: nothing will be recomputed)."""
        if not self._wants:
            return None
        from datafeed.signals import input_facts

        return store.all_series(), input_facts(store)

    def _settings(self) -> FeedSettings:
        if self.replay is not None:
            from datafeed.recording import replay_settings

            return replay_settings(self.options.settings)
        return self.options.settings

    def _build_demo_book(self, end: dt.date, series: Mapping[str, pd.Series]) -> tuple[AuctionBook, BookSeries]:
        """The demo market's auction book and its series, the par measure read off ``series`` (worker thread)."""
        from datafeed.demand.book_series import BookSeries, book_series
        from datafeed.demand.demo_auctions import demo_book

        book = demo_book(end, self.now())
        return book, book_series(book, series) if self._wants else BookSeries(version=book.version)

    def _demo_book_job(self, end: dt.date, generation: int) -> None:
        """Build the OFFLINE fallback demo's auction book after its first frame (worker thread)."""
        try:
            book, series = self._build_demo_book(end, dict(self._series))
        except Exception as exc:  # noqa: BLE001 - reported; the demo goes on without auctions
            from datafeed.errors import redact

            self._to_loop(self._demo_book_built, None, None, generation, redact(f"demo auctions failed: {exc}"))
            return
        self._to_loop(self._demo_book_built, book, series, generation, None)

    def _demo_book_built(
        self, book: AuctionBook | None, series: BookSeries | None, generation: int, error: str | None
    ) -> None:
        """Take the demo auctions in (loop) and recompute what reads them."""
        from datafeed.updates import MonitorUpdate, Notice

        self._jobs -= 1
        if error is not None:
            self._publish(MonitorUpdate(notices=(Notice(error, "error", 15),)))
        elif generation == self._generation and self.showing_demo and book is not None and series is not None:
            self.demo_book = book
            self._book_series["demo"] = series
            if self._pending is not None:
                self._pending.update(series.series)
            self._publish(MonitorUpdate(auctions=True))
        self._kick()
        self._set_idle()

    def _load_failed(self, text: str) -> None:
        from datafeed.updates import MonitorUpdate, Notice

        self._jobs -= 1
        self._loading_demo = False
        self.load_error = text
        self._loaded.set()
        self._publish(MonitorUpdate(notices=(Notice(text, "error", 15),), status=True))
        self._kick()
        self._set_idle()

    def _installed(self, loaded: _Loaded) -> None:
        """Take the loaded store in (loop), start the feed or the ticks, compute its metrics."""
        from datafeed.updates import MonitorUpdate, Notice

        self._jobs -= 1
        self.warnings.extend(loaded.warnings)
        notices = tuple(Notice(w, "warning", 10) for w in loaded.warnings)
        if loaded.demo:
            self._loading_demo = False
            if not self.showing_demo:  # a source answered while the fallback demo was being built
                self._publish(MonitorUpdate(notices=notices))
                self._kick()
                self._set_idle()
                return
            self.demo_store, self.market, self.demo_book = loaded.store, loaded.market, loaded.book
            if loaded.book_series is not None:
                self._book_series["demo"] = loaded.book_series
        else:
            self.live_store, self.cache, self.http, self._client = (
                loaded.store,
                loaded.cache,
                loaded.http,
                loaded.client,
            )
            self.live_book = loaded.book
            if loaded.book_series is not None:
                self._book_series["live"] = loaded.book_series
        self._install(loaded.engine, loaded.series, notices)
        if loaded.demo and loaded.market is not None and loaded.book is None:
            # The OFFLINE fallback's synthetic auctions come after its first frame: it must not wait for them.
            self._jobs += 1
            self._worker.submit(partial(self._demo_book_job, loaded.market.end, self._generation))
        self._loaded.set()
        if not self._follow:
            if not loaded.demo:
                self._make_feed()
        elif loaded.demo:
            if self.options.tick_interval:
                self._ticks = self._spawn(self._tick_forever())
        else:
            self._make_feed()
            assert self.feed is not None
            self._spawn(self.feed.run_forever(on_pass=self._pass_done))
            if self.auction_feed is not None:
                self._spawn(self.auction_feed.run_forever())
            if self._switches_offline and self._loop is not None:
                assert self.http is not None
                self.http.on_attempt = self._attempted
                delay = max(OFFLINE_AFTER - (self._loop.time() - self._started_at), OFFLINE_MIN_FEED)
                self._offline_timer = self._loop.call_later(delay, self._startup_deadline)
        self._set_idle()

    def _install(
        self,
        engine: MetricsEngine | None,
        series: tuple[dict[str, pd.Series], dict[str, InputFact]] | None,
        notices: tuple[Notice, ...] = (),
    ) -> None:
        """Make the current store the one shown: forget its predecessor's results, recompute all."""
        from datafeed.updates import MonitorUpdate

        store = self.store
        assert store is not None
        self._generation += 1
        self._engine = engine
        self._seen = store.version
        self._pending = None
        self.metrics = self.views = None
        self.formula_values, self.formula_errors = {}, {}
        self._reset_alerts = True
        if series is not None:
            (self._series, self._facts), self._series_of = series, store
        else:
            # Re-read at the next snapshot: the change that made this store the one shown
            # (the first answer after OFFLINE) is marked seen above, so an earlier snapshot
            # of this store (taken while it was empty) would otherwise be kept: alert rules
            # and signals then saw no data until the next change.
            self._series_of = None
        self._publish(MonitorUpdate(everything=True, status=True, mode=True, notices=notices))
        self._kick()

    def _make_feed(self) -> None:
        from datafeed.feed import Feed

        assert self.live_store is not None and self.http is not None
        self.feed = Feed(
            self.live_store,
            self._settings(),
            self.http,
            cache=self.cache,
            on_change=self._job_finished,
            intraday_refresh=self.options.intraday_refresh,
        )
        replay = self.replay
        if replay is not None:
            from datafeed.recording import attach_replay

            attach_replay(self.feed, replay)
        if self.live_book is not None:
            from datafeed.demand.auction_feed import AuctionFeed

            self.auction_feed = AuctionFeed(
                self.live_book, self._settings(), self.http, self.options.cache_dir, on_change=self._auctions_refreshed
            )

    def _spawn(self, coro: Coroutine[object, object, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[None]) -> None:
        from datafeed.updates import MonitorUpdate, Notice

        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            from datafeed.errors import redact

            text = redact(f"the feed stopped: {task.exception()}")
            self._publish(MonitorUpdate(notices=(Notice(text, "error", 15),), status=True))

    # ------------------------------------------------------------------ feed and ticks

    def _pass_done(self, report: RefreshReport) -> None:
        """Recompute (``recompute_after`` = ``pass``); go offline or back live (``switch_offline``)."""
        from datafeed.updates import MonitorUpdate

        if "live" in self._dirty:
            self._take_change("live")  # the last job's change, before the pass is judged
        self._kick()
        feed = self.feed
        if not self._switches_offline or feed is None or self.live_store is None:
            self._publish(MonitorUpdate(status=True, passes=(report,)))
            return
        ran = [j for j in feed.all_jobs if j.runs and j.last_duration is not None]
        answering = self._answered_with_data(feed)
        if answering and self.mode == "offline":
            self._go_live()
        elif ran and not answering and self.mode == "live":
            self._go_offline()
        self._publish(MonitorUpdate(status=True, mode=True, passes=(report,)))

    # ------------------------------------------------------------------ offline and back

    @property
    def _switches_offline(self) -> bool:
        return self.options.switch_offline and self.options.run == "live"

    def _job_finished(self, _delta: object = None) -> None:
        """After every feed job: take its change in; with ``switch_offline``, go back live at
        the first answer (not at the end of a pass that runs every retry and fallback first)."""
        from datafeed.updates import MonitorUpdate

        self.store_changed("live")
        feed = self.feed
        if not self._switches_offline or feed is None:
            return
        if self.mode == "offline" and self._answered_with_data(feed):
            self._go_live()
            self._publish(MonitorUpdate(status=True, mode=True))

    def _answered_with_data(self, feed: Feed) -> bool:
        """Some job's last run succeeded and the live store holds something to show.

        Why both: a source whose "no data" is an HTTP error (the ECB's 404) succeeds with
        nothing. Counting that as an answer would keep an empty screen of n/a instead of the
        OFFLINE demo; ignoring job successes altogether would flip the mode at every failed
        try of another source and back at that job's end.
        """
        store = self.live_store
        if store is None or not any(j.failures == 0 and j.last_duration is not None for j in feed.all_jobs):
            return False
        return any(store.has_data(i) for i in store.catalog)

    def _attempted(self, source: str, answered: bool) -> None:
        """After every HTTP attempt (``HttpContext.on_attempt``): once the first try of every
        source asked has failed and none answered, go offline without waiting for retries,
        timeouts and fallbacks (no network fails in milliseconds; a pass takes a minute)."""
        from datafeed.updates import MonitorUpdate

        (self._answered if answered else self._tried).add(source)
        feed = self.feed
        if answered or self._answered or self.mode != "live" or feed is None:
            return
        if self._answered_with_data(feed):
            return  # a source answered with data already: failed tries of others change nothing
        asked = {j.provider.name for j in feed.all_jobs if j.runs}
        if asked and asked <= self._tried:
            self._go_offline()
            self._publish(MonitorUpdate(status=True, mode=True))

    def _startup_deadline(self) -> None:
        """:data:`OFFLINE_AFTER` seconds in: no answer and nothing held means the OFFLINE demo."""
        from datafeed.updates import MonitorUpdate

        self._offline_timer = None
        feed, store = self.feed, self.live_store
        if self._closed or feed is None or store is None or self.mode != "live":
            return
        if self._answered_with_data(feed):
            return
        if any(store.has_data(i) for i in store.catalog):
            return  # the kept values are on screen; offline once every first request failed
        self._go_offline()
        self._publish(MonitorUpdate(status=True, mode=True))

    def _go_offline(self) -> None:
        """Live sources are unreachable: show the kept data, or the demo when nothing is kept.

        No toast: the OFFLINE banner says it, and a toast would cover the banner."""
        store = self.live_store
        assert store is not None
        self.mode = "offline"
        if not any(store.has_data(i) for i in store.catalog) and not self._loading_demo:
            self.showing_demo = self._loading_demo = True
            # Building the demo market holds the GIL for a while; the banner goes out first.
            self._jobs += 1
            assert self._loop is not None
            self._loop.call_later(DEMO_AFTER_BANNER, self._worker.submit, partial(self._load_job, True))

    def _go_live(self) -> None:
        """A source answered: back to live data (the demo fallback, if shown, goes)."""
        from datafeed.updates import Notice

        self.mode = "live"
        if self.showing_demo:
            self.showing_demo = False
            self.demo_store = self.market = self.demo_book = None
            self._book_series.pop("demo", None)
            if self._ticks is not None:
                self._ticks.cancel()
            self._install(self._new_engine(), None, (Notice("A source answered: showing live data"),))

    async def _tick_forever(self) -> None:
        """A demo tick every ``tick_interval`` seconds; while paused, no wake-up at all (it
        waits for the resume, then a whole interval): a paused demo is as quiet as a live
        app with nothing due."""
        interval = self.options.tick_interval
        assert interval
        while True:
            await asyncio.sleep(interval)
            if self.paused:
                await self._running.wait()
                continue
            self._demo_tick()

    def _demo_tick(self) -> None:
        """One round of synthetic intraday quotes."""
        if self.demo_store is None or self.market is None:
            return
        if self.demo_store.apply(self.market.tick(self.now())):
            self.store_changed("demo")

    def _take_change(self, kind: str) -> None:
        """Ask the store what changed since last time; publish it and recompute."""
        from datafeed.updates import MonitorUpdate

        self._dirty.discard(kind)
        store = self.store
        if store is None or kind != self.store_kind:
            self._set_idle()
            return
        changed = store.changed_since(self._seen)
        self._seen = store.version
        if changed:
            if self._series_of is store:
                self._refresh_snapshot(store, changed)
            if self._pending is not None:
                self._pending.update(changed)
            self._publish(MonitorUpdate(changed=frozenset(changed), status=True))
            if self.options.recompute_after == "update" or kind == "demo":
                self._kick()
        self._set_idle()

    def _refresh_snapshot(self, store: SeriesStore, changed: set[str]) -> None:
        """Re-read only the changed series (and their newest date and source)."""
        from datafeed.signals import InputFact

        for inst_id in changed:
            latest = store.latest(inst_id)
            if store.has_data(inst_id) and latest is not None:
                self._series[inst_id] = store.series(inst_id).rename(inst_id)
                self._facts[inst_id] = InputFact(latest.date, latest.source)
            else:
                self._series.pop(inst_id, None)
                self._facts.pop(inst_id, None)

    # ------------------------------------------------------------------ recompute

    def _needs_run(self) -> bool:
        return self._wants and self.store is not None and (self._pending is None or bool(self._pending))

    def add_rule(self, rule: AlertRule) -> None:
        """Check one more alert rule from now on (the TUI's ``A``); it is evaluated at once.

        The rule reaches the alert engine only between two recomputes (the engine keeps
        state and runs in the worker thread), so it is queued here and handed over by
        :meth:`_kick`, which runs on the loop when no recompute is running.
        """
        self.options = replace(self.options, rules=(*self.options.rules, rule))
        self._added_rules.append(rule)
        self._wants = True
        self._pending = None  # evaluate every rule on the current values
        self._kick()

    def _take_added_rules(self) -> None:
        if not self._added_rules:
            return
        if self._alerts is None:
            self._alerts = self._new_alerts()
        else:
            for rule in self._added_rules:
                if rule not in self._alerts.rules:  # loaded with options.rules already
                    self._alerts.engine.add(rule)
        self._added_rules.clear()

    def _new_alerts(self) -> AlertMonitor:
        """The alert engine for the rules in force (with the memory of past firings in a live run)."""
        from datafeed.alert_memory import FiredMemory
        from datafeed.alerts import AlertMonitor

        o = self.options
        memory = FiredMemory(o.alert_memory) if o.alert_memory is not None and o.run == "live" else None
        return AlertMonitor(
            o.rules, formulas=o.formulas, thresholds=self.thresholds, mode=self.alert_mode, memory=memory
        )

    def _kick(self) -> None:
        """Start a recompute unless one runs (then the pending changes wait for it)."""
        from datafeed.recompute import Job

        if self._jobs or not self._needs_run():
            return
        store = self.store
        assert store is not None
        self._take_added_rules()
        changed, self._pending = self._pending, set()
        alerts = self._alerts
        frequencies = None
        if alerts is not None:
            from datafeed.thesis import store_frequencies

            if self._reset_alerts:
                alerts.reset()
            alerts.mode = self.alert_mode
            frequencies = store_frequencies(store)
        self._reset_alerts = False
        self._idle.clear()
        self._jobs += 1
        series = self.series_snapshot()
        held = self._held(alerts) if alerts is not None else None
        job = Job(
            self._engine,
            alerts,
            series,
            self.input_facts(),
            changed,
            frequencies,
            self.now(),
            self.today,
            self._generation,
            dict(self.formula_values),
            dict(self.formula_errors),
            self._tail_only,
            held,
        )
        self._worker.submit(partial(self._compute, job))

    def _held(self, alerts: AlertMonitor) -> dict[str, Held] | None:
        """In a live run, what the store holds of every instrument the rules read, and whether
        a source has confirmed it since start-up (else it is the cache's: see
        :meth:`datafeed.alerts.AlertMonitor.check`). None in demo and replay runs."""
        from datafeed.alerts import Held

        store, start = self.store, self._session_start
        if self.options.run != "live" or self.showing_demo or store is None or start is None:
            return None
        out: dict[str, Held] = {}
        for inst_id in alerts.instruments_read():
            latest = store.latest(inst_id) if inst_id in store.state else None
            if latest is None:
                continue
            last = store.state[inst_id].last_success
            out[inst_id] = Held(inst_id, latest.date, latest.source, last is not None and last >= start)
        return out

    def _compute(self, job: Job) -> None:
        """One recompute in the worker thread; the results go back to the loop."""
        from datafeed.recompute import recompute

        self._to_loop(self._done, recompute(job, self.options.formulas, self._present))

    def _done(self, result: Result[V]) -> None:
        """Install a recompute's results (loop); start the next if changes queued meanwhile."""
        from datafeed.recompute import same_series
        from datafeed.updates import MonitorUpdate, Notice

        self._jobs -= 1
        if result.generation == self._generation:
            if result.metrics is not None:
                self.metrics, self.views = result.metrics, result.views
            changed: frozenset[str] = frozenset()
            if self.options.formulas:
                old = self.formula_values
                changed = frozenset(fid for fid, s in result.values.items() if not same_series(old.get(fid), s))
                self.formula_values, self.formula_errors = result.values, result.errors
            notices = []
            if result.metrics_failure:
                notices.append(Notice(result.metrics_failure, "error", 15))
            if result.alerts_failure and not self._alerts_warned:  # it would repeat after every update
                self._alerts_warned = True
                notices.append(Notice(result.alerts_failure, "error", 15))
            alerts = tuple(self._log(f) for f in result.firings)
            for f in result.firings:
                self.held_alerts.pop(f.rule.text, None)
            for late in result.late:
                self.held_alerts[late.firing.rule.text] = late
                key = (late.firing.rule.text, late.date)
                if key not in self._told_late:  # once per rule and data date, not after every update
                    self._told_late.add(key)
                    notices.append(Notice(late.text(), "warning", 12, topic="alert"))
            update = MonitorUpdate(changed, metrics=result.metrics, views=result.views, alerts=alerts)
            self._publish(update.merge(MonitorUpdate(notices=tuple(notices))) if notices else update)
        self._kick()
        self._set_idle()

    def _log(self, firing: Firing) -> AlertEntry:
        """Log a firing and start its command."""
        from datafeed.alerts import format_value
        from datafeed.updates import AlertEntry

        alerts = self._alerts
        assert alerts is not None
        entry = AlertEntry(
            firing.time,
            firing.rule.text,
            format_value(firing.value),
            "cached" if firing.cached else alerts.mode,
            firing.detail,
            firing.date,
            alerts.line(firing),
        )
        self.alert_log.append(entry)
        del self.alert_log[:-MAX_LOG]
        self.fired += 1
        alerts.submit(firing)
        return entry

    # ------------------------------------------------------------------ updates

    def _publish(self, update: MonitorUpdate[V]) -> None:
        self._update = update if self._update is None else self._update.merge(update)
        self._wake.set()

    def _set_idle(self) -> None:
        if self.idle:
            self._idle.set()
