"""Provides proxy mode: every source sent through one shared HTTP cache (a desk's nginx).

Why: a desk runs triffin in dozens of panes, and every pane asking FRED, the Bank of Japan
or Yahoo for the same file multiplies the load on sources that ration it. An ordinary
caching reverse proxy in front of the sources (``deploy/nginx/triffin-cache.conf``) answers
the second and later panes from its cache, provided every pane asks with the same URL.

The mapping is deliberately dumb so one proxy configuration serves every source::

    <proxy>/<source name>/<path and query the source would have been sent>
    http://cache.internal:8080/fred/graph/fredgraph.csv?id=DGS10&cosd=2026-11-16

and a source's keyed API, where it has one (FRED's ``api_base_url``), goes to
``<proxy>/<source name>-api/...`` (``/fred-api/fred/series/observations?...``), which the
shipped nginx configuration never caches unless the key is the desk's shared one.

What stays per pane: the ``User-Agent``, the politeness limits (spacing, per-minute window,
concurrency) and the conditional-request validators; a cache hit simply costs the
upstream nothing. A ``base_url`` (or ``api_base_url``) set explicitly for a source still
wins over the proxy, so one source can bypass it.

Pure functions only: ``tui.config`` validates the setting and calls
:func:`apply_cache_proxy` on the settings it built.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping
from typing import Any, TypedDict
from urllib.parse import urlsplit

from datafeed.settings import FeedSettings

API_SUFFIX = "-api"
"""Path segment suffix of a source's keyed API under the proxy (``/fred-api/``)."""

PROXIED_FLAG = "via_cache_proxy"
"""Key set in ``SourceSettings.extra`` of a source sent through the proxy (providers that
keep per-session state, like Yahoo's crumb, behave differently behind a shared cache)."""

MAX_LENGTH = 2048
"""Longest proxy URL accepted (a URL, not a file pasted by mistake)."""

_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


class ProxyError(ValueError):
    """The proxy URL is not usable; the message is one line for the user."""


def validate_proxy_url(text: str) -> str:
    """Check a ``cache_proxy`` value and return it normalised (no trailing slash).

    Accepted: ``http`` or ``https``, a host name, IPv4 or bracketed IPv6 address, an
    optional port (1-65535) and an optional path prefix (for gateways that mount the cache
    under a folder). Refused, each with its own one-line reason: other schemes, user
    names or passwords (they would travel in every URL and every error message), a query
    string or fragment (the source's own query is appended), control characters or
    spaces, and anything longer than :data:`MAX_LENGTH`.

    Raises:
        ProxyError: the value is not a usable proxy URL.
    """
    if len(text) > MAX_LENGTH:
        raise ProxyError(f"is {len(text)} characters long; a URL is at most {MAX_LENGTH}")
    if any(ord(c) < 0x21 or 0x7F <= ord(c) <= 0x9F for c in text):
        raise ProxyError("contains a space or a control character")
    if not text:
        raise ProxyError("is empty")
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # '[::1' and friends
        raise ProxyError(f"is not a URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ProxyError(f"must start with http:// or https://, not {text[:40]!r}")
    if parts.username is not None or parts.password is not None:
        raise ProxyError("must not carry a user name or password")
    if parts.query or parts.fragment or text.rstrip("/").endswith(("?", "#")):
        raise ProxyError("must not have a query string or fragment (the source's own query is appended)")
    try:
        port = parts.port
    except ValueError:
        raise ProxyError("has a port outside 1-65535") from None
    if port == 0:
        raise ProxyError("has a port outside 1-65535")
    host = parts.hostname or ""
    if not host:
        raise ProxyError("has no host name")
    _check_host(host, bracketed=parts.netloc.split("@")[-1].startswith("["))
    if "\\" in parts.path or not re.fullmatch(r"(?:%[0-9A-Fa-f]{2}|[^%])*", parts.path):
        raise ProxyError("has a malformed path (a backslash, or % not followed by two hex digits)")
    return f"{parts.scheme.lower()}://{parts.netloc}{parts.path}".rstrip("/")


def _check_host(host: str, *, bracketed: bool) -> None:
    if bracketed:
        import ipaddress

        try:
            ipaddress.IPv6Address(host.split("%")[0])
        except ValueError:
            raise ProxyError(f"has an invalid IPv6 address {host[:40]!r}") from None
        return
    try:
        # An ASCII name is its own IDNA form (the label check below refuses what the codec
        # would); only another name loads the codec, ~0.6 ms in front of the first frame.
        ascii_host = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ProxyError(f"has an invalid host name {host[:40]!r}") from None
    labels = ascii_host.rstrip(".").split(".")
    if len(ascii_host) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        raise ProxyError(f"has an invalid host name {host[:40]!r}")


def source_root(proxy: str, source: str, *, api: bool = False) -> str:
    """``<proxy>/<source>`` (or ``<proxy>/<source>-api`` for a keyed API)."""
    return f"{proxy.rstrip('/')}/{source}{API_SUFFIX if api else ''}"


class _Roots(TypedDict, total=False):
    """The fields of a source's settings that the proxy replaces."""

    base_url: str
    api_base_url: str
    extra: dict[str, Any]


def apply_cache_proxy(
    settings: FeedSettings,
    proxy: str | None,
    explicit: Mapping[str, Collection[str]] | None = None,
) -> FeedSettings:
    """Point every enabled source at ``proxy``; a URL set explicitly for a source wins.

    Args:
        settings: the feed settings built from config (defaults filled in).
        proxy: a URL checked by :func:`validate_proxy_url`, or None/empty for no proxy.
        explicit: per source name, the URL keys (``base_url``, ``api_base_url``) the user
            set; those are left alone.

    Returns:
        New settings (the input is frozen and left untouched); the same object when no
        proxy is configured.
    """
    if not proxy:
        return settings
    explicit = explicit or {}
    sources = {}
    for name, src in settings.sources.items():
        given = explicit.get(name, ())
        if not src.enabled or ("base_url" in given and (not src.api_base_url or "api_base_url" in given)):
            sources[name] = src
            continue
        changes: _Roots = {}
        if "base_url" not in given:
            changes["base_url"] = source_root(proxy, name)
            changes["extra"] = {**src.extra, PROXIED_FLAG: True}
        if src.api_base_url and "api_base_url" not in given:
            changes["api_base_url"] = source_root(proxy, name, api=True)
        sources[name] = dataclasses.replace(src, **changes)
    return dataclasses.replace(settings, sources=sources)


__all__ = ["API_SUFFIX", "PROXIED_FLAG", "ProxyError", "apply_cache_proxy", "source_root", "validate_proxy_url"]
