"""tests/perf/probe.py's idle CPU: every thread's run time in ns, clock ticks where there is none.

The probe is a standalone script (pytest does not collect tests/perf); these tests load it
and feed its reader and its accumulator a made-up ``/proc`` (no timing, no child process).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT


def _probe() -> ModuleType:
    spec = importlib.util.spec_from_file_location("perf_probe", ROOT / "tests" / "perf" / "probe.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


probe = _probe()


def fake_thread(proc: Path, pid: int, tid: int, schedstat: str | None, vol: int, invol: int = 0) -> None:
    task = proc / str(pid) / "task" / str(tid)
    task.mkdir(parents=True, exist_ok=True)
    if schedstat is not None:
        (task / "schedstat").write_text(schedstat + "\n")
    (task / "status").write_text(
        f"Name:\tpython\nvoluntary_ctxt_switches:\t{vol}\nnonvoluntary_ctxt_switches:\t{invol}\n"
    )
    (task / "comm").write_text("textual-input\n" if tid != pid else "python\n")


def test_thread_times_reads_ns_and_switches(tmp_path: Path) -> None:
    fake_thread(tmp_path, 10, 10, "1500000 20 3", 7, 1)
    fake_thread(tmp_path, 10, 11, None, 4)  # no schedstat (kernel without it)
    fake_thread(tmp_path, 10, 12, "0 0 0", 2)  # schedstat off: the kernel prints zeros
    got = probe.thread_times(10, proc=str(tmp_path))
    assert got == {(10, 10): (1500000, 7, 1), (10, 11): (None, 4, 0), (10, 12): (None, 2, 0)}
    assert probe.thread_times(99, proc=str(tmp_path)) == {}


def test_run_clock_counts_what_each_thread_gained() -> None:
    clock = probe.RunClock(proc="/nonexistent")
    clock.add({(1, 1): (1_000_000, 10, 0), (1, 2): (5_000_000, 100, 1)})  # the baseline
    assert clock.ns == 0 and clock.voluntary == 0
    clock.add({(1, 1): (1_250_000, 11, 0), (1, 2): (5_500_000, 110, 1), (1, 3): (300_000, 2, 0)})
    # + a thread born inside the window counts everything it has
    clock.add({(1, 1): (1_250_000, 11, 0), (1, 3): (400_000, 3, 0)})  # thread 2 ended
    assert clock.ns == 250_000 + 500_000 + 400_000
    assert clock.voluntary == 1 + 10 + 3
    assert clock.exited == 1
    out = clock.summary(wall=2.0)
    assert out["cpu_run_ns"] == 1_150_000
    assert out["cpu_fraction_ns"] == pytest.approx(1_150_000 / 1e9 / 2.0)
    assert out["wakeups_per_s"] == 7.0
    assert out["threads"][0]["tid"] == 2 and out["threads"][0]["voluntary"] == 10  # most wake-ups first
    assert out["threads"][0]["main"] is False
    assert [t["main"] for t in out["threads"] if t["tid"] == 1] == [True]


def test_run_clock_without_schedstat_reports_no_ns() -> None:
    clock = probe.RunClock(proc="/nonexistent")
    clock.add({(1, 1): (None, 10, 0)})
    clock.add({(1, 1): (None, 30, 0)})
    out = clock.summary(wall=10.0)
    assert out["cpu_run_ns"] is None and out["cpu_fraction_ns"] is None
    assert out["wakeups_per_s"] == 2.0  # the switches are still counted


def _summary(precise: bool) -> dict[str, object]:
    p = probe.Probe(probe.build_parser().parse_args(["--", "true"]))
    p.run_clock = probe.RunClock(proc="/nonexistent")
    p.run_clock.add({(1, 1): (0 if precise else None, 0, 0)})
    p.run_clock.add({(1, 1): (37_000_000 if precise else None, 200, 0)})
    s0 = {"cpu_s": 1.00, "rss": 2**20, "procs": 1}
    s1 = {"cpu_s": 1.05, "rss": 2**20, "procs": 1}
    samples = [(0.0, s0["rss"], s0["cpu_s"]), (20.0, s1["rss"], s1["cpu_s"])]
    return p._tree_summary(0.0, 20.0, samples, s0, s1)  # noqa: SLF001


def test_idle_summary_prefers_schedstat_and_keeps_the_tick_figure() -> None:
    out = _summary(precise=True)
    assert out["cpu_clock"] == "schedstat"
    assert out["cpu_fraction"] == out["cpu_fraction_ticks"] == 0.0025  # 5 ticks of 10 ms in 20 s
    assert out["cpu_fraction_best"] == out["cpu_fraction_ns"] == pytest.approx(0.00185)
    assert out["cpu_percent_best"] == 0.185


def test_idle_summary_falls_back_to_ticks_and_says_so() -> None:
    out = _summary(precise=False)
    assert out["cpu_clock"] == "ticks"
    assert out["cpu_fraction_ns"] is None
    assert out["cpu_fraction_best"] == out["cpu_fraction"] == 0.0025


@pytest.mark.skipif(not os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/schedstat"), reason="no schedstat")
def test_thread_times_of_this_process() -> None:
    mine = probe.thread_times(os.getpid())
    assert (os.getpid(), os.getpid()) in mine
    ns, vol, invol = mine[(os.getpid(), os.getpid())]
    assert ns is not None and ns > 0  # this interpreter has run
    assert vol >= 0 and invol >= 0
