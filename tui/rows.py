"""Provides the live table's row formatting without pandas, and rows from the cache summary.

Why a module of its own: the first frame must show the cached numbers before pandas is
imported (hundreds of milliseconds) and before the history files are read. ``tui.presenters``
builds rows from the store with these same helpers; :func:`summary_rows` builds them from
``_summary.json`` (:mod:`datafeed.summary`), so the rows painted at start-up are equal to
the ones the store gives once it is loaded, and swapping one for the other repaints nothing.

Imports nothing heavier than the catalog, the market calendar and ``widgets.data``; a test
keeps it that way.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from datafeed.catalog import CATALOG, HORIZON_DAYS, Instrument, coarsest_horizon
from datafeed.catalog import GROUP_TITLES as GROUP_TITLES  # re-exported (presenters, screens)
from datafeed.market_calendar import instrument_is_late
from datafeed.providers import short_label
from widgets.data import TableRow

if TYPE_CHECKING:  # the demo's first frame reads no cache summary (issue 20)
    from datafeed.summary import SummaryEntry

SPARK_POINTS = 32
"""Observations of recent history handed to each sparkline (the table draws the tail)."""

SOURCE_WIDTH = 20
"""Longest source tag shown in the table; the full tag is on the series screen."""


def format_age(seconds: float) -> str:
    """Compact age: ``<1m``, ``12m``, ``3h``, ``2d`` (minute resolution keeps repaints rare)."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{seconds // 60:.0f}m"
    if seconds < 86400 * 2:
        return f"{seconds // 3600:.0f}h"
    return f"{seconds // 86400:.0f}d"


def value_decimals(inst: Instrument) -> int:
    """Decimals a level is shown with (the catalog's display fact)."""
    return inst.decimals


def change_in_unit(inst: Instrument, value: float, previous: float | None) -> float | None:
    """``value − previous`` in the instrument's change unit (bp, %, pts, pp)."""
    if previous is None or not math.isfinite(previous):
        return None
    diff = value - previous
    if inst.change == "bp":
        return diff * inst.bp_scale
    if inst.change == "%":
        return 100.0 * diff / previous if previous else None
    return diff


PERIODS: tuple[tuple[str, int], ...] = (("1w", 7), ("1m", 30))
"""(column, calendar days) of the table's period changes; YTD is against the prior year's last value."""


def period_bases(
    last: dt.date, today: dt.date, horizon: str = "1D"
) -> tuple[tuple[dt.date, dt.date] | None, tuple[dt.date, dt.date] | None, tuple[dt.date, dt.date] | None]:
    """Where the 1W, 1M and YTD changes are measured from: per column ``(base, floor)``, the
    change being against the last value on or before ``base`` and dated after ``floor``; None
    when the column says nothing about this series (shown n/a).

    Why the limits (docs/contract.md, "What each change spans"): a column must span what its
    header says. A series whose change horizon is longer than the column (a monthly Bund, a
    spread with a monthly leg) has no 1W change; a value older than one more span before the
    base (a gap in the history, a monthly value under 1W) is not a 1W or 1M base; YTD is
    about TODAY's year: against the last value of the previous calendar year, and n/a when
    the series has no value dated this year (a 2024 value's "YTD" is not this year's).
    """
    spans: list[tuple[dt.date, dt.date] | None] = []
    for _column, days in PERIODS:
        if days < HORIZON_DAYS.get(horizon, 1):
            spans.append(None)
        else:
            spans.append((last - dt.timedelta(days=days), last - dt.timedelta(days=2 * days)))
    ytd = (dt.date(today.year - 1, 12, 31), dt.date(today.year - 2, 12, 31)) if last.year == today.year else None
    return spans[0], spans[1], ytd


def base_index(dates: Sequence[dt.date], span: tuple[dt.date, dt.date] | None) -> int | None:
    """Index in ``dates`` (oldest first) of the value a change over ``span`` is measured from."""
    if span is None:
        return None
    base, floor = span
    index = bisect.bisect_right(dates, base)
    return index - 1 if index and dates[index - 1] > floor else None


def period_changes(
    inst: Instrument,
    dates: Sequence[dt.date],
    values: Sequence[float],
    value: float,
    last: dt.date,
    today: dt.date,
    horizon: str = "1D",
) -> tuple[float | None, float | None, float | None]:
    """The 1W, 1M and YTD changes of ``value`` (dated ``last``) in the change unit, from a
    history (oldest first), as :func:`period_bases` says; None when the history does not reach
    back to the base (the first frame's cached tail is 64 values) or the column does not apply.
    """
    out: list[float | None] = []
    for span in period_bases(last, today, horizon):
        index = base_index(dates, span)
        out.append(change_in_unit(inst, value, values[index]) if index is not None else None)
    return out[0], out[1], out[2]


def derived_previous(dates: Sequence[dt.date], last: dt.date, horizon: str) -> int | None:
    """Index of the value a spread's change over ``horizon`` is measured from (its value one
    horizon back; the previous one when daily), as ``SeriesStore.latest`` does it."""
    if horizon == "1D":
        return len(dates) - 2 if len(dates) > 1 else None
    days = HORIZON_DAYS.get(horizon, 1)
    return base_index(dates, (last - dt.timedelta(days=days), last - dt.timedelta(days=2 * days)))


