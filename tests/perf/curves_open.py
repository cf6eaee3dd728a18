#!/usr/bin/env python3
"""How long the curves screen takes to open on the demo (issue 17: the target is < 150 ms).

Run on demand (pytest never collects this folder)::

    python tests/perf/curves_open.py [--presses 15] [--size 120x40] [--ticking] [--no-drill] [--json-out FILE]

One ``python -m tui --demo`` runs in a pseudo-terminal through ``tests/perf/probe.py``
(pyte renders what the app writes). After the first data frame, ``p`` pauses the feed (as
``bench.py`` does for its key latencies, so no tick repaints the screen while a key is
measured; ``--ticking`` leaves it running), then each round presses:

* ``y`` until the curves screen is on the terminal: its title, the chart's legend, the
  tenor grid's header and the spread table's first row all visible (``CURVES_SHOWN``),
  not just the first byte of it; then ``esc`` until the dashboard is back;
* ``enter`` on the first markets row (the series drill-down, for comparison in the same
  run and the same load) until the dashboard's "Crisis scorecard" is gone; then ``esc``.

Printed: per key the median, min and max of "visible" (key -> the texts above on screen)
and "complete" (key -> the last byte before 300 ms of silence: the whole screen painted),
for every press and for the first press alone; the target and whether the median
"complete" time of every press met it; the load average before and after (compare the two
keys of one run, not milliseconds across runs on a shared machine). Exit 0 when the curves
screen was measured (met or not), 1 when it never appeared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402 - the sibling script: its child environment and probe runner

TARGET_MS = 150.0
"""Issue 17's bound on opening the curves screen."""

DASHBOARD = bench.DASH_MARKER
"""On the dashboard, not on a full-screen drill-down."""

CURVES_SHOWN = "Curves  UST && Yield curves (%) && Tenor && 2s10s"
"""The curves screen painted: title, chart legend, tenor grid, first spread row (all four; at
120x40 the last spread row can be below the fold when the curves' dates differ)."""


def keys_script(presses: int, drill: bool) -> str:
    """Rounds of ``y``/``esc`` (and ``enter``/``esc``), interleaved so both see the same load.

    The first press of each key is labelled apart (``curves-1st``, ``drill-1st``): it builds
    the screen and imports its modules, the later ones show what opening it again costs."""
    steps: list[str] = []
    for i in range(presses):
        suffix = "-1st" if i == 0 else ""
        steps += [f"y,expect:{CURVES_SHOWN},label:curves{suffix}", f"esc,expect:{DASHBOARD},label:curves-back"]
        if drill:
            steps += [f"enter,gone:{DASHBOARD},label:drill{suffix}", f"esc,expect:{DASHBOARD},label:drill-back"]
    return ",".join(steps)


LABELS = ("curves", "curves-1st", "drill", "drill-1st")
"""Result rows: every press of a key, and its first press alone."""


def summary(values: list[float]) -> dict[str, float] | None:
    """Median, min, max and count (None when nothing was measured)."""
    if not values:
        return None
    return {
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
        "n": len(values),
    }


