"""End to end in a real terminal: walk the ten exhibits of ``triffin --demo`` in a tmux pane.

``e`` opens the exhibits, Enter walks 1 → 10 and back to 1; every exhibit must show its
number, its title, a chart frame and the reading line under it with its verdict, on the demo
feed (DEMO on screen). Then Esc, ``q`` and the exit code. Skips when tmux is not installed.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import time
from pathlib import Path

import pytest

from datafeed.exhibits import EXHIBITS
from tests.test_e2e_tmux import ROOT, Pane

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

VERDICT_WORDS = ("agrees with the note", "disagrees with the note", "no reading")


def test_walk_all_ten_exhibits_on_the_demo_feed(tmp_path: Path) -> None:
    exit_file = tmp_path / "exit"
    env = {
        "TRIFFIN_CACHE_DIR": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
    }
    pane = Pane(tmp_path / "tmux.sock", name="triffin-exhibits")
    command = f"{shlex.quote(sys.executable)} -m tui --demo; echo EXIT=$? > {shlex.quote(str(exit_file))}"
    pane.start(f"sh -c {shlex.quote(command)}", env)
    try:
        pane.wait_for(lambda s: "REGIME" in s, what="the dashboard")
        pane.keys("e")
        for spec in EXHIBITS:
            screen = pane.wait_for(
                lambda s, n=spec.number: f"Exhibit {n}/10" in s and "Reading now:" in s,
                what=f"exhibit {spec.number}",
            )
            assert spec.title[:25] in screen, spec.id
            assert any(word in screen for word in VERDICT_WORDS), spec.id
            assert "DEMO" in screen and "└" in screen, spec.id  # the banner, and the chart's frame
            pane.keys("Enter")
        pane.wait_for(lambda s: "Exhibit 1/10" in s, what="Enter after the tenth back to the first")
        pane.keys("Escape")
        pane.wait_for(lambda s: "REGIME" in s and "Exhibit" not in s, what="the dashboard again")
        pane.keys("q")
        deadline = time.monotonic() + 15
        while not exit_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert exit_file.read_text().strip() == "EXIT=0"
    finally:
        pane.kill()
        if os.path.exists(pane.socket):
            os.unlink(pane.socket)
