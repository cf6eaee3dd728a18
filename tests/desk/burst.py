"""Measures upstream requests for a burst of N real panes, through the desk cache and direct.

Not a test: the figures behind the "burst of panes" table of docs/desk.md, including the
counts the suite does not run because they cost too much CPU on CI's two cores (30 panes
through the cache, direct N = 10 and 30: about 2 s of CPU per pane). Same harness as ``test_desk_proxy.py``: the
shipped nginx configuration rendered against the loopback market (a fresh nginx, with an
empty cache, for every N), then N ``triffin snapshot --format json`` processes started at
the same moment, each with an empty cache folder of its own; the market counts every
request it answers.

    python -m tests.desk.burst [--proxy 1 10 30] [--direct 1 10 30]

Prints one line per run (upstream requests, cache statuses, series not fresh, wall time)
and then the table.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests.desk.harness import NginxCache, direct_config, find_nginx, loopback_config, run_panes
from tests.loopback_market import LoopbackMarket


def _not_fresh(docs: list[dict[str, Any]]) -> Counter[str]:
    """Series neither fresh nor missing, by status and error (missing: the sources the
    loopback market does not speak, switched off alike in every pane)."""
    return Counter(
        f"{s['status']}: {(s.get('error') or '')[:80]}"
        for d in docs
        for s in d["series"].values()
        if s["status"] not in ("fresh", "missing")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proxy", type=int, nargs="*", default=[1, 10, 30])
    parser.add_argument("--direct", type=int, nargs="*", default=[1, 10, 30])
    args = parser.parse_args()
    nginx = find_nginx()
    if nginx is None and args.proxy:
        raise SystemExit("nginx is not installed")
    market = LoopbackMarket(validators=True)
    base = market.start()
    port = int(base.rsplit(":", 1)[1])
    work = Path(tempfile.mkdtemp(prefix="triffin-burst-"))
    proxy_config = loopback_config(work / "proxy.toml", base)
    direct = direct_config(work / "direct.toml", base)
    counts: dict[tuple[str, int], int] = {}
    try:
        for mode, sizes in (("proxy", args.proxy), ("direct", args.direct)):
            for n in sizes:
                market.reset_counts()
                t = time.monotonic()
                statuses: Counter[str] = Counter()
                if mode == "proxy":
                    with NginxCache(nginx, port) as cache:  # type: ignore[arg-type]
                        docs = run_panes(n, work / f"proxy{n}", proxy_config, cache.url)
                        statuses = cache.cache_statuses()
                else:
                    docs = run_panes(n, work / f"direct{n}", direct, None)
                counts[mode, n] = market.total_hits()
                bad = _not_fresh(docs)
                extra = f", cache {dict(statuses)}" if mode == "proxy" else ""
                print(
                    f"{mode} N={n}: {counts[mode, n]} upstream requests{extra}, "
                    f"{sum(bad.values())} series not fresh {dict(bad)}, {time.monotonic() - t:.0f} s wall",
                    flush=True,
                )
    finally:
        market.stop()
        shutil.rmtree(work, ignore_errors=True)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{children.ru_utime + children.ru_stime:.0f} s CPU in child processes (panes and nginx)\n")
    print("| panes started together | upstream requests, through the cache | upstream requests, direct |")
    print("|---:|---:|---:|")
    for n in sorted({n for _, n in counts}):
        cells = [f"{counts[m, n]:,}" if (m, n) in counts else "-" for m in ("proxy", "direct")]
        print(f"| {n} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
