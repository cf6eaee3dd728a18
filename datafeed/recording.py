"""Provides record and replay of raw upstream HTTP traffic.

Why: a stressful market day is worth re-watching, sharing and debugging exactly as it
happened. ``triffin record DIR`` keeps every raw answer the feed got; ``triffin --replay
DIR`` plays them back through the *same* providers, parsers, store and screens, so what a
replay shows is what the live app showed, bugs included.

Both are ``httpx`` transports, plugged into the one shared ``httpx.AsyncClient`` (see
:func:`make_client`), so nothing above the transport knows the difference.

Folder layout::

    DIR/recording.json      {"format": "triffin-recording", "version": 1, "triffin": ..., "started": ...}
    DIR/responses.jsonl     one JSON object per response, in the order they arrived

Each response line holds: ``seq``; ``time`` (UTC, ISO); ``t`` (seconds since the recording
started); ``method``; ``url`` (secrets masked); ``key`` (see :func:`request_key`);
``status``; ``reason``; ``headers`` (a subset: content type and caching validators, never
cookies); ``body`` (text) or ``body_b64`` (binary); ``duration``; or, for a request that
failed below HTTP, ``error`` (the httpx exception name) and ``message``.

Secrets: API keys and other secret query parameters are masked in the stored URL and left
out of the key entirely; file names never contain anything but the two names above. Every
stored text goes through :func:`datafeed.errors.redact`, the one redaction path shared
with logs and error messages, which masks a registered key also upper- or lower-cased,
percent-encoded, cut short or base64-encoded: the URL, the reason phrase, every stored
header value (``Location`` echoes URLs) and the body; a body that is not UTF-8 is redacted
as bytes (:func:`datafeed.errors.redact_bytes`) *before* it is base64-encoded. Cookies
(``Set-Cookie``) and request headers are never stored. Lines are written as ASCII JSON,
so an upstream's control characters are escaped (``\u001b``), never raw in the file.

Replay matching: a request is answered by the recorded responses with the same key —
method, path and sorted query without secrets (the host is left out, so a recording made
against one mirror replays under any ``base_url``). Responses of one key are served in
the order they were recorded, the last one repeating once they run out. When no response
has the exact key, one whose key differs only in date-valued parameters (``cosd``,
``observation_start``, ...) is used, because those follow the store's state. With
``speed`` > 0 each response is held back until its recorded time, divided by ``speed``,
has passed since the replay started (``speed`` 60 plays an hour in a minute); ``speed`` 0
serves everything at once.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from datafeed import __version__
from datafeed.errors import redact, redact_bytes
from datafeed.settings import FeedSettings

log = logging.getLogger(__name__)

__all__ = [
    "RecordingError",
    "RecordingTransport",
    "ReplayTransport",
    "attach_replay",
    "loose_key",
    "make_client",
    "replay_settings",
    "request_key",
]

FORMAT = "triffin-recording"
FORMAT_VERSION = 1
META_FILE = "recording.json"
RESPONSES_FILE = "responses.jsonl"

SECRET_PARAMS = frozenset({"api_key", "apikey", "key", "token", "crumb", "access_token"})
"""Query parameters that are secrets: masked in stored URLs, left out of keys."""

KEPT_HEADERS = ("content-type", "etag", "last-modified", "retry-after", "date", "cache-control", "expires", "location")
"""Response headers worth replaying (parsers and conditional requests read them); stored redacted.

