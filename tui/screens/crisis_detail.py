"""Provides :class:`CrisisDetailScreen`: one crisis episode, every check charted across its window.

On top, each check's reading: the series used, v0 and v1 with their dates, the change, what
a haven shows, the threshold, the result and any note (fallbacks, why n/a). Below, one
chart per check across the window ±20 trading days with the window's edges marked; the
check whose cell was chosen is framed and scrolled into view. The live row re-scores on
every update.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from tui.screens.base import DetailScreen, KeyBar
from widgets.scorecard import format_verdict
from widgets.status_bar import StatusBar

if TYPE_CHECKING:
    import pandas as pd
    from textual.widget import Widget

    from datafeed.crises import ScoredEpisode
    from tui.messages import DataUpdate
    from widgets.chart_data import ChartData

MARKS = {"pass": ("✓", "+"), "fail": ("✗", "x"), "flat": ("·", "."), "n/a": ("–", "-")}


def summary_table(scored: ScoredEpisode, selected: str | None, ascii: bool, narrow: bool) -> Table:
    """Every check's reading as a table; the selected check is marked with ▶."""
    from datafeed.crises import CHECKS

    table = Table(box=None, pad_edge=False, padding=(0, 1), expand=False, show_edge=False)
    table.add_column("")
    table.add_column("check", no_wrap=True)
    if not narrow:
        table.add_column("series", no_wrap=True)
    table.add_column("v0", justify="right", no_wrap=True)
    table.add_column("v1", justify="right", no_wrap=True)
    table.add_column("change", justify="right", no_wrap=True)
    table.add_column("haven", no_wrap=True)
    table.add_column("result", no_wrap=True)
    if not narrow:
        table.add_column("note", overflow="fold")
    for cid, spec in CHECKS.items():
        check = scored.checks.get(cid)
        cursor = (">" if ascii else "▶") if cid == selected else " "
        label = spec.label + (" *" if spec.core else "")
        if check is None:
            continue
        v0 = "n/a" if check.v0 is None else f"{check.v0:,.4g} ({check.date0})" if not narrow else f"{check.v0:,.4g}"
        v1 = "n/a" if check.v1 is None else f"{check.v1:,.4g} ({check.date1})" if not narrow else f"{check.v1:,.4g}"
        change = "n/a" if check.change is None else f"{check.change:+.1f}{check.unit}"
        expects = f"{check.expected} ≥{check.threshold:g}{check.unit}"
        mark = MARKS[check.result][ascii]
        result = Text(f"{mark} {check.result}", style="bold" if check.result == "fail" else "")
        row: list[str | Text] = [cursor, label]
        if not narrow:
            row.append(check.series)
        row += [v0, v1, change, expects, result]
        if not narrow:
            row.append(check.note or "")
        table.add_row(*row)
    return table


