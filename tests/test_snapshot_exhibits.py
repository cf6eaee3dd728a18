"""The ``exhibits`` key of ``snapshot --format json`` and ``triffin report`` (issue 21)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from datafeed.exhibits import EXHIBITS
from datafeed.labels import DEMO_NOTICE
from datafeed.models import Observation
from datafeed.snapshot import Collected, build_document, collect, exhibits_json
from datafeed.store import SeriesStore
from tui.cli import main
from tui.config import load_config
from tui.session import build_monitor

CONTRACT_KEYS = {"id", "title", "claim", "reading", "as_of", "sources"}
"""DESIGN.md §7: every entry has at least these."""


@pytest.fixture(scope="module")
def demo_doc() -> dict[str, Any]:
    config = load_config(None)
    monitor = build_monitor(config, run="demo", rules=(), formulas=())
    return build_document(asyncio.run(collect(monitor)), thresholds=config.thresholds)


def test_snapshot_json_gains_exhibits_after_the_existing_keys(demo_doc: dict[str, Any]) -> None:
    """The existing keys keep their place; ``exhibits`` lists the ten in the note's order."""
    keys = list(demo_doc)
    assert keys[:4] == ["triffin", "as_of", "mode", "notice"]
    for older in ("series", "signals", "regime", "crises"):
        assert keys.index(older) < keys.index("exhibits")
    entries = demo_doc["exhibits"]
    assert [e["id"] for e in entries] == [s.id for s in EXHIBITS]
    for entry, spec in zip(entries, EXHIBITS, strict=True):
        assert CONTRACT_KEYS <= set(entry)
        assert entry["title"] == spec.title and entry["claim"] == spec.claim and entry["number"] == spec.number
        assert entry["reading"] and entry["verdict"] in ("consistent", "not consistent", "n/a")
        assert dt.date.fromisoformat(entry["as_of"]) <= dt.date.today()
        assert entry["sources"] and all(s.startswith("demo:") for s in entry["sources"])
    json.dumps(demo_doc)  # serialisable as is


def test_entries_on_a_store_with_one_input() -> None:
    """Only IG OAS held: exhibit 9 reads it, the others are n/a and name each missing input and why."""
    store = SeriesStore()
    start = dt.date(2026, 1, 5)
    store.apply(
        Observation("ig_oas", start + dt.timedelta(days=i), 0.80 + i / 1000, "fred:BAMLC0A0CM") for i in range(60)
    )
    entries = {e["id"]: e for e in exhibits_json(store)}
    credit = entries["credit"]
    assert credit["verdict"] != "n/a" and credit["as_of"] == "2026-03-05" and credit["sources"] == ["fred:BAMLC0A0CM"]
    jgb = entries["jgb"]
    assert jgb["verdict"] == "n/a" and jgb["as_of"] is None and jgb["sources"] == []
    named = {m["input"] for m in jgb["missing"]}
    assert named == {"jgb30y", "sofr", "ust30y", "tona or jpy3m"}
    assert all(m["why"] for m in jgb["missing"])
    doc = build_document(Collected(store, "live"))
    assert [e["id"] for e in doc["exhibits"]] == [s.id for s in EXHIBITS] and "notice" not in doc


def test_report_demo_is_one_markdown_document_labelled_in_every_section(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--demo"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# The seed's exhibits, read on the data (DEMO") and DEMO_NOTICE in text.splitlines()[0]
    sections = text.split("\n## ")[1:]
    assert [s.split(".")[0] for s in sections] == [str(s.number) for s in EXHIBITS]
    for section, spec in zip(sections, EXHIBITS, strict=True):
        assert DEMO_NOTICE in section and "**Reading**" in section and "**As of** 2" in section
        assert spec.claim[:20].replace("_", "\\_").replace("*", "\\*") in section
    assert "10 of 10 readings" in text or "readings agree with the note" in text


def test_report_offline_with_nothing_held_names_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIFFIN_CACHE_DIR", str(tmp_path / "empty"))
    assert main(["report", "--offline"]) == 1
    out = capsys.readouterr()
    assert "0 of 10 readings agree with the note, 0 disagree, 10 cannot be read" in out.out
    assert "DEMO" not in out.out
    assert out.out.count("**Missing**") >= 10 and "nothing held in the cache" in out.out
    assert "nothing is held in the cache" in out.err


def test_report_refuses_replay(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--replay", str(tmp_path), "report"]) == 2
    assert "--replay applies to the TUI and 'watch', not 'report'" in capsys.readouterr().err
