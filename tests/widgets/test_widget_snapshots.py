"""SVG snapshots of the table, the crisis grid and the status bar under two themes.

Regenerate with ``pytest tests/widgets --snapshot-update`` only after reading the report
(``snapshot_report.html``) and checking that the new picture is the intended one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from widget_hosts import WidgetHost, sample_rows, sample_scores, sample_sources

from widgets import LiveTable, ScorecardGrid, SeriesChart, StatusBar

THEMES = ["triffin-dark", "triffin-cb"]

SnapCompare = Callable[..., bool]


async def _focus_and_move(pilot: Pilot[Any], *keys: str) -> None:
    widget = pilot.app.query_one("#subject")
    widget.focus()
    await pilot.press(*keys)
    await pilot.pause()


@pytest.mark.parametrize("theme", THEMES)
def test_live_table(snap_compare: SnapCompare, theme: str) -> None:
    """Three groups of instruments; cursor on UST 10Y (second row); a stale + late UST 30Y
    (``~`` in the gutter), a failed JGB 10Y (``!``), a missing Gold (``?``), intraday FX and
    VIX, up moves marked ``▲`` and down moves ``▼``."""
    app = WidgetHost(LiveTable(sample_rows(), id="subject"), theme=theme)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _focus_and_move(pilot, "down")

    assert snap_compare(app, terminal_size=(110, 18), run_before=run_before)


def test_live_table_ascii_amber(snap_compare: SnapCompare) -> None:
    """The same table in ASCII mode under the amber theme: ``^``/``v`` marks, ``_.-~=*#``
    sparklines, ``>`` cursor, ``--`` group rules."""
    app = WidgetHost(LiveTable(sample_rows(), ascii=True, id="subject"), theme="triffin-amber")
    assert snap_compare(app, terminal_size=(110, 18))


@pytest.mark.parametrize("theme", THEMES)
def test_scorecard_grid(snap_compare: SnapCompare, theme: str) -> None:
    """Three episodes and a live row; the cursor on COVID / UST-Bund (``+22bp ✗``), its
    column header underlined; verdicts ``✓ haven`` and ``✗ broken`` and ``~ mixed``."""
    app = WidgetHost(ScorecardGrid(sample_scores(), id="subject"), theme=theme)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _focus_and_move(pilot, "j", "l", "l")

    assert snap_compare(app, terminal_size=(130, 8), run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
def test_status_bar_demo(snap_compare: SnapCompare, theme: str) -> None:
    """A full-width reverse-video DEMO banner above five sources: ok, ok, STALE with a
    retry, ERROR with a retry and its reason, and off."""
    app = WidgetHost(StatusBar(sample_sources(), mode="demo", id="subject"), theme=theme)
    assert snap_compare(app, terminal_size=(100, 4))


# -- issue 17: the trader's screen ---------------------------------------------------------


@pytest.mark.parametrize("width", [80, 120, 200])
def test_desk_table(snap_compare: SnapCompare, width: int) -> None:
    """The desk table at 80 / 120 / 200 columns. 80: Instrument, Last, Chg, Age, 1W, 1M, YTD
    whole, a ``›`` saying more columns are to the right; 120 and 200: every column (Trend,
    short Source labels UST/BBK/MOF/FRED/YAHOO, Date, Status). Numbers line up on their
    decimal point (``3.640`` over ``118.45`` over ``6,812.45``); Debt / GDP's change says
    ``1Q``; the JGB error row shows ``n/a`` right-aligned."""
    from widget_hosts import desk_rows

    app = WidgetHost(LiveTable(desk_rows(), id="subject"))
    assert snap_compare(app, terminal_size=(width, 24))


def test_desk_table_sorted_and_scrolled(snap_compare: SnapCompare) -> None:
    """80 columns after ``l`` ``l`` and a click on the Chg header twice: sorted by change,
    descending (``Chg ↓`` underlined), no group headings, JGB's n/a last; ``‹`` after Chg
    and Age, 1W and 1M scrolled away so YTD, Trend and Source show (the table is fitted to
    its width in its first frame, so both presses scroll from the fitted columns)."""
    from widget_hosts import desk_rows

    app = WidgetHost(LiveTable(desk_rows(), id="subject"))

    async def run_before(pilot: Pilot[Any]) -> None:
        await _focus_and_move(pilot, "l", "l")
        table = pilot.app.query_one(LiveTable)
        header = table.render_line(0).text
        x = header.index("Chg")
        await pilot.click(LiveTable, offset=(x, 0))
        await pilot.click(LiveTable, offset=(x, 0))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_desk_table_light(snap_compare: SnapCompare) -> None:
    """The desk table in triffin-light at 120 columns: readable on white."""
    from widget_hosts import desk_rows

    app = WidgetHost(LiveTable(desk_rows(), id="subject"), theme="triffin-light")
    assert snap_compare(app, terminal_size=(120, 24))


def test_scorecard_grid_80_columns(snap_compare: SnapCompare) -> None:
    """80 columns, cursor moved right five times: Episode and Verdict stay, the checks
    scrolled (``‹`` before the first shown, Gold still behind ``›``); no Window column."""
    app = WidgetHost(ScorecardGrid(sample_scores(), id="subject"))

    async def run_before(pilot: Pilot[Any]) -> None:
        await _focus_and_move(pilot, *["l"] * 5)

    assert snap_compare(app, terminal_size=(80, 8), run_before=run_before)


@pytest.mark.parametrize("theme", ["triffin-dark", "triffin-light", "triffin-cb"])
def test_chart_with_cursor_and_comparison(snap_compare: SnapCompare, theme: str) -> None:
    """UST 10Y (left axis, %) against VIX on the right axis (pts, own round ticks), eroding
    (heavy line) and intact (dotted line) thresholds in their own colours with labels in the
    right margin, each series' last value at the right edge, the crisis window marked, the
    legend above the plot, and the cursor (``┊``) ten points from the end with its read-out
    (``at 2020-04-18  UST 10Y ...  VIX (R) ...``)."""
    from widget_hosts import desk_chart_data

    app = WidgetHost(SeriesChart(desk_chart_data(), cursor=True, id="subject"), theme=theme)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _focus_and_move(pilot, *["left"] * 10)

    assert snap_compare(app, terminal_size=(100, 28), run_before=run_before)


def test_every_widget_no_color(snap_compare: SnapCompare, monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: greys only; ``ERODING``, ``✗ broken``, the JGB error row and the sources'
    ``ERROR`` in bold reverse video (the loudest text), ``✓ haven`` and ``intact`` plain."""
    from textual.containers import Vertical
    from widget_hosts import DESK_CSS, desk_widgets

    monkeypatch.setenv("NO_COLOR", "1")
    app = WidgetHost(Vertical(*desk_widgets(), id="subject"), css=DESK_CSS)
    assert snap_compare(app, terminal_size=(100, 50))


def test_every_widget_ascii(snap_compare: SnapCompare) -> None:
    """The same screen with the app in ASCII mode: ``ESTR``, ``Aaa-10Y``, ``-d10Y``, ``->``,
    ``^``/``v`` ticks, ``+ x . -`` checks, ``*`` braille-free lines, ``-|+`` frames, ``:``
    chart cursor, scrollbar without block glyphs."""
    from textual.containers import Vertical
    from widget_hosts import DESK_CSS, desk_widgets

    app = WidgetHost(Vertical(*desk_widgets(), id="subject"), css=DESK_CSS, ascii_app=True)

    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.query_one(SeriesChart).focus()
        await pilot.press("left", "left")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 50), run_before=run_before)
