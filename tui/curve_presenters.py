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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text

from datafeed.curves import (
    CURVE_SPREADS,
    CURVES,
    LOOKBACKS,
    SPREAD_HORIZONS,
    Curve,
    CurvePoint,
    SpreadQuote,
    all_tenors,
    change_span_ok,
    curve_points,
    spread_quote,
)
from datafeed.store import SeriesStore
from widgets.chart_data import ChartData, ChartLine

LOOKBACK_DAYS: dict[str, int] = dict(LOOKBACKS)
"""Look-back label → calendar days."""

NO_VALUE = "n/a"
"""A tenor the market has but no value on that date."""

NOT_PUBLISHED = ""
"""A tenor the market does not publish (blank: not a missing value)."""


@dataclass(frozen=True, slots=True)
class CurveSet:
    """Every curve at its own date (its as-of) and at the look-back before that date.

    Attributes:
        lookback: ``1W``, ``1M`` or ``1Y``.
        as_of: per curve id, the date of its current curve (the newest date any tenor
            holds, :func:`datafeed.curves.curve_as_of`), None when it holds nothing.
        then: per curve id, the date of its past curve: its as-of minus the look-back's
            calendar days (today minus them when the curve holds nothing).
        now: per curve id, its points as of :attr:`as_of` (stale tenors without a value).
        past: per curve id, its points as of :attr:`then`.
    """

    lookback: str
    as_of: dict[str, dt.date | None]
    then: dict[str, dt.date]
    now: dict[str, tuple[CurvePoint, ...]]
    past: dict[str, tuple[CurvePoint, ...]]

    @property
    def days(self) -> int:
        """The look-back in calendar days."""
        return LOOKBACK_DAYS[self.lookback]


