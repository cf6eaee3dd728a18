"""Provides auction measures as plain series, one per measure and security line.

The signal layer reads series (dated values); auctions are records. This module is the
bridge: every measure of :mod:`datafeed.demand.auction_measures`, per security line, as a
``pd.Series`` dated on the auction days, under a stable id::

    auction_<measure>_<line>

    measure  indirect | direct | dealer        share of competitive accepted, in % (0–100)
             bid_to_cover                      the ratio
             high_minus_median                 high minus median accepted bid, bp
             high_minus_prior_par              high minus the prior business day's par yield, bp
    line     10y, 30y, 2y ...                  nominal notes and bonds (original term)
             tips10y, frn2y                    TIPS and FRNs
             13w, 26w, 52w ...                 bills;  cmb42d ... cash-management bills

so ``auction_indirect_10y`` is the indirect bidders' share at every 10-year note auction
(reopenings included: lines go by original term). Shares are in percent so a change reads
in percentage points. Neither "high minus" measure is the market's tail (high yield minus
the 1 pm when-issued yield, which no keyless source publishes); each is named for what it is.

``high_minus_prior_par`` needs the par yield curve: pass ``par`` (par-curve column →
daily series in %), e.g. :func:`par_curve_from` on the store's ``ust*`` series.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from datafeed.demand.auction_measures import (
    bid_to_cover,
    dealer_share,
    direct_share,
    high_minus_median_bp,
    high_minus_prior_par_bp,
    indirect_share,
    par_reference_column,
)
from datafeed.demand.auctions import Auction, SecurityKind

SHARE_MEASURES: dict[str, Callable[[Auction], float | None]] = {
    "indirect": indirect_share,
    "direct": direct_share,
    "dealer": dealer_share,
}
"""Bidder-class shares (fractions from the measures, percent in the series)."""

UNITS: dict[str, str] = {
    "indirect": "%",
    "direct": "%",
    "dealer": "%",
    "bid_to_cover": "ratio",
    "high_minus_median": "bp",
    "high_minus_prior_par": "bp",
}
"""Each measure's unit in the series."""

MEASURES: tuple[str, ...] = tuple(UNITS)
"""Every measure, in the order the ids are built."""

SERIES_PATTERN = re.compile(
    r"^auction_(?P<measure>" + "|".join(MEASURES) + r")_(?P<line>(?:tips|frn|cmb)?(?:\d+[ymwd])+)$"
)
"""What an auction series id looks like (``auction_indirect_10y``, ``auction_bid_to_cover_tips5y``)."""

AUCTION_FREQUENCY = "monthly"
"""How often a coupon line's series moves, for signal freshness: every nominal coupon line is
auctioned monthly (new issues or reopenings); bills weekly, TIPS and FRNs less often."""

AUCTION_LAG_DAYS = 35
"""US business days after which a line's newest auction counts as late (no auction of a
monthly line for seven weeks: the book is not being refreshed, or the line was suspended)."""


def is_auction_series(inst_id: str) -> bool:
    """True for an ``auction_<measure>_<line>`` id (a series derived from the auction book)."""
    return SERIES_PATTERN.match(inst_id) is not None


PAR_INSTRUMENTS: dict[str, str] = {
    "3 Mo": "ust3m",
    "2 Yr": "ust2y",
    "5 Yr": "ust5y",
    "10 Yr": "ust10y",
    "20 Yr": "ust20y",
    "30 Yr": "ust30y",
}
"""Par-curve column → the catalog instrument holding it (Treasury's par curve first, FRED's
DGS copy as fallback). Lines without one here (3y, 7y, most bills) get no par measure."""

_PREFIX = {SecurityKind.TIPS: "tips", SecurityKind.FRN: "frn", SecurityKind.CMB: "cmb"}


def line_id(auction: Auction) -> str:
    """The line part of a series id: ``10y``, ``tips10y``, ``frn2y``, ``13w``, ``cmb42d``."""
    return _PREFIX.get(auction.kind, "") + auction.tenor


def series_id(measure: str, auction: Auction) -> str:
    """``auction_<measure>_<line>`` of an auction."""
    return f"auction_{measure}_{line_id(auction)}"


def par_curve_from(series: Mapping[str, pd.Series]) -> dict[str, pd.Series]:
    """The par-curve columns available among instrument series (``{"10 Yr": ust10y, ...}``)."""
    return {col: series[inst] for col, inst in PAR_INSTRUMENTS.items() if inst in series and len(series[inst])}


def _prior_value(curve: pd.Series, day: pd.Timestamp) -> float | None:
    """The last value strictly before ``day`` (the previous business day's close), or None."""
    position = int(curve.index.searchsorted(day, side="left"))
    if position == 0:
        return None
    value = float(curve.iloc[position - 1])
    return value if np.isfinite(value) else None


def _measure_values(auction: Auction, par: Mapping[str, pd.Series]) -> dict[str, float | None]:
    values: dict[str, float | None] = {}
    for name, measure in SHARE_MEASURES.items():
        share = measure(auction)
        values[name] = None if share is None else 100.0 * share
    values["bid_to_cover"] = bid_to_cover(auction)
    values["high_minus_median"] = high_minus_median_bp(auction)
    column = par_reference_column(auction)
    curve = par.get(column) if column else None
    prior = _prior_value(curve, pd.Timestamp(auction.auction_date)) if curve is not None and len(curve) else None
    values["high_minus_prior_par"] = high_minus_prior_par_bp(auction, prior)
    return values


def auction_series(
    auctions: Iterable[Auction],
    par: Mapping[str, pd.Series] | None = None,
) -> dict[str, pd.Series]:
    """Every measure of every line as a series, oldest first, float64 on a datetime index.

    Auctions without a value for a measure are left out of that series (a measure that no
    auction of a line has gives no series at all). Two auctions of one line on one day keep
    the one listed first (pass the primary source's records first, as the book does).

    Args:
        auctions: auction records (announced ones without results give nothing).
        par: par-curve column label → daily par yields in % (see :func:`par_curve_from`).
    """
    par = par or {}
    columns: dict[str, dict[pd.Timestamp, float]] = {}
    for auction in auctions:
        if not auction.has_results:
            continue
        day = pd.Timestamp(auction.auction_date)
        for measure, value in _measure_values(auction, par).items():
            if value is None or not np.isfinite(value):
                continue
            columns.setdefault(series_id(measure, auction), {}).setdefault(day, value)
    out: dict[str, pd.Series] = {}
    for sid in sorted(columns):
        values = columns[sid]
        index = pd.DatetimeIndex(sorted(values)).as_unit("ns")
        out[sid] = pd.Series([values[d] for d in index], index=index, dtype="float64", name=sid)
    return out


__all__ = [
    "AUCTION_FREQUENCY",
    "AUCTION_LAG_DAYS",
    "MEASURES",
    "PAR_INSTRUMENTS",
    "SERIES_PATTERN",
    "UNITS",
    "auction_series",
    "is_auction_series",
    "line_id",
    "par_curve_from",
    "series_id",
]
