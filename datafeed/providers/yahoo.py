"""Provides the Yahoo Finance intraday quote provider (``[sources.yahoo]``, optional).

Endpoints (unofficial, keyless): up to 20 symbols in one request (``spark``), and one
symbol per request (``chart``)::

    {base_url}/v7/finance/spark?symbols=%5ETNX%2CGC%3DF&range=1d&interval=5m
    {base_url}/v8/finance/chart/{SYMBOL}?range=1d&interval=5m

A spark answer is ``{"spark":{"result":[{"symbol":"^TNX","response":[R]}, ...],
"error":null}}`` where each ``R`` is the very object a chart answer carries as
``chart.result[0]``, so both go through one parser (:func:`parse_result`). The
newest 5-minute bar with a price becomes one provisional observation (``intraday=True``)
that extends an instrument past its last official close until the official source
publishes that day.

Why spark (``batch = true``, the default): the eleven quote symbols of the catalog cost one
request per poll instead of eleven, at the same spacing. Its weak points, and what the
provider does about them:

- one unknown symbol can make Yahoo refuse the whole spark request (404, or 400 with a
  ``{"spark":{"result":null,"error":{...}}}`` body), and a body that is not a spark object
  helps nobody: the symbols of that request are asked one by one through chart, so a bad
  symbol fails alone, named by chart's own message. The symbol(s) chart then refuses for
  good are asked through chart alone for :data:`SOLO_RETRY` seconds; when every chart
  answered, spark itself is the trouble and is not tried again for :data:`SPARK_RETRY`
  seconds (one log line says so);
- a symbol missing from a spark result (Yahoo leaves out what it does not serve) is asked
  through chart, and through chart alone for :data:`SOLO_RETRY` seconds;
- a symbol Yahoo refuses for good (chart's 404, an error in its place) is not asked again
  at every poll: its row keeps the failure, and it is asked again after
  :data:`GONE_FIRST` seconds, then twice as long each time it is refused again, up to
  :data:`GONE_MAX` (as its own job backed off when every symbol was one);
- at most :data:`SPARK_CHUNK` (20) symbols per request, which Yahoo enforces with a 400;
- the symbols of a request are sorted, so the same set is always the same URL (a desk's
  cache proxy, :mod:`datafeed.proxy`, answers every pane with the set from one entry).

Wire quirks handled here (see the wire notes, section E):

- quote arrays run parallel to ``timestamp`` and contain ``null`` for bars without a trade
  (often the newest bar while a session is open): those bars are skipped;
- ``result[0]`` may have no ``timestamp`` at all (out of session, thin range): no
  observation, not an error;
- an unknown or delisted symbol is HTTP 404 with
  ``{"chart":{"result":null,"error":{"code":"Not Found",...}}}``;
- HTTP 429 comes back as plain text (``Too Many Requests``), not JSON, and is triggered as
  much by the User-Agent and IP reputation as by volume, so this provider sends a current
  browser User-Agent and, after a 429, pauses *all* Yahoo requests for a while;
- 401 ``Invalid Crumb`` is the answer of crumb-protected endpoints; v8 chart does not
  normally need a crumb, but if it ever answers 401 the provider fetches a session cookie
  and a crumb once and retries with it (not behind a desk's cache proxy, ``datafeed.proxy``:
  a crumb is tied to one session's cookie, which a shared cache neither forwards nor should
  key on, so there a 401 is reported as an error and retried later);
- floats carry binary noise (``4.270999908447266``), kept as is;
- ``^TNX`` is quoted in percent (4.275 = 4.275 %), see :data:`YIELD_SYMBOLS`.

Licence: Yahoo Finance data is provided for personal, non-commercial use under Yahoo's
terms of service; this endpoint is unofficial and undocumented and may change or refuse
service at any time. Credit: "Intraday quotes: Yahoo Finance (unofficial; personal use)".
The source is off-switchable with ``[sources.yahoo] enabled = false``; spark alone with
``batch = false`` (one chart request per symbol, as before spark).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from datafeed.errors import FeedError, FetchError, ParseError, PartialFetch, RateLimited, register_secret
from datafeed.lazy_re import LazyPattern
from datafeed.providers.base import ExtraKey, Provider, Target

if TYPE_CHECKING:  # the network stack and the parsing records load only when they are used
    import httpx

    from datafeed.catalog import SourceRef
    from datafeed.http import HttpContext
    from datafeed.models import Fetched
    from datafeed.providers._parsed import IntradayPoint
    from datafeed.settings import SourceSettings

    _T = TypeVar("_T")

DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
)
"""User-Agent sent to Yahoo only (config: ``user_agent``).

