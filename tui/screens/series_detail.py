"""Provides :class:`SeriesDetailScreen`: one instrument (or formula) charted, with its numbers and provenance.

Keys 1–5 pick the range (1M, 3M, 1Y, 5Y, MAX). The stats say the last value and its 1-day,
1-week and 1-month changes, where it stands in the range (percentile and z-score), and
where it came from: source tag, last success, status, late flag, last error, next retry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.widgets import Static

from tui.safe_text import plain
from tui.screens.base import DetailScreen, KeyBar
from widgets.status_bar import StatusBar

if TYPE_CHECKING:
    import pandas as pd

    from datafeed.formulas import Formula
    from tui.messages import DataUpdate

RANGE_KEYS: tuple[tuple[str, str], ...] = (("1", "1M"), ("2", "3M"), ("3", "1Y"), ("4", "5Y"), ("5", "MAX"))
"""(key, range label) of the range bindings."""


def range_strip(current: str, ascii: bool = False) -> Text:
    """``1M 3M [1Y] 5Y MAX``: the current range bracketed and reversed."""
    text = Text("range ")
    for key, label in RANGE_KEYS:
        if label == current:
            text.append(f"[{key}:{label}]", style="bold reverse")
        else:
            text.append(f" {key}:{label} ")
        text.append(" ")
    return text


def stats_table(rows: list[tuple[str, str]]) -> Table:
    """Label / value pairs as a two-column grid."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        # Values quote outside text (a source's last error): Text, never markup.
        grid.add_row(label, plain(value, None))
    return grid


