"""``triffin`` end to end in subprocesses: snapshot JSON/CSV/table, exit codes, bounds."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from datafeed.catalog import CATALOG
from tests.conftest import write_config

DATA = {
    "DGS10": "observation_date,DGS10\n2026-11-19,4.09\n2026-11-20,\n2026-11-23,4.11\n",
    "VIXCLS": "DATE,VIXCLS\n2026-11-19,17.50\n2026-11-20,.\n2026-11-23,18.25\n",
}


def run(
    args: list[str], env_extra: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, env=env, timeout=timeout
    )


@pytest.fixture
def fred(httpserver: HTTPServer) -> HTTPServer:
    def handler(request: Request) -> Response:
        sid = request.args.get("id", "")
        if sid in DATA:
            return Response(DATA[sid], content_type="text/csv")
        return Response("Not Found", status=404)

    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(handler)
    return httpserver


def test_version() -> None:
    r = run(["--version"])
    assert r.returncode == 0 and r.stdout.strip() == "triffin 0.1.0"


@pytest.mark.parametrize(
    "args", [["--bogus"], ["snapshot", "--format", "xml"], ["snapshot", "--timeout", "soon"], ["frobnicate"]]
)
def test_usage_errors_are_one_line_exit_2(args: list[str]) -> None:
    r = run(args)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_config_error_is_one_line_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[sources.fred]\nenabled = maybe\n")
    r = run(["snapshot"], {"TRIFFIN_CONFIG": str(path)})
    assert r.returncode == 2 and str(path) in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_snapshot_json_against_loopback_fred(fred: HTTPServer, tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", fred.url_for("/").rstrip("/"))
    env = {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}
    r = run(["snapshot", "--format", "json", "--timeout", "20"], env)
    doc = json.loads(r.stdout)
    assert r.returncode == 1  # most FRED ids are unknown to this small server
    assert doc["triffin"] == "0.1.0" and doc["mode"] == "live" and doc["as_of"].endswith("Z")
    assert list(doc["series"]) == list(CATALOG)
    ust = doc["series"]["ust10y"]
    assert (ust["date"], ust["value"], ust["source"], ust["status"]) == ("2026-11-23", 4.11, "fred:DGS10", "fresh")
    assert ust["error"] is None and isinstance(ust["late"], bool)
    assert doc["series"]["vix"]["value"] == 18.25
    assert doc["series"]["ust2y"]["status"] == "error" and "404" in doc["series"]["ust2y"]["error"]
    assert doc["series"]["jgb30y"]["status"] == "missing"
    # Second run: the cache holds the data; offline mode reads it without a network.
    r2 = run(["snapshot", "--format", "json", "--offline"], env)
    doc2 = json.loads(r2.stdout)
    assert r2.returncode == 0 and doc2["mode"] == "offline"
    assert doc2["series"]["ust10y"]["value"] == 4.11 and doc2["series"]["ust10y"]["status"] == "stale"


def test_snapshot_csv_and_table(fred: HTTPServer, tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", fred.url_for("/").rstrip("/"))
    env = {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}
    r = run(["snapshot", "--format", "csv"], env)
    lines = r.stdout.splitlines()
    assert lines[0].startswith("id,name,unit,source,date,value")
    assert any(line.startswith("ust10y,UST 10Y,%,fred:DGS10,2026-11-23,4.11") for line in lines)
    t = run(["snapshot", "--format", "table"], env)
    assert "ust10y" in t.stdout and "4.110" in t.stdout and "\x1b[" not in t.stdout


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def test_snapshot_timeout_is_a_bound(silent_server: str, tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", silent_server)
    env = {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}
    started = time.monotonic()
    r = run(["snapshot", "--format", "json", "--timeout", "2"], env)
    elapsed = time.monotonic() - started
    doc = json.loads(r.stdout)
    assert r.returncode == 1
    assert doc["series"]["ust10y"]["status"] == "error"
    # 2 s budget plus interpreter start-up and imports; generous for a loaded CI box.
    assert elapsed < 2 + 6, elapsed


def test_snapshot_demo_has_every_instrument_and_no_cache(tmp_path: Path) -> None:
    env = {"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}
    r = run(["snapshot", "--format", "json", "--demo"], env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["mode"] == "demo" and list(doc["series"]) == list(CATALOG)
    assert all(s["value"] is not None and s["source"].startswith("demo:") for s in doc["series"].values())
    assert not (tmp_path / "cache").exists()


def test_sources_command_reports_each_source(fred: HTTPServer, tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", fred.url_for("/").rstrip("/"))
    r = run(["sources", "--format", "json"], {"TRIFFIN_CONFIG": str(cfg)})
    rows = {row["source"]: row for row in json.loads(r.stdout)}
    # The representative FRED series (DGS3MO) is unknown to this small server: a failure.
    assert r.returncode == 1 and not rows["fred"]["ok"] and "404" in rows["fred"]["detail"]
    assert rows["yahoo"]["enabled"] is False and rows["yahoo"]["ok"]
    table = run(["sources"], {"TRIFFIN_CONFIG": str(cfg)})
    assert table.returncode == 1 and "FAIL" in table.stdout and "off" in table.stdout


def test_sources_command_ok_when_every_source_answers(fred: HTTPServer, tmp_path: Path) -> None:
    DATA["DGS3MO"] = "observation_date,DGS3MO\n2026-11-20,3.61\n"
    try:
        cfg = write_config(tmp_path / "c.toml", fred.url_for("/").rstrip("/"))
        r = run(["sources", "--format", "json"], {"TRIFFIN_CONFIG": str(cfg)})
    finally:
        del DATA["DGS3MO"]
    fred_row = next(row for row in json.loads(r.stdout) if row["source"] == "fred")
    assert r.returncode == 0 and fred_row["ok"] and fred_row["latency_ms"] is not None


def test_snapshot_demo_carries_signals_regime_and_crises(tmp_path: Path) -> None:
    r = run(["snapshot", "--format", "json", "--demo"], {"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")})
    doc = json.loads(r.stdout)
    assert set(doc["regime"]) >= {"verdict", "eroding", "available"}
    assert doc["regime"]["verdict"] in ("ERODING", "MIXED", "INTACT")
    sig = doc["signals"]["stock_bond_corr_1y"]
    assert set(sig) >= {"value", "unit", "verdict", "date"} and sig["unit"] == "corr"
    ids = [c["id"] for c in doc["crises"]]
    assert ids[:8] == [
        "gfc-2008",
        "downgrade-2011",
        "china-2015",
        "brexit-2016",
        "covid-2020",
        "svb-2023",
        "carry-2024",
        "tariff-2025",
    ]
    covid = next(c for c in doc["crises"] if c["id"] == "covid-2020")
    assert covid["verdict"] == "broken"
    assert set(covid["checks"]["ust10y"]) >= {"change", "unit", "expected", "result"}


def test_snapshot_table_has_signals_and_crisis_grid_without_colour(tmp_path: Path) -> None:
    r = run(["snapshot", "--demo"], {"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")})
    assert r.returncode == 0
    assert "Regime:" in r.stdout and "Crisis scorecard" in r.stdout and "COVID dash for cash" in r.stdout
    assert "✗" in r.stdout and "✓" in r.stdout and "\x1b[" not in r.stdout
