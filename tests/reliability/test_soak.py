"""Soak: seven simulated days of refreshes against a loopback FRED that alternates good and
faulty answers, checking that nothing grows without bound.

The feed refreshes 13 FRED instruments of the catalog once per simulated quarter hour (the
feed's default ``refresh``): 7 days × 96 = 672 passes, ~8,700 requests over real sockets. A fake clock
(installed in ``datafeed.feed`` and ``datafeed.http``) moves 15 minutes per pass, so FRED's
per-minute window and every backoff behave as they would over a week. The server serves
one new row per series per business day of the simulated calendar, so the store grows
like reality; every other answer is one of the faults of ``faultserver.MODES``.

Asserted after a warm-up: RSS grows < 10 %, the asyncio task count is stable, open file
descriptors and the server's open connections stay bounded (the client pool is reused,
not leaked), every in-memory series holds exactly the distinct dates served, and the
per-series notes, the HTTP validator cache and the gates' windows stay bounded.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import math
import time
from pathlib import Path

import psutil
import pytest

from datafeed.cache import DiskCache
from datafeed.catalog import CATALOG
from datafeed.feed import Feed
from datafeed.http import HttpContext
from datafeed.providers.fred import FredProvider
from datafeed.settings import FeedSettings, SourceSettings
from datafeed.store import SeriesStore
from tests.reliability.faultserver import LEVELS, FaultServer, FaultServerProcess, business_days
from tests.reliability.harness import fake_clock

pytestmark = pytest.mark.slow

DAYS = 7
PASSES_PER_DAY = 96
WARMUP = 96  # one simulated day
HISTORY_START = dt.date(2024, 1, 1)
SIM_START = dt.datetime(2026, 11, 2, 0, 7)  # a Monday, just after midnight
FAULTS = (
    "500",
    "502",
    "503",
    "429",
    "reset",
    "truncated",
    "empty",
    "html",
    "garbage",
    "bad_header",
    "wrong_dates",
    "absurd",
    "nan",
    "future",
)
FRED_IDS = tuple(i for i, inst in CATALOG.items() if inst.sources and any(r.source == "fred" for r in inst.sources))[
    :25:2
]
"""Every other one of the catalog's first 25 FRED instruments (13): Treasury tenors FRED
backs up, series only FRED serves, the other central banks' rates and a monthly one.

