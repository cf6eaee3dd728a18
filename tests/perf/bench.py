#!/usr/bin/env python3
"""Benchmark of issue 8: start-up, idle cost, bytes to the terminal, memory, keys, refresh.

Run on demand (not collected by pytest)::

    python tests/perf/bench.py [--runs 3] [--idle 20] [--quick] [--with-baselines]
                               [--ready TEXT] [--json-out FILE]
    python tests/perf/bench.py --idle-only [--idle 60] [--runs 1]   # idle soaks alone

Prints ONE Markdown table, each cell "median [min–max]" over the runs, for

* ``triffin --demo`` (the synthetic feed ticking every 2 s: "idle while refreshing"), and
* ``triffin`` live against ``tests/loopback_market.py`` (every source on one loopback server
  in its real wire format, 100 ms latency per request), started with a prepared cache, so
  the first data frame can come from the cache; its data never changes after the first
  pass, so its idle window is "no new data arriving" while the feed keeps polling;
* with ``--with-baselines`` and ``../shared/bench/baselines`` present: ``hello.py`` and
  ``ticker.py`` run through the same probe, interleaved with ours, plus issue 8's targets
  and whether each is met.

Every TUI is measured by ``tests/perf/probe.py`` (a pty + pyte screen; standalone). The
signals recompute and the full refresh are timed in this process. See README.md here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PROBE = HERE / "probe.py"
BASELINES = Path(
    os.environ.get("TRIFFIN_BENCH_BASELINES")
    or (
        Path(os.environ["TRIFFIN_TEST_SHARED"]) / "bench" / "baselines"
        if os.environ.get("TRIFFIN_TEST_SHARED")
        else ROOT.parent / "shared" / "bench" / "baselines"
    )
)
"""hello.py and ticker.py (``$TRIFFIN_BENCH_BASELINES`` overrides; else under ``$TRIFFIN_TEST_SHARED``
(a worktree has no ``../shared``), else ``../shared``)."""
PY = sys.executable

READY_DEFAULT = r"re:UST 10Y\s+[-+]?\d+\.\d"
"""Ready = the UST 10Y row shows a number (the layout alone does not count)."""
DASH_MARKER = "Crisis scorecard"
"""Text on the dashboard but not on a drill-down screen (its disappearance = drill-down shown)."""
LATENCY_MS = 100.0
HOUR_TICKS = 1800
"""An hour of the demo feed: one tick every 2 s (TriffinApp's default tick_interval)."""
LIVE_HOUR_PASSES = 12
"""An hour of live polling: intraday quotes every 300 s (the default) = 12 passes."""

# The demo app with a faster tick and a tick counter. Only the tick *rate* differs from
# `triffin --demo`: TriffinApp(tick_interval=...) is the app's own parameter, and
# DemoMarket.tick is wrapped to count the ticks (a line per tick in $BENCH_TICKS).
SOAK_DEMO = r"""
import inspect, os, sys
from datafeed.demo import DemoMarket
_fd = os.open(os.environ["BENCH_TICKS"], os.O_WRONLY | os.O_APPEND)
_tick = DemoMarket.tick
def _counted(self, now):
    os.write(_fd, b"t\n")
    return _tick(self, now)
DemoMarket.tick = _counted
from tui.config import load_config
from tui.app import TriffinApp
kw = {}
if "tick_interval" in inspect.signature(TriffinApp).parameters:
    kw["tick_interval"] = float(os.environ["BENCH_TICK_INTERVAL"])
TriffinApp(load_config(), demo=True, **kw).run()
"""

# The demo app with only one instrument ticking (UST 5Y: no signal and no crisis check
# reads it), to see what a single changed value costs on the wire: its row, nothing more.
ONE_DEMO = r"""
import os
from datafeed.demo import DemoMarket
only = os.environ["BENCH_ONLY"]
_tick = DemoMarket.tick
def _one(self, now):
    return [o for o in _tick(self, now) if o.instrument == only]
DemoMarket.tick = _one
from tui.config import load_config
from tui.app import TriffinApp
TriffinApp(load_config(), demo=True, tick_interval=float(os.environ["BENCH_TICK_INTERVAL"])).run()
"""
ONE_INSTRUMENT = "ust5y"

GRID_READY = r"re:REGIME [A-Z/]+ +\d+/\d+ && re:GFC: Lehman.*(haven|mixed|broken)"
"""Issue 20's first frame: the regime in the title bar and a scored crisis row (GFC) both
visible, i.e. the part of the screen that answers the question."""

FORMULA_ROWS = 270
"""Formula rows of issue 20's "300 rows" variant (added to the catalog's instrument rows)."""

FORMULA_POOL = (
    "ust3m ust2y ust10y ust20y ust30y tbill3m sofr bund10y estr jgb10y usd_broad eurusd "
    "usdjpy vix spx ig_oas hy_oas aaa10y gold"
).split()
"""Daily instruments the generated formulas read; never ust5y (the one that ticks in the
1-value/tick runs), so a tick changes no formula's inputs."""


def formulas_toml(n: int = FORMULA_ROWS) -> str:
    """``n`` [[formulas]] of the kinds a desk writes (spreads, means, changes, correlations)."""
    pool = FORMULA_POOL
    out = []
    for i in range(n):
        a, b = pool[i % len(pool)], pool[(i * 7 + 3) % len(pool)]
        if a == b:
            b = pool[(pool.index(b) + 1) % len(pool)]
        w = 5 + (i % 6) * 10
        kind = i % 5
        expr, unit = (
            (f"({a} - {b}) * 100", "bp"),
            (f"mean({a}, {w})", ""),
            (f"pct_change({a}, {w})", "%"),
            (f"corr(diff({a}), diff({b}), {w + 40})", ""),
            (f"abs(diff({a}, {w}))", ""),
        )[kind]
        out.append(f'[[formulas]]\nid = "bench_f{i:03d}"\nexpr = "{expr}"\nunit = "{unit}"\n')
    return "\n".join(out)


# The loopback market in its own process (so its CPU never counts as the app's and it
# does not compete for this process's GIL), logging every request's time.
SERVE = r"""
import os, sys, time
from tests.loopback_market import LoopbackMarket
m = LoopbackMarket(latency_ms=float(sys.argv[1]))
fd = os.open(sys.argv[3], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
route = m.route
def logged(path):
    os.write(fd, b"%d %s\n" % (time.monotonic_ns(), path.split("?")[0].encode()))
    return route(path)
m.route = logged
base = m.start()
with open(sys.argv[2], "w") as fh:
    fh.write(m.config_text(base))
print(base, flush=True)
while True:
    time.sleep(3600)
"""


# --idle-only: each OS thread named after its Python thread (prctl PR_SET_NAME, 15 bytes),
# so /proc/<pid>/task/<tid>/comm tells which thread wakes ("textual-input",
# "triffin-monitor"...; the main thread keeps the process's name). Put on the children's
# path as sitecustomize.py: one system call per thread start, nothing while idle.
THREAD_NAMES = r"""
import ctypes, threading
try:
    _prctl = ctypes.CDLL(None).prctl
except (OSError, AttributeError):
    _prctl = None
if _prctl is not None:
    _inner = threading.Thread._bootstrap_inner
    def _named(self):
        _prctl(15, self.name.encode("utf-8", "replace")[:15], 0, 0, 0)
        return _inner(self)
    threading.Thread._bootstrap_inner = _named
"""


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- helpers


PYCACHE = Path(tempfile.gettempdir()) / "triffin-bench-pycache"
"""Bytecode cache of every child (PYTHONPYCACHEPREFIX), kept between bench runs."""


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    for k in ("TRIFFIN_CONFIG", "TRIFFIN_CACHE_DIR", "FRED_API_KEY", "NO_COLOR", "TEXTUAL"):
        env.pop(k, None)
    # An installed triffin starts from .pyc files. Where PYTHONDONTWRITEBYTECODE is set (as
    # in some sandboxes) every start would compile the project's ~60 modules again (~0.1 s on
    # 2 cores), which no user pays; the children get a bytecode cache of their own instead,
    # outside the source tree. The baselines run with the same environment.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env.update(extra)
    return env


def kill_group(pid: int) -> None:
    """SIGTERM then SIGKILL a process group we started (its leader's pid = group id)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.5)


def run_probe(name: str, probe_args: list[str], cmd: list[str], env: dict[str, str], work: Path) -> dict[str, Any]:
    """One probe run in its own process; never hangs, never leaves the app behind."""
    out, pidf = work / f"{name}.json", work / f"{name}.pid"
    args = [PY, str(PROBE), *probe_args, "--json-out", str(out), "--pid-file", str(pidf), "--", *cmd]
    limit = 30.0
    for flag in ("--ready-timeout", "--settle", "--idle", "--soak"):
        if flag in probe_args:
            limit += float(probe_args[probe_args.index(flag) + 1])
    limit += 120  # keys, quit, teardown; the probe's own hard timeout fires first
    proc = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, text=True
    )
    try:
        _, err = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        proc.wait()
        err = f"probe killed after {limit:.0f}s"
    finally:
        if pidf.exists():  # the probe normally cleans up; this covers a probe that was killed
            try:
                kill_group(int(pidf.read_text().split()[0]))
            except (ValueError, IndexError):
                pass
    try:
        res = json.loads(out.read_text())
    except (OSError, json.JSONDecodeError):
        res = {"errors": [f"no probe result (rc={proc.returncode}): {err.strip()[-400:]}"], "exit": proc.returncode}
    if res.get("errors"):
        log(f"{name}: " + "; ".join(res["errors"]))
        if res.get("exit") in (2, 4) and res.get("last_screen"):
            print(f"--- {name}: last screen ---\n{res['last_screen']}\n---", file=sys.stderr)
    return res


def pick(d: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(d, dict) or d.get(part) is None:
            return None
        d = d[part]
    return d


def idle_fraction(res: dict[str, Any]) -> float | None:
    """A run's idle CPU fraction: the precise one (schedstat) when the probe had it, else ticks.

    Results of an older probe have only ``cpu_fraction`` (ticks)."""
    best = pick(res, "idle.cpu_fraction_best")
    return pick(res, "idle.cpu_fraction") if best is None else best


def _per_s(res: dict[str, Any], key: str) -> float | None:
    """``idle.<key>`` of a run divided by its idle window's seconds."""
    n, wall = pick(res, f"idle.{key}"), pick(res, "idle.seconds")
    return None if n is None or not wall else n / wall


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """``header`` and ``rows`` as a markdown table, each column as wide as its widest cell."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + " |" for r in rows]
    return "\n".join(lines)


def print_table(table: str, notes: list[str]) -> None:
    """A report's table, then its notes as a list (every report prints them so)."""
    print(table)
    print()
    for note in notes:
        print(f"- {note}")


def never(results: dict[str, list[dict[str, Any]]], path: str) -> list[str]:
    """The apps none of whose runs holds ``path`` (they never got that far)."""
    return [name for name, runs in results.items() if not any(pick(r, path) for r in runs)]


def agg(values: list[float | None]) -> dict[str, float] | None:
    vals = [float(v) for v in values if v is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals)}


