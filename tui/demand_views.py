"""Provides what the Auctions and Holders screens show, as plain rows and chart data.

Why apart from the screens: the rows are also what ``s`` saves as CSV, and tests read them
without a terminal. Nothing here draws; every number keeps its date and source.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from widgets.chart_data import ChartData, ChartLine

if TYPE_CHECKING:
    import pandas as pd

    from datafeed.demand.auctions import Auction, SecurityKind
    from datafeed.demand.book import AuctionBook
    from datafeed.store import SeriesStore

TRAILING_YEARS = 2
"""The comparison every auction metric is marked against (▲ above, ▼ below its line's mean)."""


@dataclass(frozen=True, slots=True)
class Metric:
    """One number of an auction with the mean of its line's auctions in the two years before."""

    value: float | None
    trailing: float | None = None
    count: int = 0

    @property
    def mark(self) -> str:
        """``▲`` above the trailing mean, ``▼`` below, ``=`` equal, empty without a mean."""
        if self.value is None or self.trailing is None:
            return ""
        diff = round(self.value - self.trailing, 9)
        return "▲" if diff > 0 else "▼" if diff < 0 else "="


@dataclass(frozen=True, slots=True)
class AuctionRow:
    """The newest auction of one security line, every metric against its trailing mean."""

    line: str
    """``10y``, ``tips10y``, ``frn2y``, ``13w`` (the auction series' line id)."""
    kind: str
    term: str
    """The original term (``10-Year``); the reopening's remaining term is in ``published_term``."""
    published_term: str
    reopening: bool
    date: dt.date
    cusip: str
    source: str
    high: Metric
    high_measure: str
    bid_to_cover: Metric
    indirect: Metric
    direct: Metric
    dealer: Metric
    high_minus_median: Metric


def _line_order(kind: SecurityKind, tenor: str) -> tuple[int, int, float]:
    from datafeed.demand.auctions import SecurityKind

    rank = {
        SecurityKind.NOTE: 0,
        SecurityKind.BOND: 0,
        SecurityKind.TIPS: 1,
        SecurityKind.FRN: 2,
        SecurityKind.BILL: 3,
        SecurityKind.CMB: 4,
    }[kind]
    digits = "".join(c for c in tenor if c.isdigit()) or "0"
    scale = {"y": 365.0, "m": 30.0, "w": 7.0, "d": 1.0}.get(tenor[-1:], 1.0)
    return rank, 0, int(digits) * scale


def _metric(auctions: Sequence[Auction], newest: Auction, measure: Callable[[Auction], float | None]) -> Metric:
    from datafeed.demand.auction_measures import trailing_mean
    from datafeed.models import RawPoint

    value = measure(newest)
    points = [RawPoint(a.auction_date, v) for a in auctions if (v := measure(a)) is not None]
    mean = trailing_mean(points, newest.auction_date, years=TRAILING_YEARS)
    if mean is None:
        return Metric(value)
    return Metric(value, mean.mean, mean.count)


def _pct(measure: Callable[[Auction], float | None]) -> Callable[[Auction], float | None]:
    def scaled(auction: Auction) -> float | None:
        value = measure(auction)
        return None if value is None else 100.0 * value

    return scaled


def auction_rows(book: AuctionBook | None) -> list[AuctionRow]:
    """The newest auction of every line held, coupons first (by term), then TIPS, FRNs, bills."""
    if book is None:
        return []
    from datafeed.demand.auction_measures import (
        bid_to_cover,
        dealer_share,
        direct_share,
        high_minus_median_bp,
        indirect_share,
        line_of,
    )
    from datafeed.demand.auction_series import line_id

    by_line: dict[tuple[SecurityKind, str], list[Auction]] = {}
    for auction in book.auctions:  # newest first
        by_line.setdefault(line_of(auction), []).append(auction)
    rows: list[AuctionRow] = []
    for (kind, _tenor), auctions in sorted(by_line.items(), key=lambda item: _line_order(*item[0])):
        newest = auctions[0]

        def high(a: Auction) -> float | None:
            return a.high_rate

        rows.append(
            AuctionRow(
                line=line_id(newest),
                kind=kind.value,
                term=newest.original_term,
                published_term=newest.term,
                reopening=newest.reopening,
                date=newest.auction_date,
                cusip=newest.cusip,
                source=newest.source,
                high=_metric(auctions, newest, high),
                high_measure=newest.high_rate_measure,
                bid_to_cover=_metric(auctions, newest, bid_to_cover),
                indirect=_metric(auctions, newest, _pct(indirect_share)),
                direct=_metric(auctions, newest, _pct(direct_share)),
                dealer=_metric(auctions, newest, _pct(dealer_share)),
                high_minus_median=_metric(auctions, newest, high_minus_median_bp),
            )
        )
    return rows


AUCTION_HEADER: tuple[str, ...] = (
    "line",
    "kind",
    "term",
    "published_term",
    "date",
    "cusip",
    "high",
    "high_measure",
    "high_trailing",
    "bid_to_cover",
    "bid_to_cover_trailing",
    "indirect_pct",
    "indirect_trailing",
    "direct_pct",
    "direct_trailing",
    "dealer_pct",
    "dealer_trailing",
    "high_minus_median_bp",
    "high_minus_median_trailing",
    "source",
)
"""Columns of the Auctions view's CSV (``s``): each metric beside its trailing 2-year mean."""


def auction_csv_rows(rows: Sequence[AuctionRow]) -> list[list[object]]:
    """The rows as CSV cells, in :data:`AUCTION_HEADER` order."""
    out: list[list[object]] = []
    for r in rows:
        cells: list[object] = [r.line, r.kind, r.term, r.published_term, r.date.isoformat(), r.cusip]
        cells += [r.high.value, r.high_measure, r.high.trailing]
        for m in (r.bid_to_cover, r.indirect, r.direct, r.dealer, r.high_minus_median):
            cells += [
                None if m.value is None else round(m.value, 4),
                None if m.trailing is None else round(m.trailing, 4),
            ]
        cells.append(r.source)
        out.append(cells)
    return out


LINE_METRICS: tuple[tuple[str, str, str], ...] = (
    ("indirect", "Indirect bidders", "% of competitive"),
    ("dealer", "Primary dealers", "% of competitive"),
    ("direct", "Direct bidders", "% of competitive"),
    ("bid_to_cover", "Bid-to-cover", "ratio"),
    ("high_minus_median", "High − median accepted", "bp"),
)
"""(auction series measure, title, unit) of the line drill-down's charts, in order."""


def line_series(book: AuctionBook | None, line: str) -> dict[str, pd.Series]:
    """Measure → the line's history (``auction_<measure>_<line>``), for its drill-down and ``s``."""
    if book is None:
        return {}
    from datafeed.demand.auction_series import auction_series

    wanted = {f"auction_{m}_{line}": m for m, _, _ in LINE_METRICS}
    series = auction_series(book.auctions)
    return {wanted[sid]: s for sid, s in series.items() if sid in wanted}


def line_chart(series: pd.Series, title: str, unit: str) -> ChartData:
    """A metric's history at one line with the mean of the two years before each auction."""
    import pandas as pd

    rolled = series.rolling(pd.Timedelta(days=round(365.25 * TRAILING_YEARS)), closed="left").mean()
    x = tuple(pd.DatetimeIndex(series.index).strftime("%Y-%m-%d"))
    return ChartData(
        x=x,
        lines=(
            ChartLine(title, _values(series.to_numpy())),
            ChartLine(f"{TRAILING_YEARS}y mean before", _values(rolled.to_numpy())),
        ),
        title=title,
        y_label=unit,
    )


def _values(values: Iterable[float | None]) -> tuple[float | None, ...]:
    return tuple(float(v) if v is not None and math.isfinite(float(v)) else None for v in values)


# --------------------------------------------------------------------------- holders


@dataclass(frozen=True, slots=True)
class HolderRow:
    """One TIC row: a country (or the total / official sector) with its changes and recent months."""

    id: str
    name: str
    date: dt.date | None
    value: float | None
    change_1m: float | None
    change_12m: float | None
    history: tuple[float | None, ...]
    """The last 24 months, oldest first (the sparkline)."""
    source: str
    status: str
    late: bool


SPARK_MONTHS = 24


def _month_before(series: pd.Series, when: pd.Timestamp, months: int) -> float | None:
    import pandas as pd

    target = (when - pd.DateOffset(months=months)).normalize().replace(day=1)
    if target not in series.index:
        return None
    value = float(series[target])
    return value if math.isfinite(value) else None


def holder_rows(store: SeriesStore | None, today: dt.date) -> list[HolderRow]:
    """The TIC holders kept as instruments, largest first, then the foreign total and official sector."""
    if store is None:
        return []
    from datafeed.catalog import TIC_HOLDERS
    from datafeed.market_calendar import instrument_is_late

    def row(inst_id: str, name: str) -> HolderRow:
        series = store.series(inst_id).dropna()
        latest = store.latest(inst_id)
        state = store.state[inst_id]
        if latest is None or series.empty:
            return HolderRow(inst_id, name, None, None, None, None, (), state.source or "", state.status.value, False)
        last = series.index[-1]
        value = float(series.iloc[-1])
        before_1 = _month_before(series, last, 1)
        before_12 = _month_before(series, last, 12)
        return HolderRow(
            inst_id,
            name,
            latest.date,
            value,
            None if before_1 is None else value - before_1,
            None if before_12 is None else value - before_12,
            _values(series.iloc[-SPARK_MONTHS:].to_numpy()),
            latest.source,
            state.status.value,
            instrument_is_late(inst_id, latest.date, today, latest.source),
        )

    countries = [row(f"tic_{key}", name) for key, _, name in TIC_HOLDERS if f"tic_{key}" in store.catalog]
    countries.sort(key=lambda r: -(r.value if r.value is not None else -math.inf))
    totals = [row(i, n) for i, n in (("tic_total", "Foreign total"), ("tic_official", "Foreign official"))]
    return countries + [t for t in totals if t.id in store.catalog]


HOLDER_HEADER: tuple[str, ...] = ("id", "name", "date", "usd_bn", "change_1m", "change_12m", "source", "status", "late")
"""Columns of the Holders view's CSV (``s``)."""


def holder_csv_rows(rows: Sequence[HolderRow]) -> list[list[object]]:
    """The rows as CSV cells, in :data:`HOLDER_HEADER` order."""
    return [
        [
            r.id,
            r.name,
            r.date.isoformat() if r.date else None,
            r.value,
            None if r.change_1m is None else round(r.change_1m, 3),
            None if r.change_12m is None else round(r.change_12m, 3),
            r.source,
            r.status,
            r.late,
        ]
        for r in rows
    ]


def custody_chart(store: SeriesStore | None, years: int = 5) -> ChartData | None:
    """The weekly custody level for foreign official accounts over ``years`` (None when not held)."""
    if store is None or "custody_official" not in store.catalog:
        return None
    import pandas as pd

    series = store.series("custody_official").dropna()
    if series.empty:
        return None
    part = series[series.index > series.index[-1] - pd.Timedelta(days=round(365.25 * years))]
    return ChartData(
        x=tuple(pd.DatetimeIndex(part.index).strftime("%Y-%m-%d")),
        lines=(ChartLine("Custody (H.4.1, Wednesday)", _values(part.to_numpy())),),
        title=f"Fed custody for foreign official accounts — {years}Y",
        y_label="USD bn",
    )


__all__ = [
    "AUCTION_HEADER",
    "HOLDER_HEADER",
    "LINE_METRICS",
    "AuctionRow",
    "HolderRow",
    "Metric",
    "auction_csv_rows",
    "auction_rows",
    "custody_chart",
    "holder_csv_rows",
    "holder_rows",
    "line_chart",
    "line_series",
]