``set-cookie`` is deliberately absent: a session cookie is a credential."""

_DATE_VALUE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$|^\d{8}$|^\d{6}$")


class RecordingError(Exception):
    """A recording folder that cannot be written or read, as one line."""


def _params(url: httpx.URL) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in url.params.multi_items() if k.lower() not in SECRET_PARAMS)


def request_key(method: str, url: httpx.URL | str) -> str:
    """``METHOD /path?sorted&query`` without secret parameters and without the host."""
    u = httpx.URL(url) if isinstance(url, str) else url
    query = urlencode(_params(u))
    return f"{method.upper()} {u.path}" + (f"?{query}" if query else "")


def loose_key(method: str, url: httpx.URL | str) -> str:
    """:func:`request_key` with date-valued parameters replaced by ``*``.

    Why: incremental requests ask "since ten days before the newest value held", so the
    date follows the store's state; a replay started from a different state should still
    find the answer for that series.
    """
    u = httpx.URL(url) if isinstance(url, str) else url
    params = [(k, "*" if _DATE_VALUE.match(v) else v) for k, v in _params(u)]
    query = urlencode(params)
    return f"{method.upper()} {u.path}" + (f"?{query}" if query else "")


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# --------------------------------------------------------------------------- recording


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests to ``inner`` and appends every answer to ``DIR/responses.jsonl``.

    Args:
        folder: the recording folder; created if needed; must not hold a recording yet.
        inner: the real transport (default: ``httpx.AsyncHTTPTransport``).
        clock: wall clock (patched in tests).

    Raises:
        RecordingError: the folder already holds a recording or cannot be written.
    """

    def __init__(
        self,
        folder: Path | str,
        inner: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.folder = Path(folder)
        self.inner = inner or httpx.AsyncHTTPTransport(
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=8)
        )
        self.clock = clock
        self.count = 0
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if (self.folder / RESPONSES_FILE).exists():
                raise RecordingError(f"{self.folder} already holds a recording; choose an empty folder")
            started = clock()
            (self.folder / META_FILE).write_text(
                json.dumps(
                    {"format": FORMAT, "version": FORMAT_VERSION, "triffin": __version__, "started": _iso(started)}
                )
                + "\n",
                encoding="utf-8",
            )
            self._fh = open(self.folder / RESPONSES_FILE, "a", encoding="utf-8")  # noqa: SIM115 - kept open while recording
        except OSError as exc:
            raise RecordingError(f"cannot write the recording in {self.folder}: {exc.strerror or exc}") from None
        self._started = started
        self._mono = time.monotonic()

    def _write(self, record: dict[str, Any]) -> None:
        self.count += 1
        record = {"seq": self.count, **record}
        try:
            # ASCII JSON: whatever an upstream sent, the file holds no raw control or C1 byte.
            self._fh.write(json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n")
            self._fh.flush()
        except (OSError, ValueError) as exc:  # a full disk must not stop the feed
            log.warning("recording: could not write response %d: %s", self.count, exc)

    def _base(self, request: httpx.Request, started: float) -> dict[str, Any]:
        now = self.clock()
        return {
            "time": _iso(now),
            "t": round(started - self._mono, 6),
            "method": request.method,
            "url": redact(str(request.url)),
            "key": request_key(request.method, request.url),
        }

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Forward the request, store the answer, and return an equivalent response."""
        started = time.monotonic()
        try:
            response = await self.inner.handle_async_request(request)
            body = await response.aread()
        except httpx.TransportError as exc:
            record = self._base(request, started)
            record.update(
                error=type(exc).__name__, message=redact(str(exc))[:200], duration=round(time.monotonic() - started, 6)
            )
            self._write(record)
            raise
        await response.aclose()
        headers = {k: redact(v) for k, v in response.headers.items() if k.lower() in KEPT_HEADERS}
        record = self._base(request, started)
        reason = response.extensions.get("reason_phrase", b"")
        record.update(
            status=response.status_code,
            # The status line comes from the server and may echo the URL, key included.
            reason=redact(reason.decode("latin-1") if isinstance(reason, bytes) else str(reason)),
            headers=headers,
            duration=round(time.monotonic() - started, 6),
        )
        try:
            record["body"] = redact(body.decode("utf-8"))
        except UnicodeDecodeError:  # binary (or Shift-JIS): redact the bytes, then encode
            record["body_b64"] = base64.b64encode(redact_bytes(body)).decode("ascii")
        self._write(record)
        # The live client gets every header (Yahoo's cookie flow needs Set-Cookie) except
        # the framing ones: the body is already decoded, so no Content-Encoding any more.
        live_headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(
            response.status_code,
            headers=live_headers,
            content=body,
            request=request,
            extensions={k: v for k, v in response.extensions.items() if k in ("http_version", "reason_phrase")},
        )

    async def aclose(self) -> None:
        """Close the file and the inner transport."""
        try:
            self._fh.close()
        finally:
            await self.inner.aclose()


# --------------------------------------------------------------------------- replay


@dataclass(frozen=True, slots=True)
class _Record:
    seq: int
    t: float
    key: str
    loose: str
    status: int
    reason: str
    headers: dict[str, str]
    body: bytes
    error: str | None
    message: str


def _load(folder: Path) -> list[_Record]:
    meta_path, path = folder / META_FILE, folder / RESPONSES_FILE
    if not folder.is_dir():
        raise RecordingError(f"{folder}: no such recording folder")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RecordingError(f"{folder}: not a triffin recording (no {META_FILE})") from None
    except (OSError, ValueError) as exc:
        raise RecordingError(f"{meta_path}: unreadable ({type(exc).__name__})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("version") != FORMAT_VERSION:
        raise RecordingError(f"{meta_path}: not a triffin recording of format version {FORMAT_VERSION}")
    records: list[_Record] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise RecordingError(f"{folder}: the recording holds no responses") from None
    except OSError as exc:
        raise RecordingError(f"{path}: unreadable ({exc.strerror})") from None
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            url = httpx.URL(str(d["url"]))
            if "body_b64" in d:
                body = base64.b64decode(d["body_b64"])
            else:
                body = str(d.get("body") or "").encode("utf-8")
            records.append(
                _Record(
                    int(d["seq"]),
                    float(d["t"]),
                    str(d["key"]),
                    loose_key(str(d["method"]), url),
                    int(d.get("status", 0)),
                    str(d.get("reason", "")),
                    dict(d.get("headers", {})),
                    body,
                    d.get("error"),
                    str(d.get("message", "")),
                )
            )
        except (ValueError, KeyError, TypeError):
            # A line cut short by a crash mid-write: skip it, keep the rest.
            log.warning("recording %s line %d is malformed; skipped", path, lineno)
    if not records:
        raise RecordingError(f"{folder}: the recording holds no responses")
    records.sort(key=lambda r: (r.t, r.seq))
    return records


class ReplayTransport(httpx.AsyncBaseTransport):
    """Answers requests from a recording folder (see the module docstring for matching).

    Args:
        folder: a folder written by :class:`RecordingTransport`.
        speed: 0 serves at once; N > 0 holds each response until its recorded time / N.
        sleep: coroutine used to wait (patched in tests).

    Raises:
        RecordingError: the folder is not a readable recording.
    """

    def __init__(
        self,
        folder: Path | str,
        speed: float = 0.0,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self.folder = Path(folder)
        if speed < 0:
            raise RecordingError("--speed must not be negative")
        self.speed = float(speed)
        self.sleep = sleep
        self.records = _load(self.folder)
        self._t0 = self.records[0].t
        self.started = _started(self.folder, self.records)
        self._exact: dict[str, list[_Record]] = {}
        self._loose: dict[str, list[_Record]] = {}
        for r in self.records:
            self._exact.setdefault(r.key, []).append(r)
            self._loose.setdefault(r.loose, []).append(r)
        self._cursor: dict[str, int] = {}
        self._start: float | None = None
        self.served = 0
        self._served_seqs: set[int] = set()
        self.misses: list[str] = []

    def virtual_now(self) -> dt.datetime:
        """The recorded wall-clock time the replay has reached.

        With ``speed`` > 0 it runs ``speed`` times faster than real time from the first
        request; with ``speed`` 0 it is the recorded time of the newest response served.
        """
        if self._start is None:
            return self.started
        if self.speed > 0:
            return self.started + dt.timedelta(seconds=(time.monotonic() - self._start) * self.speed)
        newest = max((r.t for r in self.records if r.seq in self._served_seqs), default=self._t0)
        return self.started + dt.timedelta(seconds=newest - self._t0)

    @property
    def duration(self) -> float:
        """Seconds between the first and the last recorded response."""
        return self.records[-1].t - self._t0

    @property
    def exhausted(self) -> bool:
        """True once every recorded response has been served at least once."""
        return len(self._served_seqs) >= len(self.records)

    @property
    def served_unique(self) -> int:
        """How many distinct recorded responses have been served."""
        return len(self._served_seqs)

    @property
    def finished(self) -> bool:
        """True when the replay has nothing new to show: every response served, or (with a
        ``speed``) the replay clock is past the last recorded response."""
        if self.exhausted:
            return True
        return self.speed > 0 and self.virtual_now() >= self.started + dt.timedelta(seconds=self.duration)

    def _pick(self, request: httpx.Request) -> _Record | None:
        key = request_key(request.method, request.url)
        if key in self._exact:
            cursor, records = "=" + key, self._exact[key]
        else:
            loose = loose_key(request.method, request.url)
            if loose not in self._loose:
                return None
            cursor, records = "~" + loose, self._loose[loose]
        i = self._cursor.get(cursor, 0)
        self._cursor[cursor] = i + 1
        return records[min(i, len(records) - 1)]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """The recorded answer to ``request`` (404 "not in recording" when there is none)."""
        if self._start is None:
            self._start = time.monotonic()
        record = self._pick(request)
        if record is None:
            self.misses.append(request_key(request.method, request.url))
            return httpx.Response(
                404,
                content=b"triffin replay: no recorded response for this request\n",
                headers={"Content-Type": "text/plain"},
                request=request,
                extensions={"reason_phrase": b"Not In Recording"},
            )
        if self.speed > 0:
            due = self._start + (record.t - self._t0) / self.speed
            wait = due - time.monotonic()
            if wait > 0:
                await self.sleep(wait)
        self.served += 1
        self._served_seqs.add(record.seq)
        if record.error:
            cls = getattr(httpx, record.error, None)
            if not (isinstance(cls, type) and issubclass(cls, httpx.TransportError)):
                cls = httpx.ConnectError
            raise cls(f"(replayed) {record.message}", request=request)
        return httpx.Response(
            record.status,
            headers=record.headers,
            content=record.body,
            request=request,
            extensions={"reason_phrase": record.reason.encode("latin-1", "replace")},
        )


def _started(folder: Path, records: list[_Record]) -> dt.datetime:
    """Wall-clock time of the first recorded response (from the meta file's ``started``)."""
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        started = dt.datetime.fromisoformat(str(meta["started"]))
    except (OSError, ValueError, KeyError):
        return dt.datetime.now(dt.UTC)
    return started + dt.timedelta(seconds=records[0].t)


def replay_settings(settings: FeedSettings) -> FeedSettings:
    """Feed settings for a replay: no politeness spacing, since no real server is asked.

    Everything else (enabled sources, keys that pick an API, retries) stays as configured,
    so the same requests are made as when the recording was taken. Replay with the config
    the recording was made with.
    """
    sources = {
        name: dataclasses.replace(src, min_interval=0.0, max_per_minute=0) for name, src in settings.sources.items()
    }
    return dataclasses.replace(settings, sources=sources)


def attach_replay(feed: Any, transport: ReplayTransport) -> None:
    """Put a :class:`datafeed.feed.Feed` on the replay's clock.

    Why: job cadences are real seconds (FRED every 15 minutes); at ``speed`` 60 the feed
    must ask every 15 seconds to see what the recorded feed saw, and intraday quotes are
    asked for when the market was open at the *recorded* time, not now. With ``speed`` 0
    every job is due on every pass and the recording is served as fast as it is asked.
    """
    speed = transport.speed
    for job in feed.all_jobs:
        job.cadence = job.cadence / speed if speed > 0 else 0.0
        job.next_due = 0.0
    base = feed.market_open
    feed.market_open = lambda _now: base(transport.virtual_now())


# --------------------------------------------------------------------------- client


def make_client(settings: FeedSettings, transport: httpx.AsyncBaseTransport) -> httpx.AsyncClient:
    """The shared client as :class:`datafeed.http.HttpContext` builds it, over ``transport``.

    Pass the result as ``HttpContext(settings, client=...)``; the caller closes it.
    """
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(settings.timeout, connect=min(5.0, settings.timeout)),
        headers={"User-Agent": settings.user_agent},
        follow_redirects=True,
    )
