"""Provides :class:`TriffinApp`: themes, keys, actions, and one worker that feeds the screens.

The data (stores, cache, feed, modes, signals, crisis scores, formula rows, alerts) is the
headless :class:`~datafeed.monitor.Monitor`'s, built by :func:`tui.session.build_monitor`
like every other entry point's. The app starts it, and one worker turns each of its
updates into one :class:`~tui.messages.MonitorUpdated` message; the handler notifies,
rings for alerts, and publishes a :class:`~tui.messages.DataUpdate` on
:attr:`TriffinApp.data_changed`, which screens subscribe to. While the UI is busy the
Monitor merges what follows into one update, so a burst costs one repaint.

Start-up paints the layout with the cached numbers from the cache summary (no pandas, see
``DashboardScreen._paint_cached``), then starts the Monitor, which loads pandas and the
cache (or the demo history) in its thread. See docs/architecture.md.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from datafeed.sanitize import clean_line, clean_text
from themes import BUILTIN_THEMES, DEFAULT_THEME, theme_variable_defaults
from tui.commands import TriffinCommands
from tui.config import Config
from tui.initial_theme import InitialThemeApp
from tui.keys import APP_BINDINGS
from tui.messages import DataUpdate, MonitorUpdated
from tui.quiet_input import quiet_input_driver
from tui.session import build_monitor

if TYPE_CHECKING:
    from datafeed.metrics import Metrics
    from datafeed.monitor import Monitor
    from datafeed.recording import ReplayTransport
    from datafeed.updates import AlertEntry
    from tui.presenters import MetricsViews
    from widgets.data import SourceView

_marks_fd = (
    os.open(os.environ["TUI_PROBE_MARKS"], os.O_WRONLY | os.O_APPEND) if os.environ.get("TUI_PROBE_MARKS") else None
)


def probe_mark() -> None:
    """Tell ``tui_probe.py --marks`` that a data update is being applied."""
    if _marks_fd is not None:
        os.write(_marks_fd, b"%d\n" % time.monotonic_ns())


CLOCK_SECONDS = 60.0
"""Ages on screen have minute resolution, so they are refreshed once a minute."""


def _present(metrics: Metrics) -> MetricsViews:
    """The dashboard's inputs, built in the Monitor's thread (pandas is imported there, not here)."""
    from tui.presenters import metrics_views

    return metrics_views(metrics)


PALETTE: tuple[tuple[str, str, str], ...] = (
    ("Refresh now", "Refresh every source now (r)", "action_refresh_now"),
    ("Pause / resume feed", "Stop or restart refreshing (p)", "action_toggle_pause"),
    ("Next triffin theme", "Cycle the built-in themes (t)", "action_cycle_theme"),
    ("Help: keys and sources", "Every key binding and data credit (?)", "action_show_help"),
    (
        "Exhibits: the seed's ten charts",
        "Each exhibit redrawn from the data, with its claim and the reading now (e)",
        "action_show_exhibits",
    ),
    ("Curves: UST, Bund, JGB", "Yield curves today vs 1W/1M/1Y ago, and their spreads (y)", "action_show_curves"),
    ("Alert log", "Every alert that fired: time, rule, value, mode (a)", "action_show_alerts"),
    (
        "Auctions",
        "Newest Treasury auction per line: bid-to-cover, bidder shares, high − median (u)",
        "action_show_auctions",
    ),
    (
        "Holders",
        "Foreign holders of Treasuries (TIC) and Fed custody for foreign officials (f)",
        "action_show_holders",
    ),
    ("Save screenshot and data", "SVG of the screen and this view's data as CSV (s)", "action_save_view"),
)
"""The app's palette commands: title, help line, the action it runs (the key in brackets)."""


