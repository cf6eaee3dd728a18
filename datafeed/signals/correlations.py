"""Provides the correlation signals' computations: the latest value and the rolling history.

A correlation pairs two change series on the dates both inputs share (an inner join), so
a holiday in one market turns into one two-day change for both instead of a move paired
with no move. The latest value uses the last ``window`` paired changes; the history is
the same correlation rolled over every date, so its last point equals the latest value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from datafeed.frame import clean, is_daily, since
from datafeed.signals.common import day, disjoint_reason, empty_series, require
from datafeed.signals.spec import NAN, Computed, ComputeFn, HistoryFn, NotAvailable

_CHANGE_KINDS = ("diff", "neg_diff", "pct", "inv_pct")


def _changes(levels: npt.NDArray[np.float64], kind: str) -> npt.NDArray[np.float64]:
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
    """Levels on the dates where every part has an observation (an inner join)."""
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
    parts = require(series, *ids)
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
    parts = require(series, *ids)
    newest_common = min(p.index[-1] for p in parts)
    cut = newest_common - pd.Timedelta(days=2 * window + 60)
    levels = correlation_levels({i: since(p, cut) for i, p in zip(ids, parts, strict=True)}, ids)
    if len(levels) >= window + 1:
        return levels
    return correlation_levels(series, ids)


def pair_correlation(
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
        reason = f"only {max(len(levels) - 1, 0)} paired days of {'/'.join(ids)}, needs {window}"
        if levels.empty:
            reason += f": {disjoint_reason({i: clean(series.get(i)) for i in ids})}"
        raise NotAvailable(reason)
    tail = levels.iloc[-(window + 1) :]
    changes = paired_changes(tail, kinds)
    value = _corr(changes.iloc[:, 0].to_numpy(), changes.iloc[:, 1].to_numpy())
    if math.isnan(value):
        raise NotAvailable("an input did not move over the window")
    extra = {"window": window, "from": day(tail.index[1]).isoformat(), "pairs": len(changes)}
    return Computed(value, value, day(tail.index[-1]), extra=extra)


def rolling_correlation(
    series: Mapping[str, pd.Series],
    ids: tuple[str, ...],
    kinds: tuple[str, str],
    window: int,
) -> pd.Series:
    """Rolling correlation of two change series over ``window`` paired days."""
    changes = paired_changes(correlation_levels(series, ids), kinds)
    if len(changes) < window:
        return empty_series()
    corr = changes.iloc[:, 0].rolling(window, min_periods=window).corr(changes.iloc[:, 1])
    return corr.dropna()


def correlation(ids: tuple[str, ...], kinds: tuple[str, str]) -> tuple[ComputeFn, HistoryFn]:
    """The compute and history functions of a correlation of two inputs' changes.

    Args:
        ids: the two inputs, or three when the first two form a spread.
        kinds: change of each side: ``diff``, ``neg_diff`` (a yield's fall = a bond's
            return), ``pct`` or ``inv_pct`` (% change of the reciprocal).
    """

    def compute(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> Computed:
        return pair_correlation(series, ids, kinds, int(th["window"]))

    def history(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> pd.Series:
        return rolling_correlation(series, ids, kinds, int(th["window"]))

    return compute, history


def needs_daily(instrument: str, fns: tuple[ComputeFn, HistoryFn], why: str) -> tuple[ComputeFn, HistoryFn]:
    """Wrap a correlation so it reads ``n/a`` when ``instrument`` is held at a monthly frequency only.

    Why: a monthly average (the OECD Bund series) has no day-to-day changes to correlate.
    """
    compute_fn, history_fn = fns

    def check(series: Mapping[str, pd.Series], freq: Mapping[str, str] | None) -> None:
        s = clean(series.get(instrument))
        if not s.empty and not is_daily(instrument, s, freq):
            raise NotAvailable(why)

    def compute(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> Computed:
        check(series, freq)
        return compute_fn(series, th, freq)

    def history(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> pd.Series:
        check(series, freq)
        return history_fn(series, th, freq)

    return compute, history
