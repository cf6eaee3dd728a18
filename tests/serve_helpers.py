"""Helpers for the ``triffin serve`` tests: a server on a free loopback port, started and stopped cleanly.

:func:`serving` reads the address ``triffin serve`` prints at start (with its per-run
token) from the server's log, so the tests use exactly what a user would open.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nobody listens on right now (127.0.0.1)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, timeout: float = 5.0) -> tuple[int, str]:
    """Status and body of a GET."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode("utf-8", "replace")


def wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Until ``url`` answers (fail early when the server died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"triffin serve exited with {proc.returncode}")
        try:
            get(url, timeout=1.0)
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {timeout:g} s")


def stop(proc: subprocess.Popen[bytes], timeout: float = 15.0) -> int | None:
    """SIGTERM (what systemd sends), then SIGKILL to the process group if it lingers."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
            return None
    return proc.returncode


@dataclass(frozen=True)
class Served:
    """A running ``triffin serve``.

    Attributes:
        base: ``http://127.0.0.1:PORT/``.
        token: the per-run token it printed (None with ``--no-token``).
        proc: the server process.
        log: its stdout and stderr.
    """

    base: str
    token: str | None
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def page(self) -> str:
        """The address printed at start (the page, token included)."""
        return self.base + (f"?token={self.token}" if self.token else "")

    @property
    def ws(self) -> str:
        """The websocket address the page embeds (``/ws/<token>``)."""
        return "ws://" + self.base.split("://", 1)[1] + "ws" + (f"/{self.token}" if self.token else "")

    @property
    def origin(self) -> str:
        """The served origin (what a browser on the page sends as ``Origin``)."""
        return self.base.rstrip("/")


_ADDRESS = re.compile(r"open (http://\S+?/)(?:\?token=(\S+))? in a browser")


def wait_address(log: Path, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> tuple[str, str | None]:
    """The base URL and token from the line ``triffin serve`` prints at start."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = _ADDRESS.search(log.read_text(encoding="utf-8", errors="replace"))
        if m:
            return m.group(1), m.group(2)
        if proc.poll() is not None:
            raise AssertionError(f"triffin serve exited with {proc.returncode}: {log.read_text()[-2000:]}")
        time.sleep(0.05)
    raise AssertionError(f"triffin serve printed no address within {timeout:g} s")


@contextmanager
def serving(tmp_path: Path, *extra: str, config: str = "") -> Iterator[Served]:
    """``triffin serve --demo`` on a free port with a private config, cache and data dir."""
    port = free_port()
    path = tmp_path / "config.toml"
    path.write_text(f'screenshot_dir = "{tmp_path / "shots"}"\n' + config, encoding="utf-8")
    env = {
        k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TRIFFIN_CONFIG", "TRIFFIN_ALERT_STATE")
    }
    env.update(
        TRIFFIN_CACHE_DIR=str(tmp_path / "cache"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path / "serve.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", "--demo", "--port", str(port), "--config", str(path), *extra],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base, token = wait_address(log_path, proc)
        assert base == f"http://127.0.0.1:{port}/", base
        served = Served(base, token, proc, log_path)
        wait_http(served.page, proc)
        yield served
    finally:
        stop(proc)
        log.close()
