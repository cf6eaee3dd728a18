"""LiveTable for a trading desk: columns that fit, h/l, decimal points, sorting, labels."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from widget_hosts import WidgetHost, desk_rows, lines_of, many_rows, spy_render_lines

from widgets.data import TableRow
from widgets.live_table import (
    COLUMNS,
    DEFAULT_COLUMNS,
    LiveTable,
    age_seconds,
    decimal_split,
    format_period_change,
    source_label,
)


def _line_of(table: LiveTable, row_id: str) -> str:
    row = table.get_row(row_id)
    assert row is not None
    return next(line for line in lines_of(table) if line[2:].startswith(row.name + " "))


def _body_order(table: LiveTable) -> list[str]:
    """Row names in screen order (headings skipped)."""
    names = {row.name: row.id for row in desk_rows()}
    out = []
    for line in lines_of(table)[1:]:
        for name, ident in names.items():
            if line[2:].startswith(name + " "):
                out.append(ident)
    return out


def _header(table: LiveTable) -> str:
    return lines_of(table)[0]


# -- columns that fit ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "shown"),
    [
        (60, ("name", "last", "change", "age", "1w")),
        (80, ("name", "last", "change", "age", "1w", "1m", "ytd")),
        (120, DEFAULT_COLUMNS),
    ],
)
async def test_columns_follow_the_width_in_priority_order(width: int, shown: tuple[str, ...]) -> None:
    table = LiveTable(desk_rows())
    async with WidgetHost(table).run_test(size=(width, 24)):
        assert table.shown_columns == shown
        header = _header(table)
        for column in shown:
            assert COLUMNS[column].label in header  # every shown header whole, none cut
        assert max(cell_len(line) for line in lines_of(table)) <= width


async def test_at_80_columns_instrument_last_and_chg_are_never_cut() -> None:
    table = LiveTable(desk_rows())
    async with WidgetHost(table).run_test(size=(80, 24)):
        for row in desk_rows():
            line = _line_of(table, row.id)
            assert row.name in line
            if row.value is not None:
                assert f"{row.value:,.{row.decimals}f}" in line
        assert "▲ +1.10pp 1Q" in _line_of(table, "debt_gdp")  # change, unit and horizon whole
        assert "▲ +1.35pts" in _line_of(table, "vix")


async def test_pinned_columns_stay_even_when_nothing_else_fits() -> None:
    table = LiveTable(desk_rows())
    async with WidgetHost(table).run_test(size=(42, 24)):
        assert table.shown_columns == ("name", "last", "change")
        assert "›" in _header(table)


async def test_a_column_no_row_fills_is_not_shown() -> None:
    rows = [TableRow("a", "A", 1.0, 2, 0.5, "%", date="2026-11-24", age="1h", source="fred:A")]
    table = LiveTable(rows)
    async with WidgetHost(table).run_test(size=(120, 10)) as pilot:
        assert "1w" not in table.shown_columns and "1W" not in _header(table)
        table.upsert_rows([TableRow("a", "A", 1.0, 2, 0.5, "%", date="2026-11-24", age="1h", change_1w=2.0)])
        await pilot.pause()
        assert "1w" in table.shown_columns and "+2.00%" in _line_of(table, "a")


async def test_columns_are_configurable_in_order_with_aliases() -> None:
    table = LiveTable(desk_rows(), columns=["Trend", "name", "chg", "source"])
    async with WidgetHost(table).run_test(size=(120, 24)) as pilot:
        # Pinned columns come first, the rest keep the order given.
        assert table.columns == ("name", "change", "spark", "source")
        assert table.shown_columns == ("name", "change", "spark", "source")
        header = _header(table)
        assert header.index("Chg") < header.index("Trend") < header.index("Source")
        table.columns = ("name", "last", "ytd")
        await pilot.pause()
        assert table.shown_columns == ("name", "last", "ytd") and "YTD" in _header(table)
    with pytest.raises(ValueError, match="unknown LiveTable columns"):
        LiveTable(columns=("name", "volume"))
    with pytest.raises(ValueError, match="repeated"):
        LiveTable(columns=("name", "trend", "spark"))


async def test_h_and_l_scroll_the_hidden_columns_in_and_out() -> None:
    table = LiveTable(desk_rows())
    async with WidgetHost(table).run_test(size=(80, 24)) as pilot:
        table.focus()
        assert table.hidden_columns == ("spark", "source", "date", "status")
        assert _header(table).rstrip().endswith("YTD›") and "‹" not in _header(table)
        await pilot.press("l")
        assert "age" not in table.shown_columns and "spark" in table.shown_columns
        assert "‹" in _header(table)
        await pilot.press("l", "right", "l", "l", "l")
        assert table.shown_columns[-1] == "status"
        await pilot.pause()
        assert not table.show_horizontal_scrollbar
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert "›" not in _header(table)
        assert "stale late" in _line_of(table, "ust30y")
        assert _line_of(table, "ust30y")[2:].startswith("UST 30Y")  # pinned while scrolled
        await pilot.press(*["h"] * 3, *["left"] * 6)
        assert table.shown_columns == ("name", "last", "change", "age", "1w", "1m", "ytd")
        assert "‹" not in _header(table)


async def test_clicking_the_scroll_marker_scrolls() -> None:
    table = LiveTable(desk_rows())
    async with WidgetHost(table).run_test(size=(80, 24)) as pilot:
        x = _header(table).index("›")
        await pilot.click(LiveTable, offset=(x, 0))
        assert "spark" in table.shown_columns
        x = _header(table).index("‹")
        await pilot.click(LiveTable, offset=(x, 0))
        assert "age" in table.shown_columns


# -- decimal points, labels, changes ----------------------------------------------------


async def test_numbers_line_up_on_their_decimal_point() -> None:
    table = LiveTable(desk_rows())
    async with WidgetHost(table).run_test(size=(120, 24)):
        rows = ("ust3m", "usd_broad", "eurusd", "spx", "s2s10s", "debt_gdp")
        lines = [_line_of(table, r) for r in rows]
        last = {
            line[line.index(name) + len(name) :].split()[0]
            for line, name in zip(
                lines, ["UST 3M", "USD broad", "EUR/USD", "S&P 500", "2s10s", "Debt / GDP"], strict=True
            )
        }
        assert last == {"3.640", "118.45", "1.0842", "6,812.45", "25.2", "122.3"}
        points = {
            line.index(value) + decimal_split(value)
            for line, value in zip(lines, ["3.640", "118.45", "1.0842", "6,812.45", "25.2", "122.3"], strict=True)
        }
        assert len(points) == 1, points  # one column for every decimal point
        changes = {
            line.index(text) + decimal_split(text)
            for line, text in zip(
                lines, ["▼ -0.2bp", "▲ +0.42%", "▼ -0.31%", "▼ -1.12%", "▲ +4.4bp", "▲ +1.10pp"], strict=True
            )
        }
        assert len(changes) == 1, changes
        ytd = {
            line.index(text) + decimal_split(text)
            for line, text in zip(lines, ["-68.4bp", "-7.71%", "+4.72%", "+15.83%", "-5.2bp", "+2.40pp"], strict=True)
        }
        assert len(ytd) == 1, ytd


async def test_short_source_labels_and_period_changes() -> None:
    table = LiveTable(desk_rows())
    async with WidgetHost(table).run_test(size=(140, 24)) as pilot:
        assert " MOF " in _line_of(table, "jgb10y") and " BBK " in _line_of(table, "bund10y")
        ust10y = _line_of(table, "ust10y")
        assert "+11.8bp" in ust10y and "+22.4bp" in ust10y and "-45.1bp" in ust10y
        table.filter("bbk")  # the label is searchable
        await pilot.pause()
        assert table.visible_keys == ("ust_bund_10y", "bund10y")
    plain = TableRow("x", "X", 1.0, source="treasury:avg")
    assert source_label(plain) == "TREASURY"
    assert source_label(TableRow("x", "X", 1.0, source="treasury:avg", source_label="UST")) == "UST"


def test_helpers() -> None:
    assert decimal_split("▲ +3.2bp") == 4
    assert decimal_split("+12bp") == 3
    assert decimal_split("6,812.45") == 5
    assert decimal_split("n/a") == -1
    assert format_period_change(12.34, "bp") == ("+12.3bp", "up")
    assert format_period_change(-0.004, "%") == ("+0.00%", "flat")
    assert format_period_change(None, "%") == ("n/a", "na")
    assert [age_seconds(a) for a in ("<1m", "12m", "3h", "2d", "", "soon")] == [30, 720, 10800, 172800, None, None]


# -- sorting -------------------------------------------------------------------------


async def test_o_cycles_the_sort_column_O_reverses_and_the_cycle_ends_grouped() -> None:
    table = LiveTable(desk_rows())
    app = WidgetHost(table)
    async with app.run_test(size=(80, 24), message_hook=app.record) as pilot:
        table.focus()
        grouped = _body_order(table)
        await pilot.press("o")
        assert table.sort == ("name", False)
        names = [r.name.casefold() for r in desk_rows()]
        assert _body_order(table)[: len(names)] == [r.id for r in sorted(desk_rows(), key=lambda r: r.name.casefold())]
        assert not any(line.startswith("──") for line in lines_of(table))  # no headings while sorted
        assert "Instrument ↑" in _header(table)
        await pilot.press("o", "o")
        assert table.sort == ("change", False)
        order = _body_order(table)
        assert order[:2] == ["bund10y", "ust2y"] and order[-1] == "jgb10y"  # n/a last
        await pilot.press("O")
        assert table.sort == ("change", True)
        assert _body_order(table)[:2] == ["ust_bund_10y", "s2s10s"] and _body_order(table)[-1] == "jgb10y"
        assert "Chg ↓" in _header(table)
        for _ in range(4):  # age, 1W, 1M, YTD
            await pilot.press("o")
        assert table.sort == ("ytd", False)
        assert _body_order(table)[0] == "ust3m"
        await pilot.press("o")
        assert table.sort is None and _body_order(table) == grouped
        assert any(line.startswith("── Treasuries") for line in lines_of(table))
        sorts = [(m.column, m.reverse) for m in app.sent(LiveTable.SortChanged)]
        assert sorts[:4] == [("name", False), ("last", False), ("change", False), ("change", True)]
        assert sorts[-1] == (None, False)


async def test_header_click_sorts_then_reverses_then_restores_grouped_order() -> None:
    table = LiveTable(desk_rows())
    async with WidgetHost(table).run_test(size=(120, 24)) as pilot:
        x = _header(table).index("Last")
        await pilot.click(LiveTable, offset=(x, 0))
        assert table.sort == ("last", False)
        assert _body_order(table)[:2] == ["eurusd", "bund10y"]
        await pilot.click(LiveTable, offset=(x, 0))
        assert table.sort == ("last", True) and _body_order(table)[0] == "spx"
        await pilot.click(LiveTable, offset=(x, 0))
        assert table.sort is None and _body_order(table)[0] == "ust3m"
        # The Trend column does not sort.
        await pilot.click(LiveTable, offset=(_header(table).index("Trend"), 0))
        assert table.sort is None


async def test_sorted_update_repaints_one_row_unless_it_moves() -> None:
    table = LiveTable(many_rows(30))
    async with WidgetHost(table).run_test(size=(100, 34)) as pilot:
        table.sort_by("last", reverse=True)
        await pilot.pause()
        calls = spy_render_lines(table)
        table.upsert_rows(many_rows(30, bump=[7], delta=0.01))  # stays between 8 and 6
        await pilot.pause()
        assert len(calls) == 1
        calls.clear()
        table.upsert_rows(many_rows(30, bump=[7], delta=50.0))  # jumps to the top
        await pilot.pause()
        assert table.visible_keys[0] == "s07" and len(calls) > 1
    with pytest.raises(ValueError, match="cannot sort"):
        LiveTable().sort_by("spark")


async def test_one_changed_value_repaints_one_line_with_the_desk_columns() -> None:
    """The bench property with every column shown: one change, one screen line."""
    rows = desk_rows()
    table = LiveTable(rows)
    async with WidgetHost(table).run_test(size=(160, 24)) as pilot:
        await pilot.pause()
        calls = spy_render_lines(table)
        bumped = [
            TableRow(**{**{f: getattr(r, f) for f in r.__dataclass_fields__}, "value": 4.131})
            if r.id == "ust10y"
            else r
            for r in rows
        ]
        assert table.upsert_rows(bumped) == {"ust10y"}
        await pilot.pause()
        assert len(calls) == 1
        assert "4.131" in _line_of(table, "ust10y")