Why not triffin's own: Yahoo's edge answers 429 to missing, tool-like or outdated
User-Agents regardless of request volume (yfinance issues #2297 and #2518, tickrs #170);
a current browser string is the documented community workaround. Every other source gets
the ``triffin/...`` User-Agent.
"""

DEFAULT_COOKIE_URL = "https://fc.yahoo.com"
"""Where a session cookie is picked up before asking for a crumb (config: ``cookie_url``).

It answers 404 but sets the cookie; the crumb endpoint refuses requests without it.
"""

CRUMB_PATH = "/v1/test/getcrumb"
"""Crumb endpoint under ``base_url`` (config: ``crumb_url`` overrides the whole URL)."""

DEFAULT_COOLDOWN = 300.0
"""Seconds to stop asking Yahoo after a 429 (config: ``cooldown``), or Retry-After if longer."""

SPARK_PATH = "/v7/finance/spark"
"""Many-symbol endpoint under ``base_url``."""

SPARK_CHUNK = 20
"""Most symbols in one spark request: Yahoo answers 400 ("Number of symbols needs to be
less than or equal to 20") to more."""

SPARK_RETRY = 3600.0
"""Seconds spark is left alone after it refused a request that no symbol explains (every
symbol answered through chart): asking it on every poll would add a request each time."""

SOLO_RETRY = 3600.0
"""Seconds a symbol is asked through chart alone after spark left it out, or after it made
a spark request fail (chart then refused it for good): the other symbols keep spark."""

GONE_FIRST = 300.0
"""Seconds before a symbol Yahoo refused for good (delisted, mistyped) is asked again; each
further refusal doubles it, up to :data:`GONE_MAX`."""

GONE_MAX = 1800.0
"""The longest a refused symbol waits before it is asked again."""


class SymbolRefused(FetchError):
    """Yahoo refused this symbol itself: chart's 404, or its error envelope for the symbol.

    Only this failure sends a symbol to chart alone (``_solo``) and makes it wait before it
    is asked again (``_gone``): a 403, a malformed body, a timeout or a 429 say nothing of
    the symbol, and a failure of every symbol at once is Yahoo's, left to the feed's backoff.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=False)


log = logging.getLogger(__name__)

YIELD_SYMBOLS: Mapping[str, str] = {
    "^IRX": "13-week T-bill discount yield, %",
    "^FVX": "5-year Treasury yield, %",
    "^TNX": "10-year Treasury yield, %",
    "^TYX": "30-year Treasury yield, %",
}
"""CBOE Treasury yield indices and their scale on Yahoo.

Scale per symbol: all four are quoted in **percent** on Yahoo today (the captured ^TNX
chart reads 4.275 for 4.275 %). CBOE historically published them at ten times the yield
(^TNX 42.75 for 4.275 %), and older caches, mirrors or a change back would feed ×10
values into a percent series; :func:`normalize_yield` guards against that. Every other
symbol is used as quoted: ``DX-Y.NYB`` index points, ``EURUSD=X`` USD per EUR, ``JPY=X``
JPY per USD, ``CHF=X`` CHF per USD, ``^VIX`` points, ``^GSPC`` index points, ``GC=F``
USD per troy ounce (front-month COMEX future, not spot).
"""

YIELD_X10_THRESHOLD = 20.0
"""A yield-index value above this is taken as quoted ×10 (no US yield printed > 20 % since 1981)."""

_STATUS = LazyPattern(r"\bHTTP (\d{3})\b")


def normalize_yield(symbol: str, value: float) -> float:
    """Undo the historical ×10 quoting of CBOE yield indices, by a sanity rule.

    For the symbols in :data:`YIELD_SYMBOLS`, a value above :data:`YIELD_X10_THRESHOLD`
    (20) cannot be a percent yield in any market since 1981, so it is read as ×10 and
    divided by ten; values at or below 20 are already percent. Other symbols pass through.

    Args:
        symbol: the Yahoo symbol (``^TNX``).
        value: the quoted number.

    Returns:
        The value in percent for yield symbols, unchanged otherwise.
    """
    if symbol in YIELD_SYMBOLS and value > YIELD_X10_THRESHOLD:
        return value / 10.0
    return value


def __getattr__(name: str) -> object:
    """``IntradayPoint`` (:mod:`datafeed.providers._parsed`), created when first used."""
    if name == "IntradayPoint":
        from datafeed.providers._parsed import IntradayPoint

        return IntradayPoint
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _zone(meta: Mapping[str, Any]) -> dt.tzinfo:
    """The exchange time zone: IANA name when known, else the fixed ``gmtoffset``."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # a parser's, not the registry's (issue 20)

    name = meta.get("exchangeTimezoneName")
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    offset = meta.get("gmtoffset")
    return dt.timezone(dt.timedelta(seconds=int(offset))) if isinstance(offset, int | float) else dt.UTC


def _regular_periods(meta: Mapping[str, Any]) -> list[tuple[int, int]]:
    """(start, end) epoch seconds of the regular sessions named in ``meta``.

    ``tradingPeriods`` is a list of lists for ``range=1d`` and a dict of such lists for
    longer ranges; ``currentTradingPeriod.regular`` is always a single period.
    """
    found: list[tuple[int, int]] = []

    def add(item: Any) -> None:
        if isinstance(item, Mapping) and isinstance(item.get("start"), int) and isinstance(item.get("end"), int):
            found.append((item["start"], item["end"]))
        elif isinstance(item, list):
            for sub in item:
                add(sub)

    periods = meta.get("tradingPeriods")
    add(periods.get("regular") if isinstance(periods, Mapping) else periods)
    current = meta.get("currentTradingPeriod")
    if isinstance(current, Mapping):
        add(current.get("regular"))
    return found


def _trading_date(ts: int, periods: list[tuple[int, int]], zone: dt.tzinfo) -> dt.date:
    """The trading date of a bar: the local date its regular session ends on.

    Why the session end: futures and FX sessions open the evening before (GC=F trades from
    18:00 New York), so a bar's own calendar date can be the day before the session it
    belongs to; the session's closing date is the trading date. Bars outside any known
    session fall back to their local calendar date.
    """
    for start, end in periods:
        if start <= ts < end:
            return dt.datetime.fromtimestamp(end - 1, zone).date()
    return dt.datetime.fromtimestamp(ts, zone).date()


def _load(body: bytes | str | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(body, Mapping):
        return body
    import json  # parsing modules load when a parse runs, not with the registry

    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
        raise ParseError(f"yahoo: body is not JSON: {text.strip()[:60]!r}") from None
    if not isinstance(data, Mapping):
        raise ParseError("yahoo: JSON body is not an object")
    return data


def parse_chart(body: bytes | str | Mapping[str, Any], symbol: str) -> list[IntradayPoint]:
    """Parse a v8 chart body into the bars that have a close, oldest first.

    Args:
        body: the response body (or an already decoded JSON object).
        symbol: the requested symbol, for messages and the ×10 rule.

    Returns:
        One :class:`IntradayPoint` per bar with a non-null close; ``[]`` when the result
        has no ``timestamp`` or no quote arrays (market closed, thin range).

    Raises:
        FetchError: the body is Yahoo's error envelope (``{"chart":{"result":null,
            "error":{...}}}``, e.g. symbol not found); not transient.
        ParseError: the body is not a v8 chart object.
    """
    data = _load(body)
    chart = data.get("chart")
    if not isinstance(chart, Mapping):
        error = data.get("finance", {}).get("error") if isinstance(data.get("finance"), Mapping) else None
        if isinstance(error, Mapping):
            raise FetchError(f"yahoo: {symbol}: {error.get('code')}: {error.get('description')}", transient=False)
        raise ParseError("yahoo: no 'chart' object in the body")
    error = chart.get("error")
    if isinstance(error, Mapping):
        raise SymbolRefused(f"yahoo: {symbol}: {error.get('code')}: {error.get('description')}")
    results = chart.get("result")
    if not isinstance(results, list) or not results or not isinstance(results[0], Mapping):
        raise ParseError(f"yahoo: {symbol}: chart has neither a result nor an error")
    return parse_result(results[0], symbol)


def parse_result(result: Mapping[str, Any], symbol: str) -> list[IntradayPoint]:
    """Parse one symbol's bars: a chart answer's ``chart.result[0]``, or a spark answer's
    ``response[0]`` (the same object), so both endpoints keep one rule for the last priced
    bar, trading dates, the ×10 guard and error texts.

    Returns:
        One :class:`IntradayPoint` per bar with a non-null close, oldest first; ``[]``
        without ``timestamp`` or quote arrays.

    Raises:
        ParseError: the bars are not arrays of numbers.
    """
    from datafeed.providers._parsed import IntradayPoint

    raw_meta = result.get("meta")
    meta: Mapping[str, Any] = raw_meta if isinstance(raw_meta, Mapping) else {}
    stamps = result.get("timestamp")
    if not stamps:
        return []
    indicators = result.get("indicators")
    quotes = indicators.get("quote") if isinstance(indicators, Mapping) else None
    closes = quotes[0].get("close") if isinstance(quotes, list) and quotes and isinstance(quotes[0], Mapping) else None
    if not closes:
        return []
    if not isinstance(stamps, list) or not isinstance(closes, list):
        raise ParseError(f"yahoo: {symbol}: timestamp/close are not arrays")
    zone = _zone(meta)
    periods = _regular_periods(meta)
    out: list[IntradayPoint] = []
    for ts, close in zip(stamps, closes, strict=False):
        if close is None or ts is None:
            continue
        if not isinstance(ts, int | float) or not isinstance(close, int | float):
            raise ParseError(f"yahoo: {symbol}: bar {ts!r}={close!r} is not numeric")
        value = float(close)
        if value != value:  # NaN
            continue
        moment = dt.datetime.fromtimestamp(int(ts), dt.UTC)
        out.append(IntradayPoint(moment, _trading_date(int(ts), periods, zone), normalize_yield(symbol, value)))
    out.sort(key=lambda p: p.time)
    return out


def parse_spark(
    body: bytes | str | Mapping[str, Any], symbols: Sequence[str]
) -> dict[str, list[IntradayPoint] | ParseError]:
    """Parse a spark body into each asked symbol's bars (see :func:`parse_result`).

    Args:
        body: the response body (or an already decoded JSON object).
        symbols: the symbols asked for; entries for others are ignored.

    Returns:
        Symbol → its bars, for every asked symbol the result carries with a ``response``
        object; or the :class:`ParseError` its bars gave (what its chart answer, the same
        object, would give: that symbol fails, the others stand). A symbol left out, or
        without a response, is absent: the caller asks it through chart.

    Raises:
        FetchError: the body is Yahoo's error envelope (``{"spark":{"result":null,
            "error":{...}}}``, e.g. too many symbols); not transient.
        ParseError: the body is not a spark object.
    """
    data = _load(body)
    spark = data.get("spark")
    if not isinstance(spark, Mapping):
        raise ParseError("yahoo: no 'spark' object in the body")
    error = spark.get("error")
    if isinstance(error, Mapping):
        raise FetchError(f"yahoo: spark: {error.get('code')}: {error.get('description')}", transient=False)
    results = spark.get("result")
    if not isinstance(results, list):
        raise ParseError("yahoo: spark has neither a result nor an error")
    wanted = set(symbols)
    out: dict[str, list[IntradayPoint] | ParseError] = {}
    for item in results:
        if not isinstance(item, Mapping):
            continue
        symbol = item.get("symbol")
        response = item.get("response")
        if symbol not in wanted or not isinstance(response, list) or not response:
            continue
        assert isinstance(symbol, str)
        if isinstance(response[0], Mapping):
            try:
                out[symbol] = parse_result(response[0], symbol)
            except ParseError as exc:
                out[symbol] = exc
    return out


def http_status(exc: FetchError) -> int | None:
    """The HTTP status behind a :class:`FetchError` (``status`` attribute, else its message)."""
    status = getattr(exc, "status", None)
    if isinstance(status, int):
        return status
    m = _STATUS.search(exc.message)
    return int(m.group(1)) if m else None


def chart_url(base_url: str, symbol: str) -> str:
    """``{base}/v8/finance/chart/{percent-encoded symbol}``."""
    return f"{base_url}/v8/finance/chart/{quote(symbol, safe='')}"


def spark_url(base_url: str) -> str:
    """``{base}/v7/finance/spark`` (the symbols go in the ``symbols`` parameter)."""
    return f"{base_url}{SPARK_PATH}"


class YahooProvider(Provider):
    """Intraday last prices from Yahoo Finance: spark for many symbols, chart for one (optional).

    With ``batch = true`` (the default) every quote target shares one :meth:`batch_key`, so
    the feed runs one job and this provider asks spark for up to 20 symbols a request; one
    symbol that fails (delisted, mistyped) fails only its own instruments
    (:class:`~datafeed.errors.PartialFetch`). With ``batch = false`` each symbol is its own
    job and chart request. State kept between calls: the crumb (if one was ever needed),
    the 429 pause, when spark may be tried again, and the symbols asked through chart alone.
    """

    name = "yahoo"
    short = "YHOO"
    title = "Yahoo Finance (unofficial quotes)"
    base_url = "https://query1.finance.yahoo.com"
    market = "us"
    intraday = True
    # Yahoo: 50 ms between requests, so the per-symbol fallback (or ``batch = false``) is a
    # short burst (~0.6 s at 4 connections) instead of a 2.75 s crawl; the 60-a-minute
    # window does the real limiting (a sustained 1 request/s, the rate yfinance users
    # report as safe, ranaroussi/yfinance#2125). A 429 still pauses every Yahoo request for
    # ``cooldown`` seconds; Yahoo's 429s follow the User-Agent and IP reputation more than
    # short bursts. Spark asks the catalog's eleven symbols in one request.
    min_interval = 0.05
    max_per_minute = 60
    extra_keys = (
        ExtraKey("user_agent", str, DEFAULT_USER_AGENT, "User-Agent sent to Yahoo (a browser-like one)"),
        ExtraKey("crumb_url", str, "", "where the crumb is asked for (default: base_url + /v1/test/getcrumb)"),
        ExtraKey("cookie_url", str, DEFAULT_COOKIE_URL, "page visited for the session cookie"),
        ExtraKey("cooldown", (int, float), DEFAULT_COOLDOWN, "seconds every Yahoo request pauses after an HTTP 429"),
        ExtraKey("batch", bool, True, "ask up to 20 symbols in one spark request (false: one chart request each)"),
    )

    def __init__(self, settings: SourceSettings) -> None:
        super().__init__(settings)
        self._crumb: str | None = None
        self._paused_until = 0.0
        self._spark_off_until = 0.0
        self._solo: dict[str, float] = {}
        """Symbol → ``time.monotonic()`` until which it is asked through chart alone."""
        self._gone: dict[str, tuple[float, int, FeedError]] = {}
        """Symbol refused for good → (``time.monotonic()`` it is asked again at, refusals in a
        row, the refusal)."""

    def batch_key(self, ref: SourceRef) -> str:
        """``spark`` for every symbol (one job, one request per 20 symbols); with
        ``batch = false`` the symbol itself (one job and request each)."""
        return "spark" if self.option("batch") else ref.series

    def _headers(self) -> dict[str, str]:
        return {
            "User-Agent": str(self.option("user_agent")),
            "Accept": "application/json,text/plain,*/*",
        }

    def _check_pause(self, symbol: str) -> None:
        left = self._paused_until - time.monotonic()
        if left > 0:
            raise RateLimited(f"yahoo: {symbol}: paused after HTTP 429 ({left:.0f} s left)", retry_after=left)

    async def _refresh_crumb(self, http: HttpContext) -> str:
        """Pick up a session cookie, then ask for a crumb; the client's cookie jar keeps the cookie."""
        headers = self._headers()
        try:
            await http.get(self.settings, str(self.option("cookie_url")), headers=headers)
        except RateLimited:
            raise
        except FetchError:
            pass  # fc.yahoo.com answers 404 yet sets the cookie, which is all we need from it
        crumb_url = str(self.option("crumb_url")) or f"{self.settings.base_url}{CRUMB_PATH}"
        response = await http.get(self.settings, crumb_url, headers=headers)
        crumb = response.text.strip()
        if not crumb or len(crumb) > 64 or any(c in crumb for c in " <{\n"):
            raise FetchError("yahoo: crumb endpoint returned no usable crumb", transient=False)
        register_secret(crumb)
        self._crumb = crumb
        return crumb

    async def _get(self, http: HttpContext, url: str, params: dict[str, str], what: str) -> httpx.Response:
        """GET a chart or spark URL: the 429 pause, and on a 401 a fresh crumb and one retry.

        Args:
            what: the symbol(s) asked, for messages.

        Raises:
            RateLimited: HTTP 429 (every Yahoo request pauses for ``cooldown`` seconds).
            FetchError: a second 401, a 401 behind the cache proxy, or any other failure
                as :meth:`HttpContext.get <datafeed.http.HttpContext.get>` raised it.
        """
        retried = False
        while True:
            self._check_pause(what)
            if self._crumb:
                params["crumb"] = self._crumb
            try:
                return await http.get(self.settings, url, params=params, headers=self._headers())
            except RateLimited as exc:
                pause = max(float(self.option("cooldown")), exc.retry_after or 0.0)
                self._paused_until = time.monotonic() + pause
                raise RateLimited(
                    f"yahoo: {what}: HTTP 429 Too Many Requests; pausing Yahoo for {pause:.0f} s",
                    retry_after=pause,
                ) from None
            except FetchError as exc:
                status = http_status(exc)
                if status == 401 and self.settings.extra.get("via_cache_proxy"):
                    # A crumb belongs to one session cookie; a shared cache (datafeed.proxy)
                    # carries neither cookies nor per-pane query parameters by design.
                    raise FetchError(
                        f"yahoo: {what}: HTTP 401 (crumb required) through the cache proxy, "
                        "which cannot carry Yahoo's per-session crumb",
                        transient=True,
                    ) from None
                if status == 401 and not retried:
                    retried = True
                    self._crumb = None
                    await self._refresh_crumb(http)
                    continue
                if status == 401:
                    raise FetchError(
                        f"yahoo: {what}: HTTP 401 Invalid Crumb even with a fresh crumb", transient=True
                    ) from None
                raise

    async def _get_chart(self, http: HttpContext, symbol: str) -> list[IntradayPoint]:
        """One symbol's bars through chart; a 404 names the symbol as not found."""
        params = {"range": "1d", "interval": "5m"}
        try:
            response = await self._get(http, chart_url(self.settings.base_url, symbol), params, symbol)
        except RateLimited:
            raise
        except FetchError as exc:
            if http_status(exc) == 404:
                raise SymbolRefused(f"yahoo: {symbol}: not found (HTTP 404; symbol mistyped or delisted)") from None
            raise
        return parse_chart(response.content, symbol)

    async def _chart_or_error(self, http: HttpContext, symbol: str) -> tuple[list[IntradayPoint] | FeedError]:
        """:meth:`_get_chart`, its failure returned, in a 1-tuple (so a ``gather`` with
        ``return_exceptions`` tells it from what was raised); a 429 is still raised: it
        stops every symbol."""
        try:
            return (await self._get_chart(http, symbol),)
        except RateLimited:
            raise
        except FeedError as exc:
            return (exc,)

    async def _get_spark(
        self, http: HttpContext, symbols: list[str]
    ) -> tuple[dict[str, list[IntradayPoint] | ParseError], FeedError | None]:
        """One spark request: (what it served, ``None``), or (``{}``, why it was refused).

        Refused: an HTTP 4xx other than 401 and 429 (404 for one unknown symbol, 400 for
        too many), Yahoo's error envelope, or a body that is not a spark object; the caller
        asks those symbols through chart. A 429, a second 401 and transient failures
        (5xx, timeouts: chart would fare no better) are raised.
        """
        params = {"symbols": ",".join(symbols), "range": "1d", "interval": "5m"}
        try:
            what = f"spark ({len(symbols)} symbols)"
            response = await self._get(http, spark_url(self.settings.base_url), params, what)
            return parse_spark(response.content, symbols), None
        except RateLimited:
            raise
        except FetchError as exc:
            if exc.transient:
                raise
            return {}, exc
        except ParseError as exc:
            return {}, exc

    def _use_spark(self, symbols: list[str], now: float) -> list[str]:
        """The symbols to ask through spark now, sorted (one set, one URL): none when
        ``batch`` is off, spark is resting after a refusal, or fewer than two remain."""
        if not self.option("batch") or self._spark_off_until > now:
            return []
        chosen = sorted(s for s in symbols if self._solo.get(s, 0.0) <= now)
        return chosen if len(chosen) > 1 else []

    async def _bars(self, http: HttpContext, symbols: list[str]) -> dict[str, list[IntradayPoint] | FeedError]:
        """Each symbol's bars (or its own failure): spark in chunks, chart for the rest."""
        import asyncio  # with the first fetch, not with the registry (issue 20)

        now = time.monotonic()
        held = {s: self._gone[s] for s in symbols if s in self._gone and self._gone[s][0] > now}
        asked = [s for s in symbols if s not in held]
        spark = self._use_spark(asked, now)
        got: dict[str, list[IntradayPoint] | FeedError] = {}
        charts = [s for s in asked if s not in spark]
        refused: list[tuple[list[str], FeedError]] = []
        if spark:
            chunks = [spark[i : i + SPARK_CHUNK] for i in range(0, len(spark), SPARK_CHUNK)]
            answers = _raise_first(
                await asyncio.gather(*(self._get_spark(http, c) for c in chunks), return_exceptions=True)
            )
            for chunk, (served, reason) in zip(chunks, answers, strict=True):
                if reason is None and not served:  # no symbol of the request answered: Yahoo's trouble
                    reason = ParseError(f"yahoo: spark ({len(chunk)} symbols) answered none of them")
                if reason is not None:
                    refused.append((chunk, reason))
                    charts += chunk
                    continue
                got.update(served)
                for symbol in chunk:
                    if symbol not in served:  # left out: chart, alone for a while
                        self._solo[symbol] = now + SOLO_RETRY
                        charts.append(symbol)
        singles = await asyncio.gather(*(self._chart_or_error(http, s) for s in charts), return_exceptions=True)
        served_any = any(not isinstance(answer, FeedError) for answer in got.values())
        for symbol, single in zip(charts, singles, strict=True):
            if isinstance(single, RateLimited) and served_any:
                got[symbol] = single  # Yahoo is paused now; the quotes spark served still stand
            elif isinstance(single, BaseException):
                raise single  # every request has ended: none is left running unobserved
            else:
                got[symbol] = single[0]
        for chunk, reason in refused:
            self._after_refusal(chunk, reason, got, now)
        self._remember_refusals(asked, got, now)
        for symbol, (until, _times, error) in held.items():
            wait = max(1, round((until - now) / 60))
            got[symbol] = FetchError(
                f"{error.message} (asked again in {wait} min)", transient=False, retry_after=until - now
            )
        return got

    def _remember_refusals(
        self, asked: list[str], got: Mapping[str, list[IntradayPoint] | FeedError], now: float
    ) -> None:
        """A symbol Yahoo refused (:class:`SymbolRefused`) while others answered waits before
        it is asked again (:data:`GONE_FIRST`, doubling to :data:`GONE_MAX`); one that
        answered is asked at every poll again. Any other failure (a timeout, a 403, a
        malformed body, a 429), or every symbol failing at once, says nothing of one symbol:
        the feed's own backoff deals with a source that fails as a whole."""
        served = any(not isinstance(got[symbol], FeedError) for symbol in asked)
        for symbol in asked:
            answer = got[symbol]
            if not isinstance(answer, FeedError):
                self._gone.pop(symbol, None)
            elif isinstance(answer, SymbolRefused) and served:
                times = self._gone[symbol][1] + 1 if symbol in self._gone else 1
                rest = min(GONE_FIRST * 2 ** (times - 1), GONE_MAX)
                self._gone[symbol] = (now + rest, times, answer)
                answer.retry_after = rest  # when its row will be tried again

    def _after_refusal(
        self, chunk: list[str], reason: FeedError, got: Mapping[str, list[IntradayPoint] | FeedError], now: float
    ) -> None:
        """After spark refused ``chunk`` and chart was asked for each symbol: the symbols Yahoo
        refused (:class:`SymbolRefused`) while others answered are asked alone for a while; if
        chart served every one, spark itself is the trouble and rests. Any other chart failure
        (a timeout, a 403, a malformed body), or every symbol failing, judges nothing."""
        served = [s for s in chunk if not isinstance(got.get(s), FeedError)]
        bad = [s for s in chunk if isinstance(got.get(s), SymbolRefused)]
        if bad and served:
            for symbol in bad:
                self._solo[symbol] = now + SOLO_RETRY
            log.info("yahoo: spark refused (%s); asking %s through chart alone", reason.message, ", ".join(bad))
            return
        if len(served) < len(chunk):
            return
        self._spark_off_until = now + SPARK_RETRY
        log.warning(
            "yahoo: spark refused (%s) though every symbol answers through chart; "
            "one request per symbol for the next %.0f min",
            reason.message,
            SPARK_RETRY / 60,
        )

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Fetched]:
        """Fetch the newest priced bar of each target's symbol.

        Returns:
            At most one ``intraday=True`` observation per target, dated with the exchange's
            trading date and timed with the bar's UTC start; none for a symbol with no
            priced bar or whose bar is older than ``since``.

        Raises:
            PartialFetch: some symbols failed (their targets alone), others were served.
            FetchError: the source is disabled, a request failed for every target, or
                Yahoo reported an error for the one symbol asked.
            RateLimited: Yahoo said 429 now or recently (requests paused).
            ParseError: the one symbol's body was not a chart object.
        """
        from datafeed.models import Observation

        if not self.settings.enabled:
            raise FetchError("yahoo: disabled ([sources.yahoo] enabled = false)", transient=False)
        symbols = list(dict.fromkeys(t.ref.series for t in targets))
        bars = await self._bars(http, symbols)
        out: list[Fetched] = []
        failures: dict[str, FeedError] = {}
        for target in targets:
            points = bars[target.ref.series]
            if isinstance(points, FeedError):
                failures[target.instrument] = points
                continue
            if not points or points[-1].date < since:
                continue
            last = points[-1]
            out.append(
                Observation(
                    target.instrument,
                    last.date,
                    last.value * target.ref.scale,
                    target.ref.tag,
                    intraday=True,
                    time=last.time,
                )
            )
        if failures:
            failed = [bars[s] for s in symbols if isinstance(bars[s], FeedError)]
            if len(failed) == len(symbols) == 1:
                error = failed[0]
                assert isinstance(error, FeedError)
                raise error  # one symbol asked: its own failure, as chart gave it
            raise PartialFetch(out, failures)
        return out


def _raise_first(answers: list[_T | BaseException]) -> list[_T]:
    """The answers of a ``gather(..., return_exceptions=True)``, or its first exception raised
    (every request has ended by then: none is left running unobserved)."""
    out: list[_T] = []
    for answer in answers:
        if isinstance(answer, BaseException):
            raise answer
        out.append(answer)
    return out


__all__ = [
    "YIELD_SYMBOLS",
    "IntradayPoint",
    "SymbolRefused",
    "YahooProvider",
    "chart_url",
    "http_status",
    "normalize_yield",
    "parse_chart",
    "parse_result",
    "parse_spark",
    "spark_url",
]
