"""Provides the Textual application: feed lifetime, stores, metrics, themes and keys.

The App owns the store(s), the shared HTTP client and the feed workers, because data must
keep flowing while drill-down screens are pushed. Feed workers are async (httpx is async),
so a store is only ever written on the event-loop thread and needs no lock.

Modes: ``live`` (cache first, then the feed), ``demo`` (synthetic, labelled), and the
offline fallback: when every source fails, ``offline`` shows the kept (cached) data, or,
with an empty cache, the demo feed under an OFFLINE banner; it switches back to live data
as soon as a source answers.

Data flow (STYLE.md §3.3): the feed or the demo ticker posts :class:`StoreChanged`
(coalesced: a burst costs one repaint); the handler asks the store what changed since the
last version seen and publishes a :class:`DataUpdate` on :attr:`TriffinApp.data_changed`,
which screens subscribe to; signals and crisis scores are recomputed incrementally in one
thread worker at a time on a snapshot of the series and come back as
:class:`~tui.messages.MetricsReady`.

Start-up paints the layout with the cached numbers from the cache summary (no pandas, see
:meth:`TriffinApp.summary_rows`); then a thread loads pandas and the cache (or the demo
history) and hands the store over as :class:`~tui.messages.DataLoaded`, which starts the
feed, and computes the first metrics, which follow as :class:`~tui.messages.MetricsLoaded`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from datafeed.sanitize import clean_line, clean_text
from themes import BUILTIN_THEMES, DEFAULT_THEME, theme_variable_defaults
from tui.commands import TriffinCommands
from tui.config import Config
from tui.derived import Derived, DerivedReady
from tui.messages import DataLoaded, FeedPassDone, MetricsLoaded, MetricsReady, StoreChanged

if TYPE_CHECKING:
    from datafeed.crises import Episode
    from datafeed.signals import InputFact
    from datafeed.store import SeriesStore
    from tui.presenters import MetricsEngine, MetricsResult
    from widgets.data import SourceView, TableRow

_marks_fd = (
    os.open(os.environ["TUI_PROBE_MARKS"], os.O_WRONLY | os.O_APPEND) if os.environ.get("TUI_PROBE_MARKS") else None
)


def probe_mark() -> None:
    """Tell ``tui_probe.py --marks`` that a data update is being applied."""
    if _marks_fd is not None:
        os.write(_marks_fd, b"%d\n" % time.monotonic_ns())


OFFLINE_DEMO_BANNER = "OFFLINE — live sources unreachable; showing DEMO data (synthetic, not market prices)"
"""Banner when nothing answers and nothing is cached: the demo runs, and says so."""

CLOCK_SECONDS = 60.0
"""Ages on screen have minute resolution, so they are refreshed once a minute."""


@dataclass(frozen=True, slots=True)
class DataUpdate:
    """What changed, published on :attr:`TriffinApp.data_changed` (UI thread only).

    Attributes:
        changed: instrument ids whose values or status changed.
        metrics: new signal / crisis results are in :attr:`TriffinApp.metrics`.
        everything: the store on screen was replaced (mode switch, first load): repaint all.
        status: the source health or the mode changed (status bar, title).
        clock: the minute ticked (ages).
    """

    changed: frozenset[str] = frozenset()
    metrics: bool = False
    everything: bool = False
    status: bool = False
    clock: bool = False


def _session_day(day: dt.date) -> dt.date:
    """A weekend day's session is the Friday before."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def demo_history_end(today: dt.date) -> dt.date:
    """Last business day before today's session: the demo's close before intraday ticks."""
    day = _session_day(today) - dt.timedelta(days=1)
    return _session_day(day)


