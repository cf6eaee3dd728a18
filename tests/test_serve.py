"""``triffin serve``: the command each browser session runs, the CLI, and a real server on 127.0.0.1.

The smoke tests start ``triffin serve --demo`` on a free loopback port, fetch the page
textual-serve renders, and open the websocket a browser would open, reading the terminal
output of the triffin process it starts (no browser needed; see test_e2e_browser.py for one).
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest
from serve_helpers import get, serving, stop

from tui import cli
from tui.serve_cmd import app_command, is_loopback, public_url_for, run_serve

ANSI = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")


def test_app_command_quotes_every_part(tmp_path: Path) -> None:
    """Paths with spaces or shell syntax stay one argument; flags pass through."""
    config = tmp_path / "my dir" / "a;b $(x).toml"
    command = app_command(
        demo=True,
        config_path=str(config),
        theme="triffin-light",
        refresh=60.0,
        ascii=True,
        python="/opt/py 3/bin/python",
    )
    assert shlex.split(command) == [
        "/opt/py 3/bin/python",
        "-m",
        "tui",
        "--config",
        str(config.resolve()),
        "--theme",
        "triffin-light",
        "--refresh",
        "60",
        "--ascii",
        "--demo",
    ]
    assert shlex.split(app_command()) == [sys.executable, "-m", "tui"]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("example.org", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_public_url() -> None:
    assert public_url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert public_url_for("::1", 8080) == "http://[::1]:8080"


class FakeServer:
    """Stands in for textual_serve's Server: records what it was given."""

    made: ClassVar[list[FakeServer]] = []

    def __init__(self, command: str, host: str, port: int, title: str, public_url: str) -> None:
        self.args = {"command": command, "host": host, "port": port, "title": title, "public_url": public_url}
        self.served = False
        FakeServer.made.append(self)

    def serve(self) -> None:
        self.served = True


def test_run_serve_defaults_to_loopback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import textual_serve.server

    FakeServer.made.clear()
    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    assert cli.main(["serve", "--demo", "--port", "8123"]) == 0
    (server,) = FakeServer.made
    assert server.served
    assert server.args["host"] == "127.0.0.1" and server.args["port"] == 8123
    assert server.args["public_url"] == "http://127.0.0.1:8123" and server.args["title"] == "triffin — DEMO"
    assert shlex.split(server.args["command"])[-1] == "--demo"
    err = capsys.readouterr().err
    assert "open http://127.0.0.1:8123" in err and "warning" not in err


def test_run_serve_warns_off_loopback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import textual_serve.server

    FakeServer.made.clear()
    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    assert run_serve(host="0.0.0.0", port=8124, public_url="https://triffin.example.org") == 0
    assert FakeServer.made[0].args["public_url"] == "https://triffin.example.org"
    assert "--demo" not in FakeServer.made[0].args["command"]
    assert "without a password" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "--port", "70000"], "expected a port between 1 and 65535"),
        (["serve", "--port", "http"], "expected a port number"),
        (["--replay", "somewhere", "serve"], "serve runs live sources or --demo"),
        (["serve", "--theme", "nope"], "unknown theme 'nope'"),
    ],
)
def test_serve_usage_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Bad usage is one line on stderr and exit code 2."""
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_port_in_use_is_one_line(tmp_path: Path) -> None:
    """A second server on a taken port says so and exits 1; the first keeps serving."""
    import subprocess

    with serving(tmp_path) as (url, _proc):
        port = url.rsplit(":", 1)[1].strip("/")
        out = subprocess.run(
            [sys.executable, "-m", "tui", "serve", "--port", port],
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        assert out.returncode == 1
        assert f"cannot serve on 127.0.0.1:{port}" in out.stderr and "Traceback" not in out.stderr
        assert get(url)[0] == 200


async def _session_text(ws_url: str, want: list[str], timeout: float = 30.0) -> str:
    """Open the websocket a browser would, read the app's output until every ``want`` shows, quit."""
    import aiohttp

    text = ""
    async with aiohttp.ClientSession() as http, http.ws_connect(ws_url + "?width=120&height=40") as ws:
        await ws.send_str(json.dumps(["resize", {"width": 120, "height": 40}]))
        data = b""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            try:
                msg = await asyncio.wait_for(ws.receive(), max(deadline - loop.time(), 0.1))
            except TimeoutError:
                break
            if msg.type == aiohttp.WSMsgType.BINARY:
                data += msg.data
                text = ANSI.sub("", data.decode("utf-8", "replace"))
                if all(w in text for w in want):
                    break
            elif msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                break
        await ws.send_str(json.dumps(["stdin", "q"]))
        closed: Any = await asyncio.wait_for(ws.receive(), 15)  # the app quits, the server closes the socket
        while closed.type == aiohttp.WSMsgType.BINARY:
            closed = await asyncio.wait_for(ws.receive(), 15)
        assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
    return text


def test_serve_smoke_page_and_session(tmp_path: Path) -> None:
    """GET / is textual-serve's page for triffin; its websocket runs the demo dashboard; SIGTERM stops."""
    with serving(tmp_path) as (url, proc):
        status, html = get(url)
        assert status == 200
        assert 'class="textual-terminal"' in html and "/static/js/textual.js" in html
        ws_url = url.replace("http://", "ws://") + "ws"
        assert f'data-session-websocket-url="{ws_url}"' in html
        assert "triffin — DEMO" in html
        assert get(url + "static/js/textual.js")[0] == 200
        text = asyncio.run(_session_text(ws_url, ["Crisis scorecard", "DEMO", "GFC"]))
        assert "Crisis scorecard" in text and "DEMO" in text and "GFC" in text
        assert stop(proc) == 0
    log = (tmp_path / "serve.log").read_bytes().decode("utf-8", "replace")
    assert "Traceback" not in log, log
