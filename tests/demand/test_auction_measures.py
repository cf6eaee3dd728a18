"""Tests the auction demand measures on hand-checkable numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from datafeed.demand import auction_measures as m
from datafeed.demand.auctions import Auction, SecurityKind, parse_treasurydirect
from datafeed.models import RawPoint
from tests.demand.conftest import fixture_bytes


def auctions(name: str) -> dict[str, Auction]:
    batch = parse_treasurydirect(fixture_bytes("treasurydirect", name))
    return {f"{a.cusip} {a.auction_date}": a for a in batch.auctions}


def note(day: dt.date, value: float, kind: SecurityKind = SecurityKind.NOTE, tenor: str = "10y") -> Auction:
    return Auction(
        cusip="TEST",
        kind=kind,
        auction_date=day,
        term="10-Year",
        original_term="10-Year",
        tenor=tenor,
        bid_to_cover=value,
    )


def test_bidder_shares_are_fractions_of_competitive_accepted() -> None:
    ten = auctions("auctioned-note.json")["91282CXA1 2025-11-12"]
    # 29,713.5 / 41,850 ; 7,114.5 / 41,850 ; 5,022 / 41,850 (USD mn)
    assert m.indirect_share(ten) == pytest.approx(0.71)
    assert m.direct_share(ten) == pytest.approx(0.17)
    assert m.dealer_share(ten) == pytest.approx(0.12)
    assert m.indirect_share(ten) + m.direct_share(ten) + m.dealer_share(ten) == pytest.approx(1.0)


def test_a_share_without_its_inputs_is_none() -> None:
    two = auctions("auctioned-note.json")["91282CWZ7 2025-10-27"]
    assert m.direct_share(two) is None  # directBidderAccepted ""
    assert m.dealer_share(two) == pytest.approx(12_330 / 68_500)
    assert m.indirect_share(replace(two, competitive_accepted=0)) is None
    assert m.indirect_share(replace(two, competitive_accepted=None)) is None


def test_bid_to_cover_published_else_computed_by_treasurys_definition() -> None:
    ten = auctions("auctioned-note.json")["91282CXA1 2025-11-12"]
    assert m.bid_to_cover(ten) == 2.48
    computed = m.bid_to_cover(replace(ten, bid_to_cover=None))
    assert computed == pytest.approx(104_163_000_000 / 42_000_125_400)
    assert round(computed, 2) == 2.48  # the fallback agrees with the published figure
    assert m.bid_to_cover(replace(ten, bid_to_cover=None, total_accepted=None)) is None


def test_high_minus_median_in_each_kinds_own_measure() -> None:
    ten = auctions("auctioned-note.json")["91282CXA1 2025-11-12"]
    assert m.high_minus_median_bp(ten) == pytest.approx(5.2)  # 4.112 - 4.060
    bill = auctions("auctioned-bill.json")["912797SX6 2025-12-08"]
    assert m.high_minus_median_bp(bill) == pytest.approx(3.0)  # discount rates 3.610 - 3.580
    frn = next(a for a in parse_treasurydirect(fixture_bytes("treasurydirect", "search-mixed.json")).auctions)
    assert frn.kind is SecurityKind.FRN
    assert m.high_minus_median_bp(frn) == pytest.approx(2.8)  # margins 0.178 - 0.150
    assert m.high_minus_median_bp(replace(ten, average_median_yield=None)) is None


def test_high_minus_prior_par_for_nominal_securities_only() -> None:
    ten = auctions("auctioned-note.json")["91282CXA1 2025-11-12"]
    assert m.par_reference_column(ten) == "10 Yr"
    assert m.high_minus_prior_par_bp(ten, 4.09) == pytest.approx(2.2)
    bill = auctions("auctioned-bill.json")["912797SX6 2025-12-08"]
    assert m.par_reference_column(bill) == "3 Mo"
    assert m.high_minus_prior_par_bp(bill, 3.70) == pytest.approx(-1.3)  # investment rate 3.687
    tips = next(a for a in parse_treasurydirect(fixture_bytes("treasurydirect", "search-mixed.json")).auctions[1:])
    assert tips.kind is SecurityKind.TIPS
    assert m.par_reference_column(tips) is None and m.high_minus_prior_par_bp(tips, 4.0) is None
    assert m.high_minus_prior_par_bp(ten, None) is None


def test_value_before_is_the_previous_business_days_close() -> None:
    curve = [
        RawPoint(dt.date(2025, 11, 7), 4.10),  # Friday
        RawPoint(dt.date(2025, 11, 10), 4.12),  # Monday
        RawPoint(dt.date(2025, 11, 12), 4.09),  # auction day itself
    ]
    # 11 November (Veterans Day) has no point, so an auction on the 12th compares with the 10th.
    assert m.value_before(curve, dt.date(2025, 11, 12)) == curve[1]
    assert m.value_before(curve, dt.date(2025, 11, 10)) == curve[0]
    assert m.value_before(curve, dt.date(2025, 11, 7)) is None
    assert m.value_before([], dt.date(2025, 11, 7)) is None


def test_by_line_keeps_notes_apart_from_tips_and_sorts_oldest_first() -> None:
    items = [
        note(dt.date(2025, 11, 12), 2.48),
        note(dt.date(2025, 10, 8), 2.50),
        note(dt.date(2025, 10, 22), 2.39, kind=SecurityKind.TIPS),
        note(dt.date(2025, 9, 10), 2.60, tenor="30y", kind=SecurityKind.BOND),
        replace(note(dt.date(2025, 8, 1), 2.0), bid_to_cover=None),
    ]
    lines = m.by_line(items, m.bid_to_cover)
    assert lines[(SecurityKind.NOTE, "10y")] == [
        RawPoint(dt.date(2025, 10, 8), 2.50),
        RawPoint(dt.date(2025, 11, 12), 2.48),
    ]
    assert lines[(SecurityKind.TIPS, "10y")] == [RawPoint(dt.date(2025, 10, 22), 2.39)]
    only_coupons = m.by_line(items, m.bid_to_cover, include=lambda a: a.kind.is_nominal_coupon)
    assert set(only_coupons) == {(SecurityKind.NOTE, "10y"), (SecurityKind.BOND, "30y")}


def test_trailing_mean_window_is_two_years_before_and_excludes_the_day() -> None:
    points = [
        RawPoint(dt.date(2023, 11, 11), 9.0),  # one day too old
        RawPoint(dt.date(2023, 11, 12), 2.0),  # exactly two years before: inside
        RawPoint(dt.date(2024, 6, 1), 3.0),
        RawPoint(dt.date(2025, 5, 1), 4.0),
        RawPoint(dt.date(2025, 11, 12), 100.0),  # the day itself: outside
    ]
    mean = m.trailing_mean(points, dt.date(2025, 11, 12))
    assert mean is not None
    assert (mean.mean, mean.count, mean.start, mean.end) == (3.0, 3, dt.date(2023, 11, 12), dt.date(2025, 11, 12))
    assert m.trailing_mean(points, dt.date(2025, 11, 12), min_count=4) is None


def test_latest_vs_trailing_compares_the_newest_with_the_earlier_ones() -> None:
    points = [
        RawPoint(dt.date(2024, 2, 7), 0.70),
        RawPoint(dt.date(2024, 8, 7), 0.72),
        RawPoint(dt.date(2025, 2, 12), 0.74),
        RawPoint(dt.date(2025, 11, 12), 0.62),
    ]
    cmp = m.latest_vs_trailing(list(reversed(points)))  # order of input does not matter
    assert cmp is not None
    assert cmp.date == dt.date(2025, 11, 12) and cmp.latest == 0.62
    assert cmp.trailing.mean == pytest.approx(0.72) and cmp.trailing.count == 3
    assert cmp.delta == pytest.approx(-0.10)
    assert m.latest_vs_trailing(points[:3]) is None  # only two earlier auctions
    assert m.latest_vs_trailing([]) is None


def test_leap_day_window_start() -> None:
    points = [
        RawPoint(dt.date(2022, 2, 28), 1.0),
        RawPoint(dt.date(2023, 1, 1), 2.0),
        RawPoint(dt.date(2023, 6, 1), 3.0),
    ]
    mean = m.trailing_mean(points, dt.date(2024, 2, 29))
    assert mean is not None and mean.start == dt.date(2022, 2, 28) and mean.count == 3
