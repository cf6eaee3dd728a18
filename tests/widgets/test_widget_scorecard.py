"""ScorecardGrid: marks that read without colour, hjkl/arrow cell cursor, CellSelected."""

from __future__ import annotations

import pytest
from widget_hosts import WidgetHost, lines_of, sample_scores, spy_render_lines

from widgets.data import ScoreCell, ScoreRow
from widgets.scorecard import DEFAULT_CHECKS, ScorecardGrid, format_cell, format_verdict


def _row_line(grid: ScorecardGrid, name: str) -> str:
    return next(line for line in lines_of(grid) if name in line)


async def test_cells_show_change_unit_and_mark_and_verdict_in_words() -> None:
    grid = ScorecardGrid(sample_scores())
    async with WidgetHost(grid).run_test(size=(140, 12)):
        header = lines_of(grid)[0]
        for label in ("Episode", "Window", "UST 10Y", "USD", "UST-Bund", "VIX", "Gold", "Verdict"):
            assert label in header
        covid = _row_line(grid, "COVID dash for cash")
        assert "2020-03-09→03-18" in covid
        assert "+64bp ✗" in covid and "+4.2% ✓" in covid and "+22.6pts ✓" in covid
        assert covid.rstrip().endswith("✗ broken")
        tariff = _row_line(grid, "Tariff shock")
        assert "+3bp ·" in tariff and "n/a –" in tariff
        assert _row_line(grid, "GFC").rstrip().endswith("✓ haven")
        assert "● LIVE Stress now" in _row_line(grid, "Stress now")


async def test_ascii_marks() -> None:
    grid = ScorecardGrid(sample_scores(), ascii=True)
    async with WidgetHost(grid).run_test(size=(140, 12)):
        text = "\n".join(lines_of(grid))
        assert text.isascii()
        covid = _row_line(grid, "COVID")
        assert "+64bp x" in covid and "+4.2% +" in covid and covid.rstrip().endswith("x broken")
        assert "n/a -" in _row_line(grid, "Tariff") and "+3bp ." in _row_line(grid, "Tariff")
        assert "* LIVE Stress now" in text and "2020-03-09..03-18" in text


async def test_arrows_and_hjkl_move_the_cell_cursor_and_enter_selects() -> None:
    grid = ScorecardGrid(sample_scores())
    app = WidgetHost(grid)
    async with app.run_test(size=(140, 12), message_hook=app.record) as pilot:
        grid.focus()
        assert grid.cursor_cell == ("gfc-2008", "ust10y")
        await pilot.press("down", "l", "right")
        assert grid.cursor_cell == ("covid-2020", "ust_bund_10y")
        await pilot.press("j", "h")
        assert grid.cursor_cell == ("tariff-2025", "usd")
        await pilot.press("k", "left", "left")  # clamps at the first column
        assert grid.cursor_cell == ("covid-2020", "ust10y")
        await pilot.press("enter")
        selected = app.sent(ScorecardGrid.CellSelected)
        assert [(m.episode_id, m.check_id) for m in selected] == [("covid-2020", "ust10y")]
        await pilot.press(*["l"] * 10)
        assert grid.cursor_cell == ("covid-2020", "verdict")
        highlighted = app.sent(ScorecardGrid.CellHighlighted)
        assert highlighted and highlighted[-1].check_id == "verdict"


async def test_cursor_column_header_is_underlined_so_it_reads_without_colour() -> None:
    grid = ScorecardGrid(sample_scores())
    async with WidgetHost(grid).run_test(size=(140, 12)) as pilot:
        grid.focus()
        await pilot.press("l")
        header = grid.render_line(0)
        underlined = [seg.text.strip() for seg in header if seg.style and seg.style.underline]
        assert underlined == ["USD"]
        assert lines_of(grid)[1].startswith("▶ GFC")


async def test_live_row_rescore_repaints_only_that_row() -> None:
    grid = ScorecardGrid(sample_scores(live_vix=9.5))
    async with WidgetHost(grid).run_test(size=(140, 12)) as pilot:
        await pilot.pause()
        calls = spy_render_lines(grid)
        changed = grid.set_rows(sample_scores(live_vix=9.7))
        await pilot.pause()
        assert changed == {"live"}
        assert calls == [4]
        assert "+9.7pts ✓" in lines_of(grid)[4]


async def test_cursor_survives_the_live_row_going_away() -> None:
    grid = ScorecardGrid(sample_scores())
    async with WidgetHost(grid).run_test(size=(140, 12)) as pilot:
        assert grid.move_cursor("live", "vix")
        grid.set_rows(sample_scores(live=False))
        await pilot.pause()
        assert grid.cursor_cell == ("tariff-2025", "vix")
        grid.set_rows(sample_scores(live=True))
        await pilot.pause()
        assert grid.cursor_cell == ("tariff-2025", "vix")


async def test_click_moves_cursor_and_clicking_the_same_cell_selects() -> None:
    grid = ScorecardGrid(sample_scores())
    app = WidgetHost(grid)
    async with app.run_test(size=(140, 12), message_hook=app.record) as pilot:
        line = _row_line(grid, "Tariff")
        x = line.index("-5.7%")
        y = lines_of(grid).index(line)
        await pilot.click(ScorecardGrid, offset=(x, y))
        assert grid.cursor_cell == ("tariff-2025", "spx")
        assert app.sent(ScorecardGrid.CellSelected) == []
        await pilot.click(ScorecardGrid, offset=(x, y))
        selected = app.sent(ScorecardGrid.CellSelected)
        assert [(m.episode_id, m.check_id) for m in selected] == [("tariff-2025", "spx")]


