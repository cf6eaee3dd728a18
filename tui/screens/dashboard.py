"""Provides :class:`DashboardScreen`: live table, signals, crisis grid and source status.

Layout follows the terminal (see ``tui/app.tcss``):

- at least 100 columns and 28 rows: the markets table and the signals panel side by side,
  the crisis scorecard full width below them;
- smaller: one panel at a time under a tab strip (``tab`` / ``shift+tab`` or ``1`` ``2``
  ``3`` switch, a click on the strip too), so everything stays reachable at 80x24.

The screen subscribes to the app's ``data_changed`` (see ``tui.host.Host``) and repaints only
what an update touched: the rows of changed instruments, the panels when new metrics arrive.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.events import Click, DescendantFocus, Resize, ScreenResume
from textual.screen import Screen
from textual.widgets import Input, Static

from datafeed.crisis_columns import CHECK_COLUMNS
from tui import startup_gc
from tui.clock_rows import ClockRows
from tui.host import Host, host_of
from tui.messages import EVERYTHING, DataUpdate
from tui.screens.base import KeyBar
from widgets.live_table import LiveTable
from widgets.scorecard import DEFAULT_CHECKS, ScorecardGrid
from widgets.signals_panel import SignalsPanel
from widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from collections.abc import Collection
    from pathlib import Path

    from textual.dom import DOMNode
    from textual.timer import Timer

    from tui.viewcache import SavedView
    from widgets.data import RegimeView, TableRow

SAVE_VIEW_EVERY = 30.0
"""Seconds between two saves of the live view (the last one is saved on quit)."""

PANELS: tuple[tuple[str, str, str], ...] = (
    ("table", "markets-panel", "Markets"),
    ("signals", "signals-panel", "Signals"),
    ("grid", "crises-panel", "Crisis scorecard"),
)
"""(panel key, container id, title), in focus order."""

SINGLE_BELOW = (110, 28)
"""Below this many columns or rows, one panel is shown at a time."""

WIDE_FROM = (230, 45)
"""From this many columns and rows, the table takes the whole left column."""

TABLE_COLUMNS = ("name", "last", "change", "age", "1w", "1m", "ytd", "spark", "source", "date", "status")
"""Priority order (issue 17): the table shows as many as fit, whole; h/l scroll the rest in."""


def _scorecard_columns() -> tuple[tuple[str, str], ...]:
    """(check id, header) of every crisis check: the widget's headers for DESIGN §4's seven, then
    every further check of the registry (the demand side: custody, indirect bidders) by its label.

    Read from :mod:`datafeed.crisis_columns`, not the checks themselves: this runs in the first
    frame, and importing :mod:`datafeed.crises` there would load pandas on the UI thread.
    """
    known = {check_id for check_id, _ in DEFAULT_CHECKS}
    return DEFAULT_CHECKS + tuple((cid, label) for cid, label in CHECK_COLUMNS if cid not in known)


class TitleBar(Static):
    """One line: the app's question on the left, regime and mode flags on the right."""

    DEFAULT_CSS = """
    TitleBar { height: 1; width: 1fr; }
    """

    _shown: tuple[RegimeView | None, str, bool, bool] | None = None

    def show(self, regime: RegimeView | None, mode: str, paused: bool, wide: bool) -> None:
        """Redraw with the regime (a RegimeView or None), the mode flags and the pause flag.

        Nothing is redrawn when nothing changed (every resize and focus change asks), and
        never with a relayout: the bar is one line whatever it says.
        """
        key = (regime, mode, paused, wide)
        if key == self._shown:
            return
        self._shown = key
        left = Text("triffin", style="bold")
        if wide:
            left.append("  are US Treasuries still the world's safe asset?", style="italic")
        right = Text()
        if regime is None:
            right.append("loading…")
        else:
            right.append("REGIME ", style="bold")
            right.append(regime.verdict, style="bold reverse")
            right.append(f" {regime.eroding}/{regime.available} eroding")
            if regime.as_of:  # the date of the verdict's evidence, and whether some is too old
                right.append(f" as of {regime.as_of}")
            if regime.stale:
                right.append(" ")
                right.append(" STALE ", style="bold reverse")
        for flag in mode.split():  # "offline demo": the fallback's numbers are synthetic
            if flag != "live":
                right.append("  ")
                right.append(f" {flag.upper()} ", style="bold reverse")
        if paused:
            right.append("  ")
            right.append(" PAUSED ", style="bold reverse")
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(justify="right", no_wrap=True)
        grid.add_row(left, right)
        self.update(grid, layout=False)


