"""End to end in a real terminal: ``triffin --demo`` in a tmux pane, driven by keys.

Starts the app in a detached 120x40 tmux session (its own socket, so a user's tmux server
is never touched), waits for the dashboard, moves to the COVID row of the crisis grid,
opens its drill-down, checks the text, goes back, quits with ``q`` and reads the exit
code the shell wrote. Skips when tmux is not installed.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Pane:
    """A detached tmux session on a private socket."""

    def __init__(self, socket: Path, name: str = "triffin-e2e") -> None:
        self.socket = socket
        self.name = name

    def tmux(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-S", str(self.socket), *args], capture_output=True, text=True, timeout=10)
        return out.stdout

    def start(self, command: str, env: dict[str, str], width: int = 120, height: int = 40) -> None:
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        self.tmux(
            "new-session",
            "-d",
            "-s",
            self.name,
            "-x",
            str(width),
            "-y",
            str(height),
            # COLUMNS / LINES inherited from the test runner would override the pane size.
            f"cd {shlex.quote(str(ROOT))} && env -u COLUMNS -u LINES {exports} {command}",
        )

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key)
            time.sleep(0.15)

    def text(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, condition: Callable[[str], bool], timeout: float = 30.0, what: str = "text") -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.text()
            if condition(screen):
                return screen
            time.sleep(0.05)  # a capture costs a few ms; finer polls see each screen sooner
        raise AssertionError(f"timed out waiting for {what}; screen was:\n{screen}")

    def kill(self) -> None:
        subprocess.run(["tmux", "-S", str(self.socket), "kill-server"], capture_output=True, timeout=10)


def test_demo_drill_into_covid_and_quit(tmp_path: Path) -> None:
    """triffin --demo: grid → COVID row → Enter → drill-down text → Esc → q → exit code 0."""
    pane = Pane(tmp_path / "tmux.sock")
    exit_file = _start_demo(pane, tmp_path, "--demo")
    try:
        pane.wait_for(lambda s: "REGIME" in s and "COVID dash for cash" in s, what="the dashboard")
        screen = pane.text()
        assert "DEMO" in screen and "Crisis scorecard" in screen
        pane.keys("3", "j", "j", "j", "j")
        pane.wait_for(lambda s: "▶ COVID dash for cash" in s, what="the cursor on the COVID row")
        pane.keys("Enter")
        screen = pane.wait_for(
            lambda s: "verdict" in s and "window 2020-03-09→2020-03-18" in s, what="the COVID drill-down"
        )
        assert "COVID dash for cash" in screen and "broken" in screen
        assert "UST 10Y" in screen and "haven expects down" in screen
        pane.keys("Escape")
        pane.wait_for(lambda s: "Crisis scorecard" in s and "REGIME" in s, what="the dashboard again")
        _quit(pane, exit_file)
    finally:
        pane.kill()
        if os.path.exists(pane.socket):
            os.unlink(pane.socket)


def _start_demo(pane: Pane, tmp_path: Path, args: str, raw: Path | None = None) -> Path:
    """Start ``triffin <args>`` in the pane (its raw output piped to ``raw``); the exit file's path."""
    exit_file = tmp_path / "exit"
    env = {
        "TRIFFIN_CACHE_DIR": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
    }
    # With ``raw``, the app waits for a file the test creates once pipe-pane is attached, so
    # its first byte is recorded (a poll, not a fixed pause).
    go = tmp_path / "go"
    gate = f"while [ ! -e {shlex.quote(str(go))} ]; do sleep 0.05; done; " if raw is not None else ""
    command = f"{gate}{shlex.quote(sys.executable)} -m tui {args}; echo EXIT=$? > {shlex.quote(str(exit_file))}"
    pane.start(f"sh -c {shlex.quote(command)}", env)
    if raw is not None:
        pane.tmux("pipe-pane", "-o", "-t", pane.name, f"cat >> {shlex.quote(str(raw))}")
        go.touch()
    return exit_file


def _quit(pane: Pane, exit_file: Path) -> None:
    pane.keys("q")
    deadline = time.monotonic() + 30
    while not exit_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert exit_file.read_text().strip() == "EXIT=0"


