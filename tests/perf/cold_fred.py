"""CPU cost of one cold FRED refresh: every FRED series of the catalog from an empty store.

Why: a cold start reads ~25 years of ~20 FRED series (about 100,000 rows); what that costs in
our own process (parse, build, validate, merge) is what a user waits for on first start.
The FRED stand-in runs in its own process, so its CPU is not counted here.

    python tests/perf/cold_fred.py --server PATH/fredserver.py --data FOLDER_OF_FRED_CSVS [--runs 7]

Prints the median and [min-max] of process CPU seconds and wall seconds over the runs (each a
fresh store and HTTP client against the same server), plus the number of observations held.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _start(server: Path, data: Path) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([sys.executable, str(server), str(data)], stdout=subprocess.PIPE, text=True, bufsize=1)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    return proc, int(line.split()[-1])


async def _once(port: int) -> tuple[float, float, int, int]:
    from datafeed.feed import Feed
    from datafeed.http import HttpContext
    from datafeed.settings import FeedSettings, SourceSettings
    from datafeed.store import SeriesStore

    base = FeedSettings.default()
    sources = {
        name: SourceSettings.default(
            name, enabled=name == "fred", base_url=f"http://127.0.0.1:{port}", max_per_minute=0
        )
        for name in base.sources
    }
    settings = FeedSettings(sources=sources, timeout=30.0)
    store = SeriesStore()
    http = HttpContext(settings)
    feed = Feed(store, settings, http, cache=None)
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        report = await feed.refresh(force=True, include_intraday=False)
    finally:
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        await http.aclose()
    return cpu, wall, len(store), report.failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", type=Path, required=True, help="fredserver.py (serves <ID>.csv files)")
    parser.add_argument("--data", type=Path, required=True, help="folder of FRED CSVs")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    proc, port = _start(args.server, args.data)
    try:
        asyncio.run(_once(port))  # unmeasured: imports, first connections
        runs = [asyncio.run(_once(port)) for _ in range(args.runs)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    cpu = [r[0] for r in runs]
    wall = [r[1] for r in runs]
    print(
        f"cold FRED refresh, {args.runs} runs: cpu {statistics.median(cpu):.3f} s "
        f"[{min(cpu):.3f}-{max(cpu):.3f}], wall {statistics.median(wall):.3f} s "
        f"[{min(wall):.3f}-{max(wall):.3f}], {runs[-1][2]} observations held, {runs[-1][3]} failed jobs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