def measure(presses: int, size: str, drill: bool, work: Path, ticking: bool = False) -> dict[str, Any]:
    """One probe run; per key label: visible and complete latencies, and the misses.

    ``ticking``: the feed is not paused (the demo ticks every 2 s), so tenors change while
    the curves screen is hidden and reopening it repaints them (a press that an update fell
    on is counted as "confounded")."""
    cfg = work / "demo.toml"
    cfg.write_text("# defaults\n")
    env = bench.child_env(TRIFFIN_CONFIG=str(cfg), TRIFFIN_CACHE_DIR=str(work / "cache"))
    probe_args = [
        "--size",
        size,
        "--ready",
        bench.READY_DEFAULT,
        "--ready-timeout",
        "60",
        "--settle",
        "2",
        "--idle",
        "0",
        "--marks",
        "--pre-keys",
        "wait:1" if ticking else "p,wait:4.6",
        "--keys",
        keys_script(presses, drill),
        "--quit",
        "ctrl+q",
    ]
    res = bench.run_probe("curves", probe_args, [bench.PY, "-m", "tui", "--demo"], env, work)
    out: dict[str, Any] = {"errors": res.get("errors", []), "keys": {}}
    for label in LABELS:
        steps = [k for k in res.get("keys", []) if k.get("label") in (label, f"{label}-1st")]
        if label.endswith("-1st"):
            steps = [k for k in res.get("keys", []) if k.get("label") == label]
        out["keys"][label] = {
            "visible_ms": summary([k["latency_ms"] for k in steps if k.get("latency_ms") is not None]),
            "complete_ms": summary([k["complete_ms"] for k in steps if k.get("complete_ms") is not None]),
            "missed": sum(1 for k in steps if k.get("latency_ms") is None),
            "degraded": sum(1 for k in steps if k.get("degraded")),
            "confounded": sum(1 for k in steps if k.get("confounded")),
        }
    if not out["keys"]["curves"]["visible_ms"] and res.get("last_screen"):
        out["last_screen"] = res["last_screen"]
    return out


def cell(s: dict[str, float] | None) -> str:
    if s is None:
        return "—"
    return f"{s['median']:.0f} ms [{s['min']:.0f}–{s['max']:.0f}], n={s['n']:.0f}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="curves_open.py", description=__doc__.splitlines()[0])
    p.add_argument("--presses", type=int, default=15, help="rounds (each key pressed this many times; default 15)")
    p.add_argument("--size", default="120x40")
    p.add_argument("--no-drill", action="store_true", help="only the curves screen")
    p.add_argument("--ticking", action="store_true", help="leave the demo feed ticking (no p)")
    p.add_argument("--json-out", help="also write the result as JSON here")
    a = p.parse_args(argv)
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="triffin-curves-") as tmp:
        result = measure(a.presses, a.size, not a.no_drill, Path(tmp), a.ticking)
    load1 = os.getloadavg()
    curves = result["keys"]["curves"]
    # "Opens" = the whole screen painted (complete), not only its first texts (visible).
    median = curves["complete_ms"]["median"] if curves["complete_ms"] else None
    met = median is not None and median < TARGET_MS
    result.update(target_ms=TARGET_MS, met=met, load_before=load0, load_after=load1, size=a.size, ticking=a.ticking)
    feed = "feed ticking" if a.ticking else "feed paused"
    print(
        f"curves screen open on the demo at {a.size} ({a.presses} presses, {feed}; "
        f"load {load0[0]:.1f} -> {load1[0]:.1f})"
    )
    print("| key | visible (median [min–max]) | complete (quiet 300 ms) | missed | confounded |")
    print("|---|---|---|---|---|")
    names = {
        "curves": "`y` curves screen, every press",
        "curves-1st": "`y` curves screen, 1st press",
        "drill": "`enter` series drill-down, every press",
        "drill-1st": "`enter` series drill-down, 1st press",
    }
    for label, name in names.items():
        k = result["keys"][label]
        if k["visible_ms"] is None and not k["missed"]:
            continue
        print(f"| {name} | {cell(k['visible_ms'])} | {cell(k['complete_ms'])} | {k['missed']} | {k['confounded']} |")
    verdict = "met" if met else "NOT met"
    shown = "—" if median is None else f"{median:.0f} ms"
    print(f"target: curves screen complete in < {TARGET_MS:.0f} ms (median of every press): {shown}, {verdict}")
    for err in result["errors"]:
        print(f"probe: {err}", file=sys.stderr)
    if result.get("last_screen"):
        print("--- last screen ---\n" + result["last_screen"], file=sys.stderr)
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0 if median is not None else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except subprocess.SubprocessError as exc:
        print(f"curves_open.py: {exc}", file=sys.stderr)
        sys.exit(1)
