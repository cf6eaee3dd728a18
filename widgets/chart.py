"""Provides :class:`SeriesChart`: a plotext line chart that takes plain data and reads out values.

Why a ``textual_plotext.PlotextPlot`` subclass rather than a plain widget calling plotext:
plotext's module-level API is one global figure, so two charts (a crisis drill-down
charts every check) would share state; ``PlotextPlot`` gives each widget its own figure
and re-themes it when the app theme changes (``theme_changed_signal``). It is maintained
by Textualize, the maintainers of Textual. Its costs, pinned plotext < 6 and
use of plotext internals, are covered by the snapshot tests.

What the widget draws around plotext's canvas, so a trader can read it:

- a title line and a legend *above* the plot (never over the data), each entry with its
  marker and colour; a comparison series on the right axis says ``(right axis)``;
- a read-out line: the date and value of every series at the cursor, or at the last
  point (``last``) while there is no cursor;
- y ticks on round steps (1, 2 or 5 x 10^k) chosen here, not plotext's ``38.3 22.1 5.9``;
- a line with ``breaks`` (a yield curve) is broken where a value is missing, never drawn
  across the gap; a point left without a neighbour is a lone marker;
- a zero line when zero lies inside the range; eroding / intact thresholds in their own
  theme colours (``$chart-eroding``, ``$chart-intact``) and line glyphs;
- labels in a right margin: each series' last value and each threshold's name and level,
  on the row where it is drawn;
- a cursor (``cursor=True``): left/right or h/l, home/end, and mouse hover move a
  vertical line over the points; it is overlaid on the cached canvas, so moving it never
  rebuilds the plot.

The plot is built only inside ``render()`` (which Textual calls only for a visible widget
that was refreshed) and cached per (data, size, theme, mode): a chart costs nothing while
its data does not change or while it is not on screen (:attr:`SeriesChart.builds` counts
builds). ``ascii=True`` draws with ASCII markers, turns the frame into ``-|+`` and folds
every label to ASCII.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Hashable, Iterable, Sequence
from typing import ClassVar, NamedTuple, TypeGuard

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.message import Message
from textual_plotext import PlotextPlot

from widgets.chart_data import ChartData, ChartLine, ChartThreshold
from widgets.glyphs import app_wants_ascii, ascii_text

__all__ = ["SeriesChart", "format_number", "nice_ticks", "stable_plotext"]

_UNICODE_MARKERS: tuple[str, ...] = ("braille", "dot", "+", "x")
_ASCII_MARKERS: tuple[str, ...] = ("*", "+", "o", "x")
_UNICODE_SAMPLES: tuple[str, ...] = ("⣀⣀", "••", "++", "xx")
_ASCII_SAMPLES: tuple[str, ...] = ("**", "++", "oo", "xx")
_ASCII_TABLE = str.maketrans(
    {
        "─": "-",
        "│": "|",
        "┌": "+",
        "┐": "+",
        "└": "+",
        "┘": "+",
        "├": "+",
        "┤": "+",
        "┬": "+",
        "┴": "+",
        "┼": "+",
        "•": "o",
        "—": "-",
        "–": "-",
        "→": ">",
    }
)
_COLOR_VARIABLES: tuple[str, ...] = ("chart-1", "chart-2", "chart-3", "chart-4")
_KIND_VARIABLES: dict[str, str] = {
    "eroding": "chart-eroding",
    "intact": "chart-intact",
    "neutral": "chart-threshold",
    "": "chart-threshold",
}
_KIND_GLYPHS: dict[str, tuple[str, str]] = {
    "eroding": ("━", "="),
    "intact": ("┄", "-"),
    "neutral": ("─", "-"),
    "": ("─", "-"),
}
"""(unicode, ASCII) line glyph per threshold kind: they differ without colour too."""
_LONE_BRAILLE = "⣿"
"""A point with no neighbour on a braille line (``ChartLine.breaks``)."""
_ZERO_GLYPHS: tuple[str, str] = ("·", ".")
_CURSOR_GLYPHS: tuple[str, str] = ("┊", ":")
_MAX_MARGIN = 16
"""Widest right-margin label column (cells)."""


def stable_plotext() -> None:
    """Make plotext draw the same picture in every process.

    plotext drops duplicate points and tick labels with ``list(set(...))``, so which of
    two colliding labels (or overlapping points) wins depends on the interpreter's hash
    seed: a chart shifted a date label by a column from one run to the next. Its own
    commented-out alternative, ``dict.fromkeys``, keeps the first occurrence instead.
    :class:`SeriesChart` applies this before its first build; it is idempotent.
    """
    from plotext import _utility  # type: ignore[import-untyped]  # plotext ships no type information

    if getattr(_utility.no_duplicates, "__name__", "") != "_first_occurrences":

        def _first_occurrences(data: Iterable[Hashable]) -> list[Hashable]:
            return list(dict.fromkeys(data))

        _utility.no_duplicates = _first_occurrences


def _to_number(value: str | float) -> float:
    """An x value as a number: ISO dates become day ordinals."""
    if isinstance(value, str):
        return float(dt.date.fromisoformat(value[:10]).toordinal())
    return float(value)


def _window_outside(data: ChartData) -> str:
    """Where the window lies relative to the data's x range, or "" when it lies within it.

    A crisis window can fall past the last point of slow (monthly) data: the chart then
    cannot mark it (its edges would land on the axis labels), so the title says so instead.
    """
    if data.window is None or not data.x:
        return ""
    low, high = _to_number(data.x[0]), _to_number(data.x[-1])
    start, end = (_to_number(edge) for edge in data.window)
    if start > high:
        return "after the data"
    if end < low:
        return "before the data"
    if start < low or end > high:
        return "partly outside the data"
    return ""


def _finite(value: float | None) -> TypeGuard[float]:
    """True for a number that can be drawn (not None, NaN or infinite)."""
    return value is not None and math.isfinite(value)


def _runs(xs: Sequence[float], line: ChartLine) -> list[list[tuple[float, float]]]:
    """The point runs drawn as one line each: every drawable point in one run, or with
    ``line.breaks`` a new run after each missing value (so no gap is bridged)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, line.y, strict=True):
        if _finite(y):
            runs[-1].append((x, float(y)))
        elif line.breaks and runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def nice_ticks(low: float, high: float, target: int = 5) -> tuple[list[float], int]:
    """Round ticks covering ``[low, high]``: steps of 1, 2 or 5 x 10^k.

    Args:
        low: Smallest value to cover.
        high: Largest value to cover.
        target: About how many ticks are wanted (at least 2).

    Returns:
        ``(ticks, decimals)``: ticks from a multiple of the step at or below ``low`` to
        one at or above ``high``, and the decimals that print the step exactly.
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("nice_ticks needs finite bounds")
    if high < low:
        low, high = high, low
    span = high - low
    if span == 0:
        span = abs(low) * 0.1 or 1.0
        low, high = low - span / 2, high + span / 2
    raw = span / max(target - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    ticks = [round(i * step, decimals + 2) for i in range(first, last + 1)]
    return ticks, decimals


def format_number(value: float, decimals: int) -> str:
    """A tick or read-out number: fixed decimals, thousands separators, never ``-0``."""
    text = f"{value:,.{max(decimals, 0)}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    return text


class _Scale(NamedTuple):
    """One y axis: its limits, ticks and decimals."""

    low: float
    high: float
    ticks: tuple[float, ...]
    decimals: int


class _Frame(NamedTuple):
    """A built plot and where its canvas is, for labels, the cursor and the mouse."""

    lines: list[Text]
    """The plot, one Text per row, margin labels included."""
    top: int
    """First canvas row."""
    bottom: int
    """Last canvas row."""
    left: int
    """First canvas column."""
    right: int
    """Last canvas column."""
    xs: tuple[float, ...]
    """x of every point (dates as ordinals)."""
    x_low: float
    x_high: float
    left_scale: _Scale | None
    right_scale: _Scale | None


class SeriesChart(PlotextPlot):
    """A themed line chart of one or more series, with thresholds, a window and a cursor.

    Use :meth:`set_data` with a :class:`~widgets.chart_data.ChartData`; setting equal data is
    a no-op. The plot is built lazily in ``render()`` and cached; :attr:`builds` counts
    how many times it was actually built. With ``cursor=True`` the chart takes focus and
    its cursor moves with left/right or h/l, home/end and the mouse, posting
    :class:`CursorMoved`; :meth:`readout` gives the values under it.

    A line with ``axis="right"`` is a comparison series on a second y axis with its own
    round ticks (units differ: a yield against an index, so it is not rebased); its
    legend entry says ``(right axis)`` and its read-out value carries ``(R)``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "move_cursor(-1)", "Cursor left", show=False),
        Binding("right,l", "move_cursor(1)", "Cursor right", show=False),
        Binding("home", "cursor_to(0)", "Cursor to first", show=False),
        Binding("end", "cursor_to(-1)", "Cursor to last", show=False),
    ]
    """Cursor keys (active only with ``cursor=True``, when the chart has focus)."""

    DEFAULT_CSS = """
    SeriesChart {
        width: 1fr;
        height: 1fr;
        min-height: 8;
        background: $surface;
        color: $foreground;
    }
    SeriesChart:focus { background-tint: $foreground 4%; }
    """
    """Fills its container; colours of lines come from ``$chart-*`` theme variables."""

    class CursorMoved(Message):
        """The cursor moved (keys or mouse); ``index`` is None when it was cleared."""

        def __init__(self, chart: SeriesChart, index: int | None) -> None:
            """Initialise the message.

            Args:
                chart: The chart that sent it.
                index: Point index under the cursor, or None.
            """
            super().__init__()
            self.chart = chart
            """The chart that sent it."""
            self.index = index
            """Point index under the cursor, or None."""

        @property
        def control(self) -> SeriesChart:
            """The chart that sent it."""
            return self.chart

    def __init__(
        self,
        data: ChartData | None = None,
        *,
        ascii: bool = False,
        cursor: bool = False,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's parameter name
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Initialise the chart.

        Args:
            data: What to draw, or None for an empty chart.
            ascii: No braille, box-drawing or other non-ASCII characters.
            cursor: Take focus and show a cursor moved by keys and the mouse.
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
            disabled: Start disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._data = data
        self._ascii = ascii
        self._interactive = cursor
        self.can_focus = cursor
        self._cursor: int | None = None
        self._cache_key: tuple[object, ...] | None = None
        self._frame: _Frame | None = None
        self.builds = 0
        """How many times the plot was built (cache misses); for tests and probes."""

    # -- public API -----------------------------------------------------------------

    @property
    def data(self) -> ChartData | None:
        """What the chart draws."""
        return self._data

    @property
    def ascii(self) -> bool:
        """True when drawing ASCII only."""
        return self._ascii

    @ascii.setter
    def ascii(self, value: bool) -> None:
        if value != self._ascii:
            self._ascii = value
            self.refresh()

    @property
    def cursor_index(self) -> int | None:
        """Point index under the cursor, or None (the read-out then shows the last point)."""
        return self._cursor

    def set_data(self, data: ChartData | None) -> bool:
        """Draw new data; equal data changes nothing.

        The cursor keeps its index (clamped to the new data).

        Args:
            data: The new data (None clears the chart).

        Returns:
            True if the data changed (a redraw is scheduled for when it is visible).
        """
        if data == self._data:
            return False
        self._data = data
        if self._cursor is not None:
            count = len(data.x) if data is not None else 0
            self._cursor = min(self._cursor, count - 1) if count else None
        self.refresh()
        return True

    def set_cursor(self, index: int | None) -> None:
        """Put the cursor on point ``index`` (negative counts from the end), or clear it."""
        count = len(self._data.x) if self._data is not None else 0
        if index is not None:
            if not count:
                index = None
            else:
                index = max(0, min(count - 1, index if index >= 0 else count + index))
        if index != self._cursor:
            self._cursor = index
            self.refresh()
            self.post_message(self.CursorMoved(self, index))

    def readout(self, index: int | None = None) -> tuple[str, list[tuple[str, str]]]:
        """The x label and every series' value at a point, as the read-out line shows them.

        Args:
            index: Point index; None means the cursor's, or the last point without one.

        Returns:
            ``(x_label, [(series name, value text), ...])``; a missing value reads ``n/a``,
            a right-axis series' name ends in ``(R)``. The ``last`` reading (no index, no
            cursor) of a time chart gives each series its own last value: one that ends
            before the newest date (a stopped series, an overlay on other dates) reads
            ``120.51 (2025-07-18)`` rather than ``n/a``.
        """
        data = self._data
        if data is None or not data.x:
            return "", []
        own_last = index is None and self._cursor is None and isinstance(data.x[0], str) and not data.x_labels
        if index is None:
            index = self._cursor if self._cursor is not None else len(data.x) - 1
        x = data.x[index]
        if data.x_labels:
            label = data.x_labels[index]
        else:
            label = x[:10] if isinstance(x, str) else format_number(float(x), 2)
        values: list[tuple[str, str]] = []
        for line in data.lines:
            at = index
            if own_last and not _finite(line.y[at]):
                at = next((i for i in range(index, -1, -1) if _finite(line.y[i])), index)
            value = line.y[at]
            name = self._text(line.name) + (" (R)" if line.axis == "right" else "")
            if not _finite(value):
                values.append((name, "n/a"))
                continue
            assert value is not None
            text = format_number(value, self._decimals(line))
            if at != index:  # its own last observation, older than the newest date
                text += f" ({self._text(str(data.x[at])[:10])})"
            values.append((name, text))
        return self._text(label), values

    # -- actions and events -----------------------------------------------------------

    def action_move_cursor(self, delta: int) -> None:
        """Move the cursor ``delta`` points (it appears on the last point first)."""
        if self._data is None or not self._data.x:
            return
        start = self._cursor if self._cursor is not None else len(self._data.x) - 1
        self.set_cursor(start + delta if self._cursor is not None else start + min(delta, 0))

    def action_cursor_to(self, index: int) -> None:
        """Put the cursor on the first (0) or last (-1) point."""
        self.set_cursor(index)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Hovering the canvas puts the cursor on the nearest point."""
        if not self._interactive:
            return
        index = self._index_at(event.x, event.y)
        if index is not None:
            self.set_cursor(index)

    def on_mount(self) -> None:
        """Follow the app's ASCII mode (a ``-ascii`` class on the App)."""
        if not self._ascii and app_wants_ascii(self):
            self._ascii = True

    # -- rendering ------------------------------------------------------------------

    def _text(self, text: str) -> str:
        return ascii_text(text) if self._ascii else text

    def _hex(self, variable: str) -> str | None:
        value = self.app.theme_variables.get(variable)
        if not value:
            return None
        try:
            return Color.parse(value).hex
        except Exception:  # noqa: BLE001 - a bad theme value must not break drawing
            return None

    def _color(self, variable: str) -> tuple[int, int, int] | str:
        """An RGB tuple for a theme variable (plotext's colour format)."""
        value = self._hex(variable)
        return Color.parse(value).rgb if value else "default"

    def _rich(self, variable: str, *, bold: bool = False) -> Style:
        """A Rich style in a theme variable's colour."""
        return Style(color=self._hex(variable), bold=bold or None)

    def _line_variable(self, index: int) -> str:
        return _COLOR_VARIABLES[index % len(_COLOR_VARIABLES)]

    @staticmethod
    def _marker_index(index: int) -> int:
        """The marker of line ``index``: the first four lines take markers 0-3 like their
        colours; later lines shift by one per round, so no two of up to 16 lines share both
        colour and marker (an exhibit charts seven sectors)."""
        return (index + index // len(_COLOR_VARIABLES)) % len(_UNICODE_MARKERS)

    def _decimals(self, line: ChartLine) -> int:
        """Read-out decimals of a line: its own, else one more than its axis ticks."""
        if line.decimals is not None:
            return line.decimals
        frame = self._frame
        scale = None
        if frame is not None:
            scale = frame.right_scale if line.axis == "right" else frame.left_scale
        return self._decimals_for(line, scale) if scale is not None else 2

    def render(self) -> RenderResult:
        """Build the plot if data, size, theme or mode changed; then overlay the cursor."""
        data = self._data
        width, height = self.size
        if data is None or not data.x or not data.lines:
            return Text("no data", style="dim", justify="center")
        header = self._header_lines(data, width)
        key = (data, self.size, self.app.theme, self._ascii, self.theme, len(header))
        if key != self._cache_key or self._frame is None:
            self._frame = self._build(data, width, max(height - len(header) - 1, 3))
            self._cache_key = key
            self.builds += 1
        lines = [*header, self._readout_line(width), *self._with_cursor(self._frame)]
        text = Text("\n").join(lines[:height])
        if self._ascii and not text.plain.isascii():
            text.plain = "".join(ch if ch.isascii() else "?" for ch in text.plain)
        return text

    def _header_lines(self, data: ChartData, width: int) -> list[Text]:
        """Title and legend: one line when they fit, else the title over the legend."""
        title = Text()
        if data.title:
            title.append(self._text(data.title), style="bold")
            if data.y_label:
                title.append(f" ({self._text(data.y_label)})", style="bold")
            if data.window is not None:
                arrow = "->" if self._ascii else "→"
                outside = _window_outside(data)
                note = f", {outside}" if outside else ""
                title.append(f"  [window {data.window[0]}{arrow}{data.window[1]}{note}]")
        legend = self._legend(data)
        if not title.plain and legend.cell_len <= width:
            return [legend]
        if title.plain and title.cell_len + 3 + legend.cell_len <= width:
            return [Text.assemble(title, "   ", legend)]
        title.truncate(width, overflow="crop" if self._ascii else "ellipsis")  # one row, or the plot loses one
        if legend.cell_len <= width:
            return [title, legend]
        # A legend wider than the chart wraps between entries (never inside one), so each
        # header line is one screen row and the plot below keeps its height.
        lines = [title] if title.plain else []
        row = Text()
        for entry in self._legend_entries(data):
            if row.plain and row.cell_len + 2 + entry.cell_len > width:
                lines.append(row)
                row = Text()
            row = Text.assemble(row, "  ", entry) if row.plain else entry.copy()
        if row.plain:
            lines.append(row)
        for line in lines:
            line.truncate(width, overflow="crop")
        return lines

    def _legend(self, data: ChartData) -> Text:
        """Every line and threshold with its marker sample, in its colour."""
        samples = _ASCII_SAMPLES if self._ascii else _UNICODE_SAMPLES
        legend = Text()
        for index, line in enumerate(data.lines):
            if legend:
                legend.append("  ")
            style = self._rich(self._line_variable(index))
            legend.append(samples[self._marker_index(index)] + " ", style=style)
            name = self._text(line.name)
            if line.axis == "right":
                unit = f", {self._text(data.y_label_right)}" if data.y_label_right else ""
                name += f" (right axis{unit})"
            legend.append(name, style=style)
        for threshold in data.thresholds:
            glyph = _KIND_GLYPHS[threshold.kind][self._ascii]
            style = self._rich(_KIND_VARIABLES[threshold.kind])
            legend.append("  " + glyph * 2 + " ", style=style)
            legend.append(self._threshold_label(threshold, None), style=style)
        return legend

    def _legend_entries(self, data: ChartData) -> list[Text]:
        """One legend entry per line and threshold: marker sample and name, in its colour."""
        samples = _ASCII_SAMPLES if self._ascii else _UNICODE_SAMPLES
        entries: list[Text] = []
        for index, line in enumerate(data.lines):
            style = self._rich(self._line_variable(index))
            name = self._text(line.name)
            if line.axis == "right":
                unit = f", {self._text(data.y_label_right)}" if data.y_label_right else ""
                name += f" (right axis{unit})"
            entries.append(Text.assemble((samples[self._marker_index(index)] + " ", style), (name, style)))
        for threshold in data.thresholds:
            glyph = _KIND_GLYPHS[threshold.kind][self._ascii]
            style = self._rich(_KIND_VARIABLES[threshold.kind])
            entries.append(Text.assemble((glyph * 2 + " ", style), (self._threshold_label(threshold, None), style)))
        return entries

    def _threshold_label(self, threshold: ChartThreshold, scale: _Scale | None) -> str:
        decimals = scale.decimals + 1 if scale is not None else 2
        value = format_number(threshold.value, decimals) if scale is not None else f"{threshold.value:g}"
        return f"{self._text(threshold.label)} {value}".strip()

    def _readout_line(self, width: int) -> Text:
        """``last 2026-11-19  UST 10Y 4.12  Bund 10Y 2.61 (R)``, or ``at ...`` on the cursor."""
        label, values = self.readout()
        data = self._data
        assert data is not None
        text = Text()
        text.append("at " if self._cursor is not None else "last ", style="dim")
        text.append(label, style="bold")
        for index, (name, value) in enumerate(values):
            style = self._rich(self._line_variable(index))
            text.append("  ")
            text.append(name + " ", style=style)
            text.append(value, style=style + Style(bold=True))
        text.truncate(width, overflow="ellipsis" if not self._ascii else "crop")
        return text

    def _scale(self, values: Sequence[float], rows: int) -> _Scale | None:
        if not values:
            return None
        target = max(3, min(8, rows // 3 + 1))
        ticks, decimals = nice_ticks(min(values), max(values), target)
        return _Scale(ticks[0], ticks[-1], tuple(ticks), decimals)

    def _build(self, data: ChartData, width: int, height: int) -> _Frame:
        """Draw ``data`` into this widget's own plotext figure and find its canvas."""
        stable_plotext()
        xs = tuple(_to_number(x) for x in data.x)
        left_values = [float(v) for line in data.lines if line.axis == "left" for v in line.y if _finite(v)]
        left_values += [t.value for t in data.thresholds]
        right_values = [float(v) for line in data.lines if line.axis == "right" for v in line.y if _finite(v)]
        rows = max(height - 4, 2)
        left_scale = self._scale(left_values, rows)
        right_scale = self._scale(right_values, rows)
        margin = self._margin_width(data, left_scale, width)
        plt = self.plt
        plt.clear_figure()
        plot_width = max(width - margin, 10)
        plt.plotsize(plot_width, height)
        plt._set_size(plot_width, height)  # textual-plotext does the same (its issue #5)
        plt.theme(self._get_plotext_theme_name(self.app.theme))
        x_low, x_high = xs[0], xs[-1]
        if x_high == x_low:
            x_low, x_high = x_low - 1, x_high + 1
        # Reference lines first: later plots draw over earlier ones, data goes on top.
        if left_scale is not None and left_scale.low < 0 < left_scale.high:
            if all(t.value != 0 for t in data.thresholds):
                zero = _ZERO_GLYPHS[self._ascii]
                plt.plot([x_low, x_high], [0.0, 0.0], marker=zero, color=self._color("chart-zero"))
        for threshold in data.thresholds:
            glyph = _KIND_GLYPHS[threshold.kind][self._ascii]
            color = self._color(_KIND_VARIABLES[threshold.kind])
            plt.plot([x_low, x_high], [threshold.value, threshold.value], marker=glyph, color=color)
        if data.window is not None:
            # Only edges inside the plotted x range: plotext draws a vline anywhere, and one
            # past the last point lands on the right axis' labels (monthly data, a window
            # after its last month). The title says when the window lies outside.
            for edge in (_to_number(edge) for edge in data.window):
                if x_low <= edge <= x_high:
                    plt.vline(edge, self._color("chart-window"))
        markers = _ASCII_MARKERS if self._ascii else _UNICODE_MARKERS
        lone: list[tuple[tuple[float, float], str, tuple[int, int, int] | str, str]] = []
        for index, line in enumerate(data.lines):
            marker = markers[self._marker_index(index)]
            color = self._color(self._line_variable(index))
            for run in _runs(xs, line):
                if len(run) == 1 and line.breaks:
                    # A lone braille point is one dot of eight: a full cell reads as a point.
                    lone.append((run[0], _LONE_BRAILLE if marker == "braille" else marker, color, line.axis))
                    continue
                plt.plot([p[0] for p in run], [p[1] for p in run], marker=marker, color=color, yside=line.axis)
        # Lone points last: a single cell is all that shows such a value, a line has many.
        for (x, y), marker, color, side in lone:
            plt.plot([x], [y], marker=marker, color=color, yside=side)
        plt.xlim(x_low, x_high)
        for side, scale in (("left", left_scale), ("right", right_scale)):
            if scale is not None:
                # plotext's signatures are unannotated (mypy reads `yside=None` as float); it takes "left"/"right".
                plt.ylim(scale.low, scale.high, yside=side)  # type: ignore[arg-type]
                labels = [format_number(t, scale.decimals) for t in scale.ticks]
                plt.yticks(list(scale.ticks), labels, yside=side)  # type: ignore[arg-type]
        if data.x_labels:
            ticks, labels = list(xs), [self._text(label) for label in data.x_labels]
        elif isinstance(data.x[0], str):
            ticks, labels = self._date_ticks(xs, [str(x) for x in data.x], plot_width)
        else:
            numeric, decimals = nice_ticks(x_low, x_high, max(2, plot_width // 12))
            ticks = [t for t in numeric if x_low <= t <= x_high]
            labels = [format_number(t, decimals) for t in ticks]
        plt.xticks(ticks, labels)
        built = Text.from_ansi(plt.build())
        lines = list(built.split("\n", allow_blank=True))
        top, bottom, left, right = self._canvas(lines)
        if self._ascii:
            for row in lines:
                row.plain = row.plain.translate(_ASCII_TABLE)
        frame = _Frame(lines, top, bottom, left, right, xs, x_low, x_high, left_scale, right_scale)
        if margin:
            self._label_margin(frame, data, plot_width, margin)
        return frame

    def _margin_width(self, data: ChartData, scale: _Scale | None, width: int) -> int:
        """Cells for the right-margin labels; none when the chart is too narrow."""
        if width < 40:
            return 0
        labels = [self._threshold_label(t, scale) for t in data.thresholds]
        labels += ["* -" + "9" * 8]  # room for a marked last value
        return min(max(len(label) for label in labels) + 2, _MAX_MARGIN)

    @staticmethod
    def _canvas(lines: Sequence[Text]) -> tuple[int, int, int, int]:
        """Rows and columns inside plotext's frame, found from its corners ``┌ ┐ └``."""
        plain = [line.plain for line in lines]
        top_row = next((i for i, p in enumerate(plain) if "┌" in p), -1)
        bottom_row = next((i for i in range(len(plain) - 1, top_row, -1) if "└" in plain[i]), len(plain))
        frame = plain[top_row] if top_row >= 0 else ""
        left = frame.find("┌") if "┌" in frame else -1
        right = frame.rfind("┐") if "┐" in frame else (max(len(p) for p in plain) if plain else 0)
        return top_row + 1, bottom_row - 1, left + 1, right - 1

    @staticmethod
    def _cell(value: float, low: float, high: float, cells: int) -> int:
        """The cell (0 = lowest) plotext puts ``value`` in, with plotext's own rounding."""
        span = high - low or 1.0
        return math.floor(round(0.5 + (cells - 1) * (value - low) / span, 8))

    def _row_of(self, frame: _Frame, value: float, scale: _Scale) -> int:
        return frame.bottom - self._cell(value, scale.low, scale.high, frame.bottom - frame.top + 1)

    def _label_margin(self, frame: _Frame, data: ChartData, plot_width: int, margin: int) -> None:
        """Write each series' last value and each threshold's label on its row, at the right."""
        wanted: list[tuple[int, str, Style]] = []
        for index, line in enumerate(data.lines):
            scale = frame.right_scale if line.axis == "right" else frame.left_scale
            last = next((v for v in reversed(line.y) if _finite(v)), None)
            if scale is None or last is None:
                continue
            samples = _ASCII_SAMPLES if self._ascii else _UNICODE_SAMPLES
            # The series' marker says whose value it is, also without colour.
            text = f"{samples[self._marker_index(index)][0]} {format_number(last, self._decimals_for(line, scale))}"
            wanted.append((self._row_of(frame, last, scale), text, self._rich(self._line_variable(index), bold=True)))
        for threshold in data.thresholds:
            if frame.left_scale is None:
                continue
            row = self._row_of(frame, threshold.value, frame.left_scale)
            label = self._threshold_label(threshold, frame.left_scale)
            wanted.append((row, label, self._rich(_KIND_VARIABLES[threshold.kind])))
        taken: set[int] = set()
        placed: dict[int, tuple[str, Style]] = {}
        for row, text, style in wanted:
            free = self._free_row(row, taken, frame.top, frame.bottom)
            if free is None:
                continue
            taken.add(free)
            placed[free] = (text, style)
        for number, text_line in enumerate(frame.lines):
            text_line.pad_right(max(plot_width - text_line.cell_len, 0))
            text_line.truncate(plot_width)
            if number in placed:
                text, style = placed[number]
                text_line.append(" " + text[: margin - 1], style=style)

    @staticmethod
    def _decimals_for(line: ChartLine, scale: _Scale) -> int:
        """A line's own decimals, else one more than its ticks, and two below 100
        (a yield of ``1.04`` must not read ``1.0`` because its axis steps by 1)."""
        if line.decimals is not None:
            return line.decimals
        small = max(abs(scale.low), abs(scale.high)) < 100
        return max(scale.decimals + 1, 2 if small else 1)

    @staticmethod
    def _free_row(row: int, taken: set[int], top: int, bottom: int) -> int | None:
        """The free row nearest ``row`` inside the canvas (labels never overlap)."""
        row = max(top, min(bottom, row))
        for distance in range(bottom - top + 1):
            for candidate in (row - distance, row + distance):
                if top <= candidate <= bottom and candidate not in taken:
                    return candidate
        return None

    def _cursor_column(self, frame: _Frame, index: int) -> int:
        return frame.left + self._cell(frame.xs[index], frame.x_low, frame.x_high, frame.right - frame.left + 1)

    def _with_cursor(self, frame: _Frame) -> list[Text]:
        """The plot lines with the cursor's vertical line drawn where the canvas is blank."""
        if self._cursor is None or self._cursor >= len(frame.xs):
            return frame.lines
        column = self._cursor_column(frame, self._cursor)
        glyph = _CURSOR_GLYPHS[self._ascii]
        style = self._rich("chart-cursor")
        out: list[Text] = []
        for number, line in enumerate(frame.lines):
            if frame.top <= number <= frame.bottom and column < len(line.plain) and line.plain[column] == " ":
                line = line.copy()
                line.plain = line.plain[:column] + glyph + line.plain[column + 1 :]
                line.stylize(style, column, column + 1)
            out.append(line)
        return out

    def _index_at(self, x: int, y: int) -> int | None:
        """The point nearest screen column ``x`` when (x, y) is over the canvas."""
        frame = self._frame
        data = self._data
        if frame is None or data is None:
            return None
        header = len(self._header_lines(data, self.size.width)) + 1
        row = y - header
        if not (frame.top <= row <= frame.bottom and frame.left <= x <= frame.right):
            return None
        span = frame.right - frame.left or 1
        target = frame.x_low + (x - frame.left) / span * (frame.x_high - frame.x_low)
        position = bisect.bisect_left(frame.xs, target)
        candidates = [i for i in (position - 1, position) if 0 <= i < len(frame.xs)]
        return min(candidates, key=lambda i: abs(frame.xs[i] - target))

    @staticmethod
    def _date_ticks(xs: Sequence[float], labels: Sequence[str], width: int) -> tuple[list[float], list[str]]:
        """Up to one date label per ~14 columns, evenly spaced, first and last included."""
        count = max(2, min(len(xs), max(width, 20) // 14))
        if len(xs) == 1:
            return [xs[0]], [labels[0][:10]]
        step = (len(xs) - 1) / (count - 1)
        indexes = sorted({round(i * step) for i in range(count)})
        return [xs[i] for i in indexes], [labels[i][:10] for i in indexes]
