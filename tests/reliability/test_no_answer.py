"""A server that accepts the connection and never answers (issue 18 finding 7).

Before: the status read ``connecting`` for more than 90 s with no stale or offline mark.
Now: each attempt ends unanswered at twice the timeout, the source then reads ``no answer``
(``STALE`` with the kept data's age) while its job retries, and with no source answering
the Monitor goes OFFLINE. A real Monitor against :class:`FaultServer` in ``hang`` mode.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from pathlib import Path

from datafeed.cache import DiskCache
from datafeed.models import Observation
from datafeed.store import SeriesStore
from tests.conftest import write_config
from tests.reliability.faultserver import FaultServer
from tui.config import load_config
from tui.session import build_monitor

TODAY = dt.date(2026, 11, 20)
TIMEOUT = 0.5


async def until(condition: object, what: str, timeout: float = 20.0) -> float:
    """Poll ``condition()`` until it holds; returns the seconds it took."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not condition():  # type: ignore[operator]
        if loop.time() - start > timeout:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
    return loop.time() - start


async def test_a_silent_server_reads_no_answer_then_offline(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    seeded = SeriesStore(today=lambda: TODAY)
    seeded.apply([Observation("ust10y", dt.date(2026, 11, 19), 4.5, "fred:DGS10")])
    DiskCache(cache_dir).save(seeded, ["ust10y"])
    with FaultServer(hang_limit=15.0) as srv:
        srv.mode = "hang"
        cfg = write_config(tmp_path / "c.toml", srv.url)
        config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(cache_dir)})
        config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, timeout=TIMEOUT, retries=3))
        monitor = build_monitor(config, switch_offline=True, today=TODAY, tick_interval=None)
        monitor.start()
        try:

            def fred() -> object:
                return next(h for h in monitor.health() if h.source == "fred")

            await until(lambda: fred().state == "connecting", "connecting at first", timeout=10)  # type: ignore[attr-defined]
            took = await until(lambda: fred().note == "no answer", "no answer")  # type: ignore[attr-defined]
            health = fred()
            assert health.state == "stale" and health.data_date == dt.date(2026, 11, 19)  # type: ignore[attr-defined]
            # One attempt is bounded by twice the timeout (1 s); scheduling under load adds some.
            assert took < 2 * TIMEOUT + 4.0, took
            await until(lambda: monitor.mode == "offline", "OFFLINE")
        finally:
            await monitor.aclose()
