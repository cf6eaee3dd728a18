"""The auction book: merge rules (never drop, field by field, primary source first, results
over announcements), its file (round trip, corrupt files moved aside, merge with what another
process wrote) and the views the screens will read."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from datafeed.demand.auctions import Auction, SecurityKind, parse_fiscaldata_auctions, parse_treasurydirect
from datafeed.demand.book import FILENAME, AuctionBook
from tests.demand.conftest import fixture_bytes

D = dt.date


def td(name: str) -> list[Auction]:
    batch = parse_treasurydirect(fixture_bytes("treasurydirect", name))
    return [*batch.auctions, *batch.pending]


@pytest.fixture
def notes() -> list[Auction]:
    return td("auctioned-note.json")


def ten_year(book: AuctionBook) -> Auction:
    found = book.get("91282CXA1", D(2025, 11, 12))
    assert found is not None
    return found


def test_merge_adds_results_and_keeps_announcements_apart(notes: list[Auction]) -> None:
    book = AuctionBook()
    delta = book.merge(notes)
    assert (delta.added, delta.updated, delta.pending) == (3, 0, 1) and book.version == 1
    assert [a.auction_date for a in book.auctions] == [D(2025, 12, 10), D(2025, 11, 12), D(2025, 10, 27)]
    assert [(a.cusip, a.auction_date) for a in book.pending] == [("91282CXA1", D(2026, 1, 12))]
    again = book.merge(notes)
    assert not again and book.version == 1  # the same answer changes nothing


def test_results_arriving_for_an_announced_auction(notes: list[Auction]) -> None:
    book = AuctionBook(notes)
    announced = book.pending[0]
    held = replace(announced, bid_to_cover=2.6, competitive_accepted=38_000_000_000, total_accepted=39_000_000_000)
    delta = book.merge([held])
    assert delta.added == 1 and book.pending == [] and book.get(announced.cusip, announced.auction_date) == held
    # A later copy without results (an old announcement list) never replaces it.
    assert not book.merge([announced]) and book.pending == []


def test_announcements_are_forgotten_a_week_after_their_date(notes: list[Auction]) -> None:
    book = AuctionBook(notes)
    book.merge([], today=D(2026, 1, 19))
    assert len(book.pending) == 1
    book.merge([], today=D(2026, 1, 20))
    assert book.pending == [] and len(book) == 3


def test_a_revision_replaces_values_and_an_empty_field_keeps_the_held_one(notes: list[Auction]) -> None:
    book = AuctionBook(notes)
    revised = replace(ten_year(book), bid_to_cover=2.49, soma_accepted=None)
    delta = book.merge([revised])
    assert delta.updated == 1
    kept = ten_year(book)
    assert kept.bid_to_cover == 2.49  # the revision
    assert kept.soma_accepted == 3_210_000_000  # not published this time: nothing held is lost


def test_the_fallback_fills_gaps_but_never_overwrites_the_primary(notes: list[Auction]) -> None:
    book = AuctionBook(notes)
    primary = ten_year(book)
    fiscal, _ = parse_fiscaldata_auctions(fixture_bytes("fiscaldata", "auctions-query-page1.json"))
    copy = next(a for a in fiscal.auctions if a.key == primary.key)
    gapped = replace(primary, average_median_yield=None)
    book = AuctionBook([gapped])
    book.merge([replace(copy, bid_to_cover=9.99)])
    kept = ten_year(book)
    assert kept.source == "treasurydirect" and kept.bid_to_cover == primary.bid_to_cover
    assert kept.average_median_yield == copy.average_median_yield  # the gap, filled
    # The other way round: the primary's copy replaces the fallback's.
    book = AuctionBook([replace(copy, bid_to_cover=9.99)])
    book.merge([primary])
    assert ten_year(book).bid_to_cover == primary.bid_to_cover and ten_year(book).source == "treasurydirect"


def test_views_for_the_screens() -> None:
    book = AuctionBook([*td("auctioned-note.json"), *td("auctioned-bond.json"), *td("auctioned-bill.json")])
    by_kind = book.latest_by_kind()
    assert by_kind[SecurityKind.NOTE].auction_date == D(2025, 12, 10)
    assert by_kind[SecurityKind.BOND].term == "29-Year 11-Month"
    assert set(by_kind) == {SecurityKind.NOTE, SecurityKind.BOND, SecurityKind.BILL, SecurityKind.CMB}
    lines = book.latest_by_line()
    assert lines[(SecurityKind.NOTE, "10y")].auction_date == D(2025, 12, 10)
    assert lines[(SecurityKind.NOTE, "2y")].auction_date == D(2025, 10, 27)
    assert book.newest_date == D(2025, 12, 11)


def test_file_round_trip(tmp_path: Path, notes: list[Auction]) -> None:
    book = AuctionBook([*notes, *td("search-mixed.json"), *td("auctioned-bill.json")])
    book.last_success = dt.datetime(2026, 1, 13, 18, 30, tzinfo=dt.UTC)
    book.last_source = "treasurydirect"
    book.save(tmp_path)
    again = AuctionBook.load(tmp_path)
    assert again.auctions == book.auctions and again.pending == book.pending
    assert again.last_success == book.last_success and again.last_source == "treasurydirect"
    assert [p.name for p in tmp_path.iterdir()] == [FILENAME]  # no temp file left behind
    # Amounts stay exact integers; the file is plain JSON anyone can read.
    doc = json.loads((tmp_path / FILENAME).read_text())
    assert doc["format"] == "triffin-auctions" and isinstance(doc["auctions"][0]["competitive_accepted"], int)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"format": "triffin-auc', "not valid JSON"),
        (b'{"format": "something else", "version": 1}', "not a triffin auction book"),
        (b'{"format": "triffin-auctions", "version": 99, "auctions": []}', "version '99' is not 1"),
        (
            b'{"format": "triffin-auctions", "version": 1, "auctions": [{"cusip": "X", "kind": "Zero"}]}',
            "malformed auction 'X'",
        ),
        (
            b'{"format":"triffin-auctions","version":1,"auctions":[{"cusip":"X","kind":"Note","auction_date":'
            b'"2025-01-01","term":"2-Year","original_term":"2-Year","tenor":"2y","competitive_accepted":"12"}]}',
            "competitive_accepted is not a whole amount",
        ),
    ],
)
def test_an_unreadable_file_is_moved_aside_and_reported(tmp_path: Path, content: bytes, reason: str) -> None:
    (tmp_path / FILENAME).write_bytes(content)
    warnings: list[str] = []
    book = AuctionBook.load(tmp_path, warnings)
    assert len(book) == 0 and len(warnings) == 1 and reason in warnings[0]
    assert "moved to auctions.json.corrupt" in warnings[0] and "\n" not in warnings[0]
    assert (tmp_path / f"{FILENAME}.corrupt").read_bytes() == content
    assert not (tmp_path / FILENAME).exists()


def test_a_missing_file_is_an_empty_book(tmp_path: Path) -> None:
    warnings: list[str] = []
    assert len(AuctionBook.load(tmp_path / "nowhere", warnings)) == 0 and warnings == []


def test_saving_keeps_what_another_process_wrote(tmp_path: Path, notes: list[Auction]) -> None:
    # Two panes share a cache folder: one read notes, the other bonds. Whoever saves last
    # must not erase the other's auctions.
    other = AuctionBook(td("auctioned-bond.json"))
    other.last_success = dt.datetime(2026, 1, 14, tzinfo=dt.UTC)
    other.last_source = "fiscaldata"
    other.save(tmp_path)
    mine = AuctionBook(notes)
    mine.last_success = dt.datetime(2026, 1, 13, tzinfo=dt.UTC)
    mine.last_source = "treasurydirect"
    mine.save(tmp_path)
    on_disk = AuctionBook.load(tmp_path)
    assert len(on_disk) == 5 and len(mine) == 5
    assert {a.kind for a in on_disk.auctions} == {SecurityKind.NOTE, SecurityKind.BOND}
    assert on_disk.last_success == other.last_success and on_disk.last_source == "fiscaldata"
