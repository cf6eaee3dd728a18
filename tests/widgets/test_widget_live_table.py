"""LiveTable: keyed upserts that repaint only changed rows, cursor, filter, marks, mouse."""

from __future__ import annotations

import pytest
from textual.color import Color
from widget_hosts import WidgetHost, lines_of, many_rows, sample_rows, spy_render_lines

from widgets.data import TableRow
from widgets.live_table import LiveTable, format_change, format_value


def _line_of(table: LiveTable, row_id: str) -> str:
    row = table.get_row(row_id)
    assert row is not None
    return next(line for line in lines_of(table) if line[2:].startswith(row.name + " "))


async def test_rows_show_value_change_with_unit_and_direction_mark() -> None:
    table = LiveTable(sample_rows())
    app = WidgetHost(table)
    async with app.run_test(size=(120, 24)):
        ust10y = _line_of(table, "ust10y")
        assert "4.123" in ust10y and "▲ +3.2bp" in ust10y
        # The source is a short label that cannot be misread (not "fre" cut from "fred:").
        assert " FRED " in ust10y and "2026-11-24" in ust10y and "fresh" in ust10y
        assert "▼ -1.12%" in _line_of(table, "spx")
        assert "6,812.45" in _line_of(table, "spx")
        assert "▲ +1.35pts" in _line_of(table, "vix")
        assert "= +0.0bp" in _line_of(table, "ust30y")
        # Group headings separate the sections.
        assert any(line.lstrip().startswith("── FX ") for line in lines_of(table))


async def test_status_is_spelled_out_and_marked_in_the_gutter() -> None:
    table = LiveTable(sample_rows())
    async with WidgetHost(table).run_test(size=(120, 24)):
        stale = _line_of(table, "ust30y")
        assert stale[1] == "~" and "stale late" in stale
        error = _line_of(table, "jgb10y")
        assert error[1] == "!" and "n/a" in error and "error" in error
        assert _line_of(table, "gold")[1] == "?" and "missing" in _line_of(table, "gold")
        assert "fresh intra" in _line_of(table, "eurusd")


async def test_ascii_mode_uses_only_ascii() -> None:
    table = LiveTable(sample_rows(), ascii=True)
    async with WidgetHost(table).run_test(size=(120, 24)):
        text = "\n".join(lines_of(table))
        assert "^ +3.2bp" in text and "v -1.12%" in text
        assert text.isascii(), {ch for ch in text if not ch.isascii()}
        # The cursor reads without colour: a ">" in the gutter.
        assert _line_of(table, "ust2y").startswith(">")


async def test_upsert_repaints_only_the_changed_row() -> None:
    table = LiveTable(sample_rows())
    async with WidgetHost(table).run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        calls = spy_render_lines(table)
        changed = table.upsert_rows(sample_rows(ust10y={"value": 4.150, "change": 5.9}))
        await pilot.pause()
        assert changed == {"ust10y"}
        repainted = list(calls)  # before reading the lines back (which renders them all)
        screen_y = lines_of(table).index(_line_of(table, "ust10y"))
        assert repainted == [screen_y]
        assert "4.150" in _line_of(table, "ust10y") and "▲ +5.9bp" in _line_of(table, "ust10y")


async def test_upsert_without_visible_change_repaints_nothing() -> None:
    table = LiveTable(sample_rows())
    async with WidgetHost(table).run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        calls = spy_render_lines(table)
        assert table.upsert_rows(sample_rows()) == frozenset()
        # A move below the last shown decimal renders the same text: nothing to repaint.
        assert table.upsert_rows(sample_rows(ust10y={"value": 4.1231})) == frozenset()
        await pilot.pause()
        assert calls == []


async def test_thirty_row_tick_with_one_change_repaints_one_line() -> None:
    """The bench case: a 30-row table where one value changes per tick."""
    table = LiveTable(many_rows(30))
    async with WidgetHost(table).run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        calls = spy_render_lines(table)
        for tick in range(1, 4):
            calls.clear()
            table.upsert_rows(many_rows(30, bump=[7], delta=0.01 * tick))
            await pilot.pause()
            assert calls == [1 + 7], calls  # header line + row index


async def test_change_off_screen_repaints_nothing() -> None:
    table = LiveTable(many_rows(40))
    async with WidgetHost(table).run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        calls = spy_render_lines(table)
        assert table.upsert_rows(many_rows(40, bump=[35])) == {"s35"}
        await pilot.pause()
        assert calls == []


