"""Provides the translation from store, signal and crisis results to widget inputs.

This is the only bridge between ``datafeed`` (pandas, results) and ``widgets`` (plain frozen
dataclasses). Everything here is pure: no Textual, no I/O, no clock of its own (``today``
and ``now`` are passed in), so it runs in the metrics thread and in tests alike.

:func:`metrics_views` runs in the :class:`~datafeed.monitor.Monitor`'s thread right after the
metrics (``datafeed.metrics``), so the dashboard's inputs are built off the UI thread.
See docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from datafeed.catalog import HORIZON_DAYS as CATALOG_HORIZON_DAYS
from datafeed.catalog import Instrument
from datafeed.crises import CHECKS, ScoredEpisode, episode_window
from datafeed.market_calendar import instrument_is_late as is_late  # not datafeed.snapshot: httpx
from datafeed.metrics import Metrics
from datafeed.models import Status
from datafeed.signals import SIGNALS, Level, RegimeResult, SignalResult, Thresholds, resolve_thresholds
from datafeed.signals.spec import shown_decimals
from datafeed.store import SeriesStore
from datafeed.thresholds import Overrides
from tui.rows import (  # re-exported here; they live where pandas is not needed (first frame)
    SPARK_POINTS,
    change_in_unit,
    empty_row,
    format_age,
    period_bases,
    value_row,
)
from tui.status import format_in
from widgets.chart_data import ChartData, ChartLine, ChartThreshold
from widgets.data import (
    RegimeView,
    ScoreCell,
    ScoreRow,
    SignalView,
    TableRow,
)
from widgets.numbers import ordinal

if TYPE_CHECKING:
    from datafeed.formulas import Formula

RANGES: dict[str, int | None] = {"1M": 31, "3M": 92, "1Y": 366, "5Y": 1827, "MAX": None}
"""Chart ranges of the drill-down screens: label → calendar days (None: everything held)."""

MAX_CHART_POINTS = 800
"""Charts are thinned to about this many points (plotext is pure Python)."""

# --------------------------------------------------------------------------- formatting


HORIZON_DAYS = CATALOG_HORIZON_DAYS
"""Calendar days a change horizon spans (which look-backs add anything beyond it)."""


def format_value(inst: Instrument, value: float | None) -> str:
    """A level as shown on screen: in the display unit (IG OAS in bp), with its decimals and
    thousands separators, without the unit label."""
    return inst.format(value, unit=False)


def format_change(inst: Instrument, change: float | None) -> str:
    """A change with its unit, e.g. ``+3.2bp``, ``-1.25%``."""
    if change is None or not math.isfinite(change):
        return "n/a"
    places = 1 if inst.change == "bp" else 2
    return f"{change:+.{places}f}{inst.change}"


def status_word(store: SeriesStore, inst_id: str) -> str:
    """The table status: fresh / stale / error / missing (kept cache data reads stale)."""
    return store.state[inst_id].status.value


# --------------------------------------------------------------------------- the live table


def table_row(store: SeriesStore, inst_id: str, today: dt.date, now: dt.datetime) -> TableRow:
    """One instrument as a :class:`TableRow`: value, change, sparkline, date, age, source."""
    inst = store.catalog[inst_id]
    state = store.state[inst_id]
    latest = store.latest(inst_id)
    if latest is None:
        # Nothing held: name the source that failed (not the catalog's first, maybe disabled).
        return empty_row(inst, status_word(store, inst_id), state.source or state.error_source)
    series = store.series(inst_id)
    tail = series.iloc[-SPARK_POINTS:].to_numpy(dtype="float64")
    periods: list[float | None] = []
    for span in period_bases(latest.date, today, latest.horizon):  # n/a where a column does not apply
        periods.append(_period_change(inst, series, latest.value, span))
    if latest.intraday and latest.time is not None:
        age = format_age((now - latest.time).total_seconds())
    else:
        age = f"{max((today - latest.date).days, 0)}d"
    return value_row(
        inst,
        latest.value,
        latest.previous,
        tail.tolist(),
        date=latest.date.isoformat(),
        age=age,
        source=latest.source,
        status=status_word(store, inst_id),
        late=is_late(inst, latest.date, today, latest.source, store.leg_facts(inst_id)),
        intraday=latest.intraday,
        periods=(periods[0], periods[1], periods[2]),
        horizon=latest.horizon,
    )


def _period_change(
    inst: Instrument, series: pd.Series, value: float, span: tuple[dt.date, dt.date] | None
) -> float | None:
    """The change of ``value`` against the last value on or before the span's base, dated after
    its floor (``tui.rows.period_bases``), or None."""
    if span is None:
        return None
    base, floor = span
    index = int(series.index.searchsorted(pd.Timestamp(base), side="right"))
    if not index or series.index[index - 1] <= pd.Timestamp(floor):
        return None
    return change_in_unit(inst, value, float(series.iloc[index - 1]))


def table_rows(
    store: SeriesStore, today: dt.date, now: dt.datetime, ids: Iterable[str] | None = None
) -> list[TableRow]:
    """Rows for ``ids`` (default: every instrument, in catalog order)."""
    wanted = list(store.catalog) if ids is None else [i for i in store.catalog if i in set(ids)]
    return [table_row(store, i, today, now) for i in wanted]


# --------------------------------------------------------------------------- signals


SIGNAL_DECIMALS: dict[str, int] = {"bp": 0, "corr": 2, "%": 1}
"""Decimals a signal value is shown with by unit (2 for any other), far from its cut-offs."""


def signal_value_text(result: SignalResult) -> str:
    """A signal value with its unit: ``+52 bp``, ``+0.37``, ``101.7 %``; near a cut-off with
    the decimals that keep it on its verdict's side (``+0.3 bp`` eroding above 0, not ``+0``)."""
    value = result.value
    if value is None or not math.isfinite(value):
        return "n/a"
    places = shown_decimals(value, SIGNAL_DECIMALS.get(result.unit, 2), result.cutoffs)
    if result.unit == "bp":
        return f"{value:+.{places}f} bp"
    if result.unit == "corr":
        return f"{value:+.{places}f}"
    if result.unit == "%":
        return f"{value:.{places}f} %"
    return f"{value:+.{places}f} {result.unit}"