class TriffinApp(App[None]):
    """triffin's TUI: the dashboard, its drill-downs, and the data behind them.

    Args:
        config: the validated configuration.
        demo: run on the synthetic demo feed (no network).
        today: a fixed "today" (tests, screenshots); with it and no ``clock``, the clock
            is frozen at 21:00 UTC that day.
        tick_interval: seconds between demo ticks; None freezes the demo market.
        clock: returns "now" (UTC); default the system clock.
    """

    CSS_PATH = "app.tcss"
    TITLE = "triffin"
    SUB_TITLE = "are US Treasuries still the world's safe asset?"
    COMMANDS = App.COMMANDS | {TriffinCommands}
    COMMAND_PALETTE_DISPLAY = "ctrl+p"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit triffin"),
        Binding("question_mark", "show_help", "Help", id="help", tooltip="Every key, and the data sources"),
        Binding("r", "refresh_now", "Refresh", id="refresh-now", tooltip="Refresh every source now"),
        Binding("p", "toggle_pause", "Pause", id="pause", tooltip="Pause or resume the feed"),
        Binding("t", "cycle_theme", "Theme", id="cycle-theme", tooltip="Next colour theme"),
        Binding("a", "show_alerts", "Alert log", id="alert-log", show=False, tooltip="Every alert that fired"),
        Binding(
            "s",
            "save_view",
            "Save view",
            id="save-view",
            show=False,
            tooltip="Save an SVG screenshot and this view's data as CSV",
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            id="command-palette",
            priority=True,
            show=False,
            tooltip="Jump to any instrument, signal or crisis",
        ),
        Binding("ctrl+q", "quit", "Quit", id="quit-now", show=False, priority=True),
    ]
    """Global keys; every binding has an id that ``[keymap]`` in the config can remap."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Textual's toast, but plain text by default: triffin's messages quote outside text
        (upstream errors, paths, config names), which must be neither parsed as Rich markup
        nor carry control characters (see ``tui/safe_text.py``)."""
        if not markup:
            message, title = clean_text(message, 2000), clean_line(title, 200)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def __init__(
        self,
        config: Config,
        *,
        demo: bool = False,
        today: dt.date | None = None,
        tick_interval: float | None = 2.0,
        clock: Callable[[], dt.datetime] | None = None,
        replay: Any = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.demo = demo
        self.replay = replay
        """A ``datafeed.recording.ReplayTransport``: the live feed plays that recording
        (no cache read or written, feed on the recording's clock; see ``tui.session``)."""
        self.fixed_today = today
        self.tick_interval = tick_interval
        if clock is None and today is not None:
            frozen = dt.datetime.combine(today, dt.time(21, 0), dt.UTC)
            clock = lambda: frozen  # noqa: E731 - a frozen clock is one expression
        if clock is None and replay is not None:
            clock = replay.virtual_now  # ages as they were when the responses were recorded
        self._clock = clock
        self.mode = "demo" if demo else "replay" if replay is not None else "live"
        """``live``, ``demo``, ``offline`` or ``replay``."""
        self.showing_demo = demo
        """True when the store on screen is the demo market (demo mode or offline fallback)."""
        self.live_store: SeriesStore | None = None
        self.demo_store: SeriesStore | None = None
        self.market: Any = None
        self.cache: Any = None
        self.feed: Any = None
        self.http: Any = None
        self.metrics: MetricsResult | None = None
        """Latest signals and crisis scores of the store on screen."""
        self.paused = False
        self.ready = False
        """True once the first data and metrics are on screen."""
        self.episodes: list[Episode] | None = None
        self.thresholds: Mapping[str, Mapping[str, float]] = {}
        """The thresholds in force: a frozen ``datafeed.thresholds.Thresholds`` once loaded."""
        self._engine: MetricsEngine | None = None
        self._generation = 0
        self._seen_version = -1
        self._pending: set[str] | None = set()
        self._metrics_running = False
        self._metrics_token = 0
        self._metrics_worker: Worker[None] | None = None
        self._loading_demo = False
        self._series: dict[str, Any] = {}
        self._facts: dict[str, InputFact] = {}
        """Newest date and source tag of each instrument of ``_series`` (signals' freshness)."""
        self._series_of: SeriesStore | None = None
        self.data_changed: Signal[DataUpdate] = Signal(self, "data-changed")
        """Published on the UI thread after every applied update; screens subscribe."""
        self.derived = Derived(self)
        """Formula rows and alerts, recomputed after every update."""
        for theme in BUILTIN_THEMES.values():
            self.register_theme(theme)
        self.theme = config.theme if config.theme in self.available_themes else DEFAULT_THEME
        self.ascii = config.ascii

    # ----------------------------------------------------------------- basics

    def now(self) -> dt.datetime:
        """Now, in UTC (frozen in tests)."""
        return self._clock() if self._clock is not None else dt.datetime.now(dt.UTC)

    @property
    def today(self) -> dt.date:
        """Today's date (fixed in tests)."""
        return self.fixed_today or self.now().date()

    @property
    def store(self) -> SeriesStore | None:
        """The store on screen: the demo market in demo / offline-demo mode, else live."""
        return self.demo_store if self.showing_demo else self.live_store

    @property
    def store_kind(self) -> str:
        """``demo`` or ``live``: which store :attr:`store` is."""
        return "demo" if self.showing_demo else "live"

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """triffin's app variables (tick, verdict, banner colours) for any theme."""
        return theme_variable_defaults(self.current_theme)

    def get_default_screen(self) -> Screen[Any]:
        """The dashboard is the bottom of the screen stack."""
        from tui.screens.dashboard import DashboardScreen

        return DashboardScreen()

    def on_mount(self) -> None:
        """Apply the keymap, then load data off the UI thread."""
        if self.ascii:
            self.add_class("-ascii")
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        # The first frame (the cache summary included, see summary_rows) goes out before
        # the load starts: a thread importing pandas would compete with it for the GIL.
        self.call_after_refresh(self._load, self.demo)
        self.set_interval(CLOCK_SECONDS, self._clock_tick)

    def summary_rows(self) -> list[TableRow]:
        """The live table as cached, read from the cache summary without pandas (first frame).

        Empty in demo and replay mode and when there is no summary; the store loaded from
        the full cache files gives the same rows moments later (nothing is repainted then).
        """
        if self.demo or self.replay is not None:
            return []
        from datafeed.summary import read_summary
        from tui.rows import summary_rows

        summary = read_summary(self.config.cache_dir)
        return summary_rows(summary, self.today) if summary else []

    async def on_unmount(self) -> None:
        """Close the shared HTTP client (and stop starting alert commands)."""
        self.derived.close()
        if self.http is not None:
            await self.http.aclose()
            if self.replay is not None:  # the replay client is ours, not the context's
                await self.http.client.aclose()

    # ------------------------------------------------------------------ loading

    def _prepare_metrics_inputs(self, warnings: list[str]) -> None:
        """Episodes (built-in + config) and thresholds, validated once (worker thread)."""
        from datafeed.crises import BUILTIN_EPISODES, episode_from_mapping
        from datafeed.signals import resolve_thresholds

        if self.episodes is None:
            episodes = list(BUILTIN_EPISODES)
            for raw in self.config.episodes:
                try:
                    episodes.append(episode_from_mapping(raw))
                except ValueError as exc:
                    warnings.append(f"episode skipped: {exc}")
            self.episodes = episodes
            try:
                self.thresholds = resolve_thresholds(self.config.thresholds)
            except ValueError as exc:
                warnings.append(f"{exc}; using the default thresholds")
                self.thresholds = resolve_thresholds()

    def _new_engine(self) -> MetricsEngine:
        from tui.presenters import MetricsEngine

        return MetricsEngine(self.thresholds, self.episodes)

    @work(thread=True, group="load", exit_on_error=False, description="load the first data")
    def _load(self, demo: bool) -> None:
        """Build the first store (cache or demo history) and its metrics, off the UI thread.

        The store is handed over (:class:`DataLoaded`) before its metrics are computed, so
        the feed starts at once; the metrics follow (:class:`MetricsLoaded`), computed on a
        snapshot taken before the hand-over, since the feed writes the store from then on.
        """
        from datafeed.signals import input_facts
        from datafeed.store import SeriesStore

        warnings: list[str] = []
        self._prepare_metrics_inputs(warnings)
        market = cache = None
        if demo:
            store, market = self._build_demo_store()
        elif self.replay is not None:
            store = SeriesStore()
        else:
            from datafeed.cache import DiskCache

            store = SeriesStore()
            cache = DiskCache(self.config.cache_dir)
            cache.load_into(store)
            warnings.extend(cache.warnings)
        http = None
        if not demo:  # what the feed needs (httpx, httpcore, the providers), off the UI thread
            from datafeed.feed import Feed  # noqa: F401
            from datafeed.providers import load_all

            load_all()
            if self.replay is None:
                from datafeed.http import HttpContext

                http = HttpContext(self.config.feed)  # no event loop needed until the first request
        series = store.all_series()
        facts = input_facts(store)
        self.post_message(DataLoaded(store, market, demo, None, warnings, None, cache, http))
        engine = self._new_engine()
        self.post_message(MetricsLoaded(store, engine, engine.run(series, today=self.today, facts=facts)))

    def _build_demo_store(self) -> tuple[SeriesStore, Any]:
        """The demo market's history installed in a fresh store (tagged ``demo:<id>``)."""
        import pandas as pd

        from datafeed.demo import DEMO_SOURCE_PREFIX, DemoMarket
        from datafeed.models import Status
        from datafeed.store import SeriesStore

        market = DemoMarket(end=demo_history_end(self.today)) if self.fixed_today else DemoMarket()
        store = SeriesStore(today=lambda: self.today)
        when = self.now()
        # load() skips per-observation validation: the generator keeps every value in
        # its instrument's range, and 170k Observation objects would cost seconds.
        for inst_id, values in market.history_series().items():
            if inst_id not in store.catalog or values.empty:
                continue
            tag = DEMO_SOURCE_PREFIX + inst_id
            store.load(inst_id, values, pd.Series(tag, index=values.index, dtype="object"))
            state = store.state[inst_id]
            state.status, state.source, state.last_success = Status.FRESH, tag, when
        return store, market

    def on_data_loaded(self, message: DataLoaded) -> None:
        """Install the first store and paint it; then start the feed or the demo ticks."""
        for warning in message.warnings:
            self.notify(warning, severity="warning", timeout=10)
        if message.demo:
            self._loading_demo = False
            if not self.showing_demo:
                return  # a source answered while the fallback demo was being built
            self.demo_store, self.market = message.store, message.market
        else:
            self.live_store, self.cache = message.store, message.cache
        self._install(message.engine, message.metrics, loading=message.engine is None)
        if message.demo:
            if self.tick_interval:
                self._demo_ticks()
        else:
            self._start_live(message.http)

    def on_metrics_loaded(self, message: MetricsLoaded) -> None:
        """The first metrics of the store on screen: show them, then catch up with updates."""
        if message.store is not self.store:
            return  # that store was replaced while its metrics were computed
        self._engine = message.engine
        self._metrics_running = False
        self.metrics = message.metrics
        self.ready = True
        self.data_changed.publish(DataUpdate(metrics=True))
        if self._pending is None or self._pending:
            self._start_metrics()

    def _install(self, engine: MetricsEngine | None, metrics: MetricsResult | None, loading: bool = False) -> None:
        """Make the current store's results the ones on screen and repaint everything.

        Args:
            engine: its metrics engine (None while ``loading``).
            metrics: its metrics, if computed already.
            loading: the load thread is computing the metrics (:class:`MetricsLoaded`).
        """
        store = self.store
        assert store is not None
        self._generation += 1
        self._engine = engine
        self._seen_version = store.version
        self._pending = set()
        self.metrics = metrics
        if loading:
            self._metrics_running = True  # updates meanwhile queue up in _pending
            self._metrics_token += 1  # a computation still running for the old store is not this one
        elif metrics is None:
            self._pending = None
            self._start_metrics()
        probe_mark()
        self.derived.reset()
        self.data_changed.publish(DataUpdate(metrics=metrics is not None, everything=True, status=True))
        self.ready = metrics is not None
        self.derived.request()

    # --------------------------------------------------------------- live feed

    def _start_live(self, http: Any = None) -> None:
        """Start the live feed on the live store (``http``: a client made by the load thread)."""
        from datafeed.feed import Feed
        from datafeed.http import HttpContext

        assert self.live_store is not None
        settings, client = self.config.feed, None
        if self.replay is not None:
            from datafeed.recording import make_client, replay_settings

            settings = replay_settings(settings)
            client = make_client(settings, self.replay)
        self.http = http if http is not None and client is None else HttpContext(settings, client=client)
        self.feed = Feed(
            self.live_store,
            settings,
            self.http,
            cache=self.cache,
            on_change=lambda delta: self.post_message(StoreChanged(delta.version, "live")),
            intraday_refresh=self.config.intraday_refresh,
        )
        if self.replay is not None:
            from datafeed.recording import attach_replay

            attach_replay(self.feed, self.replay)
        self._run_feed()

    @work(exclusive=True, group="feed:live", exit_on_error=False, description="live feed")
    async def _run_feed(self) -> None:
        assert self.feed is not None
        await self.feed.run_forever(on_pass=lambda r: self.post_message(FeedPassDone(r.ok, r.failed)))

    def on_feed_pass_done(self, message: FeedPassDone) -> None:
        """Switch between live and offline as sources stop or start answering."""
        if self.feed is None or self.live_store is None or self.replay is not None:
            self.data_changed.publish(DataUpdate(status=True))
            return
        ran = [j for j in self.feed.all_jobs if j.runs and j.last_duration is not None]
        answering = any(j.failures == 0 for j in ran)
        if answering and self.mode == "offline":
            self.mode = "live"
            if self.showing_demo:
                self.showing_demo = False
                self.demo_store = self.market = None
                self.workers.cancel_group(self, "feed:demo")
                self.notify("A source answered: showing live data", timeout=6)
                self._install(self._new_engine(), None)
        elif ran and not answering and self.mode == "live":
            self.mode = "offline"
            has_data = any(self.live_store.has_data(i) for i in self.live_store.catalog)
            if not has_data and not self._loading_demo:
                self.showing_demo = True
                self._loading_demo = True
                self.notify(
                    "Live sources unreachable: running the DEMO feed until one answers", severity="warning", timeout=10
                )
                self._load(demo=True)
        self.data_changed.publish(DataUpdate(status=True))

    # --------------------------------------------------------------- demo feed

    @work(exclusive=True, group="feed:demo", exit_on_error=False, description="demo ticks")
    async def _demo_ticks(self) -> None:
        assert self.tick_interval
        while True:
            await asyncio.sleep(self.tick_interval)
            if not self.paused:
                self._demo_tick()

    def _demo_tick(self) -> None:
        """One round of synthetic intraday quotes."""
        if self.demo_store is None or self.market is None:
            return
        delta = self.demo_store.apply(self.market.tick(self.now()))
        if delta:
            self.post_message(StoreChanged(delta.version, "demo"))

    # ------------------------------------------------------------- store changes

    def on_store_changed(self, message: StoreChanged) -> None:
        """Ask the store what changed since last time, repaint that, recompute metrics."""
        store = self.store
        if store is None or message.store not in ("", self.store_kind):
            return
        changed = store.changed_since(self._seen_version)
        self._seen_version = store.version
        if not changed:
            return
        probe_mark()
        self._refresh_snapshot(store, changed)
        self._request_metrics(changed)
        self.derived.request()
        self.data_changed.publish(DataUpdate(changed=frozenset(changed), status=True))

    def _request_metrics(self, changed: Iterable[str]) -> None:
        if self._pending is not None:
            self._pending.update(changed)
        if not self._metrics_running:
            self._start_metrics()

    def _start_metrics(self) -> None:
        """Start one metrics computation on a snapshot (at most one runs at a time)."""
        store, engine = self.store, self._engine
        if store is None or engine is None:
            return
        changed, self._pending = self._pending, set()
        self._metrics_running = True
        self._metrics_token += 1
        series = self.series_snapshot()
        job = [engine, series, changed, self._generation, self._metrics_token, self.today, dict(self._facts)]
        self._metrics_worker = self._compute_metrics(job)

    def series_snapshot(self) -> dict[str, Any]:
        """Every instrument's series (intraday quote included) as of now, for a thread.

        The store replaces (never mutates) a Series on merge, so the objects handed out stay
        consistent while the loop goes on writing; the dict is a fresh copy. Only changed
        instruments are re-read (``SeriesStore.all_series`` would rebuild all 31).
        """
        store = self.store
        if store is None:
            return {}
        if self._series_of is not store:
            from datafeed.signals import input_facts

            self._series, self._series_of = store.all_series(), store
            self._facts = input_facts(store)
        return dict(self._series)

    def _refresh_snapshot(self, store: SeriesStore, changed: Iterable[str]) -> None:
        if self._series_of is not store:
            return  # rebuilt in full on next use
        from datafeed.signals import InputFact

        for inst_id in changed:
            latest = store.latest(inst_id)
            if store.has_data(inst_id) and latest is not None:
                self._series[inst_id] = store.series(inst_id).rename(inst_id)
                self._facts[inst_id] = InputFact(latest.date, latest.source)
            else:
                self._series.pop(inst_id, None)
                self._facts.pop(inst_id, None)

    # Not exclusive: _metrics_running already keeps it to one at a time, and cancelling a
    # worker whose thread cannot stop only stored a CancelledError on it, a reference cycle
    # (worker, traceback, frame) that kept its snapshot of 31 Series alive until the next
    # full garbage collection: ~1 MB per demo tick, RSS +60 MB over an accelerated hour.
    # The job list is emptied as the thread takes it, so a finished worker holds no data.
    # An explicit description: Textual would otherwise repr() every argument (30 Series).
    @work(thread=True, group="metrics", exit_on_error=False, description="signals and crises")
    def _compute_metrics(self, job: list[Any]) -> None:
        engine, series, changed, generation, token, today, facts = job
        job.clear()
        self.post_message(MetricsReady(generation, engine.run(series, changed, today=today, facts=facts), token))

    def on_metrics_ready(self, message: MetricsReady) -> None:
        """Publish fresh results; start the next computation if updates queued meanwhile."""
        if message.token != self._metrics_token:
            return  # started before the store on screen was replaced; the running one is newer
        self._metrics_running = False
        if message.generation == self._generation:
            self.metrics = message.metrics
            self.ready = True
            self.data_changed.publish(DataUpdate(metrics=True))
        if self._pending is None or self._pending:
            self._start_metrics()

    def on_derived_ready(self, message: DerivedReady) -> None:
        """Formula rows and alert firings computed after an update."""
        self.derived.done(message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that died must not leave the app waiting; say what happened."""
        worker = event.worker
        if event.state is WorkerState.ERROR:
            if worker.group == "load" or worker is self._metrics_worker:
                self._metrics_running = False
            from datafeed.errors import redact  # an error may quote a URL, key included

            self.notify(redact(f"{worker.group or worker.name} failed: {worker.error}"), severity="error", timeout=15)
        elif event.state is WorkerState.CANCELLED and worker is self._metrics_worker:
            self._metrics_running = False

    def _clock_tick(self) -> None:
        """Ages move on by the minute."""
        if self.ready:
            self.data_changed.publish(DataUpdate(clock=True, status=True))

    # ----------------------------------------------------------------- status

    def source_views(self) -> list[SourceView]:
        """Per-source health for the status bar (no pandas needed before the feed starts)."""
        from tui.rows import format_age
        from widgets.data import SourceView

        if self.mode == "demo":
            last = max((q.time for q in self._demo_quotes() if q.time is not None), default=None)
            detail = "paused" if self.paused else ("frozen" if not self.tick_interval else "synthetic")
            age = format_age((self.now() - last).total_seconds()) if last else ""
            return [SourceView("demo", "ok", age, detail=detail)]
        if self.feed is None or self.live_store is None:
            return [
                SourceView(name, "off" if not s.enabled else "ok", detail="" if not s.enabled else "starting")
                for name, s in self.config.feed.sources.items()
            ]
        from tui.presenters import source_views

        views = source_views(
            self.config.feed.sources,
            self.feed.all_jobs,
            self.live_store,
            self.now(),
            time.monotonic(),
            self.feed.market_open(self.now()),
            self.feed.intraday_jobs,
        )
        if self.paused:
            views = [
                SourceView(v.source, v.state, v.age, "", "paused" if v.state != "off" else v.detail) for v in views
            ]
        return views

    def _demo_quotes(self) -> list[Any]:
        store = self.demo_store
        if store is None:
            return []
        return [q for i in store.catalog if (q := store.intraday_quote(i)) is not None]

    @property
    def banner(self) -> str | None:
        """Custom banner text for the status bar (None: the mode's default)."""
        if self.mode == "offline" and self.showing_demo:
            return OFFLINE_DEMO_BANNER
        if self.replay is not None and not self.showing_demo:
            return f"REPLAY of {self.replay.folder} at speed {self.replay.speed:g} — recorded data, not live"
        return None

    @property
    def status_mode(self) -> str:
        """The status bar's mode (``live``, ``demo``, ``offline``); a replay wears the offline banner."""
        return "offline" if self.mode == "replay" else self.mode

    # ---------------------------------------------------------------- actions

    def action_refresh_now(self) -> None:
        """Refresh every source now (in demo mode: one tick now)."""
        if self.mode == "demo":
            self._demo_tick()
            self.notify("DEMO: one synthetic tick", timeout=3)
        elif self.feed is not None:
            self.feed.request_refresh()
            self.notify("Refreshing every source now", timeout=3)

    def action_toggle_pause(self) -> None:
        """Pause or resume the feed (and the demo ticks)."""
        self.paused = not self.paused
        if self.feed is not None:
            self.feed.pause(self.paused)
        self.notify("Feed paused: press p to resume" if self.paused else "Feed resumed", timeout=4)
        self.data_changed.publish(DataUpdate(status=True))

    def action_cycle_theme(self) -> None:
        """Switch to the next built-in theme."""
        names = list(BUILTIN_THEMES)
        index = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(index + 1) % len(names)]
        self.notify(f"Theme: {self.theme}", timeout=3)

    def action_show_help(self) -> None:
        """Show every key binding (with remaps) and the data sources."""
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_show_alerts(self) -> None:
        """Open the alert log (or close it when it is on screen)."""
        from tui.screens.alerts import AlertLogScreen

        if isinstance(self.screen, AlertLogScreen):
            self.pop_screen()
        else:
            self.push_screen(AlertLogScreen())

    def action_save_view(self) -> None:
        """Save an SVG screenshot and the current view's data as CSV under ``screenshot_dir``."""
        from tui.save import save_view

        save_view(self)

    def jump_to(self, kind: str, key: str) -> None:
        """Back to the dashboard with the cursor on an instrument, signal or episode."""
        from tui.screens.dashboard import DashboardScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, DashboardScreen):
            self.pop_screen()
        dashboard = self.screen_stack[0]
        if isinstance(dashboard, DashboardScreen):
            self.call_after_refresh(dashboard.jump_to, kind, key)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Palette commands for the global actions (on top of Textual's own)."""
        yield from super().get_system_commands(screen)
        yield SystemCommand("Refresh now", "Refresh every source now (r)", self.action_refresh_now)
        yield SystemCommand("Pause / resume feed", "Stop or restart refreshing (p)", self.action_toggle_pause)
        yield SystemCommand("Next triffin theme", "Cycle the built-in themes (t)", self.action_cycle_theme)
        yield SystemCommand("Help: keys and sources", "Every key binding and data credit (?)", self.action_show_help)
        yield SystemCommand("Alert log", "Every alert that fired: time, rule, value, mode (a)", self.action_show_alerts)
        yield SystemCommand(
            "Save screenshot and data", "SVG of the screen and this view's data as CSV (s)", self.action_save_view
        )
