"""End to end: ``triffin snapshot --format json`` with the demand sources configured by their
``[sources.*]`` sections and answered by loopback servers in their wire formats. The JSON
``series`` carries each holder, the daily debt and the FRED custody level in the catalog's
units, each with its ``<source>:<series>`` tag and date."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from datafeed.providers.fiscaldata import API_PATH, DEBT_PATH
from datafeed.providers.tic import HISTORY_PATH, SLT_TABLE5_PATH
from tests.conftest import SHARED, write_config
from tests.demand.conftest import fixture_bytes

FRED = {"WMTSECL1": "observation_date,WMTSECL1\n2025-03-19,2935102\n2025-03-26,2931015\n"}


def run(args: list[str], env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200", **env_extra)
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, env=env, timeout=90)


def fred_handler(request: Request) -> Response:
    body = FRED.get(request.args.get("id", ""))
    return Response(body, content_type="text/csv") if body else Response("Not Found", status=404)


def test_snapshot_json_carries_holders_debt_and_custody(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(fred_handler)
    httpserver.expect_request(SLT_TABLE5_PATH).respond_with_data(fixture_bytes("tic", "slt-table5.txt"))
    httpserver.expect_request(HISTORY_PATH).respond_with_data(fixture_bytes("tic", "mfhhis-small.txt"))
    httpserver.expect_request(API_PATH + DEBT_PATH).respond_with_data(
        fixture_bytes("fiscaldata", "debt-to-penny-page2.json")
    )
    base = httpserver.url_for("").rstrip("/")
    cfg = write_config(
        tmp_path / "c.toml",
        base,
        tic={"base_url": base, "min_interval": 0.0},
        fiscaldata={"base_url": base, "min_interval": 0.0},
    )
    r = run(
        ["snapshot", "--format", "json", "--timeout", "30"],
        {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert r.returncode == 1, r.stderr  # the small FRED stand-in knows one id
    series = json.loads(r.stdout)["series"]
    japan = series["tic_japan"]
    assert (japan["date"], japan["value"], japan["unit"], japan["source"], japan["status"]) == (
        "2013-09-01",
        1140.2,
        "USD bn",
        "tic:japan",
        "fresh",
    )
    assert japan["late"] is True  # a 2013 month is long overdue for its successor
    assert (series["tic_total"]["value"], series["tic_official"]["value"]) == (4870.6, 4010.5)
    assert series["tic_cayman"]["value"] is None  # absent from these tables: no value, never zero
    debt = series["debt_total_daily"]
    assert (debt["date"], debt["source"]) == ("2025-05-12", "fiscaldata:tot_pub_debt_out_amt")
    assert debt["value"] == pytest.approx(36214.887310004, abs=1e-6)  # dollars with cents → USD bn
    custody = series["custody_official"]
    assert (custody["date"], custody["value"], custody["source"]) == ("2025-03-26", 2931.015, "fred:WMTSECL1")
    assert series["z1_row"]["status"] == "error" and "404" in series["z1_row"]["error"]


@pytest.mark.skipif(not (SHARED / "fixtures" / "wire" / "tic-mfhhis01.txt").is_file(), reason="no shared wire files")
def test_the_real_history_file_gives_japan_1185_5_for_december_2025(httpserver: HTTPServer, tmp_path: Path) -> None:
    # Served on every path, like ../shared/tools/wireserver.py: the current table is the
    # history too, and the provider reads it as such.
    real = (SHARED / "fixtures" / "wire" / "tic-mfhhis01.txt").read_bytes()
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_data("Not Found", status=404)
    httpserver.expect_request(SLT_TABLE5_PATH).respond_with_data(real)
    httpserver.expect_request(HISTORY_PATH).respond_with_data(real)
    base = httpserver.url_for("").rstrip("/")
    cfg = write_config(tmp_path / "c.toml", base, tic={"base_url": base, "min_interval": 0.0})
    r = run(
        ["snapshot", "--format", "json"], {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}
    )
    series = json.loads(r.stdout)["series"]
    assert (series["tic_japan"]["date"], series["tic_japan"]["value"]) == ("2025-12-01", 1185.5)
    assert (series["tic_total"]["date"], series["tic_total"]["value"]) == ("2025-12-01", 9271.0)
    assert series["tic_official"]["value"] == 3887.0 and series["tic_china"]["value"] == 683.5
