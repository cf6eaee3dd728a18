#!/usr/bin/env python3
"""probe.py - run a terminal app in a pseudo-terminal and measure what its user feels.

Standalone (no ``../shared`` needed). The app runs in its own session on a fresh pty of a
fixed size; everything it writes is timestamped by a reader thread and replayed through a
pyte screen, so "ready" means "this text is visible", not "the process printed something".
One JSON object is printed (and written to ``--json-out``):

* ``startup``: launch -> first byte, first non-blank screen, ``--ready`` visible; the
  process tree's CPU seconds and RSS at that moment.
* ``idle``: over ``--idle`` seconds: bytes/s to the terminal, frames (output bursts less
  than ``--burst-gap-ms`` apart) with their bytes and touched rows, CPU fraction and RSS of
  the whole process tree (``/proc``, or psutil where there is no ``/proc``). The CPU comes
  twice: ``cpu_fraction`` from ``/proc/<pid>/stat`` (utime+stime in clock ticks, 10 ms: a
  20 s window reads in 0.05 % steps, too coarse for an idle app) and ``cpu_fraction_ns``
  from every thread's ``/proc/<pid>/task/<tid>/schedstat`` (run time in nanoseconds);
  ``cpu_fraction_best`` is the precise one where the kernel has it, and ``cpu_clock`` says
  which clock it is (``schedstat``, else ``ticks``). ``wakeups_per_s`` counts the threads'
  voluntary context switches (each one a sleep, so a wake-up after it), and ``threads``
  lists each thread's run time and switches (tid = pid: the process's main thread).
* ``updates``: with ``--marks`` the app appends ``time.monotonic_ns()`` to
  ``$TUI_PROBE_MARKS`` whenever it applies a data update; output is grouped per update
  (bytes and rows from one mark to the next) and the update -> screen latency is given.
* ``soak``: optional long phase (``--soak``): RSS and CPU while the app is driven hard,
  until a counter file has ``--soak-count`` lines or keys were pressed ``--soak-presses``
  times, or ``--soak`` seconds passed. Screen emulation is off in this phase (bytes are
  still counted) so the probe does not compete with the app for the CPU.
* ``keys``: key -> screen latency per step; ``expect:TEXT`` (TEXT appears) and
  ``gone:TEXT`` (TEXT disappears) replace "first change" where the screen moves by itself.
* ``quit``: quit key -> process exit.

The child's process group always gets SIGHUP, SIGTERM, then SIGKILL (a second apart), and
so does every descendant that left the group; a hard timeout (``--timeout``) guarantees the
probe returns. Exit codes: 0 ok, 2 ready text never seen (the last screen is in the JSON
and on stderr), 3 hard timeout, 4 the app exited early, 1 probe error.

    python tests/perf/probe.py --ready 're:UST 10Y +\\d' --idle 10 --marks \\
        --keys 'down*3,enter,gone:Crisis scorecard,esc,expect:Crisis scorecard' --quit ctrl+q \\
        -- python -m tui --demo
"""

from __future__ import annotations

import argparse
import bisect
import fcntl
import json
import math
import os
import queue
import re
import resource
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from typing import Any

try:
    import pyte
except ImportError:  # pragma: no cover - reported when the probe starts
    pyte = None

MARKS_ENV = "TUI_PROBE_MARKS"
clock = time.monotonic  # CLOCK_MONOTONIC: the same clock as time.monotonic_ns() in the app


# --------------------------------------------------------------------------- process tree

_PROC = os.path.exists("/proc/self/stat")
_TICK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid: int) -> tuple[int, float, int, int]:
    """(parent pid, CPU seconds incl. waited-for children, RSS bytes, start time) from /proc."""
    with open(f"/proc/{pid}/stat", "rb") as fh:
        raw = fh.read()
    f = raw[raw.rindex(b")") + 2 :].split()  # f[0] is field 3 of proc(5)
    cpu = sum(int(x) for x in f[11:15]) / _TICK  # utime stime cutime cstime
    return int(f[1]), cpu, int(f[21]) * _PAGE, int(f[19])


ThreadKey = tuple[int, int]
"""(pid, tid) of one thread of the measured tree."""


def thread_times(pid: int, proc: str = "/proc") -> dict[ThreadKey, tuple[int | None, int, int]]:
    """Each live thread of ``pid``: (run time in ns or None, voluntary, involuntary switches).

    The run time is the first field of ``task/<tid>/schedstat`` (the scheduler's
    ``sum_exec_runtime``, in nanoseconds); None where the file is missing or the kernel keeps
    no scheduler statistics (it then reads ``0 0 0``). The switches come from
    ``task/<tid>/status``: a voluntary switch is the thread going to sleep, so each is
    followed by one wake-up."""
    out: dict[ThreadKey, tuple[int | None, int, int]] = {}
    try:
        tids = os.listdir(f"{proc}/{pid}/task")
    except OSError:
        return out
    for name in tids:
        if not name.isdigit():
            continue
        base = f"{proc}/{pid}/task/{name}"
        ns: int | None = None
        try:
            with open(f"{base}/schedstat", "rb") as fh:
                fields = fh.read().split()
            if fields and fields != [b"0", b"0", b"0"]:
                ns = int(fields[0])
        except (OSError, ValueError):
            ns = None
        vol = invol = 0
        try:
            with open(f"{base}/status", "rb") as fh:
                for line in fh:
                    if line.startswith(b"voluntary_ctxt_switches:"):
                        vol = int(line.split()[1])
                    elif line.startswith(b"nonvoluntary_ctxt_switches:"):
                        invol = int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue  # the thread ended while we read it
        out[(pid, int(name))] = (ns, vol, invol)
    return out


