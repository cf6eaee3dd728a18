"""The Fiscal Data provider against a loopback server: Debt to the Penny paged into two daily
series in USD bn, the auctions_query fallback, and the answers that must not become data
(an API error object, HTML pages, a stand-in repeating one page). Bodies are the handmade
envelopes of tests/fixtures/fiscaldata."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from datafeed import catalog
from datafeed.demand.auctions import SecurityKind
from datafeed.errors import FetchError, ParseError
from datafeed.http import HttpContext
from datafeed.models import Batch
from datafeed.providers import Target, registry
from datafeed.providers.fiscaldata import API_PATH, AUCTIONS_PATH, DEBT_PATH, FiscalDataProvider
from datafeed.settings import FeedSettings, SourceSettings
from tests.conftest import FIXTURES

D = dt.date
DEBT = API_PATH + DEBT_PATH
AUCTIONS = API_PATH + AUCTIONS_PATH
TARGETS = [Target(i, catalog.get(i).sources[0]) for i in ("debt_total_daily", "debt_public_daily")]


def body(name: str) -> bytes:
    return (FIXTURES / "fiscaldata" / name).read_bytes()


@pytest.fixture
async def http() -> Iterator[HttpContext]:
    context = HttpContext(FeedSettings(sources={}, retries=1))
    yield context
    await context.aclose()


def provider(server: HTTPServer, **extra: object) -> FiscalDataProvider:
    base = server.url_for("").rstrip("/")
    return FiscalDataProvider(SourceSettings.default("fiscaldata", base_url=base, min_interval=0.0, extra=dict(extra)))


def values(batches: list[Batch], inst_id: str) -> dict[dt.date, float]:
    batch = next(b for b in batches if b.instrument == inst_id)
    return dict(zip(batch.dates, batch.values, strict=True))


def test_registered_with_its_facts() -> None:
    cls = registry()["fiscaldata"]
    assert cls is FiscalDataProvider and cls.market == "us" and cls.credit
    assert cls.min_interval >= 0.5 and 0 < cls.max_per_minute <= 60
    # one request serves both debt series
    assert {cls(SourceSettings.default("fiscaldata")).batch_key(t.ref) for t in TARGETS} == {"debt_to_penny"}


async def test_debt_to_the_penny_pages_into_two_series_in_usd_bn(httpserver: HTTPServer, http: HttpContext) -> None:
    for number in (1, 2):
        httpserver.expect_request(
            DEBT,
            query_string={
                "fields": "record_date,tot_pub_debt_out_amt,debt_held_public_amt,intragov_hold_amt",
                "filter": "record_date:gte:1993-04-01",
                "sort": "-record_date",
                "page[size]": "3",
                "page[number]": str(number),
            },
        ).respond_with_data(body(f"debt-to-penny-page{number}.json"), content_type="application/json")
    prov = provider(httpserver, page_size=3)
    batches = await prov.fetch(http, TARGETS, prov.history_start(TARGETS[0].ref))
    assert len(httpserver.log) == 2
    total, public = values(batches, "debt_total_daily"), values(batches, "debt_public_daily")
    # "38968295059805.35" dollars is 38,968.295 USD bn.
    assert total[D(2026, 5, 12)] == pytest.approx(38968.29505980535)
    assert public[D(2026, 5, 12)] == pytest.approx(31201.00437771693)
    assert sorted(total) == [D(1993, 4, 1), D(2025, 5, 12), D(2026, 5, 8), D(2026, 5, 11), D(2026, 5, 12)]
    # 1993 has no public/intragovernmental split ("null", null): no public value, no zero.
    assert D(1993, 4, 1) not in public and len(public) == 4
    assert {b.source for b in batches} == {"fiscaldata:tot_pub_debt_out_amt", "fiscaldata:debt_held_public_amt"}


async def test_incremental_request_and_rows_before_since_dropped(httpserver: HTTPServer, http: HttpContext) -> None:
    httpserver.expect_request(DEBT).respond_with_data(body("debt-to-penny-page2.json"))
    batches = await provider(httpserver).fetch(http, TARGETS, D(2026, 5, 1))
    request = httpserver.log[0][0]
    assert request.args["filter"] == "record_date:gte:2026-05-01" and request.args["page[size]"] == "10000"
    assert values(batches, "debt_total_daily") == {}  # a server sending older rows anyway: dropped


async def test_a_stand_in_repeating_one_page_is_asked_twice_not_forever(
    httpserver: HTTPServer, http: HttpContext
) -> None:
    # Page 1 says a page 2 exists; a stand-in answers every request with page 1.
    httpserver.expect_request(re.compile(".*")).respond_with_data(body("debt-to-penny-page1.json"))
    batches = await provider(httpserver).fetch(http, TARGETS, D(2026, 1, 1))
    assert len(httpserver.log) == 2
    assert len(values(batches, "debt_total_daily")) == 3


async def test_a_query_the_api_rejects(httpserver: HTTPServer, http: HttpContext) -> None:
    httpserver.expect_request(DEBT).respond_with_data(
        body("error-invalid-query-param.json"), status=400, content_type="application/json"
    )
    with pytest.raises(FetchError) as info:
        await provider(httpserver).fetch(http, TARGETS, D(2026, 1, 1))
    assert info.value.status == 400 and not info.value.transient
    assert len(httpserver.log) == 1  # a 400 is not retried


async def test_the_error_object_with_status_200_is_a_parse_error(httpserver: HTTPServer, http: HttpContext) -> None:
    httpserver.expect_request(DEBT).respond_with_data(body("error-invalid-query-param.json"))
    with pytest.raises(ParseError, match="API error 'Invalid Query Param'"):
        await provider(httpserver).fetch(http, TARGETS, D(2026, 1, 1))


async def test_html_pages(httpserver: HTTPServer, http: HttpContext) -> None:
    httpserver.expect_request(DEBT).respond_with_data(body("not-found.html"), content_type="text/html")
    with pytest.raises(ParseError, match="got an HTML page"):
        await provider(httpserver).fetch(http, TARGETS, D(2026, 1, 1))
    httpserver.clear()
    httpserver.expect_request(DEBT).respond_with_data(body("not-found.html"), status=404, content_type="text/html")
    with pytest.raises(FetchError, match="HTTP 404"):
        await provider(httpserver).fetch(http, TARGETS, D(2026, 1, 1))


async def test_no_rows_is_no_data_not_an_error(httpserver: HTTPServer, http: HttpContext) -> None:
    empty = b'{"data":[],"meta":{"count":0,"total-count":0,"total-pages":0},"links":{"next":null}}'
    httpserver.expect_request(DEBT).respond_with_data(empty)
    batches = await provider(httpserver).fetch(http, TARGETS, D(2026, 12, 1))
    assert [len(b) for b in batches] == [0, 0]


async def test_a_target_naming_no_debt_field(httpserver: HTTPServer, http: HttpContext) -> None:
    bad = Target("x", catalog.SourceRef("fiscaldata", "avg_interest_rate_amt", "daily", 2))
    with pytest.raises(ParseError, match="no Debt to the Penny field 'avg_interest_rate_amt'"):
        await provider(httpserver).fetch(http, [bad], D(2026, 1, 1))
    assert len(httpserver.log) == 0


async def test_auctions_query_fallback_reads_every_page(httpserver: HTTPServer, http: HttpContext) -> None:
    for number in (1, 2):
        httpserver.expect_request(
            AUCTIONS,
            query_string={
                "filter": "auction_date:gte:2025-01-01",
                "sort": "-auction_date",
                "page[size]": "1000",
                "page[number]": str(number),
            },
        ).respond_with_data(body(f"auctions-query-page{number}.json"))
    batch = await provider(httpserver).fetch_auctions(http, D(2025, 1, 1))
    assert batch.source == "fiscaldata" and len(httpserver.log) == 2
    assert [a.kind for a in batch.auctions] == [SecurityKind.NOTE, SecurityKind.TIPS, SecurityKind.BILL]
    ten = batch.auctions[0]
    assert ten.tenor == "10y" and ten.bid_to_cover == 2.48 and ten.indirect_bidder_accepted == 29_713_500_000
    assert all(a.source == "fiscaldata" for a in batch.auctions)


async def test_auctions_query_with_no_auction(httpserver: HTTPServer, http: HttpContext) -> None:
    httpserver.expect_request(AUCTIONS).respond_with_data(body("auctions-query-empty.json"))
    batch = await provider(httpserver).fetch_auctions(http, D(2026, 12, 1))
    assert batch.auctions == () and batch.pending == () and len(httpserver.log) == 1


def test_the_page_limit_is_the_envelope_parsers() -> None:
    """The provider repeats the API's page limit (so importing its class does not import the
    envelope parser, issue 20); the two must never drift apart, nor the key's default."""
    from datafeed.demand import fiscaldata as envelope
    from datafeed.providers import fiscaldata as provider

    assert provider.MAX_PAGE_SIZE == envelope.MAX_PAGE_SIZE
    (page_size,) = FiscalDataProvider.extra_keys
    assert page_size.default == envelope.MAX_PAGE_SIZE
