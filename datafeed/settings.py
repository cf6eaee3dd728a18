"""Provides the plain settings objects the data layer is configured with.

Reading and validating the TOML file is ``tui.config``'s job; the data layer only sees
these frozen dataclasses, so tests and library users can build them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_BASE_URLS: dict[str, str] = {
    "fred": "https://fred.stlouisfed.org",
    "treasury": "https://home.treasury.gov",
    "bundesbank": "https://api.statistiken.bundesbank.de",
    "mof": "https://www.mof.go.jp",
    "nyfed": "https://markets.newyorkfed.org",
    "ecb": "https://data-api.ecb.europa.eu",
    "boj": "https://www.stat-search.boj.or.jp",
    "yahoo": "https://query1.finance.yahoo.com",
}
"""Where each source lives unless config says otherwise (mirrors, proxies, tests)."""

DEFAULT_API_BASE_URLS: dict[str, str] = {"fred": "https://api.stlouisfed.org"}

DEFAULT_MIN_INTERVAL: dict[str, float] = {
    # The Bank of Japan asks for at least one second between requests.
    "boj": 1.0,
    # Yahoo: 50 ms between requests, so a refresh of the 11 quote symbols is a short burst
    # (~0.6 s at 4 connections) instead of a 2.75 s crawl; the 60-a-minute window below
    # does the real limiting (a sustained 1 request/s, the rate yfinance users report as
    # safe, ranaroussi/yfinance#2125; yfinance itself fires a multi-symbol download
    # concurrently). A 429 still pauses every Yahoo request for 300 s (providers/yahoo.py);
    # Yahoo's 429s follow the User-Agent and IP reputation more than short bursts.
    "yahoo": 0.05,
}
"""Minimum seconds between two requests to one source (its politeness floor)."""

DEFAULT_MAX_PER_MINUTE: dict[str, int] = {
    # FRED documents 120 requests per minute per key; a sliding window of 100 keeps a
    # margin while letting a full refresh (about 25 series) go out at once.
    "fred": 100,
    "yahoo": 60,
    "nyfed": 30,
}
"""Most requests to one source in any 60-second window (0 = no window limit)."""


DEFAULT_MIN_CADENCE: dict[str, float] = {
    # Official end-of-day sources publish once a day; once an hour finds a new value
    # soon enough without asking for the same file 24 times a day more than needed.
    "treasury": 1800.0,
    "bundesbank": 3600.0,
    "mof": 3600.0,
    "nyfed": 3600.0,
    "ecb": 3600.0,
    # The Bank of Japan asks for low-frequency access.
    "boj": 7200.0,
}
"""Shortest seconds between two refreshes of a daily series from one source."""


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """Settings of one source (``[sources.NAME]`` in config).

    Attributes:
        name: the source name (``fred``).
        enabled: False switches the source off entirely.
        base_url: root of the source's public endpoint (no trailing slash).
        api_base_url: root of a keyed API, where the source has one.
        api_key: secret; never shown, logged or written anywhere.
        min_interval: seconds between two requests to this source.
        max_per_minute: most requests in any 60-second window (0 = unlimited).
        max_connections: concurrent requests to this source.
        extra: source-specific keys, passed through untouched.
    """

    name: str
    enabled: bool = True
    base_url: str = ""
    api_base_url: str = ""
    api_key: str | None = field(default=None, repr=False)
    min_interval: float = 0.0
    max_per_minute: int = 0
    max_connections: int = 4
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def default(cls, name: str, **overrides: Any) -> SourceSettings:
        """Settings for ``name`` with the built-in URLs and limits, then ``overrides``."""
        values: dict[str, Any] = {
            "name": name,
            "base_url": DEFAULT_BASE_URLS.get(name, ""),
            "api_base_url": DEFAULT_API_BASE_URLS.get(name, ""),
            "min_interval": DEFAULT_MIN_INTERVAL.get(name, 0.0),
            "max_per_minute": DEFAULT_MAX_PER_MINUTE.get(name, 0),
        }
        values.update(overrides)
        values["base_url"] = str(values["base_url"]).rstrip("/")
        values["api_base_url"] = str(values["api_base_url"]).rstrip("/")
        return cls(**values)


def default_user_agent() -> str:
    """``triffin/<version> (+terminal safe-asset monitor)``: sources can tell who asks."""
    from datafeed import __version__

    return f"triffin/{__version__} (+terminal safe-asset monitor)"


@dataclass(frozen=True, slots=True)
class FeedSettings:
    """Settings of the feed as a whole.

    Attributes:
        sources: per-source settings by name.
        timeout: seconds for one HTTP request (connect + read); a whole exchange, body
            included, never takes longer than twice this (a server dripping bytes cannot
            hold a request forever).
        retries: attempts per request on transient failures.
        refresh: seconds between refreshes of daily series (intraday uses its own).
        user_agent: sent with every request.
        max_body: largest response body read, in bytes; a larger answer is abandoned
            while streaming (a broken mirror must not fill memory).
    """

    sources: dict[str, SourceSettings]
    timeout: float = 10.0
    retries: int = 3
    refresh: float = 900.0
    user_agent: str = field(default_factory=lambda: default_user_agent())
    max_body: int = 16 * 1024 * 1024

    @classmethod
    def default(cls) -> FeedSettings:
        """Every source enabled with its built-in settings."""
        from datafeed.catalog import SOURCE_NAMES

        return cls(sources={n: SourceSettings.default(n) for n in SOURCE_NAMES})
