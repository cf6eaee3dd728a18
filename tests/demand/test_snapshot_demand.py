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
from datafeed.providers.treasurydirect import SEARCH_PATH
from tests.conftest import SHARED, write_config
from tests.demand.conftest import fixture_bytes
from tests.fredgraph import fredgraph_join

FRED = {"WMTSECL1": "observation_date,WMTSECL1\n2025-03-19,2935102\n2025-03-26,2931015\n"}


def run(args: list[str], env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200", **env_extra)
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, env=env, timeout=90)


def fred_handler(request: Request) -> Response:
    body = fredgraph_join(request.args.get("id", ""), FRED.get)
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


def _every_auction_fixture() -> bytes:
    """The handmade TreasuryDirect fixtures as one search answer (every kind of security)."""
    records: list[object] = []
    for name in ("auctioned-note.json", "auctioned-bond.json", "auctioned-bill.json", "search-mixed.json"):
        records.extend(json.loads(fixture_bytes("treasurydirect", name)))
    return json.dumps(records).encode()


def test_snapshot_json_lists_the_latest_auction_of_every_kind_and_the_holders(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(fred_handler)
    httpserver.expect_request(SLT_TABLE5_PATH).respond_with_data(fixture_bytes("tic", "slt-table5.txt"))
    httpserver.expect_request(HISTORY_PATH).respond_with_data(fixture_bytes("tic", "mfhhis-small.txt"))
    httpserver.expect_request(SEARCH_PATH).respond_with_data(_every_auction_fixture(), content_type="application/json")
    base = httpserver.url_for("").rstrip("/")
    cfg = write_config(
        tmp_path / "c.toml",
        base,
        tic={"base_url": base, "min_interval": 0.0},
        treasurydirect={"base_url": base, "min_interval": 0.0},
    )
    r = run(
        ["snapshot", "--format", "json", "--timeout", "30"],
        {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")},
    )
    doc = json.loads(r.stdout)
    auctions = doc["auctions"]
    assert (auctions["status"], auctions["source"], auctions["error"]) == ("fresh", "treasurydirect", None)
    kinds = [a["kind"] for a in auctions["latest"]]
    assert kinds == ["Bill", "CMB", "Note", "Bond", "TIPS", "FRN"]
    for a in auctions["latest"]:
        assert a["source"] == "treasurydirect" and a["date"] == a["auction_date"]
        assert {"cusip", "term", "original_term", "high_rate", "bid_to_cover", "indirect_share"} <= set(a)
    note = auctions["latest"][2]
    assert note["indirect_share"] == pytest.approx(
        note["indirect_bidder_accepted"] / note["competitive_accepted"], abs=1e-6
    )
    assert (tmp_path / "cache" / "auctions.json").is_file()  # the book is kept for the next run
    holders = doc["holders"]
    assert holders["month"] == "2013-09-01" and holders["unit"] == "USD bn"
    japan = next(c for c in holders["countries"] if c["id"] == "tic_japan")
    assert (japan["value"], japan["source"], japan["date"]) == (1140.2, "tic:japan", "2013-09-01")
    values = [c["value"] for c in holders["countries"]]
    assert values == sorted(values, reverse=True)
    assert (holders["total"]["value"], holders["official"]["value"]) == (4870.6, 4010.5)
    custody = holders["custody"]
    assert (custody["date"], custody["value"], custody["source"]) == ("2025-03-26", 2931.015, "fred:WMTSECL1")
    # The series contract is unchanged beside the new keys.
    assert doc["series"]["tic_japan"]["value"] == 1140.2


def test_a_failing_auction_source_says_so_and_exits_1(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(fred_handler)
    httpserver.expect_request(SEARCH_PATH).respond_with_data(
        fixture_bytes("treasurydirect", "maintenance.html"), content_type="text/html"
    )
    base = httpserver.url_for("").rstrip("/")
    cfg = write_config(tmp_path / "c.toml", base, treasurydirect={"base_url": base, "min_interval": 0.0})
    r = run(
        ["snapshot", "--format", "json", "--timeout", "30"],
        {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert r.returncode == 1
    auctions = json.loads(r.stdout)["auctions"]
    assert (auctions["status"], auctions["count"], auctions["latest"]) == ("error", 0, [])
    assert "treasurydirect" in auctions["error"] and "\n" not in auctions["error"]


@pytest.mark.skipif(
    not (SHARED / "fixtures" / "wire" / "treasurydirect-securities-record-2014.json").is_file(),
    reason="no shared wire files",
)
def test_the_real_treasurydirect_record_gives_bid_to_cover_5_67(httpserver: HTTPServer, tmp_path: Path) -> None:
    # Served on every path, like ../shared/tools/wireserver.py.
    real = (SHARED / "fixtures" / "wire" / "treasurydirect-securities-record-2014.json").read_bytes()
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_data("Not Found", status=404)
    httpserver.expect_request(SEARCH_PATH).respond_with_data(real, content_type="application/json")
    base = httpserver.url_for("").rstrip("/")
    cfg = write_config(tmp_path / "c.toml", base, treasurydirect={"base_url": base, "min_interval": 0.0})
    r = run(
        ["snapshot", "--format", "json"], {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}
    )
    (frn,) = json.loads(r.stdout)["auctions"]["latest"]
    assert (frn["kind"], frn["cusip"], frn["auction_date"], frn["bid_to_cover"]) == (
        "FRN",
        "912828WK2",
        "2014-01-29",
        5.67,
    )
    assert (frn["indirect_bidder_accepted"], frn["competitive_accepted"]) == (5649034000, 14925524000)
    assert frn["indirect_share"] == round(5649034000 / 14925524000, 6)


def test_demo_snapshot_carries_synthetic_auctions_signals_and_group_counts(tmp_path: Path) -> None:
    r = run(["snapshot", "--demo", "--format", "json"], {"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")})
    doc = json.loads(r.stdout)
    assert doc["mode"] == "demo" and "DEMO" in doc["notice"]
    auctions = doc["auctions"]
    assert (auctions["status"], auctions["source"]) == ("fresh", "demo") and auctions["count"] > 500
    assert [a["kind"] for a in auctions["latest"]] == ["Bill", "Note", "Bond", "TIPS", "FRN"]
    assert all(a["source"] == "demo" and a["cusip"].startswith("DEMO") for a in auctions["latest"])
    signals = doc["signals"]
    for sid in ("auction_indirect_share", "auction_dealer_share", "auction_bid_to_cover", "auction_tail"):
        assert signals[sid]["value"] is not None and signals[sid]["group"] == "demand", sid
    assert signals["interest_burden"]["group"] == "supply"
    groups = doc["regime"]["groups"]
    assert set(groups) == {"price", "demand", "supply"} and groups["demand"]["available"] == 7
    assert doc["holders"]["countries"][0]["source"].startswith("demo:")
