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

from widgets import LiveTable, ScorecardGrid, StatusBar

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
