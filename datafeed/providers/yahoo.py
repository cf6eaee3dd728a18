"""Provides the Yahoo Finance intraday quote provider (``[sources.yahoo]``, optional).

Endpoint (unofficial, keyless), one request per symbol::

    {base_url}/v8/finance/chart/{SYMBOL}?range=1d&interval=5m

The symbol is percent-encoded in the path (``^TNX`` → ``%5ETNX``, ``GC=F`` → ``GC%3DF``).
The newest 5-minute bar with a price becomes one provisional observation
(``intraday=True``) that extends an instrument past its last official close until the
official source publishes that day.

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
The source is off-switchable with ``[sources.yahoo] enabled = false``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from datafeed.errors import FetchError, ParseError, RateLimited, register_secret
from datafeed.lazy_re import LazyPattern
from datafeed.providers.base import ExtraKey, Provider, Target

if TYPE_CHECKING:  # the network stack and the parsing records load only when they are used
    from datafeed.http import HttpContext
    from datafeed.models import Fetched
    from datafeed.providers._parsed import IntradayPoint
    from datafeed.settings import SourceSettings

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
    from datafeed.providers._parsed import IntradayPoint

    data = _load(body)
    chart = data.get("chart")
    if not isinstance(chart, Mapping):
        error = data.get("finance", {}).get("error") if isinstance(data.get("finance"), Mapping) else None
        if isinstance(error, Mapping):
            raise FetchError(f"yahoo: {symbol}: {error.get('code')}: {error.get('description')}", transient=False)
        raise ParseError("yahoo: no 'chart' object in the body")
    error = chart.get("error")
    if isinstance(error, Mapping):
        raise FetchError(f"yahoo: {symbol}: {error.get('code')}: {error.get('description')}", transient=False)
    results = chart.get("result")
    if not isinstance(results, list) or not results or not isinstance(results[0], Mapping):
        raise ParseError(f"yahoo: {symbol}: chart has neither a result nor an error")
    result = results[0]
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


class YahooProvider(Provider):
    """Intraday last prices from Yahoo Finance's v8 chart endpoint (optional).

    Per-symbol requests (the default :meth:`batch_key`), so one delisted symbol fails
    only its own instrument. State kept between calls: the crumb (if one was ever needed)
    and the 429 pause.
    """

    name = "yahoo"
    short = "YHOO"
    title = "Yahoo Finance (unofficial quotes)"
    base_url = "https://query1.finance.yahoo.com"
    market = "us"
    intraday = True
    # Yahoo: 50 ms between requests, so a refresh of the 11 quote symbols is a short burst
    # (~0.6 s at 4 connections) instead of a 2.75 s crawl; the 60-a-minute window does
    # the real limiting (a sustained 1 request/s, the rate yfinance users report as safe,
    # ranaroussi/yfinance#2125; yfinance itself fires a multi-symbol download
    # concurrently). A 429 still pauses every Yahoo request for ``cooldown`` seconds;
    # Yahoo's 429s follow the User-Agent and IP reputation more than short bursts.
    min_interval = 0.05
    max_per_minute = 60
    extra_keys = (
        ExtraKey("user_agent", str, DEFAULT_USER_AGENT, "User-Agent sent to Yahoo (a browser-like one)"),
        ExtraKey("crumb_url", str, "", "where the crumb is asked for (default: base_url + /v1/test/getcrumb)"),
        ExtraKey("cookie_url", str, DEFAULT_COOKIE_URL, "page visited for the session cookie"),
        ExtraKey("cooldown", (int, float), DEFAULT_COOLDOWN, "seconds every Yahoo request pauses after an HTTP 429"),
    )

    def __init__(self, settings: SourceSettings) -> None:
        super().__init__(settings)
        self._crumb: str | None = None
        self._paused_until = 0.0

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

    async def _get_chart(self, http: HttpContext, symbol: str) -> list[IntradayPoint]:
        params: dict[str, str] = {"range": "1d", "interval": "5m"}
        retried = False
        while True:
            if self._crumb:
                params["crumb"] = self._crumb
            try:
                response = await http.get(
                    self.settings, chart_url(self.settings.base_url, symbol), params=params, headers=self._headers()
                )
            except RateLimited as exc:
                pause = max(float(self.option("cooldown")), exc.retry_after or 0.0)
                self._paused_until = time.monotonic() + pause
                raise RateLimited(
                    f"yahoo: {symbol}: HTTP 429 Too Many Requests; pausing Yahoo for {pause:.0f} s",
                    retry_after=pause,
                ) from None
            except FetchError as exc:
                status = http_status(exc)
                if status == 401 and self.settings.extra.get("via_cache_proxy"):
                    # A crumb belongs to one session cookie; a shared cache (datafeed.proxy)
                    # carries neither cookies nor per-pane query parameters by design.
                    raise FetchError(
                        f"yahoo: {symbol}: HTTP 401 (crumb required) through the cache proxy, "
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
                        f"yahoo: {symbol}: HTTP 401 Invalid Crumb even with a fresh crumb", transient=True
                    ) from None
                if status == 404:
                    raise FetchError(
                        f"yahoo: {symbol}: not found (HTTP 404; symbol mistyped or delisted)", transient=False
                    ) from None
                raise
            return parse_chart(response.content, symbol)

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Fetched]:
        """Fetch the newest priced bar of each target's symbol.

        Returns:
            At most one ``intraday=True`` observation per target, dated with the exchange's
            trading date and timed with the bar's UTC start; none for a symbol with no
            priced bar or whose bar is older than ``since``.

        Raises:
            FetchError: the source is disabled, a request failed, or Yahoo reported an
                error for the symbol.
            RateLimited: Yahoo said 429 now or recently (requests paused).
            ParseError: a body was not a v8 chart object.
        """
        from datafeed.models import Observation

        if not self.settings.enabled:
            raise FetchError("yahoo: disabled ([sources.yahoo] enabled = false)", transient=False)
        out: list[Fetched] = []
        for target in targets:
            symbol = target.ref.series
            self._check_pause(symbol)
            points = await self._get_chart(http, symbol)
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
        return out


__all__ = [
    "YIELD_SYMBOLS",
    "IntradayPoint",
    "YahooProvider",
    "chart_url",
    "http_status",
    "normalize_yield",
    "parse_chart",
]
