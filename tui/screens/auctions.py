"""Provides :class:`AuctionsScreen` (the newest auction of every security line) and
:class:`AuctionLineScreen` (one line's metrics charted over time).

Each metric is marked against the mean of the same line's auctions in the two years before
(▲ above, ▼ below), so a weak 10-year auction reads as weak for a 10-year. "High − median" is
the high yield minus the median accepted yield: no keyless source publishes the when-issued
yield a market tail needs, and the column says what it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.safe_text import plain
from tui.screens.base import DetailScreen, KeyBar
from widgets.status_bar import StatusBar

if TYPE_CHECKING:
    import pandas as pd

    from tui.demand_views import AuctionRow, Metric
    from tui.messages import DataUpdate

MARK_STYLE = {"▲": "green", "▼": "red"}
_ASCII_MARKS = str.maketrans({"▲": "^", "▼": "v"})


class Body(VerticalScroll, can_focus=False):
    """A scrolling body that leaves the arrow keys to the screen's row cursor."""


def _cell(metric: Metric, decimals: int, ascii: bool) -> Text:
    if metric.value is None:
        return Text("–" if not ascii else "-")
    text = Text(f"{metric.value:.{decimals}f}")
    mark = metric.mark
    if mark:
        text.append(mark.translate(_ASCII_MARKS) if ascii else mark, style=MARK_STYLE.get(mark, ""))
    return text


def line_label(row: AuctionRow) -> str:
    """``10Y``, ``10Y r`` (a reopening), ``TIPS 10Y``, ``FRN 2Y``, ``13W``, ``CMB 42D``."""
    tenor = row.line.removeprefix("tips").removeprefix("frn").removeprefix("cmb").upper()
    prefix = {"TIPS": "TIPS ", "FRN": "FRN ", "CMB": "CMB "}.get(row.kind, "")
    return f"{prefix}{tenor}" + (" r" if row.reopening else "")


def auctions_table(rows: list[AuctionRow], cursor: int, ascii: bool) -> Table:
    """The rows as one table, the cursor row marked (▶ and reverse video, readable without colour)."""
    table = Table(box=None, padding=(0, 1), header_style="bold", expand=False)
    for name, justify in (
        (" ", "left"),
        ("Date", "left"),
        ("Line", "left"),
        ("High", "right"),
        ("BtC", "right"),
        ("Ind%", "right"),
        ("Dir%", "right"),
        ("Dlr%", "right"),
        ("Hi−Med" if not ascii else "Hi-Med", "right"),
    ):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for i, row in enumerate(rows):
        selected = i == cursor
        table.add_row(
            (">" if ascii else "▶") if selected else " ",
            row.date.isoformat(),
            plain(line_label(row), 12),
            _cell(row.high, 3, ascii),
            _cell(row.bid_to_cover, 2, ascii),
            _cell(row.indirect, 1, ascii),
            _cell(row.direct, 1, ascii),
            _cell(row.dealer, 1, ascii),
            _cell(row.high_minus_median, 1, ascii),
            style="reverse" if selected else "",
        )
    return table


