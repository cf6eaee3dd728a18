"""``triffin snapshot`` against real published FRED data served on loopback.

Uses ``../shared/tools/fredserver.py`` over ``../shared/data/raw`` (skipped when absent):
the crisis changes must equal the real data and the stock-bond correlation must match an
independent computation.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator

import numpy as np
import pytest

from tests.conftest import SHARED, write_config


@pytest.fixture(scope="module")
def fred_url() -> Iterator[str]:
    server = SHARED / "tools" / "fredserver.py"
    raw = SHARED / "data" / "raw"
    if not server.exists() or not raw.is_dir():
        pytest.skip("../shared/tools/fredserver.py or ../shared/data/raw is not present")
    proc = subprocess.Popen([sys.executable, str(server), str(raw)], stdout=subprocess.PIPE, text=True)
    try:
        port = proc.stdout.readline().strip()  # type: ignore[union-attr]
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def doc(fred_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("real")
    cfg = write_config(folder / "c.toml", fred_url)
    env = dict(os.environ, TRIFFIN_CONFIG=str(cfg), TRIFFIN_CACHE_DIR=str(folder / "cache"), NO_COLOR="1")
    r = subprocess.run(
        [sys.executable, "-m", "tui", "snapshot", "--format", "json", "--timeout", "60"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return json.loads(r.stdout)


def read(name: str) -> dict[str, float]:
    with open(SHARED / "data" / "raw" / f"{name}.csv", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    return {d: float(v) for d, v in rows if v not in ("", ".")}


def test_latest_observation_of_each_fred_series(doc: dict) -> None:
    for inst, sid in (("ust10y", "DGS10"), ("vix", "VIXCLS"), ("spx", "SP500"), ("hy_oas", "BAMLH0A0HYM2")):
        values = read(sid)
        last = max(values)
        assert doc["series"][inst]["date"] == last and doc["series"][inst]["value"] == values[last], inst


def test_crisis_changes_equal_the_real_data(doc: dict) -> None:
    dgs10 = read("DGS10")
    rows = {c["id"]: c for c in doc["crises"]}
    for ep, start, end in (
        ("covid-2020", "2020-03-09", "2020-03-18"),
        ("tariff-2025", "2025-04-02", "2025-04-11"),
        ("gfc-2008", "2008-09-12", "2008-12-31"),
    ):
        v0 = dgs10[max(d for d in dgs10 if d <= start)]
        v1 = dgs10[max(d for d in dgs10 if d <= end)]
        assert rows[ep]["checks"]["ust10y"]["change"] == pytest.approx(100 * (v1 - v0), abs=0.5)
    assert rows["covid-2020"]["verdict"] == "broken"
    assert rows["tariff-2025"]["verdict"] == "broken"
    assert rows["gfc-2008"]["verdict"] == "haven"


def test_stock_bond_correlation_matches_independent_computation(doc: dict) -> None:
    spx, dgs10 = read("SP500"), read("DGS10")
    dates = sorted(set(spx) & set(dgs10))
    s = np.array([spx[d] for d in dates])
    y = np.array([dgs10[d] for d in dates])
    ret = 100 * (s[1:] / s[:-1] - 1)
    bond = -(y[1:] - y[:-1])
    expected = np.corrcoef(ret[-252:], bond[-252:])[0, 1]
    got = doc["signals"]["stock_bond_corr_1y"]["value"]
    assert got == pytest.approx(expected, abs=1e-3)


def test_exhibits_on_the_real_data(doc: dict) -> None:
    """Exhibits 3, 6 and 9 read the real files (their numbers recomputed here from the raw CSVs);
    every exhibit without a reading names each missing input and why."""
    entries = {e["id"]: e for e in doc["exhibits"]}
    assert list(entries) == [
        "holders",
        "debt",
        "gfc",
        "deficits",
        "basis",
        "tariff",
        "flows",
        "stock_bond",
        "credit",
        "jgb",
    ]
    ig = read("BAMLC0A0CM")
    if "2026-02-26" in ig:
        credit = entries["credit"]
        assert credit["verdict"] != "n/a" and "fred:BAMLC0A0CM" in credit["sources"]
        assert f"on 2026-02-26 {round(ig['2026-02-26'] * 100)} vs" in credit["reading"]
        assert credit["as_of"] == max(ig)
    usd, aaa = read("DTWEXBGS"), read("AAA10Y")
    gfc = entries["gfc"]
    v0, v1 = (usd[max(d for d in usd if d <= day)] for day in ("2008-09-12", "2008-12-31"))
    a0, a1 = (aaa[max(d for d in aaa if d <= day)] for day in ("2008-09-12", "2008-12-31"))
    assert f"broad dollar {100 * (v1 / v0 - 1):+.1f} %" in gfc["reading"]
    assert f"Aaa−10Y {100 * (a1 - a0):+.0f} bp" in gfc["reading"].replace("-", "−")
    assert gfc["as_of"] == "2008-12-31" and gfc["verdict"] == "consistent"
    tariff = entries["tariff"]
    assert tariff["verdict"] != "n/a" and "fred:DEXUSEU" in tariff["sources"]
    for entry in doc["exhibits"]:
        if entry["verdict"] == "n/a":
            assert entry["missing"] and all(m["input"] and m["why"] for m in entry["missing"]), entry["id"]
            assert all(
                m["input"] in entry["reading"] or m["input"].split()[0] in entry["reading"]
                for m in entry["missing"][:1]
            )