class CrisisDetailScreen(DetailScreen):
    """One episode: every check's reading, and each series charted across the window."""

    BINDING_GROUP_TITLE = "Crisis"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "step_check(-1)", "Prev check", id="crisis-prev-check", show=False),
        Binding("right,l", "step_check(1)", "Next check", id="crisis-next-check", show=False),
    ]
    """h/l (or left/right): frame the previous / next check's chart."""

    def __init__(self, episode_id: str, check_id: str | None = None) -> None:
        super().__init__(classes="crisis-detail")
        self.episode_id = episode_id
        self.check_id = check_id if check_id not in (None, "verdict") else None
        self.charts_ready = False

    def compose(self) -> ComposeResult:
        """Title, summary, charts, status bar, footer."""
        from datafeed.crises import CHECKS
        from widgets.chart import SeriesChart

        yield Static(id="detail-title", classes="detail-title")
        with ScrollableContainer(id="crisis-charts", classes="crisis-charts"):
            yield Static(id="crisis-summary", classes="crisis-summary")
            for cid in CHECKS:
                chart = SeriesChart(id=f"chart-{cid}", classes="crisis-chart", ascii=self.triffin.ascii)
                chart.border_title = CHECKS[cid].label
                yield chart
        yield StatusBar(mode=self.triffin.monitor.status_mode, ascii=self.triffin.ascii)
        yield KeyBar()

    def on_mount(self) -> None:
        """Paint the summary, compute the charts in a thread, focus the scroll."""
        self._paint()
        self._start_charts()
        self.query_one("#crisis-charts").focus()

    @property
    def scored(self) -> ScoredEpisode | None:
        """The episode's current scores (None when it is gone, e.g. the live row ended)."""
        metrics = self.triffin.monitor.metrics
        return metrics.episode(self.episode_id) if metrics is not None else None

    def view_data(self) -> tuple[str, pd.DataFrame | None]:
        """(file name part, frame): the window the charts show, one column per input (``s``)."""
        from datafeed.crises import episode_window

        scored = self.scored
        if scored is None:
            return f"crisis-{self.episode_id}", None
        return f"crisis-{self.episode_id}", episode_window(
            self.triffin.monitor.series_snapshot(), scored.episode, pad=20
        )

    def on_data(self, update: DataUpdate) -> None:
        """Re-score (the live row) or repaint after a store switch."""
        from datafeed.metrics import CRISIS_INPUTS

        scored = self.scored
        live = scored is not None and scored.episode.live
        if update.everything or (live and update.metrics):
            self._paint()
        if update.everything or (live and update.changed & CRISIS_INPUTS):
            self._start_charts()

    def action_step_check(self, step: int) -> None:
        """Frame the previous / next check's chart and scroll to it."""
        from datafeed.crises import CHECKS

        ids = list(CHECKS)
        index = ids.index(self.check_id) if self.check_id in ids else (-1 if step > 0 else 0)
        self.check_id = ids[(index + step) % len(ids)]
        self._paint()
        self._select_chart()

    def _select_chart(self, opening: bool = False) -> None:
        from datafeed.crises import CHECKS

        for cid in CHECKS:
            self.query_one(f"#chart-{cid}").set_class(cid == self.check_id, "-selected")
        if self.check_id is not None:
            chart = self.query_one(f"#chart-{self.check_id}")
            self.call_after_refresh(self._scroll_to_chart, chart, opening)

    def _scroll_to_chart(self, chart: Widget, opening: bool) -> None:
        """Scroll the chosen check's chart into view; on opening, only when the readings on
        top stay on screen with it (at 80x24 they do not: the readings, the chosen check
        marked, come first; ``h``/``l`` then scroll to each chart)."""
        charts = self.query_one("#crisis-charts")
        summary = self.query_one("#crisis-summary")
        if opening and summary.outer_size.height + chart.outer_size.height > charts.scrollable_content_region.height:
            return
        charts.scroll_to_widget(chart, animate=False)

    def _start_charts(self) -> None:
        monitor, scored = self.triffin.monitor, self.scored
        if monitor.store is None or scored is None:
            return
        self._compute_charts(monitor.series_snapshot(), scored)

    @work(thread=True, exclusive=True, group="crisis-charts", exit_on_error=False, description="crisis charts")
    def _compute_charts(self, series: dict[str, pd.Series], scored: ScoredEpisode) -> list[ChartData]:
        from tui.presenters import crisis_charts

        return crisis_charts(series, scored)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Hand the computed charts to their widgets."""
        from datafeed.crises import CHECKS
        from widgets.chart import SeriesChart

        if event.worker.group != "crisis-charts" or event.state is not WorkerState.SUCCESS:
            return
        for cid, data in zip(CHECKS, event.worker.result or (), strict=False):
            self.query_one(f"#chart-{cid}", SeriesChart).set_data(data)
        if not self.charts_ready:
            self.charts_ready = True
            self._select_chart(opening=True)

    def _paint(self) -> None:
        app = self.triffin
        showing_demo = app.monitor.showing_demo
        scored = self.scored
        title = Text()
        if scored is None:
            title.append(f"{self.episode_id}: no such episode now", style="bold")
            if self.episode_id == "live":
                title.append(" (the live stress row ended)")
            self.query_one("#detail-title", Static).update(title)
            self.query_one("#crisis-summary", Static).update("")
            return
        ep = scored.episode
        arrow = ".." if app.ascii else "→"
        title.append(("● LIVE " if not app.ascii else "* LIVE ") if ep.live else "", style="bold")
        title.append(ep.name, style="bold")
        title.append(f"  {ep.start}{arrow}{ep.end}  verdict ")
        title.append(f" {format_verdict(scored.verdict, ascii=app.ascii)} ", style="bold reverse")
        if showing_demo:
            title.append("  ")
            title.append(" DEMO — synthetic ", style="bold reverse")
        title.append(
            "\n* core · haven: every core check passes · broken: UST 10Y or two core checks fail"
            " · charts ±20 trading days, window edges marked · h/l: next check",
            style="dim",
        )
        self.query_one("#detail-title", Static).update(title)
        narrow = self.size.width < 110
        self.query_one("#crisis-summary", Static).update(summary_table(scored, self.check_id, app.ascii, narrow))
