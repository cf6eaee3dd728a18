"""SVG snapshots of the Auctions and Holders screens (issue 16) at 120x40 and 80x24, on the
deterministic demo feed (its synthetic auction book and TIC / custody series, labelled DEMO).
Update with ``--snapshot-update`` only after looking at the failure report."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from tui_helpers import demo_app, wait_ready, wait_until

from tui.screens.auctions import AuctionLineScreen, AuctionsScreen
from tui.screens.holders import HoldersScreen

SnapCompare = Any


def _open(key: str, screen: type) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_ready(pilot)
        await pilot.press(key)
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, screen), what=screen.__name__)
        await pilot.pause()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_auctions_screen(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """Newest auction per line (2Y…30Y, TIPS, FRN, bills): date, high, bid-to-cover, indirect,
    direct and dealer shares, high − median, each marked ▲▼ against its line's 2-year mean;
    the cursor on the 2-year; the book's provenance and the DEMO label in the title."""
    assert snap_compare(demo_app(), terminal_size=size, run_before=_open("u", AuctionsScreen))


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_holders_screen(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """TIC holders largest first with month, level, 1M / 12M change and a sparkline, the foreign
    total and official rows, the custody line and its weekly chart; DEMO labelled."""
    assert snap_compare(demo_app(), terminal_size=size, run_before=_open("f", HoldersScreen))


def test_auction_line_drill_down(snap_compare: SnapCompare) -> None:
    """Enter on the 10-year row: indirect, dealer, direct, bid-to-cover and high − median charted
    with the mean of the two years before each auction."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open("u", AuctionsScreen)(pilot)
        await pilot.press("j", "j", "j", "j", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, AuctionLineScreen), what="line screen")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)
