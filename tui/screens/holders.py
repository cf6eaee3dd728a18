"""Provides :class:`HoldersScreen`: who holds Treasuries abroad, and what foreign officials keep at the Fed.

The TIC major foreign holders kept as instruments (largest first), the foreign total and the
foreign official sector, each with its month, level, 1- and 12-month change (USD bn) and the
last 24 months as a sparkline; below, the weekly custody holdings of the New York Fed for
foreign official and international accounts, charted. Enter on a row opens that series'
drill-down (every range, stats and provenance).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from tui.safe_text import plain
from tui.screens.auctions import Body
from tui.screens.base import DetailScreen, KeyBar
from widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui.demand_views import HolderRow
    from tui.messages import DataUpdate

HOLDER_IDS = ("tic_total", "tic_official", "custody_official")


def _change(value: float | None, ascii: bool) -> Text:
    if value is None:
        return Text("–" if not ascii else "-")
    mark = ("^" if ascii else "▲") if value > 0 else ("v" if ascii else "▼") if value < 0 else "="
    return Text(f"{mark}{value:+,.1f}", style="green" if value > 0 else "red" if value < 0 else "")


def holders_table(rows: list[HolderRow], cursor: int, ascii: bool, narrow: bool) -> Table:
    """The holders as one table, the cursor row marked (▶ and reverse video)."""
    from widgets.sparkline import sparkline

    table = Table(box=None, padding=(0, 1), header_style="bold", expand=False)
    columns = [(" ", "left"), ("Holder", "left"), ("Month", "left"), ("USD bn", "right"), ("1M", "right")]
    months = 12 if narrow else 24  # the sparkline keeps the newest ``months`` values
    columns += [("12M", "right"), (f"{months} months", "left")]
    if not narrow:
        columns.append(("Source", "left"))
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for i, row in enumerate(rows):
        selected = i == cursor
        month = row.date.strftime("%Y-%m") if row.date else "—"
        if row.late:
            month += " late"
        cells: list[Text | str] = [
            (">" if ascii else "▶") if selected else " ",
            plain(row.name, 18),
            month,
            "–" if row.value is None else f"{row.value:,.1f}",
            _change(row.change_1m, ascii),
            _change(row.change_12m, ascii),
            sparkline(row.history, months, ascii=ascii),
        ]
        if not narrow:
            cells.append(plain(row.source, 24))
        table.add_row(*cells, style="reverse" if selected else "")
    return table


class HoldersScreen(DetailScreen):
    """TIC holders with their changes and sparklines; the custody holdings weekly, charted."""

    BINDING_GROUP_TITLE = "Holders"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "move(1)", "Down", show=False, id="holders-down"),
        Binding("up,k", "move(-1)", "Up", show=False, id="holders-up"),
        Binding("enter", "open", "Open series", id="holders-open", tooltip="Chart this holder's series"),
        Binding("c", "open_custody", "Custody", id="holders-custody", tooltip="Chart the custody holdings"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="holders")
        self.cursor = 0
        self.rows: list[HolderRow] = []

    def compose(self) -> ComposeResult:
        """Title, the table, the custody chart, status bar, keys."""
        from widgets.chart import SeriesChart

        yield Static(id="detail-title", classes="detail-title")
        with Body(id="holders-body"):
            yield Static(id="holders-table")
            yield Static(id="custody-line", classes="detail-note")
            yield SeriesChart(id="custody-chart", classes="crisis-chart", ascii=self.triffin.ascii)
        yield StatusBar(mode=self.triffin.monitor.status_mode, ascii=self.triffin.ascii)
        yield KeyBar()

    def on_mount(self) -> None:
        """Paint once."""
        super().on_mount()
        self._paint(chart=True)

    def on_data(self, update: DataUpdate) -> None:
        """Repaint when a holder or the custody level changed."""
        mine = update.everything or any(i.startswith("tic_") or i in HOLDER_IDS for i in update.changed)
        if mine or update.status or update.clock:
            self._paint(chart=update.everything or "custody_official" in update.changed)

    def action_move(self, delta: int) -> None:
        """Move the row cursor."""
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))
            self._paint(chart=False, reload=False)

    def action_open(self) -> None:
        """The selected holder's series drill-down."""
        if self.rows:
            self._open(self.rows[self.cursor].id)

    def action_open_custody(self) -> None:
        """The custody holdings' series drill-down."""
        self._open("custody_official")

    def _open(self, inst_id: str) -> None:
        from tui.screens.series_detail import SeriesDetailScreen

        self.app.push_screen(SeriesDetailScreen(inst_id, "5Y"))

    def _paint(self, chart: bool, reload: bool = True) -> None:
        from tui.demand_views import custody_chart, holder_rows
        from widgets.chart import SeriesChart

        monitor = self.triffin.monitor
        ascii = self.triffin.ascii
        store = monitor.store
        if reload:
            self.rows = holder_rows(store, monitor.today)
            self.cursor = min(self.cursor, max(len(self.rows) - 1, 0))
        title = Text()
        title.append("Foreign holders of Treasuries", style="bold")
        title.append("  TIC major foreign holders, USD bn, end of month  ")
        if monitor.showing_demo:
            title.append(" DEMO — synthetic ", style="bold reverse")
        self.query_one("#detail-title", Static).update(title)
        narrow = self.size.width < 100
        table = self.query_one("#holders-table", Static)
        if any(r.value is not None for r in self.rows):
            table.update(holders_table(self.rows, self.cursor, ascii, narrow))
        else:
            table.update(self._empty_reason())
        self.query_one("#custody-line", Static).update(plain(self._custody_line(), None))
        if chart:
            self.query_one("#custody-chart", SeriesChart).set_data(custody_chart(store))

    def _empty_reason(self) -> str:
        """Why the table is empty: the source is off (no refresh will bring anything), or its
        first answer is still to come."""
        monitor = self.triffin.monitor
        if not monitor.showing_demo and not monitor.source_enabled("tic"):
            return "No TIC holdings: the TIC source is off ([sources.tic] enabled = false)."
        return "No TIC holdings held yet ([sources.tic]); they arrive with the next refresh."

    def _custody_line(self) -> str:
        store = self.triffin.monitor.store
        if store is None or "custody_official" not in store.catalog:
            return ""
        latest = store.latest("custody_official")
        if latest is None:
            error = store.state["custody_official"].last_error
            return "Custody (H.4.1): not held" + (f" ({error})" if error else "")
        return (
            f"Custody for foreign official accounts (H.4.1, Wednesday): {latest.value:,.1f} USD bn "
            f"on {latest.date.isoformat()} · {latest.source} · c charts it"
        )

    def view_data(self) -> tuple[str, tuple[tuple[str, ...], list[list[object]]]]:
        """(file name part, (header, rows)): the table as CSV for ``s``."""
        from tui.demand_views import HOLDER_HEADER, holder_csv_rows

        return "holders", (HOLDER_HEADER, holder_csv_rows(self.rows))


__all__ = ["HoldersScreen", "holders_table"]