class AuctionsScreen(DetailScreen):
    """The newest auction of every line: high rate, bid-to-cover, bidder shares, high − median."""

    BINDING_GROUP_TITLE = "Auctions"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "move(1)", "Down", show=False, id="auctions-down"),
        Binding("up,k", "move(-1)", "Up", show=False, id="auctions-up"),
        Binding("enter", "open", "Chart line", id="auctions-open", tooltip="Chart this line's auctions over time"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="auctions")
        self.cursor = 0
        self.rows: list[AuctionRow] = []

    def compose(self) -> ComposeResult:
        """Title, the table and its legend, status bar, keys."""
        yield Static(id="detail-title", classes="detail-title")
        with Body(id="auctions-body"):
            yield Static(id="auctions-table")
            yield Static(id="auctions-note", classes="detail-note")
        yield StatusBar(mode=self.triffin.monitor.status_mode, ascii=self.triffin.ascii)
        yield KeyBar()

    def on_mount(self) -> None:
        """Paint once."""
        super().on_mount()
        self._paint()

    def on_data(self, update: DataUpdate) -> None:
        """Repaint when the auction book (or the store shown) changed."""
        if update.everything or update.auctions or update.status:
            self._paint()

    def action_move(self, delta: int) -> None:
        """Move the row cursor."""
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))
            self._paint(reload=False)

    def action_open(self) -> None:
        """Chart the selected line."""
        if self.rows:
            row = self.rows[self.cursor]
            self.app.push_screen(AuctionLineScreen(row.line, line_label(row).removesuffix(" r")))

    def _paint(self, reload: bool = True) -> None:
        from tui.demand_views import auction_rows

        monitor = self.triffin.monitor
        ascii = self.triffin.ascii
        book = monitor.book
        if reload:
            self.rows = auction_rows(book)
            self.cursor = min(self.cursor, max(len(self.rows) - 1, 0))
        title = Text()
        title.append("Treasury auctions", style="bold")
        title.append("  newest per line, vs its 2-year mean ")
        title.append("▲▼" if not ascii else "^v")
        if monitor.showing_demo:
            title.append("  ")
            title.append(" DEMO — synthetic ", style="bold reverse")
        title.append("\n")
        title.append_text(plain(self._provenance(), None))
        self.query_one("#detail-title", Static).update(title)
        table = self.query_one("#auctions-table", Static)
        if not self.rows:
            table.update(plain(self._empty_reason(), None))
        else:
            table.update(auctions_table(self.rows, self.cursor, ascii))
        self.query_one("#auctions-note", Static).update(
            "High: high yield (bills: investment rate, FRNs: discount margin). BtC: bid-to-cover. "
            "Ind/Dir/Dlr: indirect, direct, dealer share of competitive accepted. Hi−Med: high minus "
            "median accepted, bp (not the when-issued tail). Enter charts a line."
        )

    def _provenance(self) -> str:
        monitor = self.triffin.monitor
        book = monitor.book
        if book is None:
            return "no auction book in this run"
        parts = [f"{len(book)} auctions held"]
        late = False
        if book.newest_date is not None:
            from datafeed.demand.report import auctions_late
            from datafeed.market_calendar import business_days_between

            newest = book.newest_date
            late = auctions_late(book, monitor.today)
            age = business_days_between(newest, monitor.today, "us")
            # The newest auction's age beside its date: "fresh" alone said a 2014 book was current.
            parts.append(f"newest {newest.isoformat()}" + (f" (LATE: {age:,} business days old)" if late else ""))
        if book.last_source:
            parts.append(f"source {book.last_source}")
        feed = monitor.auction_feed
        if feed is not None and not monitor.showing_demo:
            state = feed.state
            # The fetch's result in words that cannot read as "the data is current".
            parts.append(
                f"fetch ok{', data LATE' if late else ''}" if state.status.value == "fresh" else state.status.value
            )
            if state.last_error:
                parts.append(f"last error: {state.last_error}")
        return " · ".join(parts)

    def _empty_reason(self) -> str:
        monitor = self.triffin.monitor
        feed = monitor.auction_feed
        if feed is not None and not feed.enabled:
            return "No auction source is enabled ([sources.treasurydirect], [sources.fiscaldata])."
        if feed is not None and feed.state.last_error:
            return f"No auctions held: {feed.state.last_error}"
        return "No auctions held yet: the first refresh of TreasuryDirect is under way."

    def view_data(self) -> tuple[str, tuple[tuple[str, ...], list[list[object]]]]:
        """(file name part, (header, rows)): the table as CSV for ``s``."""
        from tui.demand_views import AUCTION_HEADER, auction_csv_rows

        return "auctions", (AUCTION_HEADER, auction_csv_rows(self.rows))


class AuctionLineScreen(DetailScreen):
    """One security line's auctions: every metric charted with the mean of the two years before."""

    BINDING_GROUP_TITLE = "Auction line"

    def __init__(self, line: str, label: str) -> None:
        super().__init__(classes="auction-line")
        self.line = line
        self.label = label

    def compose(self) -> ComposeResult:
        """Title, one chart per metric, status bar, keys."""
        from tui.demand_views import LINE_METRICS
        from widgets.chart import SeriesChart

        yield Static(id="detail-title", classes="detail-title")
        with VerticalScroll(id="line-charts", classes="crisis-charts"):
            for measure, _title, _unit in LINE_METRICS:
                yield SeriesChart(id=f"chart-{measure}", classes="crisis-chart", ascii=self.triffin.ascii)
        yield StatusBar(mode=self.triffin.monitor.status_mode, ascii=self.triffin.ascii)
        yield KeyBar()

    def on_mount(self) -> None:
        """Paint once and focus the charts (arrows scroll them)."""
        super().on_mount()
        self._paint()
        self.query_one("#line-charts").focus()

    def on_data(self, update: DataUpdate) -> None:
        """Repaint when the book changed."""
        if update.everything or update.auctions:
            self._paint()

    def _series(self) -> dict[str, pd.Series]:
        from tui.demand_views import line_series

        return line_series(self.triffin.monitor.book, self.line)

    def _paint(self) -> None:
        from tui.demand_views import LINE_METRICS, line_chart
        from widgets.chart import SeriesChart

        monitor = self.triffin.monitor
        series = self._series()
        title = Text()
        title.append(f"{self.label} auctions", style="bold")
        count = max((len(s) for s in series.values()), default=0)
        title.append(f"  {count} held · each metric vs the mean of the 2 years before  ")
        if monitor.showing_demo:
            title.append(" DEMO — synthetic ", style="bold reverse")
        self.query_one("#detail-title", Static).update(title)
        for measure, name, unit in LINE_METRICS:
            chart = self.query_one(f"#chart-{measure}", SeriesChart)
            values = series.get(measure)
            chart.border_title = name
            chart.set_data(None if values is None or values.empty else line_chart(values, name, unit))
            chart.display = values is not None and not values.empty

    def view_data(self) -> tuple[str, pd.DataFrame]:
        """(file name part, frame): every metric of the line on its auction days (``s``)."""
        import pandas as pd

        series = self._series()
        frame = pd.DataFrame({f"auction_{m}_{self.line}": s for m, s in series.items()})
        return f"auctions-{self.line}", frame


__all__ = ["AuctionLineScreen", "AuctionsScreen", "auctions_table", "line_label"]
