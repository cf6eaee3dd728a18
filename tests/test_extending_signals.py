"""docs/extending-signals.md's two walkthroughs, run from the page itself.

The new signal is registered and seen computed, in the snapshot JSON with its explanation
rendered from the thresholds in force, in its history, on the dashboard, and in the
regime's count; the new episode line is scored like the built-ins.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from datafeed.crises import EPISODES, builtin_episode, builtin_episodes
from datafeed.history import signal_history
from datafeed.metrics import MetricsEngine
from datafeed.signals import SIGNALS, compute_signals, regime, resolve_thresholds, signals_to_json
from tui.cli import main
from tui.presenters import metrics_views

DOC = Path(__file__).resolve().parents[1] / "docs" / "extending-signals.md"


def example(heading: str) -> dict[str, Any]:
    """Run the first python block after ``heading`` and return what it defined."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None, f"no python example under {heading!r}"
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace


def market(days: int = 400, seed: int = 5) -> dict[str, pd.Series]:
    """USD/CHF falling when the VIX rises: the franc is the haven (the example reads eroding)."""
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range(end="2026-11-19", periods=days)
    fear = rng.normal(0, 1.0, days)
    vix = 18 + np.cumsum(fear) * 0.3
    chf = 0.9 * np.exp(np.cumsum(-0.002 * fear + rng.normal(0, 0.002, days)))
    return {"vix": pd.Series(vix - vix.min() + 10, index=idx), "usdchf": pd.Series(chf, index=idx)}


def test_a_new_signal_is_one_registry_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = example("## Worked example: a new signal")["CHF_VIX"]
    assert spec.id not in SIGNALS
    data = market()
    with SIGNALS.registered(spec):
        # Computed, with its verdict and freshness, after the built-ins.
        results = compute_signals(data, today=pd.Timestamp("2026-11-20").date())
        r = results["chf_vix_corr_1y"]
        assert list(results)[-1] == "chf_vix_corr_1y"
        assert r.value is not None and r.value < 0 and r.verdict == "eroding"
        assert r.as_of is not None and r.age == 1 and not r.stale and r.group == "price"
        assert r.explanation.endswith("Verdict: eroding below 0, intact above 0.2.")
        assert r.label == "USD/CHF vs ΔVIX, 252d; <0 = franc is the haven"
        # Counted by the regime, in its group.
        assert regime(results).groups["price"].eroding == 1
        # Its history ends at its latest value.
        hist = signal_history(data, "chf_vix_corr_1y")
        assert len(hist) > 100 and hist.iloc[-1] == pytest.approx(r.value)
        # Thresholds from the config move the verdict and the texts together.
        moved = compute_signals(data, resolve_thresholds({"chf_vix_corr_1y": {"eroding": -0.9, "window": 126}}))
        m = moved["chf_vix_corr_1y"]
        assert m.verdict == "neutral" and "eroding below -0.9" in m.explanation and "126d" in m.label
        assert signals_to_json(moved)["chf_vix_corr_1y"]["explanation"] == m.explanation
        # On the dashboard.
        views = metrics_views(MetricsEngine(episodes=[]).run(data)).signal_views
        assert views[-1].id == "chf_vix_corr_1y" and views[-1].explanation == r.label
        # In `triffin snapshot --format json` (the demo market has USD/CHF and the VIX).
        cfg = tmp_path / "config.toml"
        cfg.write_text("[thresholds.chf_vix_corr_1y]\nwindow = 126\n", encoding="utf-8")
        assert main(["snapshot", "--demo", "--format", "json", "--config", str(cfg)]) == 0
        doc = json.loads(capsys.readouterr().out)
        entry = doc["signals"]["chf_vix_corr_1y"]
        assert entry["window"] == 126 and "last 126 paired days" in entry["explanation"]
        assert {"value", "unit", "verdict", "date", "as_of", "age", "late", "stale"} <= set(entry)
    assert "chf_vix_corr_1y" not in SIGNALS
    assert "chf_vix_corr_1y" not in resolve_thresholds()


def test_a_new_episode_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    line = example("## Worked example: a new crisis episode")["LINE"]
    before = [e.id for e in builtin_episodes()]
    with EPISODES.registered(builtin_episode(line)):
        assert [e.id for e in builtin_episodes()] == [*before, "gilt-2022"]
        assert main(["snapshot", "--demo", "--format", "json"]) == 0
        doc = json.loads(capsys.readouterr().out)
        row = next(c for c in doc["crises"] if c["id"] == "gilt-2022")
        assert row["builtin"] is True and row["start"] == "2022-09-23" and row["end"] == "2022-10-14"
        assert row["verdict"] in ("haven", "mixed", "broken") and row["checks"]["ust10y"]["result"] != "n/a"
    assert [e.id for e in builtin_episodes()] == before
