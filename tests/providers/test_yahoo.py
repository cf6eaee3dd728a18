"""Tests the Yahoo v8 chart parser (null bars, ×10 quoting, trading dates) and provider."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer

from datafeed import catalog
from datafeed.errors import FetchError, ParseError, RateLimited, redact
from datafeed.http import HttpContext
from datafeed.models import observations
from datafeed.providers import Target, registry
from datafeed.providers import yahoo as yh
from datafeed.settings import FeedSettings, SourceSettings

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "yahoo"
UTC = dt.UTC


def body(name: str) -> bytes:
    return (FIX / name).read_bytes()


def quote_target(instrument: str) -> Target:
    ref = catalog.get(instrument).intraday
    assert ref is not None and ref.source == "yahoo"
    return Target(instrument, ref)


def mock_http(handler: object) -> HttpContext:
    transport = httpx.MockTransport(handler)  # type: ignore[arg-type]
    return HttpContext(FeedSettings(sources={}, retries=1), client=httpx.AsyncClient(transport=transport))


# --- parser -------------------------------------------------------------------------------


def test_null_bars_are_skipped_and_the_last_priced_bar_is_last() -> None:
    points = yh.parse_chart(body("chart-TNX.json"), "^TNX")
    assert [p.time.strftime("%H:%M") for p in points] == ["19:30", "19:40", "19:45"]
    last = points[-1]
    assert last.time == dt.datetime(2026, 3, 2, 19, 45, tzinfo=UTC)
    assert last.date == dt.date(2026, 3, 2)
    assert last.value == pytest.approx(4.093)  # percent, binary noise kept


def test_yield_quoted_times_ten_is_divided() -> None:
    points = yh.parse_chart(body("chart-TNX-x10.json"), "^TNX")
    assert [round(p.value, 3) for p in points] == [4.261, 4.264, 4.266]


@pytest.mark.parametrize(
    ("symbol", "value", "expected"),
    [
        ("^TNX", 42.75, 4.275),
        ("^TNX", 4.275, 4.275),
        ("^IRX", 52.4, 5.24),
        ("^TYX", 19.9, 19.9),  # at or below 20: already percent
        ("^FVX", 20.5, 2.05),
        ("^VIX", 45.0, 45.0),  # not a yield index
        ("^GSPC", 5800.0, 5800.0),
        ("GC=F", 2900.0, 2900.0),
    ],
)
def test_normalize_yield_rule(symbol: str, value: float, expected: float) -> None:
    assert yh.normalize_yield(symbol, value) == pytest.approx(expected)


def test_catalog_yield_symbols_are_the_guarded_ones() -> None:
    symbols = {i.intraday.series for i in catalog.INSTRUMENTS if i.intraday and i.id.startswith("ust")}
    assert symbols == set(yh.YIELD_SYMBOLS)


def test_futures_bar_on_sunday_evening_belongs_to_mondays_session() -> None:
    points = yh.parse_chart(body("chart-GCF.json"), "GC=F")
    first = points[0]
    assert first.time == dt.datetime(2026, 3, 1, 23, 0, tzinfo=UTC)  # 18:00 New York, Sunday
    assert first.date == dt.date(2026, 3, 2)
    assert points[-1].value == pytest.approx(2903.2)


def test_bar_outside_any_session_uses_its_exchange_local_date() -> None:
    doc = {
        "chart": {
            "result": [
                {
                    "meta": {"gmtoffset": -18000, "exchangeTimezoneName": "No/Such_Zone"},
                    "timestamp": [1772413200],  # 2026-03-02 01:00 UTC = 2026-03-01 20:00 at UTC-5
                    "indicators": {"quote": [{"close": [101.5]}]},
                }
            ],
            "error": None,
        }
    }
    (point,) = yh.parse_chart(doc, "DX-Y.NYB")
    assert point.date == dt.date(2026, 3, 1)


def test_result_without_timestamp_is_empty_not_an_error() -> None:
    assert yh.parse_chart(body("chart-no-timestamp.json"), "^VIX") == []


def test_not_found_envelope_is_a_permanent_fetch_error() -> None:
    with pytest.raises(FetchError) as info:
        yh.parse_chart(body("error-notfound.json"), "^NOPE")
    assert "delisted" in info.value.message and not info.value.transient
    with pytest.raises(FetchError, match="Invalid Crumb"):
        yh.parse_chart(body("error-invalid-crumb.json"), "^TNX")


@pytest.mark.parametrize("raw", [b"Too Many Requests", b"Edge: Too Many Requests", b"[]", b'{"chart": {"result": []}}'])
def test_plain_text_and_odd_json_are_parse_errors(raw: bytes) -> None:
    with pytest.raises(ParseError):
        yh.parse_chart(raw, "^TNX")


@pytest.mark.parametrize(
    ("symbol", "path"),
    [
        ("^TNX", "/v8/finance/chart/%5ETNX"),
        ("GC=F", "/v8/finance/chart/GC%3DF"),
        ("DX-Y.NYB", "/v8/finance/chart/DX-Y.NYB"),
    ],
)
def test_symbols_are_percent_encoded(symbol: str, path: str) -> None:
    assert yh.chart_url("https://q", symbol) == "https://q" + path


def test_http_status_is_read_from_fetch_errors() -> None:
    assert yh.http_status(FetchError("yahoo: HTTP 401 Unauthorized from q/x")) == 401
    assert yh.http_status(FetchError("timed out")) is None


# --- provider -----------------------------------------------------------------------------


def test_registered_batched_by_default_per_symbol_without_batch() -> None:
    cls = registry()["yahoo"]
    assert cls.intraday is True
    refs = [quote_target(i).ref for i in ("ust10y", "vix", "gold")]
    batched = cls(SourceSettings.default("yahoo"))
    assert len({batched.batch_key(r) for r in refs}) == 1  # one job: spark
    single = cls(SourceSettings.default("yahoo", extra={"batch": False}))
    assert len({single.batch_key(r) for r in refs}) == 3


@pytest.mark.asyncio
async def test_fetch_against_a_loopback_server(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/v8/finance/chart/^TNX", method="GET", query_string={"range": "1d", "interval": "5m"}
    ).respond_with_data(body("chart-TNX.json"), content_type="application/json")
    settings = SourceSettings.default("yahoo", base_url=httpserver.url_for("").rstrip("/"), min_interval=0.0)
    http = HttpContext(FeedSettings.default())
    try:
        obs = await yh.YahooProvider(settings).fetch(http, [quote_target("ust10y")], dt.date(2026, 3, 1))
        obs = observations(obs)
    finally:
        await http.aclose()
    httpserver.check_assertions()
    ((request, _),) = httpserver.log
    assert request.environ["REQUEST_URI"].startswith("/v8/finance/chart/%5ETNX?")  # encoded on the wire
    assert request.headers["User-Agent"].startswith("Mozilla/5.0")
    (o,) = obs
    assert (o.instrument, o.source, o.intraday) == ("ust10y", "yahoo:^TNX", True)
    assert o.date == dt.date(2026, 3, 2) and o.time == dt.datetime(2026, 3, 2, 19, 45, tzinfo=UTC)
    assert o.value == pytest.approx(4.093)


@pytest.mark.asyncio
async def test_invalid_crumb_fetches_cookie_and_crumb_then_retries_once(httpserver: HTTPServer) -> None:
    chart = "/v8/finance/chart/^TNX"
    httpserver.expect_ordered_request(chart, query_string={"range": "1d", "interval": "5m"}).respond_with_data(
        body("error-invalid-crumb.json"), status=401, content_type="application/json"
    )
    httpserver.expect_ordered_request("/fc").respond_with_data(
        "not found", status=404, headers={"Set-Cookie": "A3=d=AQABBtest; Path=/"}
    )
    httpserver.expect_ordered_request("/v1/test/getcrumb", headers={"Cookie": "A3=d=AQABBtest"}).respond_with_data(
        "Xy7crumbZ9q", content_type="text/plain"
    )
    httpserver.expect_ordered_request(
        chart, query_string={"range": "1d", "interval": "5m", "crumb": "Xy7crumbZ9q"}
    ).respond_with_data(body("chart-TNX.json"), content_type="application/json")
    settings = SourceSettings.default(
        "yahoo",
        base_url=httpserver.url_for("").rstrip("/"),
        min_interval=0.0,
        extra={"cookie_url": httpserver.url_for("/fc")},
    )
    http = HttpContext(FeedSettings.default())
    try:
        obs = await yh.YahooProvider(settings).fetch(http, [quote_target("ust10y")], dt.date(2026, 3, 1))
        obs = observations(obs)
    finally:
        await http.aclose()
    httpserver.check_assertions()
    assert len(httpserver.log) == 4
    assert len(obs) == 1 and obs[0].value == pytest.approx(4.093)
    assert "Xy7crumbZ9q" not in redact("crumb Xy7crumbZ9q")  # registered as a secret


@pytest.mark.asyncio
async def test_second_invalid_crumb_gives_up() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.raw_path.decode().split("?")[0])
        if request.url.path.endswith("getcrumb"):
            return httpx.Response(200, text="abcdEFGH123")
        if request.url.host == "fc.test":
            return httpx.Response(404)
        return httpx.Response(401, content=body("error-invalid-crumb.json"))

    settings = SourceSettings.default(
        "yahoo", base_url="http://q.test", min_interval=0.0, extra={"cookie_url": "http://fc.test/"}
    )
    with pytest.raises(FetchError, match="even with a fresh crumb"):
        await yh.YahooProvider(settings).fetch(mock_http(handler), [quote_target("ust10y")], dt.date(2026, 3, 1))
    assert calls == ["/v8/finance/chart/%5ETNX", "/", "/v1/test/getcrumb", "/v8/finance/chart/%5ETNX"]


@pytest.mark.asyncio
async def test_404_symbol_is_a_permanent_error_naming_the_symbol() -> None:
    provider = yh.YahooProvider(SourceSettings.default("yahoo", base_url="http://q.test", min_interval=0.0))
    http = mock_http(lambda r: httpx.Response(404, content=body("error-notfound.json")))
    with pytest.raises(FetchError) as info:
        await provider.fetch(http, [quote_target("dxy")], dt.date(2026, 3, 1))
    assert "DX-Y.NYB" in info.value.message and "not found" in info.value.message
    assert not info.value.transient


@pytest.mark.asyncio
async def test_429_plain_text_pauses_all_yahoo_requests() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.raw_path.decode().split("?")[0])
        return httpx.Response(429, text="Too Many Requests", headers={"Content-Type": "text/plain"})

    provider = yh.YahooProvider(
        SourceSettings.default("yahoo", base_url="http://q.test", min_interval=0.0, extra={"cooldown": 120})
    )
    http = mock_http(handler)
    with pytest.raises(RateLimited) as info:
        await provider.fetch(http, [quote_target("vix")], dt.date(2026, 3, 1))
    assert info.value.retry_after == 120 and "pausing" in info.value.message
    with pytest.raises(RateLimited, match="paused"):
        await provider.fetch(http, [quote_target("spx")], dt.date(2026, 3, 1))
    assert calls == ["/v8/finance/chart/%5EVIX"]  # the second symbol was not requested


@pytest.mark.asyncio
async def test_malformed_body_no_timestamp_and_disabled() -> None:
    settings = SourceSettings.default("yahoo", base_url="http://q.test", min_interval=0.0)
    with pytest.raises(ParseError):
        await yh.YahooProvider(settings).fetch(
            mock_http(lambda r: httpx.Response(200, text="<html>consent</html>")),
            [quote_target("vix")],
            dt.date(2026, 3, 1),
        )
    quiet = mock_http(lambda r: httpx.Response(200, content=body("chart-no-timestamp.json")))
    assert observations(await yh.YahooProvider(settings).fetch(quiet, [quote_target("vix")], dt.date(2026, 3, 1))) == []

    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(200, content=body("chart-TNX.json"))

    off = SourceSettings.default("yahoo", base_url="http://q.test", enabled=False)
    with pytest.raises(FetchError, match="disabled"):
        await yh.YahooProvider(off).fetch(mock_http(handler), [quote_target("ust10y")], dt.date(2026, 3, 1))
    assert calls == []
