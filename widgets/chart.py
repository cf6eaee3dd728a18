"""Provides :class:`SeriesChart`: a plotext line chart that takes plain data.

Why a ``textual_plotext.PlotextPlot`` subclass rather than a plain widget calling plotext:
plotext's module-level API is one global figure, so two charts (a crisis drill-down
charts every check) would share state; ``PlotextPlot`` gives each widget its own figure,
sizes it to the widget, and re-themes it when the app theme changes
(``theme_changed_signal``). It is maintained by Textualize and is what ``STYLE.md`` §3.5
recommends. Its costs, pinned plotext < 6 and use of plotext internals, are covered by
the snapshot tests.

On top of it this widget: takes a frozen :class:`~widgets.data.ChartData` (ISO date or
numeric x, named lines with gaps, thresholds, a marked window), builds the plot only
inside ``render()`` (which Textual calls only for a visible widget that was refreshed) and
caches the result per (data, size, theme), so a chart costs nothing while its data does
not change or while it is not on screen; colours come from theme variables
(``$chart-1`` .. ``$chart-4``, ``$chart-threshold``, ``$chart-window``); every line also
gets its own marker so lines tell apart without colour; ``ascii=True`` draws with ASCII
markers and turns plotext's box-drawing frame into ``-|+``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from rich.text import Text
from textual.app import RenderResult
from textual.color import Color
from textual_plotext import PlotextPlot

from widgets.data import ChartData

__all__ = ["SeriesChart"]

_UNICODE_MARKERS: tuple[str, ...] = ("braille", "dot", "+", "x")
_ASCII_MARKERS: tuple[str, ...] = ("*", "+", "o", "x")
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


def _to_number(value: str | float) -> float:
    """An x value as a number: ISO dates become day ordinals."""
    if isinstance(value, str):
        return float(dt.date.fromisoformat(value[:10]).toordinal())
    return float(value)


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


class SeriesChart(PlotextPlot):
    """A themed line chart of one or more series, with thresholds and a marked window.

    Use :meth:`set_data` with a :class:`~widgets.data.ChartData`; setting equal data is
    a no-op. The plot is built lazily in ``render()`` and cached; :attr:`builds` counts
    how many times it was actually built.
    """

    DEFAULT_CSS = """
    SeriesChart {
        width: 1fr;
        height: 1fr;
        min-height: 8;
        background: $surface;
        color: $foreground;
    }
    """
    """Fills its container; colours of lines come from ``$chart-*`` theme variables."""

    def __init__(
        self,
        data: ChartData | None = None,
        *,
        ascii: bool = False,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's parameter name
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Initialise the chart.

        Args:
            data: What to draw, or None for an empty chart.
            ascii: No braille or box-drawing characters.
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
            disabled: Start disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._data = data
        self._ascii = ascii
        self._cache_key: tuple[object, ...] | None = None
        self._cache: Text | None = None
        self.builds = 0
        """How many times the plot was built (cache misses); for tests and probes."""

    @property
    def data(self) -> ChartData | None:
        """What the chart draws."""
        return self._data

    @property
    def ascii(self) -> bool:
        """True when drawing without braille and box-drawing characters."""
        return self._ascii

    @ascii.setter
    def ascii(self, value: bool) -> None:
        if value != self._ascii:
            self._ascii = value
            self.refresh()

    def set_data(self, data: ChartData | None) -> bool:
        """Draw new data; equal data changes nothing.

        Args:
            data: The new data (None clears the chart).

        Returns:
            True if the data changed (a redraw is scheduled for when it is visible).
        """
        if data == self._data:
            return False
        self._data = data
        self.refresh()
        return True

    def _color(self, variable: str) -> tuple[int, int, int] | str:
        """An RGB tuple for a theme variable (plotext's colour format)."""
        value = self.app.theme_variables.get(variable)
        if not value:
            return "default"
        try:
            return Color.parse(value).rgb
        except Exception:  # noqa: BLE001 - a bad theme value must not break drawing
            return "default"

    def render(self) -> RenderResult:
        """Build the plot if data, size, theme or mode changed; else reuse the last one."""
        key = (self._data, self.size, self.app.theme, self._ascii, self.theme)
        if key == self._cache_key and self._cache is not None:
            return self._cache
        data = self._data
        if data is None or not data.x or not data.lines:
            text = Text("no data", style="dim", justify="center")
        else:
            self._plot_data(data)
            rendered = super().render()
            assert isinstance(rendered, Text)
            text = rendered
            if self._ascii:
                text.plain = text.plain.translate(_ASCII_TABLE)
            self.builds += 1
        self._cache_key, self._cache = key, text
        return text

    def _plot_data(self, data: ChartData) -> None:
        """Draw ``data`` into this widget's own plotext figure."""
        plt = self.plt
        plt.clear_figure()
        xs = [_to_number(x) for x in data.x]
        markers = _ASCII_MARKERS if self._ascii else _UNICODE_MARKERS
        for index, line in enumerate(data.lines):
            points = [(x, y) for x, y in zip(xs, line.y, strict=True) if _finite(y)]
            if not points:
                continue
            plt.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                label=line.name,
                marker=markers[index % len(markers)],
                color=self._color(_COLOR_VARIABLES[index % len(_COLOR_VARIABLES)]),
            )
        for threshold in data.thresholds:
            label = f"{threshold.label} {threshold.value:g}".strip()
            plt.plot(
                [xs[0], xs[-1]],
                [threshold.value, threshold.value],
                label=label,
                marker="-",
                color=self._color("chart-threshold"),
            )
        if data.window is not None:
            for edge in data.window:
                plt.vline(_to_number(edge), self._color("chart-window"))
        if data.x and isinstance(data.x[0], str):
            ticks, labels = self._date_ticks(xs, [str(x) for x in data.x])
            plt.xticks(ticks, labels)
        if data.title:
            title = data.title
            if data.window is not None:
                arrow = "->" if self._ascii else "→"
                title += f"  [window {data.window[0]}{arrow}{data.window[1]}]"
            plt.title(title)
        if data.y_label:
            plt.ylabel(data.y_label)

    def _date_ticks(self, xs: Sequence[float], labels: Sequence[str]) -> tuple[list[float], list[str]]:
        """Up to one date label per ~14 columns, evenly spaced, first and last included."""
        count = max(2, min(len(xs), max(self.size.width, 20) // 14))
        if len(xs) == 1:
            return [xs[0]], [labels[0][:10]]
        step = (len(xs) - 1) / (count - 1)
        indexes = sorted({round(i * step) for i in range(count)})
        return [xs[i] for i in indexes], [labels[i][:10] for i in indexes]
