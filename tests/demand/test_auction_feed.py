"""The auction feed on loopback servers: when it asks (checks after the results on business
days), what it asks (the history once, then recent weeks), the Fiscal Data fallback, and
failures that keep the book and back off. The book it saves is read back from the folder."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

import datafeed.demand.auction_feed as feed_module
import datafeed.providers.treasurydirect as td_module
from datafeed.demand.auction_feed import AuctionFeed, next_check
from datafeed.demand.auctions import parse_treasurydirect
from datafeed.demand.book import AuctionBook
from datafeed.http import HttpContext
from datafeed.market_calendar import ET
from datafeed.models import Status
from datafeed.providers.fiscaldata import API_PATH, AUCTIONS_PATH
from datafeed.providers.treasurydirect import AUCTIONED_PATH, SEARCH_PATH
from datafeed.settings import FeedSettings, SourceSettings
from tests.conftest import SHARED
from tests.demand.conftest import fixture_bytes

D = dt.date
NOW = dt.datetime(2026, 1, 13, 19, 0, tzinfo=dt.UTC)  # Tuesday, 14:00 in New York


def et(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), ET).astimezone(dt.UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (et(D(2026, 1, 12), 10), et(D(2026, 1, 12), 11, 45)),  # Monday morning: after the bills
        (et(D(2026, 1, 12), 12), et(D(2026, 1, 12), 13, 20)),  # after the coupon results
        (et(D(2026, 1, 12), 15), et(D(2026, 1, 12), 17, 30)),  # once late in the day
        (et(D(2026, 1, 16), 18), et(D(2026, 1, 20), 11, 45)),  # Friday evening: Tuesday (MLK day)
        (et(D(2026, 1, 17), 9), et(D(2026, 1, 20), 11, 45)),  # Saturday
    ],
)
def test_checks_follow_the_results_on_business_days(now: dt.datetime, expected: dt.datetime) -> None:
    assert next_check(now) == expected


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> list[dt.datetime]:
    """The feed's and the provider's clock (one element, moved by the test)."""
    clock = [NOW]
    monkeypatch.setattr(feed_module, "utcnow", lambda: clock[0])
    monkeypatch.setattr(td_module, "utcnow", lambda: clock[0])
    return clock


@pytest.fixture
async def http() -> Iterator[HttpContext]:
    context = HttpContext(FeedSettings(sources={}, retries=1))
    yield context
    await context.aclose()


def settings(server: HTTPServer, treasurydirect: bool = True, fiscaldata: bool = True) -> FeedSettings:
    base = server.url_for("").rstrip("/")
    return FeedSettings(
        sources={
            "treasurydirect": SourceSettings.default(
                "treasurydirect", base_url=base, min_interval=0.0, enabled=treasurydirect, extra={"history_years": 1}
            ),
            "fiscaldata": SourceSettings.default("fiscaldata", base_url=base, min_interval=0.0, enabled=fiscaldata),
        },
        retries=1,
    )


async def test_cold_start_reads_history_saves_and_schedules_the_next_check(
    httpserver: HTTPServer, http: HttpContext, now: list[dt.datetime], tmp_path: Path
) -> None:
    httpserver.expect_request(SEARCH_PATH).respond_with_data(fixture_bytes("treasurydirect", "auctioned-note.json"))
    feed = AuctionFeed(AuctionBook(), settings(httpserver), http, cache_dir=tmp_path)
    assert feed.since() == D(2025, 1, 1)
    report = await feed.refresh()
    assert report.error is None and report.source == "treasurydirect" and report.delta.added == 3
    # Quarters from 2026-Q1 back; the second window repeated the first (one body served): stop.
    assert [r.args["startDate"] for r, _ in httpserver.log] == ["2026-01-01", "2025-10-01"]
    assert feed.state.status is Status.FRESH and feed.state.last_success == NOW
    assert feed.state.next_retry == et(D(2026, 1, 13), 17, 30)
    assert 3 * 3600 < feed.next_due_in() <= 3.5 * 3600
    saved = AuctionBook.load(tmp_path)
    assert len(saved) == 3 and saved.last_source == "treasurydirect" and saved.last_success == NOW


async def test_later_refreshes_ask_for_recent_weeks_only(
    httpserver: HTTPServer, http: HttpContext, now: list[dt.datetime], tmp_path: Path
) -> None:
    httpserver.expect_request(
        AUCTIONED_PATH, query_string={"format": "json", "type": "Bond", "days": "14"}
    ).respond_with_data(fixture_bytes("treasurydirect", "auctioned-bond.json"))
    httpserver.expect_request(AUCTIONED_PATH).respond_with_data(b"[]")
    book = AuctionBook(parse_treasurydirect(fixture_bytes("treasurydirect", "auctioned-note.json")).auctions)
    now[0] = dt.datetime(2025, 12, 12, 19, tzinfo=dt.UTC)
    feed = AuctionFeed(book, settings(httpserver), http, cache_dir=tmp_path)
    assert feed.state.status is Status.STALE  # from the cache until the first refresh
    assert feed.since() == D(2025, 12, 10)  # the newest auction held, two days ago
    report = await feed.refresh()
    assert [r.args["type"] for r, _ in httpserver.log] == ["Bill", "Note", "Bond", "TIPS", "FRN"]
    assert report.delta.added == 2 and len(feed.book) == 5


async def test_fiscal_data_serves_when_treasurydirect_fails(
    httpserver: HTTPServer, http: HttpContext, now: list[dt.datetime], tmp_path: Path
) -> None:
    httpserver.expect_request(re.compile("/TA_WS/.*")).respond_with_data(
        fixture_bytes("treasurydirect", "maintenance.html"), content_type="text/html"
    )
    httpserver.expect_request(API_PATH + AUCTIONS_PATH).respond_with_data(
        fixture_bytes("fiscaldata", "auctions-query-page2.json")
    )
    feed = AuctionFeed(AuctionBook(), settings(httpserver), http, cache_dir=tmp_path)
    report = await feed.refresh()
    assert report.error is None and report.source == "fiscaldata"
    assert feed.state.status is Status.FRESH and feed.state.source == "fiscaldata"
    assert any("treasurydirect failed" in n and "HTML page" in n for n in feed.state.notes)
    assert len(feed.book) == 1 and feed.book.auctions[0].source == "fiscaldata"
    assert AuctionBook.load(tmp_path).last_source == "fiscaldata"


async def test_both_failing_keeps_the_book_and_backs_off(
    httpserver: HTTPServer, http: HttpContext, now: list[dt.datetime], tmp_path: Path
) -> None:
    httpserver.expect_request(re.compile(".*")).respond_with_data("down", status=503, headers={"Retry-After": "90"})
    held = AuctionBook(parse_treasurydirect(fixture_bytes("treasurydirect", "auctioned-bond.json")).auctions)
    held.save(tmp_path)
    before = (tmp_path / "auctions.json").read_bytes()
    feed = AuctionFeed(AuctionBook.load(tmp_path), settings(httpserver), http, cache_dir=tmp_path)
    report = await feed.refresh()
    assert report.delta is None and report.error is not None
    assert report.error.startswith("treasurydirect: HTTP 503") and "; fallback: fiscaldata: HTTP 503" in report.error
    assert feed.state.status is Status.STALE and len(feed.book) == 2  # nothing held is lost
    assert (tmp_path / "auctions.json").read_bytes() == before
    assert feed.next_due_in() >= 89  # the server's Retry-After beats the 15 s first backoff
    # An empty book has nothing to show: error, not stale.
    empty = AuctionFeed(AuctionBook(), settings(httpserver), http)
    await empty.refresh()
    assert empty.state.status is Status.ERROR and empty.failures == 1


async def test_no_source_enabled_means_missing_and_no_request(
    httpserver: HTTPServer, http: HttpContext, now: list[dt.datetime]
) -> None:
    feed = AuctionFeed(AuctionBook(), settings(httpserver, False, False), http)
    assert not feed.enabled and feed.state.status is Status.MISSING
    report = await feed.refresh()
    assert report.delta is None and "no auction source enabled" in (report.error or "")
    assert await feed.refresh_if_due() is None and len(httpserver.log) == 0


async def test_refresh_if_due_runs_once_then_waits(
    httpserver: HTTPServer, http: HttpContext, now: list[dt.datetime]
) -> None:
    httpserver.expect_request(re.compile(".*")).respond_with_data(b"[]")
    feed = AuctionFeed(AuctionBook(), settings(httpserver, fiscaldata=False), http)
    assert await feed.refresh_if_due() is not None
    asked = len(httpserver.log)
    assert await feed.refresh_if_due() is None and len(httpserver.log) == asked
    feed.request_refresh()
    assert await feed.refresh_if_due() is not None


@pytest.mark.skipif(
    not (SHARED / "fixtures" / "wire" / "treasurydirect-securities-record-2014.json").is_file(),
    reason="no shared wire files",
)
async def test_the_published_record_is_stored_in_the_book(
    httpserver: HTTPServer, http: HttpContext, now: list[dt.datetime], tmp_path: Path
) -> None:
    # The one real TA_WS record (a 2-year FRN, 2014-01-29) served on every path, as
    # ../shared/tools/wireserver.py does: stored, and read back from the saved book.
    real = (SHARED / "fixtures" / "wire" / "treasurydirect-securities-record-2014.json").read_bytes()
    httpserver.expect_request(re.compile(".*")).respond_with_data(real, content_type="application/json")
    feed = AuctionFeed(AuctionBook(), settings(httpserver), http, cache_dir=tmp_path)
    report = await feed.refresh()
    assert report.error is None and len(httpserver.log) == 2  # the second quarter repeated the first
    stored = AuctionBook.load(tmp_path).get("912828WK2", D(2014, 1, 29))
    assert stored is not None and stored.kind.value == "FRN" and stored.tenor == "2y"
    assert stored.bid_to_cover == 5.67
    assert (stored.indirect_bidder_accepted, stored.competitive_accepted) == (5_649_034_000, 14_925_524_000)
    assert stored.total_accepted == 15_000_071_200 and stored.high_discount_margin == 0.045