async def test_upsert_keeps_cursor_and_scroll() -> None:
    table = LiveTable(many_rows(40))
    async with WidgetHost(table).run_test(size=(100, 12)) as pilot:
        table.focus()
        await pilot.press(*["j"] * 25)
        assert table.cursor_id == "s25"
        scroll_y = table.scroll_y
        assert scroll_y > 0
        table.upsert_rows(many_rows(40, bump=range(40)))
        table.upsert_rows(many_rows(40, bump=range(0, 40, 2), delta=0.75))
        await pilot.pause()
        assert table.cursor_id == "s25"
        assert table.scroll_y == scroll_y
        assert _line_of(table, "s25").startswith("▶")


async def test_new_row_joins_its_group_and_cursor_stays() -> None:
    table = LiveTable(sample_rows())
    async with WidgetHost(table).run_test(size=(120, 24)) as pilot:
        table.move_cursor("vix")
        new = TableRow("ust5y", "UST 5Y", 3.95, 3, 1.0, "bp", group="Rates")
        table.upsert_rows([new])
        await pilot.pause()
        order = table.row_ids
        assert order.index("ust5y") == order.index("jgb10y") + 1
        assert order.index("ust5y") < order.index("usd_broad")
        assert table.cursor_id == "vix"


async def test_remove_and_set_rows() -> None:
    table = LiveTable(sample_rows())
    async with WidgetHost(table).run_test(size=(120, 24)) as pilot:
        table.move_cursor("spx")
        table.remove_rows(["spx", "nope"])
        await pilot.pause()
        assert "spx" not in table.row_ids
        assert table.cursor_id is not None
        table.set_rows(sample_rows()[:3])
        await pilot.pause()
        assert table.row_ids == ("ust2y", "ust10y", "ust30y")


async def test_filter_shows_matching_rows_only() -> None:
    table = LiveTable(sample_rows())
    async with WidgetHost(table).run_test(size=(120, 24)) as pilot:
        table.move_cursor("ust10y")
        table.filter("ust")
        await pilot.pause()
        assert table.visible_keys == ("ust2y", "ust10y", "ust30y")
        assert table.cursor_id == "ust10y"
        table.filter("yahoo")  # matches the source tag
        await pilot.pause()
        assert table.visible_keys == ("eurusd", "vix")
        assert table.cursor_id == "eurusd"
        table.filter("rates stale")  # every word must match
        await pilot.pause()
        assert table.visible_keys == ("ust30y",)
        assert not any("── FX" in line for line in lines_of(table))
        table.filter("")
        await pilot.pause()
        assert len(table.visible_keys) == len(sample_rows())


async def test_filtered_out_row_updates_without_repaint_and_reappears_updated() -> None:
    table = LiveTable(sample_rows())
    async with WidgetHost(table).run_test(size=(120, 24)) as pilot:
        table.filter("fx")
        await pilot.pause()
        calls = spy_render_lines(table)
        table.upsert_rows(sample_rows(ust10y={"value": 4.5}))
        await pilot.pause()
        assert calls == []
        table.filter("")
        await pilot.pause()
        assert "4.500" in _line_of(table, "ust10y")


async def test_keys_move_cursor_and_enter_posts_row_chosen() -> None:
    table = LiveTable(sample_rows())
    app = WidgetHost(table)
    async with app.run_test(size=(120, 24), message_hook=app.record) as pilot:
        table.focus()
        await pilot.press("down", "j", "k", "j", "enter")
        assert table.cursor_id == "ust30y"
        chosen = app.sent(LiveTable.RowChosen)
        assert [m.row_id for m in chosen] == ["ust30y"]
        highlighted = [m.row_id for m in app.sent(LiveTable.RowHighlighted)]
        assert highlighted[-4:] == ["ust10y", "ust30y", "ust10y", "ust30y"]
        await pilot.press("end")
        assert table.cursor_id == "gold"
        await pilot.press("home")
        assert table.cursor_id == "ust2y"


async def test_click_moves_cursor_and_second_click_chooses() -> None:
    table = LiveTable(sample_rows())
    app = WidgetHost(table)
    async with app.run_test(size=(120, 24), message_hook=app.record) as pilot:
        y = lines_of(table).index(_line_of(table, "vix"))
        await pilot.click(LiveTable, offset=(5, y))
        assert table.cursor_id == "vix"
        assert app.sent(LiveTable.RowChosen) == []
        await pilot.click(LiveTable, offset=(5, y))
        assert [m.row_id for m in app.sent(LiveTable.RowChosen)] == ["vix"]
        # Headings are not rows: clicking one changes nothing.
        heading = next(i for i, line in enumerate(lines_of(table)) if "── FX" in line)
        await pilot.click(LiveTable, offset=(5, heading))
        assert table.cursor_id == "vix"


