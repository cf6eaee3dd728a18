"""Provides the thesis signals of DESIGN.md §3 and the regime aggregate, as pure pandas.

Each signal turns one claim of the seed note into a number with a verdict: ``eroding``
(the claim holds: Treasuries are losing safe-asset status on this measure), ``intact``
(the old regime holds), ``neutral`` in between, or ``n/a`` with a reason when an input is
missing. Values keep the units a trader quotes: basis points for yield gaps and cushions,
a plain correlation for correlations, percent for ratios.

Thresholds
----------
Every number a verdict depends on lives in :data:`THRESHOLDS` and can be overridden by a
``Mapping[str, Mapping[str, float]]`` (the config file's ``[thresholds]`` table, e.g.
``[thresholds.stock_bond_corr_1y] eroding = 0.3``). Keys per signal:

``eroding`` / ``intact``
    The cut-offs. For signals where *higher is worse* (the hedged pickups,
    ``stock_bond_corr_*``, ``term_premium_trend``, ``debt_gdp``) a value above ``eroding``
    is eroding and below ``intact`` is intact (``debt_gdp`` uses ≥ for eroding). For
    signals where *lower is worse* (``dollar_vix_corr_1y``, ``ust_bund_fx_corr_3m``, the
    cushions, ``convenience_aaa_10y``, ``foreign_share``) a value below ``eroding`` is
    eroding and above ``intact`` is intact. ``convenience_aaa_10y`` compares its distance
    from the trailing median (bp) and ``foreign_share`` its 5-year change (pp).
``window``
    Paired daily observations in a correlation (252, 756, 63).
``years``
    Length of a trailing baseline (10 for the convenience median and the credit
    cushions) or of the change (5 for ``foreign_share``).
``lag``
    Observations back for ``term_premium_trend`` (252).
``reference``
    Credit cushions only: the long-run OAS baseline in **bp** used until ``years`` of
    history are held (IG 119 bp, the ten-year average quoted in the seed; HY ``nan`` =
    the mean of what is held).
``min_obs``
    ``convenience_aaa_10y`` only: fewest observations for a meaningful median.

``[thresholds.regime]`` has ``eroding_share`` (0.6) and ``intact_share`` (0.3).

The crisis scorecard (:mod:`datafeed.crises`) reads two more sections of the same table:

``[thresholds.crises]``
    One minimum move per check id (``ust10y`` 5 bp, ``usd`` 0.5 %, ``ust_bund_10y`` 5 bp,
    ``vix`` 1 pt, ``spx`` 0.5 %, ``ig_oas`` 5 bp, ``gold`` 0.5 %), plus
    ``max_stale_days`` (10: the as-of value of a daily series may be at most this many
    calendar days older than the episode date), ``max_stale_days_lower`` (45, the same
    for monthly/quarterly series) and ``bund_monthly_min_days`` (60: shortest episode
    scored on monthly-only Bund data).
``[thresholds.live]``
    ``vix_jump`` (30 %, over ``vix_obs`` = 5 observations), ``spx_drawdown`` (5 % below
    the high of the last ``spx_window`` = 20 observations), ``recent`` (10: a stress spell
    is live while its last trigger is at most this many observations old) and
    ``merge_gap`` (3: triggers at most this many observations apart form one spell).

Dates
-----
``SignalResult.date`` is the newest observation date among the inputs the value was
computed from. Signals built from several daily inputs are read on the latest row where
all inputs are present in the aligned frame (:mod:`datafeed.frame`); single-series level
signals (``debt_gdp``) use that series' latest observation however old, because a
quarterly statistic is always months behind, and the UI shows the date.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from datafeed.frame import (
    align,
    carried_dates,
    carry,
    clean,
    is_daily,
    since,
    sorted_union,
)

Verdict = Literal["eroding", "neutral", "intact", "n/a"]
RegimeVerdict = Literal["ERODING", "MIXED", "INTACT", "n/a"]
Direction = Literal["high_bad", "low_bad"]

NAN = float("nan")

THRESHOLDS: dict[str, dict[str, float]] = {
    "convenience_aaa_10y": {"eroding": 0.0, "intact": 0.0, "years": 10.0, "min_obs": 252.0},
    "bund_hedged_pickup_10y": {"eroding": 0.0, "intact": -25.0},
    "jgb_hedged_pickup_10y": {"eroding": 0.0, "intact": -25.0},
    "jgb_hedged_pickup_20y": {"eroding": 0.0, "intact": -25.0},
    "jgb_hedged_pickup_30y": {"eroding": 0.0, "intact": -25.0},
    "stock_bond_corr_1y": {"eroding": 0.2, "intact": -0.2, "window": 252.0},
    "stock_bond_corr_3y": {"eroding": 0.2, "intact": -0.2, "window": 756.0},
    "dollar_vix_corr_1y": {"eroding": 0.0, "intact": 0.2, "window": 252.0},
    "ust_bund_fx_corr_3m": {"eroding": 0.0, "intact": 0.2, "window": 63.0},
    "ig_cushion": {"eroding": 0.0, "intact": 25.0, "years": 10.0, "reference": 119.0},
    "hy_cushion": {"eroding": 0.0, "intact": 25.0, "years": 10.0, "reference": NAN},
    "term_premium_trend": {"eroding": 0.0, "intact": -25.0, "lag": 252.0},
    "debt_gdp": {"eroding": 100.0, "intact": 70.0},
    "foreign_share": {"eroding": -2.0, "intact": 0.0, "years": 5.0},
    "regime": {"eroding_share": 0.6, "intact_share": 0.3},
    "crises": {
        "ust10y": 5.0,
        "usd": 0.5,
        "ust_bund_10y": 5.0,
        "vix": 1.0,
        "spx": 0.5,
        "ig_oas": 5.0,
        "gold": 0.5,
        "max_stale_days": 10.0,
        "max_stale_days_lower": 45.0,
        "bund_monthly_min_days": 60.0,
    },
    "live": {
        "vix_jump": 30.0,
        "vix_obs": 5.0,
        "spx_drawdown": 5.0,
        "spx_window": 20.0,
        "recent": 10.0,
        "merge_gap": 3.0,
    },
}
"""The one table of cut-offs and windows (see the module docstring for the keys)."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class SignalResult:
    """One signal's latest reading.

    Attributes:
        id: signal id (``stock_bond_corr_1y``).
        name: short display name.
        value: the reading in ``unit``; None when it cannot be computed.
        unit: ``bp``, ``corr`` or ``%``.
        verdict: ``eroding``, ``neutral``, ``intact`` or ``n/a``.
        date: newest observation date among the inputs used; None when n/a.
        reason: why the verdict is n/a, or notes on how it was computed (a fallback
            input, a carried-forward monthly value); None when there is nothing to say.
        explanation: one line for the UI saying what the number measures.
        extra: supporting numbers (baselines and their span, the 5-year change ...).
    """

    id: str
    name: str
    value: float | None
    unit: str
    verdict: Verdict
    date: dt.date | None
    reason: str | None
    explanation: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RegimeResult:
    """The aggregate of all signals (DESIGN.md §3 ``regime``).

    Attributes:
        verdict: ``ERODING``, ``MIXED``, ``INTACT`` or ``n/a`` (no signal available).
        eroding: number of signals reading ``eroding``.
        available: number of signals with a verdict other than ``n/a``.
    """

    verdict: RegimeVerdict
    eroding: int
    available: int

    @property
    def count(self) -> str:
        """The ``7/10`` form shown next to the verdict."""
        return f"{self.eroding}/{self.available}"


