"""Issue 20: a job's fills start as soon as it finished, not after the pass's slowest job.

Against a threaded loopback server: the NY Fed (SOFR) answers only once FRED was asked for
UST 10Y's older history (the backfill after Treasury, its primary). Before, every backfill
waited for the whole first wave, so FRED was asked only after the NY Fed had answered.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from datafeed.cache import DiskCache, read_backfills
from datafeed.feed import Feed
from datafeed.store import SeriesStore
from datafeed.summary import read_summary
from tests.test_reconcile import Upstream, business_days, make_feed


async def test_a_backfill_does_not_wait_for_another_sources_slow_answer() -> None:
    up = Upstream()
    today = dt.date(2026, 7, 29)
    up.treasury = {d: 4.2 for d in business_days(dt.date(2024, 1, 2), dt.date(2024, 6, 25))}
    up.fred["DGS10"] = {d: 4.3 for d in business_days(dt.date(2023, 1, 2), dt.date(2026, 7, 28))}
    up.sofr = {d: 5.3 for d in business_days(dt.date(2026, 7, 1), dt.date(2026, 7, 28))}
    backfill_asked = threading.Event()
    order: list[str] = []

    def handle(request: Request) -> Response:
        if request.path.endswith("/search.json"):
            backfill_asked.wait(10)  # the NY Fed is slow until FRED's backfill arrives
            order.append("nyfed answered")
        elif request.path == "/graph/fredgraph.csv":
            order.append("fred asked")
            backfill_asked.set()
        return up.handle(request)

    server = HTTPServer(threaded=True)
    server.expect_request("").respond_with_handler(handle)
    server.start()
    try:
        feed = make_feed(server.url_for("").rstrip("/"), today, ["ust10y", "sofr"], {"fred", "treasury", "nyfed"})
        report = await feed.refresh(force=True)
        await feed.http.aclose()
    finally:
        server.clear()
        server.stop()
    assert report.failed == 0, report.errors
    assert order.index("fred asked") < order.index("nyfed answered")
    assert feed.store.official("ust10y").index[0].date() == dt.date(2023, 1, 2), "the backfill landed"


@pytest.fixture
def upstream(httpserver: HTTPServer) -> Iterator[tuple[Upstream, str]]:
    """FRED, Treasury and the NY Fed on one loopback server (``tests/test_reconcile.py``)."""
    up = Upstream()
    httpserver.expect_request("").respond_with_handler(up.handle)
    yield up, httpserver.url_for("").rstrip("/")


async def test_a_backfill_that_found_nothing_older_is_not_asked_again(
    upstream: tuple[Upstream, str], tmp_path: Path
) -> None:
    """FRED, UST 2Y's backfill source, has nothing older than Treasury (its primary) holds:
    the cache remembers it, so the next start does not ask FRED for 25 years again; a
    backfill that did add history (UST 10Y) is not recorded. SOFR starts at the NY Fed (its
    inception): no backfill is ever asked for it."""
    up, base = upstream
    today = dt.date(2026, 7, 29)
    days = business_days(dt.date(2026, 6, 1), dt.date(2026, 7, 28))
    up.sofr = {d: 5.3 for d in days}
    up.fred["SOFR"] = {d: 5.3 for d in days}
    treasury_days = business_days(dt.date(2024, 6, 3), dt.date(2024, 6, 25))
    up.treasury = {d: 4.2 for d in treasury_days}
    up.fred["DGS10"] = {d: 4.3 for d in business_days(dt.date(2024, 1, 2), dt.date(2024, 6, 25))}
    up.fred["DGS2"] = {d: 4.3 for d in treasury_days}  # nothing older than Treasury's
    ids = ["sofr", "ust10y", "ust2y"]

    async def start() -> list[str]:
        feed = make_feed(base, today, ids, {"fred", "treasury", "nyfed"})
        cache = DiskCache(tmp_path / "cache")
        cache.load_into(feed.store)
        feed = Feed(feed.store, feed.settings, feed.http, cache=cache, instruments=ids)
        before = len(up.requests)
        report = await feed.refresh(force=True)
        await feed.flush()
        await feed.http.aclose()
        assert report.failed == 0, report.errors
        return [r for r in up.requests[before:] if "fredgraph" in r]

    first = await start()
    assert any("DGS2" in r for r in first) and any("DGS10" in r for r in first)
    assert not any("id=SOFR" in r for r in first), "SOFR starts at the NY Fed: nothing older to ask for"
    recorded = read_backfills(tmp_path / "cache")
    assert recorded == {"ust2y": ("fred:DGS2", treasury_days[0])}
    second = await start()
    backfills = [r for r in second if "cosd=1999-01-01" in r]  # gap fills after 2024 are asked every pass
    assert backfills and not any("DGS2" in r for r in backfills), "nothing older: not asked again"
    assert not any("id=SOFR" in r for r in second)


class HeldSave(DiskCache):
    """A disk cache whose save waits (in its thread) until the test lets it go."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.started = threading.Event()
        self.release = threading.Event()

    def save(self, store: SeriesStore, ids: Iterable[str] | None = None) -> list[str]:
        self.started.set()
        self.release.wait(10)
        return super().save(store, ids)


