"""Provides the curves screen's inputs: the curve chart, the tenor grid and the spread table.

Pure like ``tui.presenters``: the store and the dates are passed in. Why a module of its
own: the curves screen reads three curves and six spreads at two dates, and none of it is
needed by the dashboard or the other drill-downs.

The chart's x axis is the tenors (``1M`` ... ``30Y``) evenly spaced, as a trader's curve
monitor draws them; the grid under it gives every point's value, its date and the change
in bp, and says why a point is missing rather than drawing through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text

from datafeed.curves import (
    CURVE_SPREADS,
    CURVES,
    LOOKBACKS,
    SPREAD_HORIZONS,
    CurvePoint,
    SpreadQuote,
    all_tenors,
    curve_points,
    spread_quote,
)
from datafeed.store import SeriesStore
from widgets.data import ChartData, ChartLine

LOOKBACK_DAYS: dict[str, int] = dict(LOOKBACKS)
"""Look-back label → calendar days."""

NO_VALUE = "n/a"
"""A tenor the market has but no value on that date."""

NOT_PUBLISHED = ""
"""A tenor the market does not publish (blank: not a missing value)."""


@dataclass(frozen=True, slots=True)
class CurveSet:
    """Every curve now and at the look-back date.

    Attributes:
        lookback: ``1W``, ``1M`` or ``1Y``.
        then: the look-back date (today minus its days).
        now: per curve id, its latest points.
        past: per curve id, its points as of :attr:`then`.
    """

    lookback: str
    then: dt.date
    now: dict[str, tuple[CurvePoint, ...]]
    past: dict[str, tuple[CurvePoint, ...]]


def curve_set(store: SeriesStore, today: dt.date, lookback: str) -> CurveSet:
    """Read every curve now and ``lookback`` ago (as of today minus its calendar days)."""
    then = today - dt.timedelta(days=LOOKBACK_DAYS[lookback])
    now = {c.id: curve_points(store, c) for c in CURVES}
    past = {c.id: curve_points(store, c, then) for c in CURVES}
    return CurveSet(lookback, then, now, past)


def _newest(points: Sequence[CurvePoint]) -> dt.date | None:
    dates = [p.date for p in points if p.date is not None]
    return max(dates) if dates else None


def _line(points: Sequence[CurvePoint], tenors: Sequence[str], name: str) -> ChartLine:
    """One curve on the shared tenor axis, broken at every tenor it has no value for; the
    legend names the tenors the market publishes but that have no value (``JGB (20Y n/a)``)."""
    by_tenor = {p.tenor: p.value for p in points}
    missing = [p.tenor for p in points if p.value is None]
    if missing:
        shown = ", ".join(missing[:3]) + (f" +{len(missing) - 3}" if len(missing) > 3 else "")
        name = f"{name} ({shown} {NO_VALUE})"
    return ChartLine(name, tuple(by_tenor.get(t) for t in tenors), decimals=3, breaks=True)


def curve_chart(curves: CurveSet) -> ChartData:
    """UST now and ``lookback`` ago, Bund and JGB now, on the shared tenor axis (in %).

    Nothing is interpolated: a line is drawn only between neighbouring tenors on the axis
    that both have a value (``ChartLine.breaks``), so Bund 2Y and 5Y are two points, not a
    line across the 3Y that Bunds lack; the legend says which published tenors have no
    value, and the grid below says why.
    """
    tenors = all_tenors()
    newest = _newest(curves.now["ust"])
    lines = [
        _line(curves.now["ust"], tenors, f"UST {newest.isoformat() if newest else 'now'}"),
        _line(curves.past["ust"], tenors, f"UST {curves.lookback} ago ({curves.then.isoformat()})"),
        _line(curves.now["bund"], tenors, "Bund"),
        _line(curves.now["jgb"], tenors, "JGB"),
    ]
    return ChartData(
        x=tuple(float(i) for i in range(len(tenors))),
        x_labels=tenors,
        lines=tuple(lines),
        title="Yield curves",
        y_label="%",
    )


def _cell(point: CurvePoint | None) -> str:
    if point is None:
        return NOT_PUBLISHED
    return NO_VALUE if point.value is None else f"{point.value:.3f}"


def _change(now: CurvePoint | None, then: CurvePoint | None) -> str:
    if now is None or then is None or now.value is None or then.value is None:
        return NOT_PUBLISHED if now is None else NO_VALUE
    return f"{(now.value - then.value) * 100:+.1f}"


def tenor_grid(curves: CurveSet, compact: bool = False) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the tenor grid: per tenor, each curve's value now, then and the change in bp.

    Blank: the market does not publish that tenor; ``n/a``: it does, but no value is held
    for that date (see :func:`missing_notes`). ``compact`` (narrow terminals) leaves out
    the past values and keeps the changes (``chg 1M`` in bp).
    """
    header = ["Tenor"]
    for curve in CURVES:
        if compact:
            header += [curve.name, f"chg {curves.lookback}"]
        else:
            header += [f"{curve.name} now", f"{curves.lookback} ago", "chg bp"]
    rows: list[list[str]] = []
    for tenor in all_tenors():
        row = [tenor]
        for curve in CURVES:
            now = next((p for p in curves.now[curve.id] if p.tenor == tenor), None)
            then = next((p for p in curves.past[curve.id] if p.tenor == tenor), None)
            row += [_cell(now), _change(now, then)] if compact else [_cell(now), _cell(then), _change(now, then)]
        rows.append(row)
    return header, rows


