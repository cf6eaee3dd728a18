"""Provides the arithmetic of derived instruments (spreads): their values, quote and state.

Why here and not in the config's formula rows: a spread such as 2s10s or UST−Bund 10Y is
an instrument like any other for every consumer (table, drill-down, alerts, export, the
snapshot JSON), so the store holds it next to its legs (``SeriesStore`` calls these
functions whenever a leg changes). The rules that keep one value = one provenance:

- a value exists only on a date every leg has a value *for*: a daily leg's value stands for
  its own date only; a lower-frequency leg's value (FRED's monthly Bund average) stands for its
  period (its month, quarter, year, or the six days after a weekly date) until the next value,
  so a spread of a daily and a monthly leg has a value on every daily date of the month the
  monthly value covers, dated by the daily leg (a real input date). Nothing is interpolated,
  and nothing is carried past a value's own period;
- every value is tagged with the derivation (``derived:ust10y-ust2y``);
- a provisional quote exists only when every leg has a value on a day after the last
  common close and at least one of them is an intraday quote; it is stamped with the
  oldest of those quotes' times;
- its fetch state follows its weakest leg: fresh only when every leg is, its last success
  the oldest of theirs, its error the first failing leg's (named).

The official-values function imports pandas when called (the store already has it); the
state function needs nothing heavier than the models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from datafeed.catalog import Derivation
from datafeed.models import Observation, SeriesState, Status

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

ROUND = 6
"""Decimals a derived value is rounded to: far below a basis point's display precision, and
it keeps ``(4.73 - 4.30) * 100`` from exporting as 42.99999999999997."""

_RANK = {Status.FRESH: 0, Status.STALE: 1, Status.MISSING: 2, Status.ERROR: 3}


def period_ends(days: np.ndarray, frequency: str) -> np.ndarray:
    """The last day (``datetime64[D]``) each value dated ``days`` stands for at ``frequency``.

    FRED dates a monthly average on the 1st of its month, a quarterly one on the 1st of its
    quarter, an annual one on 1 January; a weekly level is read as standing for the six days
    after it. A daily value stands for its own date only.
    """
    import numpy as np

    if frequency == "weekly":
        return days + np.timedelta64(6, "D")
    if frequency == "monthly":
        return (days.astype("datetime64[M]") + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    if frequency == "quarterly":
        months: np.ndarray = days.astype("datetime64[M]").astype("int64")
        starts: np.ndarray = (months - months % 3 + 3).astype("datetime64[M]")
        return starts.astype("datetime64[D]") - np.timedelta64(1, "D")
    if frequency == "annual":
        return (days.astype("datetime64[Y]") + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    return days


def _valid_until(days: np.ndarray, frequencies: Sequence[str] | str) -> np.ndarray:
    """Per value, the last day it stands for: its period's end, and never its successor's date."""
    import numpy as np

    if isinstance(frequencies, str):
        until = period_ends(days, frequencies)
    else:
        until = days.copy()
        freq = np.asarray(frequencies, dtype=object)
        for name in set(frequencies):
            mask = freq == name
            until[mask] = period_ends(days[mask], str(name))
    if len(days) > 1:
        until[:-1] = np.minimum(until[:-1], days[1:] - np.timedelta64(1, "D"))
    return until


def derive_values(
    derivation: Derivation,
    legs: Sequence[pd.Series | None],
    frequencies: Sequence[Sequence[str] | str | None] | None = None,
) -> pd.Series:
    """The derived series on the dates every leg has a value for (empty when a leg holds nothing).

    Args:
        derivation: the spec (legs, weights, scale).
        legs: each leg's official values, in the order of ``derivation.terms``.
        frequencies: per leg, the frequency of each value (parallel to it) or one for all;
            None (or a leg's None) is daily: the value stands for its own date only.
    """
    import numpy as np
    import pandas as pd

    empty = pd.Series([], index=pd.DatetimeIndex([], dtype="datetime64[ns]"), dtype="float64")
    if not legs or any(s is None or not len(s) for s in legs):
        return empty
    freqs = list(frequencies) if frequencies is not None else [None] * len(legs)
    if all(f is None or f == "daily" or (not isinstance(f, str) and all(x == "daily" for x in f)) for f in freqs):
        return _on_common_dates(derivation, legs)
    days = [s.index.to_numpy().astype("datetime64[D]") for s in legs if s is not None]
    union = np.unique(np.concatenate(days))
    total = np.zeros(len(union), dtype="float64")
    keep = np.ones(len(union), dtype=bool)
    for series, leg_days, freq, (_leg, weight) in zip(legs, days, freqs, derivation.terms, strict=True):
        assert series is not None
        until = _valid_until(leg_days, freq if freq is not None else "daily")
        pos = np.searchsorted(leg_days, union, side="right") - 1
        found = pos >= 0
        clipped = np.where(found, pos, 0)
        keep &= found & (union <= until[clipped])
        total += weight * series.to_numpy(dtype="float64")[clipped]
    index = pd.DatetimeIndex(union[keep]).astype("datetime64[ns]")
    return pd.Series(np.round(total[keep] * derivation.scale, ROUND), index=index, dtype="float64")


def _on_common_dates(derivation: Derivation, legs: Sequence[pd.Series | None]) -> pd.Series:
    """Daily legs: the dates they all have (the usual case, kept fast)."""
    import numpy as np
    import pandas as pd

    empty = pd.Series([], index=pd.DatetimeIndex([], dtype="datetime64[ns]"), dtype="float64")
    index = legs[0].index  # type: ignore[union-attr]
    for series in legs[1:]:
        if not series.index.equals(index):  # type: ignore[union-attr]
            index = index.intersection(series.index)  # type: ignore[union-attr]
    if not len(index):
        return empty
    total = np.zeros(len(index), dtype="float64")
    for series, (_leg, weight) in zip(legs, derivation.terms, strict=True):
        assert series is not None
        values = series.to_numpy(dtype="float64") if series.index.equals(index) else series.reindex(index).to_numpy()
        total += weight * values
    return pd.Series(np.round(total * derivation.scale, ROUND), index=index, dtype="float64")


def derive_quote(
    derivation: Derivation,
    instrument: str,
    legs: Sequence[tuple[pd.Series | None, Observation | None]],
    last_official: dt.date | None,
) -> Observation | None:
    """The provisional quote of a derived instrument, or None.

    Args:
        derivation: the spec.
        instrument: the derived instrument's id.
        legs: per leg, (official values, intraday quote or None), in term order.
        last_official: the newest date the derived official series holds.
    """
    newest: list[dt.date] = []
    for official, quote in legs:
        dates = [quote.date] if quote is not None else []
        if official is not None and len(official):
            dates.append(official.index[-1].date())
        if not dates:
            return None
        newest.append(max(dates))
    day = min(newest)
    if last_official is not None and day <= last_official:
        return None
    total, times = 0.0, []
    for (official, quote), (_leg, weight) in zip(legs, derivation.terms, strict=True):
        if quote is not None and quote.date == day:
            total += weight * quote.value
            if quote.time is not None:
                times.append(quote.time)
            continue
        # No quote that day: the leg's official close of that day, if it has one.
        if official is None or not len(official) or official.index[-1].date() != day:
            return None
        total += weight * float(official.iloc[-1])
    if not times:
        return None
    return Observation(instrument, day, round(total * derivation.scale, ROUND), derivation.tag, True, min(times))


def derive_state(derivation: Derivation, legs: Sequence[tuple[str, SeriesState]], has_data: bool) -> SeriesState:
    """The fetch state of a derived instrument from its legs' states.

    Fresh when every leg is; with values held and a leg not fresh, ``stale`` (the value
    shown is as old as that leg's kept data); without values, ``error`` when a leg failed
    with nothing kept, else ``missing``.
    """
    worst = max((_RANK[state.status] for _leg, state in legs), default=_RANK[Status.MISSING])
    if has_data:
        status = Status.FRESH if worst == 0 else Status.STALE
    else:
        status = Status.ERROR if worst == _RANK[Status.ERROR] else Status.MISSING
    successes = [state.last_success for _leg, state in legs]
    last_success = None if any(s is None for s in successes) else min(s for s in successes if s is not None)
    error = next((f"{leg}: {state.last_error}" for leg, state in legs if state.last_error), None)
    if error is None and not has_data:
        missing = [leg for leg, state in legs if state.status is not Status.FRESH]
        error = f"no value on a date all legs share ({', '.join(missing) or 'no common date'})"
    retries = [state.next_retry for _leg, state in legs if state.next_retry is not None]
    attempts = [state.last_attempt for _leg, state in legs if state.last_attempt is not None]
    return SeriesState(
        status=status,
        source=derivation.tag if has_data else None,  # like any instrument that holds nothing
        last_success=last_success,
        last_attempt=min(attempts) if len(attempts) == len(legs) else None,
        last_error=error,
        next_retry=min(retries) if retries else None,
    )


__all__ = ["ROUND", "derive_quote", "derive_state", "derive_values", "period_ends"]
