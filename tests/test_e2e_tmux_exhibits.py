"""End to end in a real terminal: walk the ten exhibits of ``triffin --demo`` in a tmux pane.

``e`` opens the exhibits, Enter walks 1 → 10 and back to 1; every exhibit must show its
number, its title, a chart frame and the reading line under it with its verdict, on the demo
feed (DEMO on screen). Then Esc, ``q`` and the exit code. Skips when tmux is not installed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from datafeed.exhibits import EXHIBITS
from tests.test_e2e_tmux import Pane, _quit, _start_demo

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

VERDICT_WORDS = ("agrees with the note", "disagrees with the note", "no reading")


def test_walk_all_ten_exhibits_on_the_demo_feed(tmp_path: Path) -> None:
    pane = Pane(tmp_path / "tmux.sock", name="triffin-exhibits")
    exit_file = _start_demo(pane, tmp_path, "--demo")
    try:
        pane.wait_for(lambda s: "REGIME" in s, what="the dashboard")
        pane.keys("e")
        for spec in EXHIBITS:
            screen = pane.wait_for(
                lambda s, n=spec.number: f"Exhibit {n}/10" in s and "Reading:" in s,
                what=f"exhibit {spec.number}",
            )
            assert spec.title[:25] in screen, spec.id
            assert any(word in screen for word in VERDICT_WORDS), spec.id
            assert "DEMO" in screen and "└" in screen, spec.id  # the banner, and the chart's frame
            pane.keys("Enter")
        pane.wait_for(lambda s: "Exhibit 1/10" in s, what="Enter after the tenth back to the first")
        pane.keys("Escape")
        pane.wait_for(lambda s: "REGIME" in s and "Exhibit" not in s, what="the dashboard again")
        _quit(pane, exit_file)
    finally:
        pane.kill()
        if os.path.exists(pane.socket):
            os.unlink(pane.socket)
