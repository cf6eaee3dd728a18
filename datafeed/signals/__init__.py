"""Provides the thesis signals and the regime aggregate, as pure pandas.

Each signal turns one claim of the seed note into a number with a verdict: ``eroding``
(the claim holds: Treasuries are losing safe-asset status on this measure), ``intact``
(the old regime holds), ``neutral`` in between, or ``n/a`` with a reason naming the
missing or too-old input. Values keep the units a trader quotes: basis points for yield
gaps and cushions, a plain correlation for correlations, percent for ratios. Every value
carries the date it stands for, how many business days old that is, whether an input is
late and whether it is too old to count (:mod:`datafeed.signals.freshness`).

The package:

- :mod:`~datafeed.signals.spec`: :class:`SignalSpec` (one signal, declaratively) and the
  result types;
- :mod:`~datafeed.signals.registry`: :data:`SIGNALS`, every signal in display order;
- :mod:`~datafeed.signals.builtin`: the built-in specs, one entry each;
- ``pickups``, ``correlations``, ``baselines``, ``fiscal``: their computations and
  histories;
- :mod:`~datafeed.signals.engine`: verdicts, freshness, the regime, the incremental engine;
- :mod:`~datafeed.signals.serialize`: the JSON objects.

Thresholds are resolved once into a frozen :class:`~datafeed.thresholds.Thresholds`
(defaults from the specs, overrides from the config's ``[thresholds.<signal>]``); the
explanations are rendered from the thresholds in force. Adding a signal is one registry
entry plus its test: see ``docs/extending-signals.md``.

``SPECS`` is the registry itself (a read-only mapping); ``SIGNAL_IDS``, ``DEPENDENCIES``
and ``THRESHOLDS`` are computed on access, so they include signals registered later.
"""

from __future__ import annotations

from typing import Any

from datafeed.signals.baselines import cushion_baseline, cushion_history
from datafeed.signals.common import years_delta
from datafeed.signals.correlations import correlation_levels, paired_changes, paired_levels, rolling_correlation
from datafeed.signals.engine import (
    SignalEngine,
    classify,
    compute_signal,
    compute_signals,
    dependencies_of,
    prepare,
    regime,
)
from datafeed.signals.fiscal import foreign_share_series
from datafeed.signals.freshness import InputFact, facts_from_series, input_facts
from datafeed.signals.pickups import latest_pickup, pickup_series
from datafeed.signals.registry import SIGNALS, dependencies
from datafeed.signals.serialize import regime_to_json, round_value, signal_to_json, signals_to_json
from datafeed.signals.spec import (
    GROUPS,
    NAN,
    Computed,
    ComputeFn,
    Coverage,
    Direction,
    Group,
    HistoryFn,
    Level,
    Line,
    NotAvailable,
    RegimeResult,
    RegimeVerdict,
    SignalResult,
    SignalSpec,
    Verdict,
    threshold_levels,
    trailing_median,
)
from datafeed.thresholds import Thresholds, resolve_thresholds

SPECS = SIGNALS
"""Signal id → :class:`SignalSpec` (the registry; kept under its old name)."""


def __getattr__(name: str) -> Any:
    """``SIGNAL_IDS``, ``DEPENDENCIES`` and ``THRESHOLDS``, as of now (registrations included)."""
    if name == "SIGNAL_IDS":
        return SIGNALS.ids()
    if name == "DEPENDENCIES":
        return dependencies()
    if name == "THRESHOLDS":
        from datafeed.thresholds import default_sections

        return default_sections()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEPENDENCIES",
    "GROUPS",
    "NAN",
    "SIGNALS",
    "SIGNAL_IDS",
    "SPECS",
    "THRESHOLDS",
    "ComputeFn",
    "Computed",
    "Coverage",
    "Direction",
    "Group",
    "HistoryFn",
    "InputFact",
    "Level",
    "Line",
    "NotAvailable",
    "RegimeResult",
    "RegimeVerdict",
    "SignalEngine",
    "SignalResult",
    "SignalSpec",
    "Thresholds",
    "Verdict",
    "classify",
    "compute_signal",
    "compute_signals",
    "correlation_levels",
    "cushion_baseline",
    "cushion_history",
    "dependencies",
    "dependencies_of",
    "facts_from_series",
    "foreign_share_series",
    "input_facts",
    "latest_pickup",
    "paired_changes",
    "paired_levels",
    "pickup_series",
    "prepare",
    "regime",
    "regime_to_json",
    "resolve_thresholds",
    "rolling_correlation",
    "round_value",
    "signal_to_json",
    "signals_to_json",
    "threshold_levels",
    "trailing_median",
    "years_delta",
]
