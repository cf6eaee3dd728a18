"""Provides the one shared HTTP client and the politeness around it.

Every provider request goes through :class:`HttpContext.get`, which adds, per source:

- a concurrency limit (semaphore) and a minimum spacing between requests (FRED's rate
  limit, the Bank of Japan's one-second rule, Yahoo's temper);
- explicit timeouts and an overall deadline, so ``snapshot --timeout`` is honoured; a whole
  exchange never takes more than twice ``timeout`` (a byte-dripping server cannot hold it);
- a cap on the body size (``FeedSettings.max_body``, 16 MB), enforced while streaming;
- retries of transient failures with exponential backoff and full jitter, honouring
  ``Retry-After`` (capped by the deadline);
- at most :data:`MAX_REDIRECTS` redirects per request, each hop counted against the
  source's limits like a request of its own; a longer chain is an error, not retried;
- error mapping to :mod:`datafeed.errors` with secrets redacted.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from datafeed.errors import FetchError, RateLimited, redact
from datafeed.settings import FeedSettings, SourceSettings

MAX_VALIDATED = 64
"""Most URLs whose validators and last body are kept for conditional requests."""

RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
"""Statuses worth trying again."""

MAX_REDIRECTS = 5
"""Redirects followed per request; each hop waits its turn at the source's gate (its
spacing and per-minute cap), so a redirect loop cannot outrun the documented rate (with
httpx's own 20 hops, times the retries, a loop made 882 requests in 10 s)."""


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def client_limits(settings: FeedSettings) -> httpx.Limits:
    """The shared client's connection pool: room for every enabled source's own limit at
    once (at least 16), and an idle connection kept per source (at least 8).

    Why: the politeness limits are per source (its gate); a smaller client-wide pool only
    queued requests the gates had let through. With 16 for eleven sources a full pass's
    Yahoo quotes held Yahoo's slots while waiting for a pooled connection, and every later
    Yahoo request waited behind them (0.3 s of a warm pass).
    """
    enabled = [s for s in settings.sources.values() if s.enabled]
    total = sum(max(1, s.max_connections) for s in enabled)
    return httpx.Limits(max_connections=max(16, total), max_keepalive_connections=max(8, len(enabled)))


class _SourceGate:
    """Concurrency limit, minimum spacing and a 60-second window limit for one source."""

    def __init__(self, max_connections: int, min_interval: float, max_per_minute: int = 0) -> None:
        self.semaphore = asyncio.Semaphore(max(1, max_connections))
        self.min_interval = max(0.0, min_interval)
        self.max_per_minute = max(0, max_per_minute)
        self._next_slot = 0.0
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()
        self.blocked_until = 0.0

    def _slot(self, now: float) -> float:
        start = max(now, self._next_slot, self.blocked_until)
        if self.max_per_minute:
            while self._sent and self._sent[0] <= start - 60.0:
                self._sent.popleft()
            if len(self._sent) >= self.max_per_minute:
                start = max(start, self._sent[0] + 60.0)
        return start

    async def wait_turn(self) -> None:
        """Sleep until this source may be asked again, and book that slot."""
        async with self._lock:
            start = self._slot(time.monotonic())
            self._next_slot = start + self.min_interval
            if self.max_per_minute:
                self._sent.append(start)
        delay = start - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)


