"""Provides triffin's reusable Textual widgets and the plain data types they take.

Widgets take tuples and frozen dataclasses (``widgets.data``), never pandas objects or
providers, and import nothing from ``datafeed``, ``tui`` or ``themes``. Their colours come
from theme variables; an App hosting them must define triffin's variables, e.g. by
returning ``themes.THEME_VARIABLE_DEFAULTS`` from ``get_theme_variable_defaults()``.

Names are imported lazily (as ``textual.widgets`` does), so ``import widgets`` is cheap
and plotext is loaded only when :class:`SeriesChart` is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from widgets.chart import SeriesChart
    from widgets.chart_data import ChartData, ChartLine, ChartThreshold
    from widgets.data import (
        RegimeView,
        ScoreCell,
        ScoreRow,
        SignalView,
        SourceView,
        TableRow,
    )
    from widgets.live_table import LiveTable
    from widgets.scorecard import ScorecardGrid
    from widgets.signals_panel import SignalsPanel
    from widgets.sparkline import sparkline
    from widgets.status_bar import StatusBar

_EXPORTS: dict[str, str] = {
    "ChartData": "widgets.chart_data",
    "ChartLine": "widgets.chart_data",
    "ChartThreshold": "widgets.chart_data",
    "RegimeView": "widgets.data",
    "ScoreCell": "widgets.data",
    "ScoreRow": "widgets.data",
    "SignalView": "widgets.data",
    "SourceView": "widgets.data",
    "TableRow": "widgets.data",
    "LiveTable": "widgets.live_table",
    "ScorecardGrid": "widgets.scorecard",
    "SeriesChart": "widgets.chart",
    "SignalsPanel": "widgets.signals_panel",
    "StatusBar": "widgets.status_bar",
    "sparkline": "widgets.sparkline",
}

__all__ = [
    "ChartData",
    "ChartLine",
    "ChartThreshold",
    "LiveTable",
    "RegimeView",
    "ScoreCell",
    "ScoreRow",
    "ScorecardGrid",
    "SeriesChart",
    "SignalView",
    "SignalsPanel",
    "SourceView",
    "StatusBar",
    "TableRow",
    "sparkline",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
