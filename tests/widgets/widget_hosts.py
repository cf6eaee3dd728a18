"""Host app and fixed sample data for the widget tests.

``WidgetHost`` yields only the widget under test, registers triffin's themes and supplies
the app theme variables, as ``tui``'s App does. None of our widgets has a blinking cursor
(the row / cell cursor is a static highlight), so there is no blink to switch off; the
host turns animations off (``animation_level = "none"``) so scrolling is immediate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.dom import DOMNode
from textual.message import Message
from textual.widget import Widget

from themes import BUILTIN_THEMES, theme_variable_defaults
from widgets.chart_data import ChartData, ChartLine, ChartThreshold
from widgets.data import (
    RegimeView,
    ScoreCell,
    ScoreRow,
    SignalView,
    SourceView,
    TableRow,
)


class WidgetHost(App[None]):
    """A bare app that shows one widget and records the messages it sends."""

    TITLE = "widget host"

    def __init__(self, widget: Widget, *, theme: str = "triffin-dark", css: str = "", ascii_app: bool = False) -> None:
        """Host ``widget`` under ``theme``; ``css`` is extra app CSS; ``ascii_app`` gives the
        App the ``-ascii`` class before anything mounts (widgets read it in ``on_mount``)."""
        self.CSS = css
        super().__init__()
        if ascii_app:
            self.add_class("-ascii")
        self.animation_level = "none"
        self.widget = widget
        self.messages: list[Message] = []
        for builtin in BUILTIN_THEMES.values():
            self.register_theme(builtin)
        self.theme = theme

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """Triffin's app variables, as the real App supplies them."""
        return theme_variable_defaults(self.current_theme)

    def compose(self) -> ComposeResult:
        """Only the widget under test."""
        yield self.widget

    def record(self, message: Message) -> None:
        """``run_test(message_hook=...)`` target (a bubbling message is kept once)."""
        if not any(message is seen for seen in self.messages):
            self.messages.append(message)

    def sent(self, kind: type[Message]) -> list[Message]:
        """Recorded messages of one class."""
        return [m for m in self.messages if isinstance(m, kind)]


def spark(seed: int, n: int = 16) -> tuple[float, ...]:
    """A deterministic wiggle."""
    return tuple(float((seed * 7 + i * 3) % 11) for i in range(n))


def sample_rows(**overrides: dict[str, object]) -> list[TableRow]:
    """Twelve instruments in three groups with every status and flag.

    ``overrides`` maps a row id to field replacements.
    """
    rows = [
        TableRow("ust2y", "UST 2Y", 3.871, 3, -1.2, "bp", spark(1), "2026-11-24", "2h", "fred:DGS2", group="Rates"),
        TableRow("ust10y", "UST 10Y", 4.123, 3, 3.2, "bp", spark(2), "2026-11-24", "2h", "fred:DGS10", group="Rates"),
        TableRow(
            "ust30y",
            "UST 30Y",
            4.702,
            3,
            0.0,
            "bp",
            spark(3),
            "2026-11-21",
            "3d",
            "fred:DGS30",
            status="stale",
            late=True,
            group="Rates",
        ),
        TableRow(
            "bund10y", "Bund 10Y", 2.611, 3, -2.5, "bp", spark(4), "2026-11-24", "5h", "bundesbank:BBK01", group="Rates"
        ),
        TableRow("jgb10y", "JGB 10Y", None, 3, None, "bp", (), "", "", "mof:10Y", status="error", group="Rates"),
        TableRow(
            "usd_broad", "USD broad", 121.35, 2, 0.42, "%", spark(5), "2026-11-24", "2h", "fred:DTWEXBGS", group="FX"
        ),
        TableRow(
            "eurusd",
            "EUR/USD",
            1.0842,
            4,
            -0.31,
            "%",
            spark(6),
            "2026-11-25",
            "12m",
            "yahoo:EURUSD=X",
            intraday=True,
            group="FX",
        ),
        TableRow("usdjpy", "USD/JPY", 151.2, 2, 0.05, "%", spark(7), "2026-11-24", "2h", "fred:DEXJPUS", group="FX"),
        TableRow(
            "vix", "VIX", 18.4, 2, 1.35, "pts", spark(8), "2026-11-25", "12m", "yahoo:^VIX", intraday=True, group="Risk"
        ),
        TableRow("spx", "S&P 500", 6812.45, 2, -1.12, "%", spark(9), "2026-11-24", "2h", "fred:SP500", group="Risk"),
        TableRow(
            "ig_oas", "IG OAS", 0.82, 2, 2.0, "bp", spark(10), "2026-11-24", "2h", "fred:BAMLC0A0CM", group="Risk"
        ),
        TableRow("gold", "Gold", None, 2, None, "%", (), "", "", "", status="missing", group="Risk"),
    ]
    out = []
    for row in rows:
        if row.id in overrides:
            fields = {name: getattr(row, name) for name in row.__dataclass_fields__}
            fields.update(overrides[row.id])
            row = TableRow(**fields)  # type: ignore[arg-type]
        out.append(row)
    return out


