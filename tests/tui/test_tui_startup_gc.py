"""The cyclic collector is off while the TUI builds its first frame, and on again after (issue 20)."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tui import startup_gc
from tui.cli import main


@pytest.fixture
def collector() -> Iterator[None]:
    """Leave the collector as found (on, nothing frozen) whatever the test did."""
    yield
    gc.unfreeze()
    gc.enable()
    startup_gc._paused = False  # noqa: SLF001 - reset the module's flag between tests


def test_pause_then_resume_freezes_what_exists(collector: None) -> None:
    gc.unfreeze()
    startup_gc.pause()
    assert not gc.isenabled() and startup_gc.paused()
    startup_gc.resume()
    assert gc.isenabled() and not startup_gc.paused()
    assert gc.get_freeze_count() > 0


def test_resume_without_pause_changes_nothing(collector: None) -> None:
    gc.unfreeze()
    startup_gc.resume()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    startup_gc.resume()
    assert not gc.isenabled(), "someone else's choice is kept"


def test_the_tui_path_never_returns_with_the_collector_off(tmp_path: Path, collector: None) -> None:
    """A TUI start that fails before its first frame (a bad config) still turns it back on."""
    bad = tmp_path / "bad.toml"
    bad.write_text("refresh = 'soon'\n")
    assert main(["--config", str(bad)]) == 2
    assert gc.isenabled() and not startup_gc.paused()


def test_the_first_frame_turns_the_collector_back_on(tmp_path: Path) -> None:
    code = (
        "import asyncio, datetime as dt, gc, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from tui import startup_gc\n"
        "from tui_helpers import demo_app, wait_ready\n"
        "startup_gc.pause()\n"
        "async def run():\n"
        "    async with demo_app().run_test(size=(120, 40)) as pilot:\n"
        "        await wait_ready(pilot)\n"
        "        print(gc.isenabled(), startup_gc.paused(), gc.get_freeze_count() > 0)\n"
        "asyncio.run(run())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "False", "True"]