def signal_view(result: SignalResult) -> SignalView:
    """One :class:`SignalView`: the short label rendered with the thresholds in force; an
    ``n/a`` verdict explains itself with its reason; late or stale evidence is flagged."""
    explanation = result.label or result.explanation
    if result.verdict == "n/a" and result.reason:
        explanation = f"n/a: {result.reason}"
    elif result.reason and "jpy3m" in result.reason:
        explanation += " (JPY 3M leg: TONA missing)"
    return SignalView(
        result.id,
        result.name,
        signal_value_text(result),
        result.verdict,
        explanation,
        result.date.isoformat() if result.date else "",
        # An n/a has no value to be late: its row says n/a and why (the regime counts it
        # under n/a only, and the panel's "8 late" must match the rows marked late).
        late=result.late and result.verdict != "n/a",
        stale=result.stale,
        age="" if result.age is None else f"{result.age}bd",
    )


def regime_view(regime: RegimeResult) -> RegimeView:
    """The regime line on top of the signals panel and in the title bar, with its coverage."""
    return RegimeView(
        regime.verdict.upper(),
        regime.eroding,
        regime.available,
        na=regime.na,
        late=regime.late,
        stale=len(regime.stale),
        as_of=regime.as_of.isoformat() if regime.as_of else "",
        groups=tuple((name, c.eroding, c.available) for name, c in regime.groups.items()),
    )


# --------------------------------------------------------------------------- crises