class NotAvailable(Exception):
    """Raised inside a signal computation when it must read ``n/a``; the message is the reason."""


@dataclass(frozen=True, slots=True)
class Computed:
    """What a signal computation returns before the verdict is applied.

    Attributes:
        value: the reported value.
        score: the number the verdict is judged on (the value itself unless the signal
            judges something else, e.g. a change); NaN means "no verdict possible".
        date: newest input observation date used.
        notes: remarks for ``SignalResult.reason``.
        extra: supporting numbers for ``SignalResult.extra``.
    """

    value: float
    score: float
    date: dt.date
    notes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


ComputeFn = Callable[[Mapping[str, pd.Series], Mapping[str, float], Mapping[str, str] | None], Computed]


@dataclass(frozen=True, slots=True)
class SignalSpec:
    """Static description of a signal: what it reads, how it is judged, how it is computed.

    Attributes:
        id: signal id.
        name: display name.
        unit: unit of the value.
        inputs: instrument ids it depends on (the incremental engine's dependency table).
        direction: ``high_bad`` when a higher score is eroding, ``low_bad`` otherwise.
        explanation: one line for the UI.
        compute: the computation (series, thresholds, frequencies) → :class:`Computed`.
        inclusive: True when reaching the eroding cut-off exactly already counts.
    """

    id: str
    name: str
    unit: str
    inputs: tuple[str, ...]
    direction: Direction
    explanation: str
    compute: ComputeFn
    inclusive: bool = False


# --------------------------------------------------------------------------- helpers


def _require(series: Mapping[str, pd.Series], *ids: str) -> list[pd.Series]:
    """Cleaned inputs, or :class:`NotAvailable` naming every missing one."""
    cleaned = [clean(series.get(i)) for i in ids]
    missing = [i for i, s in zip(ids, cleaned, strict=True) if s.empty]
    if missing:
        raise NotAvailable(f"missing input: {', '.join(missing)}")
    return cleaned


