"""Provides :class:`ScorecardGrid`: crisis episodes against the safe-haven checks.

Rows are episodes (built-in, user, and a ``live`` row while stress is on), columns are
the checks and the verdict. Each cell shows the change with its unit and a mark that
reads without colour: ``✓`` pass, ``✗`` fail, ``·`` flat, ``–`` n/a (ASCII ``+ x . -``);
the verdict is spelled out. A cell cursor moves with the arrows and h/j/k/l; Enter posts
:class:`ScorecardGrid.CellSelected`. Like the live table it is a Line-API widget that
repaints only the episodes whose cells changed (the live row re-scores on every update).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from widgets.data import ScoreCell, ScoreRow
from widgets.glyphs import ascii_text
from widgets.line_list import LineListView, ListLine, fit

__all__ = [
    "DEFAULT_CHECKS",
    "MIN_CHECKS_BESIDE_WINDOW",
    "VERDICT_COLUMN",
    "ScorecardGrid",
    "format_cell",
    "format_verdict",
]

DEFAULT_CHECKS: tuple[tuple[str, str], ...] = (
    ("ust10y", "UST 10Y"),
    ("usd", "USD"),
    ("ust_bund_10y", "UST-Bund"),
    ("vix", "VIX"),
    ("spx", "SPX"),
    ("ig_oas", "IG OAS"),
    ("gold", "Gold"),
)
"""(check id, column label) of DESIGN §4's checks, in display order."""

MIN_CHECKS_BESIDE_WINDOW = 4
"""Below this many checks on screen the Window column gives its room to the checks."""

VERDICT_COLUMN = "verdict"
"""Check id reported by :class:`ScorecardGrid.CellSelected` for the verdict column."""

_MARKS: dict[str, tuple[str, str]] = {
    "pass": ("✓", "+"),
    "fail": ("✗", "x"),
    "flat": ("·", "."),
    "n/a": ("–", "-"),
}
_CHANGE_DECIMALS: dict[str, int] = {"bp": 0, "%": 1, "pts": 1, "pp": 1}
_RESULT_CLASS: dict[str, str] = {"flat": "scorecard-grid--dim"}
"""Results drawn with another component class than ``scorecard-grid--<result>`` (same rules)."""


def format_cell(cell: ScoreCell | None, *, ascii: bool = False) -> str:
    """Format one check, e.g. ``+64bp ✗`` (ASCII ``+64bp x``), or ``n/a –``."""
    if cell is None:
        return f"n/a {_MARKS['n/a'][ascii]}"
    mark = _MARKS[cell.result][ascii]
    if cell.change is None or cell.change != cell.change:
        return f"n/a {mark}"
    places = _CHANGE_DECIMALS.get(cell.unit, 1)
    return f"{cell.change:+.{places}f}{cell.unit} {mark}"


_VERDICT_MARKS: dict[str, tuple[str, str]] = {
    "haven": ("✓", "+"),
    "mixed": ("~", "~"),
    "broken": ("✗", "x"),
    "n/a": ("–", "-"),
}


def format_verdict(verdict: str, *, ascii: bool = False) -> str:
    """Format a verdict with its mark, e.g. ``✗ broken`` (ASCII ``x broken``)."""
    return f"{_VERDICT_MARKS[verdict][ascii]} {verdict}"


def _window(start: str, end: str, ascii: bool) -> str:
    """``2020-03-09→03-18``: the end without its year when the year is the same."""
    arrow = ".." if ascii else "→"
    if start[:4] == end[:4] and len(end) >= 10:
        return f"{start}{arrow}{end[5:]}"
    return f"{start}{arrow}{end}"


