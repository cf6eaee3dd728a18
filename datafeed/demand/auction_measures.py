"""Provides the demand measures read off Treasury auction results.

The usual desk readings of an auction, each a pure function of one :class:`Auction`:

- **indirect share** = indirect bidders accepted / competitive accepted. Indirect bidders
  include foreign central banks bidding through the New York Fed, so this is the common
  (imperfect) proxy for foreign official demand;
- **direct share** = direct bidders accepted / competitive accepted;
- **dealer share** = primary dealers accepted / competitive accepted: what the dealers had
  to take down because others did not;
- **bid-to-cover** = tendered / accepted, as Treasury publishes it.

Shares are fractions (0–1) of *competitive* accepted: non-competitive bids and SOMA add-ons
are not bids anyone competed for, and the three bidder classes add up to competitive
accepted exactly in the published data.

**Tails.** The market's "tail" is the high yield minus the when-issued yield at the 1 pm
deadline; no keyless source publishes that yield, so two measures are offered and each is
named for what it is:

- :func:`high_minus_median_bp` — high minus the median accepted bid, in bp (how far the
  stop sat above the middle of the accepted bids: dispersion, not a tail);
- :func:`high_minus_prior_par_bp` — high minus the par-curve yield of the business day
  *before* the auction at the same tenor, in bp (the concession against the prior close,
  which includes a day of market moves).

**Trailing comparisons.** :func:`by_line` groups a measure by security line (kind and
original tenor: the 10-year note apart from the 10-year TIPS), and
:func:`latest_vs_trailing` compares the newest auction with the mean of the same line's
auctions in the two years before it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from datafeed.demand.auctions import Auction, SecurityKind
from datafeed.demand.terms import par_curve_column
from datafeed.models import RawPoint

TRAILING_YEARS = 2
"""Default length of the trailing window, in years."""

MIN_TRAILING = 3
"""Fewest earlier auctions a trailing mean is reported on (a 30-year line has ~24 in 2 years)."""

Measure = Callable[[Auction], float | None]


def _share(part: int | None, auction: Auction) -> float | None:
    whole = auction.competitive_accepted
    if part is None or whole is None or whole <= 0:
        return None
    return part / whole


def indirect_share(auction: Auction) -> float | None:
    """Indirect bidders' share of competitive accepted (0–1), or None if not published."""
    return _share(auction.indirect_bidder_accepted, auction)


def direct_share(auction: Auction) -> float | None:
    """Direct bidders' share of competitive accepted (0–1), or None if not published."""
    return _share(auction.direct_bidder_accepted, auction)


def dealer_share(auction: Auction) -> float | None:
    """Primary dealers' share of competitive accepted (0–1), or None if not published."""
    return _share(auction.primary_dealer_accepted, auction)


def bid_to_cover(auction: Auction) -> float | None:
    """The published bid-to-cover ratio; else tendered / accepted when both are published.

    The fallback is Treasury's own definition (total tendered over total accepted), so the
    two agree to the published two decimals.
    """
    if auction.bid_to_cover is not None:
        return auction.bid_to_cover
    if auction.total_tendered is not None and auction.total_accepted:
        return auction.total_tendered / auction.total_accepted
    return None


def _median_of(auction: Auction) -> float | None:
    if auction.kind is SecurityKind.FRN:
        return auction.average_median_discount_margin
    if auction.kind.is_bill:
        return auction.average_median_discount_rate
    return auction.average_median_yield


def _high_of(auction: Auction) -> float | None:
    if auction.kind is SecurityKind.FRN:
        return auction.high_discount_margin
    if auction.kind.is_bill:
        return auction.high_discount_rate
    return auction.high_yield


def high_minus_median_bp(auction: Auction) -> float | None:
    """High minus median accepted bid, in basis points, in the kind's own measure.

    Yield for notes, bonds and TIPS; discount rate for bills (both sides on the same
    basis); discount margin for FRNs. None when either side is not published.
    """
    high, median = _high_of(auction), _median_of(auction)
    if high is None or median is None:
        return None
    return (high - median) * 100.0


def par_reference_column(auction: Auction) -> str | None:
    """The par-curve column an auction's high rate is compared with (``"10 Yr"``), or None.

    Only nominal securities have a nominal par-yield counterpart: TIPS price on a real
    yield and FRNs on a margin, so they get None.
    """
    if auction.kind in (SecurityKind.TIPS, SecurityKind.FRN):
        return None
    return par_curve_column(auction.tenor)