def _day(ts: pd.Timestamp) -> dt.date:
    return pd.Timestamp(ts).date()


def years_delta(years: float) -> pd.Timedelta:
    """A span of ``years`` as a whole number of days (365.25 a year).

    Why fixed days: the latest value and its history must use the very same window, and
    pandas' time-based rolling windows take a Timedelta, not a calendar offset.
    """
    return pd.Timedelta(days=round(365.25 * years))


_CHANGE_KINDS = ("diff", "neg_diff", "pct", "inv_pct")


def _changes(levels: np.ndarray, kind: str) -> np.ndarray:
    """Day-to-day changes of ``levels`` of one ``kind`` (see :data:`_CHANGE_KINDS`).

    ``pct`` and ``inv_pct`` are in percent; ``inv_pct`` is the % change of the reciprocal
    (the dollar per euro when the level is EUR/USD).
    """
    if kind == "diff":
        return np.diff(levels)
    if kind == "neg_diff":
        return -np.diff(levels)
    if kind == "pct":
        return 100.0 * (levels[1:] / levels[:-1] - 1.0)
    if kind == "inv_pct":
        return 100.0 * (levels[:-1] / levels[1:] - 1.0)
    raise ValueError(f"unknown change kind {kind!r}")


def paired_levels(parts: Iterable[pd.Series]) -> pd.DataFrame:
    """Levels on the dates where every part has an observation (an inner join).

    Why an inner join: a change is then measured over the same interval for every input,
    so a holiday in one market (bond market shut on Columbus Day, stocks open) turns into
    one two-day change for both instead of a stock move paired with no bond move.
    """
    return pd.concat(list(parts), axis=1, join="inner")