Fixed so the soak's load stays what it was measured at as the catalog grows (the demand
side added weekly, quarterly and annual FRED series). Thirteen, not all 25: what the soak
bounds is per series (notes, dates held), per pass (tasks, 672 passes) or per day (the
store, seven days), and none of it depends on how many series share a pass; 25 series only
doubled the run (67 s) with the client's CPU for the same passes, days and faults (each
series still rotates through every fault of FAULTS)."""


class Calendar:
    """The simulated wall clock; its date is shared with the server process."""

    def __init__(self) -> None:
        import multiprocessing as mp

        self.now = SIM_START
        self.shared = mp.get_context("fork").Value("i", SIM_START.date().toordinal(), lock=False)

    def today(self) -> dt.date:
        return self.now.date()

    def advance(self, delta: dt.timedelta) -> None:
        self.now += delta
        self.shared.value = self.now.date().toordinal()


def soak_rows(shared):  # type: ignore[no-untyped-def]
    """Rows of every business day from HISTORY_START to the simulated today (server side)."""
    cache: dict[tuple[str, int], list[tuple[str, str]]] = {}

    def rows(sid: str, cosd: str) -> list[tuple[str, str]]:
        level = LEVELS[sid]
        key = (sid, shared.value)
        if key not in cache:
            if any(k[1] != shared.value for k in cache):
                cache.clear()  # a new day: yesterday's rows are not needed any more
            cache[key] = [
                (d.isoformat(), f"{level * (1 + 0.02 * math.sin(d.toordinal() / 7.0)):.6g}")
                for d in business_days(HISTORY_START, dt.date.fromordinal(shared.value))
            ]
        return [r for r in cache[key] if r[0] >= cosd]

    return rows


class SometimesCache(DiskCache):
    """The disk cache, written on every 8th pass (two simulated hours) only: a status change
    rewrites every file, and 672 × 26 fsyncs would triple the run for no extra coverage."""

    calls = 0

    def save(self, store: SeriesStore, ids: object = None) -> list[str]:  # type: ignore[override]
        self.calls += 1
        return super().save(store, ids) if self.calls % 8 == 0 else []  # type: ignore[arg-type]


def alternating(sid: str, n: int) -> str:
    """Good on even requests, a rotating fault on odd ones (different per series)."""
    if n % 2 == 0:
        return "ok"
    return FAULTS[(n // 2 + sum(map(ord, sid))) % len(FAULTS)]


async def test_seven_days_of_refreshes_stay_bounded(tmp_path: Path) -> None:
    proc = psutil.Process()
    cal = Calendar()

    def configure(srv: FaultServer) -> None:
        srv.rows_for = soak_rows(cal.shared)
        srv.mode = alternating

    with FaultServerProcess(configure, hang_limit=2.0, retry_after="0") as srv, fake_clock() as clock:
        # one request per series: the faults alternate per series (a batch would share them)
        fred = SourceSettings.default("fred", base_url=srv.url, api_base_url=srv.url, extra={"batch": False})
        settings = FeedSettings(sources={"fred": fred}, timeout=1.0, retries=1)
        store = SeriesStore(today=cal.today)
        http = HttpContext(settings)
        feed = Feed(
            store,
            settings,
            http,
            providers={"fred": FredProvider(fred)},
            instruments=FRED_IDS,
            cache=SometimesCache(tmp_path / "cache"),
        )
        assert len(feed.jobs) == len(FRED_IDS) == 13
        cache_dir = tmp_path / "cache"

        started = time.monotonic()
        rss: list[int] = []
        tasks: list[int] = []
        fds: list[int] = []
        pool_sizes: list[int] = []
        pool = http.client._transport._pool  # type: ignore[attr-defined]  # noqa: SLF001
        failed = ok = 0
        last_good_day = cal.today()
        for n in range(DAYS * PASSES_PER_DAY):
            report = await feed.refresh(force=True)
            ok += report.ok
            failed += report.failed
            if n % 2 == 0:
                last_good_day = cal.today()
            cal.advance(dt.timedelta(minutes=15))
            clock.advance(15 * 60)
            pool_sizes.append(len(pool.connections))
            if n + 1 == WARMUP or (n + 1) % PASSES_PER_DAY == 0:
                gc.collect()
                rss.append(proc.memory_info().rss)
                tasks.append(len(asyncio.all_tasks()))
                fds.append(proc.num_fds())
        elapsed = time.monotonic() - started
        stats = srv.stats()
        await http.aclose()

    served = len(business_days(HISTORY_START, last_good_day))
    growth = (rss[-1] - rss[0]) / rss[0]
    closing = sum(stats["modes"].get(m, 0) for m in ("reset", "truncated"))
    print(
        f"\nsoak: {DAYS * PASSES_PER_DAY} passes = {DAYS} simulated days ({ok} jobs ok, {failed} failed; "
        f"{stats['requests']} requests) in {elapsed:.1f} s\n"
        f"  RSS after warm-up {rss[0] / 2**20:.1f} MiB, at the end {rss[-1] / 2**20:.1f} MiB ({growth:+.1%}); "
        f"per simulated day {[round(r / 2**20, 1) for r in rss]}\n"
        f"  asyncio tasks {tasks}; open fds {fds}; client pool max {max(pool_sizes)}; "
        f"TCP connections {stats['connections']} for {stats['requests']} requests "
        f"({closing} closed by reset/truncated faults), at most {stats['max_open_connections']} open at once\n"
        f"  every series holds {served} dates (= distinct business days served); answers {stats['modes']}"
    )
    # Alternating: about half the jobs failed, and the feed kept going.
    jobs = DAYS * PASSES_PER_DAY * len(FRED_IDS)
    assert failed > 0.35 * jobs and ok > 0.35 * jobs and ok + failed == jobs
    assert growth < 0.10, f"RSS grew {growth:.1%}"
    assert len(set(tasks)) == 1, f"asyncio task count moved: {tasks}"
    assert max(fds) - fds[0] <= 4, f"file descriptors grew: {fds}"
    # Connections are pooled and reused: new ones only replace those the faults closed.
    assert max(pool_sizes) <= 16 and stats["max_open_connections"] <= 16
    assert stats["connections"] <= closing + 2 * 16, (stats["connections"], closing)
    # Everything that could grow with time is bounded.
    for inst in FRED_IDS:
        series = store.official(inst)
        assert len(series) == served, (inst, len(series), served)
        assert series.index.is_monotonic_increasing and not series.index.has_duplicates
        st = store.state[inst]
        assert len(st.notes) <= 21 and st.rejected > 0
    assert len(http._validated) <= 64  # noqa: SLF001
    assert all(len(g._sent) <= 100 for g in http._gates.values())  # noqa: SLF001
    assert len(feed.jobs) == len(FRED_IDS) and feed.passes == DAYS * PASSES_PER_DAY
    assert sorted(p.name for p in cache_dir.glob("*.json") if p.name != "_summary.json") == sorted(
        f"{i}.json" for i in FRED_IDS
    )
