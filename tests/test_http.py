"""HttpContext: retries with backoff, Retry-After, deadlines, per-source gates, redaction."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from datafeed.errors import FetchError, RateLimited, redact, register_secret
from datafeed.http import HttpContext, parse_retry_after
from datafeed.settings import FeedSettings, SourceSettings

SRC = SourceSettings.default("fred", base_url="http://fred.test")


def context(handler, retries: int = 3, deadline: float | None = None) -> tuple[HttpContext, list[float]]:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    http = HttpContext(FeedSettings(sources={"fred": SRC}, retries=retries), client=client, deadline=deadline)
    sleeps: list[float] = []

    async def fake_sleep(s: float) -> None:
        sleeps.append(s)

    http.sleep = fake_sleep  # type: ignore[assignment]
    return http, sleeps


async def test_transient_errors_are_retried_then_succeed() -> None:
    answers = iter([503, 502, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(answers), text="ok")

    http, sleeps = context(handler)
    response = await http.get(SRC, "http://fred.test/x")
    assert response.status_code == 200 and http.requests == 3 and len(sleeps) == 2
    assert all(0 <= s <= 8 for s in sleeps)


async def test_permanent_error_is_not_retried() -> None:
    http, sleeps = context(lambda r: httpx.Response(404, text="no"))
    with pytest.raises(FetchError, match="HTTP 404") as info:
        await http.get(SRC, "http://fred.test/x")
    assert not info.value.transient and http.requests == 1 and sleeps == []


async def test_retry_after_is_honoured() -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "1"}, text="Too Many Requests"), httpx.Response(200)])
    http, sleeps = context(lambda r: next(answers))
    started = time.monotonic()
    await http.get(SRC, "http://fred.test/x")
    # Both the backoff and the source gate wait at least what the server asked for.
    assert sleeps and sleeps[0] >= 1
    assert time.monotonic() - started >= 0.9


async def test_rate_limited_error_carries_retry_after() -> None:
    http, _ = context(lambda r: httpx.Response(429, headers={"Retry-After": "3"}), retries=1)
    with pytest.raises(RateLimited) as info:
        await http.get(SRC, "http://fred.test/x")
    assert info.value.retry_after == 3


async def test_timeouts_become_one_line_fetch_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    http, sleeps = context(handler, retries=2)
    with pytest.raises(FetchError, match="timed out"):
        await http.get(SRC, "http://fred.test/x?api_key=SECRETKEY123")
    assert http.requests == 2


async def test_deadline_stops_retries() -> None:
    http, _ = context(lambda r: httpx.Response(503), retries=10, deadline=time.monotonic() + 0.01)
    await asyncio.sleep(0.02)
    with pytest.raises(FetchError):
        await http.get(SRC, "http://fred.test/x")
    assert http.requests == 0


async def test_min_interval_spaces_requests() -> None:
    src = SourceSettings.default("boj", base_url="http://boj.test", min_interval=0.2)
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    http = HttpContext(FeedSettings(sources={"boj": src}), client=client)
    stamps: list[float] = []
    for _ in range(3):
        await http.get(src, "http://boj.test/x")
        stamps.append(time.monotonic())
    assert stamps[2] - stamps[0] >= 0.38


async def test_window_limit_holds_back_the_excess() -> None:
    src = SourceSettings.default("fred", base_url="http://fred.test", max_per_minute=2)
    http = HttpContext(FeedSettings(sources={"fred": src}))
    gate = http.gate(src)
    now = time.monotonic()
    assert gate._slot(now) == now
    gate._sent.extend([now, now])
    assert gate._slot(now) >= now + 59.9


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("120") == 120
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0) == pytest.approx(0, abs=1)
    assert parse_retry_after("soon") is None


def test_redact_masks_query_secrets_and_registered_keys() -> None:
    register_secret("k3y-abcdef-123")
    text = redact("GET http://x/?api_key=zzz&id=DGS10 failed; key k3y-abcdef-123 rejected")
    assert "zzz" not in text and "k3y-abcdef-123" not in text and "id=DGS10" in text


async def test_conditional_requests_replay_the_last_body_on_304() -> None:
    seen: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(
            200, text="Date,10 Yr\n11/20/2026,4.11", headers={"ETag": '"v1"', "Content-Type": "text/csv"}
        )

    http, _ = context(handler)
    first = await http.get(SRC, "http://fred.test/year.csv", params={"y": "2026"})
    second = await http.get(SRC, "http://fred.test/year.csv", params={"y": "2026"})
    assert first.text == second.text and second.status_code == 200
    assert "if-none-match" not in seen[0] and seen[1]["if-none-match"] == '"v1"'
    assert http.not_modified == 1
    # A different URL is asked unconditionally.
    await http.get(SRC, "http://fred.test/year.csv", params={"y": "2025"})
    assert "if-none-match" not in seen[2]


async def test_last_modified_is_sent_back() -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("If-Modified-Since"))
        return httpx.Response(200, text="x", headers={"Last-Modified": "Wed, 25 Nov 2026 10:00:00 GMT"})

    http, _ = context(handler)
    await http.get(SRC, "http://fred.test/a")
    await http.get(SRC, "http://fred.test/a")
    assert seen == [None, "Wed, 25 Nov 2026 10:00:00 GMT"]


async def test_the_client_pool_never_holds_back_what_the_sources_gates_let_through() -> None:
    """Five sources of four connections each: all twenty requests are at the server at
    once (it answers none until the twentieth arrived). A pool smaller than the sum of the
    sources' limits (16, as it was) queued four of them behind the others."""
    import threading

    from pytest_httpserver import HTTPServer
    from werkzeug.wrappers import Request, Response

    names = ("fred", "treasury", "nyfed", "ecb", "bundesbank")
    together = threading.Barrier(20, timeout=10)

    def answer(request: Request) -> Response:
        try:
            together.wait()
        except threading.BrokenBarrierError:
            return Response("not all at once", status=400)
        return Response("ok")

    server = HTTPServer(threaded=True)
    server.expect_request("").respond_with_handler(answer)
    server.start()
    try:
        sources = {n: SourceSettings.default(n, max_connections=4, min_interval=0.0, max_per_minute=0) for n in names}
        http = HttpContext(FeedSettings(sources=sources, retries=1, timeout=20))
        try:
            got = await asyncio.gather(
                *(http.get(sources[n], server.url_for(f"/{n}/{i}")) for n in names for i in range(4)),
                return_exceptions=True,
            )
        finally:
            await http.aclose()
    finally:
        server.clear()
        server.stop()
    assert [r.status_code if isinstance(r, httpx.Response) else str(r) for r in got] == [200] * 20
