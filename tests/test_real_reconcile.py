"""Issue 14's check: Treasury and the NY Fed stuck in 2024, FRED fresher, on real published bodies.

Uses ``../shared/tools/fredserver.py`` over ``../shared/data/raw`` as FRED and
``wireserver.py`` serving the recorded ``treasury-par-2024.csv`` and
``nyfed-sofr-search-2024-06.json`` (skipped when any is absent). The values asserted are
read from those files, not written here.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SHARED, write_config

WIRE = SHARED / "fixtures" / "wire"


def _serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, text=True)
    port = proc.stdout.readline().strip()  # type: ignore[union-attr]
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tools, raw = SHARED / "tools", SHARED / "data" / "raw"
    needed = [tools / "fredserver.py", tools / "wireserver.py", WIRE / "treasury-par-2024.csv"]
    needed += [WIRE / "nyfed-sofr-search-2024-06.json", raw / "DGS10.csv", raw / "SOFR.csv"]
    if not all(p.exists() for p in needed):
        pytest.skip("../shared tools, recorded bodies or FRED files are not present")
    servers = [
        _serve(str(tools / "fredserver.py"), str(raw)),
        _serve(str(tools / "wireserver.py"), str(WIRE / "treasury-par-2024.csv")),
        _serve(str(tools / "wireserver.py"), str(WIRE / "nyfed-sofr-search-2024-06.json")),
    ]
    try:
        (_, fred), (_, treasury), (_, nyfed) = servers
        folder = tmp_path_factory.mktemp("reconcile")
        cfg = write_config(folder / "c.toml", fred, treasury={"base_url": treasury}, nyfed={"base_url": nyfed})
        env = dict(os.environ, TRIFFIN_CACHE_DIR=str(folder / "cache"), NO_COLOR="1")
        r = subprocess.run(
            [sys.executable, "-m", "tui", "snapshot", "--format", "json", "--timeout", "60", "--config", str(cfg)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert r.returncode in (0, 1), r.stderr
        yield json.loads(r.stdout)
    finally:
        for proc, _ in servers:
            proc.kill()
            proc.wait()


def last_row(path: Path) -> tuple[str, float]:
    with open(path, newline="") as fh:
        rows = [(d, v) for d, v, *_ in list(csv.reader(fh))[1:] if v not in ("", ".")]
    return rows[-1][0], float(rows[-1][1])


def treasury_last() -> str:
    with open(WIRE / "treasury-par-2024.csv", newline="") as fh:
        month, day, year = max((r[0][6:], r[0][:2], r[0][3:5]) for r in list(csv.reader(fh))[1:])
    return f"{month}-{day}-{year}"


def test_ust10y_comes_from_fred_after_treasury_stopped(doc: dict) -> None:
    day, value = last_row(SHARED / "data" / "raw" / "DGS10.csv")
    s = doc["series"]["ust10y"]
    assert (s["source"], s["date"], s["value"]) == ("fred:DGS10", day, value)
    assert s["behind"] == {"source": "treasury:10 Yr", "last": treasury_last(), "filled_by": "fred:DGS10"}
    spans = {x["source"]: x for x in s["sources"]}
    assert spans["treasury:10 Yr"]["last"] == treasury_last() and spans["fred:DGS10"]["last"] == day


def test_sofr_comes_from_fred_after_the_nyfed_body_ends(doc: dict) -> None:
    day, value = last_row(SHARED / "data" / "raw" / "SOFR.csv")
    s = doc["series"]["sofr"]
    assert (s["source"], s["date"], s["value"]) == ("fred:SOFR", day, value)
    assert s["behind"]["source"] == "nyfed:SOFR" and s["behind"]["filled_by"] == "fred:SOFR"
    assert s["behind"]["last"] < day


def test_done_when_verdicts_on_the_fresher_data(doc: dict) -> None:
    """Issue 14's figures: with FRED's DGS10 filling in, the tariff-2025 row has its UST leg
    (+28 bp, a fail: yields rose in a stress) and reads broken; the 1-year stock-bond
    correlation is +0.08 (neutral), not the +0.29 the 2024 Treasury curve gave."""
    tariff = next(c for c in doc["crises"] if c["id"] == "tariff-2025")
    assert tariff["verdict"] == "broken"
    assert tariff["checks"]["ust10y"]["result"] == "fail" and tariff["checks"]["ust10y"]["date1"] == "2025-04-11"
    corr = doc["signals"]["stock_bond_corr_1y"]
    assert round(corr["value"], 2) == 0.08 and corr["verdict"] == "neutral"
    assert corr["as_of"] == "2026-04-30"  # the last date S&P 500 and DGS10 share in the files


def test_done_when_regime_carries_its_coverage(doc: dict) -> None:
    """Counted + n/a + stale account for every signal; late counts only signals with a value."""
    regime, signals = doc["regime"], doc["signals"]
    assert regime["available"] + regime["na"] + len(regime["stale"]) == len(signals)
    valued = [s for s in signals.values() if s["verdict"] != "n/a"]
    assert regime["late"] == sum(1 for s in valued if s["late"])
    assert regime["stale"] == [sid for sid, s in signals.items() if s["verdict"] != "n/a" and s["stale"]]
    assert regime["as_of"] == max(s["as_of"] for s in valued)
    for s in valued:  # every value says how old it is
        assert s["as_of"] and isinstance(s["age"], int) and isinstance(s["late"], bool)