def fmt(a: dict[str, float] | None, unit: str = "", scale: float = 1.0, digits: int = 0) -> str:
    if a is None:
        return "—"
    m, lo, hi = (a[k] * scale for k in ("median", "min", "max"))
    f = f"{{:,.{digits}f}}"
    if a["n"] == 1 or lo == hi:
        return f.format(m) + unit
    return f"{f.format(m)}{unit} [{f.format(lo)}–{f.format(hi)}]"


# --------------------------------------------------------------------------- in-process


def bench_signals(n: int) -> dict[str, Any]:
    """datafeed.thesis.measure on the full demo store: every signal, the regime, every crisis."""
    from datafeed.demo import DemoMarket, load_demo
    from datafeed.store import SeriesStore
    from datafeed.thesis import measure

    store = SeriesStore()
    load_demo(store, DemoMarket())
    measure(store)  # warm-up
    times = []
    for _ in range(n):
        t = time.perf_counter()
        measure(store)
        times.append((time.perf_counter() - t) * 1000)
    return {"ms": times, "observations": sum(len(store.series(i)) for i in store.catalog)}


def _job_label(job: Any) -> str:
    """``source/batch`` plus what kind of fill a job is (for the request chains)."""
    kind = ""
    if job.backfill_before is not None and job.fill_after is not None:
        kind = " gap+backfill"
    elif job.backfill_before is not None:
        kind = " backfill"
    elif job.fill_after is not None:
        kind = " gap"
    elif job.fallback:
        kind = " fallback"
    return job.key + kind


def bench_refresh(config_path: Path, cache_dir: Path, warm: bool) -> dict[str, Any]:
    """One forced pass of every job, as the app's feed runs it (cold: empty store and cache).

    Besides the wall time it records every job (start, end, the job it followed) and every
    request (path, when it went out and when its answer was read, relative to the pass's
    start), so :func:`chains` can show which requests ran one after another.
    """
    import asyncio
    import contextvars

    from datafeed.cache import DiskCache
    from datafeed.feed import Feed
    from datafeed.http import HttpContext
    from datafeed.store import SeriesStore
    from tui.config import load_config

    settings = load_config(str(config_path)).feed
    chain: contextvars.ContextVar[tuple[int, ...]] = contextvars.ContextVar("chain", default=())

    async def once() -> dict[str, Any]:
        store, cache = SeriesStore(), DiskCache(cache_dir)
        if warm:
            cache.load_into(store)
        http = HttpContext(settings)
        feed = Feed(store, settings, http, cache=cache)
        jobs: list[dict[str, Any]] = []
        requests: list[dict[str, Any]] = []
        t0 = time.perf_counter()
        run_job, send = feed.run_job, http._send

        async def traced_job(job: Any) -> Any:
            # Set without a reset: the fills this job's task starts next copy the context,
            # so each job knows the chain of jobs it waited for.
            entry = {"job": _job_label(job), "after": list(chain.get()), "start": time.perf_counter() - t0}
            jobs.append(entry)
            chain.set((*chain.get(), len(jobs) - 1))
            try:
                return await run_job(job)
            finally:
                entry["end"] = time.perf_counter() - t0

        async def traced_send(url: str, params: Any, *args: Any, **kwargs: Any) -> Any:
            entry = {"job": chain.get()[-1] if chain.get() else None, "start": time.perf_counter() - t0}
            entry["path"] = url.split("://", 1)[-1].split("/", 1)[-1][-48:]
            if params:
                entry["path"] += "?" + "&".join(f"{k}={v}" for k, v in params.items() if "key" not in k)[:40]
            requests.append(entry)
            try:
                return await send(url, params, *args, **kwargs)
            finally:
                entry["end"] = time.perf_counter() - t0

        feed.run_job = traced_job  # type: ignore[method-assign]
        http._send = traced_send  # type: ignore[method-assign]
        cpu, t = time.process_time(), time.perf_counter()
        t0 = t
        try:
            report = await feed.refresh(force=True)
        finally:
            wall, cpu = time.perf_counter() - t, time.process_time() - cpu
            # the cache save runs after the pass (not in its wall time); the warm run needs it
            flush = getattr(feed, "flush", None)
            if flush is not None:
                await flush()
            save = time.perf_counter() - t - wall
            await http.aclose()
        slowest: dict[str, float] = {}
        for job in feed.all_jobs:
            if job.last_duration is not None:
                src = job.provider.name
                slowest[src] = max(slowest.get(src, 0.0), job.last_duration)
        return {
            "s": wall,
            "cpu_s": cpu,
            "save_after_s": save,
            "ok": report.ok,
            "failed": report.failed,
            "errors": report.errors,
            "requests": http.requests,
            "jobs": len(feed.all_jobs),
            "slowest_job_s": slowest,
            "trace_jobs": jobs,
            "trace_requests": requests,
        }

    return asyncio.run(once())


def chains(run: dict[str, Any]) -> list[str]:
    """Per source, the job that ended last and the chain of jobs (and their requests) it
    waited for, from one :func:`bench_refresh` result; the overall last first (the pass's
    critical path, before the cache save)."""
    jobs, reqs = run["trace_jobs"], run["trace_requests"]
    by_job: dict[int, list[dict[str, Any]]] = {}
    for r in reqs:
        if r["job"] is not None:
            by_job.setdefault(r["job"], []).append(r)
    last: dict[str, int] = {}
    for i, j in enumerate(jobs):
        src = j["job"].split("/", 1)[0]
        if src not in last or j.get("end", 0.0) > jobs[last[src]].get("end", 0.0):
            last[src] = i
    per_source: dict[str, int] = {}
    for i, j in enumerate(jobs):
        src = j["job"].split("/", 1)[0]
        per_source[src] = per_source.get(src, 0) + len(by_job.get(i, []))
    out = []
    for src, i in sorted(last.items(), key=lambda kv: -jobs[kv[1]].get("end", 0.0)):
        links = []
        for k in [*jobs[i]["after"], i]:
            j = jobs[k]
            rs = sorted(by_job.get(k, []), key=lambda r: r["start"])
            detail = ", ".join(f"{r['start']:.2f}–{r.get('end', float('nan')):.2f} {r['path']}" for r in rs)
            links.append(f"{j['job']} [{j['start']:.2f}–{j.get('end', float('nan')):.2f}] ({detail})")
        out.append(f"{src} ({per_source[src]} req): " + " → ".join(links))
    return out


