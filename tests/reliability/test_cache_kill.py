"""Cache crash safety: ``kill -9`` at random points during cache writes, twenty times.

A helper process (:mod:`tests.reliability.cache_writer`) loads the cache like the app does,
then keeps growing every series and saving it, printing ``begin n`` before and ``saved n``
after each ``DiskCache.save``. Each round's writer is a new process forked from one
``cache_writer --zygote`` that has done the imports once (twenty interpreters starting
pandas were most of the test's time, and nothing a kill can tear). The test kills it with SIGKILL, in even rounds after a
random delay and in odd rounds as soon as it reports a save beginning, then starts again
from what is on disk, asserting every time that:

- loading never raises and finds no corrupt file (writes are atomic);
- every file is exactly one complete generation (no half-written or mixed file);
- nothing acknowledged as saved is lost, and no series ever shrinks between starts;
- the summary file stays readable; leftover temp files of killed writes are swept;

and, over the run, that kills really landed inside a save (the writer's last word was
``begin n`` with no ``saved n``): at least a quarter of them, or the test proved nothing.

Then a corrupt file is quarantined (``*.corrupt``) and reported once, end to end.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from datafeed.cache import DiskCache
from datafeed.store import SeriesStore
from datafeed.summary import read_summary
from tests.reliability.cache_writer import IDS, day, index_of, value

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 20


def _load(root: Path) -> tuple[SeriesStore, DiskCache]:
    store = SeriesStore(today=lambda: dt.date(2100, 1, 1))
    cache = DiskCache(root)
    cache.load_into(store)
    return store, cache


def _check_complete_generation(store: SeriesStore, inst: str) -> int:
    s = store.official(inst)
    n = len(s)
    assert [d.date() for d in s.index] == [day(k) for k in range(n)], f"{inst}: dates are not one generation"
    assert list(s) == [value(inst, k) for k in range(n)], f"{inst}: values are not one generation"
    return n


def _kill_after(zygote: subprocess.Popen[str], root: Path, round_no: int, rng: random.Random) -> tuple[list[str], int]:
    """Start a writer on ``root`` and kill it with SIGKILL: after its first save, then at a
    random moment (even rounds) or the moment the next save begins (odd rounds). Returns
    every line the writer printed and its exit code."""
    assert zygote.stdin is not None and zygote.stdout is not None
    zygote.stdin.write(f"{root} 0\n")
    zygote.stdin.flush()
    pid_line = zygote.stdout.readline()
    assert pid_line.startswith("pid "), pid_line or "the zygote died"
    pid = int(pid_line.split()[1])
    lines = []
    try:
        while True:  # the first acknowledged save
            line = zygote.stdout.readline()
            assert line and not line.startswith("exit "), "the writer died"
            lines.append(line)
            if line.startswith("saved "):
                break
        if round_no % 2:
            while True:
                line = zygote.stdout.readline()
                lines.append(line)
                if not line or line.startswith("begin "):
                    break
        else:
            time.sleep(rng.uniform(0.0, 0.25))
    finally:
        os.kill(pid, signal.SIGKILL)
    while not (line := zygote.stdout.readline()).startswith("exit "):  # what it wrote before dying
        assert line, "the zygote died"
        lines.append(line)
    return lines, int(line.split()[1])


def test_kill_9_during_cache_writes_never_loses_data(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    rng = random.Random(20261126)
    held = {i: 0 for i in IDS}  # what the previous start found on disk
    acked_total = kills_mid_save = kills_with_temp = 0
    seen_temps: set[str] = set()
    zygote = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.cache_writer", "--zygote"],
        cwd=ROOT,
        env=dict(os.environ, OPENBLAS_NUM_THREADS="1"),  # no thread but the one that forks
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for round_no in range(ROUNDS):
            lines, returncode = _kill_after(zygote, root, round_no, rng)
            assert returncode == -signal.SIGKILL
            lines = [line.strip() for line in lines if line.strip()]
            acked = max(int(line.split()[1]) for line in lines if line.startswith("saved "))
            acked_total += 1
            kills_mid_save += lines[-1].startswith("begin ")  # the save began and never returned
            temps = {p.name for p in root.iterdir() if p.name.endswith(".tmp")}
            kills_with_temp += bool(temps - seen_temps)
            seen_temps |= temps

            # The next start.
            store, cache = _load(root)
            assert cache.warnings == [], cache.warnings
            for inst in IDS:
                n = _check_complete_generation(store, inst)
                assert n >= acked, f"round {round_no}: {inst} lost saved data ({n} < {acked})"
                assert n >= held[inst], f"round {round_no}: {inst} shrank ({n} < {held[inst]})"
                held[inst] = n
            summary = read_summary(root)
            assert set(summary) <= set(IDS)
            for inst, entry in summary.items():  # may lag the files by one save, never torn
                ks = [index_of(d) for d in entry.dates]
                assert list(entry.values) == [value(inst, k) for k in ks]
                # A contiguous tail, after at most one earlier point (the YTD base: the prior year's last value).
                tail = ks[1:] if len(ks) > 1 and ks[1] != ks[0] + 1 else ks
                assert ks[0] <= tail[0] and tail == list(range(tail[0], tail[0] + len(tail)))
                assert ks[-1] < held[inst]
            leftovers = [p for p in root.iterdir() if p.name.endswith(".tmp")]
            assert len(leftovers) <= 1 + round_no  # at most one per kill; swept when old
    finally:
        assert zygote.stdin is not None
        zygote.stdin.close()  # the zygote's loop ends
        try:
            zygote.wait(timeout=10)
        finally:
            if zygote.poll() is None:
                zygote.kill()
                zygote.wait(timeout=5)
    assert zygote.returncode == 0
    assert acked_total == ROUNDS
    print(f"{ROUNDS} kills, {kills_mid_save} inside a save ({kills_with_temp} left a temp file behind); held {held}")
    assert kills_mid_save >= ROUNDS // 4, f"only {kills_mid_save} of {ROUNDS} kills landed inside a save"


def test_stale_temp_files_of_killed_writes_are_swept(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    root.mkdir()
    old = root / ".ust10y.json.abc123.tmp"
    new = root / ".vix.json.def456.tmp"
    old.write_bytes(b'{"format":"triffin-cache", "half')
    new.write_bytes(b'{"format":"triffin-cache", "in flight')
    past = time.time() - 3600
    os.utime(old, (past, past))
    _, cache = _load(root)
    assert not old.exists(), "a temp file an hour old belongs to a killed writer"
    assert new.exists(), "a fresh temp file may belong to a running writer"
    assert cache.warnings == []


def _offline_snapshot(root: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1", TRIFFIN_CACHE_DIR=str(root))
    return subprocess.run(
        [sys.executable, "-m", "tui", "snapshot", "--format", "json", "--offline"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_corrupt_file_is_quarantined_and_reported_once_end_to_end(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.cache_writer", str(root), "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    while not (line := proc.stdout.readline()).startswith("saved "):  # type: ignore[union-attr]
        assert line, "the writer died before its first save"
    proc.kill()
    proc.wait(timeout=10)
    data = (root / "vix.json").read_bytes()
    (root / "vix.json").write_bytes(data[: len(data) // 2])  # a torn write from some other tool

    first = _offline_snapshot(root)
    assert first.returncode == 0 and "Traceback" not in first.stderr
    warnings = [line for line in first.stderr.splitlines() if "vix.json" in line]
    assert len(warnings) == 1 and "ignored" in warnings[0] and "\n" not in warnings[0]
    assert (root / "vix.json.corrupt").exists() and not (root / "vix.json").exists()
    assert '"ust10y"' in first.stdout  # the other series still load

    second = _offline_snapshot(root)
    assert second.returncode == 0 and "vix.json" not in second.stderr, "reported once only"
