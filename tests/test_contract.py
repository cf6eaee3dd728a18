"""docs/contract.md against what triffin really prints.

Other tools read ``snapshot --format json`` (and its CSV): a key that appears without being
documented, or an original key that disappears or changes type, breaks them silently. Two
real documents are checked: the demo feed's, and a live run against the loopback market
(every source in its own wire format) with Treasury lagging behind FRED (so ``behind`` and
``sources`` appear), a Yahoo intraday quote (``time``) and a formula row (``expr``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping

import pytest

from tests.conftest import ROOT
from tests.loopback_market import LoopbackMarket
from tui.snapshot_cmd import CSV_FIELDS

CONTRACT = ROOT / "docs" / "contract.md"

ORIGINAL = {
    "triffin": "string",
    "as_of": "string",
    "mode": "string",
    "series": "object",
    "series.<id>.name": "string",
    "series.<id>.unit": "string",
    "series.<id>.source": "string|null",
    "series.<id>.date": "string|null",
    "series.<id>.value": "number|null",
    "series.<id>.status": "string",
    "series.<id>.late": "boolean",
    "series.<id>.error": "string|null",
    "signals": "object",
    "signals.<id>.value": "number|null",
    "signals.<id>.unit": "string",
    "signals.<id>.verdict": "string",
    "signals.<id>.date": "string|null",
    "regime": "object",
    "regime.verdict": "string",
    "regime.eroding": "integer",
    "regime.available": "integer",
    "crises": "array",
    "crises[].id": "string",
    "crises[].name": "string",
    "crises[].start": "string",
    "crises[].end": "string",
    "crises[].verdict": "string",
    "crises[].checks": "object",
    "crises[].checks.<check>.change": "number|null",
    "crises[].checks.<check>.unit": "string",
    "crises[].checks.<check>.expected": "string",
    "crises[].checks.<check>.result": "string",
}
"""The contract as first published (DESIGN.md §5, version 0.1), written out here so that
deleting a row from docs/contract.md cannot quietly drop a key from the promise."""

ORIGINAL_CSV = ("id", "name", "unit", "source", "date", "value", "change", "change_unit", "status", "late", "error")
"""``snapshot --format csv`` columns of the first release, in order."""

PLACEHOLDER = {"series": "<id>", "signals": "<id>", "groups": "<group>", "checks": "<check>", "lines": "<line>"}
"""Objects whose keys are ids, not contract keys: their keys become the placeholder."""


# ------------------------------------------------------------------ the document


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end >= 0 else len(text)]


def documented_json() -> dict[str, tuple[str, str]]:
    """key path → (type, since) of every row of the JSON section's tables."""
    section = _section(CONTRACT.read_text(encoding="utf-8"), "## `triffin snapshot --format json`")
    out: dict[str, tuple[str, str]] = {}
    for line in section.splitlines():
        cells = [c.strip().replace("\0", "|") for c in line.replace("\\|", "\0").split("|")[1:-1]]
        if len(cells) == 5 and re.fullmatch(r"`[^`]+`(, `[^`]+`)*", cells[0]) and cells[3] in ("0.1", "0.2", "pending"):
            # `a.b.c`, `d`, `e.f` — a bare name is a sibling of the first path (a.b.d).
            names = re.findall(r"`([^`]+)`", cells[0])
            parent = names[0].rsplit(".", 1)[0]
            for name in names:
                path = name if "." in name or name == names[0] else f"{parent}.{name}"
                assert path not in out, f"{path} documented twice"
                out[path] = (cells[1], cells[3])
    return out


def documented_csv() -> dict[str, str]:
    """column → since of the CSV section (a row may name several columns)."""
    section = _section(CONTRACT.read_text(encoding="utf-8"), "## `triffin snapshot --format csv`")
    out: dict[str, str] = {}
    for line in section.splitlines():
        m = re.match(r"^\| ((?:`[^`]+`(?:, )?)+) \| (0\.1|0\.2) \|", line)
        if m:
            for col in re.findall(r"`([^`]+)`", m.group(1)):
                out[col] = m.group(2)
    return out


# ------------------------------------------------------------------ real output


def json_type(value: object) -> str:
    """The JSON type name of a decoded value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def emitted(doc: Mapping[str, object], pending: set[str]) -> dict[str, set[str]]:
    """key path → JSON types seen, ids replaced by placeholders; under a pending key, only the key.

    An array of scalars adds ``array of <type>`` for its elements (``late_inputs``).
    """
    out: dict[str, set[str]] = {}

    def walk(value: object, path: str, parent: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if parent in PLACEHOLDER:  # an id: its object holds the contract's keys
                    walk(v, f"{path}.{PLACEHOLDER[parent]}", "")
                    continue
                child = f"{path}.{k}" if path else k
                out.setdefault(child, set()).add(json_type(v))
                if child not in pending:
                    walk(v, child, k)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, (dict, list)):
                    walk(item, path + "[]", "")
                else:
                    out[path].add(f"array of {json_type(item)}")

    walk(doc, "", "")
    return out


def type_allows(documented: str, seen: str) -> bool:
    """Does the documented type (``number|null``, ``array of string`` …) admit ``seen``?"""
    allowed = {t.strip() for t in documented.split("|")}
    allowed |= {t.split(" ")[0] for t in allowed}  # "array of string" admits the array itself
    if "number" in allowed:
        allowed.add("integer")  # a JSON number may be written without a fraction
    return seen in allowed


def _snapshot(args: list[str], env: dict[str, str]) -> tuple[int, dict]:
    r = subprocess.run(
        [sys.executable, "-m", "tui", "snapshot", "--format", "json", "--timeout", "60", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    return r.returncode, json.loads(r.stdout)


class LaggingTreasury(LoopbackMarket):
    """The loopback market with Treasury's par curve stuck 30 days before the others."""

    def treasury_csv(self, year: int) -> str:
        cut = self.published_through - dt.timedelta(days=30)
        lines = super().treasury_csv(year).split("\n")
        kept = [ln for ln in lines[1:] if dt.datetime.strptime(ln.split(",")[0], "%m/%d/%Y").date() <= cut]
        return "\n".join([lines[0], *kept])


