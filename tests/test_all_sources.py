"""Every source pointed at loopback servers speaking their own formats (issue 6's check).

The official sources give daily Bund and the JGB curve; Treasury's same-day curve gives
``ust10y``; Yahoo's intraday quote extends it past the last close and yields to the
official close as soon as that is published.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.loopback_market import LoopbackMarket


def snapshot(cfg: Path, cache: Path) -> tuple[int, dict]:
    env = dict(os.environ, TRIFFIN_CONFIG=str(cfg), TRIFFIN_CACHE_DIR=str(cache), NO_COLOR="1")
    r = subprocess.run(
        [sys.executable, "-m", "tui", "snapshot", "--format", "json", "--timeout", "60"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return r.returncode, json.loads(r.stdout)


def test_every_source_on_loopback(loopback: tuple[LoopbackMarket, str], tmp_path: Path) -> None:
    m, base = loopback
    cfg = tmp_path / "c.toml"
    cfg.write_text(m.config_text(base))
    code, doc = snapshot(cfg, tmp_path / "cache")
    assert code == 0, {k: v["error"] for k, v in doc["series"].items() if v["error"]}
    s = doc["series"]
    assert s["bund10y"]["source"].startswith("bundesbank:")
    for tenor in ("10Y", "20Y", "30Y"):
        assert s[f"jgb{tenor.lower()}"]["source"] == f"mof:{tenor}"
    assert s["sofr"]["source"] == "nyfed:SOFR" and s["estr"]["source"].startswith("ecb:")
    assert s["tona"]["source"].startswith("boj:")
    assert s["ust2y"]["source"] == "treasury:2 Yr"
    # The demand side: TIC's table, Debt to the Penny, custody from FRED (USD mn → bn).
    japan = m.series("tic_japan")
    assert s["tic_japan"]["source"] == "tic:japan" and s["tic_japan"]["date"] == f"{japan.index[-1]:%Y-%m-%d}"
    assert s["tic_japan"]["value"] == pytest.approx(round(float(japan.iloc[-1]), 1))
    debt = m.series("debt_total_daily")
    assert s["debt_total_daily"]["source"] == "fiscaldata:tot_pub_debt_out_amt"
    assert s["debt_total_daily"]["value"] == pytest.approx(float(debt.iloc[-1]), abs=1e-6)
    custody = m.series("custody_official")
    assert s["custody_official"]["source"] == "fred:WMTSECL1" and s["custody_official"]["rejected"] == 0
    assert s["custody_official"]["value"] == pytest.approx(float(custody.iloc[-1]), abs=1e-6)
    assert s["deficit_gdp"]["value"] == pytest.approx(float(m.series("deficit_gdp").iloc[-1]), abs=1e-6)
    # Intraday: today's quote after the last official close.
    ust = s["ust10y"]
    assert ust["source"] == "yahoo:^TNX" and ust["intraday"] is True
    assert ust["date"] == m.session.isoformat() and ust["value"] == pytest.approx(m.quote("ust10y"), abs=1e-6)
    for sid in ("ust_bund_fx_corr_3m", "jgb_hedged_pickup_20y", "jgb_hedged_pickup_30y", "bund_hedged_pickup_10y"):
        assert doc["signals"][sid]["value"] is not None and doc["signals"][sid]["verdict"] != "n/a", sid
    # The official close arrives: the quote yields to it.
    m.publish_close()
    code, doc = snapshot(cfg, tmp_path / "cache")
    ust = doc["series"]["ust10y"]
    assert ust["source"] == "treasury:10 Yr" and ust["intraday"] is False
    assert ust["date"] == m.session.isoformat()
    assert ust["value"] == pytest.approx(round(float(m.series("ust10y").iloc[-1]), 2))


def test_the_loopback_market_serves_every_source_when_run_as_a_script(tmp_path: Path) -> None:
    """``python tests/loopback_market.py`` (how tests/perf and a person trying triffin by hand
    start it) answers official and demand-side paths: run as a script it could not import
    ``tests.loopback_demand`` and gave every request an empty reply."""
    import subprocess
    import sys
    import urllib.request

    script = Path(__file__).resolve().parent / "loopback_market.py"
    cfg = tmp_path / "loopback.toml"
    proc = subprocess.Popen(
        [sys.executable, str(script), "--config-out", str(cfg)], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        for path in ("/graph/fredgraph.csv?id=DGS10", "/v8/finance/chart/%5ETNX"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=20) as answer:
                assert answer.status == 200 and answer.read()
        assert f"http://127.0.0.1:{port}" in cfg.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
