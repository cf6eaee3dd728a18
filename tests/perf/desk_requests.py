"""Upstream requests per hour for a desk of 1, 10, 30 and 100 panes, with and without the cache.

Each pane is a real :class:`datafeed.feed.Feed` (real providers, real scheduler, its own
store and HTTP context) on one simulated clock (as in ``requests_per_hour.py``: the feed's
``time.monotonic`` and ``utcnow`` are replaced, so a day takes minutes). Panes start at
random times between 07:00 and 08:00 New York time (seeded) from a warm cache holding data
up to the previous session, and run for 24 hours; the loopback market publishes each
session's close at 17:00 New York time.

Every pane request goes through an in-process transport to one of two desks:

- ``direct``: straight to the market (every pane request is an upstream request);
- ``proxy``: to a model of the shipped nginx cache, ``<proxy>/<source>/<path>`` as
  ``datafeed.proxy`` maps it, keyed on the normalised URL, each entry valid for the
  ``proxy_cache_valid 200`` of its source's location read from
  ``deploy/nginx/triffin-cache.conf`` itself; a miss or an expired entry is one upstream
  request (an expired entry whose body did not change counts too: nginx revalidates it
  with ``If-None-Match``, which the upstream answers with a 304).

Bursts are collapsed as by ``proxy_cache_lock`` (the simulated clock does not move while
panes due at the same instant are served). What is not modelled: upstream latency, errors.

    python tests/perf/desk_requests.py [--panes 1 10 30 100] [--hours 24] [--start 2026-12-15]

Not a timed test: pytest never collects ``tests/perf``. On two busy cores the default run
takes a few minutes (100 panes make ~170,000 requests in a day without the cache).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import datafeed.feed as feed_module  # noqa: E402
from datafeed.feed import Feed  # noqa: E402
from datafeed.http import HttpContext  # noqa: E402
from datafeed.market_calendar import is_open  # noqa: E402
from datafeed.proxy import apply_cache_proxy  # noqa: E402
from datafeed.settings import FeedSettings, SourceSettings  # noqa: E402
from datafeed.store import SeriesStore  # noqa: E402
from tests.loopback_market import LoopbackMarket, last_weekday  # noqa: E402

ET = ZoneInfo("America/New_York")
SOURCES = ("fred", "treasury", "bundesbank", "mof", "nyfed", "ecb", "boj", "yahoo")
CONF = ROOT / "deploy" / "nginx" / "triffin-cache.conf"
DIRECT = "http://upstream.test"
PROXY = "http://cache.test"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
NOT_FOUND_VALIDITY = 60.0
"""``proxy_cache_valid 404 1m`` in every location of the template."""


def validity_from_conf(path: Path = CONF) -> dict[str, float]:
    """Seconds of ``proxy_cache_valid 200`` per location of the shipped nginx template."""
    out: dict[str, float] = {}
    text = path.read_text()
    for m in re.finditer(r"location /([\w-]+)/ \{[^}]*?proxy_cache_valid 200 (\d+)([smhd]);", text):
        out[m.group(1)] = float(m.group(2)) * _UNITS[m.group(3)]
    return out


class FakeClock:
    """The clock every pane's feed reads."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start
        self.mono = 1_000_000.0

    def monotonic(self) -> float:
        return self.mono

    def utcnow(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.now += dt.timedelta(seconds=seconds)


@dataclass
class Desk:
    """Where the panes' requests go: the market directly, or the model of the nginx cache."""

    market: LoopbackMarket
    clock: FakeClock
    proxy: bool
    validity: dict[str, float]
    upstream: Counter[str] = field(default_factory=Counter)
    revalidated: Counter[str] = field(default_factory=Counter)
    pane_requests: int = 0
    per_hour: Counter[int] = field(default_factory=Counter)
    counting: bool = False
    _cache: dict[str, tuple[float, str, int, bytes]] = field(default_factory=dict)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.pane_requests += self.counting
        raw = request.url.raw_path.decode()
        if not self.proxy:
            status, ctype, body = self._fetch(raw, LoopbackMarket.source_of(raw))
            return httpx.Response(status, content=body, headers={"Content-Type": ctype}, request=request)
        source, _, rest = raw.lstrip("/").partition("/")
        upstream = "/" + rest
        split = urlsplit(upstream)
        key = f"/{source}{unquote(split.path)}?{split.query}"
        now = self.clock.mono
        entry = self._cache.get(key)
        valid = self.validity.get(source, 0.0) if entry is None or entry[2] == 200 else NOT_FOUND_VALIDITY
        if entry is not None and now - entry[0] < valid:
            return httpx.Response(entry[2], content=entry[3], headers={"Content-Type": entry[1]}, request=request)
        status, ctype, body = self._fetch(upstream, source)
        if entry is not None and status == 200 and hashlib.sha1(body).digest() == hashlib.sha1(entry[3]).digest():
            self.revalidated[source] += self.counting  # a 304 to nginx's If-None-Match
        if status in (200, 404):
            self._cache[key] = (now, ctype, status, body)
        return httpx.Response(status, content=body, headers={"Content-Type": ctype}, request=request)

    def _fetch(self, raw: str, source: str) -> tuple[int, str, bytes]:
        if self.counting:
            self.upstream[source] += 1
            self.per_hour[int((self.clock.now - self.started).total_seconds() // 3600)] += 1
        status, ctype, body = self.market.route(raw)
        return status, ctype, body.encode()

    started: dt.datetime = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _settings(proxy: bool) -> FeedSettings:
    # Politeness spacing is per pane and changes when, not whether, a pane asks: off here.
    if proxy:
        plain = {n: SourceSettings.default(n, min_interval=0.0, max_per_minute=0) for n in SOURCES}
        return apply_cache_proxy(FeedSettings(sources=plain, retries=1), PROXY)
    return FeedSettings(
        sources={
            n: SourceSettings.default(n, base_url=DIRECT, api_base_url=DIRECT, min_interval=0.0, max_per_minute=0)
            for n in SOURCES
        },
        retries=1,
    )


def _memoised_last_official_date() -> object:
    """``SeriesStore.last_official_date`` remembered per store, instrument, source and the
    instrument's official version: the same answers, without scanning 25 years of source
    tags on every run of a quote job (``yahoo:`` never holds official values, so the store
    looks through all of them; a pane does that 11 times per 300 s, the simulator of 100
    panes half a million times)."""
    original = SeriesStore.last_official_date
    memo: dict[tuple[int, str, str | None], tuple[int, dt.date | None]] = {}

    def last_official_date(self: SeriesStore, inst_id: str, source: str | None = None) -> dt.date | None:
        key = (id(self), inst_id, source)
        version = self.official_version_of(inst_id)
        known = memo.get(key)
        if known is None or known[0] != version:
            known = memo[key] = (version, original(self, inst_id, source))
        return known[1]

    return original, last_official_date


def _context(settings: FeedSettings, desk: Desk) -> HttpContext:
    return HttpContext(settings, client=httpx.AsyncClient(transport=httpx.MockTransport(desk.handle)))


def _publish(market: LoopbackMarket, now: dt.datetime) -> None:
    """Each session's close appears at 17:00 New York time."""
    local = now.astimezone(ET)
    session = last_weekday(local.date())
    market.session = session
    if local.time() >= dt.time(17, 0) and session == local.date():
        market.published_through = session
    else:
        market.published_through = last_weekday(session - dt.timedelta(days=1))


async def simulate(panes: int, proxy: bool, hours: float, start: dt.date, seed: int = 7) -> Desk:
    market = LoopbackMarket(session=start)
    day0 = dt.datetime.combine(start, dt.time(7, 0), ET).astimezone(dt.UTC)
    clock = FakeClock(day0 - dt.timedelta(hours=1))
    desk = Desk(market, clock, proxy, validity_from_conf())
    desk.started = day0
    real_time, real_utcnow = feed_module.time, feed_module.utcnow
    feed_module.time = clock  # type: ignore[assignment]
    feed_module.utcnow = clock.utcnow  # type: ignore[assignment]
    original, memoised = _memoised_last_official_date()  # type: ignore[misc]
    SeriesStore.last_official_date = memoised  # type: ignore[method-assign]
    try:
        _publish(market, clock.now)
        settings = _settings(proxy)
        # Yesterday's cache: one cold pass before the day starts, copied into every pane.
        template = SeriesStore(today=lambda: clock.now.date())
        contexts = [_context(settings, desk)]
        await Feed(template, settings, contexts[0], market_open=is_open).refresh(force=True)
        rng = random.Random(seed)
        starts = sorted(day0 + dt.timedelta(seconds=rng.uniform(0, 3600)) for _ in range(panes))
        feeds: list[Feed | None] = [None] * panes
        end = day0 + dt.timedelta(hours=hours)
        clock.advance((day0 - clock.now).total_seconds())
        desk.counting = True
        while clock.now < end:
            for i, when in enumerate(starts):
                if feeds[i] is None and when <= clock.now:
                    store = SeriesStore(today=lambda: clock.now.date())
                    for inst in template.catalog:
                        if template.has_data(inst):
                            store.load(inst, template.official(inst), template.sources(inst))
                    contexts.append(_context(settings, desk))  # each pane its own client and limits
                    feed = Feed(store, settings, contexts[-1], market_open=is_open)
                    feeds[i] = feed
                    await feed.refresh(force=True)  # the pane's start: everything once
            live = [f for f in feeds if f is not None]
            await asyncio.gather(*(f.refresh() for f in live))
            waits = [f.next_due_in() for f in live] or [3600.0]
            pending = [(w - clock.now).total_seconds() for w in starts if w > clock.now]
            step = max(1.0, min(waits + pending))
            clock.advance(min(step, max(1.0, (end - clock.now).total_seconds())))
            _publish(market, clock.now)
        for http in contexts:
            await http.aclose()
    finally:
        feed_module.time, feed_module.utcnow = real_time, real_utcnow
        SeriesStore.last_official_date = original  # type: ignore[method-assign]
    return desk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panes", type=int, nargs="+", default=[1, 10, 30, 100])
    parser.add_argument("--hours", type=float, default=24.0)
    # Mid-month: in a month's first ten days the MOF provider also fetches its full-history
    # file on every refresh (the first date wanted falls in the previous month), which costs
    # the simulator more than the rest together; --start 2026-12-01 shows that case.
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2026, 12, 15))
    args = parser.parse_args()
    validity = validity_from_conf()
    print(
        f"simulated {args.hours:g} h from {args.start} 07:00 New York time; panes start between 07:00 and 08:00"
        f" with yesterday's cache; cache validity from {CONF.relative_to(ROOT)}: "
        + ", ".join(f"{k} {v:g} s" for k, v in validity.items() if k in SOURCES)
    )
    rows = []
    for n in args.panes:
        t = time.monotonic()
        direct = asyncio.run(simulate(n, False, args.hours, args.start))
        proxied = asyncio.run(simulate(n, True, args.hours, args.start))
        rows.append((n, direct, proxied, time.monotonic() - t))
        d, p = sum(direct.upstream.values()), sum(proxied.upstream.values())
        print(f"  {n} panes: {d} upstream requests without the cache, {p} with it ({rows[-1][3]:.0f} s)", flush=True)
    print()
    print(
        "| panes | without the cache, upstream req/h (peak hour) | with the cache, upstream req/h (peak hour) | of which 304 | with / without |"
    )
    print("|---:|---:|---:|---:|---:|")
    for n, direct, proxied, _ in rows:
        d, p = sum(direct.upstream.values()), sum(proxied.upstream.values())
        print(
            f"| {n} | {d / args.hours:,.0f} ({max(direct.per_hour.values(), default=0):,}) "
            f"| {p / args.hours:,.0f} ({max(proxied.per_hour.values(), default=0):,}) "
            f"| {sum(proxied.revalidated.values()) / args.hours:,.0f} | {p / d:.2f} |"
        )
    print()
    print("per source, requests/h upstream (without → with the cache):")
    for n, direct, proxied, took in rows:
        parts = [f"{s} {direct.upstream[s] / args.hours:,.1f}→{proxied.upstream[s] / args.hours:,.1f}" for s in SOURCES]
        print(f"  {n:>3} panes: " + ", ".join(parts) + f"  [{took:.0f} s]")


if __name__ == "__main__":
    main()
