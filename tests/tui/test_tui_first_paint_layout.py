"""The first frame is laid out as the frames after it (issue 20: the first frame).

The crisis row's height counts a horizontal scrollbar line when the grid is wider than its
panel. Before the grid's first layout it had fitted its checks to no width, so the first
frame (painted from the saved view) kept a scrollbar line that the grid, once fitted, did
not need: the frame after it resized the crisis row and laid out and repainted every panel.
"""

from __future__ import annotations

import threading

import pytest
from tui_helpers import demo_app, wait_ready

from datafeed import demo as demo_module
from tui.screens.dashboard import DashboardScreen
from widgets.scorecard import ScorecardGrid


async def test_the_crisis_row_keeps_its_first_frame_height(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 120x40 the grid's checks are wider than the panel until they are fitted: the row
    sized from the saved view in the first paint is the row of every later frame, and the
    grid never shows a horizontal scrollbar on the way (Textual chose one from the unfitted
    width and drew it in the frame after the first)."""
    async with demo_app().run_test(size=(120, 40)) as pilot:  # saves today's demo view
        await wait_ready(pilot)
    sizes: list[tuple[int, int] | None] = []
    painted: list[tuple[int, int] | None] = []
    size_grid_row = DashboardScreen._size_grid_row
    paint_cached = DashboardScreen._paint_cached

    def recording(self: DashboardScreen) -> None:
        size_grid_row(self)
        sizes.append(self._grid_size)

    def painting(self: DashboardScreen) -> None:
        paint_cached(self)
        painted.append(self._grid_size)

    scrollbars: list[bool] = []

    def horizontal(self: ScorecardGrid, shown: bool) -> None:
        scrollbars.append(shown)

    monkeypatch.setattr(ScorecardGrid, "watch_show_horizontal_scrollbar", horizontal, raising=False)
    monkeypatch.setattr(DashboardScreen, "_size_grid_row", recording)
    monkeypatch.setattr(DashboardScreen, "_paint_cached", painting)
    gate = threading.Event()
    load = demo_module.load_demo

    def held(*args: object, **kwargs: object) -> object:
        gate.wait(20)
        return load(*args, **kwargs)

    monkeypatch.setattr(demo_module, "load_demo", held)
    app = demo_app()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            grid = app.screen.query_one(ScorecardGrid)
            assert grid.episode_ids, "the first paint showed the saved grid"
            assert grid.virtual_size.width <= grid.size.width, "fitted to its panel: no scrollbar needed"
            gate.set()
            await wait_ready(pilot)
            await pilot.pause()
    finally:
        gate.set()
    assert len(painted) == 1 and painted[0] is not None
    after_paint = sizes[sizes.index(painted[0]) :]
    assert set(after_paint) == {painted[0]}, sizes
    assert True not in scrollbars, "no horizontal scrollbar chosen from the unfitted width"
