"""Start-up: the first frame shows the cached numbers from the cache summary, before pandas.

The store (pandas, every cache file) loads behind it in a thread, hands itself over so the
feed can start, and its rows replace the summary's without a repaint; the metrics follow.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tui_helpers import TODAY, screen_text, wait_ready, wait_until

from datafeed.cache import DiskCache
from datafeed.models import Observation
from datafeed.store import SeriesStore
from datafeed.summary import read_summary
from tests.conftest import ROOT, write_config
from tui import presenters
from tui.app import TriffinApp
from tui.config import load_config
from tui.rows import summary_rows
from widgets.live_table import LiveTable


def _filled_store() -> SeriesStore:
    """A store as a refresh leaves it: a long daily series, a short one, a single value."""
    store = SeriesStore(today=lambda: TODAY)
    days = pd.bdate_range(end=TODAY - dt.timedelta(days=1), periods=300)
    rng = np.random.default_rng(8)
    ust = 4.0 + np.cumsum(rng.normal(0, 0.03, len(days)))
    obs = [Observation("ust10y", d.date(), round(float(v), 10), "fred:DGS10") for d, v in zip(days, ust, strict=True)]
    obs += [
        Observation("ust10y", days[-1].date(), float(ust[-1]) + 0.01, "treasury:10 Yr")
    ]  # newest from another source
    obs += [Observation("vix", d.date(), 15.0 + i / 7, "fred:VIXCLS") for i, d in enumerate(days[-5:])]
    obs += [Observation("debt_gdp", dt.date(2026, 7, 1), 120.5, "fred:GFDEGDQ188S")]
    store.apply(obs)
    for inst_id in ("ust10y", "vix", "debt_gdp"):
        store.mark_success(inst_id, store.latest(inst_id).source, dt.datetime(2026, 11, 19, 22, tzinfo=dt.UTC))
    return store


def test_summary_rows_equal_the_rows_of_the_loaded_store(tmp_path: Path) -> None:
    """The rows painted from the summary are the ones the store gives once it is loaded."""
    DiskCache(tmp_path).save(_filled_store())
    loaded = SeriesStore(today=lambda: TODAY)
    DiskCache(tmp_path).load_into(loaded)
    now = dt.datetime.combine(TODAY, dt.time(21), dt.UTC)
    assert summary_rows(read_summary(tmp_path), TODAY) == presenters.table_rows(loaded, TODAY, now)


def test_summary_rows_need_no_pandas(tmp_path: Path) -> None:
    """Reading the summary and building the rows imports neither pandas nor numpy."""
    DiskCache(tmp_path).save(_filled_store())
    code = (
        "import sys, datetime as dt\n"
        "from datafeed.summary import read_summary\n"
        "from tui.rows import summary_rows\n"
        f"rows = summary_rows(read_summary({str(tmp_path)!r}), dt.date(2026, 11, 20))\n"
        "assert [r.id for r in rows if r.value is not None] == ['ust10y', 'vix', 'debt_gdp']\n"
        "print(' '.join(m for m in ('pandas', 'numpy', 'httpx') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


async def test_cached_values_are_on_screen_before_the_store_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cached numbers show while the full cache is still loading; the store's rows repaint nothing."""
    cache = tmp_path / "cache"
    DiskCache(cache).save(_filled_store())
    gate = threading.Event()
    load_into = DiskCache.load_into

    def held_load(self: DiskCache, store: SeriesStore) -> list[str]:
        gate.wait(20)
        return load_into(self, store)

    monkeypatch.setattr(DiskCache, "load_into", held_load)
    cfg = write_config(tmp_path / "c.toml", "http://127.0.0.1:9")  # nothing answers
    config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(cache)})
    config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=1, timeout=2.0))
    app = TriffinApp(config, today=TODAY, tick_interval=None)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            table = app.screen.query_one(LiveTable)
            row = table.get_row("ust10y")
            assert row is not None and row.value is not None, "the summary is painted on mount"
            assert row.status == "stale" and row.source == "treasury:10 Yr"
            await pilot.pause()
            assert app.monitor.live_store is None and app.monitor.feed is None, "the store is still loading"
            assert f"{row.value:,.3f}" in screen_text(app)
            assert table.get_row("vix").value is not None and table.get_row("debt_gdp").value == 120.5
            assert table.get_row("ust2y").value is None and table.get_row("ust2y").status == "missing"
            shown = {r: table.get_row(r) for r in table.row_ids}
            gate.set()
            await wait_until(pilot, lambda: app.monitor.live_store is not None, what="the store")
            assert app.monitor.feed is not None, "the feed starts as soon as the store is in"

            # The feed starts at once and may already have failed against the dead port
            # (rows without data turn "error"): compare what came from the cache.
            def cached(rows: dict) -> dict:
                return {
                    r: (v.value, v.change, v.date, v.source, v.spark)
                    for r, v in rows.items()
                    if v is not None and v.value is not None
                }

            assert cached({r: table.get_row(r) for r in shown}) == cached(shown)
            await wait_ready(pilot)
            assert app.monitor.metrics is not None
    finally:
        gate.set()


async def test_no_summary_means_rows_from_the_store(tmp_path: Path) -> None:
    """Without ``_summary.json`` (an older cache) the first rows come from the store load."""
    cache = tmp_path / "cache"
    DiskCache(cache).save(_filled_store())
    (cache / "_summary.json").unlink()
    cfg = write_config(tmp_path / "c.toml", "http://127.0.0.1:9")
    config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(cache)})
    config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=1, timeout=2.0))
    app = TriffinApp(config, today=TODAY, tick_interval=None)
    async with app.run_test(size=(160, 48)) as pilot:
        assert app.monitor.cached_summary() == {}
        table = app.screen.query_one(LiveTable)
        await wait_until(
            pilot,
            lambda: table.get_row("ust10y") is not None and table.get_row("ust10y").value is not None,
            what="cached rows",
        )
        assert table.get_row("ust10y").status == "stale"


def test_rows_carry_1w_1m_and_ytd_changes_first_frame_included(tmp_path: Path) -> None:
    """Issue 17: 1W / 1M / YTD columns in the table, each against the last value on or before
    its base date (7 and 30 days back, the prior year's end), in the change unit (bp); the
    first frame's rows have them too (the summary keeps the YTD base in front of its tail)."""
    store = _filled_store()
    series = store.series("ust10y")
    last = series.index[-1]
    row = presenters.table_row(store, "ust10y", TODAY, dt.datetime.combine(TODAY, dt.time(21), dt.UTC))

    def base(day: pd.Timestamp) -> float:
        return float(series[series.index <= day].iloc[-1])

    value = float(series.iloc[-1])
    expected = [
        (value - base(last - pd.Timedelta(days=7))) * 100,
        (value - base(last - pd.Timedelta(days=30))) * 100,
        (value - base(pd.Timestamp(last.year - 1, 12, 31))) * 100,
    ]
    assert [row.change_1w, row.change_1m, row.change_ytd] == pytest.approx(expected)
    assert presenters.table_row(store, "debt_gdp", TODAY, dt.datetime.now(dt.UTC)).change_1m is None  # one value
    DiskCache(tmp_path).save(store)
    first = {r.id: r for r in summary_rows(read_summary(tmp_path), TODAY)}["ust10y"]
    assert first.change_ytd == pytest.approx(expected[2]) and len(read_summary(tmp_path)["ust10y"].values) == 65
