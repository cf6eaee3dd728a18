"""Provides the signals judged against a long-run baseline: the convenience proxy and the credit cushions.

Credit baselines: FRED serves the ICE BofA OAS series over about three years only, so ten
years exist only where triffin kept them. Until ``years`` are held the baseline is the
configured ``reference`` (bp; IG 119 bp, the ten-year average quoted in the seed) or, with
no reference, the mean of what is held; the baseline used and its span are reported.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from datafeed.signals.common import day, require, trailing, years_delta
from datafeed.signals.spec import NAN, Computed, ComputeFn, HistoryFn, NotAvailable


def convenience(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> Computed:
    """Aaa − 10Y in bp, judged against its trailing median (what is held if less)."""
    (aaa,) = require(series, "aaa10y")
    window, held = trailing(aaa, th["years"])
    if len(window) < int(th["min_obs"]):
        raise NotAvailable(f"only {len(window)} observations of aaa10y, needs {int(th['min_obs'])} for a median")
    value = 100.0 * float(aaa.iloc[-1])
    median = 100.0 * float(window.median())
    extra = {
        "baseline": round(median, 2),
        "baseline_kind": "trailing median" if held else "median of what is held",
        "baseline_start": day(window.index[0]).isoformat(),
        "baseline_end": day(window.index[-1]).isoformat(),
    }
    notes = (
        ()
        if held
        else (f"baseline is the median since {day(window.index[0]).isoformat()}: less than {th['years']:g} years held",)
    )
    return Computed(value, value - median, day(aaa.index[-1]), notes, extra)


def convenience_history(
    series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None
) -> pd.Series:
    """Aaa − 10Y in bp on every date (the median is drawn over it as an overlay)."""
    (aaa,) = require(series, "aaa10y")
    return 100.0 * aaa


def cushion_baseline(s: pd.Series, th: Mapping[str, float]) -> tuple[float, dict[str, Any]]:
    """Baseline OAS in % and a description of it (kind, span), per the module docstring."""
    window, held = trailing(s, th["years"])
    reference = th.get("reference", NAN)
    if held:
        base, kind, start = float(window.mean()), f"trailing {th['years']:g}y mean", window.index[0]
    elif reference is not None and not math.isnan(reference):
        base, kind, start = reference / 100.0, "configured reference", None
    else:
        base, kind, start = float(s.mean()), "mean of what is held", s.index[0]
    info = {
        "baseline": round(100.0 * base, 2),
        "baseline_kind": kind,
        "baseline_start": day(start).isoformat() if start is not None else None,
        "baseline_end": day(s.index[-1]).isoformat() if start is not None else None,
        "held_years": round((s.index[-1] - s.index[0]).days / 365.25, 2),
    }
    return base, info


def cushion_history(s: pd.Series, th: Mapping[str, float]) -> pd.Series:
    """OAS minus the baseline in force on each date, bp (see :func:`cushion_baseline`)."""
    span = years_delta(th["years"])
    held = (s.index - s.index[0]) >= span - pd.Timedelta(days=7)
    trailing_mean = s.rolling(span).mean()
    reference = th.get("reference", math.nan)
    if reference is not None and not math.isnan(reference):
        before = pd.Series(reference / 100.0, index=s.index)
    else:
        before = s.expanding().mean()
    base = trailing_mean.where(held, before)
    return 100.0 * (s - base)


def cushion(instrument: str) -> tuple[ComputeFn, HistoryFn]:
    """The compute and history functions of a credit cushion on OAS series ``instrument``."""

    def compute(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> Computed:
        (oas,) = require(series, instrument)
        base, info = cushion_baseline(oas, th)
        value = 100.0 * (float(oas.iloc[-1]) - base)
        note = f"baseline {info['baseline']:g} bp ({info['baseline_kind']}"
        note += f" {info['baseline_start']}→{info['baseline_end']})" if info["baseline_start"] else ")"
        info["oas"] = round(100.0 * float(oas.iloc[-1]), 2)
        return Computed(value, value, day(oas.index[-1]), (note,), info)

    def history(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> pd.Series:
        (oas,) = require(series, instrument)
        return cushion_history(oas, th)

    return compute, history
