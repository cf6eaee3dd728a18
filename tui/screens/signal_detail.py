"""Provides :class:`SignalDetailScreen`: one thesis signal's history with its thresholds.

The history (``datafeed.history.signal_history``: e.g. the rolling stock-bond correlation)
is computed in a thread worker and charted with its spec's overlays (the eroding / intact
cut-offs, or the median it is judged against); keys 1–5 pick the range. The side panel
says what the number measures and the verdict rule in force, its verdict, the date it
stands for and how old that is, whether it is late or stale, notes on how it was
computed, and every input with its date and source. Everything signal-specific comes from
the signal's spec; this screen has no per-signal branches.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from tui.screens.base import DetailScreen, KeyBar
from tui.screens.series_detail import RANGE_KEYS, range_strip, stats_table
from widgets.status_bar import StatusBar

if TYPE_CHECKING:
    import pandas as pd

    from datafeed.signals import SignalResult
    from tui.messages import DataUpdate


class SignalDetailScreen(DetailScreen):
    """One signal: its history charted with thresholds, and how it was computed."""

    BINDING_GROUP_TITLE = "Signal"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            key,
            f"set_range('{label}')",
            label,
            id=f"signal-range-{label.lower()}",
            show=False,
            tooltip=f"Chart the last {label}",
        )
        for key, label in RANGE_KEYS
    ]
    """1–5: chart range."""

    def __init__(self, signal_id: str, range_key: str = "5Y") -> None:
        super().__init__(classes="signal-detail")
        self.signal_id = signal_id
        self.range_key = range_key
        self.history: pd.Series | None = None
        """The signal's history (a pandas Series) once computed."""

    def compose(self) -> ComposeResult:
        """Title, chart and details, status bar, footer."""
        from widgets.chart import SeriesChart

        yield Static(id="detail-title", classes="detail-title")
        with ScrollableContainer(classes="detail-body", id="detail-body"):
            yield SeriesChart(id="signal-chart", classes="detail-chart detail-main", ascii=self.triffin.ascii)
            yield Static(id="signal-stats", classes="detail-stats")
        yield StatusBar(mode=self.triffin.monitor.status_mode, ascii=self.triffin.ascii)
        yield KeyBar()

    def on_mount(self) -> None:
        """Paint the details, start the history computation, focus the body."""
        self._paint()
        self._start_history()
        self.query_one("#detail-body").focus()

    def action_set_range(self, range_key: str) -> None:
        """Chart another range of the history."""
        self.range_key = range_key
        self._paint()
        self._paint_chart()

    def on_data(self, update: DataUpdate) -> None:
        """Recompute when an input of this signal changed."""
        from datafeed.signals import dependencies

        if update.metrics or update.status or update.clock:
            self._paint()
        if update.everything or (update.changed & dependencies().get(self.signal_id, frozenset())):
            self._start_history()

    def _start_history(self) -> None:
        store = self.triffin.monitor.store
        if store is None:
            return
        self._compute_history(self.triffin.monitor.series_snapshot())

    @work(thread=True, exclusive=True, group="signal-history", exit_on_error=False, description="signal history")
    def _compute_history(self, series: dict[str, pd.Series]) -> pd.Series:
        from datafeed.history import signal_history

        return signal_history(series, self.signal_id, self.triffin.monitor.thresholds)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Chart the history when it arrives."""
        if event.worker.group == "signal-history" and event.state is WorkerState.SUCCESS:
            self.history = event.worker.result
            self._paint_chart()

    def view_data(self) -> tuple[str, pd.DataFrame | None]:
        """(file name part, frame): the signal's whole history (``s``); None until computed."""
        if self.history is None:
            return f"signal-{self.signal_id}", None
        return f"signal-{self.signal_id}", self.history.dropna().rename(self.signal_id).to_frame()

    def _paint_chart(self) -> None:
        from tui.presenters import signal_chart
        from widgets.chart import SeriesChart

        if self.history is None:
            return
        data = signal_chart(self.signal_id, self.history, self.range_key, self.triffin.monitor.thresholds)
        self.query_one("#signal-chart", SeriesChart).set_data(data)

    def _paint(self) -> None:
        from datafeed.signals import SIGNALS, resolve_thresholds
        from tui.presenters import input_status, signal_value_text
        from tui.rows import format_age
        from widgets.signals_panel import verdict_text

        app = self.triffin.monitor
        spec = SIGNALS.get(self.signal_id)
        title = Text()
        if spec is None:
            self.query_one("#detail-title", Static).update(f"{self.signal_id}: unknown signal")
            return
        result = app.metrics.signals.get(self.signal_id) if app.metrics is not None else None
        title.append(spec.name, style="bold")
        if result is not None:
            title.append(f"  {signal_value_text(result)}  ")
            title.append(f" {verdict_text(result.verdict)} ", style="bold reverse")
            title.append(f"  as of {result.date or '—'}  ")
            if result.stale:
                title.append(" STALE ", style="bold reverse")
                title.append("  ")
        if app.showing_demo:
            title.append(" DEMO — synthetic ", style="bold reverse")
            title.append("  ")
        title.append_text(range_strip(self.range_key))
        self.query_one("#detail-title", Static).update(title)

        th = resolve_thresholds(app.thresholds).signal(self.signal_id)
        rows: list[tuple[str, str]] = []
        if result is not None:
            rows.append(("value", signal_value_text(result)))
            rows.append(("verdict", verdict_text(result.verdict)))
            rows.append(("date", result.date.isoformat() if result.date else "—"))
            rows.extend(_freshness_rows(result))
        rows.append(("thresholds", spec.rule(th)))
        judged = spec.judged_text(th)
        if judged:
            rows.append(("judged on", judged))
        if result is not None and result.reason:
            rows.append(("notes", result.reason))
        if result is not None:
            for key, value in result.extra.items():
                rows.append((key.replace("_", " "), _fmt(value)))
        store = app.store
        if store is not None:
            for inst_id in spec.inputs:
                latest = store.latest(inst_id)
                if latest is None:
                    rows.append((inst_id, "no data"))
                    continue
                age = f"{max((app.today - latest.date).days, 0)}d"
                if latest.intraday and latest.time is not None:
                    age = format_age((app.now() - latest.time).total_seconds())
                status = input_status(store, inst_id, app.today)
                rows.append((inst_id, f"{latest.date} ({age}) {latest.source} {status}"))
        explanation = result.explanation if result is not None else spec.explanation(th)
        parts: list[RenderableType] = [Text(explanation + "\n", style="italic"), stats_table(rows)]
        if spec.note:
            parts.append(Text("\n" + spec.note))
        if store is not None:  # the credit line a source's terms ask for, next to its data
            from datafeed.providers import credit_for

            for inst_id in spec.inputs:
                latest = store.latest(inst_id)
                credit = credit_for(latest.source) if latest is not None else ""
                if credit and inst_id in store.catalog:
                    parts.append(Text(f"\n{store.catalog[inst_id].name}: {credit}", style="italic"))
        self.query_one("#signal-stats", Static).update(Group(*parts))


def _freshness_rows(result: SignalResult) -> list[tuple[str, str]]:
    """How old the evidence is: age in business days, late inputs, stale."""
    rows: list[tuple[str, str]] = []
    if result.age is not None:
        days = "business day" if result.age == 1 else "business days"
        rows.append(("age", f"{result.age} {days} ({result.frequency})"))
    if result.late:
        rows.append(("late", "yes: " + ", ".join(result.late_inputs) + " behind the usual publication lag"))
    if result.stale:
        rows.append(("stale", "yes: too old to count in the regime"))
    return rows


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:,.4g}"
    return str(value)
