"""Tests the auction parsers on handmade TreasuryDirect and Fiscal Data bodies (and the real
2014 record when ../shared is present)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest

from datafeed.demand import terms
from datafeed.demand.auction_measures import bid_to_cover, indirect_share
from datafeed.demand.auctions import (
    SecurityKind,
    merge_auctions,
    parse_fiscaldata_auctions,
    parse_treasurydirect,
)
from datafeed.errors import ParseError
from tests.demand.conftest import fixture_bytes


def td(name: str) -> bytes:
    return fixture_bytes("treasurydirect", name)


def fd(name: str) -> bytes:
    return fixture_bytes("fiscaldata", name)


# --- the real record -----------------------------------------------------------------------


def test_real_2014_frn_record_parses_with_its_published_figures(shared_wire_file) -> None:
    batch = parse_treasurydirect(shared_wire_file("treasurydirect-securities-record-2014.json").read_bytes())
    assert batch.problems == ()
    (auction,) = batch.auctions
    assert auction.cusip == "912828WK2"
    assert auction.kind is SecurityKind.FRN  # securityType says Note; type says FRN
    assert auction.auction_date == dt.date(2014, 1, 29) and auction.issue_date == dt.date(2014, 1, 31)
    assert bid_to_cover(auction) == 5.67
    assert auction.indirect_bidder_accepted == 5649034000 and auction.competitive_accepted == 14925524000
    assert indirect_share(auction) == 5649034000 / 14925524000
    assert auction.high_rate == 0.045 and auction.high_rate_measure == "high discount margin"
    assert auction.offering_amount == 15_000_000_000 and auction.total_accepted == 15_000_071_200
    assert auction.soma_accepted == 0 and auction.tenor == "2y" and not auction.reopening


# --- TreasuryDirect ------------------------------------------------------------------------


def test_notes_reopenings_keep_their_original_term() -> None:
    batch = parse_treasurydirect(td("auctioned-note.json"))
    assert batch.problems == ()
    assert [(a.auction_date, a.term, a.original_term, a.tenor, a.reopening) for a in batch.auctions] == [
        (dt.date(2025, 12, 10), "9-Year 11-Month", "10-Year", "10y", True),
        (dt.date(2025, 11, 12), "10-Year", "10-Year", "10y", False),
        (dt.date(2025, 10, 27), "2-Year", "2-Year", "2y", False),
    ]
    reopened = batch.auctions[0]
    assert reopened.high_yield == 4.175 and reopened.average_median_yield == 4.12
    assert reopened.competitive_accepted == 38_870_000_000 and reopened.soma_accepted == 2_890_000_000


def test_announced_auction_without_results_is_pending_not_a_result() -> None:
    batch = parse_treasurydirect(td("auctioned-note.json"))
    (pending,) = batch.pending
    assert pending.auction_date == dt.date(2026, 1, 12) and pending.term == "9-Year 10-Month"
    assert not pending.has_results and pending.offering_amount == 39_000_000_000
    assert all(a.has_results for a in batch.auctions)
    assert len(batch) == 3


def test_null_string_and_empty_string_are_both_missing() -> None:
    two_year = parse_treasurydirect(td("auctioned-note.json")).auctions[-1]
    assert two_year.average_median_yield is None  # "null"
    assert two_year.direct_bidder_accepted is None  # ""
    assert two_year.primary_dealer_accepted == 12_330_000_000


def test_bills_cmbs_frns_and_tips_get_their_kind_and_stop_measure() -> None:
    bills = parse_treasurydirect(td("auctioned-bill.json")).auctions
    kinds = {a.cusip: a for a in bills}
    bill, cmb = kinds["912797SX6"], kinds["912797TA5"]
    assert bill.kind is SecurityKind.BILL and bill.tenor == "13w"
    assert bill.high_rate == 3.687 and bill.high_rate_measure == "high investment rate"
    assert cmb.kind is SecurityKind.CMB and cmb.tenor == "42d" and cmb.kind.is_bill
    mixed = {a.kind: a for a in parse_treasurydirect(td("search-mixed.json")).auctions}
    assert mixed[SecurityKind.FRN].high_rate == 0.178
    assert mixed[SecurityKind.TIPS].high_rate_measure == "high real yield"
    assert not SecurityKind.TIPS.is_nominal_coupon and SecurityKind.BOND.is_nominal_coupon


def test_kind_falls_back_to_flags_when_type_is_absent() -> None:
    record = json.loads(td("search-mixed.json"))[1]
    del record["type"]  # TIPS now only known from "tips": "Yes"
    (auction,) = parse_treasurydirect(json.dumps([record])).auctions
    assert auction.kind is SecurityKind.TIPS


def test_bad_values_are_reported_and_never_sink_the_answer() -> None:
    batch = parse_treasurydirect(td("bad-values.json"))
    kept = {a.cusip: a for a in batch.auctions}
    assert set(kept) == {"91282CXD5", "91282CXF0"}
    seven = kept["91282CXD5"]
    assert seven.bid_to_cover is None and seven.total_accepted is None  # "2.5x" and "-5"
    assert seven.high_yield == 3.95 and seven.competitive_accepted == 43_900_000_000
    text = "\n".join(batch.problems)
    assert "bidToCoverRatio not a number: '2.5x'; left empty" in text
    assert "totalAccepted not a whole non-negative amount: '-5'" in text
    assert "record without CUSIP" in text
    assert "unknown security type 'Zero'; record skipped" in text
    assert "auction date not a date: '12/09/2025'; record skipped" in text
    assert "reopening not Yes/No: 'Maybe'" in text
    assert "dealer + direct + indirect accepted = 41000000000 but competitive accepted = 57900000000" in text
    assert "an entry is not an object" in text
    assert len(batch.problems) == 8


def test_empty_list_is_an_empty_batch() -> None:
    batch = parse_treasurydirect(td("empty.json"))
    assert batch.auctions == () and batch.pending == () and batch.problems == ()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (td("maintenance.html"), "got an HTML page titled 'TreasuryDirect - Scheduled Maintenance' instead of data"),
        (b'{"error": "bad"}', "expected a JSON list of securities, got an object with 'error'"),
        (b"42", "expected a JSON list of securities, got int"),
        (b"", "empty body"),
        (b"[{", "body is not JSON"),
    ],
)
def test_unusable_answers_are_one_clear_parse_error(body: bytes, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_treasurydirect(body)
    assert message in str(info.value) and "\n" not in str(info.value)


# --- Fiscal Data ---------------------------------------------------------------------------


def test_fiscaldata_auctions_parse_into_the_same_record() -> None:
    batch, page = parse_fiscaldata_auctions(fd("auctions-query-page1.json"))
    assert (page.page, page.next_page, page.total_pages, page.total_count) == (1, 2, 2, 3)
    assert batch.problems == ()
    note, tips = batch.auctions
    direct = parse_treasurydirect(td("auctioned-note.json")).auctions[1]
    # The same auction from the other source: every shared field equal, only the source differs.
    assert note == replace(direct, source="fiscaldata")
    assert tips.kind is SecurityKind.TIPS and tips.tenor == "10y" and tips.term == "9-Year 8-Month"


def test_fiscaldata_null_strings_and_reopened_bill() -> None:
    batch, page = parse_fiscaldata_auctions(fd("auctions-query-page2.json"))
    assert page.is_last and page.next_page is None
    (bill,) = batch.auctions
    assert bill.kind is SecurityKind.BILL and bill.term == "8-Week" and bill.tenor == "17w"
    assert bill.high_yield is None and bill.indirect_bidder_accepted is None and bill.soma_accepted is None
    assert bill.high_rate == 3.998


def test_fiscaldata_empty_page_and_api_error() -> None:
    batch, page = parse_fiscaldata_auctions(fd("auctions-query-empty.json"))
    assert batch.auctions == () and page.total_count == 0 and page.is_last
    with pytest.raises(ParseError) as info:
        parse_fiscaldata_auctions(fd("error-invalid-query-param.json"))
    assert str(info.value).startswith("fiscaldata auctions_query: API error 'Invalid Query Param': ")
    with pytest.raises(ParseError, match="HTML page titled '404 Not Found'"):
        parse_fiscaldata_auctions(fd("not-found.html"))


# --- merging and terms -----------------------------------------------------------------------


def test_merge_keeps_each_auction_once_primary_first() -> None:
    direct = parse_treasurydirect(td("auctioned-note.json"))
    fiscal, _ = parse_fiscaldata_auctions(fd("auctions-query-page1.json"))
    merged = merge_auctions(direct.auctions, direct.pending, fiscal.auctions)
    keys = [(a.cusip, a.auction_date, a.source) for a in merged]
    assert keys == [
        ("91282CXA1", dt.date(2026, 1, 12), "treasurydirect"),
        ("91282CXA1", dt.date(2025, 12, 10), "treasurydirect"),
        ("91282CXA1", dt.date(2025, 11, 12), "treasurydirect"),
        ("91282CWZ7", dt.date(2025, 10, 27), "treasurydirect"),
        ("91282CWY0", dt.date(2025, 10, 22), "fiscaldata"),
    ]
    # A copy with results replaces a pending one, whichever source it came from.
    pending_copy = direct.pending[0]
    with_results = replace(pending_copy, bid_to_cover=2.4, source="fiscaldata")
    assert merge_auctions([pending_copy], [with_results]) == [with_results]
    # ...but a later copy never replaces one that already has results.
    assert merge_auctions([with_results], [replace(with_results, bid_to_cover=9.9)]) == [with_results]


@pytest.mark.parametrize(
    ("text", "key", "years"),
    [
        ("10-Year", "10y", 10.0),
        ("9-Year 11-Month", "9y11m", 9 + 11 / 12),
        ("29-Year 10-Month", "29y10m", 29 + 10 / 12),
        ("13-Week", "13w", 0.25),
        ("42-Day", "42d", 42 / 364),
        ("2-Year 0-Month", "2y", 2.0),
        ("  9-Year   11-Month ", "9y11m", 9 + 11 / 12),
    ],
)
def test_terms_are_read_whatever_the_spelling(text: str, key: str, years: float) -> None:
    term = terms.parse_term(text)
    assert term is not None and term.key == key and term.in_years == pytest.approx(years)


def test_unreadable_terms_and_par_columns() -> None:
    assert terms.tenor_key("") is None and terms.tenor_key("ten years") is None
    assert terms.par_curve_column("10y") == "10 Yr" and terms.par_curve_column("13w") == "3 Mo"
    assert terms.par_curve_column("9y11m") is None


def test_an_auction_listed_twice_is_a_result_once_and_never_also_pending() -> None:
    records = json.loads(td("auctioned-note.json"))
    held = records[1]
    announced = {**held, **{k: "" for k in ("bidToCoverRatio", "highYield", "totalAccepted", "competitiveAccepted")}}
    revised = {**held, "bidToCoverRatio": "9.990000"}
    batch = parse_treasurydirect(json.dumps([announced, held, revised]))
    assert [a.bid_to_cover for a in batch.auctions] == [2.51]  # the first copy with results wins
    assert batch.pending == ()
