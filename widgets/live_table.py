"""Provides :class:`LiveTable`, the keyed instrument table that repaints only changed rows.

Why not ``DataTable``: ``DataTable.update_cell`` refreshes the whole widget, so one
changed value re-sends every visible row to the terminal (measured with a pseudo-terminal probe: 16 KB/s for
a 30-row table, the same whether 1 or 30 rows changed). ``LiveTable`` is built on
Textual's Line API instead: ``render_line(y)`` draws one screen line, Textual's line cache
keeps every line that was not marked dirty, and :meth:`LiveTable.upsert_rows` marks dirty
only the screen lines of rows whose *rendered text or styles* changed (``refresh(Region)``,
public API). A value that moves past its last shown decimal repaints nothing at all.

The cursor / scroll / click machinery lives in :class:`~widgets.line_list.LineListView`;
the columns and cell formats in :mod:`widgets.table_format` (both re-exported here).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from widgets.data import TableRow
from widgets.glyphs import ascii_text
from widgets.line_list import LineListView, ListLine, ascii_guard, fit
from widgets.sparkline import sparkline
from widgets.table_format import (
    COLUMN_ALIASES,
    COLUMNS,
    DEFAULT_COLUMNS,
    STATUS_GLYPHS,
    Cell,
    Column,
    Layout,
    age_seconds,
    decimal_split,
    format_change,
    format_period_change,
    format_value,
    sort_key,
    source_label,
)

__all__ = [
    "COLUMNS",
    "COLUMN_ALIASES",
    "DEFAULT_COLUMNS",
    "Column",
    "LineListView",
    "ListLine",
    "LiveTable",
    "age_seconds",
    "ascii_guard",
    "decimal_split",
    "fit",
    "format_change",
    "format_period_change",
    "format_value",
    "source_label",
]


class LiveTable(LineListView):
    """Every instrument as a keyed row, repainting only the rows that changed.

    Columns (ids in :data:`COLUMNS`): a gutter (cursor ``▶``/``>`` and a status glyph:
    ``~`` stale, ``!`` error, ``?`` missing), Instrument, Last, Chg (``▲``/``▼``, ASCII
    ``^``/``v``, its unit, and its horizon when it is not one day), Age, 1W, 1M, YTD
    changes, a text sparkline (Trend), Source (a short label), Date, and Status spelled out
    with ``late`` / ``intra`` flags. Rows with a ``group`` are shown under a heading.

    Width: the configured columns are kept in order; Instrument, Last and Chg are pinned at
    the left and never dropped; the others are shown whole or not at all, from the left
    of the list, as far as the width allows (a column no row has a value for is skipped).
    ``h``/``l`` (or the arrows) scroll the hidden ones in; ``‹``/``›`` in the header say
    that columns are hidden to the left/right. Numbers line up on their decimal point.

    Sorting: ``o`` sorts by the next shown column (the last press returns to the grouped
    order), ``O`` reverses, a header click sorts by that column and a second click on it
    reverses, a third returns to the grouped order. Missing values sort last. The sorted
    column's header is underlined and carries ``↑``/``↓`` (ASCII ``^``/``v``).

    Keys: up/down or k/j move, page up/down, home/end, Enter posts :class:`RowChosen`.
    Mouse: click moves the cursor, clicking the cursor row again or double clicking
    posts :class:`RowChosen`.

    Colours come from the component classes below, which use theme variables only; the
    host App must define triffin's theme variables (``themes.THEME_VARIABLE_DEFAULTS``).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "scroll_columns(-1)", "Columns left", show=False),
        Binding("right,l", "scroll_columns(1)", "Columns right", show=False),
        Binding("o", "cycle_sort", "Sort by next column", show=False),
        Binding("O", "reverse_sort", "Reverse sort", show=False),
    ]
    """Column scrolling and sorting (row movement and Enter come from the base class)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "live-table--header",
        "live-table--sorted-header",
        "live-table--group",
        "live-table--cursor",
        "live-table--up",
        "live-table--down",
        "live-table--flat",
        "live-table--na",
        "live-table--spark",
        "live-table--dim",
        "live-table--stale",
        "live-table--error",
        "live-table--late",
        "live-table--intraday",
    }
    """Style hooks: header (and the sorted column's), group heading, cursor row, change
    direction, sparkline, secondary text, and the row states. One class per distinct look:
    Textual styles every component class again in every style pass (issue 20), so a "fresh"
    status reads ``--dim`` and a missing row ``--na`` (they were separate classes with the
    same rules)."""

    cursor_component: ClassVar[str] = "live-table--cursor"

    DEFAULT_CSS = """
    LiveTable {
        height: auto;
        max-height: 100%;
        width: 1fr;
        background: $surface;
        color: $foreground;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 1;
    }
    LiveTable > .live-table--header { text-style: bold; color: $text-muted; }
    LiveTable > .live-table--sorted-header { text-style: bold underline; color: $text; }
    LiveTable > .live-table--group { text-style: bold; color: $text-primary; }
    LiveTable > .live-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
        text-style: $block-cursor-blurred-text-style;
    }
    LiveTable:focus > .live-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    LiveTable > .live-table--up { color: $tick-up; }
    LiveTable > .live-table--down { color: $tick-down; }
    LiveTable > .live-table--flat { color: $tick-flat; }
    LiveTable > .live-table--na { color: $text-disabled; }
    LiveTable > .live-table--spark { color: $sparkline; }
    LiveTable > .live-table--dim { color: $text-muted; }
    LiveTable > .live-table--stale { color: $stale; text-style: italic; }
    LiveTable > .live-table--error { color: $feed-error; text-style: bold; }
    LiveTable > .live-table--late { color: $late; }
    LiveTable > .live-table--intraday { color: $intraday; }
    LiveTable:nocolor > .live-table--error { text-style: bold reverse; }
    """
    """Structure and colours, by theme variable only. Under ``NO_COLOR`` (Textual's
    ``:nocolor``) an error row is bold reverse video: the loudest text, never a dim grey."""

    class RowHighlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, table: LiveTable, row_id: str) -> None:
            """Initialise the message.

            Args:
                table: The table that sent it.
                row_id: Id of the row now under the cursor.
            """
            super().__init__()
            self.table = table
            """The table that sent it."""
            self.row_id = row_id
            """Id of the row now under the cursor."""

        @property
        def control(self) -> LiveTable:
            """The table that sent it (for ``@on(..., "#selector")``)."""
            return self.table

    class RowChosen(Message):
        """A row was chosen (Enter, or a click on the cursor row)."""

        def __init__(self, table: LiveTable, row_id: str) -> None:
            """Initialise the message.

            Args:
                table: The table that sent it.
                row_id: Id of the chosen row.
            """
            super().__init__()
            self.table = table
            """The table that sent it."""
            self.row_id = row_id
            """Id of the chosen row."""

        @property
        def control(self) -> LiveTable:
            """The table that sent it (for ``@on(..., "#selector")``)."""
            return self.table

    class SortChanged(Message):
        """The sort order changed (``o``, ``O``, a header click or :meth:`LiveTable.sort_by`)."""

        def __init__(self, table: LiveTable, column: str | None, reverse: bool) -> None:
            """Initialise the message.

            Args:
                table: The table that sent it.
                column: Column id sorted by; None for the grouped order.
                reverse: True for descending.
            """
            super().__init__()
            self.table = table
            """The table that sent it."""
            self.column = column
            """Column id sorted by; None for the grouped order."""
            self.reverse = reverse
            """True for descending."""

        @property
        def control(self) -> LiveTable:
            """The table that sent it."""
            return self.table

    def __init__(
        self,
        rows: Iterable[TableRow] = (),
        *,
        ascii: bool = False,
        columns: Sequence[str] | None = None,
        spark_width: int = 12,
        max_name_width: int = 22,
        show_groups: bool = True,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's parameter name
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Initialise the table.

        Args:
            rows: Initial rows, in display order.
            ascii: ASCII only: ``^``/``v`` marks, ``_.-~=*#`` sparklines, ``>`` cursor,
                and every text folded to ASCII (``€STR`` shows as ``ESTR``).
            columns: Column ids to show, in display and priority order, from
                :data:`COLUMNS` (aliases in :data:`COLUMN_ALIASES`); None shows
                :data:`DEFAULT_COLUMNS`. Instrument, Last and Chg, when listed, come first.
            spark_width: Characters of sparkline history.
            max_name_width: Longest name shown before truncation.
            show_groups: Show group headings (rows keep their group order either way).
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
            disabled: Start disabled.

        Raises:
            ValueError: on an unknown or repeated column id.
        """
        super().__init__(ascii=ascii, name=name, id=id, classes=classes, disabled=disabled)
        self._columns: tuple[str, ...] = self.check_columns(columns)
        self._spark_width = spark_width
        self._max_name_width = max_name_width
        self._show_groups = show_groups
        self._rows: dict[str, TableRow] = {}
        self._cells: dict[str, tuple[Cell, ...]] = {}
        self._layouts: dict[str, Layout] = {}
        self._has_data: dict[str, bool] = {}
        self._shown: tuple[str, ...] = self._columns
        self._column_offset = 0
        self._hidden_left = 0
        self._hidden_right = 0
        self._spans: list[tuple[str, int, int]] = []
        self._width_hint: int | None = None  # the width a layout pass is about to give (_size_updated)
        self._sized: tuple[int, int] | None = None  # the size the columns were last fitted to there
        self._sort: tuple[str, bool] | None = None
        self._order: list[str] = []
        self._filter = ""
        self.last_repainted: frozenset[str] = frozenset()
        """Ids whose rendering changed in the last :meth:`upsert_rows` (for tests, probes)."""
        for row in rows:
            self._rows[row.id] = row
            self._cells[row.id] = self._format(row)
        self._measure_columns()

    @staticmethod
    def check_columns(columns: Sequence[str] | None) -> tuple[str, ...]:
        """Validate and normalise a column selection (aliases resolved, pinned ones first).

        Args:
            columns: Column ids or aliases, case-insensitive; None for the default set.

        Returns:
            Column ids in display order.

        Raises:
            ValueError: on an unknown or repeated column, or an empty selection.
        """
        if columns is None:
            return DEFAULT_COLUMNS
        ids = [COLUMN_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in columns]
        unknown = [c for c, i in zip(columns, ids, strict=True) if i not in COLUMNS]
        if unknown:
            raise ValueError(f"unknown LiveTable columns {unknown}; known: {list(COLUMNS)}")
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"LiveTable columns repeated: {repeated}")
        if not ids:
            raise ValueError("LiveTable needs at least one column")
        pinned = [i for i in ids if COLUMNS[i].pinned]
        return (*pinned, *(i for i in ids if not COLUMNS[i].pinned))

    # -- public API -----------------------------------------------------------------

    @property
    def columns(self) -> tuple[str, ...]:
        """Column ids configured, in order; setting it re-lays the table out."""
        return self._columns

    @columns.setter
    def columns(self, columns: Sequence[str] | None) -> None:
        self._columns = self.check_columns(columns)
        self._column_offset = 0
        if self._sort is not None and self._sort[0] not in self._columns:
            self._sort = None
        self._rebuild()

    @property
    def shown_columns(self) -> tuple[str, ...]:
        """Column ids drawn now (pinned ones, then those that fit), in display order."""
        return self._shown

    @property
    def hidden_columns(self) -> tuple[str, ...]:
        """Configured columns not drawn now (no room, scrolled away, or no data in any row)."""
        return tuple(c for c in self._columns if c not in self._shown)

    @property
    def sort(self) -> tuple[str, bool] | None:
        """``(column id, descending)`` the rows are sorted by, or None for the grouped order."""
        return self._sort

    def sort_by(self, column: str | None, reverse: bool = False) -> None:
        """Sort the rows by a column (None: back to the grouped order).

        Missing values go last in either direction; ties keep the grouped order. While
        sorted, group headings are not shown and an update that moves a row re-lays the
        table out (one that does not still repaints only its row).

        Args:
            column: A sortable column id or alias, or None.
            reverse: Descending.

        Raises:
            ValueError: for an unknown or unsortable column.
        """
        if column is not None:
            column = COLUMN_ALIASES.get(column.lower(), column.lower())
            if column not in COLUMNS or not COLUMNS[column].sortable:
                sortable = [c for c, spec in COLUMNS.items() if spec.sortable]
                raise ValueError(f"cannot sort by {column!r}; sortable: {sortable}")
        new = None if column is None else (column, reverse)
        if new == self._sort:
            return
        self._sort = new
        self._rebuild()
        if self._cursor_key is not None and self.is_mounted:
            self.call_after_refresh(self._scroll_into_view, self._cursor_key)
        self.post_message(self.SortChanged(self, column, reverse))

    def scroll_columns(self, delta: int) -> bool:
        """Scroll the unpinned columns by ``delta`` (positive: show those to the right).

        Returns:
            False when there was nothing to scroll in that direction.
        """
        if delta > 0 and not self._hidden_right or delta < 0 and not self._hidden_left or not delta:
            return False
        scrollable, end_from = self._window()
        offset = self._column_offset
        if delta > 0:
            # Step until a new column actually comes in (the next one may be wider).
            end = end_from(offset)
            for _ in range(delta):
                offset = next((o for o in range(offset + 1, len(scrollable)) if end_from(o) > end), offset)
                end = end_from(offset)
        self._column_offset = max(offset if delta > 0 else offset + delta, 0)
        self._relayout(force=True)
        return True

    @property
    def row_ids(self) -> tuple[str, ...]:
        """Ids of every row held (shown or filtered out), in display order."""
        return tuple(self._ordered_ids())

    @property
    def filter_text(self) -> str:
        """The current filter (empty: every row is shown)."""
        return self._filter

    @property
    def cursor_id(self) -> str | None:
        """Id of the row under the cursor."""
        return self._cursor_key

    def get_row(self, row_id: str) -> TableRow | None:
        """Return the row held under ``row_id``, or None."""
        return self._rows.get(row_id)

    def upsert_rows(self, rows: Iterable[TableRow]) -> frozenset[str]:
        """Add new rows and update existing ones by id, repainting only what changed.

        Rows already held keep their place; new rows go to the end of their group.
        Cursor and scroll position are kept. Only when a row is added, a column has to
        grow (or its decimal point moves), or a sorted row changes place, is the whole
        table repainted.

        Args:
            rows: Rows to add or update.

        Returns:
            Ids of the rows whose rendered content changed (also kept in
            :attr:`last_repainted`).
        """
        changed: set[str] = set()
        structural = False
        for row in rows:
            old = self._rows.get(row.id)
            if old == row:
                continue
            cells = self._format(row)
            if old is None or old.group != row.group:
                structural = True
            elif self._filter and self._matches(old) != self._matches(row):
                structural = True
            self._rows[row.id] = row
            if self._cells.get(row.id) != cells:
                self._cells[row.id] = cells
                changed.add(row.id)
        if changed and not structural:
            structural = self._measure_columns()
            if self._sort is not None and not structural:
                structural = self._ordered_ids() != self._order
        if structural:
            self._restructure()  # every row's cells are up to date: no second formatting
        elif changed:
            self._refresh_keys(changed)
        self.last_repainted = frozenset(changed)
        return self.last_repainted

    def set_rows(self, rows: Iterable[TableRow]) -> frozenset[str]:
        """Make the table hold exactly ``rows``: upsert them and remove the others.

        Returns:
            Ids whose rendered content changed (removed ids not included).
        """
        rows = list(rows)
        keep = {row.id for row in rows}
        self.remove_rows([key for key in self._rows if key not in keep])
        return self.upsert_rows(rows)

    def remove_rows(self, row_ids: Iterable[str]) -> None:
        """Remove rows by id (unknown ids are ignored)."""
        removed = False
        for key in row_ids:
            if self._rows.pop(key, None) is not None:
                self._cells.pop(key, None)
                removed = True
        if removed:
            self._rebuild()

    def filter(self, text: str) -> None:
        """Show only rows matching every word of ``text`` (case-insensitive).

        A row matches a word found in its id, name, source, group or status.
        The cursor stays on its row if that row still shows.

        Args:
            text: The filter; empty shows every row.
        """
        text = text.strip()
        if text != self._filter:
            self._filter = text
            self._rebuild()
            if self._cursor_key is not None and self.is_mounted:
                # After the new virtual size is laid out, bring the cursor row back in view.
                self.call_after_refresh(self._scroll_into_view, self._cursor_key)

    # -- actions --------------------------------------------------------------------

    def action_scroll_columns(self, delta: int) -> None:
        """Scroll the unpinned columns (``h``/``l``)."""
        self.scroll_columns(delta)

    def action_cycle_sort(self) -> None:
        """Sort by the next shown sortable column; after the last, back to grouped order."""
        order = [c for c in self._shown if COLUMNS[c].sortable]
        if not order:
            return
        if self._sort is None:
            self.sort_by(order[0])
        elif self._sort[0] in order and order.index(self._sort[0]) + 1 < len(order):
            self.sort_by(order[order.index(self._sort[0]) + 1])
        else:
            self.sort_by(None)

    def action_reverse_sort(self) -> None:
        """Reverse the current sort (nothing in the grouped order)."""
        if self._sort is not None:
            self.sort_by(self._sort[0], not self._sort[1])

    def _on_header_click(self, offset_x: int, y: int) -> None:
        """A click on a header sorts by it, then reverses, then restores the grouped order;
        a click on ``‹`` / ``›`` scrolls the columns."""
        x = offset_x if offset_x < self._fixed_width else offset_x + round(self.scroll_x)
        for index, (column, x0, x1) in enumerate(self._spans):
            if not x0 <= x <= x1:
                continue
            pinned_end = sum(1 for c in self._shown if COLUMNS[c].pinned) - 1
            marker = self.render_line(0).text[offset_x : offset_x + 1] if self.is_mounted else ""
            if marker in ("‹", "<") and self._hidden_left and index in (pinned_end, pinned_end + 1):
                self.scroll_columns(-1)
                return
            if x == x1:  # the separator cell after the last column holds the right marker
                if index == len(self._spans) - 1 and self._hidden_right:
                    self.scroll_columns(1)
                return
            if not COLUMNS[column].sortable:
                return
            if self._sort is None or self._sort[0] != column:
                self.sort_by(column)
            elif not self._sort[1]:
                self.sort_by(column, True)
            else:
                self.sort_by(None)
            return

    # -- layout ---------------------------------------------------------------------

    def _grouped_ids(self) -> list[str]:
        """Ids in grouped order: groups in order of first appearance, then insertion."""
        groups: dict[str, list[str]] = {}
        for key, row in self._rows.items():
            groups.setdefault(row.group, []).append(key)
        return [key for keys in groups.values() for key in keys]

    def _ordered_ids(self) -> list[str]:
        """Ids in display order: grouped, or sorted by the sort column (missing last)."""
        grouped = self._grouped_ids()
        if self._sort is None:
            return grouped
        column, reverse = self._sort
        keyed = [(sort_key(self._rows[key], column), key) for key in grouped]
        present = [(k, key) for k, key in keyed if k is not None]
        missing = [key for k, key in keyed if k is None]
        # One column's keys share one type (str, float or a status tuple); typed `object`, they are
        # not comparable to the checker.
        present.sort(key=lambda pair: pair[0], reverse=reverse)  # type: ignore[arg-type, return-value]
        return [key for _, key in present] + missing

    def _matches(self, row: TableRow) -> bool:
        """True if ``row`` passes the filter."""
        if not self._filter:
            return True
        haystack = " ".join((row.id, row.name, row.source, source_label(row), row.status)).lower()
        # A group heading matches whole words only: "/jgb" must not bring every Bund along
        # through the heading "Bunds & JGBs" (issue 17); "/spreads" still finds the group.
        group = set(re.split(r"[^a-z0-9]+", row.group.lower()))
        return all(word in haystack or word in group for word in self._filter.lower().split())

    def _build_lines(self) -> list[ListLine]:
        lines: list[ListLine] = []
        group: str | None = None
        self._order = self._ordered_ids()
        headings = self._show_groups and self._sort is None
        for key in self._order:
            row = self._rows[key]
            if not self._matches(row):
                continue
            if headings and row.group and row.group != group:
                lines.append(ListLine("group", self._text(row.group)))
            group = row.group
            lines.append(ListLine("row", key))
        return lines

    def _text(self, text: str) -> str:
        """Text from outside, folded to ASCII in ASCII mode."""
        return ascii_text(text) if self._ascii else text

    def _format(self, row: TableRow) -> tuple[Cell, ...]:
        """Turn a row into the cells of each configured column, then the gutter glyph."""
        cells: list[Cell] = []
        state_style = {
            "stale": "live-table--stale",
            "error": "live-table--error",
            "missing": "live-table--na",
        }.get(row.status, "")
        for column in self._columns:
            if column == "name":
                cells.append(Cell(self._text(row.name), state_style))
            elif column == "last":
                value_style = state_style or ("live-table--intraday" if row.intraday else "")
                text = format_value(row.value, row.decimals)
                if row.unit and row.value is not None:
                    text += f" {self._text(row.unit)}"  # the unit rides with its value
                cells.append(Cell(text, value_style, decimal_split(text), row.value is not None))
            elif column == "change":
                text, direction = format_change(row.change, row.change_unit, row.change_decimals, ascii=self._ascii)
                if row.change_horizon and row.change_horizon.upper() != "1D" and direction != "na":
                    text += f" {self._text(row.change_horizon)}"
                cells.append(Cell(text, f"live-table--{direction}", decimal_split(text), row.change is not None))
            elif column in ("1w", "1m", "ytd"):
                value = {"1w": row.change_1w, "1m": row.change_1m, "ytd": row.change_ytd}[column]
                text, direction = format_period_change(value, row.change_unit, row.change_decimals)
                cells.append(Cell(text, f"live-table--{direction}", decimal_split(text), value is not None))
            elif column == "spark":
                spark = sparkline(row.spark, self._spark_width, ascii=self._ascii)
                cells.append(Cell(spark, "live-table--spark", has_data=bool(row.spark)))
            elif column == "date":
                style = "live-table--late" if row.late else "live-table--dim"
                cells.append(Cell(self._text(row.date), style, has_data=bool(row.date)))
            elif column == "age":
                style = "live-table--late" if row.late else "live-table--dim"
                cells.append(Cell(self._text(row.age), style, has_data=bool(row.age)))
            elif column == "source":
                label = self._text(source_label(row))
                cells.append(Cell(label, "live-table--dim", has_data=bool(label)))
            elif column == "status":
                # "fresh" means the fetch succeeded, not that the value is recent: next to
                # late data it would read as current, so a late row says "late" alone.
                words = [] if row.late and row.status == "fresh" else [row.status]
                if row.late:
                    words.append("late")
                if row.intraday:
                    words.append("intra")
                style = state_style or (
                    "live-table--late" if row.late else "live-table--intraday" if row.intraday else "live-table--dim"
                )
                cells.append(Cell(" ".join(words), style))
        # The gutter glyph is part of the row's content (status), the cursor mark is not.
        cells.append(Cell(STATUS_GLYPHS.get(row.status, " "), state_style))
        return tuple(cells)

    def _header_width(self, column: str) -> int:
        """Cells a header needs: its label, plus `` ↑`` on a sortable column."""
        spec = COLUMNS[column]
        return cell_len(spec.label) + (2 if spec.sortable else 0)

    def _measure_columns(self) -> bool:
        """Measure every configured column over every row.

        Returns:
            True when a width, a decimal-point position or a column's having data changed
            (the table must be re-laid out).
        """
        layouts: dict[str, Layout] = {}
        has_data: dict[str, bool] = {}
        all_cells = list(self._cells.values())
        for index, column in enumerate(self._columns):
            spec = COLUMNS[column]
            header = self._header_width(column)
            has_data[column] = any(cells[index].has_data for cells in all_cells)
            if spec.numeric:
                numbers = [cells[index] for cells in all_cells if cells[index].split >= 0]
                words = [cell_len(cells[index].text) for cells in all_cells if cells[index].split < 0]
                left = max((cell.split for cell in numbers), default=0)
                right = max((cell_len(cell.text) - cell.split for cell in numbers), default=0)
                layouts[column] = Layout(max(left + right, header, *words), left, right)
                continue
            widest = max((cell_len(cells[index].text) for cells in all_cells), default=0)
            width = max(widest, header)
            if column == "name":
                width = min(width, max(self._max_name_width, header))
            elif column == "spark":
                width = max(self._spark_width, header)
            layouts[column] = Layout(width)
        changed = layouts != self._layouts or has_data != self._has_data
        self._layouts, self._has_data = layouts, has_data
        if changed:
            return self._fit_columns() or True
        return False

    def _available_width(self) -> int:
        """Cells available for the columns (the scrollbar excluded); unbounded before layout."""
        if self._width_hint is not None:
            return self._width_hint
        width = self.scrollable_content_region.width if self.is_mounted else 0
        return width if width > 0 else 1 << 20

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        """Fit the columns to a new width before Textual picks the scrollbars from the
        virtual width, in the same layout pass.

        Fitted only as a line is rendered (after the scrollbars were chosen), a first frame
        sized from every column kept a horizontal scrollbar the columns no longer needed,
        and the next frame laid out and repainted the table to drop it (issue 20).
        """
        if (size.width, size.height) != self._sized and size.width > 0 and self._layouts:
            self._sized = (size.width, size.height)
            gutter = self.styles.gutter
            rows_need_bar = self.virtual_size.height > size.height - gutter.height
            bar = self.styles.scrollbar_size_vertical if rows_need_bar else 0
            self._width_hint = max(size.width - gutter.width - bar, 1)
            try:
                self._relayout()
            finally:
                self._width_hint = None
        return super()._size_updated(size, virtual_size, container_size, layout)

    def _window(self) -> tuple[list[str], Callable[[int], int]]:
        """The unpinned columns that have data, and where a window starting at one ends."""
        pinned = [c for c in self._columns if COLUMNS[c].pinned]
        scrollable = [c for c in self._columns if not COLUMNS[c].pinned and self._has_data.get(c, False)]
        room = self._available_width() - 2 - sum(self._layouts[c].width + 1 for c in pinned)

        def end_from(start: int) -> int:
            used, end = 0, start
            while end < len(scrollable) and used + self._layouts[scrollable[end]].width + 1 <= room:
                used += self._layouts[scrollable[end]].width + 1
                end += 1
            return end

        return scrollable, end_from

    def _fit_columns(self) -> bool:
        """Choose the shown columns for the width. Returns True if they changed."""
        pinned = [c for c in self._columns if COLUMNS[c].pinned]
        scrollable, end_from = self._window()
        offset = min(self._column_offset, max(len(scrollable) - 1, 0))
        # Never leave room unused on the right while columns are hidden on the left.
        while offset > 0 and end_from(offset - 1) >= end_from(offset):
            offset -= 1
        end = end_from(offset)
        self._column_offset = offset
        shown = (*pinned, *scrollable[offset:end])
        hidden = (offset, len(scrollable) - end)
        changed = shown != self._shown or hidden != (self._hidden_left, self._hidden_right)
        self._shown = shown
        self._hidden_left, self._hidden_right = hidden
        return changed

    def _relayout(self, force: bool = False) -> None:
        """Re-fit the columns to the width; repaint everything if the shown set changed."""
        if self._fit_columns() or force:
            super()._rebuild()

    def on_resize(self) -> None:
        """Fit the columns to the new width."""
        self._relayout()

    def _fit_to_width(self) -> None:
        """The width changed since the last fit (checked as a line is rendered): fit now."""
        self._relayout()

    def watch_show_vertical_scrollbar(self) -> None:
        """The vertical scrollbar takes a cell of width: fit the columns again."""
        if self.is_mounted:
            self.call_after_refresh(self._relayout)

    def _measure(self) -> tuple[int, int]:
        x = 2
        self._spans = []
        for column in self._shown:
            width = self._layouts[column].width
            self._spans.append((column, x, x + width))
            x += width + 1
        fixed = 2
        if self._shown and self._shown[0] == "name":
            fixed += self._layouts["name"].width + 1
        return x, fixed

    # -- rendering ------------------------------------------------------------------

    def _render_header(self, y: int) -> Strip:
        base = self.rich_style
        style = base + self._style("live-table--header")
        sorted_style = base + self._style("live-table--sorted-header")
        parts = [("  ", style)]
        pinned_end = sum(1 for c in self._shown if COLUMNS[c].pinned) - 1
        last = len(self._shown) - 1
        left_marker = "<" if self._ascii else "‹"
        for index, column in enumerate(self._shown):
            spec = COLUMNS[column]
            label = spec.label
            on_sort = self._sort is not None and self._sort[0] == column
            if on_sort:
                assert self._sort is not None
                arrow = ("v" if self._ascii else "↓") if self._sort[1] else ("^" if self._ascii else "↑")
                label = f"{label} {arrow}"
            width = self._layouts[column].width
            if cell_len(label) > width:
                label = fit(label, width, ascii=self._ascii)
            pad = " " * (width - cell_len(label))
            marker_here = index == pinned_end + 1 and self._hidden_left
            if marker_here and pad:
                # Columns are hidden to the left: say so at the start of the first scrolled one.
                pad = left_marker + pad[1:] if spec.align == "right" else pad
                marker_here = spec.align != "right"
            # Only the label is underlined when sorted, not its padding.
            label_style = sorted_style if on_sort else style
            if spec.align == "right":
                parts += [(pad, style), (label, label_style)]
            else:
                parts += [(label, label_style), (pad, style)]
            separator = " "
            if index == last and self._hidden_right:
                separator = ">" if self._ascii else "›"
            elif (
                index == pinned_end
                and self._hidden_left
                and (index == last or COLUMNS[self._shown[index + 1]].align != "right")
            ):
                separator = left_marker
            parts.append((separator, style))
        return self._segments(parts)

    def _render_body(self, line: ListLine, cursor: bool) -> Strip:
        base = self.rich_style
        if line.kind == "group":
            fill = "-" if self._ascii else "─"
            text = f"{fill}{fill} {line.key} "
            text += fill * max(self._virtual_width - cell_len(text), 0)
            return self._segments([(text, base + self._style("live-table--group"))])
        cells = self._cells[line.key]
        cursor_name = "live-table--cursor" if cursor else ""
        line_style = self._line_style
        mark = (">" if self._ascii else "▶") if cursor else " "
        glyph = cells[-1]
        parts: list[tuple[str, Style]] = [
            (mark, line_style(cursor_name)),
            (glyph.text, line_style(glyph.style, cursor_name)),
        ]
        index_of = {column: index for index, column in enumerate(self._columns)}
        for column in self._shown:
            cell = cells[index_of[column]]
            style = line_style(cell.style, cursor_name)
            layout = self._layouts[column]
            spec = COLUMNS[column]
            text = cell.text
            if spec.numeric and cell.split >= 0:
                text = " " * (layout.left - cell.split) + text
                text += " " * (layout.left + layout.right - cell_len(text))
            # The separating space takes the cell's style: it looks the same (same
            # background) and saves a style switch on the wire.
            parts.append((fit(text, layout.width, spec.align, ascii=self._ascii) + " ", style))
        return self._segments(parts)

    def _post_highlighted(self, key: str) -> None:
        self.post_message(self.RowHighlighted(self, key))

    def _post_chosen(self, key: str) -> None:
        self.post_message(self.RowChosen(self, key))

    def _rebuild(self) -> None:
        # The ascii flag and the column set change the formatting of every row.
        self._cells = {key: self._format(row) for key, row in self._rows.items()}
        self._restructure()

    def _restructure(self) -> None:
        """Measure, fit and lay out the lines again from the cells held."""
        self._layouts = {}
        self._measure_columns()
        self._fit_columns()
        super()._rebuild()
