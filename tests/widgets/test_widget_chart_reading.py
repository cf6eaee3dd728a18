"""SeriesChart read by a trader: legend outside, round ticks, zero line, thresholds in their
own colours, last values at the right edge, a cursor read-out, a right-axis comparison."""

from __future__ import annotations

import math
import re

import pytest
from rich.segment import Segment
from textual.color import Color
from widget_hosts import WidgetHost

from widgets.chart import SeriesChart, format_number, nice_ticks
from widgets.chart_data import ChartData, ChartLine, ChartThreshold

DATES = tuple(f"2020-{month:02d}-{day:02d}" for month in (2, 3, 4) for day in range(1, 29))
N = len(DATES)


def _corr() -> ChartData:
    """A correlation crossing zero, with an eroding and an intact threshold."""
    return ChartData(
        x=DATES,
        lines=(ChartLine("Stock-bond corr", tuple(-0.35 + 0.7 * i / (N - 1) for i in range(N))),),
        thresholds=(ChartThreshold(0.2, "eroding"), ChartThreshold(-0.2, "intact")),
        title="Stock-bond corr 1Y",
        y_label="corr",
    )


def _compare() -> ChartData:
    """UST 10Y in % with VIX in points on the right axis (a gap in VIX)."""
    return ChartData(
        x=DATES,
        lines=(
            ChartLine("UST 10Y", tuple(1.5 + math.sin(i / 9) for i in range(N))),
            ChartLine(
                "VIX", tuple(None if i == 40 else 20 + 30 * math.cos(i / 7) ** 2 for i in range(N)), axis="right"
            ),
        ),
        title="UST 10Y vs VIX",
        y_label="%",
        y_label_right="pts",
    )


def _lines(chart: SeriesChart) -> list[str]:
    return [chart.render_line(y).text for y in range(chart.size.height)]


def _canvas_rows(lines: list[str]) -> tuple[int, int]:
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    return top + 1, bottom - 1


def _left_ticks(lines: list[str]) -> dict[int, float]:
    """Row -> value of every left-axis tick label (``2.5┤``)."""
    out = {}
    for row, line in enumerate(lines):
        match = re.match(r"\s*(-?[\d,]+(?:\.\d+)?)┤", line)
        if match:
            out[row] = float(match.group(1).replace(",", ""))
    return out


def _readout(chart: SeriesChart) -> str:
    return next(line for line in _lines(chart) if line.startswith(("last ", "at ")))


def _segments_with(chart: SeriesChart, row: int, text: str) -> list[Segment]:
    return [s for s in chart.render_line(row) if text in s.text]


def test_nice_ticks_are_1_2_5_steps() -> None:
    # The axis: 38.3 22.1 5.9 -10.3 becomes round steps covering the same range.
    ticks, decimals = nice_ticks(-10.3, 38.3, 4)
    assert ticks == [-20.0, 0.0, 20.0, 40.0] and decimals == 0
    assert nice_ticks(0.0, 2.5, 6) == ([0.0, 0.5, 1.0, 1.5, 2.0, 2.5], 1)
    assert nice_ticks(-0.35, 0.35, 5) == ([-0.4, -0.2, 0.0, 0.2, 0.4], 1)
    assert nice_ticks(4.1, 4.1, 5)[0][0] <= 4.1 <= nice_ticks(4.1, 4.1, 5)[0][-1]
    for low, high in ((0.013, 0.092), (3.2, 5.9), (-812.0, 15000.0), (99.1, 99.4)):
        ticks, _ = nice_ticks(low, high, 5)
        steps = {round(b - a, 10) for a, b in zip(ticks, ticks[1:], strict=False)}
        assert len(steps) == 1
        mantissa = steps.pop() / 10 ** math.floor(math.log10(ticks[1] - ticks[0]))
        assert round(mantissa, 6) in (1.0, 2.0, 5.0)
        assert ticks[0] <= low and ticks[-1] >= high
    assert format_number(-0.0001, 2) == "0.00" and format_number(15000, 0) == "15,000"


