"""Tests the NY Fed SOFR parser and provider on handmade bodies in the real wire shape."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer

from datafeed import catalog
from datafeed.errors import FetchError, ParseError
from datafeed.http import HttpContext
from datafeed.models import RawPoint, observations
from datafeed.providers import Target, nyfed, registry
from datafeed.settings import FeedSettings, SourceSettings

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "nyfed"
TODAY = dt.date(2025, 3, 5)


def body(name: str) -> bytes:
    return (FIX / name).read_bytes()


def sofr_target() -> Target:
    ref = next(s for s in catalog.get("sofr").sources if s.source == "nyfed")
    return Target("sofr", ref)


@pytest.fixture(autouse=True)
def _pin_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nyfed, "_today_ny", lambda: TODAY)


# --- parser -------------------------------------------------------------------------------


def test_odd_whitespace_newest_first_comes_out_oldest_first() -> None:
    raw = body("sofr-search.json")
    assert b'"SOFR" ,"percentRate"' in raw  # the server's whitespace quirk is in the fixture
    points = nyfed.parse_rates(raw)
    assert points == [
        RawPoint(dt.date(2025, 2, 27), 4.34),
        RawPoint(dt.date(2025, 2, 28), 4.39),
        RawPoint(dt.date(2025, 3, 3), 4.34),
        RawPoint(dt.date(2025, 3, 4), 4.33),
    ]


def test_revised_row_is_taken_at_its_revised_value() -> None:
    rows = json.loads(body("sofr-search.json"))["refRates"]
    assert any(r["revisionIndicator"] == "r" for r in rows)
    points = {p.date: p.value for p in nyfed.parse_rates(body("sofr-search.json"))}
    assert points[dt.date(2025, 3, 3)] == 4.34


def test_empty_refrates_is_no_data_not_an_error() -> None:
    assert nyfed.parse_rates(body("sofr-empty.json")) == []


def test_rows_of_another_type_are_ignored() -> None:
    points = nyfed.parse_rates(body("mixed-types.json"), "SOFR")
    assert [p.date for p in points] == [dt.date(2018, 4, 2), dt.date(2025, 3, 4)]
    assert nyfed.parse_rates(body("mixed-types.json"), "EFFR") == [RawPoint(dt.date(2025, 3, 4), 4.33)]


def test_duplicate_date_keeps_the_first_newest_row() -> None:
    raw = (
        '{"refRates": [{"effectiveDate": "2025-03-04", "type": "SOFR", "percentRate": 4.35},'
        ' {"effectiveDate": "2025-03-04", "type": "SOFR", "percentRate": 4.33}]}'
    )
    assert nyfed.parse_rates(raw) == [RawPoint(dt.date(2025, 3, 4), 4.35)]


def test_rate_as_string_and_missing_rate_are_handled() -> None:
    raw = (
        '{"refRates": [{"effectiveDate": "2025-03-04", "percentRate": "4.33"},'
        ' {"effectiveDate": "2025-03-03", "percentRate": null}]}'
    )
    assert nyfed.parse_rates(raw) == [RawPoint(dt.date(2025, 3, 4), 4.33)]


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        (b"<html>Service Unavailable</html>", "not JSON"),
        (b'{"error": "x"}', "refRates"),
        (b'{"refRates": {}}', "refRates"),
        (b'{"refRates": ["x"]}', "not an object"),
        (b'{"refRates": [{"effectiveDate": "03/04/2025", "percentRate": 4.3}]}', "bad row"),
    ],
)
def test_malformed_bodies_raise_one_line_parse_errors(raw: bytes, match: str) -> None:
    with pytest.raises(ParseError, match=match) as info:
        nyfed.parse_rates(raw)
    assert "\n" not in info.value.message


def test_unknown_rate_is_a_config_error() -> None:
    with pytest.raises(FetchError, match="unknown reference rate") as info:
        nyfed.rate_path("LIBOR")
    assert info.value.transient is False
    assert nyfed.rate_path("sofr") == "api/rates/secured/sofr"
    assert nyfed.rate_path("EFFR") == "api/rates/unsecured/effr"


def test_provider_is_registered_and_history_starts_with_sofr() -> None:
    assert registry()["nyfed"] is nyfed.NyFedProvider
    provider = nyfed.NyFedProvider(SourceSettings.default("nyfed"))
    assert provider.history_start(sofr_target().ref) == dt.date(2018, 4, 2)


# --- real HTTP ----------------------------------------------------------------------------


async def test_fetch_against_a_loopback_server(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/api/rates/secured/sofr/search.json",
        method="GET",
        query_string={"startDate": "2025-02-24", "endDate": "2025-03-05"},
    ).respond_with_data(body("sofr-search.json"), content_type="application/json; charset=utf-8")
    settings = SourceSettings.default("nyfed", base_url=httpserver.url_for("").rstrip("/"), min_interval=0)
    http = HttpContext(FeedSettings.default())
    try:
        obs = await nyfed.NyFedProvider(settings).fetch(http, [sofr_target()], dt.date(2025, 2, 24))
        obs = observations(obs)
    finally:
        await http.aclose()
    httpserver.check_assertions()
    assert [(o.instrument, o.date, o.value, o.source) for o in obs] == [
        ("sofr", dt.date(2025, 2, 27), 4.34, "nyfed:SOFR"),
        ("sofr", dt.date(2025, 2, 28), 4.39, "nyfed:SOFR"),
        ("sofr", dt.date(2025, 3, 3), 4.34, "nyfed:SOFR"),
        ("sofr", dt.date(2025, 3, 4), 4.33, "nyfed:SOFR"),
    ]
    assert not any(o.intraday for o in obs)


async def test_long_history_is_split_into_contiguous_windows() -> None:
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.params["startDate"], request.url.params["endDate"]))
        return httpx.Response(200, content=body("sofr-empty.json"))

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    http = HttpContext(FeedSettings.default(), client=client)
    provider = nyfed.NyFedProvider(SourceSettings.default("nyfed", min_interval=0))
    # Asking from 2000 starts at SOFR's first publication, not 18 years earlier.
    assert observations(await provider.fetch(http, [sofr_target()], dt.date(2000, 1, 1))) == []
    await client.aclose()
    assert seen[0][0] == "2018-04-02" and seen[-1][1] == TODAY.isoformat()
    for (_, end), (start, _) in zip(seen, seen[1:], strict=False):
        assert dt.date.fromisoformat(start) == dt.date.fromisoformat(end) + dt.timedelta(days=1)
    assert all((dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days < nyfed.MAX_SPAN_DAYS for a, b in seen)


async def test_fetch_last_uses_the_last_n_endpoint() -> None:
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        return httpx.Response(200, content=body("sofr-search.json"))

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    http = HttpContext(FeedSettings.default(), client=client)
    obs = await nyfed.NyFedProvider(SourceSettings.default("nyfed", min_interval=0)).fetch_last(http, sofr_target(), 4)
    obs = obs.observations()
    await client.aclose()
    assert paths == ["/api/rates/secured/sofr/last/4.json"]
    assert obs[-1].date == dt.date(2025, 3, 4) and obs[-1].value == 4.33


async def test_server_error_becomes_fetch_error_after_retries() -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(503)))
    http = HttpContext(FeedSettings.default(), client=client)
    http.sleep = _no_sleep
    with pytest.raises(FetchError, match="HTTP 503") as info:
        await nyfed.NyFedProvider(SourceSettings.default("nyfed")).fetch(http, [sofr_target()], dt.date(2025, 3, 1))
    await client.aclose()
    assert info.value.transient


async def _no_sleep(_: float) -> None:
    return None


async def test_windows_go_out_together_within_the_source_limit() -> None:
    """A long history's windows are asked concurrently (one round trip, not five), never
    more at once than the source's ``max_connections``; a failing window fails the fetch."""
    import asyncio

    in_flight, peak, seen = 0, 0, []

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        seen.append(request.url.params["startDate"])
        await asyncio.sleep(0.05)
        in_flight -= 1
        return httpx.Response(200, content=body("sofr-empty.json"))

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    http = HttpContext(FeedSettings.default(), client=client)  # the gate follows the provider's settings
    provider = nyfed.NyFedProvider(SourceSettings.default("nyfed", min_interval=0, max_connections=2))
    await provider.fetch(http, [sofr_target()], dt.date(2018, 1, 1))
    assert len(seen) >= 4 and peak == 2

    async def failing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404 if request.url.params["startDate"] > "2020" else 200, content=body("sofr-empty.json"))

    bad = httpx.AsyncClient(transport=httpx.MockTransport(failing))
    with pytest.raises(FetchError):
        await provider.fetch(HttpContext(FeedSettings.default(), client=bad), [sofr_target()], dt.date(2018, 1, 1))
    await client.aclose()
    await bad.aclose()


