"""Benchmark of the signal engine and crisis scorecard (run on demand, not by pytest).

Usage::

    python tests/perf/bench_signals.py [--runs N]

Prints median/min/max wall time of: a full recompute (every signal, the regime and the
whole crisis scorecard with live detection) on 25 years of synthetic daily data for every
catalog instrument; an incremental update after one instrument changed; and, when
``../shared/data/raw`` exists next to the repository, a full recompute on the real FRED
files. The file name does not start with ``test_``, so pytest never collects it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from datafeed import catalog
from datafeed.crises import score_all
from datafeed.signals import SignalEngine

RAW = ROOT.parent / "shared" / "data" / "raw"
YEARS = 25

_LEVELS: dict[str, tuple[float, float]] = {
    # instrument: (start level, daily volatility in the level's unit); prices use % vol.
    "ust3m": (3.0, 0.03),
    "ust2y": (3.2, 0.05),
    "ust5y": (3.5, 0.06),
    "ust10y": (4.0, 0.06),
    "ust20y": (4.3, 0.06),
    "ust30y": (4.5, 0.06),
    "tbill3m": (3.0, 0.03),
    "sofr": (3.0, 0.02),
    "bund10y": (2.0, 0.05),
    "estr": (1.5, 0.02),
    "jgb10y": (0.8, 0.02),
    "jgb20y": (1.5, 0.03),
    "jgb30y": (1.9, 0.03),
    "tona": (0.1, 0.005),
    "jpy3m": (0.2, 0.02),
    "ig_oas": (1.2, 0.02),
    "hy_oas": (4.0, 0.08),
    "aaa10y": (1.0, 0.03),
    "term_premium_10y": (0.3, 0.03),
    "debt_gdp": (60.0, 0.5),
    "debt_public": (8e6, 0.0),
    "foreign_holdings": (3000.0, 0.0),
}
_PRICES: dict[str, tuple[float, float]] = {
    "usd_broad": (100.0, 0.4),
    "dxy": (95.0, 0.4),
    "eurusd": (1.1, 0.5),
    "usdjpy": (110.0, 0.6),
    "usdchf": (0.95, 0.5),
    "vix": (18.0, 5.0),
    "spx": (1500.0, 1.1),
    "gold": (400.0, 1.0),
}
_STEP = {"daily": "B", "monthly": "MS", "quarterly": "QS"}


def synthetic(years: int = YEARS, seed: int = 7) -> dict[str, pd.Series]:
    """Every catalog instrument over ``years``, at its catalog frequency, seeded."""
    rng = np.random.default_rng(seed)
    end = pd.Timestamp("2026-06-30")
    start = end - pd.DateOffset(years=years)
    out: dict[str, pd.Series] = {}
    for inst in catalog.INSTRUMENTS:
        if inst.id not in _PRICES and inst.id not in _LEVELS:
            continue  # read by no signal or crisis check (the demand instruments)
        index = pd.date_range(start, end, freq=_STEP[inst.frequency])
        n = len(index)
        if inst.id in _PRICES:
            level, vol = _PRICES[inst.id]
            values = level * np.exp(np.cumsum(rng.normal(0.0, vol / 100.0, n)))
        elif inst.id in ("debt_public", "foreign_holdings"):
            level = _LEVELS[inst.id][0]
            values = level * np.exp(np.linspace(0.0, 1.2, n))
        else:
            level, vol = _LEVELS[inst.id]
            values = level + np.cumsum(rng.normal(0.0, vol, n))
        out[inst.id] = pd.Series(values, index=index, dtype="float64")
    return out


def load_real(raw: Path = RAW) -> dict[str, pd.Series]:
    """The real FRED CSVs mapped to instrument ids by the catalog's FRED series codes."""
    by_code = {ref.series: inst.id for inst in catalog.INSTRUMENTS for ref in inst.sources if ref.source == "fred"}
    out: dict[str, pd.Series] = {}
    for path in sorted(raw.glob("*.csv")):
        if path.stem in by_code:
            frame = pd.read_csv(path, index_col=0, parse_dates=True)
            out[by_code[path.stem]] = frame.iloc[:, 0].dropna().astype("float64")
    return out


def full_recompute(series: dict[str, pd.Series]) -> None:
    """What a cold start or a config reload costs: every signal, regime, every episode."""
    engine = SignalEngine()
    engine.recompute(series)
    _ = engine.regime
    score_all(series)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """Median, min and max milliseconds of ``runs`` calls (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(samples), min(samples), max(samples)


def report(label: str, stats: tuple[float, float, float]) -> None:
    med, lo, hi = stats
    print(f"{label:<58} median {med:7.2f} ms   min {lo:7.2f}   max {hi:7.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    data = synthetic()
    rows = sum(len(s) for s in data.values())
    print(f"synthetic: {len(data)} instruments, {YEARS} years, {rows} observations")
    report("full recompute (signals + regime + crises + live)", timed(lambda: full_recompute(data), args.runs))

    engine = SignalEngine()
    engine.recompute(data)
    report("signals only, full recompute", timed(lambda: engine.recompute(data), args.runs))
    today = max(s.index[-1] for s in data.values()).date()
    stats = timed(lambda: engine.recompute(data, today=today), args.runs)
    report("signals only, full recompute with freshness (age/late/stale)", stats)
    stats = timed(lambda: engine.update(data, set(), today=today), args.runs)
    report("no input changed: freshness re-assessed only", stats)
    report("crises only (9 episodes incl. live detection)", timed(lambda: score_all(data), args.runs))
    for changed in ("vix", "ust10y", "debt_gdp"):
        stats = timed(lambda c=changed: engine.update(data, {c}), args.runs)
        report(f"incremental update: {changed} changed ({len(engine.recomputed)} signals)", stats)

    if RAW.is_dir():
        real = load_real()
        print(f"real data: {len(real)} instruments from {RAW}")
        report("real data: full recompute (signals + regime + crises)", timed(lambda: full_recompute(real), args.runs))
    else:
        print(f"real data: {RAW} not found, skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
