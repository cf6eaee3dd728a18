"""Measures a real one-minute upstream outage behind the shipped desk cache (for the report).

Not a test (it takes two to three minutes): the shipped nginx configuration in front of the
loopback market, then a new ``triffin snapshot`` pane every few seconds, each with an empty
cache of its own, so everything it shows came through the cache:

    warm-up  (upstream serving)        panes fill the cache
    outage   (60 s, upstream down)     "close": connections closed unanswered,
                                       "hang": accepted and never answered
    recovery (upstream back, with a new close published)

Printed per phase: panes, values equal to the last good ones, series not fresh, the cache
statuses nginx logged, and the upstream attempts; then when the first pane showed the data
published after the outage. Cache validity is capped (``--valid``, default 10 s) so entries
expire during the outage: with the shipped validities (10 min to 6 h) a one-minute outage
is simply a run of cache hits, which ``--valid 0`` (no cap) shows.

    python -m tests.desk.outage [--mode close|hang] [--outage 60] [--valid 10] [--every 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests.desk.harness import NginxCache, find_nginx, loopback_config, run_panes
from tests.loopback_market import LoopbackMarket


def _values(doc: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {i: (s["date"], s["value"]) for i, s in doc["series"].items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("close", "hang", "503"), default="close")
    parser.add_argument("--outage", type=float, default=60.0)
    parser.add_argument("--valid", type=float, default=10.0, help="cap on cache validity, s (0: shipped values)")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between pane starts")
    parser.add_argument("--warmup", type=float, default=15.0)
    parser.add_argument("--recovery", type=float, default=30.0)
    args = parser.parse_args()
    nginx = find_nginx()
    if nginx is None:
        raise SystemExit("nginx is not installed")
    market = LoopbackMarket(validators=True)
    base = market.start()
    work = Path(tempfile.mkdtemp(prefix="triffin-outage-"))
    config = loopback_config(work / "pane.toml", base)
    cache = NginxCache(nginx, int(base.rsplit(":", 1)[1]), max_valid=args.valid or None)
    cache.start()
    results: list[tuple[str, float, dict[str, Any], float]] = []
    lock = threading.Lock()
    phase = ["warm-up"]
    t0 = time.monotonic()

    def pane(i: int) -> None:
        started = time.monotonic() - t0
        name = phase[0]
        doc = run_panes(1, work / f"pane{i}", config, cache.url)[0]
        with lock:
            results.append((name, started, doc, time.monotonic() - t0))

    threads: list[threading.Thread] = []

    def run_phase(name: str, seconds: float) -> None:
        phase[0] = name
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            th = threading.Thread(target=pane, args=(len(threads),))
            th.start()
            threads.append(th)
            time.sleep(args.every)

    try:
        run_phase("warm-up", args.warmup)
        for th in threads:
            th.join()
        good = _values(results[0][2])
        market.outage = args.mode
        outage_started = time.monotonic() - t0
        run_phase("outage", args.outage)
        market.outage = None
        market.publish_close()
        back = time.monotonic() - t0
        run_phase("recovery", args.recovery)
        for th in threads:
            th.join()
    finally:
        market.outage = None
        cache.stop()
        market.stop()
    log = cache.log()
    print(
        f"mode {args.mode}: upstream down from t={outage_started:.0f} s to t={back:.0f} s; "
        + (f"cache validity capped at {args.valid:g} s" if args.valid else "shipped cache validities")
    )
    print(
        "| panes | n | showing the last good values | showing data published after the outage"
        " | series not fresh | series missing (source off) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    groups = {
        "finished before the outage": lambda a, b: b <= outage_started,
        "ran entirely during the outage": lambda a, b: a >= outage_started and b <= back,
        "straddling the outage": lambda a, b: a < back and b > back and not (a >= outage_started and b <= back),
        "started after upstream returned": lambda a, b: a >= back,
    }
    for label, test in groups.items():
        docs = [doc for _, a, doc, b in results if test(a, b)]
        same = sum(_values(d) == good for d in docs)
        # "missing": instruments served only by sources the loopback market does not speak
        # (switched off in every pane alike), not something the outage did.
        not_fresh = sum(s["status"] not in ("fresh", "missing") for d in docs for s in d["series"].values())
        missing = sum(s["status"] == "missing" for d in docs for s in d["series"].values())
        print(f"| {label} | {len(docs)} | {same} | {len(docs) - same} | {not_fresh} | {missing} |")
    wall0 = time.time() - (time.monotonic() - t0)
    times = [(dt.datetime.strptime(e["time"], "%d/%b/%Y:%H:%M:%S %z").timestamp() - wall0, e) for e in log]
    during = Counter(e["cache"] for t, e in times if outage_started <= t < back)
    print(f"cache answers while upstream was down: {dict(during)}; upstream attempts refused: {market.refused}")
    new_at = [b for _, _, doc, b in results if b > back and _values(doc) != good]
    old_at = [b for _, _, doc, b in results if b > back and _values(doc) == good]
    if new_at:
        print(
            f"after upstream returned: the first pane showing the new data finished {min(new_at) - back:.1f} s "
            f"later; the last pane still showing the old values finished {max(old_at, default=back) - back:.1f} s later"
        )
    else:
        print("after upstream returned: no pane showed the new data")
    cache.cleanup()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
