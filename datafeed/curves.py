"""Provides the yield curves (UST, Bund, JGB) and their spreads as plain values, for the curves screen.

Why here and not in the TUI: which instrument is which tenor, and what a curve "one month
ago" means, are facts about the data, not the screen; the same functions serve a snapshot
or a test without a terminal.

The rules that keep a curve honest:

- a point is an instrument's own value, on or before the date asked for, never an
  interpolation between tenors; it carries its date and source tag;
- a curve has ONE date, its as-of: the date asked for, or for today's curve the newest
  date any of its tenors has (:func:`curve_as_of`). A point older than
  :data:`MAX_GAP_DAYS` before that date is not drawn as that date's value: it keeps its
  own date and says ``no value within N days of <as-of> (last <date>)`` (a curve "now"
  made of a 2Y from April and a 10Y from July, or a curve "1M ago" made of a 2Y from last
  year, would be a different curve);
- a past curve is dated from the current curve's as-of (``as-of - 1M``), not from the
  calendar, so "1Y ago" is one year before the values it is compared with; a change
  between the two (:func:`change_span_ok`) is shown only when its two dates are that far
  apart, give or take :func:`span_slack` days;
- a tenor a market does not publish (Bund 1M) is simply not on its curve, and a tenor
  whose instrument holds nothing says so (:attr:`CurvePoint.note`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from datafeed.catalog import HORIZON_DAYS

if TYPE_CHECKING:
    from datafeed.store import Latest, SeriesStore

MAX_GAP_DAYS = 10
"""A point may be at most this many calendar days older than the date asked for (a long
weekend plus a holiday week in Japan), else the tenor reads as missing on that date."""

LOOKBACKS: tuple[tuple[str, int], ...] = (("1W", 7), ("1M", 30), ("1Y", 365))
"""(label, calendar days) of the past curves the screen can overlay."""


@dataclass(frozen=True, slots=True)
class Curve:
    """One market's curve: its tenors in order, each read from one catalog instrument.

    Attributes:
        id: ``ust``, ``bund``, ``jgb``.
        name: shown in legends (``UST``).
        tenors: (tenor label, instrument id), shortest first.
    """

    id: str
    name: str
    tenors: tuple[tuple[str, str], ...]


CURVES: tuple[Curve, ...] = (
    Curve(
        "ust",
        "UST",
        (
            ("1M", "ust1m"),
            ("3M", "ust3m"),
            ("6M", "ust6m"),
            ("1Y", "ust1y"),
            ("2Y", "ust2y"),
            ("3Y", "ust3y"),
            ("5Y", "ust5y"),
            ("7Y", "ust7y"),
            ("10Y", "ust10y"),
            ("20Y", "ust20y"),
            ("30Y", "ust30y"),
        ),
    ),
    Curve("bund", "Bund", (("2Y", "bund2y"), ("5Y", "bund5y"), ("10Y", "bund10y"), ("30Y", "bund30y"))),
    Curve("jgb", "JGB", (("2Y", "jgb2y"), ("5Y", "jgb5y"), ("10Y", "jgb10y"), ("20Y", "jgb20y"), ("30Y", "jgb30y"))),
)
"""The three curves of the safe-asset question: the Treasury par curve, Bunds, JGBs."""

CURVE_SPREADS: tuple[str, ...] = ("ust2s10s", "ust5s30s", "ust3m10y", "ust_bund10y", "ust_jgb10y", "ust_jgb30y")
"""The spreads shown under the curves (catalog instruments in bp, see ``datafeed.derived``)."""

SPREAD_HORIZONS: tuple[tuple[str, int], ...] = (("1D", 1), ("1W", 7), ("1M", 30))
"""(label, calendar days) of the spread changes; 1D is the previous observation."""

PREVIOUS_DAY_MAX_GAP = 7
"""A "1D" change is against the previous observation only when it is at most this many
calendar days older (a week-end plus a holiday week); older, the series is not daily there."""


def all_tenors() -> tuple[str, ...]:
    """Every tenor of any curve, shortest first (the x axis the curves share)."""
    order = {"M": 1 / 12, "Y": 1.0}
    tenors = {t for curve in CURVES for t, _i in curve.tenors}
    return tuple(sorted(tenors, key=lambda t: float(t[:-1]) * order[t[-1]]))


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """One tenor of a curve on a date.

    Attributes:
        tenor: ``10Y``.
        instrument: the catalog id it is read from.
        value: the yield in %, or None (then :attr:`note` says why).
        date: the date of that value (on or before the date asked for).
        source: the value's ``<source>:<series>`` tag.
        note: why there is no value (``no data``, ``no value within 10 days of ...``).

    A point with no value but a date is a stale tenor: its newest value (of that date and
    source) is too far from the curve's date to be drawn on it.
    """

    tenor: str
    instrument: str
    value: float | None
    date: dt.date | None
    source: str | None
    note: str = ""


def curve_as_of(store: SeriesStore, curve: Curve) -> dt.date | None:
    """The date of ``curve`` now: the newest date any of its tenors holds (today's quote
    included), None when none holds anything.

    Why the newest: it is the freshest curve the data can show; a tenor that has not been
    updated since is then visibly stale (not silently drawn at an older date under it).
    """
    return _as_of(_latests(store, curve))


def _latests(store: SeriesStore, curve: Curve) -> dict[str, Latest | None]:
    """Each catalog tenor's newest value (read once: ``latest`` is most of a curve's cost)."""
    return {i: store.latest(i) for _t, i in curve.tenors if i in store.catalog}


def _as_of(latests: dict[str, Latest | None]) -> dt.date | None:
    dates = [latest.date for latest in latests.values() if latest is not None]
    return max(dates) if dates else None


def span_slack(days: int) -> int:
    """How many calendar days a change "over ``days``" may be off by: half of it, at most
    :data:`MAX_GAP_DAYS` (a week-end and a holiday for 1W, a holiday week for 1M or 1Y)."""
    return min(MAX_GAP_DAYS, days // 2)


def change_span_ok(start: dt.date, end: dt.date, days: int) -> bool:
    """True when a change from ``start`` to ``end`` is a change over ``days`` calendar days
    (give or take :func:`span_slack`): a "1Y" column never shows a 4-month change."""
    return abs((end - start).days - days) <= span_slack(days)


def curve_points(store: SeriesStore, curve: Curve, when: dt.date | None = None) -> tuple[CurvePoint, ...]:
    """The curve's points as of ``when`` (default: the curve's as-of, :func:`curve_as_of`).

    Args:
        store: where the values are.
        curve: which curve.
        when: the date of a past curve; each point is its instrument's last official value
            on or before it, and at most :data:`MAX_GAP_DAYS` older. None: today's curve,
            each tenor's newest value (today's quote included) when it is at most
            :data:`MAX_GAP_DAYS` older than the curve's as-of, else a stale point (no
            value, its own date and source, a note saying how old it is).
    """
    import pandas as pd

    out: list[CurvePoint] = []
    latests = _latests(store, curve) if when is None else {}
    as_of = _as_of(latests)
    for tenor, inst_id in curve.tenors:
        if inst_id not in store.catalog:
            out.append(CurvePoint(tenor, inst_id, None, None, None, "not in the catalog"))
            continue
        if when is None:
            latest = latests[inst_id]
            if latest is None or as_of is None:
                out.append(CurvePoint(tenor, inst_id, None, None, None, "no data"))
            elif (as_of - latest.date).days > MAX_GAP_DAYS:
                note = f"no value within {MAX_GAP_DAYS} days of {as_of.isoformat()} (last {latest.date.isoformat()})"
                out.append(CurvePoint(tenor, inst_id, None, latest.date, latest.source, note))
            else:
                out.append(CurvePoint(tenor, inst_id, latest.value, latest.date, latest.source))
            continue
        values = store.official(inst_id)
        cut = int(values.index.searchsorted(pd.Timestamp(when), side="right"))
        if cut == 0:
            out.append(CurvePoint(tenor, inst_id, None, None, None, f"no data by {when.isoformat()}"))
            continue
        day = values.index[int(cut) - 1].date()
        tag = store.sources(inst_id)
        source = str(tag.iloc[cut - 1]) if len(tag) == len(values) else None
        if (when - day).days > MAX_GAP_DAYS:
            note = f"no value within {MAX_GAP_DAYS} days of {when.isoformat()} (last {day.isoformat()})"
            out.append(CurvePoint(tenor, inst_id, None, day, source, note))
            continue
        out.append(CurvePoint(tenor, inst_id, float(values.iloc[cut - 1]), day, source))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class SpreadQuote:
    """A spread's last value and its changes, all in bp.

    Attributes:
        instrument: the catalog id (``ust2s10s``).
        name: its catalog name.
        value: the last value (bp) or None.
        date: its date.
        intraday: the last value is a provisional quote.
        changes: (horizon label, change in bp or None) per :data:`SPREAD_HORIZONS`.
        source: the value's tag (``derived:ust10y-ust2y``).
    """

    instrument: str
    name: str
    value: float | None
    date: dt.date | None
    intraday: bool
    changes: tuple[tuple[str, float | None], ...]
    source: str | None


def spread_quote(store: SeriesStore, inst_id: str) -> SpreadQuote:
    """The last value of a spread (in bp) with its 1D / 1W / 1M changes.

    Each change spans what its label says, or is None: a horizon shorter than the spread's
    own (a monthly leg makes it ``1M``) is None; 1D is the change since the previous
    observation when that is at most :data:`PREVIOUS_DAY_MAX_GAP` days earlier; 1W and 1M
    are against the last value on or before that many calendar days before the last date,
    when it is within :func:`span_slack` days of it (never a change over the months before a gap).
    """
    import pandas as pd

    inst = store.catalog[inst_id]
    scale = 1.0 if inst.unit == "bp" else 100.0
    latest = store.latest(inst_id)
    if latest is None:
        return SpreadQuote(inst_id, inst.name, None, None, False, tuple((h, None) for h, _d in SPREAD_HORIZONS), None)
    # The past values are official ones (an intraday quote is dated after them), found by
    # binary search: a boolean mask over 25 years of a series, per spread and horizon, was
    # most of the curves screen's paint.
    official = store.official(inst_id)
    values = official.to_numpy(dtype=float)
    changes: list[tuple[str, float | None]] = []
    for label, days in SPREAD_HORIZONS:
        past: float | None = None
        if days < HORIZON_DAYS.get(latest.horizon, 1):
            changes.append((label, None))  # shorter than its coarsest leg's step: n/a, never a month's move
            continue
        if days == 1:
            recent = (
                latest.previous_date is not None and (latest.date - latest.previous_date).days <= PREVIOUS_DAY_MAX_GAP
            )
            past = latest.previous if recent else None
        else:
            cut = int(official.index.searchsorted(pd.Timestamp(latest.date - dt.timedelta(days=days)), side="right"))
            while cut > 0 and past is None:
                cut -= 1
                past = None if math.isnan(values[cut]) else float(values[cut])
            if past is not None and not change_span_ok(official.index[cut].date(), latest.date, days):
                past = None
        changes.append((label, None if past is None else round((latest.value - past) * scale, 6)))
    return SpreadQuote(
        inst_id, inst.name, latest.value * scale, latest.date, latest.intraday, tuple(changes), latest.source
    )


__all__ = [
    "CURVES",
    "CURVE_SPREADS",
    "LOOKBACKS",
    "MAX_GAP_DAYS",
    "PREVIOUS_DAY_MAX_GAP",
    "SPREAD_HORIZONS",
    "Curve",
    "CurvePoint",
    "SpreadQuote",
    "all_tenors",
    "change_span_ok",
    "curve_as_of",
    "curve_points",
    "span_slack",
    "spread_quote",
]
