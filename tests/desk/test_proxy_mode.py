"""Proxy mode: ``[network] cache_proxy`` / ``TRIFFIN_CACHE_PROXY`` (datafeed.proxy, tui.config).

Checks the mapping (every enabled source to ``<proxy>/<source>/...``, explicit URLs win),
the validation of the setting (one line naming file, line and key; exit 2 from the CLI),
and the property a shared cache depends on: two instances asking on the same day send
byte-identical request lines, each exactly ``/<source>`` + what the source would get
without the proxy. Everything runs against the loopback market on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from datafeed import catalog
from datafeed.errors import FetchError
from datafeed.feed import Feed
from datafeed.http import HttpContext
from datafeed.market_calendar import is_open
from datafeed.providers import Target
from datafeed.providers import yahoo as yh
from datafeed.proxy import PROXIED_FLAG, ProxyError, apply_cache_proxy, validate_proxy_url
from datafeed.settings import FeedSettings, SourceSettings
from datafeed.store import SeriesStore
from tests.loopback_market import LoopbackMarket
from tui.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]
PROXY = "http://cache.internal:8080"
SOURCES = ("fred", "treasury", "bundesbank", "mof", "nyfed", "ecb", "boj", "yahoo")


# ------------------------------------------------------------------------------ validation
@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("http://cache.internal:8080", "http://cache.internal:8080"),
        ("http://cache.internal:8080/", "http://cache.internal:8080"),
        ("HTTPS://cache.internal", "https://cache.internal"),
        ("http://10.0.0.7:3128", "http://10.0.0.7:3128"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("http://gw.example/triffin/", "http://gw.example/triffin"),
        ("http://bücher.example:8080", "http://bücher.example:8080"),
    ],
)
def test_good_proxy_urls_are_normalised(given: str, normalised: str) -> None:
    assert validate_proxy_url(given) == normalised


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("ftp://cache.internal", "http:// or https://"),
        ("cache.internal:8080", "http:// or https://"),
        ("http://", "no host"),
        ("http://cache.internal:99999", "port outside"),
        ("http://cache.internal:0", "port outside"),
        ("http://cache.internal:-1", "port outside"),
        ("http://[::1", "not a URL"),
        ("http://[zz::1]:80", "not a URL|invalid IPv6"),
        ("http://cache.internal:8080/?x=1", "query string"),
        ("http://cache.internal:8080/#top", "fragment"),
        ("http://cache.internal:8080?", "query string"),
        ("http://user:secret@cache.internal", "user name or password"),
        ("http://cache internal", "space or a control"),
        ("http://cache.internal\x1b]0;pwned\x07", "space or a control"),
        ("http://cache.internal/\u009b31m", "space or a control"),
        ("http://-bad-.example", "invalid host"),
        ("http://a..b", "invalid host"),
        ("http://" + "a" * 64 + ".example", "invalid host"),
        ("http://cache.internal/%zz", "malformed path"),
        ("http://cache.internal/a\\b", "malformed path"),
        ("http://" + "a" * 3000, "at most 2048"),
        ("", "empty"),
    ],
)
def test_bad_proxy_urls_are_refused_with_a_reason(given: str, reason: str) -> None:
    with pytest.raises(ProxyError, match=reason) as info:
        validate_proxy_url(given)
    assert "\n" not in str(info.value) and "secret" not in str(info.value)


# ------------------------------------------------------------------------------ mapping
def test_every_enabled_source_goes_to_proxy_slash_name() -> None:
    settings = FeedSettings.default()
    proxied = apply_cache_proxy(settings, PROXY)
    for name, src in proxied.sources.items():
        assert src.base_url == f"{PROXY}/{name}", name
        assert src.extra[PROXIED_FLAG] is True
    assert proxied.sources["fred"].api_base_url == f"{PROXY}/fred-api"
    # Politeness and identity stay per instance.
    for name in settings.sources:
        a, b = settings.sources[name], proxied.sources[name]
        assert (a.min_interval, a.max_per_minute, a.max_connections) == (
            b.min_interval,
            b.max_per_minute,
            b.max_connections,
        )
    assert proxied.user_agent == settings.user_agent
    assert apply_cache_proxy(settings, None) is settings and apply_cache_proxy(settings, "") is settings


def test_explicit_urls_and_disabled_sources_are_left_alone() -> None:
    sources = {n: SourceSettings.default(n) for n in SOURCES}
    sources["ecb"] = SourceSettings.default("ecb", base_url="http://mirror.local/ecb")
    sources["yahoo"] = SourceSettings.default("yahoo", enabled=False)
    sources["fred"] = SourceSettings.default("fred", api_base_url="http://keyed.local")
    proxied = apply_cache_proxy(
        FeedSettings(sources=sources), PROXY, {"ecb": ["base_url"], "fred": ["api_base_url"]}
    ).sources
    assert proxied["ecb"].base_url == "http://mirror.local/ecb" and PROXIED_FLAG not in proxied["ecb"].extra
    assert proxied["yahoo"].base_url == "https://query1.finance.yahoo.com"
    assert proxied["fred"].base_url == f"{PROXY}/fred" and proxied["fred"].api_base_url == "http://keyed.local"


def _config(tmp_path: Path, text: str, **env: str) -> object:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_config(path, env={"HOME": str(tmp_path), **env})


def test_config_file_and_environment(tmp_path: Path) -> None:
    cfg = _config(
        tmp_path,
        f'[network]\ncache_proxy = "{PROXY}/"\n\n[sources.ecb]\nbase_url = "http://mirror.local"\n',
    )
    sources = cfg.feed.sources  # type: ignore[attr-defined]
    assert sources["fred"].base_url == f"{PROXY}/fred" and sources["ecb"].base_url == "http://mirror.local"
    # The environment wins over the file; an empty value switches the proxy off.
    cfg = _config(tmp_path, f'[network]\ncache_proxy = "{PROXY}"\n', TRIFFIN_CACHE_PROXY="http://other:81")
    assert cfg.feed.sources["boj"].base_url == "http://other:81/boj"  # type: ignore[attr-defined]
    cfg = _config(tmp_path, f'[network]\ncache_proxy = "{PROXY}"\n', TRIFFIN_CACHE_PROXY="")
    assert cfg.feed.sources["boj"].base_url == "https://www.stat-search.boj.or.jp"  # type: ignore[attr-defined]
    cfg = _config(tmp_path, "", TRIFFIN_CACHE_PROXY=PROXY)
    assert cfg.feed.sources["mof"].base_url == f"{PROXY}/mof"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('theme = "triffin-dark"\n\n[network]\ncache_proxy = "http://cache:99999"\n', ":4: 'network.cache_proxy'"),
        ('[network]\ncache_proxy = "gopher://x"\n', ":2: 'network.cache_proxy' must start with http"),
        ("[network]\ncache_proxy = 8080\n", ":2: 'network.cache_proxy' must be str"),
        ('[network]\ncache_prox = "http://x"\n', ":2: unknown key 'cache_prox' in [network]"),
        ('network = "http://x"\n', ":1: 'network' must be dict"),
    ],
)
def test_bad_config_values_name_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        _config(tmp_path, text)
    assert message in str(info.value) and str(tmp_path / "config.toml") in str(info.value)


def test_bad_environment_value_is_named() -> None:
    with pytest.raises(ConfigError, match="^TRIFFIN_CACHE_PROXY has a port outside"):
        load_config(None, env={"TRIFFIN_CACHE_PROXY": "http://cache:70000"})


def test_cli_exits_2_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[network]\ncache_proxy = "http://cache.internal:8080/?key=1"\n')
    env = dict(os.environ, TRIFFIN_CONFIG=str(path))
    env.pop("TRIFFIN_CACHE_PROXY", None)
    done = subprocess.run(
        [sys.executable, "-m", "tui", "snapshot", "--format", "json"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and f"{path}:2: 'network.cache_proxy'" in done.stderr
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------------------------ determinism
def _loopback_only(request: httpx.Request) -> None:
    """Refuse any request that would leave the machine (a source the mapping missed)."""
    if request.url.host != "127.0.0.1":
        raise AssertionError(f"request left loopback: {request.url.host}")


async def _one_pass(settings: FeedSettings, today: dt.date) -> None:
    """One forced refresh of every instrument, as a pane's start does."""
    client = httpx.AsyncClient(
        headers={"User-Agent": settings.user_agent}, event_hooks={"request": [_async(_loopback_only)]}
    )
    http = HttpContext(settings, client=client)
    try:
        store = SeriesStore(today=lambda: today)
        report = await Feed(store, settings, http, market_open=is_open).refresh(force=True)
    finally:
        await client.aclose()
    # A failed request would send the feed to a fallback source and change the request set.
    assert report.failed == 0, report.errors