async def test_a_failed_window_lets_the_others_finish_before_it_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first window's 404 is raised only once the other windows were answered: a request
    cancelled half-way can hold a server's connection (a single-threaded one, all of them)."""
    import threading
    import time

    from werkzeug.wrappers import Request, Response

    monkeypatch.setattr(nyfed, "_today_ny", lambda: dt.date(2026, 7, 29))
    failed = threading.Event()

    def answer(request: Request) -> Response:
        if request.args["startDate"] == "2018-04-02":
            failed.set()
            return Response("no such window", status=404)
        failed.wait(5)
        time.sleep(0.2)  # answered after the 404 reached the client
        return Response('{"refRates": []}', content_type="application/json")

    server = HTTPServer(threaded=True)
    server.expect_request("").respond_with_handler(answer)
    server.start()
    settings = SourceSettings.default("nyfed", base_url=server.url_for("").rstrip("/"))
    http = HttpContext(FeedSettings(sources={"nyfed": settings}, retries=1))
    answered: list[bool] = []
    http.on_attempt = lambda _source, ok: answered.append(ok)
    ref = next(s for s in catalog.get("sofr").sources if s.source == "nyfed")
    try:
        with pytest.raises(FetchError, match="404"):
            await nyfed.NyFedProvider(settings).fetch(http, [Target("sofr", ref)], dt.date(2018, 4, 2))
    finally:
        await http.aclose()
        server.clear()
        server.stop()
    assert sorted(answered) == [False] + [True] * 4, answered