class RunClock:
    """Run time (ns) and context switches of a process tree's threads, summed over a window.

    Fed one sample of every live thread at a time: each thread counts what it gained since
    the previous sample; a thread first seen after the window's first sample was born
    inside the window and counts all it has. A thread that ended between two samples loses
    what it ran since the last one (at most ``--sample-every``), which ``exited`` counts.
    """

    def __init__(self, proc: str = "/proc") -> None:
        self.proc = proc
        self.last: dict[ThreadKey, tuple[int | None, int, int]] = {}
        self.ns = 0
        self.voluntary = 0
        self.involuntary = 0
        self.precise = True
        self.started = False
        self.exited = 0
        self.per: dict[ThreadKey, list[int]] = {}  # key -> [ns, voluntary, involuntary] gained
        self.comm: dict[ThreadKey, str] = {}

    def add(self, threads: dict[ThreadKey, tuple[int | None, int, int]]) -> None:
        for key, (ns, vol, invol) in threads.items():
            if ns is None:
                self.precise = False
            if key not in self.comm:
                self.comm[key] = self._comm(key)
            old = self.last.get(key)
            if old is None and not self.started:
                continue  # the baseline: only what comes after it counts
            base_ns, base_vol, base_invol = (0, 0, 0) if old is None else (old[0] or 0, old[1], old[2])
            if (ns or 0) < base_ns or vol < base_vol:  # a reused tid: a new thread
                base_ns, base_vol, base_invol = 0, 0, 0
            got = self.per.setdefault(key, [0, 0, 0])
            d_ns, d_vol, d_invol = (ns or 0) - base_ns, vol - base_vol, max(0, invol - base_invol)
            got[0] += d_ns
            got[1] += d_vol
            got[2] += d_invol
            self.ns += d_ns
            self.voluntary += d_vol
            self.involuntary += d_invol
        if self.started:
            self.exited += len(self.last.keys() - threads.keys())
        self.last = dict(threads)
        self.started = True

    def _comm(self, key: ThreadKey) -> str:
        try:
            with open(f"{self.proc}/{key[0]}/task/{key[1]}/comm", encoding="utf-8", errors="replace") as fh:
                return fh.read().strip()
        except OSError:
            return "?"

    def summary(self, wall: float) -> dict[str, Any]:
        """The window's figures (``cpu_run_ns`` None when some thread had no schedstat)."""
        threads = sorted(self.per.items(), key=lambda kv: (-kv[1][1], -kv[1][0]))
        return {
            "cpu_run_ns": self.ns if self.precise else None,
            "cpu_fraction_ns": round(self.ns / 1e9 / wall, 7) if self.precise and wall > 0 else None,
            "voluntary_switches": self.voluntary,
            "involuntary_switches": self.involuntary,
            "wakeups_per_s": round(self.voluntary / wall, 2) if wall > 0 else None,
            "threads_seen": len(self.comm),
            "threads_exited": self.exited,
            "threads": [
                {
                    "pid": pid,
                    "tid": tid,
                    "main": pid == tid,
                    "comm": self.comm.get((pid, tid), "?"),
                    "cpu_ms": round(ns / 1e6, 3) if self.precise else None,
                    "voluntary": vol,
                    "involuntary": invol,
                    "wakeups_per_s": round(vol / wall, 2) if wall > 0 else None,
                }
                for (pid, tid), (ns, vol, invol) in threads
            ],
        }


class Tree:
    """CPU and RSS summed over a process and all its live descendants."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.members: dict[int, int] = {}  # pid -> start time (so we never kill a reused pid)

    def sample(self) -> dict[str, Any] | None:
        if not _PROC:
            return self._sample_psutil()
        stats: dict[int, tuple[int, float, int, int]] = {}
        kids: dict[int, list[int]] = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    st = stats[int(name)] = _stat(int(name))
                except (OSError, ValueError, IndexError):
                    continue
                kids.setdefault(st[0], []).append(int(name))
        if self.root not in stats:
            return None
        todo, tree = [self.root], []
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(kids.get(pid, ()))
        threads: dict[ThreadKey, tuple[int | None, int, int]] = {}
        for pid in tree:
            self.members[pid] = stats[pid][3]
            threads.update(thread_times(pid))
        return {
            "cpu_s": sum(stats[p][1] for p in tree),
            "rss": sum(stats[p][2] for p in tree),
            "procs": len(tree),
            "threads": threads,
        }

    def _sample_psutil(self) -> dict[str, Any] | None:  # pragma: no cover - no /proc
        import psutil

        try:
            root = psutil.Process(self.root)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return None
        cpu = rss = 0.0
        for p in procs:
            try:
                t = p.cpu_times()
                cpu += t.user + t.system + t.children_user + t.children_system
                rss += p.memory_info().rss
                self.members[p.pid] = int(p.create_time() * 100)
            except psutil.Error:
                pass
        return {"cpu_s": cpu, "rss": rss, "procs": len(procs), "threads": None}

    def same(self, pid: int) -> bool:
        """True if ``pid`` is still the process we saw (not a reused number)."""
        try:
            if _PROC:
                return _stat(pid)[3] == self.members.get(pid)
            import psutil  # pragma: no cover

            return int(psutil.Process(pid).create_time() * 100) == self.members.get(pid)
        except Exception:  # noqa: BLE001 - gone, or not ours: either way not the same process
            return False


# --------------------------------------------------------------------------- terminal

if pyte is not None:

    class _Screen(pyte.Screen):
        """A pyte screen that answers the app's cursor-position / device-attribute queries."""

        answer_fd: int | None = None

        def write_process_input(self, data: str) -> None:
            if self.answer_fd is not None:
                try:
                    os.write(self.answer_fd, data.encode())
                except OSError:
                    pass