def score_row(scored: ScoredEpisode) -> ScoreRow:
    """One episode as a grid row; cells follow :data:`datafeed.crises.CHECKS`."""
    ep = scored.episode
    cells = tuple(
        ScoreCell(cid, c.change if c.change is not None and math.isfinite(c.change) else None, c.unit, c.result)
        for cid, c in scored.checks.items()
    )
    # The grid marks the live row "● LIVE" and shows its window; "stress" says the rest.
    name = "stress" if ep.live else ep.name
    return ScoreRow(ep.id, name, ep.start.isoformat(), ep.end.isoformat(), scored.verdict, cells, ep.live)


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class MetricsViews:
    """The dashboard's inputs built from new metrics (in the Monitor's thread, off the UI).

    Attributes:
        signal_views: signals panel input.
        regime_view: signals panel header input.
        score_rows: crisis grid input.
    """

    signal_views: tuple[SignalView, ...]
    regime_view: RegimeView
    score_rows: tuple[ScoreRow, ...]


def metrics_views(metrics: Metrics) -> MetricsViews:
    """Views of every signal, the regime and every scored episode."""
    return MetricsViews(
        signal_views=tuple(signal_view(r) for r in metrics.signals.values()),
        regime_view=regime_view(metrics.regime),
        score_rows=tuple(score_row(s) for s in metrics.scored),
    )


# --------------------------------------------------------------------------- drill-downs


def thin(series: pd.Series, points: int = MAX_CHART_POINTS) -> pd.Series:
    """Every k-th observation so at most about ``points`` remain (the newest always kept)."""
    n = len(series)
    if n <= points:
        return series
    step = math.ceil(n / points)
    positions = np.arange(n - 1, -1, -step)[::-1]
    return series.iloc[positions]


def range_slice(series: pd.Series, range_key: str, end: dt.date | None = None) -> pd.Series:
    """The part of ``series`` inside a :data:`RANGES` window ending at its newest date."""
    days = RANGES[range_key]
    if days is None or series.empty:
        return series
    last = pd.Timestamp(end) if end is not None else series.index[-1]
    return series[series.index >= last - pd.Timedelta(days=days)]


def _iso(index: pd.Index) -> tuple[str, ...]:
    return tuple(pd.DatetimeIndex(index).strftime("%Y-%m-%d"))


def _values(values: Iterable[float]) -> tuple[float | None, ...]:
    return tuple(float(v) if v is not None and math.isfinite(v) else None for v in values)


def series_chart(inst: Instrument, series: pd.Series, range_key: str) -> ChartData:
    """Chart of one instrument over a range."""
    part = thin(range_slice(series.dropna(), range_key))
    return ChartData(
        x=_iso(part.index),
        lines=(ChartLine(inst.name, _values(part.to_numpy() * inst.display_scale)),),
        title=f"{inst.name} — {range_key}",
        y_label=inst.label,
    )


