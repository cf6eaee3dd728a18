"""SVG snapshots of the exhibits screen on the deterministic demo feed (2026-11-20, frozen).

Update with ``--snapshot-update`` only after looking at the failure report.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from tui_helpers import demo_app, wait_ready, wait_until

from tui.screens.exhibits import ExhibitsScreen

SnapCompare = Any


def _walk_to(key: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_ready(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ExhibitsScreen), what="exhibits screen")
        screen = pilot.app.screen
        assert isinstance(screen, ExhibitsScreen)
        await wait_until(pilot, lambda: screen.views is not None, what="the exhibits")
        await pilot.press(key)
        await pilot.pause()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize(
    "key",
    [
        # 1: seven sectors' shares of the total, legend on two rows, every sector's newest share.
        "1",
        # 3: broad dollar (left) and Aaa−10Y (right axis) around Lehman, the window marked.
        "3",
        # 6: UST−Bund 10Y against EUR/USD (right axis), April 2024 – April 2025, tariff window.
        "6",
        # 9: IG and HY OAS with their ten-year means, the seed's 82 bp point and 119 bp line.
        "9",
    ],
)
def test_exhibit_120x40(snap_compare: SnapCompare, key: str) -> None:
    """List on the left with a verdict mark per exhibit; the chart; under it the reading
    (agrees / disagrees), the DEMO line, newest points, sources and the claim."""
    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=_walk_to(key))


def test_exhibit_8_80x24(snap_compare: SnapCompare) -> None:
    """80x24: no list; the title says 8/10; the long-run correlation with the 2000–2020 era
    marked, and the reading under it."""
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=_walk_to("8"))