def missing_notes(curves: CurveSet) -> list[str]:
    """One line per missing point: ``Bund 30Y now: no data (bund30y)``."""
    out: list[str] = []
    for curve in CURVES:
        for label, points in (("now", curves.now[curve.id]), (f"{curves.lookback} ago", curves.past[curve.id])):
            for p in points:
                if p.value is None:
                    out.append(f"{curve.name} {p.tenor} {label}: {p.note} ({p.instrument})")
    return out


def curve_dates(curves: CurveSet) -> list[str]:
    """The dates the points are of: one line per curve (``UST: now 2026-11-25; 1M ago 2026-10-27``),
    or one line for all when they agree."""
    out: list[tuple[str, str]] = []
    for curve in CURVES:
        parts = []
        for label, points in (("now", curves.now[curve.id]), (f"{curves.lookback} ago", curves.past[curve.id])):
            dates = sorted({p.date for p in points if p.date is not None})
            if not dates:
                parts.append(f"{label} none")
            elif len(dates) == 1:
                parts.append(f"{label} {dates[0].isoformat()}")
            else:
                parts.append(f"{label} {dates[0].isoformat()}..{dates[-1].isoformat()}")
        out.append((curve.name, "; ".join(parts)))
    if len({text for _name, text in out}) == 1:  # the usual case: one line says it for all
        return [f"points dated: {out[0][1]} (every curve)"]
    return [f"{name}: {text}" for name, text in out]


def spread_quotes(store: SeriesStore) -> list[SpreadQuote]:
    """The curve and cross-market spreads that are in the catalog in force."""
    return [spread_quote(store, sid) for sid in CURVE_SPREADS if sid in store.catalog]


def spread_table_rows(quotes: Sequence[SpreadQuote]) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the spread table: name, last bp, 1D / 1W / 1M changes, date, source."""
    header = ["Spread", "bp", *(h for h, _d in SPREAD_HORIZONS), "Date", "Source"]
    rows: list[list[str]] = []
    for q in quotes:
        value = NO_VALUE if q.value is None else f"{q.value:.1f}"
        changes = [NO_VALUE if c is None else f"{c:+.1f}" for _h, c in q.changes]
        date = "" if q.date is None else q.date.isoformat() + (" intraday" if q.intraday else "")
        rows.append([q.name, value, *changes, date, q.source or ""])
    return header, rows


def grid_table(header: Sequence[str], rows: Sequence[Sequence[str]], right_from: int = 1) -> Text:
    """Text cells as aligned columns (numbers right-aligned from column ``right_from``), header in bold.

    Why Text and not a Rich ``Table``: the curves screen repaints on every tick of a tenor,
    and a table measures and renders each cell several times per paint (most of the
    screen's paint time); plain padded lines cost one pass.
    """
    widths = [max(cell_len(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - cell_len(cell))
            out.append(pad + cell if i >= right_from else cell + pad)
        return "  " + "  ".join(out).rstrip()

    text = Text()
    text.append(line(header), style="bold")  # the header only: rows keep the widget's style
    for row in rows:
        text.append("\n" + line(row))
    return text


__all__ = [
    "NOT_PUBLISHED",
    "NO_VALUE",
    "CurveSet",
    "curve_chart",
    "curve_dates",
    "curve_set",
    "grid_table",
    "missing_notes",
    "spread_quotes",
    "spread_table_rows",
    "tenor_grid",
]
