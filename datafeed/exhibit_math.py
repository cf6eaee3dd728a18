"""Provides the arithmetic behind the seed's exhibits, as small pure pandas functions.

Each function does one transformation an exhibit needs (shares of a total, a value as of a
date, a trailing sum or mean, a rolling correlation, a splice of change series) and nothing
else, so each is tested on a handful of hand-made numbers. Inputs follow the store's
convention (sorted ``DatetimeIndex``, float values in catalog units); every function first
drops missing values, so a NaN is never carried, summed or paired as if it were a number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import cast

import numpy as np
import pandas as pd

from datafeed.exhibit_types import Axis, ChartSeries, SeriesKind
from datafeed.frame import clean, date_index

TEN_YEARS_DAYS = 3652
"""Ten years as a whole number of days (365.25 a year, rounded as the credit cushions do)."""


def day(ts: pd.Timestamp) -> dt.date:
    """A timestamp as a calendar date."""
    return pd.Timestamp(ts).date()


def chart_series(
    series_id: str,
    label: str,
    unit: str,
    s: pd.Series,
    *,
    axis: Axis = "left",
    kind: SeriesKind = "line",
    computed: bool = False,
    source: str = "",
) -> ChartSeries:
    """A pandas series as a plain :class:`ChartSeries` (missing values left out)."""
    s = clean(s)
    dates = tuple(d.date() for d in s.index)
    values = tuple(float(v) for v in s.to_numpy())
    return ChartSeries(series_id, label, unit, dates, values, axis, kind, computed, source)


def between(s: pd.Series, start: dt.date, end: dt.date) -> pd.Series:
    """The part of ``s`` dated from ``start`` to ``end`` inclusive."""
    return s[(s.index >= pd.Timestamp(start)) & (s.index <= pd.Timestamp(end))]


def value_asof(s: pd.Series, when: dt.date, max_days: int) -> tuple[dt.date, float] | None:
    """The last observation on or before ``when``, if at most ``max_days`` older (else None).

    Why a limit: an episode's start value must be the market on that day, not a quote from
    weeks before that happens to be the last one held.
    """
    s = clean(s)
    pos = int(s.index.searchsorted(pd.Timestamp(when), side="right")) - 1
    if pos < 0:
        return None
    obs = s.index[pos]
    if (pd.Timestamp(when) - obs).days > max_days:
        return None
    return day(obs), float(s.iloc[pos])


def change_over_years(s: pd.Series, years: int, tolerance_days: int = 45) -> tuple[float, float, dt.date] | None:
    """(latest, value ``years`` before the latest observation, that earlier date), or None.

    The earlier value is the last observation at most ``tolerance_days`` before the exact
    anniversary, so a quarterly series dated on quarter starts finds the same quarter.
    """
    s = clean(s)
    if s.empty:
        return None
    last = s.index[-1]
    then = value_asof(s, day(last - pd.DateOffset(years=years)), tolerance_days)
    if then is None:
        return None
    return float(s.iloc[-1]), then[1], then[0]


def shares(total: pd.Series, parts: Mapping[str, pd.Series], others: str = "others") -> pd.DataFrame:
    """Each part as a % of ``total`` on the dates all are observed, plus the rest as ``others``.

    ``others`` = 100 − the named shares, so every row sums to exactly 100 %. Dates where the
    total is not positive are dropped (a share of nothing is undefined).
    """
    frame = pd.concat({"__total": clean(total), **{k: clean(v) for k, v in parts.items()}}, axis=1, join="inner")
    frame = frame[frame["__total"] > 0]
    out = frame[list(parts)].div(frame["__total"], axis=0) * 100.0
    out[others] = 100.0 - out.sum(axis=1)
    return out


def trailing_sum(s: pd.Series, n: int) -> pd.Series:
    """Sum of the last ``n`` observations at each date (only where ``n`` are held).

    Z.1 unadjusted flows are per quarter, so four of them make a year's net purchases.
    """
    return clean(s).rolling(n, min_periods=n).sum().dropna()


def trailing_mean(s: pd.Series, days: int) -> pd.Series:
    """Mean of the observations within ``days`` before and including each date.

    The same time-based window the credit cushions use, so the exhibit's mean on a date
    equals the signal's baseline on that date.
    """
    s = clean(s)
    if s.empty:
        return s
    return s.rolling(pd.Timedelta(days=days)).mean()


def held_days(s: pd.Series) -> int:
    """Days between a series' first and last observation (0 when fewer than two)."""
    s = clean(s)
    return int((s.index[-1] - s.index[0]).days) if len(s) > 1 else 0


def pct_changes(levels: pd.Series) -> pd.Series:
    """% change between consecutive observations, dated at the later one."""
    s = clean(levels)
    return (100.0 * (s / s.shift(1) - 1.0)).iloc[1:]


def neg_diffs(levels: pd.Series) -> pd.Series:
    """Minus the change between consecutive observations (a yield's fall = a bond's return)."""
    s = clean(levels)
    return (-(s - s.shift(1))).iloc[1:]


def splice(segments: Sequence[pd.Series]) -> pd.Series:
    """Join change series oldest to newest, each later one taking over from its first date.

    Why changes and not levels: the NBER, OECD and H.15 series have different bases and
    instruments; chaining their levels would invent a continuous index, while a month's
    change within one source is a real observation of that source.
    """
    parts = [clean(s) for s in segments if not clean(s).empty]
    if not parts:
        return clean(None)
    out = parts[-1]
    for earlier in reversed(parts[:-1]):
        out = pd.concat([earlier[earlier.index < out.index[0]], out])
    return out


def rolling_corr(x: pd.Series, y: pd.Series, window: int) -> pd.Series:
    """Correlation of ``x`` and ``y`` over the last ``window`` dates both have, at each date.

    Only full windows are reported; a window in which either side never moves is left out
    rather than reported as a number.
    """
    paired = pd.concat([clean(x), clean(y)], axis=1, join="inner")
    if len(paired) < window:
        return clean(None)
    corr = paired.iloc[:, 0].rolling(window, min_periods=window).corr(paired.iloc[:, 1])
    return corr.replace([np.inf, -np.inf], np.nan).dropna()


def daily_stock_bond_changes(equity: pd.Series, yield_pct: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Equity % changes and −Δyield on the dates both are observed (an inner join first).

    The join comes before the changes so a holiday in one market becomes one two-day change
    for both sides, exactly as the ``stock_bond_corr_*`` signals pair them.
    """
    levels = pd.concat([clean(equity), clean(yield_pct)], axis=1, join="inner")
    if len(levels) < 2:
        return clean(None), clean(None)
    return pct_changes(levels.iloc[:, 0]), neg_diffs(levels.iloc[:, 1])


def monthly_mean(s: pd.Series) -> pd.Series:
    """Calendar-month means dated on the first of the month (the OECD/FRED monthly convention)."""
    s = clean(s)
    if s.empty:
        return s
    out = s.groupby(date_index(s).to_period("M")).mean()
    # Grouped by a PeriodIndex, the result is indexed by it (pandas types it as a plain Index).
    out.index = cast(pd.PeriodIndex, out.index).to_timestamp(how="start")
    return out
