"""Provides the plain, frozen value types a :class:`~widgets.chart.SeriesChart` draws.

Apart from :mod:`widgets.data` (the dashboard's rows, signals and grid) because only the
drill-downs chart: the dashboard's first frame then never pays for creating these classes
(a frozen dataclass costs ~0.8 ms to define; issue 20). Same rules as ``widgets.data``:
frozen, comparable, sequences stored as tuples.
"""

from __future__ import annotations

from dataclasses import dataclass

from widgets.data import CHART_AXES, THRESHOLD_KINDS, _check


@dataclass(frozen=True, slots=True)
class ChartLine:
    """One named line of a :class:`~widgets.chart.SeriesChart`."""

    name: str
    """Legend label."""
    y: tuple[float | None, ...]
    """Values aligned with :attr:`ChartData.x`; None (or NaN): no point there (the line joins
    the points either side of it unless :attr:`breaks`)."""
    axis: str = "left"
    """``right`` plots a comparison series against its own y axis on the right (its unit in
    :attr:`ChartData.y_label_right`); its legend and cursor read-out say ``(right axis)``."""
    decimals: int | None = None
    """Decimals of this line's values in the cursor read-out and last-value label; None
    picks them from the axis tick step."""
    breaks: bool = False
    """True: a missing value breaks the line, so nothing is drawn where there is no value
    (a yield curve must not bridge a tenor it lacks); a point with no neighbour is drawn
    as a lone marker. False: a time series joins the observations it has."""

    def __post_init__(self) -> None:
        """Validate enumerated fields and store sequences as tuples."""
        if not isinstance(self.y, tuple):
            object.__setattr__(self, "y", tuple(self.y))
        _check("ChartLine", "axis", self.axis, CHART_AXES)


@dataclass(frozen=True, slots=True)
class ChartThreshold:
    """A horizontal reference line (a signal's eroding / intact threshold, zero...)."""

    value: float
    """Height of the line, in the chart's y unit."""
    label: str = ""
    """What it marks; shown in the legend and next to the line."""
    kind: str = ""
    """One of :data:`THRESHOLD_KINDS`: ``eroding`` and ``intact`` get their own theme colours
    (``$chart-eroding``, ``$chart-intact``). Empty takes the label when the label is one of
    them, so ``ChartThreshold(0.2, "eroding")`` is an eroding threshold."""

    def __post_init__(self) -> None:
        """Infer the kind from the label when not given, and validate it."""
        if not self.kind and self.label in THRESHOLD_KINDS:
            object.__setattr__(self, "kind", self.label)
        _check("ChartThreshold", "kind", self.kind, THRESHOLD_KINDS)


@dataclass(frozen=True, slots=True)
class ChartData:
    """Everything a :class:`~widgets.chart.SeriesChart` draws."""

    x: tuple[str, ...] | tuple[float, ...]
    """ISO dates (``2020-03-09``) or plain numbers, oldest first."""
    lines: tuple[ChartLine, ...] = ()
    """The lines, each with one value per x."""
    thresholds: tuple[ChartThreshold, ...] = ()
    """Horizontal reference lines."""
    window: tuple[str, str] | tuple[float, float] | None = None
    """A (start, end) span marked with vertical lines (crisis window); same kind as x."""
    title: str = ""
    """Title drawn above the plot."""
    y_label: str = ""
    """Unit or label of the y axis (``%``, ``bp``)."""
    y_label_right: str = ""
    """Unit or label of the right y axis, used by lines with ``axis="right"``."""
    x_labels: tuple[str, ...] = ()
    """Names of numeric x values, one per x (a curve's tenors ``1M`` ... ``30Y`` at 0, 1, 2 ...):
    the x axis is labelled with them and the read-out names the point by its label."""

    def __post_init__(self) -> None:
        """Validate enumerated fields and store sequences as tuples."""
        for attr in ("x", "lines", "thresholds", "x_labels"):
            value = getattr(self, attr)
            if not isinstance(value, tuple):
                object.__setattr__(self, attr, tuple(value))
        if self.window is not None and not isinstance(self.window, tuple):
            object.__setattr__(self, "window", tuple(self.window))
        if self.x_labels and len(self.x_labels) != len(self.x):
            raise ValueError(f"ChartData has {len(self.x_labels)} x labels for {len(self.x)} x")
        for line in self.lines:
            if len(line.y) != len(self.x):
                raise ValueError(f"ChartData line {line.name!r} has {len(line.y)} values for {len(self.x)} x")