def with_comparison(data: ChartData, inst: Instrument, series: pd.Series, range_key: str | None = None) -> ChartData:
    """``data`` with ``inst`` overlaid on a right axis in its own unit (not rebased).

    The overlay keeps its own dates, its newest included: the x axis becomes the union of
    both series' dates (time-scaled, so nothing moves), the first series has no value on the
    overlay's other dates and the overlay none on the first series' (each line joins its own
    observations). Why not the first series' dates: a Bund quoted on a US holiday, a Saturday
    or the 1st of a month would vanish, and the overlay's last value would not be its newest.
    Nothing is carried forward or interpolated.

    With ``range_key`` (the drill-down's ``1``-``5``), both series share ONE window of that
    length, ending at the newer of the two series' newest dates: a 1Y chart is one year wide
    even when one series stopped months before the other (the stale one then visibly ends
    early, instead of the axis stretching to a year and a half). MAX, or no ``range_key``,
    starts at the chart's first date.
    """
    if not data.x or not isinstance(data.x[0], str):  # a time chart only (ISO dates)
        return data
    values = series.dropna()
    values = values[~values.index.duplicated(keep="last")]
    days = RANGES.get(range_key) if range_key is not None else None
    start = pd.Timestamp(data.x[0])
    if days is not None:
        newest = max(pd.Timestamp(data.x[-1]), values.index[-1]) if len(values) else pd.Timestamp(data.x[-1])
        start = newest - pd.Timedelta(days=days)
        data = _from(data, start)
        if not data.x:  # the first series has nothing in the window (it stopped long ago)
            data = replace(
                data, x=(start.strftime("%Y-%m-%d"),), lines=tuple(replace(ln, y=(None,)) for ln in data.lines)
            )
    own = thin(values[values.index >= start])
    own_x = _iso(own.index)
    x = tuple(sorted({*(str(d) for d in data.x), *own_x}))
    at = {d: i for i, d in enumerate(x)}
    positions = [at[str(d)] for d in data.x]

    def spread(y: tuple[float | None, ...]) -> tuple[float | None, ...]:
        out: list[float | None] = [None] * len(x)
        for i, v in zip(positions, y, strict=True):
            out[i] = v
        return tuple(out)

    overlay: list[float | None] = [None] * len(x)
    for d, v in zip(own_x, _values(own.to_numpy() * inst.display_scale), strict=True):
        overlay[at[d]] = v
    lines = tuple(replace(ln, y=spread(ln.y)) for ln in data.lines if ln.axis == "left")
    return ChartData(
        x=x,
        lines=(*lines, ChartLine(inst.name, tuple(overlay), axis="right")),
        thresholds=data.thresholds,
        window=data.window,
        title=f"{data.title} vs {inst.name}",
        y_label=data.y_label,
        y_label_right=inst.label,
    )


def _from(data: ChartData, start: pd.Timestamp) -> ChartData:
    """``data`` without its points dated before ``start`` (ISO date strings compare as dates)."""
    first = start.strftime("%Y-%m-%d")
    keep = [i for i, d in enumerate(data.x) if str(d) >= first]
    return replace(
        data,
        x=tuple(str(data.x[i]) for i in keep),
        lines=tuple(replace(ln, y=tuple(ln.y[i] for i in keep)) for ln in data.lines),
    )


@dataclass(frozen=True)
class Stat:
    """One labelled line of a drill-down's stats panel."""

    label: str
    value: str


def _asof(series: pd.Series, when: pd.Timestamp) -> float | None:
    part = series[series.index <= when]
    return float(part.iloc[-1]) if len(part) else None