class PanelTabs(Static):
    """The tab strip of the one-panel layout; the shown panel reads ``[1 Markets]``."""

    DEFAULT_CSS = """
    PanelTabs { height: 1; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._spans: list[tuple[int, int, str]] = []

    _shown: str | None = None

    def show(self, active: str) -> None:
        """Redraw with ``active`` marked by brackets and reverse video (only when it changed)."""
        if active == self._shown:
            return
        self._shown = active
        text = Text()
        self._spans = []
        for index, (key, _container, title) in enumerate(PANELS, 1):
            label = f"{index} {title}"
            start = len(text)
            if key == active:
                text.append(f"[{label}]", style="bold reverse")
            else:
                text.append(f" {label} ")
            self._spans.append((start, len(text), key))
            text.append("  ")
        text.append("tab: next panel", style="dim")
        self.update(text, layout=False)

    def on_click(self, event: Click) -> None:
        """A click on a label shows that panel."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                screen = self.screen
                if isinstance(screen, DashboardScreen):  # the tabs live on the dashboard alone
                    screen.action_show_panel(key)
                break


class DashboardScreen(Screen[None]):
    """The dashboard: markets table, signals panel, crisis scorecard and status bar."""

    BINDING_GROUP_TITLE = "Dashboard"

    AUTO_FOCUS = "#live-table"
    """The table has focus from the first frame (focusing it in ``on_mount`` moved focus twice)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "next_panel", "Next panel", id="next-panel", show=False),
        Binding("shift+tab", "previous_panel", "Previous panel", id="previous-panel", show=False),
        Binding("slash", "start_filter", "Filter", id="filter", tooltip="Filter the markets table"),
        Binding("escape", "clear_filter", "Clear filter", id="clear-filter", show=False),
        Binding("1", "show_panel('table')", "Markets", id="show-markets", show=False),
        Binding("2", "show_panel('signals')", "Signals", id="show-signals", show=False),
        Binding("3", "show_panel('grid')", "Crises", id="show-crises", show=False),
        Binding(
            "A", "add_alert", "Add alert", id="add-alert", show=False, tooltip="New alert on this row, signal or cell"
        ),
    ]
    """Panel focus, the table filter, and panel shortcuts; Enter on a panel drills down."""

    def __init__(self) -> None:
        super().__init__(id="dashboard")
        self.active_panel = "table"
        self.single = False
        self._wide_title = True
        self._grid_size: tuple[int, int] | None = None
        self._titles: dict[str, str] = {}
        self._cached: SavedView | None = None
        """The saved view painted in the first frame, until the first recompute replaces it."""
        self._view_key: str | None = None
        self._view_saved_at = -SAVE_VIEW_EVERY
        self._pending_view: SavedView | None = None
        self._view_timer: Timer | None = None
        self._view_found = False
        self._ticked = False
        """A change was taken in since the store was installed (a demo view is saved only before)."""
        self._resumed = False
        """The screen was resumed once (its first resume comes with the app's start)."""
        self._clock_rows = ClockRows()
        """The table's rows, kept for the minute's clock tick where it does not move them."""

    @property
    def triffin(self) -> Host:
        """The app, as screens may see it."""
        return host_of(self.app)

    def compose(self) -> ComposeResult:
        """Title, tab strip, the three panels, status bar and footer."""
        self._layout_classes(*self.app.size)  # before the widgets mount and are styled
        ascii = self.triffin.ascii
        yield TitleBar(id="title-bar")
        yield PanelTabs(id="panel-tabs")
        with Container(id="panels"):
            with Vertical(id="markets-panel", classes="panel"):
                # the filter box is mounted on the first "/" (one widget less in the first frame)
                columns = self.triffin.config.table_columns or TABLE_COLUMNS  # [table] columns
                yield LiveTable(id="live-table", ascii=ascii, columns=columns)
            # The signals and the crisis grid are panels themselves (no wrapper: two widgets
            # less to mount, style and paint in the first frame, issue 20).
            yield SignalsPanel(id="signals-panel", classes="panel", ascii=ascii)
            yield ScorecardGrid(id="crises-panel", classes="panel", ascii=ascii, checks=_scorecard_columns())
        yield StatusBar(id="status-bar", mode=self.triffin.monitor.status_mode, ascii=ascii)
        yield KeyBar()

    def on_screen_resume(self, event: ScreenResume) -> None:
        """The first resume (the app's start) keeps the styles the widgets already have.

        Textual restyles the whole screen on every ScreenResume that asks for it (a pop
        does not); the first comes right after mounting, when every widget was styled as it
        was registered and the table's focus (``AUTO_FOCUS``) restyled what it touched:
        restyling the screen again changes nothing but costs ~10 ms of the first frame
        (16 widgets, each component class through a virtual node). Runs before Textual's
        own handler, which reads ``refresh_styles``. Later resumes are left as Textual sends them.
        """
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def on_mount(self) -> None:
        """Subscribe to data updates, set titles, focus the table."""
        self.triffin.data_changed.subscribe(self, self._on_data)
        for _key, container, title in PANELS:
            self._set_panel_title(container, title)
        self._layout(self.size.width, self.size.height)
        self._paint_title()
        if self.triffin.ready:
            self._on_data(EVERYTHING)
        else:
            self._paint_cached()
        self.call_after_refresh(startup_gc.resume)  # the first frame is out

    def _paint_cached(self) -> None:
        """The first frame: the saved view and the cache summary's numbers, before pandas loads.

        Live: the instruments' rows from the cache summary, the formula rows, signals,
        regime and crisis grid from the view the last run saved (``tui.viewcache``). Demo:
        the whole view saved for today's demo market. Replay, or nothing saved: empty. The
        store and the first recompute give the same rows moments later (nothing is
        repainted then), or replace them.
        """
        from tui.rows import summary_rows

        monitor = self.triffin.monitor
        today = monitor.today
        rows: list[TableRow] = []
        summary = monitor.cached_summary()
        if summary:
            rows = summary_rows(summary, today, monitor.options.catalog)
        # instruments from the summary (their view rows are not even read); the formulas' from the view
        cached = self._read_view(skip_rows={row.id for row in rows})
        if cached is not None:
            rows += cached.rows
            if cached.signals:
                self.query_one(SignalsPanel).update_signals(cached.signals, cached.regime)
            if cached.scores:
                self.query_one(ScorecardGrid).set_rows(cached.scores)
                self._size_grid_row()
        if rows:
            self.query_one(LiveTable).set_rows(rows)
        self._cached = cached
        self._view_found = cached is not None
        self.query_one(StatusBar).set_sources(self.triffin.source_views())
        self._paint_title()

    # ------------------------------------------------------------------ saved view

    def _view_file(self) -> Path | None:
        """Where this run's view is saved and read (None: a run that keeps none)."""
        from datafeed.monitor import demo_history_end
        from tui.viewcache import demo_path, fingerprint, live_path

        monitor = self.triffin.monitor
        o = monitor.options
        if o.cache_dir is None or o.run not in ("live", "demo"):
            return None
        if self._view_key is None:
            self._view_key = fingerprint(o.catalog, o.formulas, o.thresholds, o.episodes)
        if o.run == "live":
            return live_path(o.cache_dir)
        today = monitor.today
        return demo_path(o.cache_dir, demo_history_end(today), today, self._view_key)

    def _read_view(self, skip_rows: Collection[str] = ()) -> SavedView | None:
        from tui.viewcache import as_of, read_view

        path = self._view_file()
        if path is None or self._view_key is None:
            return None
        view = read_view(path, self._view_key, self.triffin.monitor.options.run, skip_rows)
        return None if view is None else as_of(view, self.triffin.monitor.today)

    def _offer_view(self) -> None:
        """New metrics are on screen: save the view (live: at most every SAVE_VIEW_EVERY s,
        the newest on quit; demo: once, and only a view of the market as generated, before
        any tick)."""
        monitor = self.triffin.monitor
        run = monitor.options.run
        if run == "demo":
            if not self._ticked and not self._view_found and self._view_saved_at < 0 and monitor.mode == "demo":
                self._pending_view = self._current_view()
                self._save_pending()
            return
        if run != "live" or monitor.store_kind != "live":
            return
        self._pending_view = self._current_view()
        wait = self._view_saved_at + SAVE_VIEW_EVERY - time.monotonic()
        if wait <= 0:
            self._save_pending()
        elif self._view_timer is None:
            self._view_timer = self.set_timer(wait, self._save_pending)

    def _current_view(self) -> SavedView | None:
        """What the dashboard shows now: the rows held, the signals, the grid (plain data)."""
        from datafeed.signals import SIGNALS
        from tui.viewcache import SavedView

        monitor = self.triffin.monitor
        views = monitor.views
        if views is None:
            return None
        table = self.query_one(LiveTable)
        rows = tuple(row for key in table.row_ids if (row := table.get_row(key)) is not None)
        markets = tuple(SIGNALS[v.id].market if v.id in SIGNALS else "us" for v in views.signal_views)
        return SavedView(
            monitor.options.run,
            monitor.now(),
            rows,
            tuple(views.signal_views),
            markets,
            views.regime_view,
            tuple(views.score_rows),
        )

    def _save_pending(self) -> None:
        """Write the view waiting to be saved, if any."""
        from tui.viewcache import encode, write_view

        self._view_timer = None
        view, self._pending_view = self._pending_view, None
        path = self._view_file()
        if view is None or path is None or self._view_key is None:
            return
        self._view_saved_at = time.monotonic()
        write_view(path, encode(view, self._view_key))

    def on_unmount(self) -> None:
        """Save the newest live view on quit (what the next start paints first)."""
        self._save_pending()

    # ------------------------------------------------------------------ layout

    def on_resize(self, event: Resize) -> None:
        """Re-lay out for the new terminal size."""
        self._layout(event.size.width, event.size.height)

    def _layout(self, width: int, height: int) -> None:
        self._layout_classes(width, height)
        self._show_classes()
        self._size_grid_row()
        self._paint_title()

    def _layout_classes(self, width: int, height: int) -> None:
        """The screen's ``-single`` / ``-wide`` classes for this size.

        A class change on the screen restyles every widget on it, so ``compose`` sets them
        before the widgets mount (each is then styled once, as it mounts): set in
        ``on_mount``, a small or very wide terminal paid a second styling of the whole
        screen before its first frame.
        """
        single = width < SINGLE_BELOW[0] or height < SINGLE_BELOW[1]
        self.single = single
        self.set_class(single, "-single")
        self.set_class(not single and width >= WIDE_FROM[0] and height >= WIDE_FROM[1], "-wide")
        self._wide_title = width >= 90

    def _size_grid_row(self) -> None:
        """Size the panel grid: the crisis row fits its episodes, the signals column its text.

        The table keeps at least ~110 columns when there is room; a horizontal scrollbar
        line is added to the crisis row when the grid is wider than its panel.
        """
        width, height = self.size
        grid = self.query_one(ScorecardGrid)
        rows = len(grid.episode_ids) or 9
        wide = self.has_class("-wide")
        column = 120 if wide else max(56, min(80, width - 112))
        panel_width = (column if wide else width) - 2
        # Before its first layout the grid has fitted its checks to no width: fit it to the
        # panel first (else the first frame keeps a scrollbar line the second drops).
        scrollbar = 1 if grid.fit_to(panel_width) > panel_width else 0
        lines = min(rows + 3 + scrollbar, max(height // 2, 6))
        if (lines, column) == self._grid_size:
            return  # a style write relays out and repaints every panel, even when equal
        self._grid_size = (lines, column)
        panels = self.query_one("#panels")
        panels.styles.grid_rows = f"1fr {lines}"
        panels.styles.grid_columns = f"1fr {column}"

    def _show_classes(self) -> None:
        """Show every panel, or only the active one in the one-panel layout.

        Inline ``display`` on the three panels, not classes on the screen: a class change
        on the screen restyles every widget on it (a few hundred ms per key press).
        """
        for key, container, _title in PANELS:
            panel = self.query_one(f"#{container}")
            show = not self.single or key == self.active_panel
            if panel.display != show:
                panel.display = show
        self.query_one(PanelTabs).show(self.active_panel)

    def _panel_widget(self, key: str) -> type[LiveTable | SignalsPanel | ScorecardGrid]:
        widgets: dict[str, type[LiveTable | SignalsPanel | ScorecardGrid]] = {
            "table": LiveTable,
            "signals": SignalsPanel,
            "grid": ScorecardGrid,
        }
        return widgets[key]

    def action_show_panel(self, key: str) -> None:
        """Show (in the one-panel layout) and focus a panel."""
        self.active_panel = key
        self._show_classes()
        self.query_one(self._panel_widget(key)).focus()

    def _step_panel(self, step: int) -> None:
        keys = [k for k, _c, _t in PANELS]
        index = keys.index(self._focused_panel() or self.active_panel)
        self.action_show_panel(keys[(index + step) % len(keys)])

    def action_next_panel(self) -> None:
        """Focus the next panel."""
        self._step_panel(1)

    def action_previous_panel(self) -> None:
        """Focus the previous panel."""
        self._step_panel(-1)

    def _focused_panel(self) -> str | None:
        focused = self.focused
        for key, container, _title in PANELS:
            node: DOMNode | None = focused
            while node is not None:
                if node.id == container:
                    return key
                node = node.parent
        return None

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """Follow focus: show its panel (one-panel layout) and mark its title."""
        current = self._focused_panel()
        if current is not None and current != self.active_panel:
            self.active_panel = current
            self._show_classes()
        self._paint_panel_titles()

    def _paint_panel_titles(self) -> None:
        """Mark the focused panel's title (so focus reads without colour) and show the filter."""
        current = self._focused_panel()
        ascii = self.triffin.ascii
        mark = "> " if ascii else "▶ "
        for key, container, title in PANELS:
            label = title
            if key == "table":
                table = self.query_one(LiveTable)
                if table.filter_text:
                    label += f" {'-' if ascii else '—'} filter: {table.filter_text} (esc clears)"
            self._set_panel_title(container, (mark + label) if key == current else label)

    def _set_panel_title(self, container: str, text: str) -> None:
        """Set a panel's border title; Textual repaints the whole panel on every set, so only on a change."""
        if self._titles.get(container) != text:
            self._titles[container] = text
            self.query_one(f"#{container}").border_title = text

    # ------------------------------------------------------------------ filter

    async def action_start_filter(self) -> None:
        """Show the filter box above the table (mounting it the first time) and focus it."""
        self.action_show_panel("table")
        boxes = self.query("#filter-input").results(Input)
        box = next(boxes, None)
        if box is None:
            box = Input(placeholder="filter: name, id, group or source; Enter keeps it, Esc clears", id="filter-input")
            await self.query_one("#markets-panel").mount(box, before=self.query_one(LiveTable))
        self.add_class("-filtering")
        box.focus()

    def action_clear_filter(self) -> None:
        """Clear the filter and hide its box."""
        table = self.query_one(LiveTable)
        if not table.filter_text and not self.has_class("-filtering"):
            return
        box = next(self.query("#filter-input").results(Input), None)
        if box is not None:
            box.value = ""
        table.filter("")
        self.remove_class("-filtering")
        table.focus()
        self._paint_panel_titles()

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_one(LiveTable).filter(event.value)
        self._paint_panel_titles()

    @on(Input.Submitted, "#filter-input")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        table = self.query_one(LiveTable)
        if not event.value.strip():
            self.remove_class("-filtering")
        table.focus()

    # ------------------------------------------------------------------ alerts

    def action_add_alert(self) -> None:
        """``A``: an alert rule on the table row, the signal or the crisis cell under the cursor (prefilled)."""
        from tui.screens.add_alert import AddAlertScreen, alert_prefill_value, prefill_text

        monitor = self.triffin.monitor
        panel = self._focused_panel() or self.active_panel
        target: str | None = None
        value: float | None = None
        if panel == "table":
            target = self.query_one(LiveTable).cursor_id
            if target is not None:
                value = alert_prefill_value(monitor, target)
        elif panel == "signals":
            target = self.query_one(SignalsPanel).cursor_id
            result = monitor.metrics.signals.get(target) if monitor.metrics and target else None
            value = result.value if result is not None else None
        elif panel == "grid" and (cell := self.query_one(ScorecardGrid).cursor_cell) is not None:
            from tui.screens.add_alert import crisis_alert

            self.app.push_screen(AddAlertScreen(*crisis_alert(cell[1], dict(_scorecard_columns()).get(cell[1], ""))))
            return
        if target is None:
            self.app.notify(
                "A adds an alert on a markets row, a signal or a crisis cell: put the cursor on one", timeout=5
            )
            return
        self.app.push_screen(AddAlertScreen(target, prefill_text(target, value)))

    # ------------------------------------------------------------- drill-downs

    @on(LiveTable.RowChosen)
    def _open_series(self, event: LiveTable.RowChosen) -> None:
        from tui.screens.series_detail import SeriesDetailScreen

        self.app.push_screen(SeriesDetailScreen(event.row_id))

    @on(SignalsPanel.SignalChosen)
    def _open_signal(self, event: SignalsPanel.SignalChosen) -> None:
        from tui.screens.signal_detail import SignalDetailScreen

        self.app.push_screen(SignalDetailScreen(event.signal_id))

    @on(ScorecardGrid.CellSelected)
    def _open_crisis(self, event: ScorecardGrid.CellSelected) -> None:
        from tui.screens.crisis_detail import CrisisDetailScreen

        self.app.push_screen(CrisisDetailScreen(event.episode_id, event.check_id))

    def jump_to(self, kind: str, key: str) -> None:
        """Put the cursor on an instrument, signal or episode, showing its panel."""
        if kind == "instrument":
            table = self.query_one(LiveTable)
            if key not in table.visible_keys:
                self.action_clear_filter()
            self.action_show_panel("table")
            table.move_cursor(key)
        elif kind == "signal":
            self.action_show_panel("signals")
            self.query_one(SignalsPanel).move_cursor(key)
        elif kind == "episode":
            self.action_show_panel("grid")
            self.query_one(ScorecardGrid).move_cursor(key)

    # ------------------------------------------------------------------ data

    def _on_data(self, update: DataUpdate) -> None:
        """Repaint what ``update`` touched."""
        host = self.triffin
        monitor = host.monitor
        store = monitor.store
        if store is None:
            # No store to show yet (the OFFLINE demo is being built): the banner and the
            # sources' state are news all the same, and must not wait for the data.
            if update.status or update.everything:
                bar = self.query_one(StatusBar)
                bar.set_mode(monitor.status_mode, monitor.banner)
                bar.set_sources(host.source_views())
            return
        today, now = monitor.today, monitor.now()
        if update.everything:
            self._ticked = False
        elif update.changed and not update.changed.isdisjoint(store.catalog):
            self._ticked = True  # an instrument moved (formula ids change with every recompute)
        if self._cached is not None and (update.metrics or self._cached.kind != monitor.store_kind):
            self._cached = None  # the first recompute (or another store) replaces the saved view
        with self.app.batch_update():
            table = self.query_one(LiveTable)
            if update.everything or update.clock:
                # the minute's tick rebuilds only rows whose data, status or day moved (and
                # re-ages intraday quotes); a change taken in with it is among them
                rows = self._clock_rows.rows(store, today, now, rebuild=update.everything)
                table.set_rows([*rows, *self._formula_rows(keep=not update.everything)])
            elif update.changed:
                rows = self._clock_rows.rows(store, today, now, changed=update.changed)
                table.upsert_rows([*rows, *self._formula_rows(update.changed)])
            views = monitor.views
            if update.metrics and views is not None:
                self._offer_view()
            if (update.metrics or update.everything) and views is not None:
                self.query_one(SignalsPanel).update_signals(views.signal_views, views.regime_view)
                grid = self.query_one(ScorecardGrid)
                count = len(grid.episode_ids)
                grid.set_rows(views.score_rows)
                if len(grid.episode_ids) != count:
                    self._size_grid_row()
                self._paint_title()
            if update.status or update.everything:
                bar = self.query_one(StatusBar)
                bar.set_mode(monitor.status_mode, monitor.banner)
                bar.set_sources(host.source_views())
                self._paint_title()

    def _formula_rows(self, changed: frozenset[str] | None = None, keep: bool = False) -> list[TableRow]:
        """Rows of the config's formulas (all, or those reading or being a changed id).

        ``keep``: all of them for the clock's tick, kept from the last time while the
        formulas' values, errors, their inputs' statuses and the day are the same."""
        from tui import presenters

        monitor = self.triffin.monitor
        formulas = [f for f in monitor.options.formulas if changed is None or f.id in changed or f.inputs & changed]
        if not formulas or monitor.store is None:
            return []
        cached = self._cached
        if cached is not None and cached.kind == monitor.store_kind:
            # not evaluated yet: the saved rows stay until the first recompute replaces them
            saved = {row.id: row for row in cached.rows}
            return [saved[f.id] for f in formulas if f.id in saved]
        if changed is None:
            return self._clock_rows.formulas(
                monitor.options.formulas,
                monitor.formula_values,
                monitor.formula_errors,
                monitor.store,
                monitor.today,
                rebuild=not keep,
            )
        return presenters.formula_rows(
            formulas, monitor.formula_values, monitor.store, monitor.today, monitor.formula_errors
        )

    def _paint_title(self) -> None:
        monitor = self.triffin.monitor
        cached = self._cached
        regime: RegimeView | None
        if monitor.views is not None:
            regime = monitor.views.regime_view
        elif cached is not None and cached.kind == monitor.store_kind:
            regime = cached.regime
        else:
            regime = None
        mode: str = monitor.mode
        if mode == "offline" and monitor.showing_demo:
            # The regime beside it is the demo market's: say so where the verdict is, not
            # only in the banner at the bottom (cut at 80x24).
            mode = "offline demo"
        self.query_one(TitleBar).show(regime, mode, monitor.paused, self._wide_title)
