"""Provides the ``signals`` and ``regime`` objects of ``snapshot --format json``.

Other tools read this document: existing keys keep their meaning and new ones are only
added (``docs/contract.md``). Per signal: ``value``, ``unit``, ``verdict``, ``date``, then
``name``, ``reason``, ``explanation``, ``label``, the computation's supporting numbers, and
the freshness keys ``group``, ``as_of``, ``age``, ``late``, ``late_inputs``, ``stale`` and
``frequency``. The regime adds its coverage to ``verdict``, ``eroding`` and ``available``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from datafeed.signals.spec import Coverage, RegimeResult, SignalResult, shown_decimals

_DECIMALS = {"bp": 2, "corr": 4, "%": 3, "pp": 3, "pts": 2}
_OWN_KEYS = frozenset(
    {
        "value",
        "unit",
        "verdict",
        "date",
        "name",
        "reason",
        "explanation",
        "label",
        "group",
        "as_of",
        "age",
        "late",
        "late_inputs",
        "stale",
        "frequency",
    }
)


def round_value(value: float | None, unit: str, cutoffs: Sequence[float] = ()) -> float | None:
    """Round for output by unit (bp 2 decimals, corr 4, % 3), with more decimals when fewer
    would put it on the other side of zero or of a cut-off than its verdict says
    (:func:`~datafeed.signals.spec.shown_decimals`); None stays None, NaN becomes None."""
    if value is None or math.isnan(value):
        return None
    return round(float(value), shown_decimals(float(value), _DECIMALS.get(unit, 4), cutoffs))


def signal_to_json(r: SignalResult) -> dict[str, Any]:
    """One signal: the contract's keys, its texts, supporting numbers, then its freshness."""
    return {
        "value": round_value(r.value, r.unit, r.cutoffs),
        "unit": r.unit,
        "verdict": r.verdict,
        "date": r.date.isoformat() if r.date else None,
        "name": r.name,
        "reason": r.reason,
        "explanation": r.explanation,
        "label": r.label,
        **{k: v for k, v in r.extra.items() if k not in _OWN_KEYS},
        "group": r.group,
        "as_of": r.as_of.isoformat() if r.as_of else None,
        "age": r.age,
        "late": r.late,
        "late_inputs": list(r.late_inputs),
        "stale": r.stale,
        "frequency": r.frequency,
    }


def signals_to_json(results: Mapping[str, SignalResult]) -> dict[str, dict[str, Any]]:
    """The ``signals`` object of ``snapshot --format json``."""
    return {sid: signal_to_json(r) for sid, r in results.items()}


def _coverage_json(c: Coverage) -> dict[str, Any]:
    return {"eroding": c.eroding, "available": c.available, "na": c.na, "late": c.late, "stale": list(c.stale)}


def regime_to_json(r: RegimeResult) -> dict[str, Any]:
    """The ``regime`` object: verdict and count, then coverage, as-of date and per-group counts."""
    return {
        "verdict": r.verdict,
        "eroding": r.eroding,
        "available": r.available,
        "na": r.na,
        "late": r.late,
        "stale": list(r.stale),
        "as_of": r.as_of.isoformat() if r.as_of else None,
        "groups": {g: _coverage_json(c) for g, c in r.groups.items()},
    }