def refresh_only(a: argparse.Namespace) -> int:
    """``--refresh-only``: the loopback market, one unmeasured pass, then ``--runs`` cold
    and warm passes; prints medians, request counts and each source's slowest chain."""
    work = Path(tempfile.mkdtemp(prefix="triffin-refresh-"))
    cfg, reqlog = work / "loopback.toml", work / "requests.log"
    server = subprocess.Popen(
        [PY, "-c", SERVE, str(LATENCY_MS), str(cfg), str(reqlog)],
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        line = server.stdout.readline().strip() if server.stdout else ""
        if not line.startswith("http://"):
            raise SystemExit("bench: the loopback market did not start (see the traceback above)")
        # unmeasured: the loopback market renders each distinct answer once and keeps it
        bench_refresh(cfg, work / "prime", warm=False)
        bench_refresh(cfg, work / "prime", warm=True)
        runs: dict[str, list[dict[str, Any]]] = {"cold": [], "warm": []}
        loads = []
        for i in range(1, a.runs + 1):
            d = work / f"run-{i}"
            for kind in ("cold", "warm"):
                r = bench_refresh(cfg, d, warm=kind == "warm")
                runs[kind].append(r)
                loads.append(os.getloadavg()[0])
            log(f"refresh #{i}: cold {runs['cold'][-1]['s']:.2f}s, warm {runs['warm'][-1]['s']:.2f}s")
    finally:
        kill_group(server.pid)
        server.wait(timeout=5)
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"\nfull refresh at {LATENCY_MS:g} ms per request (tests/loopback_market.py), {a.runs} runs; "
        f"{os.cpu_count()} CPUs; load average (1 min) {min(loads):.2f}–{max(loads):.2f}\n"
    )
    print(
        "| pass | wall s, median [min–max] | client CPU s | requests | jobs | failed | cache save after the pass, s |"
    )
    print("|---|---|---|---|---|---|---|")
    for kind, target in (("cold", 1.0), ("warm", 0.6)):
        rs = runs[kind]
        print(
            f"| {kind} (target ≤ {target:g} s) | {fmt(agg([r['s'] for r in rs]), digits=2)} | "
            f"{fmt(agg([r['cpu_s'] for r in rs]), digits=2)} | {fmt(agg([r['requests'] for r in rs]))} | "
            f"{rs[0]['jobs']} | {sum(r['failed'] for r in rs)} | {fmt(agg([r['save_after_s'] for r in rs]), digits=2)} |"
        )
    for kind in ("cold", "warm"):
        rs = sorted(runs[kind], key=lambda r: r["s"])
        median = rs[len(rs) // 2]
        print(f"\n{kind}, the median run ({median['s']:.2f} s): per source, the job that ended last and its chain")
        print("(job [start–end s] (request start–end s path, ...) → the fill it started)")
        for text in chains(median):
            print(f"- {text}")
        for key, err in median["errors"].items():
            print(f"- FAILED {key}: {err}")
    return 0


def import_costs(reps: int) -> dict[str, Any]:
    """Wall time of `python -c 'import X'` (interpreter start included), best of ``reps``."""
    out: dict[str, Any] = {}
    env = child_env()
    for label, stmt in (
        ("python -c pass", "pass"),
        ("import textual.app", "import textual.app"),
        ("import pandas", "import pandas"),
        ("import textual_plotext", "import textual_plotext"),
        ("import tui.app", "import tui.app"),
    ):
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            r = subprocess.run([PY, "-c", stmt], cwd=ROOT, env=env, capture_output=True, timeout=60, check=False)
            if r.returncode:
                times = []
                break
            times.append((time.perf_counter() - t) * 1000)
        out[label] = min(times) if times else None
    check = (
        "import sys, tui.app; print(' '.join(m for m in ('pandas', 'numpy', 'plotext', 'httpx', "
        "'textual_plotext') if m in sys.modules))"
    )
    r = subprocess.run([PY, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    out["loaded_by_tui_app"] = r.stdout.strip() if r.returncode == 0 else f"failed: {r.stderr.strip()[-200:]}"
    return out


# --------------------------------------------------------------------------- the run


class Bench:
    def __init__(self, a: argparse.Namespace) -> None:
        self.a = a
        self.work = Path(tempfile.mkdtemp(prefix="triffin-bench-"))
        self.server: subprocess.Popen[str] | None = None
        self.results: dict[str, list[dict[str, Any]]] = {}
        self.extra: dict[str, Any] = {}

    # ---------------------------------------------------------------- set-up
    def start_server(self) -> None:
        self.server_cfg = self.work / "loopback.toml"
        self.server_log = self.work / "loopback-requests.log"
        self.server_log.touch()
        self.server = subprocess.Popen(
            [PY, "-c", SERVE, str(LATENCY_MS), str(self.server_cfg), str(self.server_log)],
            cwd=ROOT,
            env=child_env(),
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        line = self.server.stdout.readline().strip() if self.server.stdout else ""
        if not line.startswith("http://"):
            raise SystemExit("bench: the loopback market did not start (see the traceback above)")
        self.base = line
        # the live TUI's config: every source on the loopback server; the feed polls as
        # often as the config allows, so "no new data" is measured while requests go out
        # (top-level keys first: TOML puts everything after a [table] header into that table)
        self.live_cfg = self.work / "live.toml"
        self.live_cfg.write_text("refresh = 10\nintraday_refresh = 5\n" + self.server_cfg.read_text())
        # no new data: the start-up pass, then nothing due for an hour (issue 20's idle target)
        self.quiet_cfg = self.work / "quiet.toml"
        self.quiet_cfg.write_text("refresh = 3600\nintraday_refresh = 3600\n" + self.server_cfg.read_text())
        self.demo_cfg = self.work / "demo.toml"
        self.demo_cfg.write_text("# defaults\n")
        self.demo300_cfg = self.work / "demo300.toml"
        self.demo300_cfg.write_text(formulas_toml())
        self.live300_cfg = self.work / "live300.toml"
        self.live300_cfg.write_text(self.live_cfg.read_text() + "\n" + formulas_toml())
        log(f"loopback market at {self.base} ({LATENCY_MS:g} ms per request); work dir {self.work}")

    def requests_between(self, t0: float, t1: float) -> list[float]:
        out = []
        for line in self.server_log.read_text().splitlines():
            try:
                t = int(line.split()[0]) / 1e9
            except (ValueError, IndexError):
                continue
            if t0 <= t < t1:
                out.append(t)
        return out

    def stop_server(self) -> None:
        if self.server is not None and self.server.poll() is None:
            kill_group(self.server.pid)
            self.server.wait(timeout=5)

    def cleanup(self) -> None:
        self.stop_server()
        if not self.a.keep:
            shutil.rmtree(self.work, ignore_errors=True)

    # ---------------------------------------------------------------- configs
    def configs(self) -> dict[str, dict[str, Any]]:
        a = self.a
        keys = ",".join(
            [
                "down,label:move",
                "down,label:move",
                "down,label:move",
                f"enter,gone:{a.dash_marker},label:drill",
                f"esc,expect:{a.dash_marker},label:back",
                f"enter,gone:{a.dash_marker},label:drill2",
                f"esc,expect:{a.dash_marker},label:back2",
            ]
        )
        common = ["--size", a.size, "--idle", str(a.idle), "--marks", "--quit", "ctrl+q", "--ready-timeout", "40"]
        tui = [*common, "--ready", a.ready, "--pre-keys", "p,wait:4.6", "--keys", keys]
        cfgs: dict[str, dict[str, Any]] = {
            "demo": {
                "cmd": [PY, "-m", "tui", "--demo"],
                "probe": [*tui, "--settle", "2"],
                "env": {"TRIFFIN_CONFIG": str(self.demo_cfg)},
                "cache": True,
            },
            "live": {
                "cmd": [PY, "-m", "tui"],
                "probe": [*tui, "--settle", "4"],
                "env": {"TRIFFIN_CONFIG": str(self.live_cfg)},
                "cache": True,
                "live": True,
            },
        }
        cfgs["one"] = {
            "cmd": [PY, "-c", ONE_DEMO],
            "probe": [*common, "--ready", a.ready, "--settle", "2"],
            "env": {"TRIFFIN_CONFIG": str(self.demo_cfg), "BENCH_ONLY": ONE_INSTRUMENT, "BENCH_TICK_INTERVAL": "1"},
            "cache": True,
        }
        cfgs["one300"] = {
            "cmd": [PY, "-c", ONE_DEMO],
            "probe": [*common, "--ready", a.ready, "--settle", "2"],
            "env": {"TRIFFIN_CONFIG": str(self.demo300_cfg), "BENCH_ONLY": ONE_INSTRUMENT, "BENCH_TICK_INTERVAL": "1"},
            "cache": True,
        }
        cfgs["quiet"] = {
            "cmd": [PY, "-m", "tui"],
            "probe": [*common, "--ready", a.ready, "--settle", "10"],
            "env": {"TRIFFIN_CONFIG": str(self.quiet_cfg)},
            "cache": True,
            "live": True,
        }
        if a.issue20_only:
            cfgs = {k: v for k, v in cfgs.items() if k in ("one", "one300", "quiet")}
        if a.with_baselines and BASELINES.is_dir():
            cfgs["hello"] = {
                "cmd": [PY, str(BASELINES / "hello.py")],
                "probe": [*common, "--ready", "HELLO-READY", "--settle", "2"],
                "env": {},
            }
            cfgs["ticker"] = {
                "cmd": [PY, str(BASELINES / "ticker.py")],
                "probe": [*common, "--ready", "T29", "--settle", "2"],
                "env": {},
            }
        return cfgs

    def fresh_cache(self, tag: str) -> Path:
        d = self.work / f"cache-{tag}"
        shutil.rmtree(d, ignore_errors=True)
        if self.pristine is not None:
            shutil.copytree(self.pristine, d)
        else:
            d.mkdir()
        return d

    # ---------------------------------------------------------------- phases
    def in_process(self) -> None:
        a = self.a
        log(f"signals: datafeed.thesis.measure on the demo store x{a.signal_reps}")
        self.extra["signals"] = bench_signals(a.signal_reps)
        self.extra["refresh"] = {"cold": [], "warm": []}
        self.pristine = None
        # One unmeasured pass first: the loopback market renders each answer once (25 years
        # of CSV in Python, 0.1-0.5 s of its CPU per request) and keeps it; measured passes
        # then see the configured 100 ms latency, not the stand-in's rendering time.
        bench_refresh(self.server_cfg, self.work / "refresh-prime", warm=False)
        for i in range(1, a.refresh_runs + 1):
            d = self.work / f"refresh-{i}"
            cold = bench_refresh(self.server_cfg, d, warm=False)
            warm = bench_refresh(self.server_cfg, d, warm=True)
            self.extra["refresh"]["cold"].append(cold)
            self.extra["refresh"]["warm"].append(warm)
            log(
                f"refresh #{i}: cold {cold['s']:.2f}s ({cold['ok']} ok, {cold['failed']} failed, "
                f"{cold['requests']} requests), warm {warm['s']:.2f}s"
            )
            if cold["failed"] == 0 and self.pristine is None:
                self.pristine = self.work / "cache-pristine"
                shutil.copytree(d, self.pristine)
        if self.pristine is None:
            log("WARNING: no refresh succeeded; the live TUI starts with an empty cache")

    def tui_runs(self) -> None:
        a = self.a
        cfgs = self.configs()
        for name in cfgs:
            self.results[name] = []
        for i in range(1, a.runs + 1):
            for name, cfg in cfgs.items():
                env = child_env(**cfg["env"])
                if cfg.get("cache"):
                    env["TRIFFIN_CACHE_DIR"] = str(
                        self.fresh_cache(f"{name}-{i}") if cfg.get("live") else self.work / f"cache-empty-{name}-{i}"
                    )
                res = run_probe(f"{name}-{i}", cfg["probe"], cfg["cmd"], env, self.work)
                if cfg.get("live") and res.get("t0") is not None:
                    t0 = res["t0"]
                    reqs = self.requests_between(t0, t0 + 600)
                    res["loopback"] = {"first_request_ms": round((reqs[0] - t0) * 1000, 1) if reqs else None}
                    if res.get("idle"):
                        res["loopback"]["idle_requests"] = len(
                            self.requests_between(res["idle"]["t0"], res["idle"]["t1"])
                        )
                self.results[name].append(res)
                log(
                    f"{name} #{i}: ready {pick(res, 'startup.ready_ms')} ms, idle cpu "
                    f"{pick(res, 'idle.cpu_fraction')}, {pick(res, 'idle.bytes_per_s')} B/s, "
                    f"{pick(res, 'updates.count')} updates"
                )

    def first_frames(self) -> None:
        """Issue 20: launch → crisis grid and regime on screen, interleaved with hello.py.

        Each app gets a cache of its own, kept between its runs and primed by one unmeasured
        run (so whatever an app saves for its next start is there, as for a user who ran it
        before); "cold" keeps only the cache's summary files (``_*.json``) of the primed
        cache: the series files are gone and the first frame has the summary alone.
        """
        a = self.a
        probe = ["--size", a.size, "--ready-timeout", "40", "--settle", "0", "--idle", "0", "--quit", "ctrl+q"]
        grid = [*probe, "--ready", GRID_READY]
        cfgs: dict[str, dict[str, Any]] = {
            "ff_demo": {"cmd": [PY, "-m", "tui", "--demo"], "cfg": self.demo_cfg, "probe": grid},
            "ff_live": {"cmd": [PY, "-m", "tui"], "cfg": self.live_cfg, "probe": grid, "live": True},
            "ff_cold": {"cmd": [PY, "-m", "tui"], "cfg": self.live_cfg, "probe": grid, "cold": True},
            "ff_live300": {"cmd": [PY, "-m", "tui"], "cfg": self.live300_cfg, "probe": grid, "live": True},
        }
        if a.with_baselines and BASELINES.is_dir():
            cfgs["ff_hello"] = {"cmd": [PY, str(BASELINES / "hello.py")], "probe": [*probe, "--ready", "HELLO-READY"]}
        caches: dict[str, Path] = {}
        for name, cfg in cfgs.items():
            if cfg.get("cold"):
                continue
            caches[name] = self.fresh_cache(name) if cfg.get("live") else self.work / f"cache-{name}"

        def env_for(name: str, cfg: dict[str, Any]) -> dict[str, str]:
            env = child_env(TRIFFIN_CONFIG=str(cfg["cfg"])) if "cfg" in cfg else child_env()
            if cfg.get("cold"):
                d = self.work / "cache-ff_cold"
                shutil.rmtree(d, ignore_errors=True)
                d.mkdir()
                for f in caches["ff_live"].glob("_*.json"):
                    shutil.copy2(f, d / f.name)
                env["TRIFFIN_CACHE_DIR"] = str(d)
            elif name in caches:
                env["TRIFFIN_CACHE_DIR"] = str(caches[name])
            return env

        for name in cfgs:
            self.results[name] = []
        log(f"first frames (crisis grid): priming, then {a.ff_runs} interleaved runs of {', '.join(cfgs)}")
        for name, cfg in cfgs.items():
            if not cfg.get("cold"):
                run_probe(f"{name}-prime", cfg["probe"], cfg["cmd"], env_for(name, cfg), self.work)
        for i in range(1, a.ff_runs + 1):
            for name, cfg in cfgs.items():
                res = run_probe(f"{name}-{i}", cfg["probe"], cfg["cmd"], env_for(name, cfg), self.work)
                self.results[name].append(res)
            self.extra.setdefault("ff_load", []).append(os.getloadavg()[0])
            log(
                f"first frames #{i}: "
                + ", ".join(f"{n} {pick(self.results[n][-1], 'startup.ready_ms')}" for n in cfgs)
                + f"; load {os.getloadavg()[0]:.1f}"
            )

    def soaks(self) -> None:
        a = self.a
        ticks = self.work / "ticks.txt"
        ticks.touch()
        env = child_env(
            TRIFFIN_CONFIG=str(self.demo_cfg),
            TRIFFIN_CACHE_DIR=str(self.work / "cache-soak-demo"),
            BENCH_TICKS=str(ticks),
            BENCH_TICK_INTERVAL=str(a.soak_tick),
        )
        probe = [
            "--size",
            a.size,
            "--ready",
            a.ready,
            "--ready-timeout",
            "40",
            "--settle",
            "1",
            "--idle",
            "0",
            "--marks",
            "--soak",
            str(a.soak_seconds),
            "--soak-count-file",
            str(ticks),
            "--soak-count",
            str(a.soak_ticks),
            "--quit",
            "ctrl+q",
        ]
        log(f"soak (demo): {a.soak_ticks} ticks at tick_interval={a.soak_tick}s, at most {a.soak_seconds:g}s")
        self.extra["soak_demo"] = run_probe("soak-demo", probe, [PY, "-c", SOAK_DEMO], env, self.work)
        if a.live_soak_passes:
            env = child_env(TRIFFIN_CONFIG=str(self.live_cfg), TRIFFIN_CACHE_DIR=str(self.fresh_cache("soak-live")))
            probe = [
                "--size",
                a.size,
                "--ready",
                a.ready,
                "--ready-timeout",
                "40",
                "--settle",
                "4",
                "--idle",
                "0",
                "--marks",
                "--soak",
                str(a.live_soak_passes * a.live_soak_every + 30),
                "--soak-key",
                "r",
                "--soak-presses",
                str(a.live_soak_passes),
                "--soak-every",
                str(a.live_soak_every),
                "--quit",
                "ctrl+q",
            ]
            log(f"soak (live): {a.live_soak_passes} forced refreshes (r), one every {a.live_soak_every:g}s")
            res = run_probe("soak-live", probe, [PY, "-m", "tui"], env, self.work)
            if pick(res, "soak.t0"):
                res["soak"]["requests"] = len(self.requests_between(res["soak"]["t0"], res["soak"]["t1"]))
            self.extra["soak_live"] = res

    def idle_soaks(self) -> None:
        """``--idle-only``: hello.py, ``triffin --demo`` and a live warm start with nothing due.

        Each sits for ``--idle`` seconds (60 by default) after ``--idle-settle`` seconds, the
        three interleaved ``--runs`` times (1 by default). The live app starts from a cache
        made by one refresh against the loopback market, with ``refresh`` and
        ``intraday_refresh`` an hour (the config issue 20's "live, nothing due" row uses),
        so after its start-up pass nothing is due. The demo keeps ticking (every 2 s): its
        row is "idle while refreshing", as a user leaves it. Every child gets its threads
        named (``THREAD_NAMES``) so the per-thread wake-ups say who wakes.
        """
        a = self.a
        self.pristine = None
        # the stand-in renders each answer once (unmeasured), then a cold pass makes the cache
        bench_refresh(self.server_cfg, self.work / "refresh-prime", warm=False)
        primed = bench_refresh(self.server_cfg, self.work / "refresh-1", warm=False)
        if primed["failed"] == 0:
            self.pristine = self.work / "refresh-1"
        else:
            log(f"WARNING: the priming refresh had {primed['failed']} failed jobs; the live app starts without a cache")
        site = self.work / "site"
        site.mkdir(exist_ok=True)
        (site / "sitecustomize.py").write_text(THREAD_NAMES)
        common = [
            "--size",
            a.size,
            "--idle",
            str(a.idle),
            "--settle",
            str(a.idle_settle),
            "--marks",
            "--quit",
            "ctrl+q",
            "--ready-timeout",
            "40",
        ]
        cfgs: dict[str, dict[str, Any]] = {}
        if BASELINES.is_dir():
            cfgs["idle_hello"] = {"cmd": [PY, str(BASELINES / "hello.py")], "ready": "HELLO-READY", "env": {}}
        else:
            log(f"no baselines at {BASELINES}: hello.py not measured")
        cfgs["idle_demo"] = {
            "cmd": [PY, "-m", "tui", "--demo"],
            "ready": GRID_READY,
            "env": {"TRIFFIN_CONFIG": str(self.demo_cfg)},
        }
        cfgs["idle_live"] = {
            "cmd": [PY, "-m", "tui"],
            "ready": GRID_READY,
            "env": {"TRIFFIN_CONFIG": str(self.quiet_cfg)},
            "live": True,
        }
        for name in cfgs:
            self.results[name] = []
        log(f"idle soaks: {a.runs} x ({', '.join(cfgs)}), {a.idle:g} s each after {a.idle_settle:g} s")
        for i in range(1, a.runs + 1):
            for name, cfg in cfgs.items():
                env = child_env(**cfg["env"])
                env["PYTHONPATH"] = str(site) + os.pathsep + env["PYTHONPATH"]
                if name != "idle_hello":
                    env["TRIFFIN_CACHE_DIR"] = str(
                        self.fresh_cache(f"{name}-{i}") if cfg.get("live") else self.work / f"cache-{name}-{i}"
                    )
                res = run_probe(f"{name}-{i}", [*common, "--ready", cfg["ready"]], cfg["cmd"], env, self.work)
                if cfg.get("live") and res.get("idle"):
                    res["loopback"] = {
                        "idle_requests": len(self.requests_between(res["idle"]["t0"], res["idle"]["t1"]))
                    }
                res["load"] = os.getloadavg()[0]
                self.results[name].append(res)
                pct = idle_fraction(res)
                log(
                    f"{name} #{i}: idle cpu {'—' if pct is None else f'{100 * pct:.3f}'} % "
                    f"({pick(res, 'idle.cpu_clock')}), {pick(res, 'idle.wakeups_per_s')} wake-ups/s, "
                    f"{pick(res, 'idle.bytes_per_s')} B/s; load {res['load']:.1f}"
                )

    def idle_table(self) -> tuple[str, list[str]]:
        """``--idle-only``'s table: CPU to 3 decimals, wake-ups, bytes, per app; threads in the notes."""
        names = [n for n in ("idle_hello", "idle_demo", "idle_live") if self.results.get(n)]
        heads = {"idle_hello": "hello.py", "idle_demo": "triffin --demo (ticking)", "idle_live": "live, nothing due"}
        rows: list[list[str]] = []

        def row(label: str, values: dict[str, dict[str, float] | None], digits: int, scale: float = 1.0) -> None:
            rows.append([label, *[fmt(values.get(n), scale=scale, digits=digits) for n in names]])

        def col(path: str) -> dict[str, dict[str, float] | None]:
            return {n: self.col(n, path) for n in names}

        row(
            "CPU, % of a core (schedstat ns; ticks where absent)",
            {n: agg([idle_fraction(r) for r in self.results[n]]) for n in names},
            3,
            100,
        )
        rows.append(["clock of that figure", *[self.idle_clocks(n) for n in names]])
        row("CPU, % of a core, from clock ticks (10 ms)", col("idle.cpu_fraction_ticks"), 3, 100)
        row("wake-ups/s (voluntary switches, all threads)", col("idle.wakeups_per_s"), 2)
        row(
            "involuntary switches/s",
            {n: agg([_per_s(r, "involuntary_switches") for r in self.results[n]]) for n in names},
            2,
        )
        row("bytes/s to the terminal", col("idle.bytes_per_s"), 1)
        row("frames in the window", col("idle.frames"), 0)
        row("data updates applied in the window", col("updates.count"), 0)
        row("loopback requests in the window", col("loopback.idle_requests"), 0)
        row("threads", col("idle.threads_seen"), 0)
        row("RSS at the end (MB)", col("idle.rss_mib_end"), 1)
        notes = [
            f"{self.a.runs} run(s) per app, interleaved; {self.a.idle:g} s idle window after {self.a.idle_settle:g} s "
            f"of settling; load average (1 min) at each run's end: "
            + ", ".join(f"{r['load']:.1f}" for n in names for r in self.results[n] if "load" in r)
            + f" on {os.cpu_count()} CPUs.",
            "CPU = run time of every thread of the app's process tree over the window "
            "(/proc/<pid>/task/<tid>/schedstat, ns); the tick figure is utime+stime of /proc/<pid>/stat.",
        ]
        for n in names:
            res = self.results[n][-1]
            threads = pick(res, "idle.threads") or []
            parts = [
                f"{'main' if t['main'] else t['comm']} {t['wakeups_per_s']:.2f}/s "
                + ("" if t.get("cpu_ms") is None else f"{t['cpu_ms']:.1f} ms")
                for t in threads
                if t.get("voluntary") or t.get("cpu_ms")
            ]
            notes.append(
                f"{heads[n]}, last run, per thread (wake-ups/s, CPU over the window): " + ("; ".join(parts) or "none")
            )
        header = ["idle", *[heads[n] for n in names]]
        return markdown_table(header, rows), notes

    def report_idle(self, started: float) -> int:
        """Print ``--idle-only``'s table and notes, clean up; 1 when an app never got ready."""
        self.stop_server()
        print(
            f"\ntriffin idle soaks — took {time.monotonic() - started:.0f} s; terminal {self.a.size}; "
            f"Python {sys.version.split()[0]}\n"
        )
        print_table(*self.idle_table())
        self.cleanup()
        failed = never(self.results, "idle.seconds")
        if failed:
            print(f"\nbench: no idle window measured for {', '.join(failed)}", file=sys.stderr)
            return 1
        return 0

    # ---------------------------------------------------------------- report
    def col(self, name: str, path: str) -> dict[str, float] | None:
        return agg([pick(r, path) for r in self.results.get(name, [])])

    def keycol(self, name: str, label: str, field: str = "latency_ms") -> dict[str, float] | None:
        per_run = []
        for r in self.results.get(name, []):
            vals = [k[field] for k in r.get("keys", []) if k.get("label") == label and k.get(field) is not None]
            if vals:
                per_run.append(statistics.median(vals))
        return agg(per_run)

    def table(self) -> tuple[str, list[str]]:
        """The one table (Markdown) and the notes printed under it."""
        a = self.a
        names = [n for n in ("demo", "live", "quiet", "one", "one300", "hello", "ticker") if n in self.results]
        heads = {
            "demo": "triffin --demo",
            "live": "triffin live (loopback, cached)",
            "one": "demo, 1 value/tick",
            "one300": f"same, +{FORMULA_ROWS} formulas",
            "quiet": "live, nothing due",
            "hello": "hello.py",
            "ticker": "ticker.py",
        }
        rows: list[list[str]] = []
        notes: list[str] = []

        def med(x: dict[str, float] | None) -> float | None:
            return None if x is None else x["median"]

        def row(
            label: str,
            path: str | None = None,
            unit: str = "",
            scale: float = 1.0,
            digits: int = 0,
            target: str = "",
            met: bool | None = None,
            cells: dict[str, str] | None = None,
            only: tuple[str, ...] | None = None,
        ) -> None:
            vals = []
            for n in names:
                if cells is not None:
                    vals.append(cells.get(n, ""))
                elif path and (only is None or n in only):
                    vals.append(fmt(self.col(n, path), unit, scale, digits))
                else:
                    vals.append("")
            verdict = "" if not target else "?" if met is None else ("✅ met" if met else "❌ not met")
            rows.append([label, *vals, target, verdict])

        def section(title: str) -> None:
            rows.append([f"**{title}**", *[""] * len(names), "", ""])

        hello_ready = med(self.col("hello", "startup.ready_ms"))
        ticker_cpu = med(self.col("ticker", "idle.cpu_fraction"))
        ticker_bps = med(self.col("ticker", "idle.bytes_per_s"))
        live_ready = med(self.col("live", "startup.ready_ms"))
        demo_cpu = med(self.col("demo", "idle.cpu_fraction"))
        live_cpu = med(self.col("live", "idle.cpu_fraction"))
        demo_bps = med(self.col("demo", "idle.bytes_per_s"))

        def both(x, y):
            return x is not None and y is not None

        section("Start-up: launch → screen")
        row("first byte to the terminal (ms)", "startup.first_byte_ms")
        row("first non-blank frame (ms)", "startup.first_paint_ms")
        row(
            "first frame with data (ms)",
            "startup.ready_ms",
            target="live ≤ 1.3× hello" + (f" = {1.3 * hello_ready:,.0f}" if hello_ready else ""),
            met=(live_ready <= 1.3 * hello_ready) if both(hello_ready, live_ready) else None,
        )
        row("app CPU seconds until that frame", "startup.cpu_s_at_ready", digits=2)
        row(
            "first loopback request (ms after launch)",
            cells={"live": fmt(agg([pick(r, "loopback.first_request_ms") for r in self.results.get("live", [])]))},
        )
        section(f"Idle: {a.idle:g} s window")
        row(
            "CPU while refreshing (% of a core)",
            "idle.cpu_fraction",
            "%",
            100,
            1,
            only=("demo", "ticker"),
            target="demo ≤ ticker" + (f" = {100 * ticker_cpu:.1f}%" if ticker_cpu is not None else ""),
            met=(demo_cpu <= ticker_cpu) if both(demo_cpu, ticker_cpu) else None,
        )
        row(
            "CPU with no new data (% of a core)",
            "idle.cpu_fraction",
            "%",
            100,
            2,
            only=("live", "hello"),
            target="live ≤ 1 %",
            met=(live_cpu <= 0.01) if live_cpu is not None else None,
        )
        row(
            "bytes/s to the terminal",
            "idle.bytes_per_s",
            target="demo ≤ 1.1× ticker" + (f" = {1.1 * ticker_bps:,.0f}" if ticker_bps is not None else ""),
            met=(demo_bps <= 1.1 * ticker_bps) if both(demo_bps, ticker_bps) else None,
        )
        row("frames/s", "idle.frames_per_s", digits=2)
        row("bytes per frame (median)", "idle.bytes_per_frame.median")
        row("screen rows touched per frame (median)", "idle.rows_per_frame.median")
        row("data updates applied in the window", "updates.count")
        row("bytes per data update (median)", "updates.bytes_per_update.median")
        one_rows = med(self.col("one", "updates.rows_per_update.median"))
        row(
            "screen rows repainted per data update (median)",
            "updates.rows_per_update.median",
            target="1 value → ≤ its row (1)",
            met=(one_rows <= 1) if one_rows is not None else None,
        )
        row("data update → its frame complete (ms, median)", "updates.to_frame_end_ms.median")
        row(
            "loopback requests in the window",
            cells={"live": fmt(agg([pick(r, "loopback.idle_requests") for r in self.results.get("live", [])]))},
        )
        section("Memory: RSS of the app's process tree")
        row("RSS after start (MB)", "idle.rss_mib_start", digits=1)
        row("RSS at the end of the idle window (MB)", "idle.rss_mib_end", digits=1)
        cells_end: dict[str, str] = {}
        cells_growth: dict[str, str] = {}
        flat: list[bool] = []
        complete: list[bool] = []
        rss_all = [v for n in ("demo", "live") for r in self.results.get(n, []) if (v := pick(r, "idle.rss_mib_max"))]
        for n, key in (("demo", "soak_demo"), ("live", "soak_live")):
            res = self.extra.get(key)
            if res is None:
                continue
            soak = res.get("soak")
            if not soak or soak.get("rss_mib_end") is None:
                cells_end[n] = "failed"
                continue
            if n == "demo":
                hours = (soak.get("count") or 0) * 2 / 3600
                notes.append(
                    f'"An hour" of demo updates = {HOUR_TICKS} ticks (the 2 s default tick); the soak '
                    f"(up to {a.soak_ticks} ticks or {a.soak_seconds:g} s) ran "
                    f"`TriffinApp(demo=True, tick_interval={a.soak_tick:g})` and got {soak.get('count')} ticks "
                    f"({soak.get('updates_applied')} screen updates applied) in {soak['seconds']:.0f} s at "
                    f"{100 * (soak.get('cpu_fraction') or 0):.0f}% CPU = {hours:.2f} h."
                )
            else:
                # a press during a running pass is absorbed by it: count passes by their requests
                per_pass = (
                    statistics.median(r["requests"] for r in self.extra.get("refresh", {}).get("warm", []))
                    if self.extra.get("refresh", {}).get("warm")
                    else 32
                )
                passes = round((soak.get("requests") or 0) / per_pass) if per_pass else 0
                hours = passes / LIVE_HOUR_PASSES
                notes.append(
                    f'"An hour" of live polling = {LIVE_HOUR_PASSES} passes (intraday every 300 s); the soak '
                    f"pressed r {soak.get('presses')} times, {soak.get('requests')} loopback requests "
                    f"≈ {passes} full passes, in "
                    f"{soak['seconds']:.0f} s = {hours:.2f} h; app CPU "
                    f"{(soak.get('cpu_s') or 0) / max(1, passes):.2f} s per pass, "
                    f"{(soak.get('bytes') or 0) / max(1, passes):,.0f} bytes to the terminal per pass."
                )
            complete.append(hours >= 0.99)
            late, mid = soak.get("rss_mib_q4_median"), soak.get("rss_mib_q2_median")
            cells_end[n] = f"{late:.1f} (max {soak['rss_mib_max']:.1f}) after {hours:.2f} h"
            if late is not None and mid is not None:
                cells_growth[n] = f"{late - soak['rss_mib_start']:+.1f} (2nd half {late - mid:+.1f})"
                if hours >= 0.5:  # a short soak is still warming up its caches: no verdict
                    flat.append(late - mid <= 5.0)
            rss_all.append(soak["rss_mib_max"])
        row(
            'RSS after "an hour" of accelerated updates (MB, last-quarter median)',
            cells=cells_end,
            target="≤ 200 MB" + ("" if all(complete) else " (soak < 1 h)"),
            met=(max(rss_all) <= 200) if rss_all else None,
        )
        row(
            "RSS growth during that soak (MB; 2nd half = 4th − 2nd quarter median)",
            cells=cells_growth,
            target="flat: 2nd half ≤ +5 MB",
            met=all(flat) if flat else None,
        )
        section("Keys: feed paused (p) first, so no data repaint confounds")
        for label, title in (
            ("move", "move: down (ms)"),
            ("drill", "drill-down: enter, 1st (ms)"),
            ("drill2", "drill-down: enter, again (ms)"),
            ("back", "back: esc (ms)"),
        ):
            row(title, cells={n: fmt(self.keycol(n, label)) for n in ("demo", "live")})
        row(
            "drill-down 1st, screen complete (ms)",
            cells={n: fmt(self.keycol(n, "drill", "complete_ms")) for n in ("demo", "live")},
        )
        row("quit: ctrl+q → exit (ms)", "quit.exit_ms")
        section("In-process")
        sig = self.extra.get("signals")
        if sig:
            row(
                f"signals full recompute, thesis.measure (ms, {len(sig['ms'])}×)",
                cells={"demo": fmt(agg(sig["ms"]), digits=1)},
            )
        ref = self.extra.get("refresh")
        if ref:
            for kind, what in (("cold", "cold, empty cache"), ("warm", "warm, incremental")):
                runs = ref[kind]
                ok = [r for r in runs if not r["failed"]]
                t = agg([r["s"] for r in ok])
                cell = fmt(t, " s", digits=2)
                if len(ok) < len(runs):
                    cell += f" ({len(runs) - len(ok)} of {len(runs)} runs had failures)"
                row(
                    f"full refresh, {LATENCY_MS:g} ms/request, {what} (s)",
                    cells={"live": cell},
                    target="≤ 1.5 s",
                    met=(t["median"] <= 1.5) if t else None,
                )
                if runs:
                    cpu = agg([r["cpu_s"] for r in runs])
                    srcs = sorted(
                        runs[0]["slowest_job_s"],
                        key=lambda k: -statistics.median(r["slowest_job_s"].get(k, 0.0) for r in runs),
                    )
                    slow = ", ".join(
                        f"{k} {statistics.median(r['slowest_job_s'].get(k, 0.0) for r in runs):.2f}" for k in srcs[:3]
                    )
                    notes.append(
                        f"Refresh {kind}: {runs[0]['jobs']} jobs, {runs[0]['requests']} requests, "
                        f"client CPU {fmt(cpu, ' s', digits=2)}; slowest job per source (s): {slow}."
                    )
        imp = self.extra.get("imports")
        if imp:
            txt = ", ".join(f"{k} {v:.0f}" for k, v in imp.items() if isinstance(v, float))
            notes.append(
                f"`python -c` import wall ms (best of {a.import_reps}, interpreter start included): {txt}; "
                f"`import tui.app` loads: {imp.get('loaded_by_tui_app') or 'none of pandas/numpy/plotext/httpx'}."
            )
        if "one" in self.results:
            notes.append(
                f'"demo, 1 value/tick" = the demo app with only {ONE_INSTRUMENT} ticking, once a second '
                "(no signal or crisis check reads it): what one changed value costs on the wire."
            )
        if ref and ref.get("warm"):
            notes.append(
                "A cold pass also backfills history older than a primary holds from its same-frequency "
                "fallback (FRED DGS* from 1999; SOFR and €STR once, remembered in _backfill.json); the "
                "loopback market's history starts in 1998, as the real sources' do, so a warm pass "
                "backfills nothing (requests above the job count would be backfills)."
            )
        notes.append(
            f"Ready = {a.ready!r} visible; live = `python -m tui` with every source on "
            f"tests/loopback_market.py ({LATENCY_MS:g} ms/request), a prepared cache, refresh = 10 s, "
            "intraday_refresh = 5 s; its data never changes after the first pass."
        )
        header = ["metric", *[heads[n] for n in names], "target (issue 8)", "met?"]
        return markdown_table(header, rows), notes

    def idle_cpu(self, name: str) -> float | None:
        """Median idle CPU fraction of ``name``'s runs: schedstat's ns where the probe had them, else ticks."""
        x = agg([idle_fraction(r) for r in self.results.get(name, [])])
        return None if x is None else x["median"]

    def idle_clocks(self, name: str) -> str:
        """Which clock ``name``'s idle CPU came from (``schedstat``, ``ticks``, or both when runs differ)."""
        got = sorted({pick(r, "idle.cpu_clock") or "ticks" for r in self.results.get(name, []) if r.get("idle")})
        return "/".join(got) or "no run"

    def issue20_table(self) -> tuple[str, list[str]]:
        """Issue 20's targets, each against hello.py (or the 30-row run) of this same run."""
        rows: list[list[str]] = []
        notes: list[str] = []

        def med(name: str, path: str) -> float | None:
            x = self.col(name, path)
            return None if x is None else x["median"]

        def verdict(met: bool | None) -> str:
            return "?" if met is None else ("✅ met" if met else "❌ not met")

        hello = med("ff_hello", "startup.ready_ms")
        rows.append(["hello.py: first frame (ms)", fmt(self.col("ff_hello", "startup.ready_ms")), "1.00×", "", ""])
        for name, label, limit in (
            ("ff_live", "live, warm cache", 1.3),
            ("ff_demo", "--demo", 1.3),
            ("ff_live300", f"live, warm cache, +{FORMULA_ROWS} formula rows", 1.5),
            ("ff_cold", "live, cold (cache summary files only)", None),
        ):
            got = med(name, "startup.ready_ms")
            ratio = got / hello if got is not None and hello else None
            rows.append(
                [
                    f"crisis grid + regime on screen: {label} (ms)",
                    fmt(self.col(name, "startup.ready_ms")),
                    "—" if ratio is None else f"{ratio:.2f}×",
                    "" if limit is None else f"≤ {limit:g}× hello",
                    "" if limit is None else verdict(None if ratio is None else ratio <= limit),
                ]
            )
        # one value per tick (ust5y, read by no signal, crisis check or formula), 1 tick/s
        per: dict[str, tuple[float | None, float | None, float | None]] = {}
        for name in ("one", "one300"):
            cpu, n = med(name, "idle.cpu_fraction"), med(name, "updates.per_s")
            per[name] = (
                cpu * 1000 / n if cpu is not None and n else None,
                med(name, "updates.bytes_per_update.median"),
                med(name, "updates.rows_per_update.median"),
            )
        for i, (what, unit) in enumerate((("CPU per changed value", "ms"), ("bytes per changed value", "B"))):
            small, big = per["one"][i], per["one300"][i]
            ratio = big / small if small and big is not None else None
            rows.append(
                [
                    f"{what}: default rows → +{FORMULA_ROWS} formula rows ({unit})",
                    f"{small if small is None else round(small, 1)} → {big if big is None else round(big, 1)}",
                    "—" if ratio is None else f"{ratio:.2f}×",
                    "≤ 2× the default",
                    verdict(None if ratio is None else ratio <= 2),
                ]
            )
        big_rows = per["one300"][2]
        rows.append(
            [
                f"screen rows repainted per changed value, +{FORMULA_ROWS} formula rows",
                "—" if big_rows is None else f"{big_rows:.0f}",
                "",
                "1",
                verdict(None if big_rows is None else big_rows <= 1),
            ]
        )
        cpu, bps = self.idle_cpu("quiet"), med("quiet", "idle.bytes_per_s")
        hello_idle = self.idle_cpu("hello")
        clocks = self.idle_clocks("quiet")
        rows.append(
            [
                f"live, no new data (nothing due after the start-up pass): CPU (% of a core, {clocks}) / bytes/s",
                f"{'—' if cpu is None else f'{100 * cpu:.3f}'} / {'—' if bps is None else f'{bps:.0f}'}"
                + ("" if hello_idle is None else f" (hello.py {100 * hello_idle:.3f} %)"),
                "" if cpu is None or not hello_idle else f"{cpu / hello_idle:.2f}× hello",
                "≤ 0.2 % / 0",
                verdict(None if cpu is None or bps is None else cpu <= 0.002 and bps == 0),
            ]
        )
        rss = [v for v in (med("one300", "idle.rss_mib_max"),) if v]
        rows.append(
            [
                f"RSS with +{FORMULA_ROWS} formula rows (MB; the demo ticking, max over the idle window)",
                " / ".join(f"{v:.0f}" for v in rss) or "—",
                "",
                "≤ 150 MB",
                verdict(max(rss) <= 150 if rss else None),
            ]
        )
        ref = self.extra.get("refresh") or {}
        for kind, limit in (("cold", 1.0), ("warm", 0.6)):
            ok = [r["s"] for r in ref.get(kind, []) if not r["failed"]]
            t = agg(ok)
            rows.append(
                [
                    f"full refresh, {LATENCY_MS:g} ms/request, {kind} (s)",
                    fmt(t, digits=2),
                    "",
                    f"≤ {limit:g} s",
                    verdict(None if t is None else t["median"] <= limit),
                ]
            )
        loads = self.extra.get("ff_load") or []
        if loads:
            notes.append(
                f"Load average (1 min) during the first-frame runs: {min(loads):.1f}–{max(loads):.1f} "
                f"(median {statistics.median(loads):.1f}) on {os.cpu_count()} CPUs; ratios compare medians "
                "of runs interleaved with hello.py, so both saw the same load."
            )
        notes.append(
            "Idle CPU = the app's process tree over the idle window: every thread's run time in ns "
            "(/proc/<pid>/task/<tid>/schedstat) where the kernel has it (`schedstat` above), else "
            "utime+stime in clock ticks (`ticks`: 10 ms steps, 0.05 % of a 20 s window)."
        )
        notes.append(
            f"First frame = {GRID_READY!r} visible (regime in the title bar and a scored crisis row); "
            f"{self.a.ff_runs} runs per app after one unmeasured priming run on the same cache."
        )
        notes.append(
            f"+{FORMULA_ROWS} formula rows = the default catalog's instrument rows plus {FORMULA_ROWS} "
            "generated [[formulas]] (spreads, means, changes, correlations; none reads ust5y). "
            "CPU per changed value = the app tree's CPU per second divided by data updates per second "
            "in the 1-value/tick runs."
        )
        header = ["issue 20", "measured (median [min–max])", "ratio", "target", "met?"]
        return markdown_table(header, rows), notes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, help="runs per app, interleaved (default 3; --idle-only: 1)")
    ap.add_argument("--idle", type=float, help="idle window in seconds (default 20; --idle-only: 60)")
    ap.add_argument("--quick", action="store_true", help="1 run, 6 s idle, short soaks: under 2 minutes")
    ap.add_argument(
        "--with-baselines",
        action="store_true",
        help=f"also run hello.py and ticker.py from {BASELINES} (when present) and judge the targets",
    )
    ap.add_argument("--ready", default=READY_DEFAULT, help=f"ready text (re:REGEX allowed); default {READY_DEFAULT!r}")
    ap.add_argument(
        "--dash-marker",
        default=DASH_MARKER,
        help=f"text on the dashboard that a drill-down screen hides (default {DASH_MARKER!r})",
    )
    ap.add_argument("--size", default="120x40", help="terminal COLSxROWS (default 120x40)")
    ap.add_argument(
        "--soak-max",
        type=float,
        default=170.0,
        help="cap in seconds for the demo soak (an hour = 1800 ticks; default 170)",
    )
    ap.add_argument(
        "--soak-hours",
        type=float,
        default=1.0,
        help="hours of demo updates in the soak (1800 ticks each; raise --soak-max with it)",
    )
    ap.add_argument(
        "--live-soak",
        action="store_true",
        help="also soak the live app: 12 forced refreshes (r), one every 4 s (adds ~1 min)",
    )
    ap.add_argument("--ff-runs", type=int, default=7, help="first-frame runs per app, interleaved (default 7)")
    ap.add_argument(
        "--issue20-only",
        action="store_true",
        help="only what issue 20's table needs: refresh, first frames, the 1-value/tick runs, quiet live idle",
    )
    ap.add_argument(
        "--refresh-only",
        action="store_true",
        help="only the full refresh, cold and warm, --runs times (default 3): medians, requests, chains",
    )
    ap.add_argument(
        "--idle-only",
        action="store_true",
        help="only the idle soaks: hello.py, triffin --demo and a live warm start with nothing due, "
        "--idle s each (default 60), CPU from schedstat (ns), wake-ups per thread",
    )
    ap.add_argument(
        "--idle-settle", type=float, default=10.0, help="--idle-only: seconds between ready and the window (10)"
    )
    ap.add_argument("--json-out", help="write every raw probe result and timing here")
    ap.add_argument("--keep", action="store_true", help="keep the temporary work dir (probe JSON, caches, logs)")
    a = ap.parse_args(argv)
    if a.runs is None:
        a.runs = 1 if a.idle_only else 3
    if a.idle is None:
        a.idle = 60.0 if a.idle_only else 20.0
    a.signal_reps, a.refresh_runs, a.import_reps = 10, a.runs, 3
    a.soak_tick, a.soak_ticks, a.soak_seconds = 0.01, round(HOUR_TICKS * a.soak_hours), a.soak_max
    a.live_soak_passes, a.live_soak_every = (LIVE_HOUR_PASSES if a.live_soak else 0), 4.0
    if a.quick:
        a.runs, a.idle, a.refresh_runs, a.signal_reps, a.import_reps = 1, min(a.idle, 6.0), 1, 3, 1
        a.soak_ticks, a.soak_seconds = 300, min(a.soak_max, 15.0)
        a.live_soak_passes = 3 if a.live_soak else 0
        a.ff_runs = min(a.ff_runs, 3)
    if a.with_baselines and not BASELINES.is_dir():
        log(f"no baselines at {BASELINES}: running without them")
    try:
        import pyte  # noqa: F401
    except ImportError:
        raise SystemExit("bench: pyte is needed (pip install pyte)") from None

    if a.refresh_only:
        return refresh_only(a)
    started = time.monotonic()
    bench = Bench(a)

    def on_term(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        # compile .pyc files (into PYCACHE) and warm the page cache once, so run 1 is not special
        warm = (
            "import tui.app, tui.cli, tui.run, tui.rows, tui.presenters, tui.screens.dashboard, "
            "tui.screens.series_detail, datafeed.feed, datafeed.cache, datafeed.providers, pandas, "
            "textual_plotext, textual.widgets._header, textual.widgets._footer, textual.widgets._static, "
            "textual.widgets._data_table, tests.loopback_market"
        )
        subprocess.run(
            [PY, "-c", warm + "; from datafeed.providers import load_all; load_all()"],
            cwd=ROOT,
            env=child_env(),
            capture_output=True,
            timeout=120,
            check=False,
        )
        bench.start_server()
        if a.idle_only:
            bench.idle_soaks()
            return bench.report_idle(started)
        if a.issue20_only:
            a.signal_reps = 1
        bench.in_process()
        bench.first_frames()
        bench.tui_runs()
        if not a.issue20_only:
            bench.soaks()
            log("import costs")
            bench.extra["imports"] = import_costs(a.import_reps)
    except KeyboardInterrupt:
        log("interrupted")
        bench.cleanup()
        return 130
    finally:
        bench.stop_server()
        if a.json_out:
            with open(a.json_out, "w") as fh:
                json.dump(
                    {"args": {k: v for k, v in vars(a).items()}, "results": bench.results, **bench.extra},
                    fh,
                    indent=1,
                    default=str,
                )
    elapsed = time.monotonic() - started
    load = os.getloadavg()[2] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\ntriffin benchmark — {a.runs} run(s) per app, interleaved; idle window {a.idle:g} s; "
        f"terminal {a.size}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}; took {elapsed:.0f} s; "
        f"load average (15 min) {load:.2f} at the end — other work on the machine skews these figures\n"
    )
    if not a.issue20_only:
        print_table(*bench.table())
        print()
    print_table(*bench.issue20_table())
    bench.cleanup()
    failed = never(bench.results, "startup.ready_ms")
    if failed:
        print(f"\nbench: no successful run for {', '.join(failed)} (see the last screens above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
