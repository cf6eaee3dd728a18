"""SVG snapshots of the dashboard and every drill-down on the deterministic demo feed.

The demo app has a fixed day (2026-11-20, clock frozen at 21:00 UTC) and frozen ticks, so
the pictures only change when the rendering does. Update with ``--snapshot-update`` only
after looking at the failure report.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from tui_helpers import demo_app, wait_ready, wait_until

from tui.screens.crisis_detail import CrisisDetailScreen
from tui.screens.series_detail import SeriesDetailScreen
from tui.screens.signal_detail import SignalDetailScreen

SnapCompare = Any


def test_dashboard_80x24(snap_compare: SnapCompare) -> None:
    """80x24: one panel at a time. Tab strip with [1 Markets]; the markets table with
    group headings, ▲/▼ changes, sparklines and ages; DEMO banner; regime in the title."""
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=wait_ready)


def test_dashboard_160x48(snap_compare: SnapCompare) -> None:
    """160x48: markets table and signals panel side by side (regime 13/14 on top), the
    crisis scorecard full width below with the live row; DEMO banner and demo source."""
    assert snap_compare(demo_app(), terminal_size=(160, 48), run_before=wait_ready)


def test_dashboard_80x24_signals_ascii(snap_compare: SnapCompare) -> None:
    """80x24 with --ascii: the signals panel (key 2), ASCII borders, > cursor, no box glyphs."""
    from dataclasses import replace

    from tui_helpers import demo_config

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_ready(pilot)
        await pilot.press("2")
        await pilot.pause()

    app = demo_app(replace(demo_config(), ascii=True))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_dashboard_light_120x40(snap_compare: SnapCompare) -> None:
    """120x40 in triffin-light: every text readable on the white surface (headers, dates,
    explanations, the grid's cursor column), table and signals side by side, grid below."""
    from dataclasses import replace

    from tui_helpers import demo_config

    app = demo_app(replace(demo_config(), theme="triffin-light"))
    assert snap_compare(app, terminal_size=(120, 40), run_before=wait_ready)


def test_series_detail(snap_compare: SnapCompare) -> None:
    """UST 10Y drill-down, 1Y range: chart on the left, stats (last, 1d/1w/1m changes,
    percentile, z-score, source, last success, status) on the right."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_ready(pilot)
        await pilot.press(*"j" * 8, "enter")  # UST 10Y (1M 3M 6M 1Y 2Y 3Y 5Y 7Y 10Y)
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SeriesDetailScreen), what="series screen")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)


def test_crisis_detail(snap_compare: SnapCompare) -> None:
    """COVID dash for cash, UST 10Y cell: title with verdict broken, every check's reading,
    the UST 10Y chart framed with the window edges marked, the USD chart below."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_ready(pilot)
        await pilot.press("3", "j", "j", "j", "j", "enter")
        await wait_until(pilot, lambda: getattr(pilot.app.screen, "charts_ready", False), what="crisis charts")
        assert isinstance(pilot.app.screen, CrisisDetailScreen)
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)


def test_signal_detail(snap_compare: SnapCompare) -> None:
    """Stock–bond correlation 1Y, 5Y range: the rolling correlation with the eroding (+0.2)
    and intact (−0.2) thresholds drawn, and how the value was computed."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_ready(pilot)
        await pilot.press("2", "j", "j", "j", "j", "j", "enter")
        await wait_until(pilot, lambda: getattr(pilot.app.screen, "history", None) is not None, what="history")
        assert isinstance(pilot.app.screen, SignalDetailScreen)
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)


def test_dashboard_120x40(snap_compare: SnapCompare) -> None:
    """120x40 (issue 17's 'done when'): the Markets table shows Instrument, Last, Chg and Age
    for every row, the par curve 1M..30Y first; signals beside it, the crisis grid below."""
    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=wait_ready)


def _open_curves(*keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        from tui.screens.curves import CurvesScreen

        await wait_ready(pilot)
        await pilot.press("y", *keys)
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CurvesScreen), what="curves screen")
        await pilot.pause()
        await pilot.pause()

    return run_before


def test_curves_120x40(snap_compare: SnapCompare) -> None:
    """y: the UST curve 1M..30Y today with its 1M-ago overlay, Bund and JGB today, each
    last value in the margin; the tenor grid (blank where a market has no such tenor) and
    the six spreads in bp with 1D/1W/1M changes; DEMO in the title and the banner."""
    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=_open_curves())


def test_curves_80x24_1y_cursor(snap_compare: SnapCompare) -> None:
    """80x24, key 3 (vs 1Y ago) and the cursor moved to 10Y: the read-out line gives every
    curve at 10Y; the grid scrolls below the chart."""
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=_open_curves("3", "left", "left"))


def test_series_detail_cursor_and_comparison(snap_compare: SnapCompare) -> None:
    """UST 10Y drill-down (3M range) with Bund 10Y added by c on a right axis (the legend
    says so) and the cursor 10 points back: the read-out gives date and both values."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_ready(pilot)
        await pilot.press(*"j" * 8, "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SeriesDetailScreen), what="series screen")
        screen = pilot.app.screen
        await pilot.press("2", "c")
        await pilot.press(*"Bund 10Y")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: getattr(screen, "compare_id", None) == "bund10y", what="comparison")
        await pilot.press(*["left"] * 10)
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)


def test_dashboard_200x55(snap_compare: SnapCompare) -> None:
    """200x55: the wide table shows every column (Age, 1W, 1M, YTD, Trend, Source with short
    labels, Date, Status) next to the signals; the Spreads rows in bp (Source CALC)."""
    assert snap_compare(demo_app(), terminal_size=(200, 55), run_before=wait_ready)


def test_curves_colour_blind_120x40(snap_compare: SnapCompare) -> None:
    """The curves screen in triffin-cb: the four lines told apart by marker as well as by the
    blue/orange palette; the 1W look-back (key 1)."""
    from dataclasses import replace

    from tui_helpers import demo_config

    app = demo_app(replace(demo_config(), theme="triffin-cb"))
    assert snap_compare(app, terminal_size=(120, 40), run_before=_open_curves("1"))


def test_dashboard_no_color_120x40(snap_compare: SnapCompare, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole demo dashboard under ``NO_COLOR`` (issue 17): greys only, and the alarm
    states (``ERODING``, ``✗ broken``) the most emphatic text on screen (bold reverse), never
    the dimmest."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = demo_app()
    assert app.no_color
    assert snap_compare(app, terminal_size=(120, 40), run_before=wait_ready)
