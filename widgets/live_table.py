"""Provides :class:`LiveTable`, the keyed instrument table that repaints only changed rows.

Why not ``DataTable``: ``DataTable.update_cell`` refreshes the whole widget, so one
changed value re-sends every visible row to the terminal (``../shared/bench``: 16 KB/s for
a 30-row table, the same whether 1 or 30 rows changed). ``LiveTable`` is built on
Textual's Line API instead: ``render_line(y)`` draws one screen line, Textual's line cache
keeps every line that was not marked dirty, and :meth:`LiveTable.upsert_rows` marks dirty
only the screen lines of rows whose *rendered text or styles* changed (``refresh(Region)``,
public API). A value that moves past its last shown decimal repaints nothing at all.

The cursor / scroll / click machinery lives in :class:`LineListView`, which
:class:`~widgets.signals_panel.SignalsPanel` and :class:`~widgets.scorecard.ScorecardGrid`
share.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from widgets.data import TableRow
from widgets.sparkline import sparkline

__all__ = ["LineListView", "ListLine", "LiveTable", "fit", "format_change", "format_value"]


def fit(text: str, width: int, align: str = "left", *, ascii: bool = False) -> str:
    """Pad or truncate ``text`` to exactly ``width`` terminal cells.

    Args:
        text: The text.
        width: Cells wanted (0 gives an empty string).
        align: ``left``, ``right`` or ``center``.
        ascii: Mark truncation with ``~`` instead of ``…``.

    Returns:
        Text that is exactly ``width`` cells wide.
    """
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        if width == 1:
            return set_cell_size(text, 1)
        return set_cell_size(text, width - 1) + ("~" if ascii else "…")
    pad = width - length
    if align == "right":
        return " " * pad + text
    if align == "center":
        left = pad // 2
        return " " * left + text + " " * (pad - left)
    return text + " " * pad


_CHANGE_DECIMALS: dict[str, int] = {"bp": 1, "%": 2, "pts": 2, "pp": 2}


def format_value(value: float | None, decimals: int) -> str:
    """Format a level with thousands separators, or ``n/a`` when missing."""
    if value is None or value != value:  # None or NaN
        return "n/a"
    return f"{value:,.{max(decimals, 0)}f}"


def format_change(
    change: float | None,
    unit: str,
    decimals: int | None = None,
    *,
    ascii: bool = False,
) -> tuple[str, str]:
    """Format a change with its direction mark, so it reads without colour.

    Args:
        change: The change, already in ``unit``; None when unknown.
        unit: ``bp``, ``%``, ``pts``, ``pp``... appended to the number.
        decimals: Decimals to show; None picks the unit's default (bp: 1, else 2).
        ascii: Use ``^`` / ``v`` instead of ``▲`` / ``▼``.

    Returns:
        ``(text, direction)``: e.g. ``("▲ +3.2bp", "up")``; direction is ``up``,
        ``down``, ``flat`` (rounds to zero) or ``na``.
    """
    if change is None or change != change:
        return "n/a", "na"
    places = _CHANGE_DECIMALS.get(unit, 2) if decimals is None else max(decimals, 0)
    number = f"{change:+.{places}f}"
    if float(number) == 0:
        return f"= {number.replace('-', '+')}{unit}", "flat"
    if change > 0:
        return f"{'^' if ascii else '▲'} {number}{unit}", "up"
    return f"{'v' if ascii else '▼'} {number}{unit}", "down"


class ListLine(NamedTuple):
    """One body line of a :class:`LineListView`."""

    kind: str
    """``row`` (selectable) or ``group`` (a section heading)."""
    key: str
    """Row key, or the group label."""
    sub: int = 0
    """Index of this line inside a multi-line row."""


class LineListView(ScrollView, can_focus=True):
    """Base for keyed, line-per-row widgets with a row cursor (Line API).

    Subclasses fill :attr:`_lines` (display order) and implement the ``_render_*``
    hooks; this class provides fixed header lines, a fixed left part while scrolling
    horizontally, keyboard (arrows, j/k, page keys, home/end, Enter) and mouse
    (click moves the cursor, a click on the cursor row or a double click chooses it)
    handling, and row-precise repaints through :meth:`_refresh_keys`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "cursor_first", "First", show=False),
        Binding("end", "cursor_last", "Last", show=False),
        Binding("enter", "choose", "Open", show=False),
    ]
    """Cursor keys; vim keys are aliases of the arrows."""

    header_height: ClassVar[int] = 1
    """Lines at the top that do not scroll vertically."""

    cursor_component: ClassVar[str] = ""
    """Component class of the cursor row; it also fills the row out to the full width."""

    def __init__(
        self,
        *,
        ascii: bool = False,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's parameter name
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Initialise the view.

        Args:
            ascii: Draw with ASCII only (no box, block or arrow glyphs).
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
            disabled: Start disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._ascii = ascii
        self._lines: list[ListLine] = []
        self._key_lines: dict[str, tuple[int, int]] = {}
        self._keys: list[str] = []
        self._cursor_key: str | None = None
        self._virtual_width = 0
        self._fixed_width = 0

    # -- public ---------------------------------------------------------------------

    @property
    def ascii(self) -> bool:
        """True when drawing with ASCII characters only; setting it repaints."""
        return self._ascii

    @ascii.setter
    def ascii(self, value: bool) -> None:
        if value != self._ascii:
            self._ascii = value
            self._rebuild()

    @property
    def cursor_key(self) -> str | None:
        """Key of the row under the cursor, or None when no row is shown."""
        return self._cursor_key

    @property
    def visible_keys(self) -> tuple[str, ...]:
        """Keys of the rows shown, in display order."""
        return tuple(self._keys)

    def move_cursor(self, key: str) -> bool:
        """Put the cursor on a row and scroll it into view.

        Args:
            key: The row key.

        Returns:
            False if no row with that key is shown.
        """
        if key not in self._key_lines:
            return False
        self._set_cursor(key)
        return True

    # -- hooks for subclasses -------------------------------------------------------

    def _build_lines(self) -> list[ListLine]:
        """Return the body lines in display order."""
        raise NotImplementedError

    def _render_header(self, y: int) -> Strip:
        """Render header line ``y`` at full virtual width."""
        raise NotImplementedError

    def _render_body(self, line: ListLine, cursor: bool) -> Strip:
        """Render one body line at full virtual width."""
        raise NotImplementedError

    def _measure(self) -> tuple[int, int]:
        """Return ``(virtual_width, fixed_width)`` for the current content."""
        raise NotImplementedError

    def _post_highlighted(self, key: str) -> None:
        """Post the subclass's highlighted message."""

    def _post_chosen(self, key: str) -> None:
        """Post the subclass's chosen message."""

    def _on_cursor_click(self, offset_x: int, key: str) -> bool:
        """Let a subclass react to the x of a click; True if it moved its own cursor."""
        return False

    # -- structure ------------------------------------------------------------------

    def _rebuild(self) -> None:
        """Recompute lines and widths after a structural change and repaint everything."""
        self._lines = self._build_lines()
        self._key_lines = {}
        self._keys = []
        for index, line in enumerate(self._lines):
            if line.kind != "row":
                continue
            if line.key in self._key_lines:
                first, count = self._key_lines[line.key]
                self._key_lines[line.key] = (first, count + 1)
            else:
                self._key_lines[line.key] = (index, 1)
                self._keys.append(line.key)
        self._virtual_width, self._fixed_width = self._measure()
        self.virtual_size = Size(self._virtual_width, self.header_height + len(self._lines))
        if self._cursor_key not in self._key_lines:
            self._cursor_key = self._keys[0] if self._keys else None
            if self._cursor_key is not None and self.is_mounted:
                self._post_highlighted(self._cursor_key)
        self.refresh()

    def _refresh_keys(self, keys: Iterable[str]) -> int:
        """Mark only the on-screen lines of these rows dirty.

        Returns:
            How many screen lines were marked.
        """
        if not self.is_mounted:
            return 0
        width, height = self.size
        scroll_y = round(self.scroll_y)
        marked = 0
        for key in keys:
            span = self._key_lines.get(key)
            if span is None:
                continue
            first, count = span
            top = self.header_height + first - scroll_y
            bottom = top + count
            top = max(top, self.header_height)
            bottom = min(bottom, height)
            if top < bottom:
                self.refresh(Region(0, top, width, bottom - top))
                marked += bottom - top
        return marked

    # -- rendering ------------------------------------------------------------------

    def _style(self, *names: str) -> Style:
        """Partial Rich style of component classes (Textual caches these per CSS update)."""
        return self.get_component_rich_style(*names, partial=True)

    def render_line(self, y: int) -> Strip:
        """Render screen line ``y`` (Line API)."""
        width = self.size.width
        base = self.rich_style
        if y < self.header_height:
            strip = self._render_header(y)
        else:
            index = y - self.header_height + round(self.scroll_y)
            if not 0 <= index < len(self._lines):
                return Strip.blank(width, base)
            line = self._lines[index]
            cursor = line.kind == "row" and line.key == self._cursor_key
            strip = self._render_body(line, cursor)
            if cursor and self.cursor_component:
                return self._crop(strip, width, base + self._style(self.cursor_component))
        return self._crop(strip, width, base)

    def _crop(self, strip: Strip, width: int, base: Style) -> Strip:
        """Crop a full-width line to the viewport, keeping the fixed left part in place."""
        scroll_x = round(self.scroll_x)
        fixed = min(self._fixed_width, width)
        if scroll_x:
            scrolled = strip.crop(fixed + scroll_x, scroll_x + width)
            strip = Strip.join([strip.crop(0, fixed), scrolled])
        return strip.adjust_cell_length(width, base)

    @staticmethod
    def _segments(parts: Sequence[tuple[str, Style]]) -> Strip:
        """Join ``(text, style)`` parts into a strip, merging neighbours of equal style.

        Every style change costs an escape sequence on the wire, so fewer segments
        means fewer bytes per repainted row (this matters over SSH).
        """
        segments: list[Segment] = []
        for text, style in parts:
            if not text:
                continue
            if segments and segments[-1].style == style:
                segments[-1] = Segment(segments[-1].text + text, style)
            else:
                segments.append(Segment(text, style))
        return Strip(segments)

    # -- cursor ---------------------------------------------------------------------

    def _set_cursor(self, key: str, *, post: bool = True) -> None:
        """Move the cursor, repaint the two rows involved and scroll the row into view."""
        old = self._cursor_key
        self._cursor_key = key
        if old != key:
            self._refresh_keys([k for k in (old, key) if k is not None])
        self._scroll_into_view(key)
        if post and old != key:
            self._post_highlighted(key)

    def _scroll_into_view(self, key: str) -> None:
        """Scroll vertically so the row (and its group heading, if first) is visible."""
        span = self._key_lines.get(key)
        if span is None or not self.is_mounted:
            return
        first, count = span
        if first > 0 and self._lines[first - 1].kind == "group":
            first, count = first - 1, count + 1
        # Not self.size: a horizontal scrollbar hides the last line of it.
        body = max(self.scrollable_content_region.height - self.header_height, 1)
        scroll_y = round(self.scroll_y)
        target = scroll_y
        if first < scroll_y:
            target = first
        elif first + count > scroll_y + body:
            target = first + count - body
        if target != scroll_y:
            self.scroll_to(y=target, animate=False, immediate=True)

    def _move(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows, clamped."""
        if not self._keys:
            return
        index = self._keys.index(self._cursor_key) if self._cursor_key in self._keys else 0
        index = max(0, min(len(self._keys) - 1, index + delta))
        self._set_cursor(self._keys[index])

    def _page_rows(self) -> int:
        """Rows per page, for page up / down."""
        body = max(self.size.height - self.header_height, 1)
        per_row = max(len(self._lines) // max(len(self._keys), 1), 1)
        return max(body // per_row - 1, 1)

    def action_cursor_up(self) -> None:
        """Move the cursor up one row."""
        self._move(-1)

    def action_cursor_down(self) -> None:
        """Move the cursor down one row."""
        self._move(1)

    def action_page_up(self) -> None:
        """Move the cursor up one page."""
        self._move(-self._page_rows())

    def action_page_down(self) -> None:
        """Move the cursor down one page."""
        self._move(self._page_rows())

    def action_cursor_first(self) -> None:
        """Move the cursor to the first row."""
        self._move(-len(self._keys))

    def action_cursor_last(self) -> None:
        """Move the cursor to the last row."""
        self._move(len(self._keys))

    def action_choose(self) -> None:
        """Choose the row under the cursor (posts the subclass's chosen message)."""
        if self._cursor_key is not None:
            self._post_chosen(self._cursor_key)

    def _key_at(self, y: int) -> str | None:
        """Row key at content line ``y``, or None (header, heading, empty)."""
        if y < self.header_height:
            return None
        index = y - self.header_height + round(self.scroll_y)
        if 0 <= index < len(self._lines) and self._lines[index].kind == "row":
            return self._lines[index].key
        return None

    def on_click(self, event: events.Click) -> None:
        """Click moves the cursor; clicking the cursor row again (or a double click) chooses it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        key = self._key_at(offset.y)
        if key is None:
            return
        event.stop()
        x = offset.x if offset.x < self._fixed_width else offset.x + round(self.scroll_x)
        was_cursor = key == self._cursor_key
        moved_column = self._on_cursor_click(x, key)
        if (was_cursor and not moved_column) or event.chain >= 2:
            self._set_cursor(key)
            self._post_chosen(key)
        else:
            self._set_cursor(key)

    def on_mount(self) -> None:
        """Lay out whatever was given to the constructor."""
        self._rebuild()


_COLUMNS: dict[str, tuple[str, str]] = {
    "name": ("Instrument", "left"),
    "last": ("Last", "right"),
    "change": ("Chg", "right"),
    "spark": ("Trend", "left"),
    "date": ("Date", "left"),
    "age": ("Age", "right"),
    "source": ("Source", "left"),
    "status": ("Status", "left"),
}

_STATUS_GLYPH: dict[str, str] = {"fresh": " ", "stale": "~", "error": "!", "missing": "?"}

_Cells = tuple[tuple[str, str], ...]
"""Rendered row: (text, component class or "") per column, in column order."""


class LiveTable(LineListView):
    """Every instrument as a keyed row, repainting only the rows that changed.

    Columns: a gutter (cursor ``▶``/``>`` and a status glyph: ``~`` stale, ``!`` error,
    ``?`` missing), name, last value, change with ``▲``/``▼`` (``^``/``v`` in ASCII
    mode) and its unit, a text sparkline, date, age, source tag, and the status spelled
    out with ``late`` / ``intra`` flags. Rows with a ``group`` are shown under a heading.

    Keys: up/down or k/j move, page up/down, home/end, Enter posts :class:`RowChosen`.
    Mouse: click moves the cursor, clicking the cursor row again or double clicking
    posts :class:`RowChosen`. The name column stays in place when scrolling sideways.

    Colours come from the component classes below, which use theme variables only; the
    host App must define triffin's theme variables (``themes.THEME_VARIABLE_DEFAULTS``).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "live-table--header",
        "live-table--group",
        "live-table--cursor",
        "live-table--up",
        "live-table--down",
        "live-table--flat",
        "live-table--na",
        "live-table--spark",
        "live-table--dim",
        "live-table--fresh",
        "live-table--stale",
        "live-table--error",
        "live-table--missing",
        "live-table--late",
        "live-table--intraday",
    }
    """Style hooks: header, group heading, cursor row, change direction, sparkline,
    secondary text, and the row states."""

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
    LiveTable > .live-table--fresh { color: $text-muted; }
    LiveTable > .live-table--stale { color: $stale; text-style: italic; }
    LiveTable > .live-table--error { color: $feed-error; text-style: bold; }
    LiveTable > .live-table--missing { color: $text-disabled; }
    LiveTable > .live-table--late { color: $late; }
    LiveTable > .live-table--intraday { color: $intraday; }
    """
    """Structure and colours, by theme variable only."""

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
            ascii: ASCII only: ``^``/``v`` marks, ``_.-~=*#`` sparklines, ``>`` cursor.
            columns: Column keys to show, in order, from ``name last change spark date
                age source status``; None shows all.
            spark_width: Characters of sparkline history.
            max_name_width: Longest name shown before truncation.
            show_groups: Show group headings (rows keep their group order either way).
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
            disabled: Start disabled.

        Raises:
            ValueError: on an unknown column key.
        """
        super().__init__(ascii=ascii, name=name, id=id, classes=classes, disabled=disabled)
        self._columns: tuple[str, ...] = self._check_columns(columns)
        self._spark_width = spark_width
        self._max_name_width = max_name_width
        self._show_groups = show_groups
        self._rows: dict[str, TableRow] = {}
        self._cells: dict[str, _Cells] = {}
        self._widths: dict[str, int] = {}
        self._filter = ""
        self.last_repainted: frozenset[str] = frozenset()
        """Ids whose rendering changed in the last :meth:`upsert_rows` (for tests, probes)."""
        for row in rows:
            self._rows[row.id] = row
            self._cells[row.id] = self._format(row)
        self._widths = self._compute_widths()

    @staticmethod
    def _check_columns(columns: Sequence[str] | None) -> tuple[str, ...]:
        """Validate a column selection."""
        if columns is None:
            return tuple(_COLUMNS)
        unknown = [c for c in columns if c not in _COLUMNS]
        if unknown:
            raise ValueError(f"unknown LiveTable columns {unknown}; known: {list(_COLUMNS)}")
        return tuple(columns)

    # -- public API -----------------------------------------------------------------

    @property
    def columns(self) -> tuple[str, ...]:
        """Column keys shown, in order; setting it re-lays the table out."""
        return self._columns

    @columns.setter
    def columns(self, columns: Sequence[str] | None) -> None:
        self._columns = self._check_columns(columns)
        self._cells = {key: self._format(row) for key, row in self._rows.items()}
        self._widths = self._compute_widths()
        self._rebuild()

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
        Cursor and scroll position are kept. Only when a row is added, or a column has to
        grow, is the whole table repainted.

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
        if changed:
            widths = self._compute_widths()
            if widths != self._widths:
                self._widths = widths
                structural = True
        if structural:
            self._rebuild()
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
            self._widths = self._compute_widths()
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

    # -- layout ---------------------------------------------------------------------

    def _ordered_ids(self) -> list[str]:
        """Ids in display order: groups in order of first appearance, then insertion."""
        groups: dict[str, list[str]] = {}
        for key, row in self._rows.items():
            groups.setdefault(row.group, []).append(key)
        return [key for keys in groups.values() for key in keys]

    def _matches(self, row: TableRow) -> bool:
        """True if ``row`` passes the filter."""
        if not self._filter:
            return True
        haystack = " ".join((row.id, row.name, row.source, row.group, row.status)).lower()
        return all(word in haystack for word in self._filter.lower().split())

    def _build_lines(self) -> list[ListLine]:
        lines: list[ListLine] = []
        group: str | None = None
        for key in self._ordered_ids():
            row = self._rows[key]
            if not self._matches(row):
                continue
            if self._show_groups and row.group and row.group != group:
                lines.append(ListLine("group", row.group))
            group = row.group
            lines.append(ListLine("row", key))
        return lines

    def _format(self, row: TableRow) -> _Cells:
        """Turn a row into the texts and style names of each shown column."""
        cells: list[tuple[str, str]] = []
        state_style = {
            "stale": "live-table--stale",
            "error": "live-table--error",
            "missing": "live-table--missing",
        }.get(row.status, "")
        for column in self._columns:
            if column == "name":
                cells.append((row.name, state_style))
            elif column == "last":
                value_style = state_style or ("live-table--intraday" if row.intraday else "")
                cells.append((format_value(row.value, row.decimals), value_style))
            elif column == "change":
                text, direction = format_change(row.change, row.change_unit, row.change_decimals, ascii=self._ascii)
                cells.append((text, f"live-table--{direction}"))
            elif column == "spark":
                spark = sparkline(row.spark, self._spark_width, ascii=self._ascii)
                cells.append((spark, "live-table--spark"))
            elif column == "date":
                cells.append((row.date, "live-table--late" if row.late else "live-table--dim"))
            elif column == "age":
                cells.append((row.age, "live-table--late" if row.late else "live-table--dim"))
            elif column == "source":
                cells.append((row.source, "live-table--dim"))
            elif column == "status":
                words = [row.status]
                if row.late:
                    words.append("late")
                if row.intraday:
                    words.append("intra")
                style = state_style or (
                    "live-table--late" if row.late else "live-table--intraday" if row.intraday else "live-table--fresh"
                )
                cells.append((" ".join(words), style))
        # The gutter glyph is part of the row's content (status), the cursor mark is not.
        cells.append((_STATUS_GLYPH.get(row.status, " "), state_style))
        return tuple(cells)

    def _compute_widths(self) -> dict[str, int]:
        """Column widths: the widest cell or header, name capped, spark fixed."""
        widths: dict[str, int] = {}
        for index, column in enumerate(self._columns):
            label = _COLUMNS[column][0]
            widest = max((cell_len(cells[index][0]) for cells in self._cells.values()), default=0)
            width = max(widest, cell_len(label))
            if column == "name":
                width = min(width, max(self._max_name_width, cell_len(label)))
            elif column == "spark":
                width = max(self._spark_width, cell_len(label))
            widths[column] = width
        return widths

    def _measure(self) -> tuple[int, int]:
        total = 2 + sum(self._widths[c] + 1 for c in self._columns)
        fixed = 2
        if self._columns and self._columns[0] == "name":
            fixed += self._widths["name"] + 1
        return total, fixed

    # -- rendering ------------------------------------------------------------------

    def _render_header(self, y: int) -> Strip:
        base = self.rich_style
        style = base + self._style("live-table--header")
        parts = [("  ", style)]
        for column in self._columns:
            label, align = _COLUMNS[column]
            parts.append((fit(label, self._widths[column], align, ascii=self._ascii) + " ", style))
        return self._segments(parts)

    def _render_body(self, line: ListLine, cursor: bool) -> Strip:
        base = self.rich_style
        if line.kind == "group":
            fill = "-" if self._ascii else "─"
            text = f"{fill}{fill} {line.key} "
            text += fill * max(self._virtual_width - cell_len(text), 0)
            return self._segments([(text, base + self._style("live-table--group"))])
        cells = self._cells[line.key]
        cursor_style = self._style("live-table--cursor") if cursor else Style()
        mark = (">" if self._ascii else "▶") if cursor else " "
        glyph, glyph_style = cells[-1]
        parts: list[tuple[str, Style]] = [
            (mark, base + cursor_style),
            (glyph, base + (self._style(glyph_style) if glyph_style else Style()) + cursor_style),
        ]
        for column, (text, style_name) in zip(self._columns, cells, strict=False):
            style = base + (self._style(style_name) if style_name else Style()) + cursor_style
            align = _COLUMNS[column][1]
            # The separating space takes the cell's style: it looks the same (same
            # background) and saves a style switch on the wire.
            parts.append((fit(text, self._widths[column], align, ascii=self._ascii) + " ", style))
        return self._segments(parts)

    def _post_highlighted(self, key: str) -> None:
        self.post_message(self.RowHighlighted(self, key))

    def _post_chosen(self, key: str) -> None:
        self.post_message(self.RowChosen(self, key))

    def _rebuild(self) -> None:
        # The ascii flag changes the formatting of every row.
        self._cells = {key: self._format(row) for key, row in self._rows.items()}
        self._widths = self._compute_widths()
        super()._rebuild()
