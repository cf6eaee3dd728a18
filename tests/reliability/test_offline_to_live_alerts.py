"""Alerts after the OFFLINE → live switch (found while checking QA finding 3).

Before: started with an empty cache, the first check of the rules ran on the empty live
store and kept its (empty) series snapshot; when the first source answered and the Monitor
went back live, the store switch marked that answer as seen without re-reading the store,
so ``ust10y > 4`` never fired (and the signals were computed on nothing) until some later
change. Now the snapshot is re-read at the switch. A real Monitor against
:class:`FaultServer`: the first request fails (OFFLINE), the retry answers at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import write_config
from tests.reliability.faultserver import FaultServer
from tests.reliability.harness import running_with_modes
from tui.config import load_config
from tui.session import build_monitor


async def test_a_rule_fires_once_the_first_source_answers_after_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datafeed.http import HttpContext

    # The retry at once: the answer lands before the OFFLINE demo is built (as a fast
    # loopback or a flaky first connection does), the case where the snapshot was kept.
    monkeypatch.setattr(HttpContext, "_backoff", staticmethod(lambda attempt, retry_after: 0.0))
    with FaultServer() as srv:
        srv.mode = lambda sid, n: "500" if n == 0 else "ok"
        cfg = write_config(tmp_path / "c.toml", srv.url)
        config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")})
        config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=3, timeout=2.0))
        from datafeed.alerts import parse_rule

        monitor = build_monitor(
            config,
            rules=[parse_rule("ust10y > 0")],
            switch_offline=True,
            metrics=True,
            tick_interval=None,
            today=dt.date(2026, 11, 23),  # the Monday after the stand-in's last close: not late
        )
        async with running_with_modes(monitor) as modes:
            loop = asyncio.get_running_loop()
            ends = loop.time() + 30
            while not monitor.alert_log and loop.time() < ends:
                await asyncio.sleep(0.05)
            held = monitor.store.latest("ust10y") if monitor.store is not None else None
            assert "offline" in modes and monitor.mode == "live", modes
            assert held is not None
            assert [(e.rule, e.date) for e in monitor.alert_log] == [("ust10y > 0", held.date)]
