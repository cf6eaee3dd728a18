"""Provides the yield curves (UST, Bund, JGB) and their spreads as plain values, for the curves screen.

Why here and not in the TUI: which instrument is which tenor, and what a curve "one month
ago" means, are facts about the data, not the screen; the same functions serve a snapshot
or a test without a terminal.

The rules that keep a curve honest:

- a point is an instrument's own value, on or before the date asked for, never an
  interpolation between tenors; it carries its date and source tag;
- a point older than :data:`MAX_GAP_DAYS` before that date is not shown as that date's
  value: it says ``no value within N days`` (a curve "1M ago" made of a 2Y from last year
  would be a different curve);
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
    from datafeed.store import SeriesStore

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
        note: why there is no value (``no data``, ``no value within 10 days``).
    """

    tenor: str
    instrument: str
    value: float | None
    date: dt.date | None
    source: str | None
    note: str = ""


def curve_points(store: SeriesStore, curve: Curve, when: dt.date | None = None) -> tuple[CurvePoint, ...]:
    """The curve's points: the latest values (``when`` None, today's quote included) or as of ``when``.

    Args:
        store: where the values are.
        curve: which curve.
        when: the date of a past curve; each point is its instrument's last official value
            on or before it, and at most :data:`MAX_GAP_DAYS` older.
    """
    import pandas as pd

    out: list[CurvePoint] = []
    for tenor, inst_id in curve.tenors:
        if inst_id not in store.catalog:
            out.append(CurvePoint(tenor, inst_id, None, None, None, "not in the catalog"))
            continue
        if when is None:
            latest = store.latest(inst_id)
            if latest is None:
                out.append(CurvePoint(tenor, inst_id, None, None, None, "no data"))
            else:
                out.append(CurvePoint(tenor, inst_id, latest.value, latest.date, latest.source))
            continue
        values = store.official(inst_id)
        cut = int(values.index.searchsorted(pd.Timestamp(when), side="right"))
        if cut == 0:
            out.append(CurvePoint(tenor, inst_id, None, None, None, f"no data by {when.isoformat()}"))
            continue
        day = values.index[int(cut) - 1].date()
        if (when - day).days > MAX_GAP_DAYS:
            out.append(CurvePoint(tenor, inst_id, None, None, None, f"no value within {MAX_GAP_DAYS} days"))
            continue
        tag = store.sources(inst_id)
        source = str(tag.iloc[cut - 1]) if len(tag) == len(values) else None
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

    A horizon shorter than the spread's own (a monthly leg makes it ``1M``) is None.
    1D is the change since the previous observation; 1W and 1M are against the last value
    on or before that many calendar days before the last date (None when there is none).
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
            past = latest.previous
        else:
            cut = int(official.index.searchsorted(pd.Timestamp(latest.date - dt.timedelta(days=days)), side="right"))
            while cut > 0 and past is None:
                cut -= 1
                past = None if math.isnan(values[cut]) else float(values[cut])
        changes.append((label, None if past is None else round((latest.value - past) * scale, 6)))
    return SpreadQuote(
        inst_id, inst.name, latest.value * scale, latest.date, latest.intraday, tuple(changes), latest.source
    )


__all__ = [
    "CURVES",
    "CURVE_SPREADS",
    "LOOKBACKS",
    "MAX_GAP_DAYS",
    "SPREAD_HORIZONS",
    "Curve",
    "CurvePoint",
    "SpreadQuote",
    "all_tenors",
    "curve_points",
    "spread_quote",
]
