"""Provides the aligned daily frame that signals and crisis checks are computed on.

Why a frame at all: a hedged pickup adds a Bund yield to a SOFR−€STR leg and subtracts a
Treasury yield, so the inputs must be read on the *same* day. Daily series are simply put
side by side on the union of their observation dates (no gap filling: a holiday in one
market leaves a hole rather than an invented value). Lower-frequency series (weekly, monthly,
quarterly or annual) are carried forward onto that index, but at most ``max_carry_days`` (45) after
their own observation date; older than that they are missing, never extrapolated.

Input convention (what the store provides): each series has a sorted, unique,
tz-naive ``DatetimeIndex`` at midnight and float64 values in the instrument's catalog unit.
The last point may be a provisional intraday value; it is treated like any observation.

Frequency is taken from :mod:`datafeed.catalog` *and* from the observed spacing, the lower
of the two winning: ``bund10y`` is daily when it comes from the Bundesbank but monthly when
only the FRED/OECD fallback answered, and the frame must carry the monthly value forward
in that case. Callers that know better pass ``frequencies``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import cast

import numpy as np
import pandas as pd

from datafeed import catalog

MAX_CARRY_DAYS = 45
"""Longest a monthly/quarterly value is carried forward (DESIGN.md §3)."""

_RANK = {"daily": 0, "weekly": 1, "monthly": 2, "quarterly": 3, "annual": 4}
_SPACING_TAIL = 40
"""Number of most recent gaps looked at when guessing a series' frequency."""
_DAY_NS = 86_400 * 10**9


def date_index(s: pd.Series | pd.DataFrame) -> pd.DatetimeIndex:
    """The ``DatetimeIndex`` of a series or frame that follows the module's input convention.

    Why: pandas types ``Series.index`` as a plain ``Index`` (no ``asi8``, ``strftime`` or
    ``unit``); the store and :func:`clean` always give a ``DatetimeIndex``. This says so to the
    type checker in one place and costs nothing at run time (no conversion, no check).
    """
    return cast(pd.DatetimeIndex, s.index)


def clean(s: pd.Series | None) -> pd.Series:
    """Return ``s`` as float64 without missing values (an empty series for None).

    Why: FRED marks a missing day with an empty field; a NaN must never be carried
    forward or paired as if it were an observation. The index is brought to nanosecond
    resolution so series parsed at different resolutions align. An already clean series is
    returned as is, so calling this again on prepared inputs costs almost nothing.
    """
    if s is None or len(s) == 0:
        return pd.Series(dtype="float64", index=pd.DatetimeIndex([], dtype="datetime64[ns]"))
    out = s if s.dtype == np.float64 else s.astype("float64")
    values = out.to_numpy()
    if np.isnan(values).any():
        out = out[~np.isnan(values)]
    idx = out.index
    if isinstance(idx, pd.DatetimeIndex) and idx.unit != "ns":
        # pandas 3 parses dates at microsecond resolution; one unit everywhere keeps the
        # integer-based union and day arithmetic below simple.
        out = out.set_axis(idx.as_unit("ns"))
    return out


def since(s: pd.Series, start: pd.Timestamp) -> pd.Series:
    """The part of a sorted series on or after ``start`` (a cheap positional slice)."""
    return s.iloc[int(s.index.searchsorted(start, side="left")) :]