@pytest.fixture(scope="module")
def demo_doc(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("contract-demo")
    env = dict(os.environ, TRIFFIN_CACHE_DIR=str(folder / "cache"), XDG_CONFIG_HOME=str(folder), NO_COLOR="1")
    env.pop("TRIFFIN_CONFIG", None)
    return _snapshot(["--demo"], env)[1]


@pytest.fixture(scope="module")
def live_doc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    market = LaggingTreasury()
    base = market.start()
    try:
        folder = tmp_path_factory.mktemp("contract-live")
        cfg = folder / "c.toml"
        formula = '[[formulas]]\nid = "us_de_10y"\nexpr = "(ust10y - bund10y) * 100"\nunit = "bp"\n'
        cfg.write_text(market.config_text(base) + formula)
        env = dict(os.environ, TRIFFIN_CACHE_DIR=str(folder / "cache"), XDG_CONFIG_HOME=str(folder), NO_COLOR="1")
        env.pop("TRIFFIN_CONFIG", None)
        yield _snapshot(["--config", str(cfg)], env)[1]
    finally:
        market.stop()


# ------------------------------------------------------------------ tests


def test_the_original_contract_is_documented_as_such() -> None:
    documented = documented_json()
    for path, typ in ORIGINAL.items():
        assert path in documented, f"{path} (DESIGN.md §5) is missing from docs/contract.md"
        assert documented[path] == (typ, "0.1"), f"{path}: documented as {documented[path]}, first published {typ}"
    csv_cols = documented_csv()
    assert all(csv_cols.get(c) == "0.1" for c in ORIGINAL_CSV), csv_cols


@pytest.mark.parametrize("which", ["demo", "live"])
def test_every_emitted_key_is_documented_with_its_type(which: str, request: pytest.FixtureRequest) -> None:
    doc = request.getfixturevalue(f"{which}_doc")
    documented = documented_json()
    pending = {p for p, (_, since) in documented.items() if since == "pending"}
    seen = emitted(doc, pending)
    undocumented = sorted(p for p in seen if p not in documented)
    assert not undocumented, f"keys {which} snapshot emits that docs/contract.md does not describe: {undocumented}"
    wrong = {p: sorted(t) for p, t in seen.items() if not all(type_allows(documented[p][0], x) for x in t)}
    assert not wrong, f"types emitted that docs/contract.md does not allow: {wrong}"


@pytest.mark.parametrize("which", ["demo", "live"])
def test_original_keys_are_still_emitted(which: str, request: pytest.FixtureRequest) -> None:
    doc = request.getfixturevalue(f"{which}_doc")
    seen = emitted(doc, set())
    gone = sorted(p for p, (_, since) in documented_json().items() if since == "0.1" and p not in seen)
    assert not gone, f"original contract keys the {which} snapshot no longer emits: {gone}"
    # Every entry carries every original key (not merely one entry somewhere).
    for inst_id, s in doc["series"].items():
        missing = [k for k in ORIGINAL if k.startswith("series.<id>.") and k.rsplit(".", 1)[1] not in s]
        assert not missing, (inst_id, missing)
    for sid, g in doc["signals"].items():
        assert {"value", "unit", "verdict", "date"} <= set(g), sid
    assert doc["mode"] == ("demo" if which == "demo" else "live")
    assert {s["status"] for s in doc["series"].values()} <= {"fresh", "stale", "error", "missing"}
    assert {g["verdict"] for g in doc["signals"].values()} <= {"eroding", "neutral", "intact", "n/a"}
    assert doc["regime"]["verdict"] in ("ERODING", "MIXED", "INTACT", "n/a")
    assert {c["verdict"] for c in doc["crises"]} <= {"haven", "mixed", "broken", "n/a"}
    # The units the page lists (a new one is documented before it is emitted).
    assert {g["unit"] for g in doc["signals"].values()} <= {"bp", "corr", "%", "pp", "x"}
    assert {c["unit"] for e in doc["crises"] for c in e["checks"].values()} <= {"bp", "%", "pts", "pp"}


def test_the_live_run_exercises_the_provenance_keys(live_doc: dict) -> None:
    """The live document must reach the keys it is there to check, or the test above proves little."""
    seen = emitted(live_doc, set())
    for path in ("series.<id>.behind.filled_by", "series.<id>.sources[].count", "series.<id>.time", "series.<id>.expr"):
        assert path in seen, path
    ust2y = live_doc["series"]["ust2y"]
    assert ust2y["behind"]["source"] == "treasury:2 Yr" and ust2y["source"] == ust2y["behind"]["filled_by"]


def test_snapshot_csv_columns_are_documented_and_keep_their_order() -> None:
    documented = documented_csv()
    assert [c for c in CSV_FIELDS if c not in documented] == []
    # The first release's columns, in their order; new columns only ever come after them.
    assert CSV_FIELDS[: len(ORIGINAL_CSV)] == ORIGINAL_CSV
