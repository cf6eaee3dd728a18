"""Terminal safety: an exception anywhere in the UI restores the terminal, writes the
(redacted) traceback to a log file under ``platformdirs.user_log_dir("triffin")`` and prints
its path; the exit code is non-zero.

End to end in a real pseudo-terminal: ``tests/reliability/crash_app.py`` runs the real
``triffin`` entry point with an App subclass that raises in an event handler, in a worker,
or while mounting. Textual 8.2.8 does not raise such an exception out of ``App.run()`` (it
prints a Rich traceback with locals and returns), which is why ``tui.run.guard`` exists.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from textual.app import App

from tui.run import guard

ROOT = Path(__file__).resolve().parents[2]
KEY = "f00dfacecafebeef0123456789abcdef"

ALT_ON, ALT_OFF = b"\x1b[?1049h", b"\x1b[?1049l"
CURSOR_OFF, CURSOR_ON = b"\x1b[?25l", b"\x1b[?25h"
MOUSE_ON, MOUSE_OFF = b"\x1b[?1000h", b"\x1b[?1000l"


def run_in_pty(
    args: list[str], env: dict[str, str], keys: bytes = b"", timeout: float = 40.0
) -> tuple[int, bytes, list, list]:
    """Run ``args`` on a fresh 120×40 pty; returns (exit code, output, tty attrs before, after)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    before = termios.tcgetattr(slave)
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True)
    out = b""
    sent = False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    out += os.read(master, 65536)
                except OSError:
                    break
            elif proc.poll() is not None:
                break
            if keys and not sent and ALT_ON in out and b"Quit" in out:
                time.sleep(1.0)
                os.write(master, keys)
                sent = True
        else:
            pytest.fail(f"{args} did not finish in {timeout} s")
        proc.wait(timeout=5)
        after = termios.tcgetattr(slave)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
        os.close(slave)
    return proc.returncode, out, before, after


def _env(tmp_path: Path, where: str) -> dict[str, str]:
    return dict(
        os.environ,
        TERM="xterm-256color",
        CRASH_IN=where,
        FRED_API_KEY=KEY,
        COLORTERM="truecolor",
        XDG_STATE_HOME=str(tmp_path / "state"),
        TRIFFIN_CACHE_DIR=str(tmp_path / "cache"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )


def assert_terminal_restored(out: bytes, before: list, after: list) -> None:
    assert ALT_ON in out, "the app never entered the alternate screen"
    assert out.rfind(ALT_OFF) > out.rfind(ALT_ON), "alternate screen not left"
    assert out.rfind(CURSOR_ON) > out.rfind(CURSOR_OFF), "cursor left hidden"
    if MOUSE_ON in out:
        assert out.rfind(MOUSE_OFF) > out.rfind(MOUSE_ON), "mouse reporting left on"
    # Cooked mode again: echo and line editing as before the app put the tty in raw mode.
    lflag = 3
    assert after[lflag] & (termios.ECHO | termios.ICANON) == before[lflag] & (termios.ECHO | termios.ICANON)


@pytest.mark.parametrize("where", ["handler", "worker", "mount"])
def test_crash_restores_terminal_and_writes_a_redacted_log(tmp_path: Path, where: str) -> None:
    rc, out, before, after = run_in_pty(
        [sys.executable, "-m", "tests.reliability.crash_app", "--demo"], _env(tmp_path, where)
    )
    assert rc == 1, out[-2000:]
    assert_terminal_restored(out, before, after)
    tail = out[out.rfind(ALT_OFF) :].decode("utf-8", "replace")
    assert "triffin: crashed: " in tail and "deliberate test crash" in tail  # (WorkerFailed wraps it)
    logs = list((tmp_path / "state" / "triffin" / "log").glob("crash-*.log"))
    assert len(logs) == 1, logs
    assert f"the traceback is in {logs[0]}" in tail.replace("\r\n", "\n")
    text = logs[0].read_text()
    assert "Traceback (most recent call last)" in text and "RuntimeError: deliberate test crash" in text
    assert "_boom" in text and "api_key=***" in text
    assert (logs[0].stat().st_mode & 0o777) == 0o600
    assert KEY[:8] not in text and KEY[-8:] not in text
    assert KEY[:8].encode() not in out and KEY[-8:].encode() not in out, "the key reached the terminal"
    assert b"locals" not in out[out.rfind(ALT_OFF) :], "Textual's traceback with locals was printed"


def test_normal_quit_restores_terminal_without_a_crash_log(tmp_path: Path) -> None:
    rc, out, before, after = run_in_pty(
        [sys.executable, "-m", "tests.reliability.crash_app", "--demo"], _env(tmp_path, "none"), keys=b"q"
    )
    assert rc == 0, out[-2000:]
    assert_terminal_restored(out, before, after)
    assert not (tmp_path / "state" / "triffin" / "log").exists()


def test_textual_returns_instead_of_raising_and_guard_keeps_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    """Pins the Textual behaviour ``guard`` relies on (``App.run`` returns, return code 1)."""

    class Boom(App[None]):
        def on_mount(self) -> None:
            raise ValueError("boom in on_mount")

    app = Boom()
    guard(app)
    app.run(headless=True)
    assert app.return_code == 1
    assert "ValueError: boom in on_mount" in app._crash_text  # type: ignore[attr-defined]
    assert "Traceback" not in capsys.readouterr().err  # Textual's print-out was replaced
