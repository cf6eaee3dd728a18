"""Fault injection: the real feed against a loopback FRED that misbehaves in every way.

For each fault (:data:`harness.FAILURES`): no exception escapes, the last good values stay
and are marked ``stale`` with a one-line reason and their last-success time (the age), the
job backs off (``Retry-After`` respected), asks nothing while backing off, and recovers by
itself once the server does. Data faults (:data:`harness.DATA_FAULTS`) are answers that
arrive fine but carry rows the store must reject, de-duplicate or reorder.

Plus ``triffin snapshot --timeout S`` against a server that never answers and one that
drips: it returns within S plus a small margin, exit 1, a status for every series.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from datafeed.errors import FetchError
from datafeed.http import HttpContext
from datafeed.models import Status
from datafeed.settings import FeedSettings, SourceSettings
from datafeed.store import SeriesStore
from tests.conftest import write_config
from tests.reliability.faultserver import HUGE, FaultServer
from tests.reliability.harness import DATA_FAULTS, EXPECTED_REASON, FAILURES, TODAY, drive, fake_clock, make_feed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def srv() -> Iterator[FaultServer]:
    with FaultServer(hang_limit=10.0, retry_after="120") as server:
        yield server


@pytest.mark.parametrize("fault", FAILURES)
async def test_fault_keeps_values_stale_backs_off_and_recovers(srv: FaultServer, fault: str) -> None:
    out = await drive(srv, fault)
    assert out.failed, out
    assert set(out.statuses.values()) == {"stale"}, out.statuses
    assert out.reason and EXPECTED_REASON[fault] in out.reason, out.reason
    assert "\n" not in out.reason and len(out.reason) < 200
    assert out.kept, "the last good values must stay"
    assert out.last_success_kept, "last_success (the age of what is shown) must not move"
    # 15 s × jitter 0.8..1.2 at least, read after the pass ended: the real time between the
    # failure and this reading (tens of ms on a loaded machine) has already run off it.
    assert out.backoff_s is not None and out.backoff_s >= 12.0 - 0.5
    if fault == "429":
        assert out.backoff_s >= 119.5, "Retry-After: 120 must be respected"
    assert out.quiet_during_backoff, "no request while backing off"
    assert not out.early_refresh_ran, "no request before the backoff ends"
    assert out.recovered, "recovers by itself once the server answers again"
    assert out.fail_pass_wall_s < 5.0, f"a fault must not hold the pass for long ({out.fail_pass_wall_s:.1f} s)"


async def test_retry_after_holds_back_even_a_forced_refresh(srv: FaultServer) -> None:
    """The 429's Retry-After also closes the source's gate: pressing 'r' does not hammer."""
    srv.retry_after = "1"
    store = SeriesStore(today=lambda: TODAY)
    feed, http, _ = make_feed(srv.url, store, ("ust10y",), retries=1)
    srv.mode = "429"
    await feed.refresh(force=True)
    assert store.state["ust10y"].status is Status.ERROR and "429" in (store.state["ust10y"].last_error or "")
    srv.mode = "ok"
    srv.reset_log()
    started = time.monotonic()
    feed.request_refresh()
    await feed.refresh()
    waited = time.monotonic() - started
    assert store.state["ust10y"].status is Status.FRESH
    assert srv.hits and srv.hits[0].at - started >= 0.9, "the request waited for Retry-After"
    assert waited < 3
    await http.aclose()


@pytest.mark.parametrize("fault", DATA_FAULTS)
async def test_data_faults_are_rejected_or_repaired_not_stored(srv: FaultServer, fault: str) -> None:
    out = await drive(srv, fault)
    assert not out.failed and out.recovered, out
    assert set(out.statuses.values()) == {"fresh"}
    if fault == "absurd":
        # 4000 is refused; 4.12… stays the newest 10Y value.
        assert out.rejected == 2 and out.values_after["ust10y"] < 25  # one per series
        assert any("outside plausible range" in n for n in out.notes)
    elif fault == "nan":
        # 'nan'/'inf' reach the store, which refuses and counts them (2 per series).
        assert out.rejected == 4 and any("not a number" in n for n in out.notes)
        assert out.values_after["ust10y"] < 25 and out.series_len["ust10y"] == 2
    elif fault == "future":
        assert out.rejected == 2 and any("in the future" in n for n in out.notes)
        assert out.series_len["ust10y"] == 2
    elif fault == "dupes":
        # 18th, 20th, 23rd once each, sorted: the 20th, given twice with different values, is
        # refused (test_sorted_unique... below); the value held from the good pass before stays.
        assert out.series_len == {"ust10y": 3, "vix": 3} and out.rejected == 4
        assert out.values_after["ust10y"] == pytest.approx(4.12 * 1.01, rel=1e-5)


async def test_sorted_unique_after_duplicate_out_of_order_rows(srv: FaultServer) -> None:
    store = SeriesStore(today=lambda: TODAY)
    feed, http, _ = make_feed(srv.url, store, ("ust10y",))
    srv.mode = "dupes"
    await feed.refresh(force=True)
    s = store.official("ust10y")
    assert s.index.is_monotonic_increasing and not s.index.has_duplicates
    # The 18th twice with one value is one value; the 20th twice with two is refused, counted.
    assert [d.day for d in s.index] == [18, 23] and store.state["ust10y"].rejected == 2
    await http.aclose()


async def test_huge_body_is_capped_without_reading_it_all(srv: FaultServer) -> None:
    """20 MB answers stop at the cap (default 16 MB; here 1 MB) instead of being parsed."""
    for mode in ("huge", "huge_chunked"):
        srv.mode = mode
        settings = FeedSettings(sources={"fred": SourceSettings.default("fred", base_url=srv.url)}, max_body=1 << 20)
        http = HttpContext(settings)
        with pytest.raises(FetchError, match="larger than") as info:
            await http.get(settings.sources["fred"], f"{srv.url}/graph/fredgraph.csv", params={"id": "DGS10"})
        assert not info.value.transient  # no point downloading it again at once
        await http.aclose()
    assert FeedSettings(sources={}).max_body == 16 * 1024 * 1024 < HUGE


async def test_slow_drip_is_bounded_by_the_request_timeout(srv: FaultServer) -> None:
    """A server that keeps sending a byte every 50 ms never trips httpx's read timeout;
    the whole exchange is still bounded (twice ``timeout``)."""
    srv.mode = "slow"
    settings = FeedSettings(sources={"fred": SourceSettings.default("fred", base_url=srv.url)}, timeout=0.5, retries=1)
    http = HttpContext(settings)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        await http.get(settings.sources["fred"], f"{srv.url}/graph/fredgraph.csv", params={"id": "DGS10"})
    assert time.monotonic() - started < 2.0
    await http.aclose()


async def test_feed_keeps_running_while_one_series_hangs(srv: FaultServer) -> None:
    """One hung series does not stop the others from being stored as they arrive."""
    srv.mode = lambda sid, n: "hang" if sid == "DGS10" else "ok"
    store = SeriesStore(today=lambda: TODAY)
    feed, http, _ = make_feed(srv.url, store, ("ust10y", "vix", "ust2y"), timeout=0.5, retries=1)
    report = await feed.refresh(force=True)
    assert report.ok == 2 and report.failed == 1
    assert store.state["vix"].status is Status.FRESH and store.state["ust10y"].status is Status.ERROR
    await http.aclose()


async def test_keyed_json_faults(srv: FaultServer) -> None:
    """The keyed JSON API: malformed JSON and FRED's error JSON are one-line failures."""
    store = SeriesStore(today=lambda: TODAY)
    with fake_clock() as clock:
        feed, http, _ = make_feed(srv.url, store, ("ust10y",), api_key="abcd1234efgh5678abcd1234efgh5678")
        await feed.refresh(force=True)
        assert store.state["ust10y"].status is Status.FRESH
        for mode, fragment in (("json_garbage", "not JSON"), ("json_error", "HTTP 400")):
            srv.mode = mode
            clock.advance(10_000)
            await feed.refresh()
            st = store.state["ust10y"]
            assert st.status is Status.STALE and fragment in (st.last_error or ""), st.last_error
            assert "abcd1234efgh5678" not in (st.last_error or "")
        srv.mode = "ok"
        clock.advance(10_000)
        await feed.refresh()
        assert store.state["ust10y"].status is Status.FRESH
        await http.aclose()