class Terminal:
    """The emulated screen: feed bytes, ask what is visible."""

    def __init__(self, cols: int, rows: int, answer_fd: int | None) -> None:
        if pyte is None:
            raise SystemExit("probe.py needs pyte for screen emulation: pip install pyte")
        self.cols, self.rows = cols, rows
        self.screen = _Screen(cols, rows)
        self.screen.answer_fd = answer_fd
        self.stream = pyte.ByteStream(self.screen)
        self.parse_errors = 0

    def feed(self, data: bytes) -> frozenset[int]:
        """Render ``data``; returns the rows it touched."""
        try:
            self.stream.feed(data)
        except Exception:  # noqa: BLE001 - a sequence pyte cannot parse must not end the measurement
            self.parse_errors += 1
        dirty = frozenset(self.screen.dirty)
        self.screen.dirty.clear()
        return dirty

    def lines(self) -> list[str]:
        return list(self.screen.display)

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def blank(self) -> bool:
        return not any(line.strip() for line in self.screen.display)

    def row_hash(self, y: int) -> int:
        """Text and attributes of one row (a colour-only change counts as a change)."""
        row = self.screen.buffer[y]
        return hash(tuple(row[x] for x in range(self.cols)))

    def hashes(self) -> list[int]:
        return [self.row_hash(y) for y in range(self.rows)]


def text_matcher(spec: str) -> Callable[[list[str]], bool]:
    """``re:PATTERN`` matches a regular expression on any row; anything else is a substring.

    ``A && B`` (either kind on each side) is visible when both are, each on any row."""
    if " && " in spec:
        parts = [text_matcher(part) for part in spec.split(" && ")]
        return lambda lines: all(p(lines) for p in parts)
    if spec.startswith("re:"):
        rx = re.compile(spec[3:])
        return lambda lines: any(rx.search(line) for line in lines)
    return lambda lines: any(spec in line for line in lines)


# --------------------------------------------------------------------------- keys

KEY_BYTES = {
    "enter": b"\r",
    "tab": b"\t",
    "space": b" ",
    "esc": b"\x1b",
    "escape": b"\x1b",
    "backspace": b"\x7f",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "pageup": b"\x1b[5~",
    "pagedown": b"\x1b[6~",
    "shift+tab": b"\x1b[Z",
    "comma": b",",
    "f1": b"\x1bOP",
    "f5": b"\x1b[15~",
}


def encode_key(name: str) -> bytes:
    low = name.lower()
    if low in KEY_BYTES:
        return KEY_BYTES[low]
    if low.startswith("ctrl+") and len(low) == 6:
        return bytes([ord(low[5]) & 0x1F])
    if len(name) == 1:
        return name.encode()
    raise ValueError(f"unknown key {name!r}")


def parse_script(script: str | None) -> list[dict[str, Any]]:
    """``'p,wait:4,down*3,enter,gone:Crisis,esc,expect:Crisis,text:abc'`` -> steps.

    ``expect:`` / ``gone:`` qualify the key before them; ``label:NAME`` names it in the result.
    """
    steps: list[dict[str, Any]] = []
    for tok in (t.strip() for t in (script or "").split(",")):
        if not tok:
            continue
        kind, _, arg = tok.partition(":")
        if kind == "wait" and arg:
            steps.append({"wait": float(arg)})
        elif kind in ("expect", "gone", "label") and arg:
            if not steps or "send" not in steps[-1]:
                raise ValueError(f"{kind}: must follow a key")
            steps[-1][kind] = arg
        elif kind == "text" and arg:
            steps.append({"key": tok, "send": arg.encode()})
        else:
            name, n = (tok.rsplit("*", 1) + ["1"])[:2] if "*" in tok and tok != "*" else (tok, "1")
            steps.extend({"key": name, "send": encode_key(name)} for _ in range(int(n)))
    return steps


# --------------------------------------------------------------------------- statistics


def stats(values: list[float], digits: int = 1) -> dict[str, float] | None:
    if not values:
        return None
    v = sorted(values)
    return {
        "n": len(v),
        "median": round(statistics.median(v), digits),
        "min": round(v[0], digits),
        "max": round(v[-1], digits),
        "p95": round(v[min(len(v) - 1, math.ceil(0.95 * len(v)) - 1)], digits),
    }


