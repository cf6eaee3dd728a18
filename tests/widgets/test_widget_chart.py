"""SeriesChart: plain data in, lazy cached builds, thresholds, window, ASCII mode."""

from __future__ import annotations

import math

import pytest
from widget_hosts import WidgetHost

from widgets.chart import SeriesChart
from widgets.chart_data import ChartData, ChartLine, ChartThreshold

DATES = tuple(f"2020-{month:02d}-{day:02d}" for month in (2, 3, 4) for day in range(1, 29))


def _data(shift: float = 0.0, title: str = "UST 10Y vs Bund") -> ChartData:
    n = len(DATES)
    return ChartData(
        x=DATES,
        lines=(
            ChartLine("ust10y", tuple(1.5 + shift + math.sin(i / 9) for i in range(n))),
            ChartLine("bund10y", tuple(None if i % 13 == 0 else -0.3 + 0.2 * math.cos(i / 7) for i in range(n))),
        ),
        thresholds=(ChartThreshold(0.2, "eroding"),),
        window=("2020-03-09", "2020-03-18"),
        title=title,
        y_label="%",
    )


def _text(chart: SeriesChart) -> str:
    return "\n".join(chart.render_line(y).text for y in range(chart.size.height))


async def test_draws_lines_legend_threshold_window_and_date_ticks() -> None:
    chart = SeriesChart(_data())
    async with WidgetHost(chart).run_test(size=(100, 24)):
        text = _text(chart)
        assert "UST 10Y vs Bund" in text and "window 2020-03-09→2020-03-18" in text
        assert "ust10y" in text and "bund10y" in text and "eroding 0.2" in text
        assert "2020-02-01" in text and "2020-04-28" in text
        assert chart.builds == 1


async def test_ascii_mode_has_no_braille_or_box_characters() -> None:
    chart = SeriesChart(_data(), ascii=True)
    async with WidgetHost(chart).run_test(size=(100, 24)):
        text = _text(chart)
        assert text.isascii(), sorted({ch for ch in text if not ch.isascii()})
        assert "ust10y" in text and "+--" in text


async def test_equal_data_does_not_rebuild_and_new_data_does() -> None:
    chart = SeriesChart(_data())
    async with WidgetHost(chart).run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        assert chart.builds == 1
        assert chart.set_data(_data()) is False
        chart.refresh()  # an unrelated repaint reuses the cached plot
        await pilot.pause()
        assert chart.builds == 1
        assert chart.set_data(_data(shift=0.5)) is True
        await pilot.pause()
        assert chart.builds == 2


async def test_hidden_chart_builds_only_when_shown() -> None:
    chart = SeriesChart(_data())
    chart.display = False
    async with WidgetHost(chart).run_test(size=(100, 24)) as pilot:
        for shift in (0.1, 0.2, 0.3):
            chart.set_data(_data(shift=shift))
            await pilot.pause()
        assert chart.builds == 0
        chart.display = True
        await pilot.pause()
        assert chart.builds == 1


async def test_theme_change_redraws_with_theme_colours() -> None:
    chart = SeriesChart(_data())
    app = WidgetHost(chart)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        app.theme = "triffin-light"
        await pilot.pause()
        assert chart.builds == 2


async def test_numeric_x_and_empty_data() -> None:
    chart = SeriesChart(None)
    async with WidgetHost(chart).run_test(size=(60, 12)) as pilot:
        assert "no data" in _text(chart)
        chart.set_data(ChartData(x=(0.0, 1.0, 2.0), lines=(ChartLine("corr", (0.1, -0.2, 0.3)),)))
        await pilot.pause()
        assert "corr" in _text(chart)


def test_chart_data_checks_lengths() -> None:
    with pytest.raises(ValueError, match="values for"):
        ChartData(x=("2020-01-01",), lines=(ChartLine("a", (1.0, 2.0)),))


async def test_a_legend_wider_than_the_chart_wraps_between_entries_and_the_plot_keeps_its_rows() -> None:
    """Seven sectors: the legend takes two rows, broken between entries, every name whole; the
    date axis (the plot's last row) is still on screen; each of the seven lines has its own
    (colour, marker) pair, so lines five to seven do not repeat lines one to three."""
    n = len(DATES)
    names = (
        "Rest of the world",
        "Federal Reserve",
        "Mutual funds",
        "Money market funds",
        "Households",
        "Banks",
        "Others",
    )
    data = ChartData(
        x=DATES,
        lines=tuple(ChartLine(name, tuple(float(k + i % 5) for i in range(n))) for k, name in enumerate(names)),
        title="1. Treasury holdings by sector",
        y_label="%",
    )
    chart = SeriesChart(data)
    async with WidgetHost(chart).run_test(size=(80, 24)):
        rows = [chart.render_line(y).text for y in range(chart.size.height)]
        assert rows[0].startswith("1. Treasury holdings by sector (%)")
        legend = rows[1] + rows[2]
        assert all(name in legend for name in names)
        assert rows[3].startswith("last ")
        assert any("2020-02-01" in row for row in rows[-3:])
        pairs = {(chart._line_variable(i), chart._marker_index(i)) for i in range(len(names))}  # noqa: SLF001
        assert len(pairs) == len(names)
        assert [chart._marker_index(i) for i in range(4)] == [0, 1, 2, 3]  # noqa: SLF001 - the first four as before


def _past_the_data(window: tuple[str, str]) -> ChartData:
    """A monthly-like chart whose window starts after its last point, with a right axis."""
    n = len(DATES)
    return ChartData(
        x=DATES,
        lines=(
            ChartLine("bund10y", tuple(2.0 + math.sin(i / 9) for i in range(n))),
            ChartLine("eurusd", tuple(1.05 + 0.04 * math.cos(i / 7) for i in range(n)), axis="right"),
        ),
        window=window,
        title="Bund vs EUR/USD",
        y_label="%",
        y_label_right="USD",
    )


def _right_axis_labels(chart: SeriesChart) -> list[str]:
    """What stands right of the plot frame on each canvas row (the right axis' ticks)."""
    frame = chart._frame
    assert frame is not None
    return [line.plain[frame.right + 1 :].rstrip() for line in frame.lines[frame.top : frame.bottom + 1]]


@pytest.mark.parametrize(
    "window",
    [("2020-05-02", "2020-05-11"), ("2020-04-20", "2020-05-11"), ("2020-01-10", "2020-01-20")],
    ids=["after-the-data", "straddles-the-end", "before-the-data"],
)
async def test_a_window_outside_the_data_is_not_drawn_over_the_axes(window: tuple[str, str]) -> None:
    chart = SeriesChart(_past_the_data(window))
    async with WidgetHost(chart).run_test(size=(100, 24)):
        text = _text(chart)
        frame = chart._frame
        assert frame is not None
        labels = [label for label in _right_axis_labels(chart) if label.strip("│ ")]
        assert labels, text
        # Each right-axis label is a tick mark and a plain number, nothing drawn into it.
        for label in labels:
            assert "│" not in label and "┬" not in label, text
        top = frame.lines[frame.top - 1].plain
        assert "┬" not in top[frame.right :], text
        # The window is still named, and said to lie (partly) outside the data.
        outside = {"2020-05-02": "after the data", "2020-04-20": "partly outside the data"}.get(
            window[0], "before the data"
        )
        assert f"window {window[0]}→{window[1]}, {outside}" in text