def _async(check: object) -> object:
    async def hook(request: httpx.Request) -> None:
        check(request)  # type: ignore[operator]

    return hook


def _direct_settings(base: str) -> FeedSettings:
    return FeedSettings(
        sources={
            n: SourceSettings.default(n, base_url=base, api_base_url=base, min_interval=0.0, max_per_minute=0)
            for n in SOURCES
        },
        retries=1,
        timeout=60.0,  # a busy test machine must not turn a slow answer into a fallback request
    )


def _proxied_settings(proxy: str) -> FeedSettings:
    plain = FeedSettings(
        sources={n: SourceSettings.default(n, min_interval=0.0, max_per_minute=0) for n in SOURCES},
        retries=1,
        timeout=60.0,
    )
    return apply_cache_proxy(plain, proxy)


def test_two_instances_send_byte_identical_requests_each_the_direct_one_prefixed() -> None:
    session = dt.date(2026, 12, 2)
    market = LoopbackMarket(session=session)
    base = market.start()
    try:
        asyncio.run(_one_pass(_direct_settings(base), session))
        expected = Counter(f"/{LoopbackMarket.source_of(line)}{line}" for line, _ in market.requests)
        market.prefixed = True  # from now on it is reached as /<source>/...
        market.reset_counts()
        asyncio.run(_one_pass(_proxied_settings(base), session))
        first = Counter(line for line, _ in market.requests)
        statuses = {status for _, status in market.requests}
        market.reset_counts()
        asyncio.run(_one_pass(_proxied_settings(base), session))  # a second pane, same day
        second = Counter(line for line, _ in market.requests)
    finally:
        market.stop()
    assert len(expected) >= 25 and {line.split("/")[1] for line in expected} == set(
        SOURCES
    )  # FRED: a request per frequency
    # Yahoo: one spark request for every quote, its symbols sorted (one set, one cache entry)
    (yahoo,) = [line for line in expected if line.startswith("/yahoo/")]
    symbols = sorted(i.intraday.series for i in catalog.INSTRUMENTS if i.intraday is not None)
    assert yahoo.startswith("/yahoo/v7/finance/spark?symbols=" + quote(",".join(symbols), safe="")), yahoo
    assert first == second, "two instances on the same day must ask for exactly the same URLs"
    assert first == expected, "behind the proxy: /<source> + exactly what the source itself is sent"
    assert statuses == {200}