def high_minus_prior_par_bp(auction: Auction, prior_par_yield: float | None) -> float | None:
    """High rate minus the previous business day's par yield at the same tenor, in bp.

    Args:
        auction: a nominal note, bond or bill auction.
        prior_par_yield: the par-curve yield (percent, bond-equivalent) of the business day
            before the auction, at :func:`par_reference_column` (see
            :func:`value_before`).

    Returns:
        For notes and bonds, high yield minus it; for bills, the high *investment* rate
        (bond-equivalent, like the curve) minus it; None for TIPS, FRNs or missing inputs.
    """
    if prior_par_yield is None or par_reference_column(auction) is None:
        return None
    high = auction.high_investment_rate if auction.kind.is_bill else auction.high_yield
    if high is None:
        return None
    return (high - prior_par_yield) * 100.0


def value_before(points: Sequence[RawPoint], day: dt.date) -> RawPoint | None:
    """The last point strictly before ``day`` (points sorted by date ascending), or None.

    For a daily par-curve series this is the previous business day's close: weekends and
    holidays simply have no point.
    """
    index = bisect.bisect_left([p.date for p in points], day)
    return points[index - 1] if index > 0 else None


def line_of(auction: Auction) -> tuple[SecurityKind, str]:
    """The security line an auction belongs to: (kind, original tenor)."""
    return (auction.kind, auction.tenor)


def by_line(
    auctions: Iterable[Auction],
    measure: Measure,
    *,
    include: Callable[[Auction], bool] | None = None,
) -> dict[tuple[SecurityKind, str], list[RawPoint]]:
    """A measure's history per security line, oldest first, auctions without it left out.

    Two auctions of one line on one day (rare: a bill and its CMB twin are different
    lines) keep the later-listed value.

    Args:
        auctions: any auctions (several sources merged first, see ``merge_auctions``).
        measure: e.g. :func:`indirect_share`.
        include: optional filter (``lambda a: a.kind.is_nominal_coupon``).
    """
    grouped: dict[tuple[SecurityKind, str], dict[dt.date, float]] = {}
    for auction in auctions:
        if include is not None and not include(auction):
            continue
        value = measure(auction)
        if value is None:
            continue
        grouped.setdefault(line_of(auction), {})[auction.auction_date] = value
    return {line: [RawPoint(d, v[d]) for d in sorted(v)] for line, v in grouped.items()}


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True, slots=True)
class TrailingMean:
    """The mean of a line's values in a window ``[start, end)``.

    Attributes:
        mean: the arithmetic mean.
        count: how many auctions it is the mean of.
        start: first day of the window (inclusive).
        end: the day the window stops before (exclusive).
    """

    mean: float
    count: int
    start: dt.date
    end: dt.date


def trailing_mean(
    points: Sequence[RawPoint],
    before: dt.date,
    *,
    years: int = TRAILING_YEARS,
    min_count: int = MIN_TRAILING,
) -> TrailingMean | None:
    """Mean of the points dated in ``[before − years, before)``; None if fewer than ``min_count``."""
    start = _years_before(before, years)
    window = [p.value for p in points if start <= p.date < before]
    if len(window) < max(1, min_count):
        return None
    return TrailingMean(mean=sum(window) / len(window), count=len(window), start=start, end=before)


@dataclass(frozen=True, slots=True)
class Comparison:
    """The newest value of a line against its trailing mean.

    Attributes:
        date: the newest auction's date.
        latest: its value.
        trailing: the mean of the line's earlier auctions in the window.
        delta: ``latest − trailing.mean`` (in the measure's unit).
    """

    date: dt.date
    latest: float
    trailing: TrailingMean
    delta: float


def latest_vs_trailing(
    points: Sequence[RawPoint],
    *,
    years: int = TRAILING_YEARS,
    min_count: int = MIN_TRAILING,
) -> Comparison | None:
    """Compare a line's newest point with the mean of its points in the ``years`` before it.

    The newest auction is not part of its own average. None when the line is empty or the
    window holds fewer than ``min_count`` earlier auctions.
    """
    if not points:
        return None
    newest = max(points, key=lambda p: p.date)
    trailing = trailing_mean(points, newest.date, years=years, min_count=min_count)
    if trailing is None:
        return None
    return Comparison(date=newest.date, latest=newest.value, trailing=trailing, delta=newest.value - trailing.mean)
