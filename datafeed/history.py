"""Provides each thesis signal as a time series, so the UI can chart when the regime changed.

A latest reading says where a signal stands; the thesis is about a *regime change* (the
stock-bond correlation flipping positive after 2020, hedged JGBs out-yielding Treasuries
since 2022), which only a history shows. Every function here computes the same quantity
as :mod:`datafeed.signals` on every date, with the same windows and thresholds, so the
last point of a history equals the signal's latest value (a test holds them together).

What is charted per signal (the ``value`` of :class:`~datafeed.signals.SignalResult`):

- ``convenience_aaa_10y``: Aaa − 10Y in bp.
- hedged pickups: the pickup in bp on every date all legs are present.
- correlations: the rolling correlation over the signal's window of paired days, dated at
  the window's last day, from the first full window on.
- cushions: OAS minus the baseline in force *on that date* (trailing mean once ``years``
  are held up to that date, before that the reference or the mean held so far).
- ``term_premium_trend``: the ``lag``-observation change in bp.
- ``debt_gdp`` and ``foreign_share``: the level (foreign share in % of debt held by the
  public).

A signal that cannot be computed gives an empty series, never an exception, so a chart
simply has nothing to draw.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import pandas as pd

from datafeed.frame import clean, is_daily
from datafeed.signals import (
    SPECS,
    NotAvailable,
    correlation_levels,
    foreign_share_series,
    paired_changes,
    pickup_series,
    resolve_thresholds,
    years_delta,
)

HistoryFn = Callable[[Mapping[str, pd.Series], Mapping[str, float], Mapping[str, str] | None], pd.Series]


def _empty() -> pd.Series:
    return pd.Series(dtype="float64", index=pd.DatetimeIndex([], dtype="datetime64[ns]", name="date"))


def _require_one(series: Mapping[str, pd.Series], instrument: str) -> pd.Series:
    s = clean(series.get(instrument))
    if s.empty:
        raise NotAvailable(f"missing input: {instrument}")
    return s


def _convenience(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> pd.Series:
    return 100.0 * _require_one(series, "aaa10y")


def _pickup(foreign: str, ust: str, legs: tuple[str, ...]) -> HistoryFn:
    def history(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> pd.Series:
        for i in (foreign, "sofr", ust):
            _require_one(series, i)
        return pickup_series(series, foreign, ust, legs, freq)

    return history


def rolling_correlation(
    series: Mapping[str, pd.Series],
    ids: tuple[str, ...],
    kinds: tuple[str, str],
    window: int,
) -> pd.Series:
    """Rolling correlation of two change series over ``window`` paired days."""
    changes = paired_changes(correlation_levels(series, ids), kinds)
    if len(changes) < window:
        return _empty()
    corr = changes.iloc[:, 0].rolling(window, min_periods=window).corr(changes.iloc[:, 1])
    return corr.dropna()


def _correlation(ids: tuple[str, ...], kinds: tuple[str, str]) -> HistoryFn:
    def history(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> pd.Series:
        return rolling_correlation(series, ids, kinds, int(th["window"]))

    return history


def _ust_bund_fx(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> pd.Series:
    bund = clean(series.get("bund10y"))
    if not bund.empty and not is_daily("bund10y", bund, freq):
        raise NotAvailable("bund10y is monthly only")
    return rolling_correlation(series, ("ust10y", "bund10y", "eurusd"), ("diff", "inv_pct"), int(th["window"]))


def cushion_history(s: pd.Series, th: Mapping[str, float]) -> pd.Series:
    """OAS minus the baseline in force on each date, bp (see :func:`signals.cushion_baseline`)."""
    span = years_delta(th["years"])
    held = (s.index - s.index[0]) >= span - pd.Timedelta(days=7)
    trailing = s.rolling(span).mean()
    reference = th.get("reference", math.nan)
    if reference is not None and not math.isnan(reference):
        before = pd.Series(reference / 100.0, index=s.index)
    else:
        before = s.expanding().mean()
    base = trailing.where(held, before)
    return 100.0 * (s - base)


def _cushion(instrument: str) -> HistoryFn:
    def history(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> pd.Series:
        return cushion_history(_require_one(series, instrument), th)

    return history


def _term_premium(
    series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None
) -> pd.Series:
    tp = _require_one(series, "term_premium_10y")
    return (100.0 * tp.diff(int(th["lag"]))).dropna()


def _debt_gdp(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> pd.Series:
    return _require_one(series, "debt_gdp")


def _foreign_share(
    series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None
) -> pd.Series:
    return foreign_share_series(series)


HISTORIES: dict[str, HistoryFn] = {
    "convenience_aaa_10y": _convenience,
    "bund_hedged_pickup_10y": _pickup("bund10y", "ust10y", ("estr",)),
    "jgb_hedged_pickup_10y": _pickup("jgb10y", "ust10y", ("tona", "jpy3m")),
    "jgb_hedged_pickup_20y": _pickup("jgb20y", "ust20y", ("tona", "jpy3m")),
    "jgb_hedged_pickup_30y": _pickup("jgb30y", "ust30y", ("tona", "jpy3m")),
    "stock_bond_corr_1y": _correlation(("spx", "ust10y"), ("pct", "neg_diff")),
    "stock_bond_corr_3y": _correlation(("spx", "ust10y"), ("pct", "neg_diff")),
    "dollar_vix_corr_1y": _correlation(("usd_broad", "vix"), ("pct", "diff")),
    "ust_bund_fx_corr_3m": _ust_bund_fx,
    "ig_cushion": _cushion("ig_oas"),
    "hy_cushion": _cushion("hy_oas"),
    "term_premium_trend": _term_premium,
    "debt_gdp": _debt_gdp,
    "foreign_share": _foreign_share,
}
"""Signal id → history function (same keys as :data:`datafeed.signals.SPECS`)."""


def signal_history(
    series: Mapping[str, pd.Series],
    signal_id: str,
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
    *,
    frequencies: Mapping[str, str] | None = None,
) -> pd.Series:
    """The signal ``signal_id`` on every date it can be computed, in its unit.

    Args:
        series: instrument id → series (the store's convention, see :mod:`datafeed.frame`).
        signal_id: an id of :data:`datafeed.signals.SPECS`.
        thresholds: overrides of :data:`datafeed.signals.THRESHOLDS` (windows, baselines).
        frequencies: optional id → frequency overrides.

    Returns:
        A float64 series named ``signal_id`` on a DatetimeIndex; empty when an input is
        missing.

    Raises:
        KeyError: unknown ``signal_id``.
    """
    if signal_id not in SPECS:
        raise KeyError(f"unknown signal {signal_id!r} (known: {', '.join(SPECS)})")
    th = resolve_thresholds(thresholds)[signal_id]
    try:
        out = HISTORIES[signal_id](series, th, frequencies)
    except NotAvailable:
        out = _empty()
    return out.astype("float64").rename(signal_id)
