"""The TreasuryDirect provider against a loopback server: the recent plan (one ``auctioned``
request per security type), the history plan (``search`` by calendar quarter), the stop when
a window repeats, and bad answers. Bodies are the handmade records of
tests/fixtures/treasurydirect."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from datafeed.catalog import SourceRef
from datafeed.demand.auctions import SecurityKind
from datafeed.errors import FetchError, ParseError
from datafeed.http import HttpContext
from datafeed.providers import Target, registry
from datafeed.providers.treasurydirect import (
    AUCTIONED_PATH,
    SEARCH_PATH,
    TreasuryDirectProvider,
    quarter_windows,
)
from datafeed.settings import FeedSettings, SourceSettings
from tests.conftest import FIXTURES

D = dt.date
TODAY = D(2026, 1, 15)


def body(name: str) -> bytes:
    return (FIXTURES / "treasurydirect" / name).read_bytes()


@pytest.fixture
async def http() -> Iterator[HttpContext]:
    context = HttpContext(FeedSettings(sources={}, retries=1))
    yield context
    await context.aclose()


def provider(server: HTTPServer, **extra: object) -> TreasuryDirectProvider:
    base = server.url_for("").rstrip("/")
    return TreasuryDirectProvider(
        SourceSettings.default("treasurydirect", base_url=base, min_interval=0.0, extra=dict(extra))
    )


def test_registered_with_its_facts() -> None:
    cls = registry()["treasurydirect"]
    assert cls is TreasuryDirectProvider and cls.market == "us" and cls.credit
    assert cls.min_interval >= 0.5 and 0 < cls.max_per_minute <= 60


def test_quarter_windows_are_fixed_calendar_quarters_newest_first() -> None:
    assert quarter_windows(D(2025, 8, 20), TODAY) == [
        (D(2026, 1, 1), D(2026, 3, 31)),
        (D(2025, 10, 1), D(2025, 12, 31)),
        (D(2025, 7, 1), D(2025, 9, 30)),
    ]
    assert quarter_windows(D(2026, 2, 1), D(2026, 2, 1)) == [(D(2026, 1, 1), D(2026, 3, 31))]
    assert len(quarter_windows(D(2021, 1, 1), D(2026, 12, 6))) == 24


async def test_recent_plan_asks_each_type_for_the_last_two_weeks(httpserver: HTTPServer, http: HttpContext) -> None:
    for kind, name in (
        ("Bill", "auctioned-bill.json"),
        ("Note", "auctioned-note.json"),
        ("Bond", "auctioned-bond.json"),
        ("TIPS", "search-mixed.json"),
        ("FRN", "empty.json"),
    ):
        httpserver.expect_request(
            AUCTIONED_PATH, query_string={"format": "json", "type": kind, "days": "14"}
        ).respond_with_data(body(name), content_type="application/json")
    batch = await provider(httpserver).fetch_auctions(http, TODAY - dt.timedelta(days=14), TODAY)
    httpserver.check_assertions()
    assert [r.args["type"] for r, _ in httpserver.log] == ["Bill", "Note", "Bond", "TIPS", "FRN"]
    assert len(batch.auctions) == 9 and {a.kind for a in batch.auctions} == set(SecurityKind)
    assert [(a.cusip, a.auction_date) for a in batch.pending] == [("91282CXA1", D(2026, 1, 12))]
    reopened = next(a for a in batch.auctions if a.auction_date == D(2025, 12, 10))
    assert reopened.term == "9-Year 11-Month" and reopened.tenor == "10y" and reopened.reopening


async def test_types_are_configurable_and_checked(httpserver: HTTPServer, http: HttpContext) -> None:
    httpserver.expect_request(AUCTIONED_PATH).respond_with_data(b"[]")
    await provider(httpserver, types="note, cmb").fetch_auctions(http, TODAY, TODAY)
    assert [r.args["type"] for r, _ in httpserver.log] == ["Note", "CMB"]
    with pytest.raises(ParseError, match="unknown security type 'Zero'"):
        await provider(httpserver, types="Note,Zero").fetch_auctions(http, TODAY, TODAY)
    assert len(httpserver.log) == 2


async def test_history_plan_reads_calendar_quarters(httpserver: HTTPServer, http: HttpContext) -> None:
    windows = {
        ("2026-01-01", "2026-03-31"): "empty.json",
        ("2025-10-01", "2025-12-31"): "auctioned-note.json",
        ("2025-07-01", "2025-09-30"): "auctioned-bond.json",
    }
    for (start, end), name in windows.items():
        httpserver.expect_request(
            SEARCH_PATH,
            query_string={"format": "json", "startDate": start, "endDate": end, "dateFieldName": "auctionDate"},
        ).respond_with_data(body(name))
    batch = await provider(httpserver).fetch_auctions(http, D(2025, 8, 20), TODAY)
    httpserver.check_assertions()
    assert len(httpserver.log) == 3
    assert len(batch.auctions) == 5 and len(batch.pending) == 1


async def test_a_server_ignoring_the_dates_is_asked_twice_not_for_every_quarter(
    httpserver: HTTPServer, http: HttpContext
) -> None:
    httpserver.expect_request(re.compile(".*")).respond_with_data(body("auctioned-note.json"))
    batch = await provider(httpserver).fetch_auctions(http, D(2021, 1, 1), TODAY)
    assert len(httpserver.log) == 2  # the second window repeats the first: stop
    assert len(batch.auctions) == 3


async def test_a_page_with_no_auctions_and_a_bad_record(httpserver: HTTPServer, http: HttpContext) -> None:
    httpserver.expect_request(
        AUCTIONED_PATH, query_string={"format": "json", "type": "Note", "days": "14"}
    ).respond_with_data(body("bad-values.json"))
    httpserver.expect_request(AUCTIONED_PATH).respond_with_data(b"[]")
    batch = await provider(httpserver).fetch_auctions(http, TODAY, TODAY)
    # Good records survive; each bad value or record is one escaped problem line.
    assert {a.cusip for a in batch.auctions} == {"91282CXD5", "91282CXF0"}
    seven = next(a for a in batch.auctions if a.cusip == "91282CXD5")
    assert seven.bid_to_cover is None and seven.competitive_accepted is not None
    assert any("bidToCoverRatio" in p for p in batch.problems)
    assert any("unknown security type 'Zero'" in p for p in batch.problems)
    assert all("\n" not in p and "\x1b" not in p for p in batch.problems)


async def test_a_maintenance_page_fails_the_fetch(httpserver: HTTPServer, http: HttpContext) -> None:
    httpserver.expect_request(AUCTIONED_PATH).respond_with_data(body("maintenance.html"), content_type="text/html")
    with pytest.raises(ParseError, match="got an HTML page titled 'TreasuryDirect - Scheduled Maintenance'"):
        await provider(httpserver).fetch_auctions(http, TODAY, TODAY)
    httpserver.clear()
    httpserver.expect_request(AUCTIONED_PATH).respond_with_data("down", status=503)
    with pytest.raises(FetchError, match="HTTP 503"):
        await provider(httpserver).fetch_auctions(http, TODAY, TODAY)


async def test_auction_series_served_as_ordinary_series(httpserver: HTTPServer, http: HttpContext) -> None:
    httpserver.expect_request(re.compile(".*")).respond_with_data(body("auctioned-note.json"))
    prov = provider(httpserver)
    targets = [
        Target("my_indirect_10y", SourceRef("treasurydirect", "auction_indirect_10y")),
        Target("my_btc_2y", SourceRef("treasurydirect", "auction_bid_to_cover_2y")),
        Target("my_btc_30y", SourceRef("treasurydirect", "auction_bid_to_cover_30y")),
    ]
    batches = await prov.fetch(http, targets, D(2025, 1, 1))
    by_id = {b.instrument: dict(zip(b.dates, b.values, strict=True)) for b in batches}
    assert by_id["my_indirect_10y"][D(2025, 12, 10)] == pytest.approx(100 * 27_597_600_000 / 38_870_000_000)
    assert by_id["my_btc_2y"] == {D(2025, 10, 27): 2.65}
    assert by_id["my_btc_30y"] == {}
    assert batches[0].source == "treasurydirect:auction_indirect_10y"
    with pytest.raises(ParseError, match="'DGS10' is not an auction series id"):
        await prov.fetch(http, [Target("x", SourceRef("treasurydirect", "DGS10"))], D(2025, 1, 1))