class TriffinApp(InitialThemeApp):
    """triffin's TUI: the dashboard, its drill-downs, and the Monitor behind them.

    Args:
        config: the validated configuration.
        demo: run on the synthetic demo feed (no network).
        today: a fixed "today" (tests, screenshots); with it and no ``clock``, the clock
            is frozen at 21:00 UTC that day.
        tick_interval: seconds between demo ticks; None freezes the demo market.
        clock: returns "now" (UTC); default the system clock.
        replay: play this recording instead of asking live sources (on its clock).
    """

    CSS_PATH = "app.tcss"
    TITLE = "triffin"
    SUB_TITLE = "are US Treasuries still the world's safe asset?"
    COMMANDS = App.COMMANDS | {TriffinCommands}
    COMMAND_PALETTE_DISPLAY = "ctrl+p"
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS
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
        replay: ReplayTransport | None = None,
    ) -> None:
        self._ascii_output = config.ascii  # read by get_driver_class, which App.__init__ calls
        super().__init__()
        self.config = config
        self.demo = demo
        from tui import added_alerts

        added, self._added_warnings = added_alerts.load(config)  # rules added with A before
        self.monitor: Monitor[MetricsViews] = build_monitor(
            config,
            run="demo" if demo else "replay" if replay is not None else "live",
            transport=replay,
            rules=[*config.alerts, *added],
            metrics=True,
            switch_offline=True,
            present=_present,
            today=today,
            clock=clock,
            tick_interval=tick_interval,
        )
        self.ready = False
        """True once the first data and metrics are on screen."""
        self.data_changed: Signal[DataUpdate] = Signal(self, "data-changed")
        """Published on the UI thread after every update taken in; screens subscribe."""
        self.alert_logged: Signal[AlertEntry] = Signal(self, "alert-logged")
        """Published on the UI thread for every alert that fired."""
        self.remembered: dict[str, str] = {}
        """Drill-down choices kept for the session (``tui.host.Host.remembered``)."""
        self._taken = asyncio.Event()
        for theme in BUILTIN_THEMES.values():
            self.register_theme(theme)
        self.set_initial_theme(config.theme if config.theme in self.available_themes else DEFAULT_THEME)
        self.ascii = config.ascii

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, its input thread asleep until input (``tui/quiet_input.py``);
        with ``--ascii``, one that writes ASCII bytes only."""
        driver = quiet_input_driver(super().get_driver_class())
        if getattr(self, "_ascii_output", False):
            from tui.ascii_output import ascii_driver

            return ascii_driver(driver)
        return driver

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """triffin's app variables (tick, verdict, banner colours) for any theme."""
        return theme_variable_defaults(self.current_theme)

    def get_default_screen(self) -> Screen[None]:
        """The dashboard is the bottom of the screen stack."""
        from tui.screens.dashboard import DashboardScreen

        return DashboardScreen()

    def on_mount(self) -> None:
        """Apply the keymap, then start the Monitor once the first frame is out."""
        if self.ascii:
            self.add_class("-ascii")
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        for warning in self._added_warnings:
            self.notify(warning, severity="warning", timeout=10)
        # The first frame (the cache summary included) goes out before the Monitor's thread
        # starts importing pandas: it would compete with the frame for the GIL.
        self.call_after_refresh(self._start)
        self.set_interval(CLOCK_SECONDS, self._clock_tick)

    def _start(self) -> None:
        self.monitor.start()
        self._follow()

    async def on_unmount(self) -> None:
        """Stop the feed, close the HTTP client (and stop starting alert commands)."""
        await self.monitor.aclose()

    # ------------------------------------------------------------------ updates

    @work(group="monitor", exit_on_error=False, description="monitor updates")
    async def _follow(self) -> None:
        """Hand each Monitor update to the UI, the next one only once this one was applied."""
        async for update in self.monitor.updates():
            self._taken.clear()
            self.post_message(MonitorUpdated(update))
            await self._taken.wait()

    def on_monitor_updated(self, message: MonitorUpdated) -> None:
        """Tell what is news (notices, alerts), then let the screens repaint what changed."""
        update = message.update
        try:
            for notice in update.notices:
                self.notify(notice.text, severity=notice.severity, timeout=notice.timeout)
            for entry in update.alerts:
                self._alert(entry)
            if update.changed or update.everything:
                probe_mark()
            self.ready = self.monitor.metrics is not None
            status = update.status or update.mode or update.everything
            self.data_changed.publish(
                DataUpdate(
                    update.changed, update.metrics is not None, update.everything, status, auctions=update.auctions
                )
            )
        finally:
            self._taken.set()

    def _alert(self, entry: AlertEntry) -> None:
        """A notification, the terminal bell (it reaches the user over SSH and tmux), the log."""
        when = f" (data of {entry.date})" if entry.date else ""
        text = f"{entry.rule} → {entry.value}\n{entry.detail}{when}; a: alert log"
        self.notify(text, title=entry.title, severity="warning", timeout=12)
        self.bell()
        self.alert_logged.publish(entry)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that died (a chart, a history) must say so."""
        if event.state is WorkerState.ERROR:
            from datafeed.errors import redact  # an error may quote a URL, key included

            worker = event.worker
            self.notify(redact(f"{worker.group or worker.name} failed: {worker.error}"), severity="error", timeout=15)

    def _clock_tick(self) -> None:
        """Ages move on by the minute."""
        if self.ready:
            self.data_changed.publish(DataUpdate(clock=True, status=True))

    def source_views(self) -> list[SourceView]:
        """Per-source health for the status bar (no pandas needed before the feed starts)."""
        from tui.status import source_views

        monitor = self.monitor
        return source_views(monitor.health(), monitor.today, monitor.now())

    # ---------------------------------------------------------------- actions

    def action_refresh_now(self) -> None:
        """Refresh every source now (in demo mode: one tick now)."""
        if self.monitor.refresh_now():
            self.notify("DEMO: one synthetic tick", timeout=3)
        elif self.monitor.feed is not None:
            self.notify("Refreshing every source now", timeout=3)

    def action_toggle_pause(self) -> None:
        """Pause or resume the feed (and the demo ticks)."""
        paused = not self.monitor.paused
        self.monitor.pause(paused)
        self.notify("Feed paused: press p to resume" if paused else "Feed resumed", timeout=4)

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

    def _toggle(self, module: str, name: str) -> None:
        """Close screen ``module.name`` if on top, else open it (a ``KEEP`` class: installed once, then resumed)."""
        import importlib

        screen_type = getattr(importlib.import_module(module), name)
        if isinstance(self.screen, screen_type):
            self.pop_screen()
        elif getattr(screen_type, "KEEP", False) and not any(isinstance(s, screen_type) for s in self.screen_stack):
            if not self.is_screen_installed(name):
                self.install_screen(screen_type(), name)
            self.push_screen(name)
        else:
            self.push_screen(screen_type())

    def action_show_curves(self) -> None:
        """Open the curves screen (or close it when it is on screen)."""
        self._toggle("tui.screens.curves", "CurvesScreen")

    def add_alert(self, text: str) -> str | None:
        """Add ``text`` as an alert rule from now on (None), or say in one line why not."""
        from tui.added_alerts import add_to_app

        return add_to_app(self, text)

    def alert_rules_changed(self) -> None:
        """Repaint what lists the rules (the alert log, when it is open)."""
        from tui.screens.alerts import AlertLogScreen

        for screen in self.screen_stack:
            if isinstance(screen, AlertLogScreen):
                screen.refresh_rules()

    def action_show_alerts(self) -> None:
        """Open the alert log (or close it when it is on screen)."""
        self._toggle("tui.screens.alerts", "AlertLogScreen")

    def action_show_exhibits(self) -> None:
        """Open the exhibits at the first one (or close them when they are on screen)."""
        from tui.screens.exhibits import ExhibitsScreen

        if isinstance(self.screen, ExhibitsScreen):
            self.pop_screen()
        else:
            self.show_exhibit(1)

    def show_exhibit(self, exhibit: str | int) -> None:
        """The exhibits screen on exhibit ``exhibit`` (id or number); reused when open."""
        from tui.screens.exhibits import ExhibitsScreen

        screen = self.screen
        if isinstance(screen, ExhibitsScreen):
            from datafeed.exhibits import EXHIBITS, get

            screen.show(EXHIBITS.index(get(exhibit)))
        else:
            self.push_screen(ExhibitsScreen(exhibit))

    def action_save_view(self) -> None:
        """Save an SVG screenshot and the current view's data as CSV under ``screenshot_dir``."""
        from tui.save import save_view

        if self.screen.query("Toast"):  # Textual's toast widget, by its CSS type name
            # A screenshot shows the view, not the toasts over it ("Saved ..." over the crisis
            # verdicts, issue 17): take them down and save once the screen is redrawn.
            self.clear_notifications()
            self.call_after_refresh(save_view, self, self.monitor.store, self.config.screenshot_dir)
            return
        save_view(self, self.monitor.store, self.config.screenshot_dir)

    def action_show_auctions(self) -> None:
        """Open the Auctions screen (or close it when it is on top)."""
        self._toggle("tui.screens.auctions", "AuctionsScreen")

    def action_show_holders(self) -> None:
        """Open the Holders screen (or close it when it is on top)."""
        self._toggle("tui.screens.holders", "HoldersScreen")

    def jump_to(self, kind: str, key: str) -> None:
        """Back to the dashboard with the cursor on an instrument, signal or episode."""
        from tui.screens.dashboard import DashboardScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, DashboardScreen):
            self.pop_screen()
        dashboard = self.screen_stack[0]
        if isinstance(dashboard, DashboardScreen):
            self.call_after_refresh(dashboard.jump_to, kind, key)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Palette commands for the global actions (on top of Textual's own; see PALETTE)."""
        yield from super().get_system_commands(screen)
        for title, help_text, action in PALETTE:
            yield SystemCommand(title, help_text, getattr(self, action))
