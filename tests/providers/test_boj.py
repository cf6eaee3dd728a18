"""Tests the Bank of Japan TONA parser and provider on handmade ``getDataCode`` bodies."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from datafeed import catalog
from datafeed.catalog import SourceRef
from datafeed.errors import FetchError, ParseError
from datafeed.http import HttpContext
from datafeed.models import RawPoint, observations
from datafeed.providers import Target, boj, registry
from datafeed.settings import FeedSettings, SourceSettings

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "boj"
TODAY = dt.date(2024, 3, 30)


def body(name: str) -> bytes:
    return (FIX / name).read_bytes()


def tona_target() -> Target:
    ref = next(s for s in catalog.get("tona").sources if s.source == "boj")
    return Target("tona", ref)


def mock_http(handler: object) -> tuple[HttpContext, httpx.AsyncClient]:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))  # type: ignore[arg-type]
    http = HttpContext(FeedSettings.default(), client=client)
    http.sleep = _no_sleep
    return http, client


async def _no_sleep(_: float) -> None:
    return None


@pytest.fixture(autouse=True)
def _pin_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boj, "_today_tokyo", lambda: TODAY)


# --- pure helpers -------------------------------------------------------------------------


def test_credit_line_is_the_banks_wording() -> None:
    assert boj.CREDIT == (
        'This service uses the API provided by the "Bank of Japan Time-Series Data Search." '
        "The Bank of Japan does not guarantee the content of the service."
    )
    assert "日本銀行時系列統計データ検索サイト" in boj.CREDIT_JA


def test_series_code_splits_on_the_apostrophe() -> None:
    assert boj.split_series("FM01'STRDCLUCON") == ("FM01", "STRDCLUCON")
    assert boj.split_series("fm08'fxerd01") == ("FM08", "FXERD01")
    with pytest.raises(FetchError, match="<db>'<code>") as info:
        boj.split_series("STRDCLUCON")
    assert info.value.transient is False


def test_date_params_are_months_for_daily_series() -> None:
    assert boj.period_param(dt.date(2024, 3, 19), "daily") == "202403"
    assert boj.period_param(dt.date(2024, 11, 1), "monthly") == "202411"
    assert boj.period_param(dt.date(2024, 11, 1), "quarterly") == "202404"


@pytest.mark.parametrize(
    ("value", "frequency", "expected"),
    [
        (20250106, "DAILY", dt.date(2025, 1, 6)),
        ("20250106", "WEEKLY(MONDAY)", dt.date(2025, 1, 6)),
        (202401, "MONTHLY", dt.date(2024, 1, 1)),
        (202402, "QUARTERLY", dt.date(2024, 4, 1)),  # same digits as February, other meaning
        (202402, "SEMIANNUAL", dt.date(2024, 7, 1)),
        (2024, "ANNUAL(MAR)", dt.date(2024, 1, 1)),
        (20250106, "", dt.date(2025, 1, 6)),
    ],
)
def test_survey_dates_follow_the_frequency(value: object, frequency: str, expected: dt.date) -> None:
    assert boj.parse_survey_date(value, frequency) == expected


def test_bad_survey_date_is_rejected() -> None:
    with pytest.raises(ValueError):
        boj.parse_survey_date("2025-01-06", "DAILY")
    with pytest.raises(ValueError):
        boj.parse_survey_date(20250106, "HOURLY")


def test_month_windows_cover_the_range_under_the_point_cap() -> None:
    start, end = dt.date(1985, 7, 1), dt.date(2026, 3, 5)
    assert boj.month_windows(start, end, 1, "daily") == [(dt.date(1985, 7, 1), dt.date(2026, 3, 1))]
    windows = boj.month_windows(start, end, 250, "daily")
    assert windows[0][0] == dt.date(1985, 7, 1) and windows[-1][1] == dt.date(2026, 3, 1)
    for (_, last), (first, _) in zip(windows, windows[1:], strict=False):
        assert first == boj._add_months(last, 1)
    for first, last in windows:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        assert months * 31 * 250 <= boj.MAX_POINTS
    assert boj.month_windows(end, start, 1, "daily") == []


# --- parser -------------------------------------------------------------------------------


def test_daily_body_drops_weekend_and_holiday_nulls() -> None:
    page = boj.parse_data_code(body("tona-202403.json"))
    assert page.next_position is None
    points = page.series["STRDCLUCON"]
    assert len(points) == 20  # 31 calendar days listed, 11 of them null
    dates = {p.date for p in points}
    assert dt.date(2024, 3, 2) not in dates  # Saturday
    assert dt.date(2024, 3, 20) not in dates  # Vernal Equinox Day (a Wednesday)
    assert points[0] == RawPoint(dt.date(2024, 3, 1), -0.012)  # negative rates parse
    assert points[-1] == RawPoint(dt.date(2024, 3, 29), 0.074)
    assert [p.date for p in points] == sorted(dates)


def test_real_layout_quirks_are_in_the_fixture() -> None:
    raw = body("tona-202403.json")
    assert b'"STARTPOSITION":""' in raw and b"T9:05:12" in raw  # upper-case echo, unpadded hour


def test_no_data_message_is_an_empty_result() -> None:
    page = boj.parse_data_code(body("no-data.json"))
    assert page.series == {} and page.next_position is None


def test_400_body_is_a_permanent_fetch_error() -> None:
    with pytest.raises(FetchError, match="M181013E") as info:
        boj.parse_data_code(body("error-unknown-code.json"))
    assert info.value.transient is False
    assert "\n" not in info.value.message


@pytest.mark.parametrize(("status", "message_id"), [(503, "M181091S"), (500, "M181090S")])
def test_server_error_bodies_are_transient(status: int, message_id: str) -> None:
    raw = body("error-database.json").replace(b"503", str(status).encode()).replace(b"M181091S", message_id.encode())
    with pytest.raises(FetchError, match=message_id) as info:
        boj.parse_data_code(raw)
    assert info.value.transient is True


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        (b"<html>blocked</html>", "not JSON"),
        (b"[]", "not a JSON object"),
        (b'{"MESSAGEID": "M181000I"}', "STATUS"),
        (b'{"STATUS": 200, "MESSAGEID": "M181000I", "RESULTSET": {}}', "RESULTSET"),
        (b'{"STATUS": 200, "RESULTSET": [{"SERIES_CODE": "X"}]}', "VALUES"),
        (
            b'{"STATUS": 200, "RESULTSET": [{"SERIES_CODE": "X", "FREQUENCY": "DAILY",'
            b' "VALUES": {"SURVEY_DATES": [20240301, 20240302], "VALUES": [1.0]}}]}',
            "2 SURVEY_DATES but 1 VALUES",
        ),
        (
            b'{"STATUS": 200, "RESULTSET": [{"SERIES_CODE": "X", "FREQUENCY": "DAILY",'
            b' "VALUES": {"SURVEY_DATES": [20240301], "VALUES": ["n/a"]}}]}',
            "bad point",
        ),
        (b'{"STATUS": 200, "NEXTPOSITION": "next", "RESULTSET": []}', "NEXTPOSITION"),
        (b'{"STATUS": 302, "MESSAGEID": "X", "RESULTSET": []}', "unexpected STATUS"),
    ],
)
def test_malformed_bodies_raise_one_line_parse_errors(raw: bytes, match: str) -> None:
    with pytest.raises(ParseError, match=match) as info:
        boj.parse_data_code(raw)
    assert "\n" not in info.value.message


def test_provider_is_registered_and_batches_by_database_and_frequency() -> None:
    assert registry()["boj"] is boj.BojProvider
    provider = boj.BojProvider(SourceSettings.default("boj"))
    assert provider.settings.min_interval == 1.0  # the Bank's one-second rule is the default
    assert provider.batch_key(tona_target().ref) == "FM01|daily"
    assert provider.batch_key(SourceRef("boj", "FM01'STRDCLUCONH")) == "FM01|daily"
    assert provider.batch_key(SourceRef("boj", "FM08'FXERD01")) == "FM08|daily"


# --- real HTTP ----------------------------------------------------------------------------


async def test_fetch_against_a_loopback_server(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/api/v1/getDataCode",
        method="GET",
        query_string={
            "format": "json",
            "lang": "en",
            "db": "FM01",
            "code": "STRDCLUCON",
            "startDate": "202403",
            "endDate": "202403",
        },
    ).respond_with_data(body("tona-202403.json"), content_type="application/json")
    settings = SourceSettings.default("boj", base_url=httpserver.url_for("").rstrip("/"), min_interval=0)
    http = HttpContext(FeedSettings.default())
    try:
        obs = await boj.BojProvider(settings).fetch(http, [tona_target()], dt.date(2024, 3, 18))
        obs = observations(obs)
    finally:
        await http.aclose()
    httpserver.check_assertions()
    # Month granularity on the wire; the provider trims to the day asked for.
    assert [(o.date, o.value) for o in obs] == [
        (dt.date(2024, 3, 18), -0.005),
        (dt.date(2024, 3, 19), -0.004),
        (dt.date(2024, 3, 21), 0.077),
        (dt.date(2024, 3, 22), 0.077),
        (dt.date(2024, 3, 25), 0.079),
        (dt.date(2024, 3, 26), 0.077),
        (dt.date(2024, 3, 27), 0.074),
        (dt.date(2024, 3, 28), 0.075),
        (dt.date(2024, 3, 29), 0.074),
    ]
    assert {(o.instrument, o.source) for o in obs} == {("tona", "boj:FM01'STRDCLUCON")}


async def test_requests_are_spaced_at_least_one_second_apart(httpserver: HTTPServer) -> None:
    arrivals: list[float] = []

    def handler(request: Request) -> Response:
        arrivals.append(time.monotonic())
        return Response(body("tona-202403.json"), content_type="application/json")

    httpserver.expect_request("/api/v1/getDataCode").respond_with_handler(handler)
    settings = SourceSettings.default("boj", base_url=httpserver.url_for("").rstrip("/"))
    assert settings.min_interval == 1.0
    http = HttpContext(FeedSettings.default())
    provider = boj.BojProvider(settings)
    try:
        await provider.fetch(http, [tona_target()], dt.date(2024, 3, 1))
        await provider.fetch(http, [tona_target()], dt.date(2024, 3, 1))
    finally:
        await http.aclose()
    assert len(arrivals) == 2
    # Measured where the server sees them; a few ms of connection set-up on the first
    # request is the only slack allowed.
    assert arrivals[1] - arrivals[0] >= 0.97


async def test_pagination_follows_nextposition_with_the_same_parameters() -> None:
    seen: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        seen.append(params)
        page = "page2-lowest.json" if params.get("startPosition") == "2" else "page1-highest.json"
        return httpx.Response(200, content=body(page))

    http, client = mock_http(handler)
    targets = [
        Target("tona_hi", SourceRef("boj", "FM01'STRDCLUCONH")),
        Target("tona_lo", SourceRef("boj", "FM01'STRDCLUCONL")),
    ]
    obs = await boj.BojProvider(SourceSettings.default("boj", min_interval=0)).fetch(http, targets, dt.date(2024, 3, 1))
    obs = observations(obs)
    await client.aclose()
    assert len(seen) == 2
    assert seen[0]["code"] == "STRDCLUCONH,STRDCLUCONL" and "startPosition" not in seen[0]
    assert seen[1] == seen[0] | {"startPosition": "2"}
    by = {(o.instrument, o.date): o.value for o in obs}
    assert by[("tona_hi", dt.date(2024, 4, 3))] == 0.080
    assert by[("tona_lo", dt.date(2024, 4, 4))] == 0.070
    assert ("tona_lo", dt.date(2024, 4, 2)) not in by
    assert {o.source for o in obs} == {"boj:FM01'STRDCLUCONH", "boj:FM01'STRDCLUCONL"}


async def test_pagination_that_does_not_advance_is_an_error() -> None:
    http, client = mock_http(lambda r: httpx.Response(200, content=body("page1-highest.json")))
    provider = boj.BojProvider(SourceSettings.default("boj", min_interval=0))
    with pytest.raises(ParseError, match="does not advance"):
        await provider.fetch(http, [Target("x", SourceRef("boj", "FM01'STRDCLUCONH"))], dt.date(2024, 3, 1))
    await client.aclose()


async def test_long_history_for_many_codes_is_chunked_into_windows() -> None:
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.params["startDate"], request.url.params["endDate"]))
        return httpx.Response(200, content=body("no-data.json"))

    http, client = mock_http(handler)
    targets = [Target(f"s{i}", SourceRef("boj", f"FM01'CODE{i:03d}")) for i in range(100)]
    await boj.BojProvider(SourceSettings.default("boj", min_interval=0)).fetch(http, targets, dt.date(2023, 1, 1))
    await client.aclose()
    # 100 daily codes x 31 days = 3,100 points a month: 60,000 // 3,100 = 19 months a window.
    assert seen == [("202301", "202403")]
    seen.clear()
    http, client = mock_http(handler)
    await boj.BojProvider(SourceSettings.default("boj", min_interval=0)).fetch(http, targets, dt.date(2020, 1, 1))
    await client.aclose()
    assert seen == [("202001", "202107"), ("202108", "202302"), ("202303", "202403")]


@pytest.mark.parametrize(
    ("fixture", "transient"),
    [("error-unknown-code.json", False), ("error-database.json", True)],
)
async def test_error_bodies_with_http_200_map_to_fetch_errors(fixture: str, transient: bool) -> None:
    http, client = mock_http(lambda r: httpx.Response(200, content=body(fixture)))
    with pytest.raises(FetchError) as info:
        await boj.BojProvider(SourceSettings.default("boj", min_interval=0)).fetch(http, [tona_target()], TODAY)
    await client.aclose()
    assert info.value.transient is transient
    assert http.requests == 1  # body-level errors are reported, the scheduler decides to retry


async def test_no_data_body_gives_no_observations() -> None:
    http, client = mock_http(lambda r: httpx.Response(200, content=body("no-data.json")))
    assert (
        observations(
            await boj.BojProvider(SourceSettings.default("boj", min_interval=0)).fetch(http, [tona_target()], TODAY)
        )
        == []
    )
    await client.aclose()


async def test_http_400_status_is_a_permanent_fetch_error() -> None:
    http, client = mock_http(lambda r: httpx.Response(400, content=body("error-unknown-code.json")))
    with pytest.raises(FetchError, match="HTTP 400") as info:
        await boj.BojProvider(SourceSettings.default("boj", min_interval=0)).fetch(http, [tona_target()], TODAY)
    await client.aclose()
    assert info.value.transient is False
    assert http.requests == 1