async def test_the_cache_save_runs_after_the_pass_not_on_it(upstream: tuple[Upstream, str], tmp_path: Path) -> None:
    """The pass returns while its cache save is still running; :meth:`Feed.flush` waits for
    it, and then every file is on disk (a pass that awaited its save would not return until
    the save was let go, and its files would already be there)."""
    up, base = upstream
    today = dt.date(2026, 7, 29)
    up.fred["VIXCLS"] = {d: 15.0 for d in business_days(dt.date(2026, 6, 1), dt.date(2026, 7, 28))}
    made = make_feed(base, today, ["vix"], {"fred"})
    cache = HeldSave(tmp_path / "cache")
    feed = Feed(made.store, made.settings, made.http, cache=cache, instruments=["vix"])
    try:
        report = await feed.refresh(force=True)
        assert report.failed == 0, report.errors
        assert not (tmp_path / "cache" / "vix.json").exists(), "the pass waited for its save"
        assert await asyncio.to_thread(cache.started.wait, 10), "no save started after the pass"
        cache.release.set()
        await feed.flush()
        assert (tmp_path / "cache" / "vix.json").is_file()
        assert "vix" in read_summary(tmp_path / "cache")
    finally:
        cache.release.set()
        await feed.http.aclose()


async def test_a_warm_pass_on_the_loopback_market_asks_only_for_recent_dates(tmp_path: Path) -> None:
    """Every source on the loopback market (history from 1998, before the feed's 1999
    start, as at the real sources): after one cold pass filled the cache, a warm start asks
    each job once for recent dates and backfills nothing: no 25-year FRED request for the
    Treasury yields, nor for SOFR and €STR whose official sources start at inception."""
    from datafeed.http import HttpContext
    from datafeed.providers.fred import MAX_IDS
    from tests.loopback_market import LoopbackMarket
    from tui.config import load_config

    market = LoopbackMarket()
    base = market.start()
    try:
        cfg = tmp_path / "loopback.toml"
        cfg.write_text(market.config_text(base))
        settings = load_config(str(cfg)).feed

        async def start() -> tuple[Feed, list[str]]:
            store, cache = SeriesStore(), DiskCache(tmp_path / "cache")
            cache.load_into(store)
            http = HttpContext(settings)
            feed = Feed(store, settings, http, cache=cache)
            before = len(market.requests)
            try:
                report = await feed.refresh(force=True)
                await feed.flush()
            finally:
                await http.aclose()
            assert report.failed == 0, report.errors
            return feed, [path for path, _ in market.requests[before:]]

        _, cold = await start()
        assert any("DGS10" in p and "cosd=1999-01-01" in p for p in cold), "the cold pass backfills"
        assert not any("id=SOFR" in p or "ECBESTR" in p for p in cold), "SOFR, €STR: nothing older exists"
        feed, warm = await start()
    finally:
        market.stop()
    fred = [p for p in warm if "fredgraph" in p]
    assert not [p for p in fred if "cosd=1999-01-01" in p], "a warm pass asked FRED for 25 years again"
    assert not [p for p in fred if "id=SOFR" in p or "id=ECBESTR" in p or "id=DGS" in p], fred
    # one request per job (FRED: per MAX_IDS series of one frequency), nothing more
    expected = sum(
        -(-len({t.ref.series for t in j.targets}) // MAX_IDS) if j.provider.name == "fred" else 1 for j in feed.all_jobs
    )
    assert len(warm) == expected, warm
    assert len(fred) == len(set(fred)), "a series asked twice"