async def test_legend_and_title_sit_above_the_plot_and_ticks_are_round() -> None:
    chart = SeriesChart(_corr())
    async with WidgetHost(chart).run_test(size=(100, 24)):
        lines = _lines(chart)
        top, bottom = _canvas_rows(lines)
        legend_row = next(i for i, line in enumerate(lines) if "Stock-bond corr" in line and "eroding" in line)
        assert legend_row < top - 1
        assert lines[0].startswith("Stock-bond corr 1Y (corr)")
        for row in range(top, bottom + 1):
            assert "Stock-bond corr" not in lines[row]  # no legend over the data
        ticks = _left_ticks(lines)
        values = [ticks[row] for row in sorted(ticks)]
        assert values == [0.4, 0.2, 0.0, -0.2, -0.4]


async def test_zero_line_only_where_zero_is_in_range() -> None:
    crossing = ChartData(x=DATES, lines=(ChartLine("spread", tuple(-5.0 + 10.0 * i / (N - 1) for i in range(N))),))
    chart = SeriesChart(crossing)
    async with WidgetHost(chart).run_test(size=(90, 22)) as pilot:
        lines = _lines(chart)
        zero_row = next(row for row, value in _left_ticks(lines).items() if value == 0)
        assert lines[zero_row].count("·") > 20
        chart.set_data(ChartData(x=DATES, lines=(ChartLine("yield", tuple(3.0 + i / N for i in range(N))),)))
        await pilot.pause()
        assert all(line.count("·") < 3 for line in _lines(chart))


async def test_thresholds_have_distinct_theme_colours_and_labels_on_their_rows() -> None:
    chart = SeriesChart(_corr())
    app = WidgetHost(chart)
    async with app.run_test(size=(100, 24)):
        lines = _lines(chart)
        ticks = {value: row for row, value in _left_ticks(lines).items()}
        eroding_row, intact_row = ticks[0.2], ticks[-0.2]
        assert lines[eroding_row].rstrip().endswith("eroding 0.20") and lines[eroding_row].count("━") > 20
        assert lines[intact_row].rstrip().endswith("intact -0.20") and lines[intact_row].count("┄") > 20
        colours = {}
        for kind, row, glyph in (("eroding", eroding_row, "━"), ("intact", intact_row, "┄")):
            segment = _segments_with(chart, row, glyph)[0]
            assert segment.style is not None and segment.style.color is not None
            colours[kind] = Color.from_rich_color(segment.style.color)
            assert colours[kind] == Color.parse(app.theme_variables[f"chart-{kind}"])
        assert colours["eroding"] != colours["intact"]


async def test_the_last_value_is_labelled_at_the_right_edge_on_its_row() -> None:
    chart = SeriesChart(_compare())
    async with WidgetHost(chart).run_test(size=(100, 26)):
        lines = _lines(chart)
        last_ust = 1.5 + math.sin((N - 1) / 9)
        ticks = _left_ticks(lines)
        rows = sorted(ticks)
        # The row whose tick range contains the last value carries its label at the end.
        labelled = next(row for row, line in enumerate(lines) if line.rstrip().endswith(f"⣀ {last_ust:.2f}"))
        per_row = (ticks[rows[0]] - ticks[rows[-1]]) / (rows[-1] - rows[0])
        expected = rows[0] + (ticks[rows[0]] - last_ust) / per_row
        assert abs(labelled - expected) <= 1.0


async def test_cursor_keys_read_out_every_series_without_rebuilding() -> None:
    chart = SeriesChart(_compare(), cursor=True)
    app = WidgetHost(chart)
    async with app.run_test(size=(100, 26), message_hook=app.record) as pilot:
        await pilot.pause()
        builds = chart.builds
        readout = _readout(chart)
        assert readout.startswith("last 2020-04-28") and "UST 10Y" in readout and "VIX (R)" in readout
        chart.focus()
        await pilot.press("left")
        assert chart.cursor_index == N - 2
        await pilot.press("h", "h", "right", "l", "l")
        assert chart.cursor_index == N - 1
        await pilot.press("home")
        assert chart.cursor_index == 0
        readout = _readout(chart)
        assert readout.startswith("at 2020-02-01")
        assert f"UST 10Y {1.5:.2f}" in readout and f"VIX (R) {50.0:.1f}" in readout
        chart.set_cursor(40)  # VIX has a gap there
        await pilot.pause()
        assert "VIX (R) n/a" in _readout(chart) and DATES[40] in _readout(chart)
        # The cursor line is drawn on the canvas, where the points are blank.
        lines = _lines(chart)
        top, bottom = _canvas_rows(lines)
        column = {line.find("┊") for line in lines[top : bottom + 1] if "┊" in line}
        assert len(column) == 1
        assert chart.builds == builds  # moving the cursor never rebuilt the plot
        moves = [m.index for m in app.sent(SeriesChart.CursorMoved)]
        assert moves[:2] == [N - 2, N - 3] and moves[-1] == 40


