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
