"""Provides each thesis signal as a time series, so the UI can chart when the regime changed.

A latest reading says where a signal stands; the thesis is about a *regime change* (the
stock-bond correlation flipping positive after 2020, hedged JGBs out-yielding Treasuries
since 2022), which only a history shows. Every signal's spec carries its history function
(:attr:`~datafeed.signals.spec.SignalSpec.history`), computing the same quantity as its
latest value on every date with the same windows and thresholds, so the last point of a
history equals the latest value (a test holds them together). What is charted:

- ``convenience_aaa_10y``: Aaa − 10Y in bp (its trailing median drawn over it).
- hedged pickups: the pickup in bp on every date all legs are present.
- correlations: the rolling correlation over the signal's window of paired days, dated at
  the window's last day, from the first full window on.
- cushions: OAS minus the baseline in force *on that date*.
- ``term_premium_trend``: the ``lag``-observation change in bp.
- ``debt_gdp`` and ``foreign_share``: the level.

A signal that cannot be computed gives an empty series, never an exception, so a chart
simply has nothing to draw.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from datafeed.signals.common import empty_series
from datafeed.signals.registry import SIGNALS
from datafeed.signals.spec import NotAvailable
from datafeed.thresholds import Overrides, Thresholds, resolve_thresholds


def signal_history(
    series: Mapping[str, pd.Series],
    signal_id: str,
    thresholds: Overrides | Thresholds | None = None,
    *,
    frequencies: Mapping[str, str] | None = None,
) -> pd.Series:
    """The signal ``signal_id`` on every date it can be computed, in its unit.

    Args:
        series: instrument id → series (the store's convention, see :mod:`datafeed.frame`).
        signal_id: an id of :data:`datafeed.signals.registry.SIGNALS`.
        thresholds: the thresholds in force (or overrides): windows, baselines.
        frequencies: optional id → frequency overrides.

    Returns:
        A float64 series named ``signal_id`` on a DatetimeIndex; empty when an input is
        missing.

    Raises:
        KeyError: unknown ``signal_id``.
    """
    spec = SIGNALS[signal_id]
    th = resolve_thresholds(thresholds).signal(signal_id)
    try:
        out = spec.history(series, th, frequencies)
    except NotAvailable:
        out = empty_series()
    return out.astype("float64").rename(signal_id)
