"""The first frame imports no pandas on the UI thread (issue 20).

The saved view paints the whole dashboard (table, signals, regime, crisis grid) before the
store loads; that is only fast if nothing the first frame runs imports numpy or pandas on the
UI thread (~200 ms). These tests run the app in a fresh interpreter (this one already holds
pandas) with the data load held back, so whatever is imported by the time the first frame is
on screen was imported by the UI thread itself. The crisis grid's headers are the case that
regressed once (they were read from :mod:`datafeed.crises`, which imports pandas).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tui_helpers import TODAY, demo_app, wait_ready

from datafeed.crises import CHECKS
from datafeed.crisis_columns import CHECK_COLUMNS
from tests.conftest import ROOT
from tui.screens.dashboard import _scorecard_columns

_FIRST_FRAME = """
import asyncio, datetime as dt, json, sys, threading
sys.path.insert(0, {helpers!r})
from datafeed import monitor
gate = threading.Event()
load_job = monitor.Monitor._load_job

def held(self, demo):
    gate.wait(30)
    load_job(self, demo)

monitor.Monitor._load_job = held
from tui.app import TriffinApp
from tui.config import load_config
from tui_helpers import screen_text
HEAVY = (
    "pandas",
    "numpy",
    "httpx",
    "importlib.metadata",
    "hashlib",
    "datafeed.demand.debt",
    "datafeed.alert_rules",
    "datafeed.formula_syntax",
    "datafeed.recompute",
    "datafeed.updates",
    "widgets.chart_data",
    # what the provider parsers use (the registry reads the provider classes); not
    # datafeed.models, which Monitor.start imports right after the first refresh
    "csv",
    "datafeed.demand.fiscaldata",
    "datafeed.providers._parsed",
    "datafeed.summary",  # the demo has no cache summary to read
    "zoneinfo",  # New York and Tokyo time are built on first use (market_calendar, boj, yahoo)
)

async def main():
    app = TriffinApp(load_config(None), demo=True, today=dt.date.fromisoformat({today!r}), tick_interval=None)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        ours = [
            value
            for name, module in list(sys.modules.items())
            if name.split(".")[0] in ("datafeed", "tui", "widgets", "themes")
            for value in vars(module).values()
            if isinstance(value, type) and value.__module__ == name and "__dataclass_fields__" in vars(value)
        ]
        records = [c for c in ours if getattr(vars(c).get("__init__"), "__module__", "") == "datafeed.records"]
        out = {{
            "imported": [m for m in HEAVY if m in sys.modules],
            "dataclasses": sorted(f"{{c.__module__}}.{{c.__qualname__}}" for c in ours if c not in records),
            "records": sorted(f"{{c.__module__}}.{{c.__qualname__}}" for c in records),
            "slotted": sorted(f"{{c.__module__}}.{{c.__qualname__}}" for c in ours if "__slots__" in vars(c)),
            "loaded": app.monitor.demo_store is not None,
            "text": screen_text(app),
        }}
        gate.set()
    print(json.dumps(out))

asyncio.run(main())
"""


def _first_frame(cache: Path) -> dict[str, object]:
    code = _FIRST_FRAME.format(helpers=str(Path(__file__).parent), today=TODAY.isoformat())
    env = {**os.environ, "TRIFFIN_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, check=False, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


async def test_demo_first_frame_paints_the_grid_without_pandas(tmp_path: Path) -> None:
    """Run 1 saves the demo's view; run 2's first frame shows the regime and a scored crisis
    row while the demo market is still held back, and neither pandas nor numpy is loaded (nor
    httpx, importlib.metadata, the rule and formula parsers a config without rules does
    not need, what the provider parsers use (csv, the Fiscal Data envelope, the parsed
    records), the Monitor's recompute and update records, which load with the first update,
    or the drill-downs' chart types)."""
    cache = Path(os.environ["TRIFFIN_CACHE_DIR"])
    async with demo_app().run_test(size=(140, 45)) as pilot:
        await wait_ready(pilot)
    shown = _first_frame(cache)
    assert shown["loaded"] is False, "the data load was held back"
    text = str(shown["text"])
    assert "REGIME" in text and "GFC" in text, text
    assert shown["imported"] == [], f"imported before the first frame: {shown['imported']}"


DATACLASS_BUDGET = 12
"""Dataclasses generated before the first frame, at most. Defining one costs ~0.6 ms on Python
3.11 (its methods are written and compiled), ~0.85 ms with ``slots=True``: 40 of them were
a tenth of a bare Textual app's start (issue 20). Types the first frame does not need live in
modules it does not import (the chart's, the recompute's, the Monitor's update records);
the data layer's and the TUI's are :func:`datafeed.records.record` types (nothing compiled;
the census lists them apart). The count here includes ``datafeed.models``' six, which
``Monitor.start`` imports right after the first frame and Pilot's first pause already sees:
a real first frame generates six, the widgets' view types."""


PROVIDER_SIDE = ("datafeed.models.", "datafeed.providers.", "datafeed.demand.")
"""Modules the provider registry imports (their types are the feed's, many per refresh)."""


async def test_the_first_frame_defines_few_dataclasses_and_none_slotted(tmp_path: Path) -> None:
    """The first frame's frozen types stay few, and none pays for ``slots=True`` (a class
    built twice); the census names them, so a new one in front of the first frame is a choice."""
    cache = Path(os.environ["TRIFFIN_CACHE_DIR"])
    async with demo_app().run_test(size=(140, 45)) as pilot:
        await wait_ready(pilot)
    shown = _first_frame(cache)
    classes = list(shown["dataclasses"])  # type: ignore[call-overload]
    slotted = [c for c in shown["slotted"] if not c.startswith(PROVIDER_SIDE)]  # type: ignore[attr-defined]
    assert slotted == [], f"slots=True dataclasses before the first frame: {slotted}"
    assert len(classes) <= DATACLASS_BUDGET, f"{len(classes)} dataclasses before the first frame: {classes}"
    assert "widgets.data.TableRow" in classes, classes  # the census sees the first frame's types
    assert "datafeed.catalog.Instrument" in shown["records"], shown["records"]  # type: ignore[operator]


def test_grid_headers_match_the_checks() -> None:
    """The pandas-free column list is the checks' ids and labels, in the checks' order."""
    assert CHECK_COLUMNS == tuple((c.id, c.label) for c in CHECKS.values())
    assert [cid for cid, _ in _scorecard_columns()] == list(CHECKS)
