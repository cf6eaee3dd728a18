"""Requests per hour per source in steady state, measured on a simulated clock.

Runs the real :class:`datafeed.feed.Feed` (real providers, real HTTP to the loopback market
of ``tests/loopback_market.py``) through simulated days: the feed's clock
(``time.monotonic`` and ``utcnow`` inside ``datafeed.feed``) is replaced by a fake one
that jumps to the next due job, so a day takes seconds. The loopback market publishes each
session's close at 17:00 New York time, so series wait for new values the way they do in
reality. The auction feed (:class:`datafeed.demand.auction_feed.AuctionFeed`) runs beside the
series feed on the same HTTP context and clock, as the app runs it. The first (cold) pass is
excluded; the table counts requests over the simulated days that follow.

    python tests/perf/requests_per_hour.py [--days 5] [--start 2026-11-30]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import datafeed.demand.auction_feed as auction_feed_module  # noqa: E402
import datafeed.feed as feed_module  # noqa: E402
import datafeed.providers.tic as tic_module  # noqa: E402
import datafeed.providers.treasurydirect as td_module  # noqa: E402
from datafeed.catalog import CATALOG  # noqa: E402
from datafeed.demand.auction_feed import AuctionFeed  # noqa: E402
from datafeed.demand.book import AuctionBook  # noqa: E402
from datafeed.feed import Feed  # noqa: E402
from datafeed.http import HttpContext  # noqa: E402
from datafeed.market_calendar import is_open  # noqa: E402
from datafeed.settings import FeedSettings, SourceSettings  # noqa: E402
from datafeed.store import SeriesStore  # noqa: E402
from tests.loopback_market import LoopbackMarket, last_weekday  # noqa: E402

ET = ZoneInfo("America/New_York")

SOURCES = (
    "fred",
    "treasury",
    "bundesbank",
    "mof",
    "nyfed",
    "ecb",
    "boj",
    "yahoo",
    "tic",
    "fiscaldata",
    "treasurydirect",
)


class FakeClock:
    """A clock the feed reads instead of the real one."""

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


DEMAND_FRED = frozenset(
    r.series for i in CATALOG.values() if i.group in ("holders", "supply") for r in i.sources if r.source == "fred"
)
"""FRED ids of the demand and supply instruments (custody, Z.1, fiscal-year ratios), counted
apart as ``fred (demand)`` so the load they add is visible."""


class DemandSplitMarket(LoopbackMarket):
    """The loopback market, counting FRED requests for the demand ids under their own key."""

    @staticmethod
    def source_of(raw_path: str) -> str:
        source = LoopbackMarket.source_of(raw_path)
        query = parse_qs(urlparse(raw_path).query)
        # a keyless FRED request may ask several series (id=A,B,C): demand when any is
        if source == "fred" and DEMAND_FRED.intersection(query.get("id", [""])[0].split(",")):
            return "fred (demand)"
        return source


async def simulate(days: int, start: dt.date) -> tuple[Counter[str], float]:
    market = DemandSplitMarket(session=start)
    base = market.start()
    sources = {
        name: SourceSettings.default(name, base_url=base, api_base_url=base, min_interval=0.0, max_per_minute=0)
        for name in SOURCES
    }
    settings = FeedSettings(sources=sources, retries=1)
    clock = FakeClock(dt.datetime.combine(start, dt.time(0, 0), dt.UTC))
    real_time = feed_module.time
    real_tic_time = tic_module.time
    patched = (feed_module, auction_feed_module, tic_module, td_module)
    real_utcnow = [m.utcnow for m in patched]
    feed_module.time = clock  # type: ignore[assignment]
    auction_feed_module.time = clock  # type: ignore[assignment]
    tic_module.time = clock  # type: ignore[assignment]
    for module in patched:
        module.utcnow = clock.utcnow  # type: ignore[assignment]
    try:
        store = SeriesStore(today=lambda: clock.now.date())
        http = HttpContext(settings)
        feed = Feed(store, settings, http, market_open=is_open)
        auctions = AuctionFeed(AuctionBook(), settings, http)
        await feed.refresh(force=True)  # cold start, not counted
        await auctions.refresh()
        market.hits.clear()
        end = clock.now + dt.timedelta(days=days)
        while clock.now < end:
            clock.advance(max(1.0, min(feed.next_due_in(), auctions.next_due_in())))
            local = clock.now.astimezone(ET)
            session = last_weekday(local.date())
            # Each session's close is published at 17:00 New York time.
            if local.time() >= dt.time(17, 0) and session == local.date():
                market.session, market.published_through = session, session
            else:
                market.session = session
                market.published_through = last_weekday(session - dt.timedelta(days=1))
            await feed.refresh()
            await auctions.refresh_if_due()
        await http.aclose()
    finally:
        feed_module.time = real_time
        auction_feed_module.time = real_time
        tic_module.time = real_tic_time
        for module, original in zip(patched, real_utcnow, strict=True):
            module.utcnow = original  # type: ignore[assignment]
        market.stop()
    return Counter(market.hits), days * 24.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2026, 11, 30))
    args = parser.parse_args()
    hits, hours = asyncio.run(simulate(args.days, args.start))
    print(f"simulated {args.days} days from {args.start} ({hours:.0f} h), requests after the cold start")
    print(f"{'source':<15} {'requests':>9} {'per hour':>9}")
    for key, n in sorted(hits.items(), key=lambda kv: -kv[1]):
        print(f"{key:<15} {n:>9} {n / hours:>9.2f}")
    print(f"{'total':<15} {sum(hits.values()):>9} {sum(hits.values()) / hours:>9.2f}")


if __name__ == "__main__":
    main()
