"""Synthetic data is labelled in every output, for a person and for a parser (issue 14, item 4).

Each format of ``snapshot`` and ``export`` on the demo feed carries ``mode`` = ``demo``
where a parser looks (a JSON key, a CSV column on every row) and the words of
:data:`datafeed.labels.DEMO_NOTICE` where a person looks (titles, every Markdown section,
stderr). Live output is the control: no label, and CSV parsers read every format as is.
``watch`` (lines end in ``DEMO``, the command's payload says ``"mode": "demo"``) is tested
in tests/test_watch.py; ``record --demo`` is refused (exit 2) in tests/test_cli.py.
"""

from __future__ import annotations

import asyncio
import copy
import csv
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from datafeed.catalog import CATALOG
from datafeed.labels import DEMO_NOTICE
from datafeed.snapshot import build_document, collect
from tests.test_export import filled_store
from tui import snapshot_cmd
from tui.cli import main
from tui.config import load_config
from tui.session import build_monitor


@pytest.fixture(scope="module")
def demo_doc() -> dict[str, Any]:
    """``snapshot --demo``'s document, built once."""
    config = load_config(None)
    monitor = build_monitor(config, run="demo", rules=(), formulas=())
    collected = asyncio.run(collect(monitor))
    return build_document(collected, thresholds=config.thresholds)


@pytest.fixture
def live_doc(demo_doc: dict[str, Any]) -> dict[str, Any]:
    """The same numbers dressed as a live document: the control that carries no label."""
    doc = copy.deepcopy(demo_doc)
    doc["mode"] = "live"
    del doc["notice"]
    return doc


def test_snapshot_json_says_demo_in_a_key_and_in_words(demo_doc: dict[str, Any]) -> None:
    """``mode`` (original) and ``notice`` (0.2) at the top of the document."""
    text = json.dumps(demo_doc, indent=1, ensure_ascii=False)
    assert list(demo_doc)[:4] == ["triffin", "as_of", "mode", "notice"]
    assert demo_doc["mode"] == "demo" and demo_doc["notice"] == DEMO_NOTICE
    assert DEMO_NOTICE in text.splitlines()[4]  # a person reading the file sees it at once
    # Every value is the demo's own, or a spread derived from demo legs (its tag says how).
    series = demo_doc["series"]
    for sid, s in series.items():
        spec = CATALOG[sid].derived
        if spec is None:
            assert s["source"].startswith("demo:"), sid
        else:
            assert s["source"] == spec.tag and all(series[leg]["source"].startswith("demo:") for leg in spec.legs)


def test_snapshot_csv_has_a_mode_column_on_every_row(
    demo_doc: dict[str, Any], live_doc: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """Every row reads ``demo``; csv and pandas parse the file as it is (no comment line)."""
    snapshot_cmd.write_csv(demo_doc)
    text = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(demo_doc["series"]) and {r["mode"] for r in rows} == {"demo"}
    frame = pd.read_csv(io.StringIO(text))
    assert list(frame.columns)[-1] == "mode" and (frame["mode"] == "demo").all()
    snapshot_cmd.write_csv(live_doc)
    assert {r["mode"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))} == {"live"}


def test_snapshot_table_labels_every_table(
    demo_doc: dict[str, Any], live_doc: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """Series, signals and crisis tables each carry the notice in their title."""
    snapshot_cmd.print_tables(demo_doc)
    out = capsys.readouterr().out
    titles = [line for line in out.splitlines() if line.startswith(("triffin ", "Regime: ", "Crisis scorecard"))]
    assert len(titles) == 3 and all(DEMO_NOTICE in t for t in titles), titles
    snapshot_cmd.print_tables(live_doc)
    assert "DEMO" not in capsys.readouterr().out


def test_snapshot_markdown_marks_every_section(demo_doc: dict[str, Any], live_doc: dict[str, Any]) -> None:
    """The title, the regime line and a line over each table: a table pasted alone keeps its label."""
    text = snapshot_cmd.markdown(demo_doc)
    blocks = [b for b in text.split("\n\n") if b.strip()]
    prose = [b for b in blocks if not b.startswith("|")]
    tables = [b for b in blocks if b.startswith("|")]
    # title, regime, "Series", "Signals", "Crisis scorecard", the grid's notes
    assert len(tables) == 3 and len(prose) == 6
    assert all(DEMO_NOTICE in b for b in prose), prose
    for table in tables:  # the block right before each table is its label
        assert DEMO_NOTICE in blocks[blocks.index(table) - 1]
    assert "DEMO" not in snapshot_cmd.markdown(live_doc)


def _export(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_export_csv_of_the_demo_has_a_mode_column_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    """``triffin export ust10y --demo``: ``mode`` = ``demo`` on every row, the notice on stderr."""
    code, out, err = _export(["ust10y", "vix", "--demo"], capsys)
    assert code == 0 and DEMO_NOTICE in err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["date", "ust10y", "vix", "mode"] and len(rows) > 100
    assert all(len(r) == 4 and r[3] == "demo" for r in rows[1:])
    frame = pd.read_csv(io.StringIO(out), index_col="date", parse_dates=True)
    assert frame["ust10y"].dtype == "float64" and (frame["mode"] == "demo").all()


def test_export_json_of_the_demo_says_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _export(["ust10y", "--demo", "--format", "json"], capsys)
    doc = json.loads(out)
    assert code == 0 and doc["mode"] == "demo" and doc["notice"] == DEMO_NOTICE and DEMO_NOTICE in err
    assert list(doc)[:3] == ["triffin", "mode", "notice"] and len(doc["series"]["ust10y"]) > 100


def test_export_from_the_cache_is_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: cached (live) data has no ``mode`` column, no notice."""
    from datafeed.cache import DiskCache

    DiskCache(tmp_path / "cache").save(filled_store())
    monkeypatch.setenv("TRIFFIN_CACHE_DIR", str(tmp_path / "cache"))
    code, out, err = _export(["ust10y"], capsys)
    assert code == 0 and out.splitlines()[0] == "date,ust10y" and "DEMO" not in out + err
    code, out, _ = _export(["ust10y", "--format", "json"], capsys)
    doc = json.loads(out)
    assert doc["mode"] == "cache" and "notice" not in doc


def test_snapshot_offline_with_nothing_held_exits_1_with_every_series_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--offline`` asks no source; an empty cache is a failure to report, not a quiet 0."""
    monkeypatch.setenv("TRIFFIN_CACHE_DIR", str(tmp_path / "empty"))
    code = main(["snapshot", "--offline", "--format", "json"])
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert code == 1 and doc["mode"] == "offline"
    assert {s["status"] for s in doc["series"].values()} == {"missing"}
    assert all(s["error"] for s in doc["series"].values())
    assert err.count("\n") == 1 and "nothing is held in the cache" in err


def test_snapshot_offline_with_kept_data_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: something held, the snapshot reads it (its unheld series still say why)."""
    from datafeed.cache import DiskCache

    DiskCache(tmp_path / "cache").save(filled_store())
    monkeypatch.setenv("TRIFFIN_CACHE_DIR", str(tmp_path / "cache"))
    code = main(["snapshot", "--offline", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["series"]["ust10y"]["value"] is not None
    assert doc["series"]["spx"]["status"] == "missing" and "nothing held" in doc["series"]["spx"]["error"]