def curve_set(store: SeriesStore, today: dt.date, lookback: str) -> CurveSet:
    """Read every curve at its as-of and ``lookback`` before it.

    Why from the as-of and not from today: a change "over 1Y" must be between values a year
    apart; with the newest values months old, today minus a year would not be.
    """
    days = LOOKBACK_DAYS[lookback]
    now = {c.id: curve_points(store, c) for c in CURVES}
    # The as-of is the newest date of a drawn point: the newest value is never stale.
    as_of = {
        cid: max((p.date for p in pts if p.value is not None and p.date), default=None) for cid, pts in now.items()
    }
    then = {cid: (day or today) - dt.timedelta(days=days) for cid, day in as_of.items()}
    past = {c.id: curve_points(store, c, then[c.id]) for c in CURVES}
    return CurveSet(lookback, as_of, then, now, past)


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
    """UST at its as-of and ``lookback`` before it, Bund and JGB at theirs, on the shared tenor axis (in %).

    Nothing is interpolated: a line is drawn only between neighbouring tenors on the axis
    that both have a value (``ChartLine.breaks``), so Bund 2Y and 5Y are two points, not a
    line across the 3Y that Bunds lack; a tenor whose newest value is too old for its
    curve's date is not drawn on it. The legend says which published tenors have no
    value, and a Bund or JGB curve dated otherwise than the UST one says its date.
    """
    tenors = all_tenors()
    ust = curves.as_of["ust"]

    def name(curve_id: str, label: str) -> str:
        day = curves.as_of[curve_id]
        return label if day is None or day == ust else f"{label} {day.isoformat()}"

    lines = [
        _line(curves.now["ust"], tenors, f"UST {ust.isoformat() if ust else 'now'}"),
        _line(curves.past["ust"], tenors, f"UST {curves.lookback} ago ({curves.then['ust'].isoformat()})"),
        _line(curves.now["bund"], tenors, name("bund", "Bund")),
        _line(curves.now["jgb"], tenors, name("jgb", "JGB")),
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


def _change_bp(now: CurvePoint | None, then: CurvePoint | None, days: int) -> float | None:
    """now - then in bp, or None: a value missing, or the two dates not ``days`` apart."""
    if now is None or then is None or now.value is None or then.value is None:
        return None
    if now.date is None or then.date is None or not change_span_ok(then.date, now.date, days):
        return None
    return (now.value - then.value) * 100


def _change(now: CurvePoint | None, then: CurvePoint | None, days: int) -> str:
    if now is None:
        return NOT_PUBLISHED
    change = _change_bp(now, then, days)
    return NO_VALUE if change is None else f"{change:+.1f}"


def _point(points: Sequence[CurvePoint], tenor: str) -> CurvePoint | None:
    return next((p for p in points if p.tenor == tenor), None)


def _by_tenor(curves: CurveSet) -> Iterator[tuple[str, list[tuple[Curve, CurvePoint | None, CurvePoint | None]]]]:
    """Per tenor (all markets' tenors, in order), each curve with its point now and then."""
    for tenor in all_tenors():
        yield tenor, [(c, _point(curves.now[c.id], tenor), _point(curves.past[c.id], tenor)) for c in CURVES]


def tenor_grid(curves: CurveSet, compact: bool = False) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the tenor grid: per tenor, each curve's value now, then and the change in bp.

    Blank: the market does not publish that tenor; ``n/a``: it does, but no value is held
    for that date, or (a change) the two values are not a look-back apart (see
    :func:`missing_notes`). ``compact`` (narrow terminals) leaves out the past values and
    keeps the changes (``chg 1M`` in bp).
    """
    header = ["Tenor"]
    for curve in CURVES:
        if compact:
            header += [curve.name, f"chg {curves.lookback}"]
        else:
            header += [f"{curve.name} now", f"{curves.lookback} ago", "chg bp"]
    rows: list[list[str]] = []
    for tenor, points in _by_tenor(curves):
        row = [tenor]
        for _curve, now, then in points:
            change = _change(now, then, curves.days)
            row += [_cell(now), change] if compact else [_cell(now), _cell(then), change]
        rows.append(row)
    return header, rows


def _date(point: CurvePoint | None) -> str:
    return "" if point is None or point.value is None or point.date is None else point.date.isoformat()


def tenor_csv(curves: CurveSet) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the tenor grid for a file: every value with its own date and source,
    each curve's as-of and past date, the change in bp and why a value or change is missing.

    One row per tenor, the same columns for every curve (``UST as of``, ``UST now``,
    ``UST now date``, ``UST now source``, ``UST 1M ago as of``, ``UST 1M ago``,
    ``UST 1M ago date``, ``UST chg 1M bp``, ``UST note``), so a spreadsheet reads it as is.
    """
    lb = curves.lookback
    header = ["Tenor"]
    for curve in CURVES:
        n = curve.name
        header += [f"{n} as of", f"{n} now", f"{n} now date", f"{n} now source"]
        header += [f"{n} {lb} ago as of", f"{n} {lb} ago", f"{n} {lb} ago date", f"{n} chg {lb} bp", f"{n} note"]
    rows: list[list[str]] = []
    for tenor, points in _by_tenor(curves):
        row = [tenor]
        for curve, now, then in points:
            if now is None:  # a tenor this market does not publish
                row += [NOT_PUBLISHED] * 9
                continue
            as_of = curves.as_of[curve.id]
            notes = [f"now: {now.note}"] if now.note else []
            notes += [f"{lb} ago: {then.note}"] if then is not None and then.note else []
            if span := _bad_span(now, then, curves.days):
                notes.append(span)
            row += [
                as_of.isoformat() if as_of else "",
                _cell(now),
                _date(now),
                (now.source or "") if now.value is not None else "",
                curves.then[curve.id].isoformat() if as_of else "",
                _cell(then),
                _date(then),
                _change(now, then, curves.days),
                "; ".join(notes),
            ]
        rows.append(row)
    return header, rows


def _bad_span(now: CurvePoint | None, then: CurvePoint | None, days: int) -> str:
    """Why a change between two held values is not shown (their dates are not ``days`` apart), or ''."""
    if now is None or then is None or now.value is None or then.value is None or not now.date or not then.date:
        return ""
    if change_span_ok(then.date, now.date, days):
        return ""
    return f"change not shown: {then.date.isoformat()} to {now.date.isoformat()} is {(now.date - then.date).days} days"


def missing_notes(curves: CurveSet) -> list[str]:
    """One line per missing point (``Bund 30Y now: no data (bund30y)``) or change not shown."""
    out: list[str] = []
    for curve in CURVES:
        for label, points in (("now", curves.now[curve.id]), (f"{curves.lookback} ago", curves.past[curve.id])):
            for p in points:
                if p.value is None:
                    out.append(f"{curve.name} {p.tenor} {label}: {p.note} ({p.instrument})")
        for p in curves.now[curve.id]:
            if span := _bad_span(p, _point(curves.past[curve.id], p.tenor), curves.days):
                out.append(f"{curve.name} {p.tenor} chg {curves.lookback}: {span} ({p.instrument})")
    return out


def _dated(label: str, day: dt.date | None, points: Sequence[CurvePoint]) -> str:
    """``now 2026-07-28``, or with the points' own dates when they are not all that date."""
    if day is None:
        return f"{label} none"
    dates = sorted({p.date for p in points if p.value is not None and p.date is not None})
    if not dates:
        return f"{label} {day.isoformat()} (no values)"
    if dates == [day]:
        return f"{label} {day.isoformat()}"
    span = dates[0].isoformat() if len(dates) == 1 else f"{dates[0].isoformat()}..{dates[-1].isoformat()}"
    return f"{label} {day.isoformat()} (points {span})"


def curve_dates(curves: CurveSet) -> list[str]:
    """The date of each curve and of its past curve (``UST: now 2026-11-25; 1M ago 2026-10-26``),
    with the points' own dates where they differ; one line for all when they agree."""
    out: list[tuple[str, str]] = []
    for curve in CURVES:
        past_label = f"{curves.lookback} ago"
        as_of = curves.as_of[curve.id]
        then = curves.then[curve.id] if as_of is not None else None
        now_text = _dated("now", as_of, curves.now[curve.id])
        out.append((curve.name, f"{now_text}; {_dated(past_label, then, curves.past[curve.id])}"))
    if len({text for _name, text in out}) == 1:  # the usual case: one line says it for all
        return [f"curves dated: {out[0][1]} (every curve)"]
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
    "tenor_csv",
    "tenor_grid",
]