def many_rows(n: int = 40, bump: Iterable[int] = (), delta: float = 0.5) -> list[TableRow]:
    """``n`` plain rows; rows whose index is in ``bump`` get ``delta`` added."""
    bumped = set(bump)
    return [
        TableRow(
            f"s{i:02d}",
            f"Series {i:02d}",
            100.0 + i + (delta if i in bumped else 0.0),
            2,
            0.1 * (i - n / 2),
            "%",
            spark(i),
            "2026-11-24",
            "2h",
            f"fred:S{i:02d}",
        )
        for i in range(n)
    ]


def sample_signals() -> list[SignalView]:
    """Four signals covering every verdict."""
    return [
        SignalView(
            "convenience_aaa_10y",
            "Convenience (Aaa-10Y)",
            "+62 bp",
            "eroding",
            "below its 10-year median: less convenience",
            "2026-11-20",
        ),
        SignalView(
            "stock_bond_corr_1y", "Stock-bond corr 1Y", "+0.31", "eroding", "bonds fall with stocks", "2026-11-20"
        ),
        SignalView("debt_gdp", "Debt / GDP", "99.8 %", "neutral", "between 70 and 100", "2026-07-01"),
        SignalView(
            "dollar_vix_corr_1y",
            "Dollar-VIX corr 1Y",
            "+0.35",
            "intact",
            "the dollar rises when fear rises",
            "2026-11-20",
        ),
        SignalView("ig_cushion", "IG cushion", "n/a", "n/a", "no OAS history held", ""),
    ]


REGIME = RegimeView("ERODING", 7, 10)
"""A fixed regime verdict."""


def _cells(values: Iterable[tuple[str, float | None, str, str]]) -> tuple[ScoreCell, ...]:
    return tuple(ScoreCell(check, change, unit, result) for check, change, unit, result in values)


def sample_scores(live: bool = True, live_vix: float = 9.5) -> list[ScoreRow]:
    """Three built-in episodes and (optionally) a live row."""
    rows = [
        ScoreRow(
            "gfc-2008",
            "GFC: Lehman",
            "2008-09-12",
            "2008-12-31",
            "haven",
            _cells(
                [
                    ("ust10y", -148.0, "bp", "pass"),
                    ("usd", 9.1, "%", "pass"),
                    ("ust_bund_10y", -62.0, "bp", "pass"),
                    ("vix", 25.8, "pts", "pass"),
                    ("spx", -29.4, "%", "pass"),
                    ("ig_oas", 254.0, "bp", "pass"),
                    ("gold", 4.7, "%", "pass"),
                ]
            ),
        ),
        ScoreRow(
            "covid-2020",
            "COVID dash for cash",
            "2020-03-09",
            "2020-03-18",
            "broken",
            _cells(
                [
                    ("ust10y", 64.0, "bp", "fail"),
                    ("usd", 4.2, "%", "pass"),
                    ("ust_bund_10y", 22.0, "bp", "fail"),
                    ("vix", 22.6, "pts", "pass"),
                    ("spx", -13.9, "%", "pass"),
                    ("ig_oas", 162.0, "bp", "pass"),
                    ("gold", -7.8, "%", "fail"),
                ]
            ),
        ),
        ScoreRow(
            "tariff-2025",
            "Tariff shock",
            "2025-04-02",
            "2025-04-11",
            "broken",
            _cells(
                [
                    ("ust10y", 45.0, "bp", "fail"),
                    ("usd", -2.9, "%", "fail"),
                    ("ust_bund_10y", 3.0, "bp", "flat"),
                    ("vix", 16.2, "pts", "pass"),
                    ("spx", -5.7, "%", "pass"),
                    ("ig_oas", 24.0, "bp", "pass"),
                    ("gold", None, "%", "n/a"),
                ]
            ),
        ),
    ]
    if live:
        rows.append(
            ScoreRow(
                "live",
                "Stress now",
                "2026-11-20",
                "2026-11-25",
                "mixed",
                _cells(
                    [
                        ("ust10y", -2.0, "bp", "flat"),
                        ("usd", 0.8, "%", "pass"),
                        ("ust_bund_10y", 6.0, "bp", "fail"),
                        ("vix", live_vix, "pts", "pass"),
                        ("spx", -5.2, "%", "pass"),
                        ("ig_oas", 11.0, "bp", "pass"),
                        ("gold", 1.1, "%", "pass"),
                    ]
                ),
            )
        )
    return rows


