"""Provides :class:`LineListView`, the keyed line-per-row base of triffin's list widgets.

Why the Line API: ``render_line(y)`` draws one screen line and Textual's line cache keeps
every line that was not marked dirty, so a widget that marks dirty only the lines of rows
whose text changed (``refresh(Region)``, public API) sends one row to the terminal for one
changed value. :class:`~widgets.live_table.LiveTable`,
:class:`~widgets.signals_panel.SignalsPanel` and :class:`~widgets.scorecard.ScorecardGrid`
share the cursor / scroll / click machinery here; the ASCII promise (nothing above 0x7F on
screen in ASCII mode) is kept by :func:`ascii_guard` on every line.
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
from textual.scroll_view import ScrollView
from textual.strip import Strip

from widgets.glyphs import app_wants_ascii, use_ascii_scrollbars

__all__ = ["LineListView", "ListLine", "ascii_guard", "fit"]


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


def ascii_guard(strip: Strip) -> Strip:
    """Replace any non-ASCII character left in a line by ``?`` (one cell for one cell).

    Text is folded with :func:`~widgets.glyphs.ascii_text` where it is formatted, so widths
    are measured on what is shown; this is the last line of defence of the ``--ascii``
    promise, for text a formatter did not expect.
    """
    if all(segment.text.isascii() for segment in strip):
        return strip
    return Strip(
        [
            Segment(
                text if text.isascii() else "".join(ch if ch.isascii() else "?" * cell_len(ch) for ch in text),
                style,
                control,
            )
            for text, style, control in strip
        ]
    )


class ListLine(NamedTuple):
    """One body line of a :class:`LineListView`."""

    kind: str
    """``row`` (selectable) or ``group`` (a section heading)."""
    key: str
    """Row key, or the group label."""
    sub: int = 0
    """Index of this line inside a multi-line row."""


_BASE_STYLE_KEY = ("-line-list-base-style-",)
"""Key of the widget's own base style in Textual's component-style cache (no component
class is named like it)."""


_PARTIAL_STYLE_KEY = "-line-list-partial-style-"
"""First item of the keys of partial component styles in that cache (no component class is
named like it, so no key of Textual's can collide)."""


_LINE_STYLE_KEY = "-line-list-line-style-"
"""First item of the keys of :meth:`LineListView._line_style` sums in that cache."""


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
        self._fitted_for: tuple[int, bool] | None = None

    # -- public ---------------------------------------------------------------------

    @property
    def ascii(self) -> bool:
        """True when drawing with ASCII characters only; setting it repaints."""
        return self._ascii

    @ascii.setter
    def ascii(self, value: bool) -> None:
        if value != self._ascii:
            self._ascii = value
            if self.is_mounted:
                use_ascii_scrollbars(self, value)
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

    def _on_header_click(self, offset_x: int, y: int) -> None:
        """Let a subclass react to a click on header line ``y`` at screen column ``offset_x``."""

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

    @property
    def rich_style(self) -> Style:
        """Textual's ``rich_style``, worked out once per repaint instead of once per call.

        Textual walks every ancestor's styles for it (~40 µs here), and a full render asked
        for it twice per line: about 60 % of the cost of rendering a line. It is kept in
        the cache Textual already keeps for this widget's component styles, which Textual
        clears on every repaint request and every style update (a theme, a class, focus),
        so it is never older than those component styles are.
        """
        cached = self._rich_style_cache.get(_BASE_STYLE_KEY)
        if cached is None:
            style = super().rich_style
            cached = self._rich_style_cache[_BASE_STYLE_KEY] = (style, style)
        return cached[0]

    def _style(self, *names: str) -> Style:
        """Partial Rich style of component classes, kept until the next repaint.

        Textual's ``get_component_rich_style(partial=True)`` works out the full style too
        (``rich_style``, a walk over every ancestor's styles) before it returns the partial
        one: ~12 walks in the first frame of the crisis grid, ~10 for the table, and again
        for the first line repainted after each update (a refresh clears the cache). Only
        the partial style is asked for here, so only it is computed: the same
        ``partial_rich_style`` Textual would return. It is kept in Textual's component-style
        cache under a key of its own, so it is cleared exactly when Textual clears its own.
        """
        key = (_PARTIAL_STYLE_KEY, *names)
        cached = self._rich_style_cache.get(key)
        if cached is None:
            style = self.get_component_styles(*names).partial_rich_style
            cached = self._rich_style_cache[key] = (style, style)
        return cached[0]

    def _line_style(self, *names: str) -> Style:
        """:attr:`rich_style` plus the partial styles of ``names`` in order ("" adds nothing).

        A line adds the same few styles for each of its cells (the widget's, the cell's,
        the cursor's): each sum is worked out once per repaint instead of once per cell
        (two ``Style`` additions and a null ``Style`` each). The same sums, in the same
        order, so the same styles on screen. Kept and cleared with the component styles.
        """
        key = (_LINE_STYLE_KEY, *names)
        cached = self._rich_style_cache.get(key)
        if cached is None:
            style = self.rich_style
            for name in names:
                if name:
                    style = style + self._style(name)
            cached = self._rich_style_cache[key] = (style, style)
        return cached[0]

    def _fit_to_width(self) -> None:
        """Choose what fits the width now (subclasses that drop columns by width override it)."""

    def render_line(self, y: int) -> Strip:
        """Render screen line ``y`` (Line API).

        The width (and whether a vertical scrollbar takes a cell of it) is checked first:
        Textual sizes a widget in a layout pass and renders it in the same pass, but the
        Resize message only arrives afterwards. Fitting here lets the very first frame show
        the columns that fit, instead of a frame of everything (cut at the edge) followed by
        a refit and a second full repaint (issue 20: the first frame).
        """
        width = self.size.width
        fitted_for = (width, self.show_vertical_scrollbar)
        if fitted_for != self._fitted_for and width > 0:
            self._fitted_for = fitted_for
            self._fit_to_width()
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
        strip = strip.adjust_cell_length(width, base)
        if self._ascii:
            strip = ascii_guard(strip)
        return strip

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
        if offset.y < self.header_height:
            event.stop()
            self._on_header_click(offset.x, offset.y)
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
        """Follow the app's ASCII mode, then lay out whatever was given to the constructor."""
        if not self._ascii and app_wants_ascii(self):
            self._ascii = True
        use_ascii_scrollbars(self, self._ascii)
        self._rebuild()