async def test_columns_can_be_chosen() -> None:
    table = LiveTable(sample_rows(), columns=("name", "last", "change"))
    async with WidgetHost(table).run_test(size=(60, 24)):
        line = _line_of(table, "ust10y")
        assert "FRED" not in line and "▲ +3.2bp" in line
        assert table.shown_columns == ("name", "last", "change")
    with pytest.raises(ValueError, match="unknown LiveTable columns"):
        LiveTable(columns=("name", "volume"))


@pytest.mark.parametrize("theme", ["triffin-dark", "triffin-cb"])
async def test_tick_colours_come_from_the_theme(theme: str) -> None:
    table = LiveTable(sample_rows())
    app = WidgetHost(table, theme=theme)
    async with app.run_test(size=(120, 24)):
        variables = app.theme_variables
        up = table.get_component_rich_style("live-table--up").color
        down = table.get_component_rich_style("live-table--down").color
        assert up is not None and down is not None
        assert Color.from_rich_color(up) == Color.parse(variables["tick-up"])
        assert Color.from_rich_color(down) == Color.parse(variables["tick-down"])


def test_formatting_helpers() -> None:
    assert format_change(3.24, "bp") == ("▲ +3.2bp", "up")
    assert format_change(-0.314, "%") == ("▼ -0.31%", "down")
    assert format_change(1.2, "pts", ascii=True) == ("^ +1.20pts", "up")
    assert format_change(-0.04, "bp") == ("= +0.0bp", "flat")
    assert format_change(None, "bp") == ("n/a", "na")
    assert format_change(0.123, "pp", 1) == ("▲ +0.1pp", "up")
    assert format_value(6812.449, 2) == "6,812.45"
    assert format_value(float("nan"), 2) == "n/a"


def test_table_row_validates_status_and_takes_lists() -> None:
    with pytest.raises(ValueError, match="status"):
        TableRow("x", "X", 1.0, status="late")
    row = TableRow("x", "X", 1.0, spark=[1.0, 2.0])  # type: ignore[arg-type]
    assert row.spark == (1.0, 2.0)


async def test_theme_switch_recolours_rows() -> None:
    """Cycling themes (the app's ``t`` key) repaints ticks in the new theme's colours."""
    table = LiveTable(sample_rows())
    app = WidgetHost(table, theme="triffin-dark")
    async with app.run_test(size=(120, 24)) as pilot:
        y = lines_of(table).index(_line_of(table, "ust10y"))

        def up_colour() -> Color:
            segment = next(s for s in table.render_line(y) if "▲" in s.text)
            assert segment.style is not None and segment.style.color is not None
            return Color.from_rich_color(segment.style.color)

        dark_up = up_colour()
        assert dark_up == Color.parse(app.theme_variables["tick-up"])
        app.theme = "triffin-cb"
        await pilot.pause()
        assert up_colour() == Color.parse(app.theme_variables["tick-up"]) != dark_up


async def test_clearing_the_filter_keeps_the_cursor_row_in_view() -> None:
    table = LiveTable(many_rows(40))
    async with WidgetHost(table).run_test(size=(100, 12)) as pilot:
        table.filter("s35")
        await pilot.pause()
        assert table.visible_keys == ("s35",) and table.cursor_id == "s35"
        table.filter("")
        await pilot.pause()
        assert table.cursor_id == "s35"
        assert any(line.startswith("▶ Series 35") for line in lines_of(table))


async def test_filter_matches_a_group_heading_by_whole_words_only() -> None:
    """Issue 17: ``/jgb`` showed every Bund through the heading "Bunds & JGBs"; a heading
    now matches whole words (``/bunds`` still finds its group), names and ids by substring."""
    rows = [
        TableRow("bund10y", "Bund 10Y", 2.611, 3, -2.5, "bp", group="Bunds & JGBs"),
        TableRow("jgb10y", "JGB 10Y", 1.711, 3, 0.4, "bp", group="Bunds & JGBs"),
        TableRow("ust10y", "UST 10Y", 4.123, 3, 3.2, "bp", group="Treasuries"),
    ]
    table = LiveTable(rows)
    async with WidgetHost(table).run_test(size=(120, 24)) as pilot:
        table.filter("jgb")
        await pilot.pause()
        assert table.visible_keys == ("jgb10y",)
        table.filter("bunds")
        await pilot.pause()
        assert table.visible_keys == ("bund10y", "jgb10y")
        table.filter("treas")  # part of a heading's word: no match through the heading
        await pilot.pause()
        assert table.visible_keys == ()
