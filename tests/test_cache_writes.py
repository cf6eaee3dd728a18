"""What a save writes: files only when official data changed; the last fetch time via the summary.

And how: the encoded history of an unchanged series is reused, and values are rounded to
ten decimals exactly as ``round(v, 10)`` does, faster.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pytest

from datafeed.cache import DiskCache, encode, round10
from datafeed.models import Observation
from datafeed.store import SeriesStore

TODAY = dt.date(2026, 11, 26)
T1 = dt.datetime(2026, 11, 25, 22, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 11, 26, 22, 0, tzinfo=dt.UTC)


def filled() -> SeriesStore:
    store = SeriesStore(today=lambda: TODAY)
    store.apply([Observation("ust10y", dt.date(2026, 11, d), 4.0 + d / 100, "fred:DGS10") for d in range(2, 26)])
    store.apply([Observation("vix", dt.date(2026, 11, d), 15.0 + d / 7, "fred:VIXCLS") for d in range(2, 26)])
    for i in ("ust10y", "vix"):
        store.mark_success(i, store.latest(i).source, T1)  # type: ignore[union-attr]
    return store


def mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_a_status_change_rewrites_the_summary_only_and_the_time_survives(tmp_path: Path) -> None:
    store = filled()
    cache = DiskCache(tmp_path)
    assert sorted(cache.save(store)) == ["ust10y", "vix"]
    before = mtimes(tmp_path)
    store.mark_failure("ust10y", "HTTP 503")
    store.mark_success("ust10y", "fred:DGS10", T2)  # a pass that found nothing new
    assert cache.save(store) == []
    after = mtimes(tmp_path)
    assert after["ust10y.json"] == before["ust10y.json"] and after["vix.json"] == before["vix.json"]
    assert after["_summary.json"] != before["_summary.json"]
    assert cache.save(store) == [] and mtimes(tmp_path) == after  # nothing moved since
    fresh = SeriesStore(today=lambda: TODAY)
    DiskCache(tmp_path).load_into(fresh)
    assert fresh.state["ust10y"].last_success == T2  # from the summary: newer than the file's
    assert fresh.state["vix"].last_success == T1


def test_without_the_summary_the_files_time_is_used(tmp_path: Path) -> None:
    store = filled()
    cache = DiskCache(tmp_path)
    cache.save(store)
    store.mark_success("ust10y", "fred:DGS10", T2)
    cache.save(store)
    (tmp_path / "_summary.json").unlink()
    fresh = SeriesStore(today=lambda: TODAY)
    DiskCache(tmp_path).load_into(fresh)
    assert fresh.state["ust10y"].last_success == T1


def test_an_intraday_quote_rewrites_nothing_and_new_data_rewrites_its_file(tmp_path: Path) -> None:
    store = filled()
    cache = DiskCache(tmp_path)
    cache.save(store)
    before = mtimes(tmp_path)
    t = dt.datetime(2026, 11, 26, 15, tzinfo=dt.UTC)
    assert store.apply([Observation("ust10y", TODAY, 4.4, "yahoo:^TNX", intraday=True, time=t)])
    assert cache.save(store) == [] and mtimes(tmp_path) == before
    store.apply([Observation("ust10y", TODAY, 4.41, "fred:DGS10")])
    assert cache.save(store) == ["ust10y"]
    fresh = SeriesStore(today=lambda: TODAY)
    DiskCache(tmp_path).load_into(fresh)
    assert fresh.official("ust10y").iloc[-1] == 4.41


def test_reused_history_writes_the_same_bytes(tmp_path: Path) -> None:
    """After a load, a status-only save and a data save both write what encode() writes."""
    cache = DiskCache(tmp_path)
    cache.save(filled())
    store = SeriesStore(today=lambda: TODAY)
    cache = DiskCache(tmp_path)
    cache.load_into(store)
    store.apply([Observation("vix", TODAY, 30.0, "fred:VIXCLS")])
    store.mark_success("ust10y", "fred:DGS10", T2)
    store.mark_success("vix", "fred:VIXCLS", T2)
    assert cache.save(store) == ["vix"]
    store.apply([Observation("ust10y", TODAY, 4.5, "fred:DGS10")])
    assert cache.save(store) == ["ust10y"]
    strip = lambda b: re.sub(rb'"saved_at":"[^"]*"', b"", b)  # noqa: E731
    for inst in ("ust10y", "vix"):
        assert strip((tmp_path / f"{inst}.json").read_bytes()) == strip(encode(store, inst))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_round10_is_round_to_ten_decimals(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = np.concatenate(
        [
            np.round(rng.uniform(-1e4, 1e4, 5000), rng.integers(0, 12)),  # parsed from text
            rng.uniform(-1e6, 1e6, 5000),  # float noise
            rng.uniform(0, 200, 5000).astype("float32").astype("float64"),  # 4.270999908447266
            rng.uniform(1e6, 1e12, 1000),
            np.array([0.0, -0.0, 1e-11, 5e-11, 1.5e-10, 2.5e-10, 2.0**53, 1e300, -1e300, 123456.78901234567]),
        ]
    )
    assert round10(values) == [round(v, 10) for v in values.tolist()]