class HttpContext:
    """The shared ``httpx.AsyncClient`` with per-source limits, retries and deadlines.

    Args:
        settings: feed settings (timeouts, retries, user agent, per-source limits).
        client: an existing client to share (tests pass one with a MockTransport).
        deadline: ``time.monotonic()`` value after which no new attempt starts.
    """

    def __init__(
        self,
        settings: FeedSettings,
        client: httpx.AsyncClient | None = None,
        deadline: float | None = None,
    ) -> None:
        self.settings = settings
        self._own_client = client is None
        self.client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(settings.timeout, connect=min(5.0, settings.timeout)),
            headers={"User-Agent": settings.user_agent},
            follow_redirects=True,
            limits=client_limits(settings),
        )
        self.deadline = deadline
        self._gates: dict[str, _SourceGate] = {}
        self.requests = 0
        self.not_modified = 0
        self.sleep = asyncio.sleep
        self.answered: dict[str, bool] = {}
        """Per source: whether its latest attempt was answered (2xx or 304). A source whose
        latest attempt got no answer (a timeout, a reset) while its job still retries shows
        ``no answer`` instead of ``connecting`` (:func:`datafeed.health.source_health`)."""
        self.on_attempt: Callable[[str, bool], None] | None = None
        """Called after every attempt with the source's name and whether it was answered
        (2xx or 304): the Monitor goes offline as soon as every source's first try failed."""
        # Conditional requests: URL (secrets removed) -> (validators, last body). Only
        # stable URLs (a year's Treasury file, MOF's current month) ever answer 304.
        self._validated: dict[str, tuple[dict[str, str], bytes, dict[str, str]]] = {}

    def gate(self, source: SourceSettings) -> _SourceGate:
        """The gate of one source, created on first use."""
        gate = self._gates.get(source.name)
        if gate is None:
            gate = self._gates[source.name] = _SourceGate(
                source.max_connections, source.min_interval, source.max_per_minute
            )
        return gate

    def remaining(self) -> float | None:
        """Seconds left before the deadline, or None without one."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    async def aclose(self) -> None:
        """Close the client if this context created it."""
        if self._own_client:
            await self.client.aclose()

    async def get(
        self,
        source: SourceSettings,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """GET ``url`` politely, retrying transient failures.

        Returns:
            the successful (2xx or 304) response.

        Raises:
            FetchError: the request failed for good; the message is one redacted line.
        """
        gate = self.gate(source)
        attempts = max(1, self.settings.retries)
        last: FetchError | None = None
        for attempt in range(attempts):
            remaining = self.remaining()
            if remaining is not None and remaining <= 0:
                break
            async with gate.semaphore:
                await gate.wait_turn()
                key = self._validator_key(url, params)
                try:
                    response = await self._send(url, params, self._conditional(key, headers), remaining, gate)
                except FetchError as exc:
                    last = exc
                    self._attempted(source.name, False)
                else:
                    self._attempted(source.name, response.status_code < 300 or response.status_code == 304)
                    if response.status_code == 304 and key in self._validated:
                        self.not_modified += 1
                        return self._replay(key, response)
                    if response.status_code < 300:
                        self._remember(key, response)
                        return response
                    last = self._status_error(source, response)
                    if isinstance(last, RateLimited) and last.retry_after:
                        gate.blocked_until = time.monotonic() + last.retry_after
            if not last.transient or attempt == attempts - 1:
                break
            if last.retry_after is not None and last.retry_after > self.settings.timeout:
                # A long Retry-After is honoured by the source gate and the feed's job
                # backoff; waiting for it inside one request would stall the whole pass.
                break
            delay = self._backoff(attempt, last.retry_after)
            remaining = self.remaining()
            if remaining is not None and delay >= remaining:
                break
            await self.sleep(delay)
        assert last is not None or self.remaining() is not None
        raise last or FetchError(f"{source.name}: no time left for the request")

    def _attempted(self, source: str, answered: bool) -> None:
        self.answered[source] = answered
        if self.on_attempt is not None:
            self.on_attempt(source, answered)

    @staticmethod
    def _validator_key(url: str, params: Mapping[str, Any] | None) -> str:
        return redact(str(httpx.URL(url, params=params) if params else httpx.URL(url)))

    def _conditional(self, key: str, headers: Mapping[str, str] | None) -> Mapping[str, str] | None:
        """Add If-None-Match / If-Modified-Since when an earlier answer gave validators."""
        known = self._validated.get(key)
        if known is None:
            return headers
        merged = dict(headers or {})
        merged.update(known[0])
        return merged

    def _remember(self, key: str, response: httpx.Response) -> None:
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        if not etag and not modified:
            self._validated.pop(key, None)
            return
        validators = {}
        if etag:
            validators["If-None-Match"] = etag
        if modified:
            validators["If-Modified-Since"] = modified
        if len(self._validated) >= MAX_VALIDATED and key not in self._validated:
            self._validated.pop(next(iter(self._validated)))
        ctype = {"Content-Type": response.headers.get("Content-Type", "")}
        self._validated[key] = (validators, response.content, ctype)

    def _replay(self, key: str, not_modified: httpx.Response) -> httpx.Response:
        """A 304 means "what you had": hand the provider the body it got last time."""
        _, body, headers = self._validated[key]
        return httpx.Response(200, content=body, headers=headers, request=not_modified.request)

    async def _send(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        remaining: float | None,
        gate: _SourceGate | None = None,
    ) -> httpx.Response:
        timeout: httpx.Timeout | None = None
        t = self.settings.timeout
        if remaining is not None:
            t = max(0.05, min(self.settings.timeout, remaining))
            timeout = httpx.Timeout(t, connect=min(5.0, t))
        # httpx's timeouts bound each socket operation; a server dripping one byte at a
        # time never trips them, so the whole exchange is bounded too.
        total = 2.0 * t if remaining is None else max(0.05, min(2.0 * t, remaining))
        self.requests += 1
        try:
            async with asyncio.timeout(total):
                extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
                request = self.client.build_request("GET", url, params=params, headers=headers, **extra)
                response = await self._follow(request, url, gate)
                try:
                    await self._read_capped(response, url)
                finally:
                    await response.aclose()
            return response
        except TimeoutError:
            # Rounded to 0.1 s: the bound is what remains of a budget (4.44941 s is noise to a reader).
            said = max(round(total, 1), 0.1)
            raise FetchError(f"timed out (no complete answer within {said:g} s) fetching {_where(url)}") from None
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out ({type(exc).__name__}) fetching {_where(url)}") from None
        except httpx.TransportError as exc:
            raise FetchError(f"{type(exc).__name__} fetching {_where(url)}: {redact(str(exc))[:120]}") from None
        except httpx.HTTPError as exc:  # pragma: no cover - other httpx errors
            raise FetchError(f"{type(exc).__name__}: {redact(str(exc))[:120]}") from None

    async def _follow(self, request: httpx.Request, url: str, gate: _SourceGate | None) -> httpx.Response:
        """Send ``request``, following at most :data:`MAX_REDIRECTS` redirects one hop at a
        time, each hop waiting its turn at ``gate`` and counted in :attr:`requests`."""
        response = await self.client.send(request, stream=True, follow_redirects=False)
        hops = 0
        while response.next_request is not None:
            following = response.next_request
            await response.aclose()
            hops += 1
            if hops > MAX_REDIRECTS:
                raise FetchError(
                    f"more than {MAX_REDIRECTS} redirects fetching {_where(url)} (a redirect loop?)", transient=False
                )
            if gate is not None:
                await gate.wait_turn()
            self.requests += 1
            response = await self.client.send(following, stream=True, follow_redirects=False)
        return response

    async def _read_capped(self, response: httpx.Response, url: str) -> None:
        """Read the body like ``Response.aread()``, abandoning it above ``max_body`` bytes."""
        limit = self.settings.max_body
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large(url, limit)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise self._too_large(url, limit)
            chunks.append(chunk)
        response._content = b"".join(chunks)  # what aread() stores; .content/.text read it

    @staticmethod
    def _too_large(url: str, limit: int) -> FetchError:
        return FetchError(
            f"answer from {_where(url)} is larger than {limit / 1048576:g} MB; abandoned", transient=False
        )

    def _status_error(self, source: SourceSettings, response: httpx.Response) -> FetchError:
        status = response.status_code
        reason = response.reason_phrase or "error"
        where = _where(str(response.request.url))
        if status == 429:
            return RateLimited(
                f"{source.name}: HTTP 429 Too Many Requests from {where}",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                status=status,
            )
        return FetchError(
            f"{source.name}: HTTP {status} {reason} from {where}",
            transient=status in RETRY_STATUS,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            status=status,
        )

    @staticmethod
    def _backoff(attempt: int, retry_after: float | None) -> float:
        """Full-jitter exponential backoff (0.5 s base, 8 s cap), or Retry-After if longer."""
        delay = random.uniform(0, min(8.0, 0.5 * 2**attempt))
        if retry_after is not None:
            delay = max(delay, min(retry_after, 60.0))
        return delay


def _where(url: str) -> str:
    """Host and path of a URL, without its query string (which may hold a key)."""
    try:
        u = httpx.URL(url)
        return f"{u.host}{':' + str(u.port) if u.port else ''}{u.path}"
    except Exception:  # pragma: no cover - defensive
        return redact(url.split("?", 1)[0])