async def test_narrow_grid_keeps_episode_and_verdict_and_scrolls_the_checks() -> None:
    """At 60 columns the Verdict is on screen from the start; l scrolls the checks between."""
    grid = ScorecardGrid(sample_scores())
    async with WidgetHost(grid).run_test(size=(60, 12)) as pilot:
        first = lines_of(grid)[1]
        assert first.startswith("▶ GFC: Lehman") and first.rstrip().endswith("✓ haven")
        assert grid.shown_checks[0] == "ust10y" and "gold" not in grid.shown_checks
        assert "›" in lines_of(grid)[0]  # more checks to the right
        grid.focus()
        await pilot.press(*["l"] * 6)
        assert grid.cursor_cell == ("gfc-2008", "gold")
        assert grid.shown_checks[-1] == "gold" and "ust10y" not in grid.shown_checks
        header, first = lines_of(grid)[:2]
        assert "‹" in header and "Gold" in header and "Verdict" in header
        assert first.startswith("▶ GFC: Lehman") and "+4.7% ✓" in first and first.rstrip().endswith("✓ haven")
        await pilot.press("l")
        assert grid.cursor_cell == ("gfc-2008", "verdict")
        assert grid.scroll_x == 0  # nothing scrolls sideways: the checks are chosen instead
        await pilot.pause()
        assert not grid.show_horizontal_scrollbar
        assert grid.virtual_size.width <= grid.scrollable_content_region.width
        await pilot.press(*["h"] * 7)
        assert grid.cursor_cell == ("gfc-2008", "ust10y") and grid.shown_checks[0] == "ust10y"


async def test_at_80_columns_the_verdict_needs_no_key_press() -> None:
    """Issue 17: at 80x24 the verdict was seven presses of l away. Now it is on screen, the
    Window column gives its room to the checks, and the hidden checks are announced."""
    grid = ScorecardGrid(sample_scores())
    async with WidgetHost(grid).run_test(size=(80, 8)) as pilot:
        header = lines_of(grid)[0]
        assert "Verdict" in header and "Window" not in header and "›" in header
        for episode, verdict in (("GFC", "✓ haven"), ("COVID", "✗ broken"), ("Stress now", "~ mixed")):
            assert _row_line(grid, episode).rstrip().endswith(verdict)
        assert len(grid.shown_checks) >= 4
        grid.focus()
        for _ in range(len(DEFAULT_CHECKS)):
            await pilot.press("l")
            await pilot.pause()
            # The grid never grows wider than its room (no sideways scrollbar).
            assert not grid.show_horizontal_scrollbar
            assert grid.virtual_size.width <= grid.scrollable_content_region.width
    wide = ScorecardGrid(sample_scores())
    async with WidgetHost(wide).run_test(size=(140, 8)):
        header = lines_of(wide)[0]
        assert "Window" in header and "›" not in header and "‹" not in header
        assert wide.shown_checks == tuple(check for check, _ in DEFAULT_CHECKS)


async def test_clicking_a_scroll_marker_brings_the_next_check_in() -> None:
    grid = ScorecardGrid(sample_scores())
    app = WidgetHost(grid)
    async with app.run_test(size=(60, 8), message_hook=app.record) as pilot:
        hidden = [check for check, _ in DEFAULT_CHECKS if check not in grid.shown_checks]
        await pilot.click(ScorecardGrid, offset=(lines_of(grid)[0].index("›"), 0))
        assert grid.cursor_cell == ("gfc-2008", hidden[0])
        assert hidden[0] in grid.shown_checks
        await pilot.click(ScorecardGrid, offset=(lines_of(grid)[0].index("‹"), 0))
        assert grid.cursor_cell is not None and grid.shown_checks[0] == grid.cursor_cell[1]
        # A click on a header label moves the cursor to that column.
        header = lines_of(grid)[0]
        await pilot.click(ScorecardGrid, offset=(header.index("Verdict") + 1, 0))
        assert grid.cursor_cell == ("gfc-2008", "verdict")


async def test_moving_within_the_shown_checks_repaints_only_header_and_row() -> None:
    grid = ScorecardGrid(sample_scores())
    async with WidgetHost(grid).run_test(size=(80, 8)) as pilot:
        grid.focus()
        await pilot.pause()
        calls = spy_render_lines(grid)
        await pilot.press("l")
        await pilot.pause()
        assert sorted(set(calls)) == [0, 1]  # header and the cursor row


def test_format_helpers_and_row_validation() -> None:
    assert format_cell(ScoreCell("ust10y", 64.0, "bp", "fail")) == "+64bp ✗"
    assert format_cell(ScoreCell("usd", -2.94, "%", "fail"), ascii=True) == "-2.9% x"
    assert format_cell(None) == "n/a –"
    assert format_verdict("mixed") == "~ mixed"
    assert format_verdict("n/a", ascii=True) == "- n/a"
    assert ScoreRow("live", "Now", "2026-11-20", "2026-11-25", "n/a").live
    with pytest.raises(ValueError, match="result"):
        ScoreCell("ust10y", 1.0, "bp", "maybe")
    with pytest.raises(ValueError, match="verdict"):
        ScoreRow("x", "X", "a", "b", "safe")
