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

import datetime as dt
import math
from collections.abc import Mapping, Sequence

from datafeed.catalog import CATALOG, Instrument
from datafeed.catalog import GROUP_TITLES as GROUP_TITLES  # re-exported (presenters, screens)
from datafeed.market_calendar import instrument_is_late
from datafeed.summary import SummaryEntry
from widgets.data import TableRow

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
        return diff * 100.0
    if inst.change == "%":
        return 100.0 * diff / previous if previous else None
    return diff


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
) -> TableRow:
    """The row of an instrument holding a value, as the catalog says to show it: the value and
    its recent history in the display unit next to its label (IG OAS in bp), the change in
    its change unit over its horizon (``1D``, ``1W``, ``1M``, ``1Q``, ``1Y``).

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
        late=late,
        intraday=intraday,
        group=group_title(inst),
        change_horizon=inst.horizon_of(source),
        unit=inst.label,
    )


def summary_row(inst: Instrument, entry: SummaryEntry, today: dt.date) -> TableRow:
    """An instrument as the store shows it right after loading the cache (status ``stale``).

    Mirrors ``tui.presenters.table_row`` on a store filled by ``DiskCache.load_into``:
    official values only, the newest with its source, the one before for the change.
    """
    value = entry.values[-1]
    previous = entry.values[-2] if len(entry.values) > 1 else None
    date = entry.dates[-1]
    return value_row(
        inst,
        value,
        previous,
        entry.values[-SPARK_POINTS:],
        date=date.isoformat(),
        age=f"{max((today - date).days, 0)}d",
        source=entry.source or "",
        status="stale",
        late=instrument_is_late(inst, date, today, entry.source),
        intraday=False,
    )


def summary_rows(
    summary: Mapping[str, SummaryEntry], today: dt.date, catalog: Mapping[str, Instrument] = CATALOG
) -> list[TableRow]:
    """Every instrument of ``catalog`` (the one in force), in its order: cached ones from
    ``summary``, the others empty."""
    return [
        summary_row(inst, summary[inst_id], today) if inst_id in summary else empty_row(inst, "missing")
        for inst_id, inst in catalog.items()
    ]
