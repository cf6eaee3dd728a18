"""``snapshot --timeout S`` when no source answers within S (QA finding 7).

Before: with a kept cache and a FRED that drips its answers (``--mode slow``), the document
said ``"mode": "live"`` (table title ``— LIVE —``) while every row was kept data marked
``stale``; every other fault (500, 429, garbage, reset) already said ``offline``. Now no answer
within ``--timeout`` counts like no answer at all: ``offline``. And the attempt's bound in
the error is rounded (finding 12: ``no complete answer within 4.44941 s``). The real snapshot pipeline (``collect`` + ``build_document``)
against :class:`FaultServer` on 127.0.0.1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

from datafeed.cache import DiskCache
from datafeed.models import Observation
from datafeed.snapshot import build_document, collect
from datafeed.store import SeriesStore
from tests.conftest import write_config
from tests.reliability.faultserver import FaultServer
from tui.config import load_config
from tui.session import build_monitor

TODAY = dt.date(2026, 11, 20)
BUDGET = 2.0


async def snapshot(tmp_path: Path, mode: str) -> tuple[bool, dict[str, Any]]:
    """(whether the pass was cut off by the budget, the document) of one snapshot over a
    cache holding the 10Y and VIX, against a server in ``mode``."""
    cache_dir = tmp_path / "cache"
    seeded = SeriesStore(today=lambda: TODAY)
    seeded.apply(
        [
            Observation("ust10y", dt.date(2026, 11, 18), 4.5, "fred:DGS10"),
            Observation("vix", dt.date(2026, 11, 18), 17.0, "fred:VIXCLS"),
        ]
    )
    DiskCache(cache_dir).save(seeded, ["ust10y", "vix"])
    with FaultServer(hang_limit=10.0) as srv:
        srv.mode = mode
        cfg = write_config(tmp_path / "c.toml", srv.url)
        config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(cache_dir)})
        config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=1))
        monitor = build_monitor(config, run="live", rules=(), formulas=(), today=TODAY)
        collected = await collect(monitor, timeout=BUDGET)
    return collected.timed_out, build_document(collected)


async def test_no_answer_within_the_timeout_is_offline(tmp_path: Path) -> None:
    timed_out, doc = await snapshot(tmp_path, "slow")
    assert timed_out, "the server must hold the pass past the budget for this test to mean anything"
    assert doc["mode"] == "offline"
    assert doc["series"]["ust10y"]["status"] == "stale" and doc["series"]["ust10y"]["value"] == 4.5
    # The attempt's bound is what remained of the budget, said to 0.1 s (it read "within 1.44941 s").
    assert re.search(r"no complete answer within \d+(\.\d)? s", doc["series"]["ust10y"]["error"])
