"""``ScorecardGrid.fit_to``: fitted before its first layout as it will be once laid out."""

from __future__ import annotations

import pytest
from widget_hosts import WidgetHost, sample_scores

from widgets.scorecard import ScorecardGrid


@pytest.mark.parametrize("width", [40, 60, 80, 100, 140])
async def test_fit_to_fits_as_the_layout_will(width: int) -> None:
    """Fitted to a width before its first layout, the grid shows the checks and takes the
    width it keeps once laid out at that width (unfitted, it held every check)."""
    grid = ScorecardGrid(sample_scores())
    assert grid.size.width == 0
    every = grid.shown_checks
    fitted = grid.fit_to(width)
    before = (grid.virtual_size.width, grid.shown_checks)
    assert fitted == before[0] and (width >= 140 or before[1] != every)
    async with WidgetHost(grid).run_test(size=(width, 12)) as pilot:
        await pilot.pause()
        assert grid.size.width == width
        assert (grid.virtual_size.width, grid.shown_checks) == before
        assert grid.fit_to(width // 2) == grid.virtual_size.width == before[0], "laid out: its own width stands"