class ScorecardGrid(LineListView):
    """Crisis episodes x checks, with a keyboard (and mouse) cell cursor.

    Keys: up/down or k/j change episode, left/right or h/l change check, Enter posts
    :class:`CellSelected`. Mouse: click a cell to move there, click it again or double
    click to select it. The episode name and window stay put when scrolling sideways;
    the cursor column's header is underlined so the cursor reads without colour.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "cursor_left", "Check left", show=False),
        Binding("right,l", "cursor_right", "Check right", show=False),
    ]
    """Column movement (row movement and Enter come from the base class)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "scorecard-grid--header",
        "scorecard-grid--cursor-header",
        "scorecard-grid--cursor",
        "scorecard-grid--cursor-row",
        "scorecard-grid--live",
        "scorecard-grid--dim",
        "scorecard-grid--pass",
        "scorecard-grid--fail",
        "scorecard-grid--na",
        "scorecard-grid--haven",
        "scorecard-grid--mixed",
        "scorecard-grid--broken",
    }
    """Style hooks: header (and the cursor column's), cursor cell and row, live row,
    dates, check results and verdicts. A flat check reads ``--dim`` (see ``_RESULT_CLASS``):
    one class per distinct look, as Textual restyles each in every style pass (issue 20)."""

    cursor_component: ClassVar[str] = "scorecard-grid--cursor-row"

    DEFAULT_CSS = """
    ScorecardGrid {
        height: auto;
        max-height: 100%;
        width: 1fr;
        background: $surface;
        color: $foreground;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 1;
    }
    ScorecardGrid > .scorecard-grid--header { text-style: bold; color: $text-muted; }
    ScorecardGrid > .scorecard-grid--cursor-header { text-style: bold underline; color: $text; }
    ScorecardGrid > .scorecard-grid--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
        text-style: $block-cursor-blurred-text-style;
    }
    ScorecardGrid:focus > .scorecard-grid--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    ScorecardGrid > .scorecard-grid--cursor-row { background: $boost; }
    ScorecardGrid > .scorecard-grid--live { text-style: bold; color: $warning; }
    ScorecardGrid > .scorecard-grid--dim { color: $text-muted; }
    ScorecardGrid > .scorecard-grid--pass { color: $verdict-haven; }
    ScorecardGrid > .scorecard-grid--fail { color: $verdict-broken; }
    ScorecardGrid > .scorecard-grid--na { color: $verdict-na; }
    ScorecardGrid > .scorecard-grid--haven { color: $verdict-haven; text-style: bold; }
    ScorecardGrid > .scorecard-grid--mixed { color: $verdict-mixed; text-style: bold; }
    ScorecardGrid > .scorecard-grid--broken { color: $verdict-broken; text-style: bold; }
    ScorecardGrid:nocolor > .scorecard-grid--broken { text-style: bold reverse; }
    ScorecardGrid:nocolor > .scorecard-grid--fail { text-style: bold; }
    ScorecardGrid:nocolor > .scorecard-grid--haven { text-style: none; }
    """
    """Structure and colours, by theme variable only. Under ``NO_COLOR`` (Textual's
    ``:nocolor``, where colours turn to greys) ``✗ broken`` is bold reverse video and a
    failed check bold: the alarms are the loudest text, and ``✓ haven`` is plain."""

    class CellHighlighted(Message):
        """The cell cursor moved."""

        def __init__(self, grid: ScorecardGrid, episode_id: str, check_id: str) -> None:
            """Initialise the message.

            Args:
                grid: The grid that sent it.
                episode_id: Episode (row) under the cursor.
                check_id: Check (column) under the cursor, or ``verdict``.
            """
            super().__init__()
            self.grid = grid
            """The grid that sent it."""
            self.episode_id = episode_id
            """Episode (row) under the cursor."""
            self.check_id = check_id
            """Check (column) under the cursor, or ``verdict``."""

        @property
        def control(self) -> ScorecardGrid:
            """The grid that sent it."""
            return self.grid

    class CellSelected(Message):
        """A cell was selected (Enter, or a click on the cursor cell)."""

        def __init__(self, grid: ScorecardGrid, episode_id: str, check_id: str) -> None:
            """Initialise the message.

            Args:
                grid: The grid that sent it.
                episode_id: Episode (row) selected.
                check_id: Check (column) selected, or ``verdict``.
            """
            super().__init__()
            self.grid = grid
            """The grid that sent it."""
            self.episode_id = episode_id
            """Episode (row) selected."""
            self.check_id = check_id
            """Check (column) selected, or ``verdict``."""

        @property
        def control(self) -> ScorecardGrid:
            """The grid that sent it."""
            return self.grid

    def __init__(
        self,
        rows: Iterable[ScoreRow] = (),
        *,
        checks: Sequence[tuple[str, str]] = DEFAULT_CHECKS,
        ascii: bool = False,
        show_window: bool = True,
        max_name_width: int = 22,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's parameter name
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Initialise the grid.

        Args:
            rows: Episodes in display order.
            checks: (check id, label) per column, in order; the verdict column follows.
            ascii: ASCII marks (``+ x . -``), ``..`` in windows, ``>`` cursor.
            show_window: Show the start→end column.
            max_name_width: Longest episode name before truncation.
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
            disabled: Start disabled.
        """
        super().__init__(ascii=ascii, name=name, id=id, classes=classes, disabled=disabled)
        self._checks: tuple[tuple[str, str], ...] = tuple(checks)
        self._rows: dict[str, ScoreRow] = {row.episode_id: row for row in rows}
        self._show_window = show_window
        self._max_name_width = max_name_width
        self._column = 0
        self._spans: list[tuple[int, int, int]] = []
        """(column index, first cell, end cell) of every column shown, left to right."""
        self._widths: list[int] = []
        self._name_width = 0
        self._window_width = 0
        self._window_shown = show_window
        self._check_offset = 0
        self._check_end = len(self._checks)
        self._fixed = 0
        self._width_for: int | None = None
        """The width :meth:`fit_to` was given, used until the grid has a width of its own."""
        self._cells_kept: dict[str, tuple[ScoreRow, bool, list[tuple[str, str]]]] = {}
        """Each row's cells as of the last layout (see :meth:`_row_cells`)."""
        self.last_repainted: frozenset[str] = frozenset()
        """Episode ids repainted by the last :meth:`set_rows`."""

    # -- public API -----------------------------------------------------------------

    @property
    def column_ids(self) -> tuple[str, ...]:
        """Check ids of the columns, then ``verdict``."""
        return (*(check for check, _ in self._checks), VERDICT_COLUMN)

    @property
    def episode_ids(self) -> tuple[str, ...]:
        """Episode ids in display order."""
        return tuple(self._rows)

    @property
    def cursor_cell(self) -> tuple[str, str] | None:
        """``(episode_id, check_id)`` under the cursor, or None when there are no rows."""
        if self._cursor_key is None:
            return None
        return self._cursor_key, self.column_ids[self._column]

    def move_cursor(self, key: str, check_id: str | None = None) -> bool:
        """Put the cursor on an episode (and optionally a check) and scroll it into view.

        Args:
            key: Episode id.
            check_id: Check id or ``verdict``; None keeps the current column.

        Returns:
            False if the episode or check is not shown.
        """
        if key not in self._key_lines:
            return False
        if check_id is not None:
            if check_id not in self.column_ids:
                return False
            self._set_column(self.column_ids.index(check_id), post=False)
        self._set_cursor(key)
        return True

    def set_rows(self, rows: Iterable[ScoreRow]) -> frozenset[str]:
        """Show exactly these episodes, repainting only the rows that changed.

        The cursor stays on its episode and column (or the nearest episode if its
        episode went away, e.g. the live row ended).

        Args:
            rows: Every episode, in display order.

        Returns:
            Episode ids whose lines were repainted.
        """
        new = {row.episode_id: row for row in rows}
        if list(new) != list(self._rows):
            old_keys = list(self._rows)
            cursor = self._cursor_key
            self._rows = new
            if cursor is not None and cursor not in new and new:
                # Keep the cursor near where it was.
                index = min(old_keys.index(cursor), len(new) - 1)
                self._cursor_key = list(new)[index]
            self._rebuild()
            self.last_repainted = frozenset(new)
            return self.last_repainted
        changed = frozenset(key for key, row in new.items() if self._rows[key] != row)
        self._rows = new
        if changed:
            old_measure = (self._name_width, self._window_width, list(self._spans), self._window_shown)
            self._layout()
            if old_measure != (self._name_width, self._window_width, self._spans, self._window_shown):
                self._rebuild()
            else:
                self._refresh_keys(changed)
        self.last_repainted = changed
        return changed

    # -- layout ---------------------------------------------------------------------

    def _cells(self, row: ScoreRow) -> list[tuple[str, str]]:
        """Text and result/verdict style name of every column of ``row``."""
        out: list[tuple[str, str]] = []
        for check, _label in self._checks:
            cell = row.cell(check)
            result = "na" if cell is None or cell.result == "n/a" else cell.result
            out.append((format_cell(cell, ascii=self._ascii), result))
        verdict = "na" if row.verdict == "n/a" else row.verdict
        out.append((format_verdict(row.verdict, ascii=self._ascii), verdict))
        return out

    def _row_cells(self, row: ScoreRow) -> list[tuple[str, str]]:
        """:meth:`_cells` of ``row``, kept from the last layout while the row is the same
        object in the same ASCII mode (a line is rendered more often than a row changes)."""
        kept = self._cells_kept.get(row.episode_id)
        if kept is not None and kept[0] is row and kept[1] == self._ascii:
            return kept[2]
        cells = self._cells(row)
        self._cells_kept[row.episode_id] = (row, self._ascii, cells)
        return cells

    def _episode_label(self, row: ScoreRow) -> str:
        """Episode name, with a live marker on the live row (folded to ASCII in ASCII mode)."""
        name = ascii_text(row.name) if self._ascii else row.name
        if row.live:
            return f"{'*' if self._ascii else '●'} LIVE {name}"
        return name

    def _labels(self) -> list[str]:
        """Header label of every column: the checks, then ``Verdict``."""
        labels = [label for _, label in self._checks] + ["Verdict"]
        return [ascii_text(label) for label in labels] if self._ascii else labels

    def _layout(self) -> None:
        """Measure the fixed parts and every column, then choose the checks that fit."""
        rows = list(self._rows.values())
        self._name_width = min(
            max([cell_len("Episode"), *(cell_len(self._episode_label(r)) for r in rows)]),
            self._max_name_width,
        )
        self._window_width = 0
        if self._show_window:
            windows = (_window(r.start, r.end, self._ascii) for r in rows)
            self._window_width = max([cell_len("Window"), *(cell_len(w) for w in windows)])
        all_cells = [self._cells(r) for r in rows]
        self._cells_kept = {r.episode_id: (r, self._ascii, cells) for r, cells in zip(rows, all_cells, strict=True)}
        self._widths = [
            max([cell_len(label), *(cell_len(cells[index][0]) for cells in all_cells)])
            for index, label in enumerate(self._labels())
        ]
        self._fit()

    def _available_width(self) -> int:
        """Cells available (the scrollbar excluded); before the first layout the width
        :meth:`fit_to` was given, else unbounded."""
        width = self.scrollable_content_region.width if self.is_mounted else 0
        if width > 0:
            return width
        return self._width_for if self._width_for is not None else 1 << 20

    def _fit(self) -> None:
        """Choose the window column and the run of checks shown between Episode and Verdict.

        The Window column is dropped when keeping it would leave fewer than
        :data:`MIN_CHECKS_BESIDE_WINDOW` checks on screen; the checks start at the
        scroll offset, which follows the cursor column.
        """
        checks = len(self._checks)
        verdict = self._widths[-1] + 1 if self._widths else 0
        available = self._available_width() - 1  # the trailing space

        def fitting(room: int, start: int) -> int:
            end = start
            while end < checks and room >= self._widths[end] + 1:
                room -= self._widths[end] + 1
                end += 1
            return end

        base = 2 + self._name_width + 1
        with_window = base + self._window_width + 1
        self._window_shown = self._show_window and (
            fitting(available - with_window - verdict, 0) >= min(MIN_CHECKS_BESIDE_WINDOW, checks)
        )
        fixed = with_window if self._window_shown else base
        room = available - fixed - verdict
        offset = max(0, min(self._check_offset, checks - 1))
        if self._column < checks:
            # Follow the cursor column.
            offset = min(offset, self._column)
            while offset < self._column and fitting(room, offset) <= self._column:
                offset += 1
        while offset > 0 and fitting(room, offset - 1) >= fitting(room, offset):
            offset -= 1
        self._check_offset = offset
        self._check_end = max(fitting(room, offset), min(offset + 1, checks))
        self._fixed = fixed
        self._spans = []
        x = fixed
        for index in (*range(offset, self._check_end), checks):
            self._spans.append((index, x + 1, x + 1 + self._widths[index]))
            x += 1 + self._widths[index]

    def fit_to(self, width: int) -> int:
        """Fit the checks to ``width`` cells now, if the grid has not been laid out; its width.

        Before its first layout the grid has fitted its checks to no width: its virtual
        width is that of every check. A host that knows the width the grid is about to get
        (its panel) fits it there first, so the first frame is laid out as the next ones
        (issue 20: the crisis row kept a scrollbar line in the first frame only, and the
        frame after it laid out and repainted every panel to drop it; Textual also chose a
        horizontal scrollbar from the unfitted width, drawn one frame later). Once the grid
        has a width of its own, that one is used and this only returns the grid's width.
        """
        if self.size.width:
            return self.virtual_size.width
        self._width_for = width
        if len(self._widths) == len(self._checks) + 1:
            self._relayout()
        else:  # not measured yet
            self._rebuild()
        return self.virtual_size.width

    @property
    def shown_checks(self) -> tuple[str, ...]:
        """Check ids shown now, between the fixed Episode and Verdict columns."""
        return tuple(check for check, _ in self._checks[self._check_offset : self._check_end])

    def _build_lines(self) -> list[ListLine]:
        self._layout()
        return [ListLine("row", key) for key in self._rows]

    def _measure(self) -> tuple[int, int]:
        width = (self._spans[-1][2] if self._spans else self._fixed) + 1
        self._column = min(self._column, len(self.column_ids) - 1)
        return width, self._fixed

    def on_resize(self) -> None:
        """Fit the checks to the new width."""
        self._relayout()

    def _fit_to_width(self) -> None:
        """The width changed since the last fit (checked as a line is rendered): fit now."""
        self._relayout()

    def watch_show_vertical_scrollbar(self) -> None:
        """A vertical scrollbar takes a cell of width: fit again."""
        if self.is_mounted:
            self.call_after_refresh(self._relayout)

    def _relayout(self) -> bool:
        """Re-fit the columns; repaint everything when what is shown changed.

        Returns:
            True if the shown columns changed (everything was repainted).
        """
        before = (self._window_shown, self._check_offset, self._check_end, list(self._spans))
        self._fit()
        if before == (self._window_shown, self._check_offset, self._check_end, self._spans):
            return False
        self._virtual_width, self._fixed_width = self._measure()
        self.virtual_size = Size(self._virtual_width, self.header_height + len(self._lines))
        self.refresh()
        return True

    # -- rendering ------------------------------------------------------------------

    def _render_header(self, y: int) -> Strip:
        style = self._line_style("scorecard-grid--header")
        cursor_style = self._line_style("scorecard-grid--cursor-header")
        parts = [("  ", style), (fit("Episode", self._name_width) + " ", style)]
        if self._window_shown:
            parts.append((fit("Window", self._window_width) + " ", style))
        labels = self._labels()
        checks = len(self._checks)
        for index, x0, x1 in self._spans:
            marker = " "
            if index == self._check_offset and self._check_offset > 0:
                marker = "<" if self._ascii else "‹"
            elif index == checks and self._check_end < checks:
                marker = ">" if self._ascii else "›"
            parts.append((marker, style))
            on_cursor = index == self._column and self._cursor_key is not None
            align = "left" if index == checks else "right"
            parts.append((fit(labels[index], x1 - x0, align), cursor_style if on_cursor else style))
        return self._segments(parts)

    def _render_body(self, line: ListLine, cursor: bool) -> Strip:
        row = self._rows[line.key]
        line_style = self._line_style
        row_name = "scorecard-grid--cursor-row" if cursor else ""
        row_style = line_style(row_name)
        name_style = line_style(row_name, "scorecard-grid--live" if row.live else "")
        mark = (">" if self._ascii else "▶") if cursor else " "
        parts: list[tuple[str, Style]] = [
            (f"{mark} ", row_style),
            (fit(self._episode_label(row), self._name_width, ascii=self._ascii), name_style),
            (" ", row_style),
        ]
        if self._window_shown:
            window = fit(_window(row.start, row.end, self._ascii), self._window_width)
            parts.append((window, line_style(row_name, "scorecard-grid--dim")))
            parts.append((" ", row_style))
        cells = self._row_cells(row)
        checks = len(self._checks)
        for index, x0, x1 in self._spans:
            text, result = cells[index]
            on_cursor = cursor and index == self._column
            result_class = _RESULT_CLASS.get(result) or f"scorecard-grid--{result}"
            style = line_style(row_name, result_class, "scorecard-grid--cursor" if on_cursor else "")
            parts.append((" ", row_style))
            parts.append((fit(text, x1 - x0, "left" if index == checks else "right"), style))
        parts.append((" ", row_style))
        return self._segments(parts)

    # -- cursor ---------------------------------------------------------------------

    def _set_column(self, column: int, *, post: bool = True) -> None:
        """Move the column cursor, scrolling the checks so it shows; repaint what moved."""
        column = max(0, min(len(self.column_ids) - 1, column))
        if column == self._column:
            return
        self._column = column
        if not self._relayout() and self.is_mounted:
            self.refresh(Region(0, 0, self.size.width, self.header_height))
        if self._cursor_key is not None:
            self._refresh_keys([self._cursor_key])
            if post:
                self._post_highlighted(self._cursor_key)

    def action_cursor_left(self) -> None:
        """Move the cursor one check to the left."""
        self._set_column(self._column - 1)

    def action_cursor_right(self) -> None:
        """Move the cursor one check to the right."""
        self._set_column(self._column + 1)

    def _column_at(self, offset_x: int) -> int | None:
        """Column index under screen column ``offset_x`` (its leading space included)."""
        for index, x0, x1 in self._spans:
            if x0 - 1 <= offset_x < x1:
                return index
        return None

    def _on_cursor_click(self, offset_x: int, key: str) -> bool:
        index = self._column_at(offset_x)
        if index is None:
            return False
        moved = index != self._column
        self._set_column(index, post=key == self._cursor_key)
        return moved

    def _on_header_click(self, offset_x: int, y: int) -> None:
        """A click on ``‹`` / ``›`` scrolls the checks; on a label moves the cursor there."""
        index = self._column_at(offset_x)
        if index is None:
            return
        x0 = next(x for i, x, _ in self._spans if i == index)
        checks = len(self._checks)
        if offset_x == x0 - 1 and index == self._check_offset and self._check_offset > 0:
            self._set_column(self._check_offset - 1)
        elif offset_x == x0 - 1 and index == checks and self._check_end < checks:
            self._set_column(self._check_end)
        else:
            self._set_column(index)

    def _post_highlighted(self, key: str) -> None:
        self.post_message(self.CellHighlighted(self, key, self.column_ids[self._column]))

    def _post_chosen(self, key: str) -> None:
        self.post_message(self.CellSelected(self, key, self.column_ids[self._column]))
