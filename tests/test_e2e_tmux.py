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
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; screen was:\n{screen}")

    def kill(self) -> None:
        subprocess.run(["tmux", "-S", str(self.socket), "kill-server"], capture_output=True, timeout=10)


def test_demo_drill_into_covid_and_quit(tmp_path: Path) -> None:
    """triffin --demo: grid → COVID row → Enter → drill-down text → Esc → q → exit code 0."""
    exit_file = tmp_path / "exit"
    env = {
        "TRIFFIN_CACHE_DIR": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
    }
    pane = Pane(tmp_path / "tmux.sock")
    command = f"{shlex.quote(sys.executable)} -m tui --demo; echo EXIT=$? > {shlex.quote(str(exit_file))}"
    pane.start(f"sh -c {shlex.quote(command)}", env)
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
        pane.keys("q")
        deadline = time.monotonic() + 15
        while not exit_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert exit_file.read_text().strip() == "EXIT=0"
    finally:
        pane.kill()
        if os.path.exists(pane.socket):
            os.unlink(pane.socket)


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
        pane.keys("q")
        deadline = time.monotonic() + 15
        while not exit_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert exit_file.read_text().strip() == "EXIT=0"
    finally:
        pane.kill()
        if os.path.exists(pane.socket):
            os.unlink(pane.socket)
