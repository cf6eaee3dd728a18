"""Several triffin processes on one cache folder: nothing lost, nothing torn, no reader waits.

The multi-process test starts real writer processes (:mod:`tests.desk.cache_writer`) on one
folder at the same instant, each adding dates of its own to the same four instruments and
saving after every one, then checks that every value any writer was told is saved is on
disk. Before the lock and merge on write (issue 18, finding 7) the last writer won and
values went missing; the test fails on that code (it also checks that the writers really
overlapped and that merges happened, so it cannot pass by running them one after another).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import datafeed.cache as cache_mod
from datafeed.cache import DiskCache
from datafeed.models import Observation
from datafeed.store import SeriesStore
from datafeed.summary import read_summary
from tests.desk.cache_writer import IDS, SHARED, day, own_days, value

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 4
ROUNDS = 8
REPEATS = 2


def _load(root: Path) -> tuple[SeriesStore, DiskCache]:
    store = SeriesStore(today=lambda: dt.date(2100, 1, 1))
    cache = DiskCache(root)
    cache.load_into(store)
    return store, cache


def _run_writers(root: Path, writers: int, rounds: int) -> tuple[dict[int, list[int]], list[tuple[float, float]], int]:
    """Start ``writers`` processes, release them together; (acknowledged days per writer,
    (first, last) save time per writer, merges summed over writers)."""
    go = root.parent / f"{root.name}.go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.desk.cache_writer", str(root), str(w), str(writers), str(rounds), str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(writers)
    ]
    try:
        for p in procs:
            line = p.stdout.readline()  # type: ignore[union-attr]
            assert line.strip() == "ready", (line, p.stderr.read())  # type: ignore[union-attr]
        go.touch()
        outs = [p.communicate(timeout=60) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=5)
    acked: dict[int, list[int]] = {}
    spans: list[tuple[float, float]] = []
    merges = 0
    for w, (p, (out, err)) in enumerate(zip(procs, outs, strict=True)):
        assert p.returncode == 0, err
        saves = [line.split() for line in out.splitlines() if line.startswith("saved ")]
        acked[w] = [int(s[1]) for s in saves]
        spans.append((float(saves[0][2]), float(saves[-1][2])))
        merges += int(out.split("merges ")[1].split()[0])
    return acked, spans, merges


def test_concurrent_writers_never_lose_a_saved_value(tmp_path: Path) -> None:
    lost_total = checked_total = merges_total = summary_behind = 0
    for rep in range(REPEATS):
        root = tmp_path / f"cache{rep}"
        acked, spans, merges = _run_writers(root, WRITERS, ROUNDS)
        # The writers overlapped in time (otherwise nothing here was concurrent).
        latest_start, earliest_end = max(s for s, _ in spans), min(e for _, e in spans)
        assert latest_start < earliest_end, f"writers did not overlap: {spans}"
        store, cache = _load(root)
        assert cache.warnings == [], cache.warnings
        assert not list(root.glob("*.corrupt"))
        for w in range(WRITERS):
            assert acked[w] == own_days(w, WRITERS, ROUNDS)
        for inst in IDS:
            held = {d.date(): v for d, v in store.official(inst).items()}
            for k in [*range(SHARED), *(k for days in acked.values() for k in days)]:
                checked_total += 1
                lost_total += held.get(day(k)) != value(inst, k)
        # The summary (the first frame's source) ends at the newest date any writer saved.
        newest = max(k for days in acked.values() for k in days)
        summary = read_summary(root)
        summary_behind += sum(summary[i].dates[-1] != day(newest) if i in summary else 1 for i in IDS)
        merges_total += merges
    print(
        f"{REPEATS}x{WRITERS} writers: {lost_total} of {checked_total} saved values lost; "
        f"{summary_behind} of {REPEATS * len(IDS)} summary entries behind the files; {merges_total} merges"
    )
    assert lost_total == 0, f"{lost_total} of {checked_total} saved values missing from disk"
    assert summary_behind == 0, f"{summary_behind} summary entries behind the newest saved date"
    assert merges_total > 0, "no writer ever found another's file: the merge path was not exercised"


def _bday(d: int) -> dt.date:
    """The ``d``-th business day from Monday 2026-01-05 (UST closes are never dated at weekends)."""
    return dt.date(2026, 1, 5) + dt.timedelta(days=7 * (d // 5) + d % 5)


def _store(days: range, level: float, tag: str = "fred:DGS10") -> SeriesStore:
    store = SeriesStore(today=lambda: dt.date(2100, 1, 1))
    store.apply([Observation("ust10y", _bday(d), level + d / 100, tag) for d in days])
    return store


def test_merge_on_write_keeps_both_and_the_writer_wins_a_shared_date(tmp_path: Path) -> None:
    a_store, b_store = _store(range(0, 10), 4.0), _store(range(5, 15), 5.0)
    a, b = DiskCache(tmp_path), DiskCache(tmp_path)
    a.load_into(SeriesStore())
    b.load_into(SeriesStore())  # both started on an empty folder, like two panes
    a.save(a_store)
    b.save(b_store)  # replaces A's file: must keep A's dates 0-4
    assert b.merges == 1
    got = _load(tmp_path)[0].official("ust10y")
    assert len(got) == 15
    assert got.iloc[0] == 4.0 and got.iloc[7] == 5.07  # A only / both: the writer (B) wins
    # A writes again (a new date): B's dates 10-14 stay, and A's value wins on 5-9 now.
    a_store.apply([Observation("ust10y", _bday(15), 4.15, "fred:DGS10")])
    a.save(a_store)
    got = _load(tmp_path)[0].official("ust10y")
    assert len(got) == 16 and got.iloc[7] == 4.07 and got.iloc[14] == 5.14 and got.iloc[15] == 4.15
    # Nothing new on disk since A wrote: the next save takes the fast path, keeping all.
    a_store.apply([Observation("ust10y", _bday(16), 4.16, "fred:DGS10")])
    a.save(a_store)
    assert a.merges == 1 and len(_load(tmp_path)[0].official("ust10y")) == 17


def test_the_summary_is_merged_per_instrument(tmp_path: Path) -> None:
    a_store = _store(range(0, 5), 4.0)
    b_store = SeriesStore(today=lambda: dt.date(2100, 1, 1))
    b_store.apply([Observation("vix", dt.date(2026, 1, 2), 17.0, "fred:VIXCLS")])
    DiskCache(tmp_path).save(a_store)
    DiskCache(tmp_path).save(b_store)  # holds no ust10y: must not drop its summary entry
    assert sorted(read_summary(tmp_path)) == ["ust10y", "vix"]


def test_a_file_another_process_holds_is_skipped_then_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_mod, "LOCK_WAIT", 0.2)
    store = _store(range(0, 5), 4.0)
    store.apply([Observation("vix", dt.date(2026, 1, 2), 17.0, "fred:VIXCLS")])
    cache = DiskCache(tmp_path)
    holding, release = threading.Event(), threading.Event()

    def holder() -> None:  # another writer stuck inside its write (a pane suspended by ctrl-z)
        with cache_mod.file_lock(tmp_path, "ust10y.json") as got:
            assert got
            holding.set()
            release.wait(10)

    t = threading.Thread(target=holder)
    t.start()
    try:
        assert holding.wait(5)
        started = time.monotonic()
        assert cache.save(store) == ["vix"]
        assert time.monotonic() - started < 2.0, "a save must not hang on another's lock"
        assert cache.skipped_locked == 1 and not (tmp_path / "ust10y.json").exists()
        # Readers never wait for a writer: the summary and the files load at once.
        started = time.monotonic()
        assert "vix" in read_summary(tmp_path)
        assert _load(tmp_path)[0].has_data("vix")
        assert time.monotonic() - started < 0.5
    finally:
        release.set()
        t.join(10)
    assert cache.save(store) == ["ust10y"]  # still due, written once the lock is free


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_writer_never_leaves_the_lock_held(tmp_path: Path) -> None:
    code = (
        "import sys, time; from pathlib import Path; from datafeed.cache import file_lock\n"
        "with file_lock(Path(sys.argv[1]), 'ust10y.json') as got:\n"
        "    print('held' if got else 'no', flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"  # type: ignore[union-attr]
        with cache_mod.file_lock(tmp_path, "ust10y.json", wait=0.05) as got:
            assert not got  # really held by the other process
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        with cache_mod.file_lock(tmp_path, "ust10y.json", wait=1.0) as got:
            assert got, "the kernel drops a dead process's flock"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
