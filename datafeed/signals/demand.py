"""Provides the demand and supply signals: auction demand, custody and TIC holdings, interest burden.

Auction signals read the auction series of :mod:`datafeed.demand.auction_series`
(``auction_<measure>_<line>``, one value per auction day, derived from the auction book)
and judge each security line against its own past: the newest auction of a line minus the
mean of the same line's auctions in the ``years`` before it (the newest excluded, at least
``min_obs`` of them). A signal over several lines (the 10- and 30-year, or every nominal
coupon) averages the lines' deviations, each line weighing the same, so a 30-year auction
does not vanish among the monthly 2-, 3- and 5-year ones. A line whose newest auction is more
than :data:`LINE_CARRY_DAYS` older than the signal's date is left out (a discontinued or
suspended line must not speak for today).

Custody and TIC signals are changes of a level over a fixed span, read as of a date (the
value on or before it), so a missing week or month does not shift the window.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from datafeed.frame import carry, clean
from datafeed.signals.common import day, empty_series, require, span, years_delta
from datafeed.signals.spec import NAN, Computed, ComputeFn, HistoryFn, NotAvailable

LINE_CARRY_DAYS = 120
"""Days a line's newest deviation still counts after its auction (every nominal coupon line
is auctioned at least quarterly: new issues or reopenings)."""

COUPON_LINES: tuple[str, ...] = ("2y", "3y", "5y", "7y", "10y", "20y", "30y")
"""Nominal coupon lines (notes and bonds, reopenings included), by original term."""

LONG_LINES: tuple[str, ...] = ("10y", "30y")
"""The lines the foreign-demand proxy is read at (the issue: 10- and 30-year auctions)."""


def auction_ids(measure: str, lines: Sequence[str]) -> tuple[str, ...]:
    """The auction series ids a signal over ``lines`` reads: ``auction_<measure>_<line>``."""
    return tuple(f"auction_{measure}_{line}" for line in lines)


def line_deviation(s: pd.Series, years: float, min_obs: int) -> pd.DataFrame:
    """Per auction of one line: value, trailing mean and count of the ``years`` before it, deviation.

    The window is ``[date − years, date)``: the auction itself is not part of its own average.
    Rows with fewer than ``min_obs`` earlier auctions have a NaN deviation.
    """
    s = clean(s)
    window = years_delta(years)
    rolled = s.rolling(window, closed="left")
    mean, count = rolled.mean(), rolled.count()
    deviation = (s - mean).where(count >= min_obs)
    return pd.DataFrame({"value": s, "trailing": mean, "count": count, "deviation": deviation})


def _lines(series: Mapping[str, pd.Series], ids: Sequence[str]) -> dict[str, pd.Series]:
    held = {i: clean(series.get(i)) for i in ids}
    held = {i: s for i, s in held.items() if not s.empty}
    if not held:
        raise NotAvailable(f"no auction results held for {', '.join(ids)}")
    return held


def _deviation_frame(series: Mapping[str, pd.Series], ids: Sequence[str], th: Mapping[str, float]) -> pd.DataFrame:
    """Each line's newest deviation as of every auction date of any line (NaN once too old)."""
    held = _lines(series, ids)
    years, min_obs = float(th["years"]), int(th["min_obs"])
    deviations = {i: line_deviation(s, years, min_obs)["deviation"].dropna() for i, s in held.items()}
    deviations = {i: d for i, d in deviations.items() if not d.empty}
    if not deviations:
        counts = ", ".join(f"{i} {len(s)} ({span(s)})" for i, s in held.items())
        raise NotAvailable(
            f"no auction has {min_obs} earlier ones of its line within {years:g} years (auctions held: {counts})"
        )
    dates = pd.DatetimeIndex(sorted(set().union(*(d.index for d in deviations.values())))).as_unit("ns")
    return pd.DataFrame({i: carry(d, dates, LINE_CARRY_DAYS) for i, d in deviations.items()}, index=dates)


def _line_key(sid: str, measure: str) -> str:
    return sid.removeprefix(f"auction_{measure}_")