def paired_changes(levels: pd.DataFrame, kinds: tuple[str, ...]) -> pd.DataFrame:
    """Changes between consecutive paired dates, one column per input, dated at the later date."""
    values = levels.to_numpy(dtype="float64")
    cols = {i: _changes(values[:, i], k) for i, k in enumerate(kinds)}
    return pd.DataFrame(cols, index=levels.index[1:])


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation; NaN when either side does not move."""
    xd = x - x.mean()
    yd = y - y.mean()
    denom = math.sqrt(float(xd @ xd) * float(yd @ yd))
    return float(xd @ yd) / denom if denom > 0 else NAN


def correlation_levels(series: Mapping[str, pd.Series], ids: tuple[str, ...]) -> pd.DataFrame:
    """Paired levels of a correlation's two sides (a spread first when three ids are given).

    With three ids the first two are combined into a spread (``ids[0] − ids[1]``) on the
    dates all three share, and the third is the other side.
    """
    parts = _require(series, *ids)
    levels = paired_levels(parts)
    if len(ids) == 3:
        spread = levels.iloc[:, 0] - levels.iloc[:, 1]
        levels = pd.concat([spread, levels.iloc[:, 2]], axis=1)
    return levels


def _recent_levels(series: Mapping[str, pd.Series], ids: tuple[str, ...], window: int) -> pd.DataFrame:
    """Paired levels, joined on a recent slice first and on everything only if that is short.

    Why: joining 25 years of three series to use the last 253 rows dominated the
    recompute time. Paired dates on or after the cut are the same in the slice as in the
    full join, so when the slice holds ``window + 1`` of them the answer is identical.
    """
    parts = _require(series, *ids)
    newest_common = min(p.index[-1] for p in parts)
    cut = newest_common - pd.Timedelta(days=2 * window + 60)
    levels = correlation_levels({i: since(p, cut) for i, p in zip(ids, parts, strict=True)}, ids)
    if len(levels) >= window + 1:
        return levels
    return correlation_levels(series, ids)


def _pair_correlation(
    series: Mapping[str, pd.Series],
    ids: tuple[str, ...],
    kinds: tuple[str, str],
    window: int,
) -> Computed:
    """Correlation of two change series over the last ``window`` paired days.

    ``window`` changes need ``window + 1`` paired levels; fewer reads ``n/a`` rather than a
    correlation over a shorter, less comparable sample.
    """
    levels = _recent_levels(series, ids, window)
    if len(levels) < window + 1:
        raise NotAvailable(f"only {max(len(levels) - 1, 0)} paired days of {'/'.join(ids)}, needs {window}")
    tail = levels.iloc[-(window + 1) :]
    changes = paired_changes(tail, kinds)
    value = _corr(changes.iloc[:, 0].to_numpy(), changes.iloc[:, 1].to_numpy())
    if math.isnan(value):
        raise NotAvailable("an input did not move over the window")
    extra = {"window": window, "from": _day(tail.index[1]).isoformat(), "pairs": len(changes)}
    return Computed(value, value, _day(tail.index[-1]), extra=extra)


def _window(th: Mapping[str, float]) -> int:
    return int(th["window"])


# --------------------------------------------------------------------------- hedged pickups


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
    """Evaluate the pickup on ``target`` with the aligned-frame rule for every input.

    The foreign hedge leg is the first of ``legs`` present on each date (``tona`` before
    ``jpy3m``), so the fallback only fills the days the preferred leg lacks.
    """
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
    stamps = [inputs[i].index.asi8 for i in (daily_ids or required)]
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
        return pd.Series(dtype="float64", index=pd.DatetimeIndex([], dtype="datetime64[ns]"))
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
    newest = min(int(inputs[i].index.asi8[-1]) for i in required)
    cut = newest - _PICKUP_SLICE_DAYS * 86_400 * 10**9
    for start in (cut, None):
        rows = _pickup_rows(inputs, foreign, domestic_ust, legs, daily, _pickup_dates(inputs, required, daily, start))
        valid = np.flatnonzero(~np.isnan(rows.pickup))
        if len(valid):
            return rows, int(valid[-1]), inputs, daily
    return rows, -1, inputs, daily


def _hedged_pickup(foreign: str, domestic_ust: str, legs: tuple[str, ...]) -> ComputeFn:
    """Build the compute function of one hedged pickup (Bund or a JGB tenor)."""

    def compute(
        series: Mapping[str, pd.Series],
        th: Mapping[str, float],
        frequencies: Mapping[str, str] | None,
    ) -> Computed:
        required = (foreign, "sofr", domestic_ust)
        missing = [i for i in required if clean(series.get(i)).empty]
        if all(clean(series.get(leg)).empty for leg in legs):
            missing.append(" or ".join(legs))
        if missing:
            raise NotAvailable(f"missing input: {', '.join(missing)}")
        rows, pos, inputs, daily = latest_pickup(series, foreign, domestic_ust, legs, frequencies)
        if pos < 0:
            raise NotAvailable(f"{', '.join(required)} and the {legs[0]} leg never share a date")
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
        return Computed(value, value, _day(row), tuple(notes), extra)

    return compute


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
            notes.append(f"{inst}: monthly value of {_day(obs).isoformat()} carried forward")
    return notes


# --------------------------------------------------------------------------- correlations


def _correlation(ids: tuple[str, ...], kinds: tuple[str, str]) -> ComputeFn:
    def compute(
        series: Mapping[str, pd.Series],
        th: Mapping[str, float],
        frequencies: Mapping[str, str] | None,
    ) -> Computed:
        return _pair_correlation(series, ids, kinds, _window(th))

    return compute


def _ust_bund_fx(
    series: Mapping[str, pd.Series],
    th: Mapping[str, float],
    frequencies: Mapping[str, str] | None,
) -> Computed:
    """Needs daily Bund: a monthly average has no day-to-day changes to correlate."""
    bund = clean(series.get("bund10y"))
    if not bund.empty and not is_daily("bund10y", bund, frequencies):
        raise NotAvailable("bund10y is monthly only (OECD average); the 3-month correlation needs daily Bund yields")
    return _pair_correlation(series, ("ust10y", "bund10y", "eurusd"), ("diff", "inv_pct"), _window(th))


# --------------------------------------------------------------------------- baselines


def _trailing(s: pd.Series, years: float) -> tuple[pd.Series, bool]:
    """Observations within ``years`` of the last one, and whether that much history is held.

    "Held" allows a week of slack so a history that starts on a Monday after the exact
    anniversary still counts as ten years.
    """
    span = years_delta(years)
    last = s.index[-1]
    held = (last - s.index[0]) >= span - pd.Timedelta(days=7)
    return s[s.index > last - span], bool(held)


def _convenience(
    series: Mapping[str, pd.Series],
    th: Mapping[str, float],
    frequencies: Mapping[str, str] | None,
) -> Computed:
    """Aaa − 10Y in bp, judged against its trailing median (what is held if less)."""
    (aaa,) = _require(series, "aaa10y")
    window, held = _trailing(aaa, th["years"])
    if len(window) < int(th["min_obs"]):
        raise NotAvailable(f"only {len(window)} observations of aaa10y, needs {int(th['min_obs'])} for a median")
    value = 100.0 * float(aaa.iloc[-1])
    median = 100.0 * float(window.median())
    extra = {
        "baseline": round(median, 2),
        "baseline_kind": "trailing median" if held else "median of what is held",
        "baseline_start": _day(window.index[0]).isoformat(),
        "baseline_end": _day(window.index[-1]).isoformat(),
    }
    notes = (
        ()
        if held
        else (
            f"baseline is the median since {_day(window.index[0]).isoformat()}: less than {th['years']:g} years held",
        )
    )
    return Computed(value, value - median, _day(aaa.index[-1]), notes, extra)


def cushion_baseline(s: pd.Series, th: Mapping[str, float]) -> tuple[float, dict[str, Any]]:
    """Baseline OAS in % and a description of it (kind, span) per DESIGN.md's note.

    With ``years`` of history held it is the trailing mean; before that it is the
    configured ``reference`` (bp, converted to %), or the mean of what is held when no
    reference is configured.
    """
    window, held = _trailing(s, th["years"])
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
        "baseline_start": _day(start).isoformat() if start is not None else None,
        "baseline_end": _day(s.index[-1]).isoformat() if start is not None else None,
        "held_years": round((s.index[-1] - s.index[0]).days / 365.25, 2),
    }
    return base, info


def _cushion(instrument: str) -> ComputeFn:
    def compute(
        series: Mapping[str, pd.Series],
        th: Mapping[str, float],
        frequencies: Mapping[str, str] | None,
    ) -> Computed:
        (oas,) = _require(series, instrument)
        base, info = cushion_baseline(oas, th)
        value = 100.0 * (float(oas.iloc[-1]) - base)
        note = f"baseline {info['baseline']:g} bp ({info['baseline_kind']}"
        note += f" {info['baseline_start']}→{info['baseline_end']})" if info["baseline_start"] else ")"
        info["oas"] = round(100.0 * float(oas.iloc[-1]), 2)
        return Computed(value, value, _day(oas.index[-1]), (note,), info)

    return compute


# --------------------------------------------------------------------------- fiscal and term premium


def _term_premium_trend(
    series: Mapping[str, pd.Series],
    th: Mapping[str, float],
    frequencies: Mapping[str, str] | None,
) -> Computed:
    """Change of the term premium over ``lag`` observations, in bp."""
    (tp,) = _require(series, "term_premium_10y")
    lag = int(th["lag"])
    if len(tp) < lag + 1:
        raise NotAvailable(f"only {len(tp)} observations of term_premium_10y, needs {lag + 1}")
    value = 100.0 * float(tp.iloc[-1] - tp.iloc[-1 - lag])
    extra = {"from": _day(tp.index[-1 - lag]).isoformat(), "level": round(100.0 * float(tp.iloc[-1]), 2)}
    return Computed(value, value, _day(tp.index[-1]), extra=extra)


def _debt_gdp(
    series: Mapping[str, pd.Series],
    th: Mapping[str, float],
    frequencies: Mapping[str, str] | None,
) -> Computed:
    (debt,) = _require(series, "debt_gdp")
    value = float(debt.iloc[-1])
    return Computed(value, value, _day(debt.index[-1]))


def foreign_share_series(series: Mapping[str, pd.Series]) -> pd.Series:
    """Foreign holders' share of debt held by the public, %, on the foreign_holdings dates.

    Units: ``foreign_holdings`` is USD **billions** (FDHBFIN), ``debt_public`` USD
    **millions** (FYGFDPUN), so holdings are multiplied by 1000 before dividing.
    ``debt_public`` is read as of each holdings date (at most 45 days old).
    """
    holdings, debt = _require(series, "foreign_holdings", "debt_public")
    debt_asof = carry(debt, holdings.index)
    share = 100.0 * holdings * 1000.0 / debt_asof
    return share.dropna()


def _foreign_share(
    series: Mapping[str, pd.Series],
    th: Mapping[str, float],
    frequencies: Mapping[str, str] | None,
) -> Computed:
    """Latest share, judged on its change over ``years``."""
    share = foreign_share_series(series)
    if share.empty:
        raise NotAvailable("foreign_holdings and debt_public have no dates within 45 days of each other")
    value = float(share.iloc[-1])
    if not 0.0 < value <= 100.0:
        raise NotAvailable(f"foreign share {value:.4g}% is impossible: check units (holdings USD bn, debt USD mn)")
    last = share.index[-1]
    past = carry(share, pd.DatetimeIndex([last - years_delta(th["years"])])).iloc[0]
    extra: dict[str, Any] = {"years": th["years"]}
    if math.isnan(past):
        notes = (f"no share {th['years']:g} years before {_day(last).isoformat()}: change unknown",)
        return Computed(value, NAN, _day(last), notes, extra)
    extra["change_pp"] = round(value - float(past), 3)
    extra["past"] = round(float(past), 3)
    return Computed(value, value - float(past), _day(last), extra=extra)


# --------------------------------------------------------------------------- the table of signals

_HEDGE_NOTE = "rolling overnight-rate-hedged pickup, not the Du–Im–Schreger Treasury basis"

SPECS: dict[str, SignalSpec] = {
    s.id: s
    for s in (
        SignalSpec(
            "convenience_aaa_10y",
            "Convenience (Aaa−10Y)",
            "bp",
            ("aaa10y",),
            "low_bad",
            "Moody's Aaa minus 10Y Treasury (Krishnamurthy–Vissing-Jorgensen convenience proxy); "
            "below its 10-year median = the safety premium is shrinking",
            _convenience,
        ),
        SignalSpec(
            "bund_hedged_pickup_10y",
            "Hedged Bund pickup 10Y",
            "bp",
            ("bund10y", "sofr", "estr", "ust10y"),
            "high_bad",
            f"Bund 10Y + SOFR − €STR − UST 10Y: {_HEDGE_NOTE}; above 0 = hedged Bunds out-yield Treasuries",
            _hedged_pickup("bund10y", "ust10y", ("estr",)),
        ),
        *(
            SignalSpec(
                f"jgb_hedged_pickup_{t}",
                f"Hedged JGB pickup {t.upper()}",
                "bp",
                (f"jgb{t}", "sofr", "tona", "jpy3m", f"ust{t}"),
                "high_bad",
                f"JGB {t.upper()} + SOFR − TONA − UST {t.upper()}: {_HEDGE_NOTE}; above 0 = hedged JGBs out-yield Treasuries",
                _hedged_pickup(f"jgb{t}", f"ust{t}", ("tona", "jpy3m")),
            )
            for t in ("10y", "20y", "30y")
        ),
        SignalSpec(
            "stock_bond_corr_1y",
            "Stock–bond corr 1Y",
            "corr",
            ("spx", "ust10y"),
            "high_bad",
            "Correlation of daily S&P 500 returns with Treasury returns (−Δ10Y yield), last 252 paired days; "
            "positive = bonds no longer hedge equities",
            _correlation(("spx", "ust10y"), ("pct", "neg_diff")),
        ),
        SignalSpec(
            "stock_bond_corr_3y",
            "Stock–bond corr 3Y",
            "corr",
            ("spx", "ust10y"),
            "high_bad",
            "Correlation of daily S&P 500 returns with Treasury returns (−Δ10Y yield), last 756 paired days; "
            "positive = bonds no longer hedge equities",
            _correlation(("spx", "ust10y"), ("pct", "neg_diff")),
        ),
        SignalSpec(
            "dollar_vix_corr_1y",
            "Dollar–VIX corr 1Y",
            "corr",
            ("usd_broad", "vix"),
            "low_bad",
            "Correlation of daily broad-dollar % changes with VIX changes, last 252 paired days; "
            "negative = the dollar falls when fear rises",
            _correlation(("usd_broad", "vix"), ("pct", "diff")),
        ),
        SignalSpec(
            "ust_bund_fx_corr_3m",
            "UST−Bund vs $ corr 3M",
            "corr",
            ("ust10y", "bund10y", "eurusd"),
            "low_bad",
            "Correlation of daily Δ(UST 10Y − Bund 10Y) with the dollar's % change against the euro, last 63 days; "
            "negative = US yields rise relative to Bunds while the dollar falls",
            _ust_bund_fx,
        ),
        SignalSpec(
            "ig_cushion",
            "IG spread cushion",
            "bp",
            ("ig_oas",),
            "low_bad",
            "ICE BofA US IG OAS minus its long-run baseline; below 0 = spreads too tight to absorb a shock",
            _cushion("ig_oas"),
        ),
        SignalSpec(
            "hy_cushion",
            "HY spread cushion",
            "bp",
            ("hy_oas",),
            "low_bad",
            "ICE BofA US HY OAS minus its long-run baseline; below 0 = spreads too tight to absorb a shock",
            _cushion("hy_oas"),
        ),
        SignalSpec(
            "term_premium_trend",
            "Term premium Δ1Y",
            "bp",
            ("term_premium_10y",),
            "high_bad",
            "Change of the Kim–Wright 10Y term premium over 252 observations; rising = buyers want more to hold duration",
            _term_premium_trend,
        ),
        SignalSpec(
            "debt_gdp",
            "Debt/GDP",
            "%",
            ("debt_gdp",),
            "high_bad",
            "Federal debt held by the public, % of GDP: the supply side of the Triffin dilemma",
            _debt_gdp,
            inclusive=True,
        ),
        SignalSpec(
            "foreign_share",
            "Foreign share",
            "%",
            ("foreign_holdings", "debt_public"),
            "low_bad",
            "Foreign holders' share of Treasury debt held by the public; judged on its 5-year change "
            "(falling = the rest of the world is no longer the marginal buyer)",
            _foreign_share,
        ),
    )
}
"""Every signal of DESIGN.md §3, in display order."""

SIGNAL_IDS: tuple[str, ...] = tuple(SPECS)

DEPENDENCIES: dict[str, frozenset[str]] = {k: frozenset(s.inputs) for k, s in SPECS.items()}
"""Signal id → instrument ids it reads (what the incremental engine watches)."""


# --------------------------------------------------------------------------- thresholds


def resolve_thresholds(overrides: Mapping[str, Mapping[str, float]] | None = None) -> dict[str, dict[str, float]]:
    """Merge config overrides into :data:`THRESHOLDS`, validating them.

    Raises:
        ValueError: an unknown section or key, a value that is not a number, or cut-offs
            in the wrong order (an eroding cut-off on the intact side).
    """
    merged = {k: dict(v) for k, v in THRESHOLDS.items()}
    for section, values in (overrides or {}).items():
        if section not in merged:
            raise ValueError(f"thresholds: unknown signal {section!r} (known: {', '.join(merged)})")
        for key, raw in values.items():
            if key not in merged[section]:
                raise ValueError(f"thresholds.{section}: unknown key {key!r} (known: {', '.join(merged[section])})")
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                # ValueError, not TypeError: config loading reports every bad value alike.
                raise ValueError(f"thresholds.{section}.{key}: expected a number, got {raw!r}")  # noqa: TRY004
            merged[section][key] = float(raw)
    for sid, spec in SPECS.items():
        _check_order(sid, spec.direction, merged[sid])
    return merged


def _check_order(sid: str, direction: Direction, th: Mapping[str, float]) -> None:
    eroding, intact = th["eroding"], th["intact"]
    bad = eroding < intact if direction == "high_bad" else eroding > intact
    if bad:
        side = "≥" if direction == "high_bad" else "≤"
        raise ValueError(f"thresholds.{sid}: eroding ({eroding:g}) must be {side} intact ({intact:g})")
    for key in ("window", "lag", "years", "min_obs"):
        if key in th and not th[key] > 0:
            raise ValueError(f"thresholds.{sid}.{key}: must be positive, got {th[key]:g}")


def classify(score: float, spec: SignalSpec, th: Mapping[str, float]) -> Verdict:
    """Verdict of ``score`` against the signal's cut-offs; ``n/a`` for NaN.

    The score is rounded to 1e-9 first so binary floating point cannot push a value that
    sits exactly on a cut-off (a pickup of 0 bp, an unchanged share) to one side.
    """
    if score is None or math.isnan(score):
        return "n/a"
    score = round(score, 9)
    eroding, intact = th["eroding"], th["intact"]
    if spec.direction == "high_bad":
        if score > eroding or (spec.inclusive and score >= eroding):
            return "eroding"
        return "intact" if score < intact else "neutral"
    if score < eroding or (spec.inclusive and score <= eroding):
        return "eroding"
    return "intact" if score > intact else "neutral"


# --------------------------------------------------------------------------- computing


def compute_signal(
    signal_id: str,
    series: Mapping[str, pd.Series],
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
    *,
    frequencies: Mapping[str, str] | None = None,
    resolved: bool = False,
) -> SignalResult:
    """Compute one signal.

    Args:
        signal_id: an id of :data:`SPECS`.
        series: instrument id → series (see :mod:`datafeed.frame` for the convention).
        thresholds: overrides of :data:`THRESHOLDS` (or, with ``resolved``, the full table).
        frequencies: optional id → frequency overrides (e.g. ``{"bund10y": "daily"}``).
        resolved: True when ``thresholds`` is already the output of :func:`resolve_thresholds`.
    """
    spec = SPECS[signal_id]
    table = thresholds if resolved and thresholds is not None else resolve_thresholds(thresholds)
    th = table[signal_id]
    try:
        c = spec.compute(series, th, frequencies)
    except NotAvailable as exc:
        return SignalResult(spec.id, spec.name, None, spec.unit, "n/a", None, str(exc), spec.explanation, {})
    notes = "; ".join(c.notes) or None
    return SignalResult(
        spec.id,
        spec.name,
        c.value,
        spec.unit,
        classify(c.score, spec, th),
        c.date,
        notes,
        spec.explanation,
        dict(c.extra),
    )


def compute_signals(
    series: Mapping[str, pd.Series],
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
    *,
    frequencies: Mapping[str, str] | None = None,
    ids: Iterable[str] | None = None,
) -> dict[str, SignalResult]:
    """Compute every signal (or ``ids``) on ``series``; keys in display order."""
    table = resolve_thresholds(thresholds)
    wanted = SIGNAL_IDS if ids is None else tuple(ids)
    data = prepare(series, wanted)
    return {sid: compute_signal(sid, data, table, frequencies=frequencies, resolved=True) for sid in wanted}


def prepare(series: Mapping[str, pd.Series], signal_ids: Iterable[str]) -> dict[str, pd.Series]:
    """Clean every input of ``signal_ids`` once (several signals share ust10y, sofr ...)."""
    needed = {i for sid in signal_ids for i in DEPENDENCIES[sid]}
    return {i: clean(series.get(i)) for i in needed}


def regime(
    results: Mapping[str, SignalResult] | Iterable[SignalResult],
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
) -> RegimeResult:
    """Aggregate verdicts: ERODING at ≥ 60 % eroding, INTACT at ≤ 30 %, else MIXED."""
    items = list(results.values()) if isinstance(results, Mapping) else list(results)
    th = resolve_thresholds(thresholds)["regime"]
    available = [r for r in items if r.verdict != "n/a"]
    eroding = sum(1 for r in available if r.verdict == "eroding")
    if not available:
        return RegimeResult("n/a", 0, 0)
    share = eroding / len(available)
    if share >= th["eroding_share"] - 1e-12:
        verdict: RegimeVerdict = "ERODING"
    elif share <= th["intact_share"] + 1e-12:
        verdict = "INTACT"
    else:
        verdict = "MIXED"
    return RegimeResult(verdict, eroding, len(available))


# --------------------------------------------------------------------------- incremental engine


class SignalEngine:
    """Holds the latest signal results and recomputes only what an update touches.

    Why: the store reports which instruments changed (``Delta.changed``); an intraday VIX
    tick should not recompute ten-year credit baselines.

    Attributes:
        results: latest result per signal id, in display order.
        recomputed: ids recomputed by the last :meth:`update` or :meth:`recompute`.
    """

    def __init__(
        self,
        thresholds: Mapping[str, Mapping[str, float]] | None = None,
        *,
        frequencies: Mapping[str, str] | None = None,
    ) -> None:
        self._thresholds = resolve_thresholds(thresholds)
        self._frequencies = dict(frequencies) if frequencies else None
        self.results: dict[str, SignalResult] = {}
        self.recomputed: frozenset[str] = frozenset()

    def recompute(self, series: Mapping[str, pd.Series]) -> dict[str, SignalResult]:
        """Recompute every signal; returns all results."""
        self._run(series, SIGNAL_IDS)
        return dict(self.results)

    def update(self, series: Mapping[str, pd.Series], changed: Iterable[str]) -> dict[str, SignalResult]:
        """Recompute signals reading any of ``changed`` (and any never computed).

        Returns:
            The recomputed results only (empty when nothing depended on ``changed``).
        """
        touched = frozenset(changed)
        ids = [sid for sid in SIGNAL_IDS if sid not in self.results or DEPENDENCIES[sid] & touched]
        self._run(series, ids)
        return {sid: self.results[sid] for sid in ids}

    @property
    def regime(self) -> RegimeResult:
        """The aggregate of the current results."""
        return regime(self.results, self._thresholds)

    def _run(self, series: Mapping[str, pd.Series], ids: Iterable[str]) -> None:
        ids = list(ids)
        data = prepare(series, ids)
        done = []
        for sid in ids:
            self.results[sid] = compute_signal(
                sid, data, self._thresholds, frequencies=self._frequencies, resolved=True
            )
            done.append(sid)
        self.results = {sid: self.results[sid] for sid in SIGNAL_IDS if sid in self.results}
        self.recomputed = frozenset(done)


# --------------------------------------------------------------------------- JSON

_DECIMALS = {"bp": 2, "corr": 4, "%": 3, "pp": 3, "pts": 2}


def round_value(value: float | None, unit: str) -> float | None:
    """Round for output by unit (bp 2 decimals, corr 4, % 3); None stays None, NaN becomes None."""
    if value is None or math.isnan(value):
        return None
    return round(float(value), _DECIMALS.get(unit, 4))


def signal_to_json(r: SignalResult) -> dict[str, Any]:
    """One signal as in DESIGN.md §5, plus ``name``, ``reason``, ``explanation`` and extras."""
    return {
        "value": round_value(r.value, r.unit),
        "unit": r.unit,
        "verdict": r.verdict,
        "date": r.date.isoformat() if r.date else None,
        "name": r.name,
        "reason": r.reason,
        "explanation": r.explanation,
        **{k: v for k, v in r.extra.items() if k not in {"value", "unit", "verdict", "date"}},
    }


def signals_to_json(results: Mapping[str, SignalResult]) -> dict[str, dict[str, Any]]:
    """The ``signals`` object of ``snapshot --format json``."""
    return {sid: signal_to_json(r) for sid, r in results.items()}


def regime_to_json(r: RegimeResult) -> dict[str, Any]:
    """The ``regime`` object of ``snapshot --format json``."""
    return {"verdict": r.verdict, "eroding": r.eroding, "available": r.available}
