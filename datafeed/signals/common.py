"""Provides the small helpers every signal family uses: inputs, dates, spans, n/a reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from datafeed.frame import clean
from datafeed.signals.spec import NotAvailable


def require(series: Mapping[str, pd.Series], *ids: str) -> list[pd.Series]:
    """Cleaned inputs, or :class:`NotAvailable` naming every missing one."""
    cleaned = [clean(series.get(i)) for i in ids]
    missing = [i for i, s in zip(ids, cleaned, strict=True) if s.empty]
    if missing:
        raise NotAvailable(f"missing input: {', '.join(missing)}")
    return cleaned


def day(ts: pd.Timestamp | int) -> dt.date:
    """A timestamp (or int64 nanoseconds) as a date."""
    return pd.Timestamp(ts).date()


def years_delta(years: float) -> pd.Timedelta:
    """A span of ``years`` as a whole number of days (365.25 a year).

    Why fixed days: the latest value and its history must use the very same window, and
    pandas' time-based rolling windows take a Timedelta, not a calendar offset.
    """
    return pd.Timedelta(days=round(365.25 * years))


def trailing(s: pd.Series, years: float) -> tuple[pd.Series, bool]:
    """Observations within ``years`` of the last one, and whether that much history is held.

    "Held" allows a week of slack so a history that starts on a Monday after the exact
    anniversary still counts as ten years.
    """
    span = years_delta(years)
    last = s.index[-1]
    held = (last - s.index[0]) >= span - pd.Timedelta(days=7)
    return s[s.index > last - span], bool(held)


def empty_series() -> pd.Series:
    """An empty float series on an empty DatetimeIndex (a history with nothing to draw)."""
    return pd.Series(dtype="float64", index=pd.DatetimeIndex([], dtype="datetime64[ns]", name="date"))


def span(s: pd.Series) -> str:
    """``2018-04-03→2026-06-30``: the dates a cleaned, non-empty series covers."""
    return f"{day(s.index[0]).isoformat()}→{day(s.index[-1]).isoformat()}"


def disjoint_reason(inputs: Mapping[str, pd.Series], reach_days: Mapping[str, int] | None = None) -> str:
    """Why inputs share no date: the one that ends first and the one that starts last.

    Args:
        inputs: id → cleaned, non-empty series.
        reach_days: id → days a value stays usable after its date (45 for a carried
            monthly value); 0 when absent.

    Returns:
        e.g. ``jpy3m ended 2024-12-01 (carried at most 45 days), before sofr starts 2025-02-03``,
        or, when every input reaches the same span, a list of the spans.
    """
    reach = dict(reach_days or {})
    ends = {i: s.index[-1] + pd.Timedelta(days=reach.get(i, 0)) for i, s in inputs.items()}
    starts = {i: s.index[0] for i, s in inputs.items()}
    first_end = min(ends, key=lambda i: ends[i])
    last_start = max(starts, key=lambda i: starts[i])
    if first_end != last_start and ends[first_end] < starts[last_start]:
        carried = f" (carried at most {reach[first_end]} days)" if reach.get(first_end) else ""
        return (
            f"{first_end} ended {day(inputs[first_end].index[-1]).isoformat()}{carried}, "
            f"before {last_start} starts {day(starts[last_start]).isoformat()}"
        )
    return "; ".join(f"{i} {span(s)}" for i, s in inputs.items())
