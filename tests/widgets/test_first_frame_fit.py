"""Width-fitted from the first frame (issue 20).

Textual sizes a widget in a layout pass and renders it in the same pass; its Resize message
arrives only afterwards. The table and the crisis grid choose their columns by width, so
they fit when a line is rendered and the width differs from the last fit: the first frame
already shows the columns that fit (the crisis grid's Verdict included) instead of every
column cut at the edge, then a second full repaint. Each test turns the other refits off
(the Resize handler and the scrollbar watcher), leaving the render-time fit as the only one.
"""

from __future__ import annotations

import pytest
from widget_hosts import WidgetHost, desk_rows, sample_scores

from widgets import LiveTable, ScorecardGrid


async def test_the_table_fits_as_it_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LiveTable, "on_resize", lambda self: None)
    monkeypatch.setattr(LiveTable, "watch_show_vertical_scrollbar", lambda self: None)
    app = WidgetHost(LiveTable(desk_rows(), id="subject"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(LiveTable)
        header = table.render_line(0).text
        assert "Status" not in header and "›" in header, header  # the rest is behind ›
        assert len(header.rstrip()) <= 80


async def test_the_grid_fits_as_it_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ScorecardGrid, "on_resize", lambda self: None)
    monkeypatch.setattr(ScorecardGrid, "watch_show_vertical_scrollbar", lambda self: None)
    app = WidgetHost(ScorecardGrid(sample_scores(), id="subject"))
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.query_one(ScorecardGrid)
        await pilot.pause()
        header = grid.render_line(0).text
        assert "Verdict" in header, header  # pinned at the right edge, the checks between
        assert len(grid.shown_checks) < len(grid.column_ids) - 1


async def test_rows_are_formatted_once_when_the_table_is_filled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Filling the table (the first frame's rows) formats each row once, not again in the
    relayout that follows (350 rows of the saved view cost ~8 ms a pass)."""
    calls: list[str] = []
    original = LiveTable._format

    def counted(self: LiveTable, row: object) -> object:
        calls.append(row.id)  # type: ignore[attr-defined]
        return original(self, row)  # type: ignore[arg-type]

    app = WidgetHost(LiveTable(id="subject"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(LiveTable, "_format", counted)
        rows = desk_rows()
        app.query_one(LiveTable).set_rows(rows)
        assert sorted(calls) == sorted(r.id for r in rows)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 50)])
async def test_the_table_never_shows_a_horizontal_scrollbar_its_fitted_columns_do_not_need(
    size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The columns are fitted to the width in the layout pass that gives it, before Textual
    picks the scrollbars from the virtual width: no frame (the first included) has a
    horizontal scrollbar the fitted table does not need, and no relayout drops one."""
    seen: list[tuple[bool, int, int]] = []
    render_line = LiveTable.render_line

    def recorded(self: LiveTable, y: int) -> object:
        seen.append((self.show_horizontal_scrollbar, self.virtual_size.width, self.scrollable_content_region.width))
        return render_line(self, y)

    monkeypatch.setattr(LiveTable, "render_line", recorded)
    app = WidgetHost(LiveTable(desk_rows(), id="subject"))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
    assert seen
    assert all(width <= room for _bar, width, room in seen), seen[:3]
    assert not any(bar for bar, _w, _r in seen), seen[:3]


async def test_a_table_narrower_than_its_pinned_columns_still_scrolls_sideways() -> None:
    app = WidgetHost(LiveTable(desk_rows(), id="subject"))
    async with app.run_test(size=(24, 20)) as pilot:
        await pilot.pause()
        table = app.query_one(LiveTable)
        assert table.virtual_size.width > table.scrollable_content_region.width
        assert table.show_horizontal_scrollbar
