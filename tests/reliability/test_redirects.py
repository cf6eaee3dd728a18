"""Redirects (issue 18 finding 7): at most five per request, each hop paced like a request.

A loopback server redirects in a loop, in a chain, or to a page; the real
:class:`datafeed.http.HttpContext` fetches from it. Before the cap a redirect loop made 882
requests in 10 s (httpx's 20 hops, times the retries, none of them waiting at the source's
gate).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest

from datafeed.errors import FetchError
from datafeed.http import MAX_REDIRECTS, HttpContext
from datafeed.settings import FeedSettings, SourceSettings


class _Handler(BaseHTTPRequestHandler):
    """``/loop`` redirects to itself; ``/chain/N`` to ``/chain/N-1``; ``/chain/0`` answers."""

    hits: list[tuple[float, str]] = []

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        type(self).hits.append((time.monotonic(), self.path))
        if self.path.startswith("/loop"):
            self._redirect("/loop")
        elif self.path.startswith("/chain/"):
            n = int(self.path.rsplit("/", 1)[1])
            if n == 0:
                body = b"DATE,X\n2026-11-25,1.0\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self._redirect(f"/chain/{n - 1}")
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def _redirect(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()


@dataclass
class Redirector:
    """The running server: its root URL and every request it saw (monotonic time, path)."""

    url: str
    hits: list[tuple[float, str]]

    @property
    def paths(self) -> list[str]:
        return [path for _, path in self.hits]


@pytest.fixture
def server() -> Iterator[Redirector]:
    hits: list[tuple[float, str]] = []
    handler = type("Handler", (_Handler,), {"hits": hits})
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield Redirector(f"http://127.0.0.1:{srv.server_address[1]}", hits)
    finally:
        srv.shutdown()
        srv.server_close()


def _context(url: str, min_interval: float = 0.0) -> tuple[HttpContext, SourceSettings]:
    source = SourceSettings("fred", base_url=url, min_interval=min_interval)
    return HttpContext(FeedSettings(sources={"fred": source}, timeout=5.0, retries=3)), source


def test_a_redirect_loop_stops_after_five_hops_without_retries(server: Redirector) -> None:
    async def run() -> tuple[str, int]:
        http, source = _context(server.url)
        try:
            with pytest.raises(FetchError) as info:
                await http.get(source, f"{server.url}/loop")
            return str(info.value), http.requests
        finally:
            await http.aclose()

    message, requests = asyncio.run(run())
    assert f"more than {MAX_REDIRECTS} redirects" in message and "127.0.0.1" in message
    hits = server.paths
    # One request and five hops, once: a loop is not transient, so no retry asks again.
    assert hits == ["/loop"] * (1 + MAX_REDIRECTS) and requests == 1 + MAX_REDIRECTS


def test_five_redirects_are_followed(server: Redirector) -> None:
    async def run() -> bytes:
        http, source = _context(server.url)
        try:
            return (await http.get(source, f"{server.url}/chain/{MAX_REDIRECTS}")).content
        finally:
            await http.aclose()

    assert asyncio.run(run()).startswith(b"DATE,X")
    assert server.paths == [f"/chain/{n}" for n in range(MAX_REDIRECTS, -1, -1)]


def test_six_redirects_are_refused(server: Redirector) -> None:
    async def run() -> None:
        http, source = _context(server.url)
        try:
            await http.get(source, f"{server.url}/chain/{MAX_REDIRECTS + 1}")
        finally:
            await http.aclose()

    with pytest.raises(FetchError, match="more than 5 redirects"):
        asyncio.run(run())
    assert len(server.hits) == 1 + MAX_REDIRECTS


def test_each_hop_waits_for_the_sources_spacing(server: Redirector) -> None:
    """A source asked at most every 0.3 s is asked at most every 0.3 s through redirects too."""

    async def run() -> None:
        http, source = _context(server.url, min_interval=0.3)
        try:
            await http.get(source, f"{server.url}/chain/3")
        finally:
            await http.aclose()

    asyncio.run(run())
    times = [t for t, _ in server.hits]
    assert len(times) == 4
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.25, gaps  # the server's clock: 0.3 s less scheduling slack
