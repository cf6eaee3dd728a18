"""Serves the handmade bodies from a real HTTP server on 127.0.0.1 (pytest-httpserver) and
reads them through the project's HTTP client, as the demand-side providers will: every wire
format, a page with no auctions, paging, an API error and HTML error pages."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_httpserver import HTTPServer

from datafeed.demand.auction_measures import bid_to_cover, indirect_share
from datafeed.demand.auctions import SecurityKind, merge_auctions, parse_fiscaldata_auctions, parse_treasurydirect
from datafeed.demand.debt import debt_points, parse_debt_to_penny
from datafeed.demand.holders import parse_holders
from datafeed.errors import FetchError, ParseError
from datafeed.http import HttpContext
from datafeed.settings import FeedSettings, SourceSettings
from tests.demand.conftest import fixture_bytes

TA_WS = "/TA_WS/securities"
FISCAL = "/services/api/fiscal_service"
TIC = "/resource-center/data-chart-center/tic/Documents"


def source(name: str, server: HTTPServer) -> SourceSettings:
    return SourceSettings(name=name, base_url=server.url_for("").rstrip("/"))


@pytest.fixture
async def http():
    context = HttpContext(FeedSettings.default())
    context.sleep = _no_sleep
    yield context
    await context.aclose()


async def _no_sleep(_: float) -> None:
    return None


async def test_treasurydirect_auctioned_by_type_and_search(httpserver: HTTPServer, http: HttpContext) -> None:
    for kind, name in (
        ("Note", "auctioned-note.json"),
        ("Bond", "auctioned-bond.json"),
        ("Bill", "auctioned-bill.json"),
    ):
        httpserver.expect_request(
            f"{TA_WS}/auctioned", query_string={"format": "json", "type": kind, "pagesize": "250"}
        ).respond_with_data(fixture_bytes("treasurydirect", name), content_type="application/json")
    httpserver.expect_request(
        f"{TA_WS}/search", query_string={"format": "json", "startDate": "2025-12-15", "endDate": "2025-12-31"}
    ).respond_with_data(fixture_bytes("treasurydirect", "search-mixed.json"), content_type="application/json")
    td = source("treasurydirect", httpserver)
    batches = []
    for kind in ("Note", "Bond", "Bill"):
        response = await http.get(
            td, f"{td.base_url}{TA_WS}/auctioned", params={"format": "json", "type": kind, "pagesize": 250}
        )
        batches.append(parse_treasurydirect(response.content))
    response = await http.get(
        td,
        f"{td.base_url}{TA_WS}/search",
        params={"format": "json", "startDate": "2025-12-15", "endDate": "2025-12-31"},
    )
    batches.append(parse_treasurydirect(response.content))
    httpserver.check_assertions()
    merged = merge_auctions(*(b.auctions for b in batches))
    assert len(merged) == 9
    assert {a.kind for a in merged} == set(SecurityKind)
    newest_ten = next(a for a in merged if a.kind is SecurityKind.NOTE and a.tenor == "10y")
    assert newest_ten.auction_date == dt.date(2025, 12, 10)
    assert bid_to_cover(newest_ten) == 2.51
    assert indirect_share(newest_ten) == 27_597_600_000 / 38_870_000_000
    assert sum(len(b.pending) for b in batches) == 1


async def test_a_page_with_no_auctions_is_empty_not_an_error(httpserver: HTTPServer, http: HttpContext) -> None:
    httpserver.expect_request(f"{TA_WS}/auctioned").respond_with_data(b"[]", content_type="application/json")
    td = source("treasurydirect", httpserver)
    response = await http.get(td, f"{td.base_url}{TA_WS}/auctioned", params={"format": "json", "type": "FRN"})
    batch = parse_treasurydirect(response.content)
    assert batch.auctions == () and batch.pending == () and batch.problems == ()


async def test_html_error_pages_with_200_and_with_404(httpserver: HTTPServer, http: HttpContext) -> None:
    httpserver.expect_request(f"{TA_WS}/auctioned").respond_with_data(
        fixture_bytes("treasurydirect", "maintenance.html"), content_type="text/html"
    )
    httpserver.expect_request(f"{FISCAL}/v9/no/such/dataset").respond_with_data(
        fixture_bytes("fiscaldata", "not-found.html"), status=404, content_type="text/html"
    )
    td = source("treasurydirect", httpserver)
    response = await http.get(td, f"{td.base_url}{TA_WS}/auctioned", params={"format": "json", "type": "Note"})
    with pytest.raises(
        ParseError, match=r"^treasurydirect: got an HTML page titled 'TreasuryDirect - Scheduled Maintenance'"
    ):
        parse_treasurydirect(response.content)
    fiscal = source("fiscaldata", httpserver)
    with pytest.raises(FetchError) as info:
        await http.get(fiscal, f"{fiscal.base_url}{FISCAL}/v9/no/such/dataset")
    assert info.value.status == 404 and not info.value.transient


async def test_fiscaldata_auctions_are_read_page_by_page(httpserver: HTTPServer, http: HttpContext) -> None:
    path = f"{FISCAL}/v1/accounting/od/auctions_query"
    for number in (1, 2):
        httpserver.expect_request(
            path, query_string={"sort": "-auction_date", "page[number]": str(number), "page[size]": "2"}
        ).respond_with_data(
            fixture_bytes("fiscaldata", f"auctions-query-page{number}.json"), content_type="application/json"
        )
    fiscal = source("fiscaldata", httpserver)
    auctions, number, pages = [], 1, 0
    while True:
        response = await http.get(
            fiscal,
            f"{fiscal.base_url}{path}",
            params={"sort": "-auction_date", "page[number]": number, "page[size]": 2},
        )
        batch, page = parse_fiscaldata_auctions(response.content)
        auctions.extend(batch.auctions)
        pages += 1
        if page.is_last or page.next_page is None:
            break
        number = page.next_page
    httpserver.check_assertions()
    assert pages == 2 and len(auctions) == page.total_count == 3
    assert [a.kind for a in auctions] == [SecurityKind.NOTE, SecurityKind.TIPS, SecurityKind.BILL]


async def test_fiscaldata_rejected_query_is_a_non_transient_fetch_error(
    httpserver: HTTPServer, http: HttpContext
) -> None:
    body = fixture_bytes("fiscaldata", "error-invalid-query-param.json")
    httpserver.expect_request(f"{FISCAL}/v2/accounting/od/debt_to_penny").respond_with_data(
        body, status=400, content_type="application/json"
    )
    fiscal = source("fiscaldata", httpserver)
    with pytest.raises(FetchError) as info:
        await http.get(fiscal, f"{fiscal.base_url}{FISCAL}/v2/accounting/od/debt_to_penny", params={"page[number]": 3})
    assert info.value.status == 400 and not info.value.transient
    # The body names the reason, when a provider keeps it.
    with pytest.raises(ParseError, match="API error 'Invalid Query Param'.*beyond the last page"):
        parse_debt_to_penny(body)


async def test_debt_to_the_penny_pages_into_a_daily_series(httpserver: HTTPServer, http: HttpContext) -> None:
    path = f"{FISCAL}/v2/accounting/od/debt_to_penny"
    for number in (1, 2):
        httpserver.expect_request(
            path, query_string={"page[number]": str(number), "page[size]": "3"}
        ).respond_with_data(
            fixture_bytes("fiscaldata", f"debt-to-penny-page{number}.json"), content_type="application/json"
        )
    fiscal = source("fiscaldata", httpserver)
    days, number = [], 1
    while number is not None:
        response = await http.get(fiscal, f"{fiscal.base_url}{path}", params={"page[number]": number, "page[size]": 3})
        batch = parse_debt_to_penny(response.content)
        days.extend(batch.days)
        number = batch.page.next_page
    total = debt_points(days)
    assert len(total) == 5 and total[0].date == dt.date(1993, 4, 1) and total[-1].date == dt.date(2026, 5, 12)
    assert total[-1].value == pytest.approx(38968.295, abs=1e-3)


async def test_tic_current_and_history_tables(httpserver: HTTPServer, http: HttpContext) -> None:
    httpserver.expect_request(f"{TIC}/mfh.txt").respond_with_data(
        fixture_bytes("tic", "mfh-current.txt"), content_type="text/plain"
    )
    httpserver.expect_request(f"{TIC}/mfhhis01.txt").respond_with_data(
        fixture_bytes("tic", "mfhhis-small.txt"), content_type="text/plain"
    )
    tic = source("tic", httpserver)
    current = await http.get(tic, f"{tic.base_url}{TIC}/mfh.txt")
    history = await http.get(tic, f"{tic.base_url}{TIC}/mfhhis01.txt")
    table = parse_holders(current.content, history.content)
    assert table.latest_month == dt.date(2013, 6, 1)
    assert table.months[0] == dt.date(2011, 1, 1) and table.breaks == (dt.date(2011, 6, 1),)
    assert table.series["japan"].value(dt.date(2012, 12, 1)) == 1118.0


async def test_tic_answering_an_html_page(httpserver: HTTPServer, http: HttpContext) -> None:
    httpserver.expect_request(f"{TIC}/mfh.txt").respond_with_data(
        fixture_bytes("treasurydirect", "maintenance.html"), content_type="text/html"
    )
    tic = source("tic", httpserver)
    response = await http.get(tic, f"{tic.base_url}{TIC}/mfh.txt")
    with pytest.raises(ParseError, match="^tic: got an HTML page"):
        parse_holders(response.content)
