"""A loopback stand-in for FRED with switchable faults (keyless CSV and keyed JSON).

It is a small threaded ``http.server`` on 127.0.0.1 (port chosen by the kernel) that
serves ``/graph/fredgraph.csv?id=ID&cosd=DATE`` and ``/fred/series/observations`` the way
FRED does, until a test flips :attr:`FaultServer.mode` to one of :data:`MODES`. Every
handler is bounded: the "never answers" and "slow drip" modes give up by themselves after
``hang_limit`` seconds or as soon as the server stops, so no test can hang on it.

Usage::

    with FaultServer() as srv:
        srv.mode = "503"
        ... point [sources.fred] base_url at srv.url ...
        srv.mode = "ok"

``mode`` may also be a callable ``(series_id, hit_number) -> mode`` so a soak can alternate
good and bad answers per request, and :attr:`rows_for` can be replaced to serve data that
advances with a simulated clock.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.fredgraph import fredgraph_body

MODES: dict[str, str] = {
    "ok": "FRED's keyless CSV (or keyed JSON) with the configured rows",
    "500": "HTTP 500 Internal Server Error",
    "502": "HTTP 502 Bad Gateway",
    "503": "HTTP 503 Service Unavailable",
    "429": "HTTP 429 with Retry-After (seconds in FaultServer.retry_after)",
    "hang": "accepts the request, never answers (until hang_limit)",
    "slow": "sends headers, then drips the body one byte at a time (until hang_limit)",
    "reset": "closes the connection with RST before answering",
    "truncated": "Content-Length larger than the body, then closes",
    "empty": "HTTP 200 with an empty body",
    "html": "HTTP 200 with an HTML maintenance page",
    "garbage": "HTTP 200 with bytes that are not a CSV",
    "bad_header": "HTTP 200 CSV whose header is not FRED's",
    "wrong_dates": "HTTP 200 CSV with dates in the wrong format",
    "future": "HTTP 200 CSV with an extra row dated in the future",
    "absurd": "HTTP 200 CSV whose newest value is absurd (a 10Y yield of 4000)",
    "nan": "HTTP 200 CSV whose newest value is 'nan'/'inf'",
    "dupes": "HTTP 200 CSV with duplicate and out-of-order rows",
    "huge": "HTTP 200 with a 20 MB body (Content-Length declared)",
    "huge_chunked": "HTTP 200 with a 20 MB chunked body (no Content-Length)",
    "json_garbage": "keyed API: HTTP 200 with a body that is not JSON",
    "json_error": "keyed API: HTTP 400 with FRED's error JSON (bad api_key)",
    "echo": "HTTP 500 whose reason phrase and HTML body echo the request URL (api_key included)",
    "echo_json": "keyed API: HTTP 200 JSON whose malformed observation echoes the api_key",
}
"""Every fault the server can play, with what it sends."""

HUGE = 20 * 1024 * 1024

# Plausible levels of every FRED series in the catalog (inside the store's ranges).
LEVELS: dict[str, float] = {
    "DGS1MO": 4.33,
    "DGS3MO": 4.30,
    "DGS6MO": 4.21,
    "DGS1": 4.02,
    "DGS2": 3.52,
    "DGS3": 3.58,
    "DGS5": 3.70,
    "DGS7": 3.90,
    "DGS10": 4.12,
    "DGS20": 4.60,
    "DGS30": 4.73,
    "DTB3": 4.25,
    "SOFR": 3.62,
    "IRLTLT01DEM156N": 2.65,
    "ECBESTRVOLWGTTRMDMNRT": 1.93,
    "IRLTLT01JPM156N": 1.65,
    "IR3TIB01JPM156N": 0.45,
    "DTWEXBGS": 121.5,
    "DEXUSEU": 1.16,
    "DEXJPUS": 155.2,
    "DEXSZUS": 0.80,
    "VIXCLS": 18.25,
    "SP500": 6650.0,
    "BAMLC0A0CM": 0.82,
    "BAMLH0A0HYM2": 2.95,
    "AAA10Y": 0.95,
    "THREEFYTP10": 0.72,
    "FYGFGDQ188S": 98.5,
    "FYGFDPUN": 29_800_000.0,
    "FDHBFIN": 9200.0,
}

DEFAULT_DATES = ("2026-11-18", "2026-11-19", "2026-11-20")


def default_rows(sid: str, cosd: str) -> list[tuple[str, str]]:
    """Three business days of a plausible level (the 19th is FRED's empty 'missing')."""
    level = LEVELS.get(sid)
    if level is None:
        return []
    rows = [(DEFAULT_DATES[0], f"{level:g}"), (DEFAULT_DATES[1], ""), (DEFAULT_DATES[2], f"{level * 1.001:.6g}")]
    return [r for r in rows if r[0] >= cosd]


@dataclass(slots=True)
class Hit:
    """One request the server saw."""

    path: str
    series: str
    cosd: str
    mode: str
    client_port: int
    query: str
    at: float = field(default_factory=time.monotonic)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, like a real server (connection reuse)

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and
        # the client's delayed ACK add ~40 ms to every keep-alive answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        fs = self.server.owner
        with fs.lock:
            fs.open_connections += 1
            fs.max_open_connections = max(fs.max_open_connections, fs.open_connections)
            fs.connections += 1

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            fs = self.server.owner
            with fs.lock:
                fs.open_connections -= 1

    # ---------------------------------------------------------------- helpers
    def _send(self, code: int, body: bytes, ctype: str = "text/csv", extra: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; False when the server is stopping."""
        return not self.server.stopping.wait(seconds)

    # ---------------------------------------------------------------- routing
    def do_GET(self) -> None:  # noqa: N802 - http.server API
        fs = self.server.owner
        u = urlparse(self.path)
        if u.path == "/__stats":  # for a server running in another process
            return self._send(200, json.dumps(fs.stats()).encode(), "application/json")
        q = parse_qs(u.query)
        keyed = u.path.endswith("/fred/series/observations")
        sid = (q.get("series_id") if keyed else q.get("id")) or [""]
        sid = sid[0]
        cosd = ((q.get("observation_start") if keyed else q.get("cosd")) or ["0000"])[0]
        with fs.lock:
            n = fs.counts.get(sid, 0)
            fs.counts[sid] = n + 1
            mode = fs.mode(sid, n) if callable(fs.mode) else fs.mode
            fs.hits.append(Hit(u.path, sid, cosd, mode, self.client_address[1], u.query))
            fs.mode_counts[mode] = fs.mode_counts.get(mode, 0) + 1
            if len(fs.hits) > fs.max_hits:  # bounded memory in a soak
                del fs.hits[: len(fs.hits) - fs.max_hits]
            fs.ports.add(self.client_address[1])
        getattr(self, "_fault_" + mode, self._fault_ok)(sid, cosd, keyed)

    # ---------------------------------------------------------------- answers
    def _body(
        self, rows: list[tuple[str, str]], sid: str, keyed: bool, header: str = "observation_date"
    ) -> tuple[bytes, str]:
        if keyed:
            obs = [
                {"realtime_start": "2026-11-26", "realtime_end": "2026-11-26", "date": d, "value": v or "."}
                for d, v in rows
            ]
            return json.dumps({"count": len(obs), "observations": obs}).encode(), "application/json"
        out = io.StringIO()
        out.write(f"{header},{sid}\n")
        for d, v in rows:
            out.write(f"{d},{v}\n")
        return out.getvalue().encode(), "text/csv"

    def _rows(self, sid: str, cosd: str) -> list[tuple[str, str]] | None:
        if sid not in LEVELS and self.server.owner.rows_for is default_rows:
            return None
        return self.server.owner.rows_for(sid, cosd)

    def _fault_ok(self, sid: str, cosd: str, keyed: bool) -> None:
        if "," in sid and not keyed:  # id=A,B: one column per series (tests/fredgraph.py)
            body = fredgraph_body(sid, lambda code: self._rows(code, cosd))
            if body is None:
                return self._send(404, b"Not Found", "text/plain")
            return self._send(200, body.encode(), "text/csv")
        rows = self._rows(sid, cosd)
        if rows is None:
            if keyed:
                body = json.dumps({"error_code": 400, "error_message": "Bad Request.  The series does not exist."})
                return self._send(400, body.encode(), "application/json")
            return self._send(404, b"Not Found", "text/plain")
        body, ctype = self._body(rows, sid, keyed)
        self._send(200, body, ctype)

    def _status(self, code: int) -> None:
        page = f"<html><body><h1>{code}</h1>upstream trouble</body></html>".encode()
        self._send(code, page, "text/html")

    def _fault_500(self, *_: Any) -> None:
        self._status(500)

    def _fault_502(self, *_: Any) -> None:
        self._status(502)

    def _fault_503(self, *_: Any) -> None:
        self._status(503)

    def _fault_429(self, *_: Any) -> None:
        self._send(429, b"Too Many Requests", "text/plain", {"Retry-After": str(self.server.owner.retry_after)})

    def _fault_hang(self, *_: Any) -> None:
        self._wait(self.server.owner.hang_limit)
        self.close_connection = True

    def _fault_slow(self, sid: str, cosd: str, keyed: bool) -> None:
        body, ctype = self._body(self._rows(sid, cosd) or [], sid, keyed)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) + 10_000))
        self.end_headers()
        deadline = time.monotonic() + self.server.owner.hang_limit
        try:
            for i in range(len(body) + 10_000):
                if time.monotonic() > deadline or not self._wait(0.05):
                    break
                self.wfile.write(body[i : i + 1] or b" ")
                self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True

    def _fault_reset(self, *_: Any) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.close_connection = True
        self.connection.close()

    def _fault_truncated(self, sid: str, cosd: str, keyed: bool) -> None:
        body, ctype = self._body(self._rows(sid, cosd) or [], sid, keyed)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) + 500))
        self.end_headers()
        self.wfile.write(body[: max(1, len(body) // 2)])
        self.wfile.flush()
        self.close_connection = True

    def _fault_empty(self, *_: Any) -> None:
        self._send(200, b"", "text/csv")

    def _fault_html(self, *_: Any) -> None:
        page = b"<!DOCTYPE html><html><head><title>FRED maintenance</title></head><body>Back soon.</body></html>"
        self._send(200, page, "text/html")

    def _fault_garbage(self, *_: Any) -> None:
        self._send(200, b"\x00\xff\xfegarbage,,,\n1,2,3\nnot a date,xyz\n")

    def _fault_bad_header(self, sid: str, *_: Any) -> None:
        self._send(200, f"series,{sid}\n2026-11-20,4.1\n".encode())

    def _fault_wrong_dates(self, sid: str, cosd: str, keyed: bool) -> None:
        rows = [(f"{d[8:10]}/{d[5:7]}/{d[:4]}", v) for d, v in self._rows(sid, cosd) or []]
        body, ctype = self._body(rows, sid, keyed)
        self._send(200, body, ctype)

    def _fault_future(self, sid: str, cosd: str, keyed: bool) -> None:
        rows = list(self._rows(sid, cosd) or []) + [("2099-01-02", f"{LEVELS.get(sid, 1.0):g}")]
        body, ctype = self._body(rows, sid, keyed)
        self._send(200, body, ctype)

    def _fault_absurd(self, sid: str, cosd: str, keyed: bool) -> None:
        rows = list(self._rows(sid, cosd) or [])
        rows.append(("2026-11-23", "4000"))
        body, ctype = self._body(rows, sid, keyed)
        self._send(200, body, ctype)

    def _fault_nan(self, sid: str, cosd: str, keyed: bool) -> None:
        rows = list(self._rows(sid, cosd) or []) + [("2026-11-23", "nan"), ("2026-11-24", "inf")]
        body, ctype = self._body(rows, sid, keyed)
        self._send(200, body, ctype)

    def _fault_dupes(self, sid: str, cosd: str, keyed: bool) -> None:
        level = LEVELS.get(sid, 1.0)
        rows = [
            ("2026-11-23", f"{level * 1.01:.6g}"),
            ("2026-11-18", f"{level:g}"),
            ("2026-11-20", f"{level * 0.99:.6g}"),
            ("2026-11-18", f"{level:g}"),
            ("2026-11-20", f"{level * 1.002:.6g}"),  # the 20th twice, two values: both refused
        ]
        body, ctype = self._body(rows, sid, keyed)
        self._send(200, body, ctype)

    def _huge_chunks(self):  # type: ignore[no-untyped-def]
        line = b"2026-11-20," + b"9" * 53 + b"\n"  # 64 bytes
        block = line * 16384  # 1 MiB
        for _ in range(HUGE // len(block)):
            yield block

    def _fault_huge(self, sid: str, *_: Any) -> None:
        head = f"observation_date,{sid}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(head) + HUGE))
        self.end_headers()
        try:
            self.wfile.write(head)
            for block in self._huge_chunks():
                self.wfile.write(block)
        except OSError:  # the client hung up early (as it should)
            pass
        self.close_connection = True

    def _fault_huge_chunked(self, sid: str, *_: Any) -> None:
        head = f"observation_date,{sid}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for block in (head, *self._huge_chunks()):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass
        self.close_connection = True

    def _fault_json_garbage(self, *_: Any) -> None:
        self._send(200, b'{"observations": [ {"date": "2026-11-2', "application/json")

    def _fault_json_error(self, *_: Any) -> None:
        body = json.dumps(
            {"error_code": 400, "error_message": "Bad Request.  The value for variable api_key is not registered."}
        )
        self._send(400, body.encode(), "application/json")

    def _fault_echo(self, *_: Any) -> None:
        # A careless proxy: the full URL, query string and key included, in the status
        # line and the page (httpx exposes both to whoever formats the error).
        page = f"<html><body>upstream failed for {self.path}</body></html>".encode()
        self.send_response(500, f"Upstream failed for {self.path}")
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def _fault_echo_json(self, *_: Any) -> None:
        key = (parse_qs(urlparse(self.path).query).get("api_key") or ["?"])[0]
        body = json.dumps({"observations": [{"date": "2026-11-20", "value": f"bad {key}"}]})
        self._send(200, body.encode(), "application/json")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FaultServer
    stopping: threading.Event


class FaultServer:
    """The switchable-fault FRED stand-in (see the module docstring).

    Attributes:
        mode: a key of :data:`MODES`, or a callable ``(series_id, n) -> mode``.
        retry_after: the ``Retry-After`` value sent in mode ``429``.
        hang_limit: seconds the ``hang`` and ``slow`` modes hold a request at most.
        rows_for: ``(series_id, cosd) -> [(date, value)]`` for good answers.
        hits: the most recent requests (at most ``max_hits``).
        ports: distinct client ports seen (one per TCP connection).
        counts: requests per series id.
        connections, open_connections, max_open_connections: TCP connections accepted,
            open now, and open at once at most (a client that leaks sockets shows here).
    """

    def __init__(self, *, hang_limit: float = 20.0, retry_after: str = "2") -> None:
        self.mode: str | Callable[[str, int], str] = "ok"
        self.retry_after = retry_after
        self.hang_limit = hang_limit
        self.rows_for: Callable[[str, str], list[tuple[str, str]]] = default_rows
        self.hits: list[Hit] = []
        self.max_hits = 10_000
        self.ports: set[int] = set()
        self.counts: dict[str, int] = {}
        self.mode_counts: dict[str, int] = {}
        self.connections = 0  # TCP connections accepted so far
        self.open_connections = 0  # open right now
        self.max_open_connections = 0
        self.lock = threading.Lock()
        self._srv = _Server(("127.0.0.1", 0), _Handler)
        self._srv.owner = self
        self._srv.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._srv.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (the ``base_url`` to configure)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultServer:
        self._thread = threading.Thread(target=self._srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._srv.stopping.set()
        self._srv.shutdown()
        self._srv.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def stats(self) -> dict[str, Any]:
        """Counters as plain data (also served at ``/__stats``)."""
        with self.lock:
            return {
                "requests": sum(self.counts.values()),
                "counts": dict(self.counts),
                "modes": dict(self.mode_counts),
                "ports": len(self.ports),
                "connections": self.connections,
                "open_connections": self.open_connections,
                "max_open_connections": self.max_open_connections,
                "hits_held": len(self.hits),
            }

    def reset_log(self) -> None:
        with self.lock:
            self.hits.clear()
            self.counts.clear()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FaultServerProcess:
    """A :class:`FaultServer` in a forked child process, so the server does not compete
    with the client under test for the GIL (a soak measures the client, not the server).

    Args:
        configure: called in the child with the fresh server (set ``mode``, ``rows_for``);
            it may close over :mod:`multiprocessing` shared values the parent updates.
    """

    def __init__(self, configure: Callable[[FaultServer], None], **kwargs: Any) -> None:
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        self._ready = ctx.Queue()
        self._stop = ctx.Event()
        self._proc = ctx.Process(target=self._serve, args=(configure, kwargs), daemon=True)
        self.url = ""

    def _serve(self, configure: Callable[[FaultServer], None], kwargs: dict[str, Any]) -> None:
        with FaultServer(**kwargs) as srv:
            configure(srv)
            self._ready.put(srv.url)
            self._stop.wait(3600)

    def stats(self) -> dict[str, Any]:
        import urllib.request

        with urllib.request.urlopen(f"{self.url}/__stats", timeout=10) as r:  # noqa: S310 - loopback
            return json.loads(r.read())

    def __enter__(self) -> FaultServerProcess:
        self._proc.start()
        self.url = self._ready.get(timeout=30)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._proc.join(timeout=10)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(timeout=5)


def business_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Weekdays from ``start`` to ``end`` inclusive."""
    out, day = [], start
    while day <= end:
        if day.weekday() < 5:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


if __name__ == "__main__":  # pragma: no cover - manual use: python -m tests.reliability.faultserver MODE
    import sys

    with FaultServer() as srv:
        srv.mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
        print(srv.url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
