"""Validation through the whole path: FRED parser → feed → store → ``snapshot`` JSON.

An observation that is not a number, outside its instrument's plausible range, or dated in
the future is refused and counted (``SeriesState.rejected``, ``rejected`` in the JSON), its
reason kept in the series' notes; the good rows of the same answer are stored.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from datafeed.models import Status
from datafeed.store import SeriesStore
from tests.conftest import write_config
from tests.reliability.faultserver import FaultServer, default_rows
from tests.reliability.harness import TODAY, make_feed

ROOT = Path(__file__).resolve().parents[2]

BAD_DGS10 = [
    ("2026-11-18", "4.10"),
    ("2026-11-19", "4000"),  # a 10Y yield of 4000 %
    ("2026-11-20", "nan"),  # not a number
    ("2026-11-23", "-7"),  # below the plausible range
    ("2026-11-24", "inf"),  # not a number
    ("2026-11-25", "4.15"),
    ("2099-01-02", "4.20"),  # dated in the future
]
BAD_VIX = [("2026-11-20", "18.4"), ("2026-11-23", "0.2"), ("2026-11-24", "999")]


def rows(sid: str, cosd: str) -> list[tuple[str, str]]:
    if sid == "DGS10":
        return BAD_DGS10
    if sid == "VIXCLS":
        return BAD_VIX
    return default_rows(sid, cosd)


@pytest.fixture
def srv() -> Iterator[FaultServer]:
    with FaultServer() as server:
        server.rows_for = rows
        yield server


@pytest.mark.parametrize("keyed", [False, True], ids=["keyless-csv", "keyed-json"])
async def test_bad_observations_are_rejected_counted_and_explained(srv: FaultServer, keyed: bool) -> None:
    store = SeriesStore(today=lambda: TODAY)
    feed, http, _ = make_feed(srv.url, store, ("ust10y", "vix"), api_key="k" * 32 if keyed else None)
    report = await feed.refresh(force=True)
    await http.aclose()
    assert report.failed == 0
    s = store.official("ust10y")
    assert [d.date().isoformat() for d in s.index] == ["2026-11-18", "2026-11-25"]
    assert list(s) == [4.10, 4.15]
    st = store.state["ust10y"]
    assert st.status is Status.FRESH and st.rejected == 5
    reasons = " | ".join(st.notes)
    assert reasons.count("not a number") == 2
    assert "outside plausible range" in reasons and "4000" in reasons and "-7" in reasons
    assert "in the future" in reasons
    assert store.state["vix"].rejected == 2 and list(store.official("vix")) == [18.4]
    # Counting is per observation, every time: a second pass counts the same rows again
    # (the rows are re-served), notes stay bounded.
    http2 = feed.http = type(http)(feed.settings)
    feed.request_refresh()
    await feed.refresh()
    await http2.aclose()
    assert store.state["ust10y"].rejected > 5 and len(store.state["ust10y"].notes) <= 20


def test_rejected_counts_surface_in_snapshot_json(srv: FaultServer, tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", srv.url)
    env = dict(os.environ, NO_COLOR="1", TRIFFIN_CONFIG=str(cfg), TRIFFIN_CACHE_DIR=str(tmp_path / "cache"))
    r = subprocess.run(
        [sys.executable, "-m", "tui", "snapshot", "--format", "json", "--timeout", "15"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=ROOT,
    )
    assert "Traceback" not in r.stderr
    doc = json.loads(r.stdout)
    series = doc["series"]
    assert all("rejected" in entry and isinstance(entry["rejected"], int) for entry in series.values())
    assert series["ust10y"]["rejected"] == 5 and series["vix"]["rejected"] == 2
    assert series["ust10y"]["value"] == 4.15 and series["ust10y"]["date"] == "2026-11-25"
    assert series["ust10y"]["status"] == "fresh" and series["ust2y"]["rejected"] == 0
    # The refused values never reached the cache either.
    cached = json.loads((tmp_path / "cache" / "ust10y.json").read_text())
    assert 4000 not in cached["values"] and len(cached["values"]) == 2