def series_stats(
    store: SeriesStore, inst_id: str, range_key: str, today: dt.date, now: dt.datetime
) -> tuple[Stat, ...]:
    """Last value, 1d/1w/1m changes, percentile and z-score over the range, provenance."""
    inst = store.catalog[inst_id]
    state = store.state[inst_id]
    series = store.series(inst_id).dropna()
    latest = store.latest(inst_id)
    out: list[Stat] = []
    if latest is None or series.empty:
        out.append(Stat("last", "no data"))
    else:
        when = latest.date.isoformat()
        if latest.intraday and latest.time is not None:
            when += f" {latest.time:%H:%M}Z intraday"
        out.append(Stat("last", inst.format(latest.value)))
        out.append(Stat("date", when))
        out.append(Stat("age", table_row(store, inst_id, today, now).age))
        last_day = series.index[-1].date()
        # The change since the previous observation spans the series' own horizon (a monthly
        # series' previous value is a month old; a spread's, its coarsest leg's); calendar
        # look-backs follow if longer, n/a where the history has no value one span back.
        change = format_change(inst, change_in_unit(inst, latest.value, latest.previous))
        horizon = latest.horizon
        out.append(Stat(f"chg {horizon}", change))
        horizon_days = HORIZON_DAYS[horizon]
        for label, days in (("chg 1W", 7), ("chg 1M", 30)):
            if days <= horizon_days:
                continue
            span = (last_day - dt.timedelta(days=days), last_day - dt.timedelta(days=2 * days))
            out.append(Stat(label, format_change(inst, _period_change(inst, series, latest.value, span))))
        part = range_slice(series, range_key)
        values = part.to_numpy(dtype="float64")
        if len(values) >= 2:
            pct = 100.0 * float((values <= latest.value).sum()) / len(values)
            std = float(values.std(ddof=1))
            z = (latest.value - float(values.mean())) / std if std > 0 else float("nan")
            out.append(Stat(f"pctile {range_key}", ordinal(round(pct))))
            out.append(Stat(f"z {range_key}", "n/a" if math.isnan(z) else f"{z:+.2f}"))
            out.append(
                Stat(
                    f"range {range_key}",
                    f"{format_value(inst, float(values.min()))} – {format_value(inst, float(values.max()))}",
                )
            )
        out.append(Stat("obs held", f"{len(series):,} since {series.index[0].date().isoformat()}"))
    out.append(Stat("source", (latest.source if latest else state.source) or "—"))
    if state.behind is not None:  # the primary answers but lags; a later source fills in
        last = state.behind.last.isoformat() if state.behind.last else "nothing yet"
        out.append(Stat("behind", f"{state.behind.source} (newest {last}); newer from {state.behind.filled_by}"))
    out.extend(fetch_and_data(store, inst_id, today))
    out.append(Stat("last success", _stamp(state.last_success, now)))
    if state.last_error:
        out.append(Stat("last error", state.last_error))
    if state.rejection is not None:  # an answer whose values validation refused: say why
        out.append(
            Stat("refused", f"{state.rejected:,} value{'' if state.rejected == 1 else 's'}; last: {state.rejection}")
        )
    if state.next_retry is not None and state.status is not Status.FRESH:
        out.append(Stat("next retry", _stamp(state.next_retry, now, future=True)))
    srcs = " → ".join(r.tag for r in inst.sources) or "—"
    out.append(Stat("sources", srcs + (f"; intraday {inst.intraday.tag}" if inst.intraday else "")))
    return tuple(out)


FETCH_WORDS: dict[Status, str] = {
    Status.FRESH: "ok",
    Status.STALE: "failed · kept data shown",
    Status.ERROR: "failed · nothing held",
    Status.MISSING: "no source enabled",
}
"""What the last fetch did, in words (the JSON ``status``: fresh / stale / error / missing)."""


def fetch_and_data(store: SeriesStore, inst_id: str, today: dt.date) -> tuple[Stat, ...]:
    """The fetch and the data's age on two lines: ``fetch ok`` / ``data LATE · 624 business days old``.

    Why apart: ``fresh`` means the last fetch succeeded, not that the value is recent; a
    source that answers with a 2024 value must not read as current next to an age of
    hundreds of days. Business days are counted in the market of the source that
    produced the value (SIFMA, TARGET2, Japanese bank holidays).
    """
    from datafeed.market_calendar import business_days_between, source_market

    state = store.state[inst_id]
    fetch = Stat("fetch", FETCH_WORDS.get(state.status, state.status.value))
    latest = store.latest(inst_id)
    if latest is None:
        if state.status is Status.FRESH and state.rejection is not None:
            # The source answered but every value was refused: "ok" alone would hide why the
            # row is empty (the reason is on the "refused" line).
            return (Stat("fetch", "ok · every value refused"),)
        return (fetch,)
    if latest.intraday:
        return fetch, Stat("data", "intraday quote")
    market = source_market(latest.source.split(":", 1)[0])
    days = business_days_between(latest.date, today, market)
    age = f"{days} business day{'' if days == 1 else 's'} old"
    late = is_late(store.catalog[inst_id], latest.date, today, latest.source, store.leg_facts(inst_id))
    return fetch, Stat("data", f"LATE · {age}" if late else f"current · {age}")


