"""Provides the supply and demand signals read off levels: term premium trend, debt/GDP, foreign share.

A quarterly statistic is always months behind, so these use their series' latest
observation however old; the date says how old, and the freshness rules of
:mod:`datafeed.signals.freshness` decide whether the regime still counts it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from datafeed.frame import MAX_CARRY_DAYS, carry, clean, date_index
from datafeed.signals.common import day, require, span, years_delta
from datafeed.signals.spec import NAN, Computed, NotAvailable


def term_premium_trend(
    series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None
) -> Computed:
    """Change of the term premium over ``lag`` observations, in bp."""
    (tp,) = require(series, "term_premium_10y")
    lag = int(th["lag"])
    if len(tp) < lag + 1:
        raise NotAvailable(f"only {len(tp)} observations of term_premium_10y, needs {lag + 1}")
    value = 100.0 * float(tp.iloc[-1] - tp.iloc[-1 - lag])
    extra = {"from": day(tp.index[-1 - lag]).isoformat(), "level": round(100.0 * float(tp.iloc[-1]), 2)}
    return Computed(value, value, day(tp.index[-1]), extra=extra)


def term_premium_history(
    series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None
) -> pd.Series:
    """The ``lag``-observation change in bp on every date."""
    (tp,) = require(series, "term_premium_10y")
    return (100.0 * tp.diff(int(th["lag"]))).dropna()


def debt_gdp(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> Computed:
    """The latest debt-to-GDP ratio, %."""
    (debt,) = require(series, "debt_gdp")
    value = float(debt.iloc[-1])
    return Computed(value, value, day(debt.index[-1]))


def debt_gdp_history(
    series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None
) -> pd.Series:
    """The ratio itself."""
    (debt,) = require(series, "debt_gdp")
    return debt


def foreign_share_series(series: Mapping[str, pd.Series]) -> pd.Series:
    """Foreign holders' share of debt held by the public, %, on the foreign_holdings dates.

    Units: ``foreign_holdings`` is USD **billions** (FDHBFIN), ``debt_public`` USD
    **millions** (FYGFDPUN), so holdings are multiplied by 1000 before dividing.
    ``debt_public`` is read as of each holdings date (at most 45 days old).
    """
    holdings, debt = require(series, "foreign_holdings", "debt_public")
    debt_asof = carry(debt, date_index(holdings))
    share = 100.0 * holdings * 1000.0 / debt_asof
    return share.dropna()


def foreign_share(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> Computed:
    """Latest share, judged on its change over ``years``."""
    share = foreign_share_series(series)
    if share.empty:
        holdings, debt = clean(series.get("foreign_holdings")), clean(series.get("debt_public"))
        raise NotAvailable(
            f"foreign_holdings ({span(holdings)}) and debt_public ({span(debt)}) "
            f"have no dates within {MAX_CARRY_DAYS} days of each other"
        )
    value = float(share.iloc[-1])
    if not 0.0 < value <= 100.0:
        raise NotAvailable(f"foreign share {value:.4g}% is impossible: check units (holdings USD bn, debt USD mn)")
    last = share.index[-1]
    past = carry(share, pd.DatetimeIndex([last - years_delta(th["years"])])).iloc[0]
    extra: dict[str, Any] = {"years": th["years"]}
    if math.isnan(past):
        notes = (f"no share {th['years']:g} years before {day(last).isoformat()}: change unknown",)
        return Computed(value, NAN, day(last), notes, extra)
    extra["change_pp"] = round(value - float(past), 3)
    extra["past"] = round(float(past), 3)
    return Computed(value, value - float(past), day(last), extra=extra)


def foreign_share_history(
    series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None
) -> pd.Series:
    """The share (%), on every holdings date with a debt figure at most 45 days older."""
    return foreign_share_series(series)