async def test_no_exception_escapes_run_forever(srv: FaultServer) -> None:
    """The long-running loop survives a pass where every fault happens at once."""
    faults = [*FAILURES, *DATA_FAULTS]
    srv.retry_after = "1"  # the 429's Retry-After closes the whole source's gate that long
    srv.mode = lambda sid, n: faults[(hash(sid) + n) % len(faults)] if n else "ok"
    store = SeriesStore(today=lambda: TODAY)
    ids = ("ust3m", "ust2y", "ust5y", "ust10y", "ust20y", "ust30y", "vix", "spx", "ig_oas", "hy_oas")
    feed, http, _ = make_feed(srv.url, store, ids, timeout=0.3, retries=1, max_body=1 << 20)
    passes: list[int] = []
    task = asyncio.create_task(feed.run_forever(on_pass=lambda r: passes.append(r.ok + r.failed)))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while len(passes) < 4 and not task.done():  # a refresh asked as each pass ends (the 'r' key)
        seen = len(passes)
        while len(passes) == seen and not task.done():
            assert loop.time() < deadline, f"{len(passes)} passes in 30 s"
            await asyncio.sleep(0.02)
        feed.request_refresh()
    assert not task.done(), task.exception() if task.done() else None
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(passes) >= 4
    assert all(store.state[i].status in (Status.FRESH, Status.STALE) for i in ids)
    await http.aclose()


