"""``triffin export`` (raw and aligned, CSV and JSON, round trip from the cache), formulas in
``snapshot`` JSON, and ``snapshot --format markdown``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from datafeed.cache import DiskCache
from datafeed.export import export_frame, frame_to_json, write_csv
from datafeed.models import Observation
from datafeed.store import SeriesStore
from tests.test_cli import run

TODAY = dt.date(2026, 11, 26)


def filled_store() -> SeriesStore:
    """Daily ust10y and vix on different days, quarterly debt_gdp; awkward floats on purpose."""
    store = SeriesStore(today=lambda: TODAY)
    obs = []
    for i, day in enumerate(pd.bdate_range("2026-08-03", "2026-11-25")):
        d = day.date()
        if i % 7 != 3:
            obs.append(Observation("ust10y", d, 4.0 + i / 3000 + 1e-9 * i, "fred:DGS10"))
        if i % 5 != 1:
            obs.append(Observation("vix", d, 15.0 + (i % 11) * 0.1 + 1 / 3, "fred:VIXCLS"))
    obs += [
        Observation("debt_gdp", dt.date(2026, 4, 1), 99.87654321, "fred:FYGFGDQ188S"),
        Observation("debt_gdp", dt.date(2026, 7, 1), 100.1234567, "fred:FYGFGDQ188S"),
    ]
    store.apply(obs)
    return store


def cached(tmp_path: Path) -> tuple[SeriesStore, dict[str, str]]:
    """Save a store to a cache folder; return the store as read back from it (what export sees)."""
    DiskCache(tmp_path / "cache").save(filled_store())
    store = SeriesStore(today=lambda: TODAY)
    assert DiskCache(tmp_path / "cache").load_into(store)
    return store, {"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}


def read_csv(text: str) -> tuple[list[str], dict[str, dict[str, float]]]:
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    out: dict[str, dict[str, float]] = {h: {} for h in header[1:]}
    for row in rows[1:]:
        for h, cell in zip(header[1:], row[1:], strict=True):
            if cell:
                out[h][row[0]] = float(cell)
    return header, out


def as_dict(s: pd.Series) -> dict[str, float]:
    return {ts.strftime("%Y-%m-%d"): float(v) for ts, v in s.items()}


def test_csv_round_trip_from_the_cache(tmp_path: Path) -> None:
    store, env = cached(tmp_path)
    r = run(["export", "ust10y", "vix,debt_gdp"], env)
    assert r.returncode == 0, r.stderr
    header, cols = read_csv(r.stdout)
    assert header == ["date", "ust10y", "vix", "debt_gdp"]
    for inst in ("ust10y", "vix", "debt_gdp"):
        assert cols[inst] == as_dict(store.official(inst)), inst  # exact floats, not approximations
    dates = [line.split(",")[0] for line in r.stdout.splitlines()[1:]]
    assert dates == sorted(set(dates)) and dates[0] == "2026-04-01"


def test_json_round_trip_and_since(tmp_path: Path) -> None:
    store, env = cached(tmp_path)
    r = run(["export", "ust10y", "debt_gdp", "--format", "json", "--since", "2026-07-01"], env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["mode"] == "cache" and doc["aligned"] is False and doc["since"] == "2026-07-01"
    assert doc["units"] == {"ust10y": "%", "debt_gdp": "%"}
    expected = {k: v for k, v in as_dict(store.official("ust10y")).items() if k >= "2026-07-01"}
    assert dict(map(tuple, doc["series"]["ust10y"])) == expected
    assert doc["series"]["debt_gdp"] == [["2026-07-01", 100.1234567]]


def test_aligned_frame_carries_low_frequency_at_most_45_days() -> None:
    store = filled_store()
    series = {i: store.official(i) for i in ("ust10y", "vix", "debt_gdp")}
    frame = export_frame(series, ["ust10y", "debt_gdp"], aligned=True)
    debt = frame["debt_gdp"]
    age = (frame.index - pd.Timestamp("2026-07-01")).days
    assert (debt[age <= 45] == 100.1234567).all() and (age <= 45).sum() >= 5
    assert debt[age > 45].isna().all() and (age > 45).sum() > 20  # too old: missing, never invented
    # Aligned rows are the daily series' dates only (no quarterly first-of-month rows).
    assert pd.Timestamp("2026-04-01") not in frame.index
    doc = frame_to_json(frame, aligned=True, mode="cache")
    assert len(doc["series"]["debt_gdp"]) == len(frame) and doc["series"]["debt_gdp"][-1][1] is None


def test_raw_frame_is_the_union_of_dates_with_empty_cells() -> None:
    store = filled_store()
    frame = export_frame({i: store.official(i) for i in ("ust10y", "vix")}, ["ust10y", "vix"])
    idx = store.official("ust10y").index.union(store.official("vix").index)
    assert frame.index.equals(idx)
    out = io.StringIO()
    write_csv(frame, out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "date,ust10y,vix"
    assert any(line.endswith(",") for line in lines[1:]) and any(",," in line for line in lines[1:])


def test_usage_errors_and_empty_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.cli import main

    monkeypatch.setenv("TRIFFIN_CACHE_DIR", str(tmp_path / "none"))
    assert main(["export", "ust10y", "bund10"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "unknown id 'bund10'" in err and "bund10y" in err
    assert main(["export", "ust10y", "--since", "last week"]) == 2
    err = capsys.readouterr().err
    assert "YYYY-MM-DD" in err and len(err.strip().splitlines()) == 1
    assert main(["export", "ust10y"]) == 1
    out = capsys.readouterr()
    assert out.out.strip() == "date,ust10y" and "no data" in out.err


FORMULA_CONFIG = """
[[formulas]]
id = "curve_10y_vix"
expr = "ust10y * 100 - vix"
unit = "bp"
name = "toy formula"
"""


def test_formula_in_export_and_snapshot(tmp_path: Path) -> None:
    store, env = cached(tmp_path)
    cfg = tmp_path / "c.toml"
    cfg.write_text(FORMULA_CONFIG)
    env["TRIFFIN_CONFIG"] = str(cfg)
    r = run(["export", "curve_10y_vix", "--format", "json"], env)
    assert r.returncode == 0, r.stderr
    pairs = json.loads(r.stdout)["series"]["curve_10y_vix"]
    both = store.official("ust10y").index.intersection(store.official("vix").index)
    assert len(pairs) == len(both)
    last = both[-1]
    assert pairs[-1][1] == pytest.approx(store.official("ust10y")[last] * 100 - store.official("vix")[last])
    snap = run(["snapshot", "--format", "json", "--offline"], env)
    doc = json.loads(snap.stdout)
    entry = doc["series"]["curve_10y_vix"]
    assert entry["source"] == "formula" and entry["unit"] == "bp" and entry["name"] == "toy formula"
    assert entry["value"] == pytest.approx(pairs[-1][1]) and entry["date"] == pairs[-1][0]


def test_snapshot_markdown_demo() -> None:
    r = run(["snapshot", "--demo", "--format", "markdown"])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("**triffin ") and "DEMO" in lines[0]
    assert "| id | name | last | chg | date | status | source | note |" in lines
    row = next(line for line in lines if line.startswith("| ust10y |"))
    assert row.count("|") == 9 and "demo:ust10y" in row
    assert any(line.startswith("| GFC: Lehman |") for line in lines)  # the crisis grid
    assert "\x1b[" not in r.stdout
