"""Provides the hedged pickups: 100·[(foreign + SOFR − hedge leg) − UST] in bp.

They price a rolling short-dated FX hedge by the overnight risk-free-rate differential
(the carry a USD investor earns in hedged Bunds/JGBs instead of Treasuries). They are not
the maturity-matched Treasury basis of Du, Im and Schreger, which needs cross-currency
swap quotes no keyless public source publishes.

Inputs are read on the aligned frame's rule (:mod:`datafeed.frame`): daily series on the
dates they share, monthly ones carried forward at most 45 days. The foreign hedge leg is
the first of its legs present on a date (TONA before the stale JPY 3M interbank rate).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from datafeed.frame import MAX_CARRY_DAYS, align, carried_dates, clean, date_index, is_daily, sorted_union
from datafeed.signals.common import day, disjoint_reason, empty_series
from datafeed.signals.spec import Computed, ComputeFn, HistoryFn, NotAvailable

HEDGE_NOTE = (
    "Measure: an overnight-rate-hedged pickup. It prices a rolling short-dated FX hedge by "
    "the overnight risk-free-rate differential (SOFR minus €STR or TONA): the carry a USD "
    "investor earns in hedged Bunds/JGBs instead of Treasuries. It is not the "
    "maturity-matched Treasury basis of Du, Im and Schreger, which needs cross-currency "
    "swap quotes that no keyless public source publishes."
)
"""Said on every hedged-pickup screen, so nobody reads it as the Treasury basis."""


@dataclass(frozen=True, slots=True)
class PickupRows:
    """A hedged pickup evaluated on some dates, with the legs that went into it.

    Attributes:
        stamps: the dates (int64 ns).
        pickup: 100·[(foreign + sofr − leg) − ust] in bp, NaN where an input is missing.
        legs: input id → its aligned values (the foreign hedge leg under ``"leg"``).
        used: per date, the index into the leg ids of the leg used (−1: none present).
    """

    stamps: np.ndarray
    pickup: np.ndarray
    legs: dict[str, np.ndarray]
    used: np.ndarray


def _pickup_rows(
    inputs: Mapping[str, pd.Series],
    foreign: str,
    domestic_ust: str,
    legs: tuple[str, ...],
    daily: Mapping[str, bool],
    target: np.ndarray,
) -> PickupRows:
    """Evaluate the pickup on ``target`` with the aligned-frame rule for every input."""
    cols = {i: align(inputs[i], target, daily[i]) for i in (foreign, "sofr", domestic_ust, *legs)}
    leg = cols[legs[0]].copy()
    used = np.where(np.isnan(leg), -1, 0)
    for k, alt in enumerate(legs[1:], start=1):
        fill = np.isnan(leg) & ~np.isnan(cols[alt])
        leg[fill] = cols[alt][fill]
        used[fill] = k
    cols["leg"] = leg
    pickup = 100.0 * ((cols[foreign] + cols["sofr"] - leg) - cols[domestic_ust])
    return PickupRows(target, pickup, cols, used)


def _pickup_dates(
    inputs: Mapping[str, pd.Series],
    required: tuple[str, ...],
    daily: Mapping[str, bool],
    since_ns: int | None = None,
) -> np.ndarray:
    """Candidate dates: those every daily required input shares (all their dates if none is daily).

    Only these rows of the aligned frame can hold a pickup, so evaluating just them gives
    the same answer as the full frame for a fraction of the work.
    """
    daily_ids = [i for i in required if daily[i]]
    stamps = [date_index(inputs[i]).asi8 for i in (daily_ids or required)]
    if since_ns is not None:
        stamps = [a[np.searchsorted(a, since_ns) :] for a in stamps]
    if not daily_ids:
        return sorted_union(stamps)
    out = stamps[0]
    for a in stamps[1:]:
        out = np.intersect1d(out, a, assume_unique=True)
    return out


def _pickup_inputs(
    series: Mapping[str, pd.Series],
    ids: tuple[str, ...],
    frequencies: Mapping[str, str] | None,
) -> tuple[dict[str, pd.Series], dict[str, bool]]:
    inputs = {i: clean(series.get(i)) for i in ids}
    daily = {i: is_daily(i, s, frequencies) for i, s in inputs.items()}
    return inputs, daily


def pickup_series(
    series: Mapping[str, pd.Series],
    foreign: str,
    domestic_ust: str,
    legs: tuple[str, ...],
    frequencies: Mapping[str, str] | None = None,
) -> pd.Series:
    """Daily hedged pickup in bp on every date all its inputs are present (the history)."""
    ids = (foreign, "sofr", domestic_ust, *legs)
    inputs, daily = _pickup_inputs(series, ids, frequencies)
    required = (foreign, "sofr", domestic_ust)
    if any(inputs[i].empty for i in required):
        return empty_series()
    rows = _pickup_rows(inputs, foreign, domestic_ust, legs, daily, _pickup_dates(inputs, required, daily))
    ok = ~np.isnan(rows.pickup)
    return pd.Series(rows.pickup[ok], index=pd.DatetimeIndex(rows.stamps[ok].astype("datetime64[ns]"), name="date"))


_PICKUP_SLICE_DAYS = 200


def latest_pickup(
    series: Mapping[str, pd.Series],
    foreign: str,
    domestic_ust: str,
    legs: tuple[str, ...],
    frequencies: Mapping[str, str] | None,
) -> tuple[PickupRows, int, dict[str, pd.Series], dict[str, bool]]:
    """The pickup rows and the position of the latest valid one (−1: never computable).

    Why a recent slice first: only the newest row where every leg is present is reported,
    and values on recent dates do not depend on the distant past (carried values reach
    back 45 days at most), so the full history is only evaluated when the slice has none.
    """
    ids = (foreign, "sofr", domestic_ust, *legs)
    inputs, daily = _pickup_inputs(series, ids, frequencies)
    required = (foreign, "sofr", domestic_ust)
    newest = min(int(date_index(inputs[i]).asi8[-1]) for i in required)
    cut = newest - _PICKUP_SLICE_DAYS * 86_400 * 10**9
    for start in (cut, None):
        rows = _pickup_rows(inputs, foreign, domestic_ust, legs, daily, _pickup_dates(inputs, required, daily, start))
        valid = np.flatnonzero(~np.isnan(rows.pickup))
        if len(valid):
            return rows, int(valid[-1]), inputs, daily
    return rows, -1, inputs, daily


def no_common_date(
    inputs: Mapping[str, pd.Series],
    daily: Mapping[str, bool],
    required: tuple[str, ...],
    legs: tuple[str, ...],
) -> str:
    """Why the pickup never has every input on one date, naming the input and its last date.

    E.g. ``no tona; jpy3m ended 2024-12-01 (carried at most 45 days), before jgb20y
    starts 2026-06-01``: which hedge leg is missing, and which input stopped before
    another began (a monthly value counts for 45 days after its date).
    """
    present = [leg for leg in legs if not inputs[leg].empty]
    prefix = [f"no {leg}" for leg in legs[: legs.index(present[0])]] if present else []

    def reach(i: str) -> int:
        return 0 if daily[i] else MAX_CARRY_DAYS

    # The leg that reaches furthest is the best the pickup could have used.
    leg = max(present, key=lambda i: inputs[i].index[-1] + pd.Timedelta(days=reach(i)))
    parts = {i: inputs[i] for i in (*required, leg)}
    why = disjoint_reason(parts, {i: reach(i) for i in parts})
    return "; ".join([*prefix, why])


def hedged_pickup(foreign: str, domestic_ust: str, legs: tuple[str, ...]) -> tuple[ComputeFn, HistoryFn]:
    """The compute and history functions of one hedged pickup (Bund or a JGB tenor)."""
    required = (foreign, "sofr", domestic_ust)

    def compute(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> Computed:
        missing = [i for i in required if clean(series.get(i)).empty]
        if all(clean(series.get(leg)).empty for leg in legs):
            missing.append(" or ".join(legs))
        if missing:
            raise NotAvailable(f"missing input: {', '.join(missing)}")
        rows, pos, inputs, daily = latest_pickup(series, foreign, domestic_ust, legs, freq)
        if pos < 0:
            raise NotAvailable(no_common_date(inputs, daily, required, legs))
        leg_id = legs[int(rows.used[pos])]
        row = pd.Timestamp(int(rows.stamps[pos]))
        extra = {
            "foreign_yield": round(float(rows.legs[foreign][pos]), 4),
            "sofr": round(float(rows.legs["sofr"][pos]), 4),
            "hedge_leg": leg_id,
            "hedge_leg_rate": round(float(rows.legs["leg"][pos]), 4),
            "ust": round(float(rows.legs[domestic_ust][pos]), 4),
        }
        notes = _pickup_notes(inputs, daily, row, foreign, leg_id, legs)
        value = float(rows.pickup[pos])
        # The row is the latest date every daily input shares, so it is also the newest
        # input date used (carried monthly values are older by construction).
        return Computed(value, value, day(row), tuple(notes), extra, inputs=(*required, leg_id))

    def history(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> pd.Series:
        return pickup_series(series, foreign, domestic_ust, legs, freq)

    return compute, history


def _pickup_notes(
    inputs: Mapping[str, pd.Series],
    daily: Mapping[str, bool],
    row: pd.Timestamp,
    foreign: str,
    leg_id: str,
    legs: tuple[str, ...],
) -> list[str]:
    """Notes on a fallback hedge leg and on carried-forward (monthly) inputs at ``row``."""
    notes: list[str] = []
    if leg_id != legs[0]:
        notes.append(f"{leg_id} used: {legs[0]} missing ({leg_id} is a 3-month interbank rate, not overnight)")
    for inst in (foreign, leg_id):
        if not daily[inst]:
            obs = carried_dates(inputs[inst], pd.DatetimeIndex([row])).iloc[0]
            notes.append(f"{inst}: monthly value of {day(obs).isoformat()} carried forward")
    return notes