def short_source(tag: str | None, width: int = SOURCE_WIDTH) -> str:
    """A source tag cut to ``width`` cells (Bundesbank series codes are 60 characters)."""
    if not tag:
        return ""
    return tag if len(tag) <= width else tag[: width - 1] + "…"


def group_title(inst: Instrument) -> str:
    """The table heading of an instrument's group (the catalog's display fact)."""
    return inst.group_title


def empty_row(inst: Instrument, status: str, source: str | None = None) -> TableRow:
    """The row of an instrument holding no value: its name, where it would come from, status."""
    fallback = inst.sources[0].tag if inst.sources else (inst.intraday.tag if inst.intraday else "")
    return TableRow(
        inst.id,
        inst.name,
        None,
        value_decimals(inst),
        change=None,
        change_unit=inst.change,
        source=short_source(source or fallback),
        status=status,
        source_label=short_label(source or fallback),
        group=group_title(inst),
        change_horizon=inst.horizon,
        unit=inst.label,
    )


def value_row(
    inst: Instrument,
    value: float,
    previous: float | None,
    spark: Sequence[float],
    *,
    date: str,
    age: str,
    source: str,
    status: str,
    late: bool,
    intraday: bool,
    periods: tuple[float | None, float | None, float | None] = (None, None, None),
    horizon: str | None = None,
) -> TableRow:
    """The row of an instrument holding a value, as the catalog says to show it: the value and
    its recent history in the display unit next to its label (IG OAS in bp), the change in
    its change unit over its horizon (``1D``, ``1W``, ``1M``, ``1Q``, ``1Y``: ``horizon``, by
    default that of the source that served the value).

    Why one function: the first frame's rows (from the cache summary) and the store's rows
    must be equal, so both are built here.
    """
    scale = inst.display_scale
    return TableRow(
        inst.id,
        inst.name,
        inst.shown(value),
        value_decimals(inst),
        change=change_in_unit(inst, value, previous),
        change_unit=inst.change,
        spark=tuple(float(v) * scale for v in spark) if scale != 1.0 else tuple(float(v) for v in spark),
        date=date,
        age=age,
        source=short_source(source),
        status=status,
        source_label=short_label(source),  # FRED, UST, BBK, CALC: never a word like "fre"
        late=late,
        intraday=intraday,
        group=group_title(inst),
        change_horizon=horizon or inst.horizon_of(source),
        unit=inst.label,
        change_1w=periods[0],
        change_1m=periods[1],
        change_ytd=periods[2],
    )


def summary_row(
    inst: Instrument,
    entry: SummaryEntry,
    today: dt.date,
    legs: Mapping[str, tuple[Instrument, dt.date, str]] | None = None,
) -> TableRow:
    """An instrument as the store shows it right after loading the cache (status ``stale``).

    Mirrors ``tui.presenters.table_row`` on a store filled by ``DiskCache.load_into``:
    official values only, the newest with its source, the one before for the change (for a
    spread, its value one horizon back, the horizon its coarsest leg's as ``legs`` says:
    leg id → (instrument, date and source of its newest value), on which it is also judged late).
    """
    value = entry.values[-1]
    date = entry.dates[-1]
    complete = inst.derived is not None and legs is not None and len(legs) == len(set(inst.derived.legs))
    if inst.derived is not None:
        horizon = coarsest_horizon(leg.horizon_of(src) for leg, _day, src in (legs or {}).values())
        index = derived_previous(entry.dates, date, horizon)
    else:
        horizon = inst.horizon_of(entry.source)
        index = len(entry.values) - 2 if len(entry.values) > 1 else None
    return value_row(
        inst,
        value,
        entry.values[index] if index is not None else None,
        entry.values[-SPARK_POINTS:],
        date=date.isoformat(),
        age=f"{max((today - date).days, 0)}d",
        source=entry.source or "",
        status="stale",
        late=instrument_is_late(inst, date, today, entry.source, tuple(legs.values()) if complete and legs else None),
        intraday=False,
        periods=period_changes(inst, entry.dates, entry.values, value, date, today, horizon),
        horizon=horizon,
    )


def summary_rows(
    summary: Mapping[str, SummaryEntry], today: dt.date, catalog: Mapping[str, Instrument] = CATALOG
) -> list[TableRow]:
    """Every instrument of ``catalog`` (the one in force), in its order: cached ones from
    ``summary``, the others empty."""

    def legs(inst: Instrument) -> dict[str, tuple[Instrument, dt.date, str]] | None:
        if inst.derived is None:
            return None
        return {
            leg: (catalog[leg], summary[leg].dates[-1], summary[leg].source)
            for leg in inst.derived.legs
            if leg in catalog and leg in summary
        }

    return [
        summary_row(inst, summary[inst_id], today, legs(inst)) if inst_id in summary else empty_row(inst, "missing")
        for inst_id, inst in catalog.items()
    ]