def input_status(store: SeriesStore, inst_id: str, today: dt.date) -> str:
    """An input's state in one phrase for a list of inputs: ``fetch ok``, or ``LATE · fetch ok``
    when the value is older than its source's lag (``fresh`` alone would read as current)."""
    state = store.state[inst_id]
    fetch = "fetch " + FETCH_WORDS.get(state.status, state.status.value).split(" · ")[0]
    if state.status is Status.MISSING:
        fetch = FETCH_WORDS[Status.MISSING]
    latest = store.latest(inst_id)
    if (
        latest is not None
        and not latest.intraday
        and is_late(store.catalog[inst_id], latest.date, today, latest.source, store.leg_facts(inst_id))
    ):
        return f"LATE · {fetch}"
    return fetch


def _stamp(when: dt.datetime | None, now: dt.datetime, future: bool = False) -> str:
    if when is None:
        return "—"
    seconds = (when - now).total_seconds() if future else (now - when).total_seconds()
    rel = f"in {format_in(seconds)}" if future else f"{format_age(seconds)} ago"
    return f"{when:%Y-%m-%d %H:%M:%S}Z ({rel})"


def crisis_charts(series: Mapping[str, pd.Series], scored: ScoredEpisode) -> list[ChartData]:
    """Every check's series across the episode ±20 trading days, the window marked."""
    ep = scored.episode
    frame = episode_window(series, ep, pad=20)
    out: list[ChartData] = []
    window = (ep.start.isoformat(), ep.end.isoformat())
    for cid, spec in CHECKS.items():
        check = scored.checks.get(cid)
        if frame.empty:
            out.append(ChartData(x=(), title=spec.label))
            continue
        values, label, unit = spec.chart_series(frame, check)
        values = values.dropna()
        if values.empty:
            out.append(ChartData(x=(), title=f"{spec.label}: no data"))
            continue
        result = ""
        if check is not None:
            change = "n/a" if check.change is None else f"{check.change:+.1f}{check.unit}"
            result = f" {change} {check.result} (haven expects {check.expected})"
        out.append(
            ChartData(
                x=_iso(values.index),
                lines=(ChartLine(label, _values(values.to_numpy())),),
                window=window,
                title=f"{spec.label}{result}",
                y_label=unit,
            )
        )
    return out


def signal_chart(
    signal_id: str,
    history: pd.Series,
    range_key: str,
    thresholds: Overrides | Thresholds,
) -> ChartData:
    """A signal's history over a range with its spec's overlays: the eroding / intact
    cut-offs as levels, or a line it is judged against (the trailing median)."""
    spec = SIGNALS[signal_id]
    th = resolve_thresholds(thresholds).signal(signal_id)
    hist = history.dropna()
    part = thin(range_slice(hist, range_key))
    lines: list[ChartLine] = [ChartLine(spec.name, _values(part.to_numpy()))]
    levels: list[ChartThreshold] = []
    for overlay in spec.overlays:
        for item in overlay(hist, th):
            if isinstance(item, Level):
                levels.append(ChartThreshold(item.value, item.label))
            else:
                lines.append(ChartLine(item.label, _values(item.values.reindex(part.index).to_numpy())))
    return ChartData(
        x=_iso(part.index),
        lines=tuple(lines),
        thresholds=tuple(levels),
        title=f"{spec.name} — {range_key}",
        y_label=spec.unit,
    )


# --------------------------------------------------------------------------- formula rows

FORMULA_GROUP = "Formulas"
"""Heading of the config's formula rows in the live table."""


def formula_decimals(unit: str) -> int:
    """Decimals of a formula value: 1 for bp, 3 for %, else 2."""
    return {"bp": 1, "%": 3}.get(unit, 2)