def slope_per_min(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of (seconds, value) per minute."""
    if len(points) < 3:
        return None
    n = len(points)
    mt = sum(t for t, _ in points) / n
    mv = sum(v for _, v in points) / n
    den = sum((t - mt) ** 2 for t, _ in points)
    return None if den == 0 else sum((t - mt) * (v - mv) for t, v in points) / den * 60.0


def quarter_median(points: list[tuple[float, float]], wall: float, q: int) -> float | None:
    """Median value of the samples in quarter ``q`` (0-3) of a ``wall``-second window."""
    vals = [v for t, v in points if q * wall / 4 <= t <= (q + 1) * wall / 4]
    return round(statistics.median(vals), 1) if vals else None


class HardTimeout(Exception):
    pass


# --------------------------------------------------------------------------- the probe


class Probe:
    def __init__(self, a: argparse.Namespace) -> None:
        self.a = a
        self.cols, self.rows = a.size
        self.out: dict[str, Any] = {"cmd": a.cmd, "size": f"{self.cols}x{self.rows}", "errors": []}
        self.t0 = clock()
        self.q: queue.Queue[tuple[float, bytes] | None] = queue.Queue()
        self.chunks: list[tuple[float, int, frozenset[int]]] = []  # (arrival, bytes, rows touched)
        self.frames: list[dict[str, Any]] = []
        self._frame: dict[str, Any] | None = None
        self.total = 0
        self.first_byte: float | None = None
        self.last_byte: float | None = None
        self.first_paint: float | None = None
        self.emulate = True
        self.eof = False
        self.quitting = False
        self.proc: subprocess.Popen[bytes] | None = None
        self.master: int | None = None
        self.term: Terminal | None = None
        self.tree: Tree | None = None
        self.marks_path: str | None = None
        self._stop = threading.Event()
        self._reader: threading.Thread | None = None
        self._watch: dict[str, Any] | None = None
        self.run_clock = RunClock()

    # ------------------------------------------------------------------ launch
    def start(self) -> None:
        a = self.a
        env = dict(os.environ)
        for k in ("COLUMNS", "LINES", "COLORTERM", "TERM_PROGRAM", "TMUX", "STY", MARKS_ENV):
            env.pop(k, None)
        env["TERM"] = a.term
        for kv in a.env or ():
            k, _, v = kv.partition("=")
            env[k] = v
        if a.marks:
            fd, self.marks_path = tempfile.mkstemp(prefix="probe-marks-", suffix=".txt")
            os.close(fd)
            env[MARKS_ENV] = self.marks_path
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))

        def controlling_tty() -> None:  # in the child, after setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.t0 = self.out["t0"] = clock()
        # preexec_fn only runs ioctl (no locks) and this thread is the only one running yet
        self.proc = subprocess.Popen(
            a.cmd,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=a.cwd,
            start_new_session=True,
            preexec_fn=controlling_tty,  # noqa: PLW1509
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.tree = Tree(self.proc.pid)
        if a.pid_file:  # lets a supervisor clean up even if this probe is SIGKILLed
            with open(a.pid_file, "w") as fh:
                fh.write(f"{self.proc.pid}\n")
        self.term = Terminal(self.cols, self.rows, master)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        """Only read and timestamp here; rendering happens on the main thread."""
        fd = self.master
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([fd], [], [], 0.1)
                if not ready:
                    continue
                data = os.read(fd, 1 << 16)
            except (OSError, ValueError):  # EIO once the app closed the terminal
                break
            if not data:
                break
            self.q.put((clock(), data))
        self.q.put(None)

    # ------------------------------------------------------------------ event pump
    def pump(self, until: float, stop: Callable[[], bool] | None = None) -> bool:
        """Handle output until ``until`` or ``stop()``; True if ``stop()`` became true."""
        while True:
            if stop is not None and stop():
                return True
            left = until - clock()
            if left <= 0 or self.eof:
                return False
            try:
                item = self.q.get(timeout=min(left, 0.05))
            except queue.Empty:
                self._close_frame(quiet_only=True)
                continue
            if item is None:
                self._close_frame()
                self.eof = True
                return bool(stop and stop())
            self._handle(*item)

    def drain(self) -> None:
        while True:
            try:
                item = self.q.get_nowait()
            except queue.Empty:
                return
            if item is None:
                self.eof = True
                return
            self._handle(*item)

    def _handle(self, t: float, data: bytes) -> None:
        n = len(data)
        self.total += n
        if self.first_byte is None:
            self.first_byte = t
        self.last_byte = t
        rows = self.term.feed(data) if self.emulate else frozenset()
        if self.emulate and self.first_paint is None and not self.term.blank():
            self.first_paint = t
        self.chunks.append((t, n, rows))
        f = self._frame
        if f is not None and t - f["end"] > self.a.burst_gap_ms / 1000:
            self._close_frame()
            f = None
        if f is None:
            f = self._frame = {"start": t, "end": t, "bytes": 0, "rows": set()}
        f["end"] = t
        f["bytes"] += n
        f["rows"] |= rows
        w = self._watch
        if w is not None and w["hit"] is None and self.emulate:
            self._check_watch(w, t, rows)

    def _close_frame(self, quiet_only: bool = False) -> None:
        f = self._frame
        if f is None or (quiet_only and clock() - f["end"] <= self.a.burst_gap_ms / 1000):
            return
        self.frames.append({"start": f["start"], "end": f["end"], "bytes": f["bytes"], "rows": len(f["rows"])})
        self._frame = None

    def ms(self, t: float | None) -> float | None:
        return None if t is None else round((t - self.t0) * 1000, 1)

    def marks(self) -> list[float]:
        if not self.marks_path:
            return []
        try:
            with open(self.marks_path, "rb") as fh:
                return [int(x) / 1e9 for x in fh.read().split() if x.isdigit()]
        except OSError:
            return []

    # ------------------------------------------------------------------ phases
    def phase_startup(self) -> bool:
        a = self.a
        seen = text_matcher(a.ready) if a.ready else None
        hit: dict[str, float] = {}

        def ready() -> bool:
            if seen is not None:
                if self.last_byte is not None and seen(self.term.lines()):
                    hit["t"] = self.last_byte  # arrival of the bytes that made it visible
                    return True
                return False
            # no marker: the first non-blank screen followed by --quiet-ms of silence
            if self.first_paint is not None and clock() - self.last_byte >= a.quiet_ms / 1000 and self.q.empty():
                hit["t"] = self.last_byte
                return True
            return False

        ok = self.pump(self.t0 + a.ready_timeout, ready)
        s = self.tree.sample() if ok else None
        self.out["startup"] = {
            "ready_text": a.ready,
            "first_byte_ms": self.ms(self.first_byte),
            "first_paint_ms": self.ms(self.first_paint),
            "ready_ms": self.ms(hit.get("t")),
            "bytes_to_ready": self.total,
            "cpu_s_at_ready": round(s["cpu_s"], 3) if s else None,
            "rss_mib_at_ready": round(s["rss"] / 2**20, 1) if s else None,
        }
        if not ok:
            why = "the app exited" if self.eof else f"not visible within {a.ready_timeout:g}s"
            self.out["errors"].append(f"ready text {a.ready!r}: {why}")
            self.out["last_screen"] = self.term.text()
        self.ready_t = hit.get("t")
        return ok

    def phase_setup(self) -> None:
        if self.a.setup_keys:
            for step in parse_script(self.a.setup_keys):
                if "wait" in step:
                    self.pump(clock() + step["wait"])
                else:
                    self.pump(clock() + 0.3)
                    os.write(self.master, step["send"])
        if self.a.settle > 0:
            self.pump(clock() + self.a.settle)

    def _window(
        self,
        seconds: float,
        sample_every: float,
        stop: Callable[[], bool] | None = None,
        tick: Callable[[float], None] | None = None,
    ) -> tuple[float, float, list, dict | None, dict | None]:
        """Run for ``seconds`` (or until ``stop()``), sampling the tree; returns the samples.

        Every sample also feeds ``self.run_clock`` (each thread's run time in ns)."""
        self.drain()
        self._close_frame()
        self.run_clock = run_clock = RunClock()

        def take() -> dict[str, Any] | None:
            s = self.tree.sample()
            if s is not None:
                if s["threads"] is None:
                    run_clock.precise = False
                else:
                    run_clock.add(s["threads"])
            return s

        w0 = clock()
        s0 = take()
        samples = [(0.0, s0["rss"], s0["cpu_s"])] if s0 else []
        end, nxt = w0 + seconds, w0 + sample_every
        while clock() < end and not self.eof:
            if self.pump(min(nxt, end), stop):
                break
            if tick is not None:
                tick(clock() - w0)
            if clock() >= nxt:
                s = take()
                if s:
                    samples.append((clock() - w0, s["rss"], s["cpu_s"]))
                nxt += sample_every
        w1 = clock()
        s1 = take()
        if s1:
            samples.append((w1 - w0, s1["rss"], s1["cpu_s"]))
        self.pump(w1 + 0.02)
        self._close_frame()
        return w0, w1, samples, s0, s1

    def _tree_summary(self, w0: float, w1: float, samples: list, s0: dict | None, s1: dict | None) -> dict[str, Any]:
        wall = w1 - w0
        out: dict[str, Any] = {"seconds": round(wall, 2)}
        if s0 and s1:
            rss = [(t, r / 2**20) for t, r, _ in samples]
            ticks = round((s1["cpu_s"] - s0["cpu_s"]) / wall, 4) if wall > 0 else None
            run = self.run_clock.summary(wall)
            precise = run["cpu_fraction_ns"]
            best = precise if precise is not None else ticks
            out.update(
                {
                    "cpu_s": round(s1["cpu_s"] - s0["cpu_s"], 3),
                    # clock ticks (1/SC_CLK_TCK s): kept for older readers; coarse at idle
                    "cpu_fraction": ticks,
                    "cpu_fraction_ticks": ticks,
                    "tick_s": 1 / _TICK,
                    "cpu_fraction_ns": precise,
                    "cpu_clock": "schedstat" if precise is not None else "ticks",
                    "cpu_fraction_best": best,
                    "cpu_percent_best": None if best is None else round(100 * best, 3),
                    **run,
                    "rss_mib_start": round(s0["rss"] / 2**20, 1),
                    "rss_mib_end": round(s1["rss"] / 2**20, 1),
                    "rss_mib_max": round(max(r for _, r in rss), 1),
                    "rss_mib_mid": round(min(rss, key=lambda p: abs(p[0] - wall / 2))[1], 1),
                    # medians of the 2nd and 4th quarter: robust to the sawtooth of a garbage-collected heap
                    "rss_mib_q2_median": quarter_median(rss, wall, 1),
                    "rss_mib_q4_median": quarter_median(rss, wall, 3),
                    "rss_slope_mib_per_min": None if (sl := slope_per_min(rss)) is None else round(sl, 2),
                    "rss_slope_2nd_half_mib_per_min": None
                    if (sl2 := slope_per_min([p for p in rss if p[0] >= wall / 2])) is None
                    else round(sl2, 2),
                    "procs": s1["procs"],
                }
            )
        else:
            self.out["errors"].append("process tree not measurable (app gone?)")
        nbytes = sum(n for t, n, _ in self.chunks if w0 <= t < w1)
        frames = [f for f in self.frames if w0 <= f["start"] < w1]
        out.update(
            {
                "bytes": nbytes,
                "bytes_per_s": round(nbytes / wall, 1) if wall > 0 else None,
                "frames": len(frames),
                "frames_per_s": round(len(frames) / wall, 2) if wall > 0 else None,
                "bytes_per_frame": stats([f["bytes"] for f in frames], 0),
                "rows_per_frame": stats([f["rows"] for f in frames], 0) if self.emulate else None,
                "t0": round(w0, 6),
                "t1": round(w1, 6),
            }
        )
        return out

    def phase_idle(self) -> None:
        if self.a.idle <= 0 or self.eof:
            return
        w0, w1, samples, s0, s1 = self._window(self.a.idle, self.a.sample_every)
        self.out["idle"] = self._tree_summary(w0, w1, samples, s0, s1)
        if self.a.marks:
            self.out["updates"] = self._updates(w0, w1)

    def _updates(self, w0: float, w1: float) -> dict[str, Any]:
        """Output grouped per data update: from one mark to the next (at most --update-span s)."""
        marks = [m for m in self.marks() if w0 <= m < w1]
        times = [c[0] for c in self.chunks]
        per_bytes, per_rows, to_first, to_end = [], [], [], []
        starts = [f["start"] for f in self.frames]
        for i, m in enumerate(marks):
            stop = min(marks[i + 1] if i + 1 < len(marks) else w1, m + self.a.update_span)
            lo, hi = bisect.bisect_left(times, m), bisect.bisect_left(times, stop)
            group = self.chunks[lo:hi]
            per_bytes.append(sum(c[1] for c in group))
            rows: set[int] = set()
            for c in group:
                rows |= c[2]
            per_rows.append(len(rows))
            if group and group[0][0] - m <= 1.0:
                to_first.append((group[0][0] - m) * 1000)
                j = bisect.bisect_right(starts, group[0][0]) - 1
                if 0 <= j < len(self.frames):
                    to_end.append((self.frames[j]["end"] - m) * 1000)
        return {
            "count": len(marks),
            "per_s": round(len(marks) / (w1 - w0), 2) if w1 > w0 else None,
            "bytes_per_update": stats(per_bytes, 0),
            "rows_per_update": stats(per_rows, 0) if self.emulate else None,
            "to_first_byte_ms": stats(to_first),
            "to_frame_end_ms": stats(to_end),
        }

    def phase_soak(self) -> None:
        a = self.a
        if a.soak <= 0 or self.eof:
            return
        self.emulate = False  # count bytes only; pyte would compete with the app for the CPU
        self.drain()
        base_marks = len(self.marks())
        presses = {"n": 0, "next": 0.0}

        def counted() -> int:
            if not a.soak_count_file:
                return 0
            try:
                with open(a.soak_count_file, "rb") as fh:
                    return fh.read().count(b"\n")
            except OSError:
                return 0

        base_count = counted()

        def done() -> bool:
            if a.soak_count and counted() - base_count >= a.soak_count:
                return True
            return bool(a.soak_presses and presses["n"] >= a.soak_presses and clock() >= presses.get("quiet_until", 0))

        def press(elapsed: float) -> None:
            if a.soak_key and presses["n"] < a.soak_presses and elapsed >= presses["next"]:
                os.write(self.master, encode_key(a.soak_key))
                presses["n"] += 1
                presses["next"] = elapsed + a.soak_every
                if presses["n"] >= a.soak_presses:
                    presses["quiet_until"] = clock() + a.soak_every  # let the last one finish

        w0, w1, samples, s0, s1 = self._window(a.soak, a.sample_every, done, press)
        out = self._tree_summary(w0, w1, samples, s0, s1)
        out["count"] = counted() - base_count if a.soak_count_file else None
        out["presses"] = presses["n"] if a.soak_key else None
        out["updates_applied"] = len(self.marks()) - base_marks if self.marks_path else None
        out["completed"] = done()
        out["rss_series_mib"] = [
            [round(t, 1), round(r / 2**20, 1)] for t, r, _ in samples[:: max(1, len(samples) // 40)]
        ]
        self.out["soak"] = out

    def _check_watch(self, w: dict[str, Any], t: float, rows: frozenset[int]) -> None:
        if t < w["sent"]:  # output that left the app before the key: not its effect
            for y in rows:
                w["before"][y] = self.term.row_hash(y)
            return
        lines = self.term.lines()
        if w["mode"] == "expect":
            met = w["match"](lines)
        elif w["mode"] == "gone":
            met = not w["match"](lines)
        else:
            changed = [y for y in rows if self.term.row_hash(y) != w["before"][y]]
            met = bool(changed)
            if met:
                w["rows"] = len(changed)
        if met:
            w["hit"] = t

    def phase_keys(self) -> None:
        a = self.a
        if not a.keys or self.eof:
            return
        import random

        rng = random.Random()
        for step in parse_script(a.pre_keys):  # e.g. pause the feed; not measured
            if "wait" in step:
                self.pump(clock() + step["wait"])
            else:
                self.pump(clock() + 0.3)
                os.write(self.master, step["send"])
        steps_out = []
        for step in parse_script(a.keys):
            if self.eof:
                break
            if "wait" in step:
                self.pump(clock() + step["wait"])
                continue
            # rest first; jitter so keys do not lock onto the phase of a periodic repaint
            self.pump(clock() + a.key_gap + rng.uniform(0, a.key_jitter))
            self.drain()
            lines = self.term.lines()
            mode, spec = "change", None
            for kind in ("expect", "gone"):
                if kind in step:
                    spec = step[kind]
                    m = text_matcher(spec)
                    # already there (expect) / not there (gone): fall back to "first change"
                    mode = kind if (m(lines) != (kind == "expect")) else "change"
            w = {
                "mode": mode,
                "match": text_matcher(spec) if spec else None,
                "before": self.term.hashes(),
                "sent": 0.0,
                "hit": None,
            }
            self._watch = w
            w["sent"] = sent = clock()
            os.write(self.master, step["send"])
            self.pump(sent + a.key_timeout, lambda w=w: w["hit"] is not None)
            # how long until the screen is complete: output quiet for --quiet-ms after the hit
            done_t = None
            if w["hit"] is not None:
                quiet = a.quiet_ms / 1000
                self.pump(sent + a.key_timeout, lambda q=quiet: clock() - self.last_byte >= q and self.q.empty())
                done_t = self.last_byte
            self._watch = None
            rec: dict[str, Any] = {
                "key": step["key"],
                "label": step.get("label", step["key"]),
                "mode": mode,
                "want": spec,
                "degraded": spec is not None and mode == "change",
                "latency_ms": None if w["hit"] is None else round((w["hit"] - sent) * 1000, 1),
                "complete_ms": None if done_t is None else round((done_t - sent) * 1000, 1),
            }
            if self.marks_path:
                end = w["hit"] if w["hit"] is not None else sent + a.key_timeout
                rec["confounded"] = any(sent - a.mark_lookback <= m <= end for m in self.marks())
            steps_out.append(rec)
        self.out["keys"] = steps_out

    def phase_quit(self) -> None:
        self.out["last_screen"] = self.term.text()
        if not self.a.quit or self.eof:
            return
        self.quitting = True
        sent = clock()
        os.write(self.master, b"".join(s["send"] for s in parse_script(self.a.quit) if "send" in s))
        while clock() < sent + self.a.quit_timeout and self.proc.poll() is None:
            self.pump(min(sent + self.a.quit_timeout, clock() + 0.02))
            if self.eof:
                try:
                    self.proc.wait(timeout=max(0.0, sent + self.a.quit_timeout - clock()))
                except subprocess.TimeoutExpired:
                    pass
                break
        rc = self.proc.poll()
        self.out["quit"] = {"exit_ms": None if rc is None else round((clock() - sent) * 1000, 1), "returncode": rc}

    # ------------------------------------------------------------------ teardown
    def kill(self) -> None:
        proc = self.proc
        if proc is None:
            return
        try:
            if proc.poll() is None:
                self.tree.sample()  # refresh the member list before killing
        except Exception:  # noqa: BLE001, S110 - killing must go on whatever happened
            pass
        for sig, grace in ((signal.SIGHUP, 1.0), (signal.SIGTERM, 1.0), (signal.SIGKILL, 2.0)):
            if proc.poll() is not None:
                break
            try:
                os.killpg(proc.pid, sig)  # start_new_session: the group id is the child's pid
            except ProcessLookupError:
                break
            except PermissionError:
                proc.send_signal(sig)
            end = clock() + grace
            while clock() < end and proc.poll() is None:
                time.sleep(0.02)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # stragglers still in the group
        except (ProcessLookupError, PermissionError):
            pass
        for pid in list(self.tree.members):  # descendants that left the group
            if pid != proc.pid and self.tree.same(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.out["errors"].append("the app survived SIGKILL")
        self._stop.set()
        if self._reader is not None:
            self._reader.join(timeout=0.5)
        if self.master is not None:
            try:
                os.close(self.master)
            except OSError:
                pass
            self.master = None
        if self.marks_path:
            try:
                os.unlink(self.marks_path)
            except OSError:
                pass

    def result(self) -> dict[str, Any]:
        r = self.out
        if self.proc is not None:
            r["returncode"] = self.proc.returncode
            r["exited_early"] = self.eof and not self.quitting
        r["total_bytes"] = self.total
        if self.term is not None:
            r["pyte_errors"] = self.term.parse_errors
            r.setdefault("last_screen", self.term.text())
        ru = resource.getrusage(resource.RUSAGE_SELF)
        r["probe_cpu_s"] = round(ru.ru_utime + ru.ru_stime, 3)
        return r


# --------------------------------------------------------------------------- command line


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="probe.py",
        description=__doc__.splitlines()[0],
        epilog="Put the command after --. See tests/perf/README.md.",
    )
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    p.add_argument("--size", default="120x40", type=lambda s: tuple(int(x) for x in s.lower().split("x")))
    p.add_argument("--term", default="xterm-256color")
    p.add_argument("--env", action="append", metavar="K=V", help="extra environment for the app (repeatable)")
    p.add_argument("--cwd")
    p.add_argument("--ready", metavar="TEXT", help="visible text that means 'ready' (re:PATTERN for a regex)")
    p.add_argument("--ready-timeout", type=float, default=30.0)
    p.add_argument(
        "--quiet-ms",
        type=float,
        default=300.0,
        help="silence that ends startup without --ready, and a key's 'complete' time (default 300)",
    )
    p.add_argument("--setup-keys", metavar="SCRIPT", help="keys after ready, before settle (not measured)")
    p.add_argument("--settle", type=float, default=2.0, help="seconds between ready and the idle window")
    p.add_argument("--idle", type=float, default=20.0, help="idle window in seconds (0: none)")
    p.add_argument("--sample-every", type=float, default=1.0, help="tree CPU/RSS sampling interval (s)")
    p.add_argument("--burst-gap-ms", type=float, default=8.0, help="chunks closer than this are one frame")
    p.add_argument("--marks", action="store_true", help=f"set ${MARKS_ENV} and group output per data update")
    p.add_argument("--update-span", type=float, default=3.0, help="max seconds of output attributed to one update")
    p.add_argument(
        "--mark-lookback",
        type=float,
        default=0.3,
        help="a key is 'confounded' if an update was applied this long before it or after",
    )
    p.add_argument("--soak", type=float, default=0.0, help="max seconds of the soak phase (0: none)")
    p.add_argument("--soak-count-file", help="soak ends when this file gained --soak-count lines")
    p.add_argument("--soak-count", type=int, default=0)
    p.add_argument("--soak-key", help="key pressed repeatedly during the soak (e.g. r)")
    p.add_argument("--soak-presses", type=int, default=0)
    p.add_argument("--soak-every", type=float, default=2.0, help="seconds between soak key presses")
    p.add_argument("--keys", metavar="SCRIPT", help="measured keys, e.g. 'down*3,enter,gone:TEXT,esc,expect:TEXT'")
    p.add_argument("--pre-keys", metavar="SCRIPT", help="keys sent (not measured) right before --keys")
    p.add_argument("--key-gap", type=float, default=0.6)
    p.add_argument("--key-jitter", type=float, default=0.3)
    p.add_argument("--key-timeout", type=float, default=5.0)
    p.add_argument("--quit", metavar="KEYS")
    p.add_argument("--quit-timeout", type=float, default=5.0)
    p.add_argument("--pid-file", help="write the app's pid (= its process group) here")
    p.add_argument("--json-out")
    p.add_argument("--timeout", type=float, help="hard limit for the whole probe (default: sum of phases + 30 s)")
    return p


def main(argv: list[str] | None = None) -> int:
    a = build_parser().parse_args(argv)
    if a.cmd[:1] == ["--"]:
        a.cmd = a.cmd[1:]
    if not a.cmd:
        build_parser().error("no command (probe.py [options] -- COMMAND ...)")
    scripts = (a.keys, a.setup_keys, a.pre_keys)
    n_keys = sum(1 for sc in scripts for s in parse_script(sc) if "send" in s)
    waits = sum(s.get("wait", 0) for sc in scripts for s in parse_script(sc))
    if a.timeout is None:
        a.timeout = (
            a.ready_timeout
            + a.settle
            + a.idle
            + a.soak
            + waits
            + 30
            + n_keys * (a.key_gap + a.key_jitter + a.key_timeout)
            + (a.quit_timeout if a.quit else 0)
        )
    probe = Probe(a)

    def on_alarm(*_: object) -> None:
        signal.signal(signal.SIGALRM, lambda *_: os._exit(3))  # cleanup itself hangs: give up
        signal.alarm(10)
        raise HardTimeout

    def on_term(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    signal.alarm(max(1, math.ceil(a.timeout)))
    rc = 0
    try:
        probe.start()
        if probe.phase_startup():
            probe.phase_setup()
            probe.phase_idle()
            probe.phase_soak()
            probe.phase_keys()
            probe.phase_quit()
            if probe.eof and not probe.quitting:
                probe.out["errors"].append("the app exited before the probe finished")
                rc = 4
        else:
            rc = 4 if probe.eof else 2
    except HardTimeout:
        probe.out["errors"].append(f"hard timeout after {a.timeout:.0f}s")
        rc = 3
    except KeyboardInterrupt:
        probe.out["errors"].append("interrupted")
        rc = 130
    except Exception as exc:  # noqa: BLE001 - report, then still clean up
        probe.out["errors"].append(f"{type(exc).__name__}: {exc}")
        rc = 1
    finally:
        try:
            probe.kill()
        except HardTimeout:
            pass
        signal.alarm(0)
    res = probe.result()
    res["exit"] = rc
    text = json.dumps(res, indent=1)
    if a.json_out:
        with open(a.json_out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    print(text)
    if rc in (2, 4) and res.get("last_screen") is not None:
        print("probe.py: " + "; ".join(res["errors"]) + "\n--- last screen ---\n" + res["last_screen"], file=sys.stderr)
    return rc


if __name__ == "__main__":
    sys.exit(main())
