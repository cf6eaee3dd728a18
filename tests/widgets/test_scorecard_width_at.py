"""``ScorecardGrid.width_at``: the width the grid takes once fitted, asked before its layout."""

from __future__ import annotations

import pytest
from widget_hosts import WidgetHost, sample_scores

from widgets.scorecard import ScorecardGrid


@pytest.mark.parametrize("width", [40, 60, 80, 100, 140])
async def test_width_at_is_the_width_the_grid_fits_to(width: int) -> None:
    """Before its first layout the answer for a width equals the grid's virtual width once
    laid out at that width; asking changes nothing the grid shows."""
    grid = ScorecardGrid(sample_scores())
    unfitted = (grid.virtual_size, grid.shown_checks)
    assert grid.size.width == 0
    predicted = grid.width_at(width)
    assert (grid.virtual_size, grid.shown_checks) == unfitted
    async with WidgetHost(grid).run_test(size=(width, 12)) as pilot:
        await pilot.pause()
        assert grid.size.width == width
        assert grid.virtual_size.width == predicted