def test_ascii_demo_writes_no_byte_above_0x7f(tmp_path: Path) -> None:
    """``triffin --ascii --demo`` through every screen (dashboard panels, the three drill-downs,
    curves, help, alert log, filter, command palette): the raw bytes the terminal received,
    recorded by tmux, are all ASCII (issue 17)."""
    raw = tmp_path / "raw.bin"
    pane = Pane(tmp_path / "tmux.sock", "triffin-ascii")
    exit_file = _start_demo(pane, tmp_path, "--ascii --demo", raw)
    try:
        pane.wait_for(lambda s: "REGIME" in s and "COVID dash for cash" in s, timeout=90, what="the dashboard")
        on_dashboard = (lambda s: "REGIME" in s and "Crisis scorecard" in s, "the dashboard again")
        # Escape gets a step of its own: Escape and the next key sent at once read as alt+key.
        steps: list[tuple[tuple[str, ...], tuple[Callable[[str], bool], str]]] = [
            (("3", "Enter"), (lambda s: "verdict" in s and "window" in s, "a crisis drill-down")),
            (("Escape",), on_dashboard),
            (("1", "Enter"), (lambda s: "range" in s and "obs held" in s, "a series drill-down")),
            (("Escape",), on_dashboard),
            (("2", "Enter"), (lambda s: "thresholds" in s and "range" in s, "a signal drill-down")),
            (("Escape",), on_dashboard),
            (("y",), (lambda s: "Curves" in s and "2s10s" in s, "the curves screen")),
            (("Escape",), on_dashboard),
            (("?",), (lambda s: "Keys as bound now" in s, "the help screen")),
            (("Escape",), on_dashboard),
            (("a",), (lambda s: "Alert log" in s and "firing(s)" in s, "the alert log")),
            (("a",), on_dashboard),
            (("/", "u", "s", "t"), (lambda s: "filter: ust" in s, "the filter")),
            (("Escape",), on_dashboard),
            (("C-p",), (lambda s: "Search for commands" in s, "the command palette")),
            (("Escape",), on_dashboard),
        ]
        for keys, (condition, what) in steps:
            pane.keys(*keys)
            pane.wait_for(condition, timeout=60, what=what)
            time.sleep(0.3)
        _quit(pane, exit_file)
    finally:
        pane.kill()
    data = raw.read_bytes()
    assert len(data) > 20_000 and b"DEMO" in data  # the whole session was recorded
    high = sorted({b for b in data if b > 0x7F})
    assert not high, f"bytes above 0x7F: {high[:10]} near {data[data.index(bytes([high[0]])) - 40 :][:80]!r}"


def test_demo_120x40_shows_last_chg_age_and_the_spreads(tmp_path: Path) -> None:
    """At 120x40 on the demo the Markets table shows Instrument, Last, Chg and Age, and a
    Spreads group with 2s10s and UST-Bund 10Y (issue 17's 'done when'); y opens the curves."""
    pane = Pane(tmp_path / "tmux.sock", "triffin-spreads")
    exit_file = _start_demo(pane, tmp_path, "--demo")
    try:
        screen = pane.wait_for(lambda s: "eroding" in s and "Instrument" in s, timeout=90, what="the dashboard")
        header = next(line for line in screen.splitlines() if "Instrument" in line)
        assert all(word in header for word in ("Last", "Chg", "Age")), header
        pane.keys("/", "s", "p", "r", "e", "a", "d", "s", "Enter")
        screen = pane.wait_for(lambda s: "2s10s" in s and "UST−Bund 10Y" in s, timeout=30, what="the Spreads group")
        assert "Spreads" in screen and " bp" in screen
        pane.keys("Escape")  # clears the filter; y must not follow it as alt+y, so wait for that
        pane.wait_for(lambda s: "filter:" not in s and "Instrument" in s, timeout=30, what="the filter cleared")
        pane.keys("y")
        screen = pane.wait_for(lambda s: "Yield curves" in s and "1M ago" in s, timeout=30, what="the curves")
        assert "2s10s" in screen.split("Yield curves", 1)[1]  # the spreads under the curves
        pane.keys("Escape")
        pane.wait_for(lambda s: "REGIME" in s and "Yield curves" not in s, timeout=30, what="the dashboard again")
        _quit(pane, exit_file)
    finally:
        pane.kill()


def test_demo_auctions_and_holders_screens_by_key(tmp_path: Path) -> None:
    """triffin --demo at 80x24: u → Auctions (2Y row, DEMO) → Enter → the line's charts → Esc Esc
    → f → Holders (Japan, custody line) → Esc → q → exit code 0."""
    exit_file = tmp_path / "exit"
    env = {
        "TRIFFIN_CACHE_DIR": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
    }
    pane = Pane(tmp_path / "tmux.sock", "triffin-e2e-demand")
    command = f"{shlex.quote(sys.executable)} -m tui --demo; echo EXIT=$? > {shlex.quote(str(exit_file))}"
    pane.start(f"sh -c {shlex.quote(command)}", env, width=80, height=24)
    try:
        pane.wait_for(lambda s: "REGIME" in s, what="the dashboard")
        pane.keys("u")
        screen = pane.wait_for(lambda s: "Treasury auctions" in s and "TIPS 10Y" in s, what="the auctions screen")
        assert "DEMO" in screen and "source demo" in screen and "Hi−Med" in screen
        assert any(line.lstrip().startswith("▶") and " 2Y " in line for line in screen.splitlines())
        pane.keys("Enter")
        pane.wait_for(lambda s: "2Y auctions" in s and "Indirect bidders" in s, what="the 2-year line charts")
        pane.keys("Escape", "Escape")
        pane.wait_for(lambda s: "REGIME" in s and "Treasury auctions" not in s, what="the dashboard again")
        pane.keys("f")
        screen = pane.wait_for(
            lambda s: "Foreign holders of Treasuries" in s and "Japan" in s, what="the holders screen"
        )
        assert "Foreign total" in screen and "Custody for foreign official" in screen and "DEMO" in screen
        pane.keys("Escape")
        pane.wait_for(lambda s: "REGIME" in s and "Foreign holders" not in s, what="the dashboard once more")
        _quit(pane, exit_file)
    finally:
        pane.kill()
        if os.path.exists(pane.socket):
            os.unlink(pane.socket)
