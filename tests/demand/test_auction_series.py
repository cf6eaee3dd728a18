"""Auction measures as series: ids per line, units (shares in %, tails in bp), the prior-day
par-yield measure, and the figures worked out by hand from the handmade records."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from datafeed.demand.auction_series import (
    PAR_INSTRUMENTS,
    SERIES_PATTERN,
    auction_series,
    par_curve_from,
)
from datafeed.demand.auctions import Auction, parse_treasurydirect
from datafeed.demand.book import AuctionBook
from tests.demand.conftest import fixture_bytes

T = pd.Timestamp


def records(*names: str) -> list[Auction]:
    out: list[Auction] = []
    for name in names:
        batch = parse_treasurydirect(fixture_bytes("treasurydirect", name))
        out += [*batch.auctions, *batch.pending]
    return out


@pytest.fixture
def book() -> AuctionBook:
    return AuctionBook(
        records("auctioned-note.json", "auctioned-bond.json", "auctioned-bill.json", "search-mixed.json")
    )


def test_one_series_per_measure_and_line(book: AuctionBook) -> None:
    series = auction_series(book.auctions)
    lines = {sid.rsplit("_", 1)[1] for sid in series}
    assert lines == {"10y", "2y", "30y", "13w", "cmb42d", "frn2y", "tips5y"}
    assert all(SERIES_PATTERN.match(sid) for sid in series)
    for sid, s in series.items():
        assert s.name == sid and s.dtype == "float64" and s.index.is_monotonic_increasing
    # Reopenings belong to their original line: the 9-Year 11-Month auction is a 10-year.
    assert list(series["auction_indirect_10y"].index) == [T("2025-11-12"), T("2025-12-10")]
    # The announced auction (no results) gives nothing.
    assert T("2026-01-12") not in series["auction_bid_to_cover_10y"].index


def test_shares_in_percent_ratios_as_published_tails_in_bp(book: AuctionBook) -> None:
    series = auction_series(book.auctions)
    # 10-year reopening, 2025-12-10: indirect 27,597,600,000 of competitive 38,870,000,000.
    assert series["auction_indirect_10y"][T("2025-12-10")] == pytest.approx(100 * 27_597_600_000 / 38_870_000_000)
    assert series["auction_dealer_10y"][T("2025-11-12")] == pytest.approx(12.0)
    assert series["auction_bid_to_cover_30y"][T("2025-12-11")] == 2.31
    # High 4.175 % against median 4.120 %: 5.5 bp (dispersion inside the auction).
    assert series["auction_high_minus_median_10y"][T("2025-12-10")] == pytest.approx(5.5)
    # Bills on their discount rate (3.61 vs 3.58), FRNs on their margin (0.178 vs 0.150).
    assert series["auction_high_minus_median_13w"][T("2025-12-08")] == pytest.approx(3.0)
    assert series["auction_high_minus_median_frn2y"][T("2025-12-22")] == pytest.approx(2.8)
    # The 2-year note publishes no median and no direct bidders: no value, not zero.
    assert "auction_high_minus_median_2y" not in series and "auction_direct_2y" not in series


def test_high_minus_the_prior_business_days_par_yield(book: AuctionBook) -> None:
    ust10 = pd.Series([4.10, 4.13, 4.16], index=pd.DatetimeIndex(["2025-12-08", "2025-12-09", "2025-12-10"]))
    ust3m = pd.Series([3.66], index=pd.DatetimeIndex(["2025-12-05"]))
    par = par_curve_from({"ust10y": ust10, "ust3m": ust3m, "vix": ust10})
    assert set(par) == {"10 Yr", "3 Mo"}
    series = auction_series(book.auctions, par)
    measure = series["auction_high_minus_prior_par_10y"]
    # 2025-12-10: high 4.175 minus 2025-12-09's 4.13 (never the same day's 4.16).
    assert measure[T("2025-12-10")] == pytest.approx(4.5)
    # 2025-11-12 has no earlier curve value: left out, not guessed.
    assert list(measure.index) == [T("2025-12-10")]
    # The 13-week bill: investment rate 3.687 minus the prior close 3.66 (Friday before Monday).
    assert series["auction_high_minus_prior_par_13w"][T("2025-12-08")] == pytest.approx(2.7)
    # TIPS price on a real yield and FRNs on a margin: no par measure for them.
    assert not any(sid.endswith(("tips5y", "frn2y")) for sid in series if "prior_par" in sid)
    assert PAR_INSTRUMENTS["10 Yr"] == "ust10y"


def test_the_real_record_shape(book: AuctionBook) -> None:
    # A 2-year FRN like the published 2014 record (bid-to-cover 5.67, indirect 5,649,034,000 of
    # competitive 14,925,524,000), in the API's own field names and string values.
    body = (
        b'[{"cusip":"912828WK2","securityType":"Note","securityTerm":"2-Year","originalSecurityTerm":"2-Year",'
        b'"auctionDate":"2014-01-29T00:00:00","type":"FRN","floatingRate":"Yes","tips":"No","reopening":"No",'
        b'"bidToCoverRatio":"5.670000","competitiveAccepted":"14925524000","indirectBidderAccepted":"5649034000",'
        b'"directBidderAccepted":"1335000000","primaryDealerAccepted":"7941490000","highDiscountMargin":"0.045000",'
        b'"averageMedianDiscountMargin":"0.039000","highYield":"","somaAccepted":"0"}]'
    )
    series = auction_series(parse_treasurydirect(body).auctions)
    day = T("2014-01-29")
    assert series["auction_bid_to_cover_frn2y"][day] == 5.67
    assert series["auction_indirect_frn2y"][day] == pytest.approx(100 * 5_649_034_000 / 14_925_524_000)
    assert series["auction_high_minus_median_frn2y"][day] == pytest.approx(0.6)
    assert dt.date(2014, 1, 29) == day.date()