def sample_sources() -> list[SourceView]:
    """One source in every state."""
    return [
        SourceView("fred", "ok", "2m"),
        SourceView("treasury", "ok", "1h"),
        SourceView("bundesbank", "stale", "3h", "45s"),
        SourceView("boj", "error", "", "2m", "timeout"),
        SourceView("yahoo", "off"),
    ]


def lines_of(widget: Widget) -> list[str]:
    """The widget's content as plain text lines (through its own ``render_line``)."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


def spy_render_lines(widget: Widget) -> list[int]:
    """Record the ``y`` of every line Textual asks ``widget`` to render from now on."""
    calls: list[int] = []
    original: Callable[[int], object] = widget.render_line

    def render_line(y: int) -> object:
        calls.append(y)
        return original(y)

    widget.render_line = render_line  # type: ignore[method-assign]
    return calls


def desk_rows() -> list[TableRow]:
    """A trader's table: rates in %, spreads in bp, prices, with 1W / 1M / YTD changes and
    short source labels; a quarterly series whose change spans a quarter (``1Q``), a stale
    row and a failed one. Values chosen so decimals differ within a column (``3.640`` over
    ``118.45``)."""

    def row(
        ident: str,
        name: str,
        value: float | None,
        decimals: int,
        changes: tuple[float | None, float | None, float | None, float | None],
        unit: str,
        label: str,
        group: str,
        **extra: object,
    ) -> TableRow:
        change, w1, m1, ytd = changes
        return TableRow(
            ident,
            name,
            value,
            decimals,
            change,
            unit,
            spark(len(ident)) if value is not None else (),
            extra.pop("date", "2026-11-24"),  # type: ignore[arg-type]
            extra.pop("age", "2h"),  # type: ignore[arg-type]
            f"{label.lower()}:{ident}",
            group=group,
            change_1w=w1,
            change_1m=m1,
            change_ytd=ytd,
            source_label=label,
            **extra,  # type: ignore[arg-type]
        )

    return [
        row("ust3m", "UST 3M", 3.640, 3, (-0.2, -3.1, -12.0, -68.4), "bp", "UST", "Treasuries"),
        row("ust2y", "UST 2Y", 3.871, 3, (-1.2, 4.5, -8.0, -39.9), "bp", "UST", "Treasuries"),
        row("ust10y", "UST 10Y", 4.123, 3, (3.2, 11.8, 22.4, -45.1), "bp", "UST", "Treasuries"),
        row(
            "ust30y",
            "UST 30Y",
            4.702,
            3,
            (0.0, 6.0, 14.2, 9.8),
            "bp",
            "UST",
            "Treasuries",
            status="stale",
            late=True,
            date="2026-11-21",
            age="3d",
        ),
        row("s2s10s", "2s10s", 25.2, 1, (4.4, 7.3, 30.4, -5.2), "bp", "UST", "Spreads"),
        row("ust_bund_10y", "UST-Bund 10Y", 151.2, 1, (5.7, 2.1, -9.8, 24.0), "bp", "BBK", "Spreads"),
        row("bund10y", "Bund 10Y", 2.611, 3, (-2.5, 9.7, 32.2, 24.7), "bp", "BBK", "Rates abroad"),
        row(
            "jgb10y",
            "JGB 10Y",
            None,
            3,
            (None, None, None, None),
            "bp",
            "MOF",
            "Rates abroad",
            status="error",
            date="",
            age="",
        ),
        row("usd_broad", "USD broad", 118.45, 2, (0.42, -0.8, -1.94, -7.71), "%", "FRED", "FX"),
        row("eurusd", "EUR/USD", 1.0842, 4, (-0.31, 0.6, 1.1, 4.72), "%", "YAHOO", "FX", intraday=True, age="12m"),
        row("vix", "VIX", 18.4, 2, (1.35, -2.1, 3.3, 1.05), "pts", "YAHOO", "Risk", intraday=True, age="12m"),
        row("spx", "S&P 500", 6812.45, 2, (-1.12, 0.4, 2.9, 15.83), "%", "FRED", "Risk"),
        row("gold", "Gold", 2650.1, 2, (0.21, 1.7, -0.6, 27.4), "%", "FRED", "Risk"),
        row(
            "debt_gdp",
            "Debt / GDP",
            122.3,
            1,
            (1.1, None, None, 2.4),
            "pp",
            "FRED",
            "Supply",
            change_horizon="1Q",
            date="2026-07-01",
            age="146d",
        ),
    ]


DESK_CSS = """
#desk-table { height: 12; }
#desk-signals { height: 7; }
#desk-grid { height: 6; }
#desk-chart { height: 1fr; }
"""
"""Heights of the widgets of :func:`desk_widgets` (the table scrolls: a scrollbar shows)."""


def desk_widgets(*, ascii: bool | None = None) -> list[Widget]:
    """Every triffin widget with text that is not ASCII to begin with (``€STR``, ``Aaa−10Y``,
    ``−Δ10Y``, ``—``, ``→``), an error row, an ERODING signal, a broken episode, a failing
    source, and a chart with a cursor and a right-axis comparison.

    ``ascii`` is passed to every widget (None leaves them to follow the app's ``-ascii``).
    """
    from widgets.chart import SeriesChart
    from widgets.live_table import LiveTable
    from widgets.scorecard import ScorecardGrid
    from widgets.signals_panel import SignalsPanel
    from widgets.status_bar import StatusBar

    flag = {} if ascii is None else {"ascii": ascii}
    rows = [
        *desk_rows(),
        TableRow(
            "estr",
            "€STR",
            1.913,
            3,
            -0.3,
            "bp",
            spark(3),
            "2026-11-24",
            "1d",
            "ecb:ESTR",
            group="Funding",
            source_label="ECB",
        ),
    ]
    signals = [
        SignalView(
            "convenience",
            "Convenience (Aaa−10Y)",
            "+51 bp",
            "eroding",
            "Aaa−10Y vs its 10y median — below = premium fading",
            "2026-11-25",
        ),
        SignalView(
            "stock_bond", "Stock-bond corr 1Y", "+0.37", "eroding", "S&P vs −Δ10Y: bonds fall with stocks", "2026-11-19"
        ),
        SignalView(
            "dollar_vix", "Dollar-VIX corr 1Y", "+0.35", "intact", "the dollar rises when fear rises", "2026-11-20"
        ),
    ]
    chart = desk_chart_data()
    sources = [*sample_sources(), SourceView("mof", "error", "", "5m", "HTTP 503 — try later")]
    return [
        LiveTable(rows, id="desk-table", **flag),
        SignalsPanel(signals, REGIME, id="desk-signals", **flag),
        ScorecardGrid(sample_scores(), id="desk-grid", **flag),
        SeriesChart(chart, cursor=True, id="desk-chart", **flag),
        StatusBar(sources, mode="demo", id="desk-status", **flag),
    ]


def desk_chart_data() -> ChartData:
    """UST 10Y - Bund (%) against VIX on a right axis (pts), with eroding and intact
    thresholds and the COVID window; the title has non-ASCII characters (``−``, ``→``)."""
    dates = tuple(f"2020-{month:02d}-{day:02d}" for month in (2, 3, 4) for day in range(1, 29))
    n = len(dates)
    return ChartData(
        x=dates,
        lines=(
            ChartLine("UST 10Y − Bund", tuple(1.5 + math.sin(i / 9) for i in range(n))),
            ChartLine("VIX", tuple(20 + 30 * math.cos(i / 7) ** 2 for i in range(n)), axis="right"),
        ),
        thresholds=(ChartThreshold(2.2, "eroding"), ChartThreshold(0.7, "intact")),
        window=("2020-03-09", "2020-03-18"),
        title="UST−Bund 10Y → VIX",
        y_label="%",
        y_label_right="pts",
    )


def record_style_walks(monkeypatch: pytest.MonkeyPatch) -> list[DOMNode]:
    """From now on, every node whose ``rich_style`` is worked out (a walk over all its
    ancestors' styles), in order; ``monkeypatch.undo()`` stops the recording."""
    walked: list[DOMNode] = []
    original = DOMNode.rich_style.fget
    assert original is not None

    def counted(node: DOMNode) -> Style:
        walked.append(node)
        return original(node)  # type: ignore[no-any-return]

    monkeypatch.setattr(DOMNode, "rich_style", property(counted))
    return walked