def observed_frequency(s: pd.Series) -> str:
    """Guess ``daily``, ``monthly`` or ``quarterly`` from the spacing of recent observations.

    The (upper) median gap of the last observations decides: up to 7 days is daily (weekends and
    holidays included), up to 45 days monthly, anything longer quarterly. One or no
    observation reads as daily (nothing to carry).
    """
    if s.dtype != np.float64 or not isinstance(s.index, pd.DatetimeIndex) or s.index.unit != "ns":
        s = clean(s)
    stamps = date_index(s).asi8[-(_SPACING_TAIL + 1) :]
    values = s.to_numpy()[-(_SPACING_TAIL + 1) :]
    stamps = stamps[~np.isnan(values)]
    if len(stamps) < 2:
        return "daily"
    gaps = np.sort(np.diff(stamps)) / _DAY_NS
    median = float(gaps[len(gaps) // 2])
    if median <= 7:
        return "daily"
    if median <= 45:
        return "monthly"
    return "quarterly"


def effective_frequency(
    instrument_id: str,
    s: pd.Series,
    frequencies: Mapping[str, str] | None = None,
) -> str:
    """Frequency used for carrying ``instrument_id`` forward.

    An explicit entry in ``frequencies`` wins; otherwise the lower of the catalog
    frequency and the observed one (unknown ids use the observed frequency only).
    """
    if frequencies and instrument_id in frequencies:
        return frequencies[instrument_id]
    observed = observed_frequency(s)
    inst = catalog.CATALOG.get(instrument_id)
    if inst is None:
        return observed
    declared = inst.frequency
    return declared if _RANK[declared] >= _RANK[observed] else observed


def is_daily(instrument_id: str, s: pd.Series, frequencies: Mapping[str, str] | None = None) -> bool:
    """True when the series is treated as daily (not carried forward)."""
    return effective_frequency(instrument_id, s, frequencies) == "daily"


def _asof_positions(obs: np.ndarray, target: np.ndarray, max_days: int) -> np.ndarray:
    """Index into ``obs`` of the last observation ≤ each target, at most ``max_days`` old (−1: none).

    Both arrays are sorted int64 nanoseconds; one ``searchsorted`` does the whole as-of join.
    """
    pos = np.searchsorted(obs, target, side="right") - 1
    if len(obs) == 0:
        return np.full(len(target), -1, dtype=np.int64)
    age = target - obs[np.maximum(pos, 0)]
    pos[(pos < 0) | (age > max_days * _DAY_NS)] = -1
    return pos


def _exact_positions(obs: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Index into ``obs`` of each target date observed exactly (−1 where not observed)."""
    pos = np.searchsorted(obs, target, side="left")
    inside = pos < len(obs)
    hit = np.zeros(len(target), dtype=bool)
    hit[inside] = obs[pos[inside]] == target[inside]
    return np.where(hit, pos, -1)


def _take(values: np.ndarray, pos: np.ndarray) -> np.ndarray:
    out = np.full(len(pos), np.nan)
    found = pos >= 0
    out[found] = values[pos[found]]
    return out


def align(s: pd.Series, target: np.ndarray, daily: bool, max_days: int = MAX_CARRY_DAYS) -> np.ndarray:
    """Values of a clean series on ``target`` dates (int64 ns): exact for daily, carried otherwise.

    This is the frame's rule for one column, exposed as arrays for hot paths that need only
    a few rows (the latest hedged pickup) and would pay more for a DataFrame than for the
    arithmetic.
    """
    obs = date_index(s).asi8
    pos = _exact_positions(obs, target) if daily else _asof_positions(obs, target, max_days)
    return _take(s.to_numpy(), pos)


def carry(s: pd.Series, index: pd.DatetimeIndex, max_days: int = MAX_CARRY_DAYS) -> pd.Series:
    """As-of map ``s`` onto ``index``: last value on or before each date, if ≤ ``max_days`` old."""
    s = clean(s)
    pos = _asof_positions(date_index(s).asi8, _ns(index), max_days)
    return pd.Series(_take(s.to_numpy(), pos), index=index, dtype="float64")


def carried_dates(s: pd.Series, index: pd.DatetimeIndex, max_days: int = MAX_CARRY_DAYS) -> pd.Series:
    """For each date of ``index``, the observation date the carried value came from (NaT if none)."""
    s = clean(s)
    pos = _asof_positions(date_index(s).asi8, _ns(index), max_days)
    obs = date_index(s).asi8
    out = np.where(pos >= 0, obs[np.maximum(pos, 0)] if len(obs) else 0, np.iinfo(np.int64).min)
    return pd.Series(pd.DatetimeIndex(out.astype("datetime64[ns]")), index=index)


def _ns(index: pd.DatetimeIndex) -> np.ndarray:
    return pd.DatetimeIndex(index).as_unit("ns").asi8


def aligned_frame(
    series: Mapping[str, pd.Series],
    ids: Iterable[str] | None = None,
    *,
    max_carry_days: int = MAX_CARRY_DAYS,
    frequencies: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Build the aligned daily frame of ``ids`` (default: every series given).

    Args:
        series: instrument id → series, per the module's input convention.
        ids: columns wanted, in order. An id with no series becomes an all-NaN column so
            callers can tell "missing input" from "no such column".
        max_carry_days: how long a lower-frequency value stays valid.
        frequencies: optional id → ``daily|monthly|quarterly`` overrides.

    Returns:
        A float64 frame indexed by the union of the daily series' observation dates (or of
        all dates when no daily series is present), lower-frequency series carried forward
        at most ``max_carry_days``.
    """
    wanted = list(series) if ids is None else list(ids)
    cleaned = {i: clean(series.get(i)) for i in wanted}
    daily = {i for i, s in cleaned.items() if not s.empty and is_daily(i, s, frequencies)}
    index = _union_index(cleaned[i] for i in (daily or cleaned))
    target = index.asi8
    columns = np.full((len(index), len(wanted)), np.nan)
    for j, i in enumerate(wanted):
        if not cleaned[i].empty:
            columns[:, j] = align(cleaned[i], target, i in daily, max_carry_days)
    return pd.DataFrame(columns, index=index, columns=wanted)


def _union_index(parts: Iterable[pd.Series]) -> pd.DatetimeIndex:
    """Sorted union of the indexes of ``parts`` (empty DatetimeIndex when none)."""
    arrays = [date_index(p).asi8 for p in parts if len(p)]
    if not arrays:
        return pd.DatetimeIndex([], dtype="datetime64[ns]", name="date")
    return pd.DatetimeIndex(sorted_union(arrays).astype("datetime64[ns]"), name="date")


def sorted_union(arrays: Iterable[np.ndarray]) -> np.ndarray:
    """Sorted unique values of several int64 arrays (a sort and a dedupe, no hashing)."""
    merged = np.concatenate(list(arrays))
    merged.sort()
    if len(merged) < 2:
        return merged
    keep = np.empty(len(merged), dtype=bool)
    keep[0] = True
    np.not_equal(merged[1:], merged[:-1], out=keep[1:])
    return merged[keep]