async def test_mouse_hover_moves_the_cursor_to_the_nearest_point() -> None:
    chart = SeriesChart(_compare(), cursor=True)
    async with WidgetHost(chart).run_test(size=(100, 26)) as pilot:
        await pilot.pause()
        lines = _lines(chart)
        top, bottom = _canvas_rows(lines)
        left = lines[top - 1].index("┌") + 1
        right = lines[top - 1].index("┐") - 1
        await pilot.hover(SeriesChart, offset=(left, top + 2))
        assert chart.cursor_index == 0
        await pilot.hover(SeriesChart, offset=(right, top + 2))
        assert chart.cursor_index == N - 1
        await pilot.hover(SeriesChart, offset=((left + right) // 2, top + 2))
        assert chart.cursor_index is not None and abs(chart.cursor_index - (N - 1) / 2) <= 1


async def test_comparison_series_gets_its_own_right_axis_with_round_ticks() -> None:
    chart = SeriesChart(_compare())
    async with WidgetHost(chart).run_test(size=(100, 26)):
        lines = _lines(chart)
        assert "VIX (right axis, pts)" in "\n".join(lines[:2])
        right = [float(m.group(1)) for line in lines if (m := re.search(r"├(\d+)", line))]
        assert right == sorted(right, reverse=True) and len(right) >= 3
        steps = {round(a - b, 6) for a, b in zip(right, right[1:], strict=False)}
        assert steps == {5.0} or steps == {10.0}
        assert right[-1] <= 20.0 and right[0] >= 50.0
        # Left-axis ticks stay in the left series' range (not stretched by VIX).
        left = _left_ticks(lines)
        assert max(left.values()) <= 3.0


async def test_a_cursor_is_opt_in() -> None:
    chart = SeriesChart(_compare())
    async with WidgetHost(chart).run_test(size=(100, 26)) as pilot:
        assert not chart.can_focus
        await pilot.hover(SeriesChart, offset=(50, 12))
        assert chart.cursor_index is None


@pytest.mark.parametrize("data", [_corr(), _compare()])
async def test_ascii_chart_with_cursor_is_ascii_only(data: ChartData) -> None:
    chart = SeriesChart(data, ascii=True, cursor=True)
    async with WidgetHost(chart).run_test(size=(100, 26)) as pilot:
        chart.focus()
        await pilot.press("left", "left")
        text = "\n".join(_lines(chart))
        assert text.isascii(), sorted({ch for ch in text if not ch.isascii()})
        assert ":" in text and "at 2020-04-26" in text


async def test_building_makes_plotext_deduplicate_in_a_stable_order() -> None:
    """plotext's ``list(set(...))`` made tick labels depend on the hash seed; after a
    chart is built, duplicates are dropped keeping the first occurrence, in order."""
    from plotext import _utility

    chart = SeriesChart(_corr())
    async with WidgetHost(chart).run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        assert chart.builds == 1
        labels = [f"2020-0{m}-01" for m in (9, 3, 7, 1, 5, 2, 8, 4, 6)]
        assert _utility.no_duplicates([*labels, *labels]) == labels


TENORS = ("1M", "3M", "1Y", "3Y", "5Y", "10Y", "30Y")


def _curve(y: tuple[float | None, ...], breaks: bool) -> ChartData:
    return ChartData(
        x=tuple(float(i) for i in range(len(y))), x_labels=TENORS, lines=(ChartLine("c", y, breaks=breaks),)
    )


def _runs_on(lines: list[str], glyph: str) -> list[tuple[int, int]]:
    """(first, last) column of every run of ``glyph`` on the (ASCII) canvas row that has most of it."""
    frame = [i for i, line in enumerate(lines) if re.match(r"\s*\+[-+]{10,}\+", line)]
    row = max(range(frame[0] + 1, frame[-1]), key=lambda r: lines[r].count(glyph))
    canvas = lines[row][: lines[row].rindex("|")]  # not the last-value label in the margin
    return [(m.start(), m.end() - 1) for m in re.finditer(re.escape(glyph) + "+", canvas)]


@pytest.mark.parametrize("breaks", [True, False])
async def test_a_missing_tenor_breaks_a_curve_and_is_not_bridged(breaks: bool) -> None:
    """Issue 17: nothing interpolated silently. A flat curve without 3Y: with ``breaks`` the
    row it is drawn on is blank between 1Y and 5Y (two runs); a time series (no breaks) still
    joins the points it has (one run)."""
    chart = SeriesChart(_curve((2.0, 2.0, 2.0, None, 2.0, 2.0, 2.0), breaks), ascii=True)
    async with WidgetHost(chart).run_test(size=(80, 20)):
        runs = _runs_on(_lines(chart), "*")
        assert chart.readout(3)[1] == [("c", "n/a")]
        if not breaks:
            assert len(runs) == 1
            return
        assert len(runs) == 2
        (_, left_end), (right_start, _) = runs
        tenor_step = (runs[1][1] - runs[0][0]) / 6
        assert right_start - left_end - 1 >= 1.5 * tenor_step  # the gap spans 1Y..5Y, not a cell


async def test_a_point_without_neighbours_is_a_lone_marker() -> None:
    """Bund 10Y between a missing 5Y and 30Y: one marker, no line to either side; on a braille
    line a full cell (one braille dot would hardly show)."""
    data = _curve((None, None, 2.0, None, 3.0, 3.2, None), breaks=True)
    chart = SeriesChart(data)
    async with WidgetHost(chart).run_test(size=(80, 20)):
        lines = _lines(chart)
        top, bottom = _canvas_rows(lines)
        canvas = "\n".join(lines[top : bottom + 1])
        assert canvas.count("⣿") == 1  # the lone 1Y; 5Y-10Y is a line of braille dots
        assert sum(ch in "⠁⠂⠄⡀⠈⠐⠠⢀⣀⠤⠒⠉⡠⢄⠔⠊⡈⢂⠑⠡" for ch in canvas) >= 3


async def test_the_last_reading_gives_a_series_that_ended_early_its_own_last_value_and_date() -> None:
    """A main series that stopped before the overlay's newest date (USD broad to 2025-07-18,
    Bund monthly to 2026-01-01) reads its own last value and date on the ``last`` line, not
    ``n/a``; a cursor on a date without its observation still reads ``n/a`` there."""
    x = ("2025-06-01", "2025-07-01", "2025-07-18", "2025-08-01", "2026-01-01")
    data = ChartData(
        x=x,
        lines=(
            ChartLine("USD broad", (120.0, 121.0, 120.51, None, None)),
            ChartLine("Bund 10Y", (2.5, 2.6, None, 2.7, 2.81), axis="right"),
        ),
        title="USD broad vs Bund 10Y",
    )
    chart = SeriesChart(data, cursor=True)
    async with WidgetHost(chart).run_test(size=(100, 26)) as pilot:
        await pilot.pause()
        label, values = chart.readout()
        assert label == "2026-01-01"
        assert values == [("USD broad", "120.51 (2025-07-18)"), ("Bund 10Y (R)", "2.81")]
        readout = _readout(chart)
        assert readout.startswith("last 2026-01-01") and "USD broad 120.51 (2025-07-18)" in readout
        assert "n/a" not in readout
        chart.set_cursor(3)
        await pilot.pause()
        assert chart.readout()[1] == [("USD broad", "n/a"), ("Bund 10Y (R)", "2.70")]