# --------------------------------------------------------------------- snapshot bound


def _snapshot(url: str, tmp_path: Path, timeout: float) -> tuple[subprocess.CompletedProcess[str], float]:
    cfg = write_config(tmp_path / "c.toml", url)
    env = dict(os.environ, NO_COLOR="1", TRIFFIN_CONFIG=str(cfg), TRIFFIN_CACHE_DIR=str(tmp_path / "cache"))
    started = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "tui", "snapshot", "--format", "json", "--timeout", str(timeout)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=ROOT,
    )
    return r, time.monotonic() - started


def _startup_seconds() -> float:
    """Interpreter + imports of ``triffin --version``-like start (measured, for the margin)."""
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-c", "import tui.cli, datafeed.snapshot, datafeed.feed, pandas, httpx"], cwd=ROOT, check=True
    )
    return time.monotonic() - started


@pytest.mark.parametrize("mode", ["hang", "slow"])
def test_snapshot_timeout_is_a_bound_against_hung_and_slow_servers(srv: FaultServer, tmp_path: Path, mode: str) -> None:
    srv.mode = mode
    srv.hang_limit = 30.0
    budget = 3.0
    r, elapsed = _snapshot(srv.url, tmp_path, budget)
    startup = _startup_seconds()
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    doc = json.loads(r.stdout)
    statuses = {k: v["status"] for k, v in doc["series"].items()}
    assert statuses["ust10y"] == "error" and doc["series"]["ust10y"]["error"]
    assert set(statuses.values()) <= {"error", "missing"}
    # The budget, plus start-up (measured, ≤ 5 s allowed) and a small margin.
    assert elapsed < budget + min(5.0, startup + 1.0) + 0.5, (elapsed, startup)
    print(f"snapshot --timeout {budget:g} against '{mode}': returned in {elapsed:.2f} s (start-up {startup:.2f} s)")


async def test_cancel_is_not_swallowed_when_a_refresh_was_just_requested(srv: FaultServer) -> None:
    """'r' then 'q': the App cancels the feed worker right after waking it. On Python 3.11
    ``asyncio.wait_for`` swallowed that cancel and the loop ran on (fixed in feed.py)."""
    store = SeriesStore(today=lambda: TODAY)
    feed, http, _ = make_feed(srv.url, store, ("ust10y",))
    task = asyncio.create_task(feed.run_forever())
    await asyncio.sleep(0.5)  # first pass done; the loop now waits for its wake event
    feed.request_refresh()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=3)
    if not done:  # pragma: no cover - the bug: stop it for good before failing
        task.cancel()
        await asyncio.wait({task}, timeout=3)
    assert done and task.cancelled()
    await http.aclose()
