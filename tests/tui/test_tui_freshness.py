"""The header says how old the verdict's evidence is: its as-of date and STALE when inputs are too old."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from tui_helpers import TODAY, demo_app, screen_text, wait_ready, wait_until

from datafeed.cache import DiskCache
from datafeed.store import SeriesStore
from tests.conftest import write_config
from tui.app import TriffinApp
from tui.config import load_config
from tui.screens.dashboard import TitleBar
from widgets.signals_panel import SignalsPanel


def old_cache(folder: Path, end: str) -> None:
    """A cache whose S&P 500 and 10Y yield end on ``end`` (months before TODAY)."""
    store = SeriesStore(today=lambda: TODAY)
    days = pd.bdate_range(end=end, periods=300)
    rng = np.random.default_rng(4)
    spx = 5000 * np.exp(np.cumsum(rng.normal(0, 0.01, len(days))))
    ust = 4 + np.cumsum(rng.normal(0, 0.05, len(days)))
    for inst_id, values, tag in (("spx", spx, "fred:SP500"), ("ust10y", ust, "fred:DGS10")):
        store.load(inst_id, pd.Series(values, index=days), pd.Series(tag, index=days, dtype="object"))
    DiskCache(folder).save(store)


async def test_header_shows_the_as_of_date_and_stale_when_the_inputs_are_old(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    old_cache(cache, "2026-07-28")
    cfg = write_config(tmp_path / "c.toml", "http://127.0.0.1:9")  # nothing answers: the cache is all there is
    config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(cache)})
    config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=1, timeout=2.0))
    app = TriffinApp(config, today=TODAY, tick_interval=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: app.monitor.metrics is not None and app.ready, what="metrics")
        regime = app.monitor.metrics.regime  # type: ignore[union-attr]
        assert regime.as_of == dt.date(2026, 7, 28) and "stock_bond_corr_1y" in regime.stale
        await wait_until(pilot, lambda: "STALE" in screen_text(app).splitlines()[0], what="the STALE mark")
        title = screen_text(app).splitlines()[0]
        assert "as of 2026-07-28" in title
        panel = app.screen.query_one(SignalsPanel)
        assert panel.regime is not None and panel.regime.stale == len(regime.stale)
        assert "stale" in screen_text(app)  # the stale signal says so in the panel too


async def test_demo_header_shows_the_as_of_date_without_a_stale_mark() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        title = app.screen.query_one(TitleBar)
        text = screen_text(app).splitlines()[0]
        assert title is not None and "as of 2026-11-19" in text and "STALE" not in text