class SeriesDetailScreen(DetailScreen):
    """One instrument: chart over a range, stats, source and timestamps."""

    BINDING_GROUP_TITLE = "Series"

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                key,
                f"set_range('{label}')",
                label,
                id=f"range-{label.lower()}",
                show=False,
                tooltip=f"Chart the last {label}",
            )
            for key, label in RANGE_KEYS
        ),
        Binding(
            "c",
            "compare",
            "Compare",
            id="series-compare",
            tooltip="Overlay a second series (right axis); c again drops it",
        ),
        Binding("A", "add_alert", "Add alert", id="series-add-alert", show=False, tooltip="New alert rule on it"),
    ]
    """1–5: chart range; c: a comparison series; A: an alert on it."""

    def __init__(self, instrument_id: str, range_key: str | None = None) -> None:
        super().__init__(classes="series-detail")
        self.instrument_id = instrument_id
        self.range_key = range_key or ""
        self._formula_memo: tuple[pd.Series | None, pd.Series] | None = None
        """(the Monitor's kept value, the whole series evaluated from it) of a formula."""
        self.compare_id: str | None = None
        """The comparison series on the right axis (an instrument id), or None."""

    def compose(self) -> ComposeResult:
        """Title, chart and stats, status bar, footer."""
        from widgets.chart import SeriesChart

        # The range chosen last in this session (issue 17: it reset to 1Y on every open).
        self.range_key = self.range_key or self.triffin.remembered.get("series-range", "1Y")
        yield Static(id="detail-title", classes="detail-title")
        with ScrollableContainer(classes="detail-body", id="detail-body"):
            yield SeriesChart(
                id="series-chart", classes="detail-chart detail-main", ascii=self.triffin.ascii, cursor=True
            )
            yield Static(id="series-stats", classes="detail-stats")
        yield StatusBar(mode=self.triffin.monitor.status_mode, ascii=self.triffin.ascii)
        yield KeyBar()

    def on_mount(self) -> None:
        """Paint once and focus the scrollable body."""
        self._paint(chart=True)
        # The chart takes the keys: its cursor reads out date and values (left/right, h/l);
        # up/down still scroll the body (bindings pass up the focus chain).
        self.query_one("#series-chart").focus()

    def action_set_range(self, range_key: str) -> None:
        """Chart another range (remembered for the session)."""
        self.range_key = range_key
        self.triffin.remembered["series-range"] = range_key
        self._paint(chart=True)

    def action_compare(self) -> None:
        """Pick a series to overlay on the right axis from the palette; with one shown, drop it."""
        from textual.command import SimpleCommand

        if self.compare_id is not None:
            self.compare_id = None
            self._paint(chart=True)
            return
        store = self.triffin.monitor.store
        if store is None:
            return
        commands = [
            SimpleCommand(inst.name, lambda i=inst.id: self._set_compare(i), f"{inst.id} ({inst.label}), right axis")
            for inst in store.catalog.values()
            if inst.id != self.instrument_id and store.has_data(inst.id)
        ]
        self.app.search_commands(commands, placeholder="Compare with… (plotted on a right axis in its own unit)")

    def action_add_alert(self) -> None:
        """``A``: an alert rule on this series, prefilled with its id and last value."""
        from tui.screens.add_alert import AddAlertScreen, alert_prefill_value, prefill_text

        value = alert_prefill_value(self.triffin.monitor, self.instrument_id)
        self.app.push_screen(AddAlertScreen(self.instrument_id, prefill_text(self.instrument_id, value)))

    def _set_compare(self, inst_id: str) -> None:
        self.compare_id = inst_id
        self._paint(chart=True)

    def on_data(self, update: DataUpdate) -> None:
        """Repaint when this instrument changed (stats also as time passes)."""
        mine = self.instrument_id in update.changed or self.compare_id in update.changed
        if update.everything or mine or update.clock or update.status:
            self._paint(chart=update.everything or mine)

    def _paint(self, chart: bool) -> None:
        from tui import presenters
        from widgets.chart import SeriesChart

        monitor = self.triffin.monitor
        store = monitor.store
        inst_id = self.instrument_id
        title = Text()
        formula = monitor.formula(inst_id)
        if store is not None and inst_id not in store.catalog and formula is not None:
            self._paint_formula(formula, chart)
            return
        if store is None or inst_id not in store.catalog:
            title.append(f"{inst_id}: unknown instrument")
            self.query_one("#detail-title", Static).update(title)
            return
        inst = store.catalog[inst_id]
        title.append(f"{inst.name}", style="bold")
        latest = store.latest(inst_id)
        horizon = latest.horizon if latest is not None else inst.horizon
        title.append(f"  {inst_id} · {inst.label} · changes in {inst.change} over {horizon} · {inst.group_title}  ")
        if monitor.showing_demo:
            title.append(" DEMO — synthetic ", style="bold reverse")
            title.append("  ")
        title.append_text(range_strip(self.range_key))
        self.query_one("#detail-title", Static).update(title)
        stats = presenters.series_stats(store, inst_id, self.range_key, monitor.today, monitor.now())
        rows = [(s.label, s.value) for s in stats]
        parts: list[RenderableType] = [stats_table(rows)]
        latest = store.latest(inst_id)
        if latest is not None:  # the credit line the source's terms ask for, next to its data
            from datafeed.providers import credit_for

            if credit := credit_for(latest.source):
                parts.append(Text("\n" + credit, style="italic"))
        self.query_one("#series-stats", Static).update(Group(*parts))
        if chart:
            data = presenters.series_chart(inst, store.series(inst_id), self.range_key)
            compare = self.compare_id
            if compare is not None and compare in store.catalog:
                data = presenters.with_comparison(data, store.catalog[compare], store.series(compare), self.range_key)
            self.query_one("#series-chart", SeriesChart).set_data(data)

    def _paint_formula(self, formula: Formula, chart: bool) -> None:
        """A formula row's drill-down: its expression, values, inputs and chart."""
        from tui import presenters
        from widgets.chart import SeriesChart

        monitor = self.triffin.monitor
        assert monitor.store is not None
        title = Text()
        title.append(formula.label, style="bold")
        unit = f" · {formula.unit}" if formula.unit else ""
        title.append(f"  {formula.id} · formula{unit} · {presenters.FORMULA_GROUP}  ")
        if monitor.showing_demo:
            title.append(" DEMO — synthetic ", style="bold reverse")
            title.append("  ")
        title.append_text(range_strip(self.range_key))
        self.query_one("#detail-title", Static).update(title)
        series = self._series()
        error = monitor.formula_errors.get(formula.id)
        stats = presenters.formula_stats(formula, series, self.range_key, monitor.store, error)
        self.query_one("#series-stats", Static).update(stats_table([(s.label, s.value) for s in stats]))
        if chart:
            self.query_one("#series-chart", SeriesChart).set_data(
                presenters.formula_chart(formula, series, self.range_key)
            )

    def _series(self) -> pd.Series:
        """The whole series on screen (instrument or formula; empty when unknown)."""
        import pandas as pd

        monitor = self.triffin.monitor
        store = monitor.store
        if store is not None and self.instrument_id in store.catalog:
            return store.series(self.instrument_id)
        kept = monitor.formula_values.get(self.instrument_id)
        memo = self._formula_memo
        if memo is not None and memo[0] is kept:  # evaluated again only when its value moved
            return memo[1]
        values = monitor.formula_history(self.instrument_id)
        if values is None:
            values = pd.Series([], index=pd.DatetimeIndex([]), dtype="float64")
        self._formula_memo = (kept, values)
        return values

    def view_data(self) -> tuple[str, pd.DataFrame]:
        """(file name part, frame): the chart's range of the series as a ``date`` + id frame (``s``)."""
        from tui.presenters import range_slice

        part = range_slice(self._series().dropna(), self.range_key)
        frame = part.rename(self.instrument_id).to_frame()
        return f"series-{self.instrument_id}-{self.range_key.lower()}", frame