# ------------------------------------------------------------------------------ yahoo behind a proxy
def test_yahoo_behind_the_proxy_reports_a_crumb_401_without_a_cookie_dance() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(401, json={"finance": {"error": {"code": "Unauthorized"}}})

    settings = apply_cache_proxy(FeedSettings(sources={"yahoo": SourceSettings.default("yahoo")}), PROXY)
    provider = yh.YahooProvider(settings.sources["yahoo"])
    http = HttpContext(
        FeedSettings(sources={}, retries=1), client=httpx.AsyncClient(transport=httpx.MockTransport(handler))
    )
    ref = catalog.get("ust10y").intraday
    assert ref is not None
    with pytest.raises(FetchError, match="crumb required.*cache proxy") as info:
        asyncio.run(provider.fetch(http, [Target("ust10y", ref)], dt.date(2026, 3, 1)))
    assert info.value.transient
    # One request, to the proxy: no cookie from fc.yahoo.com around it, no per-pane crumb.
    assert calls == [f"{PROXY}/yahoo/v8/finance/chart/%5ETNX?range=1d&interval=5m"]
    unproxied = dataclasses.replace(settings.sources["yahoo"], extra={})
    assert PROXIED_FLAG not in unproxied.extra


def test_an_ascii_host_is_checked_without_the_idna_codec() -> None:
    """Issue 20: a config's loopback or plain host names are checked without loading the IDNA
    codec (~0.6 ms in front of the first frame); the same names pass and fail as before, and
    an international name still goes through the codec."""
    code = (
        "import sys\n"
        "from datafeed.proxy import ProxyError, validate_proxy_url\n"
        "validate_proxy_url('http://127.0.0.1:8080')\n"
        "validate_proxy_url('https://Cache.Example.COM./x')\n"
        "bad = 0\n"
        "for url in ('http://a..b', 'http://' + 'x' * 64 + '.com', 'http://-a.com', 'http://a_b.com', 'http://.a'):\n"
        "    try:\n"
        "        validate_proxy_url(url)\n"
        "    except ProxyError:\n"
        "        bad += 1\n"
        "print(bad, 'encodings.idna' in sys.modules)\n"
        "validate_proxy_url('http://bücher.example/x')\n"
        "print('encodings.idna' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["5", "False", "True"], out.stdout + out.stderr
