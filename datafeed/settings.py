"""Provides the plain settings objects the data layer is configured with.

Reading and validating the TOML file is ``tui.config``'s job; the data layer only sees
these frozen dataclasses, so tests and library users can build them directly.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from datafeed.records import record


@record
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
        """Settings for ``name`` with its provider's URLs and limits, then ``overrides``.

        The defaults are the provider's class attributes (:class:`datafeed.providers.Provider`);
        a name no installed provider has gets empty URLs and no limits.
        """
        from datafeed.providers import provider_class

        provider = provider_class(name)
        values: dict[str, Any] = {"name": name, "base_url": "", "api_base_url": ""}
        if provider is not None:
            values.update(
                base_url=provider.base_url,
                api_base_url=provider.api_base_url,
                min_interval=provider.min_interval,
                max_per_minute=provider.max_per_minute,
            )
        values.update(overrides)
        values["base_url"] = str(values["base_url"]).rstrip("/")
        values["api_base_url"] = str(values["api_base_url"]).rstrip("/")
        return cls(**values)


def default_user_agent() -> str:
    """``triffin/<version> (+terminal safe-asset monitor)``: sources can tell who asks."""
    from datafeed import __version__

    return f"triffin/{__version__} (+terminal safe-asset monitor)"


@record
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
        """Every registered source enabled with its provider's settings."""
        from datafeed.providers import source_names

        return cls(sources={n: SourceSettings.default(n) for n in source_names()})