def auction_vs_trailing(measure: str, lines: Sequence[str]) -> tuple[ComputeFn, HistoryFn]:
    """(compute, history) of the lines' mean deviation from their trailing averages.

    The value is in the measure's own unit (percentage points for shares, the ratio for
    bid-to-cover, bp for the high-minus-median spread). ``extra`` lists every line's newest
    auction with its value, trailing mean, how many auctions that mean is of, and its date.
    """
    ids = auction_ids(measure, lines)

    def history(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> pd.Series:
        try:
            frame = _deviation_frame(series, ids, th)
        except NotAvailable:
            return empty_series()
        return frame.mean(axis=1, skipna=True).dropna()

    def compute(series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None) -> Computed:
        frame = _deviation_frame(series, ids, th)
        last = frame.index[-1]
        row = frame.iloc[-1].dropna()
        years, min_obs = float(th["years"]), int(th["min_obs"])
        per_line: dict[str, Any] = {}
        for sid in row.index:
            table = line_deviation(clean(series[sid]), years, min_obs).dropna(subset=["deviation"])
            newest = table.iloc[-1]
            per_line[_line_key(str(sid), measure)] = {
                "date": day(table.index[-1]).isoformat(),
                "latest": round(float(newest["value"]), 4),
                "trailing_mean": round(float(newest["trailing"]), 4),
                "trailing_count": int(newest["count"]),
                "deviation": round(float(newest["deviation"]), 4),
            }
        value = float(row.mean())
        left_out = [_line_key(i, measure) for i in ids if i not in row.index]
        notes = (f"no recent comparable auction for {', '.join(left_out)}",) if left_out else ()
        extra: dict[str, Any] = {"lines": per_line, "years": years}
        return Computed(value, value, day(last), notes, extra, tuple(str(i) for i in row.index))

    return compute, history


# --------------------------------------------------------------------------- levels over a span


def _change_pct(s: pd.Series, lag: pd.Timedelta, max_days: int) -> pd.Series:
    """% change of ``s`` on each date against its value as of ``lag`` earlier (≤ ``max_days`` old)."""
    past = carry(s, pd.DatetimeIndex(s.index) - lag, max_days)
    past.index = s.index
    return (100.0 * (s / past - 1.0)).where(past > 0).dropna()


def custody_change(
    series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None
) -> Computed:
    """Custody holdings' % change over ``weeks`` weeks (the Wednesday level as of that day)."""
    (custody,) = require(series, "custody_official")
    weeks = int(th["weeks"])
    changes = _change_pct(custody, pd.Timedelta(weeks=weeks), 10)
    if changes.empty:
        raise NotAvailable(
            f"custody_official ({span(custody)}) has no level {weeks} weeks (±10 days) before any of its weeks"
        )
    last = changes.index[-1]
    then = carry(custody, pd.DatetimeIndex([last - pd.Timedelta(weeks=weeks)]), 10).iloc[0]
    value = float(changes.iloc[-1])
    extra = {
        "weeks": weeks,
        "level": round(float(custody[last]), 3),
        "level_before": round(float(then), 3),
        "change_usd_bn": round(float(custody[last] - then), 3),
    }
    notes: tuple[str, ...] = ()
    if last != custody.index[-1]:
        notes = (f"newest week {day(custody.index[-1]).isoformat()} has no level {weeks} weeks before it",)
    return Computed(value, value, day(last), notes, extra)


def custody_history(
    series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None
) -> pd.Series:
    """The ``weeks``-week % change on every week."""
    (custody,) = require(series, "custody_official")
    return _change_pct(custody, pd.Timedelta(weeks=int(th["weeks"])), 10)


def _months_back(s: pd.Series, months: int) -> pd.Series:
    """``s`` as of ``months`` calendar months before each date (monthly data dated the 1st)."""
    past_dates = pd.DatetimeIndex([ts - pd.DateOffset(months=months) for ts in s.index])
    past = carry(s, past_dates, 20)
    past.index = s.index
    return past


def holders_change(
    series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None
) -> Computed:
    """Foreign total's % change over ``months``; the official sector's change alongside."""
    (total,) = require(series, "tic_total")
    months = int(th["months"])
    past = _months_back(total, months)
    changes = (100.0 * (total / past - 1.0)).where(past > 0).dropna()
    if changes.empty:
        raise NotAvailable(f"tic_total ({span(total)}) has no month {months} months before another")
    last = changes.index[-1]
    value = float(changes.iloc[-1])
    extra: dict[str, Any] = {
        "months": months,
        "total": round(float(total[last]), 3),
        "total_before": round(float(past[last]), 3),
        "total_change_usd_bn": round(float(total[last] - past[last]), 3),
    }
    notes: list[str] = []
    official = clean(series.get("tic_official"))
    used: tuple[str, ...] = ("tic_total",)
    if official.empty or last not in official.index:
        notes.append(f"foreign official not held for {day(last).isoformat()}")
    else:
        before = _months_back(official, months)[last]
        if math.isnan(before) or before <= 0:
            notes.append(f"foreign official has no month {months} months before {day(last).isoformat()}")
        else:
            used = ("tic_total", "tic_official")
            extra["official"] = round(float(official[last]), 3)
            extra["official_change_usd_bn"] = round(float(official[last] - before), 3)
            extra["official_change_pct"] = round(100.0 * (float(official[last]) / before - 1.0), 4)
    return Computed(value, value, day(last), tuple(notes), extra, used)


def holders_history(
    series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None
) -> pd.Series:
    """The total's ``months``-month % change on every month."""
    (total,) = require(series, "tic_total")
    past = _months_back(total, int(th["months"]))
    return (100.0 * (total / past - 1.0)).where(past > 0).dropna()


def interest_burden(
    series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None
) -> Computed:
    """Net interest outlays, % of GDP (latest fiscal year), judged on its ``years``-year change."""
    (ratio,) = require(series, "interest_gdp")
    value = float(ratio.iloc[-1])
    last = ratio.index[-1]
    years = int(th["years"])
    past = carry(ratio, pd.DatetimeIndex([last - pd.DateOffset(years=years)]), 40).iloc[0]
    extra: dict[str, Any] = {"years": years}
    if np.isnan(past):
        notes = (f"no fiscal year {years} years before {day(last).isoformat()}: change unknown",)
        return Computed(value, NAN, day(last), notes, extra)
    extra["change_pp"] = round(value - float(past), 3)
    extra["past"] = round(float(past), 3)
    return Computed(value, value - float(past), day(last), extra=extra)


def interest_history(
    series: Mapping[str, pd.Series], th: Mapping[str, float], freq: Mapping[str, str] | None
) -> pd.Series:
    """The ratio itself (the chart shows the level; the verdict reads its change)."""
    (ratio,) = require(series, "interest_gdp")
    return ratio


__all__ = [
    "COUPON_LINES",
    "LINE_CARRY_DAYS",
    "LONG_LINES",
    "auction_ids",
    "auction_vs_trailing",
    "custody_change",
    "custody_history",
    "holders_change",
    "holders_history",
    "interest_burden",
    "interest_history",
    "line_deviation",
]