def formula_rows(
    formulas: Sequence[Formula],
    values: Mapping[str, pd.Series],
    store: SeriesStore,
    today: dt.date,
    errors: Mapping[str, str] | None = None,
) -> list[TableRow]:
    """One :class:`TableRow` per formula (source ``formula``, group ``Formulas``), in config order.

    A formula is as fresh as its inputs (``datafeed.formulas.formula_json``): ``stale`` when an
    input's last fetch failed, ``missing`` without a value, ``error`` when it failed to evaluate.
    """
    from datafeed.formulas import formula_json

    statuses = {i: store.state[i].status.value for i in store.catalog}
    empty = pd.Series([], index=pd.DatetimeIndex([]), dtype="float64")
    rows: list[TableRow] = []
    for f in formulas:
        series = values.get(f.id, empty)
        entry = formula_json(f, series, statuses)
        status = "error" if (errors or {}).get(f.id) else entry["status"]
        statuses[f.id] = status
        date = entry["date"] or ""
        age = f"{max((today - dt.date.fromisoformat(date)).days, 0)}d" if date else ""
        tail = series.iloc[-SPARK_POINTS:].to_numpy(dtype="float64")
        rows.append(
            TableRow(
                f.id,
                f.label,
                entry["value"],
                formula_decimals(f.unit),
                change=entry.get("change"),
                change_unit=f.unit,
                spark=tuple(float(v) for v in tail),
                date=date,
                age=age,
                source="formula",
                status=status,
                group=FORMULA_GROUP,
            )
        )
    return rows


def formula_chart(formula: Formula, series: pd.Series, range_key: str) -> ChartData:
    """Chart of one formula over a range (like :func:`series_chart`)."""
    part = thin(range_slice(series.dropna(), range_key))
    return ChartData(
        x=_iso(part.index),
        lines=(ChartLine(formula.label, _values(part.to_numpy())),),
        title=f"{formula.label} — {range_key}",
        y_label=formula.unit,
    )


def formula_stats(
    formula: Formula, series: pd.Series, range_key: str, store: SeriesStore, error: str | None = None
) -> tuple[Stat, ...]:
    """Expression, last value and changes, where it stands in the range, and its inputs."""
    unit = f" {formula.unit}" if formula.unit else ""
    places = formula_decimals(formula.unit)
    out: list[Stat] = [Stat("expr", formula.expr)]
    series = series.dropna()
    if error:
        out.append(Stat("error", error))
    if series.empty:
        out.append(Stat("last", "no data (inputs have no dates in common, or none is held)"))
    else:
        last, last_ts = float(series.iloc[-1]), series.index[-1]
        out.append(Stat("last", f"{last:,.{places}f}{unit}"))
        out.append(Stat("date", last_ts.date().isoformat()))
        for label, days in (("chg 1d", None), ("chg 1w", 7), ("chg 1m", 30)):
            past = (
                (float(series.iloc[-2]) if len(series) > 1 else None)
                if days is None
                else _asof(series, last_ts - pd.Timedelta(days=days))
            )
            out.append(Stat(label, "n/a" if past is None else f"{last - past:+,.{places}f}{unit}"))
        values = range_slice(series, range_key).to_numpy(dtype="float64")
        if len(values) >= 2:
            std = float(values.std(ddof=1))
            out.append(Stat(f"pctile {range_key}", ordinal(round(100.0 * float((values <= last).sum()) / len(values)))))
            out.append(Stat(f"z {range_key}", f"{(last - float(values.mean())) / std:+.2f}" if std > 0 else "n/a"))
            out.append(Stat(f"range {range_key}", f"{values.min():,.{places}f} – {values.max():,.{places}f}{unit}"))
        out.append(Stat("obs", f"{len(series):,} since {series.index[0].date().isoformat()}"))
    out.append(Stat("source", "formula (computed by triffin from its inputs)"))
    for inst_id in sorted(formula.inputs):
        latest = store.latest(inst_id) if inst_id in store.catalog else None
        if inst_id not in store.catalog:
            out.append(Stat(inst_id, "formula"))
        elif latest is None:
            out.append(Stat(inst_id, f"no data ({store.state[inst_id].status.value})"))
        else:
            out.append(Stat(inst_id, f"{latest.date} {latest.source} {input_status(store, inst_id, store.today())}"))
    return tuple(out)
