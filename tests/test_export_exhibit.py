"""``triffin export --exhibit ID``: CSV, JSON and SVG of one exhibit from the cache or the demo feed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from datafeed.cache import DiskCache
from datafeed.models import Observation
from datafeed.store import SeriesStore
from tui.cli import main

IG = {dt.date(2026, 2, 24): 0.80, dt.date(2026, 2, 25): 0.81, dt.date(2026, 2, 26): 0.82, dt.date(2026, 2, 27): 0.84}
HY = {dt.date(2026, 2, 25): 2.95, dt.date(2026, 2, 26): 3.01}


@pytest.fixture
def cache_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SeriesStore:
    """A cache holding a few IG and HY OAS days (in %, as FRED publishes them), nothing else."""
    store = SeriesStore()
    store.apply(
        [Observation("ig_oas", d, v, "fred:BAMLC0A0CM") for d, v in IG.items()]
        + [Observation("hy_oas", d, v, "fred:BAMLH0A0HYM2") for d, v in HY.items()]
    )
    DiskCache(tmp_path / "cache").save(store)
    monkeypatch.setenv("TRIFFIN_CACHE_DIR", str(tmp_path / "cache"))
    return store


def test_csv_of_an_exhibit_from_the_cache(cache_env: SeriesStore, capsys: pytest.CaptureFixture[str]) -> None:
    """Exhibit 9 by number: date, then each chart series in bp; the reading on stderr; exit 0."""
    assert main(["export", "--exhibit", "9"]) == 0
    out = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(out.out)))
    assert rows[0] == ["date", "ig_oas", "ig_mean", "hy_oas", "hy_mean"]
    by_date = {r[0]: r for r in rows[1:]}
    assert [r[0] for r in rows[1:]] == [d.isoformat() for d in sorted(IG)]
    for day, value in IG.items():
        assert float(by_date[day.isoformat()][1]) == pytest.approx(value * 100)
    assert by_date["2026-02-24"][3] == ""  # no HY that day: an empty cell, not a carried value
    assert float(by_date["2026-02-26"][3]) == pytest.approx(301.0)
    assert "exhibit 9 (credit): IG OAS 84 bp (2026-02-27)" in out.err
    assert "mode" not in rows[0] and "DEMO" not in out.err


def test_json_carries_the_snapshot_entry_and_the_points(
    cache_env: SeriesStore, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--exhibit", "credit", "--format", "json", "--since", "2026-02-26"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["mode"] == "cache" and "notice" not in doc
    entry = doc["exhibit"]
    assert entry["id"] == "credit" and entry["number"] == 9 and entry["as_of"] == "2026-02-27"
    assert entry["claim"].startswith("Hit multi-decade lows") and entry["verdict"] in ("consistent", "not consistent")
    assert entry["sources"] == ["fred:BAMLC0A0CM", "fred:BAMLH0A0HYM2"]
    points = doc["series"]["ig_oas"]["points"]
    assert [p[0] for p in points] == ["2026-02-26", "2026-02-27"] and points[0][1] == pytest.approx(82.0)
    assert doc["series"]["ig_oas"]["unit"] == "bp" and doc["series"]["ig_mean"]["computed"] is True


def test_an_exhibit_lacking_inputs_names_them_and_exits_1(
    cache_env: SeriesStore, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--exhibit", "jgb"]) == 1
    out = capsys.readouterr()
    assert out.out.strip() == "date"  # nothing to chart: the header alone
    assert "n/a, missing" in out.err and "jgb30y" in out.err and "tona" in out.err
    assert "read from the cache" in out.err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["export", "--exhibit", "11"], "unknown exhibit '11' (known: 1/holders"),
        (["export", "--exhibit", "basis2"], "unknown exhibit 'basis2'"),
        (["export", "--exhibit", "9", "ust10y"], "--exhibit takes no other ids"),
        (["export", "--exhibit", "9", "--aligned"], "--exhibit takes no other ids and no --aligned"),
        (["export", "ust10y", "--format", "svg"], "--format svg draws an exhibit"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    argv: list[str], words: str, cache_env: SeriesStore, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and words in err and "Traceback" not in err


def test_demo_csv_and_svg_are_labelled(capsys: pytest.CaptureFixture[str]) -> None:
    """--demo: every CSV row says demo; the SVG shows the exhibit, its reading and DEMO."""
    assert main(["export", "--exhibit", "6", "--demo"]) == 0
    out = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(out.out)))
    assert rows[0] == ["date", "spread", "eurusd", "mode"] and all(r[-1] == "demo" for r in rows[1:])
    assert "DEMO" in out.err
    assert main(["export", "--exhibit", "6", "--demo", "--format", "svg"]) == 0
    svg = capsys.readouterr().out.replace("&#160;", " ")
    assert svg.lstrip().startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "Exhibit 6/10" in svg and "Reading:" in svg and "DEMO" in svg
    assert "UST − Bund 10Y" in svg and "2025-04-30" in svg


def test_since_keeps_dates_on_or_after_it(cache_env: SeriesStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--exhibit", "9", "--since", "2026-02-26"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert [r[0] for r in rows[1:]] == ["2026-02-26", "2026-02-27"]
    assert pd.Timestamp(rows[1][0]).date() == dt.date(2026, 2, 26)
