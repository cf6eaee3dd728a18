"""``triffin serve``: the command each session runs, the CLI guards, and a real server on 127.0.0.1.

The server tests start ``triffin serve --demo`` on a free loopback port, read the address it
prints (with its per-run token), and speak to it with a raw websocket client (the
``websockets`` package), the way a browser or an attacking page would: the page and the
websocket need the token, a foreign ``Origin`` is refused even with it, a fifth session is
refused while four run, ``/static/`` lists nothing, and an alert command fires once for all
sessions. See test_e2e_browser.py for the same through Chromium.
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, ClassVar

import pytest
from serve_helpers import get, serving, stop

from tui import cli
from tui.serve_cmd import (
    allowed_origins,
    app_command,
    check_bind,
    is_loopback,
    normalize_origin,
    public_url_for,
    run_serve,
)

websockets = pytest.importorskip("websockets")
from websockets.asyncio.client import connect  # noqa: E402
from websockets.exceptions import InvalidStatus  # noqa: E402

ANSI = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")
FOREIGN = "http://evil.example"


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


@pytest.mark.parametrize(
    ("value", "origin"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("HTTP://Example.ORG:443/", "http://example.org:443"),
        ("https://example.org:443", "https://example.org"),
        ("http://example.org:80", "http://example.org"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("null", None),
        ("file://", None),
        ("ftp://example.org", None),
        ("http://example.org/path", None),
        ("http://user@example.org", None),
        ("http://example.org:99999", None),
        ("", None),
    ],
)
def test_normalize_origin(value: str, origin: str | None) -> None:
    assert normalize_origin(value) == origin


def test_allowed_origins_on_loopback_and_behind_a_proxy() -> None:
    local = allowed_origins("127.0.0.1", 8000, "http://127.0.0.1:8000")
    assert local == {"http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"}
    proxied = allowed_origins("0.0.0.0", 8000, "https://triffin.example.org", ["https://other.example.org:8443"])
    assert proxied == {"https://triffin.example.org", "https://other.example.org:8443"}


@pytest.mark.parametrize(
    ("host", "public", "token", "refused"),
    [
        ("127.0.0.1", False, True, None),
        ("127.0.0.1", False, False, None),  # --no-token on loopback: allowed
        ("0.0.0.0", False, True, "add --public"),
        ("192.168.1.20", False, False, "add --public"),
        ("0.0.0.0", True, False, "--no-token is refused off loopback"),
        ("0.0.0.0", True, True, None),
    ],
)
def test_binding_off_loopback_needs_public_and_a_token(
    host: str, public: bool, token: bool, refused: str | None
) -> None:
    from tui.serve_cmd import ServeError

    if refused is None:
        check_bind(host, public=public, token=token)
    else:
        with pytest.raises(ServeError, match=refused):
            check_bind(host, public=public, token=token)


class FakeServer:
    """Stands in for textual_serve's Server (the base of triffin's guarded server)."""

    made: ClassVar[list[Any]] = []

    def __init__(self, command: str, host: str, port: int, title: str, public_url: str) -> None:
        self.args = {"command": command, "host": host, "port": port, "title": title, "public_url": public_url}
        self.served = False
        FakeServer.made.append(self)

    def serve(self) -> None:
        self.served = True


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    import textual_serve.server

    FakeServer.made.clear()
    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    monkeypatch.delenv("TRIFFIN_ALERT_STATE", raising=False)
    return FakeServer.made


def test_run_serve_defaults_to_loopback_with_a_token(
    fake_server: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    assert cli.main(["serve", "--demo", "--port", "8123"]) == 0
    (server,) = fake_server
    assert server.served
    assert server.args["host"] == "127.0.0.1" and server.args["port"] == 8123
    assert server.args["public_url"] == "http://127.0.0.1:8123" and server.args["title"] == "triffin — DEMO"
    assert shlex.split(server.args["command"])[-1] == "--demo"
    assert server.max_sessions == 4 and server.token and len(server.token) >= 32
    err = capsys.readouterr().err
    assert f"open http://127.0.0.1:8123/?token={server.token} in a browser" in err
    assert os.environ["TRIFFIN_ALERT_STATE"].endswith("serve-alert-state.json")  # the sessions inherit it


def test_each_run_has_its_own_token(fake_server: list[Any]) -> None:
    assert run_serve(port=8125) == 0 and run_serve(port=8125) == 0
    assert fake_server[0].token != fake_server[1].token


def test_public_bind_with_a_token_is_served(fake_server: list[Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert run_serve(host="0.0.0.0", port=8124, public_url="https://triffin.example.org", public=True) == 0
    (server,) = fake_server
    assert server.args["public_url"] == "https://triffin.example.org" and server.token
    assert server.origins == {"https://triffin.example.org"}
    assert f"open https://triffin.example.org/?token={server.token}" in capsys.readouterr().err


def test_max_sessions_and_origins_come_from_the_config(
    fake_server: list[Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[serve]\nmax_sessions = 2\nallowed_origins = ["https://proxy.example.org"]\n')
    assert cli.main(["serve", "--config", str(path), "--allow-origin", "http://other.example:81"]) == 0
    assert fake_server[0].max_sessions == 2
    assert {"https://proxy.example.org", "http://other.example:81"} <= fake_server[0].origins
    assert cli.main(["serve", "--config", str(path), "--max-sessions", "7", "--no-token"]) == 0
    assert fake_server[1].max_sessions == 7 and fake_server[1].token is None
    assert "open http://127.0.0.1:8000/ in a browser" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "--port", "70000"], "expected a port between 1 and 65535"),
        (["serve", "--port", "http"], "expected a port number"),
        (["--replay", "somewhere", "serve"], "serve runs live sources or --demo"),
        (["serve", "--theme", "nope"], "unknown theme 'nope'"),
        (["serve", "--host", "0.0.0.0"], "add --public"),
        (["serve", "--host", "::"], "add --public"),
        (["serve", "--host", "0.0.0.0", "--public", "--no-token"], "--no-token is refused off loopback"),
        (["serve", "--max-sessions", "0"], "expected between 1 and 64 sessions"),
        (["serve", "--max-sessions", "65"], "expected between 1 and 64 sessions"),
        (["serve", "--max-sessions", "many"], "expected a whole number of sessions"),
        (["serve", "--allow-origin", "ftp://x"], "is not an http(s) origin"),
        (["serve", "--allow-origin", "*"], "is not an http(s) origin"),
    ],
)
def test_serve_usage_errors(
    fake_server: list[Any], argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad usage is one line on stderr and exit code 2; nothing is served."""
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err
    assert not fake_server


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[serve]\nmax_sessions = 0\n", "'serve.max_sessions' must be between 1 and 64"),
        ("[serve]\nmax_sessions = true\n", "must be int"),
        ("[serve]\nallowed_origins = 'https://x.org'\n", "must be list"),
        ("[serve]\nallowed_origins = ['https://x.org/path']\n", "entries must be origins"),
        ("[serve]\nsessions = 3\n", "unknown key 'sessions' in [serve]"),
    ],
)
def test_serve_config_errors(tmp_path: Path, text: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    assert cli.main(["serve", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and f"{path}:2" in err, err


def test_port_in_use_is_one_line(tmp_path: Path) -> None:
    """A second server on a taken port says so and exits 1; the first keeps serving."""
    import subprocess

    with serving(tmp_path) as served:
        port = served.base.rsplit(":", 1)[1].strip("/")
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
        assert get(served.page)[0] == 200


# --------------------------------------------------------------------------- a real server


def status_of(url: str) -> tuple[int, str]:
    """Status and body of a GET, error statuses included."""
    try:
        return get(url)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


async def handshake_status(url: str, origin: str | None) -> int:
    """101 when the websocket opens (then closed at once), else the HTTP status of the refusal."""
    try:
        async with connect(url, origin=origin, proxy=None, open_timeout=15) as ws:  # type: ignore[arg-type]
            await ws.close()
            return 101
    except InvalidStatus as exc:
        return int(exc.response.status_code)


async def session_text(url: str, origin: str, want: list[str], timeout: float = 40.0) -> str:
    """Open a session like the page does, read the app's output until every ``want`` shows, quit."""
    text = ""
    async with connect(url + "?width=120&height=40", origin=origin, proxy=None, max_size=None) as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps(["resize", {"width": 120, "height": 40}]))
        data = b""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline and not all(w in text for w in want):
            try:
                msg = await asyncio.wait_for(ws.recv(), max(deadline - loop.time(), 0.1))
            except TimeoutError:
                break
            if isinstance(msg, bytes):
                data += msg
                text = ANSI.sub("", data.decode("utf-8", "replace"))
        await ws.send(json.dumps(["stdin", "q"]))
    return text


def test_serve_smoke_page_and_session(tmp_path: Path) -> None:
    """The printed address serves textual-serve's page embedding the tokenised websocket, which
    runs the demo dashboard; SIGTERM stops the server."""
    with serving(tmp_path) as served:
        assert served.token
        status, html = get(served.page)
        assert status == 200
        assert 'class="textual-terminal"' in html and "/static/js/textual.js" in html
        assert f'data-session-websocket-url="{served.ws}"' in html
        assert "triffin — DEMO" in html
        assert get(served.base + "static/js/textual.js")[0] == 200
        text = asyncio.run(session_text(served.ws, served.origin, ["Crisis scorecard", "DEMO", "GFC"]))
        assert "Crisis scorecard" in text and "DEMO" in text and "GFC" in text
        assert stop(served.proc) == 0
    log = served.log.read_bytes().decode("utf-8", "replace")
    assert "Traceback" not in log, log
    assert f"/ws/{served.token}" not in log, "the access log would carry the token"


def test_token_and_origin_are_required(tmp_path: Path) -> None:
    """Without the token (or with a wrong one) neither the page nor a session opens; a foreign
    Origin is refused even with the token; the served origins and a non-browser client with
    the token are let in."""
    with serving(tmp_path) as served:
        token = served.token
        assert token
        status, body = status_of(served.base)
        assert status == 403 and "token required" in body and token not in body
        assert status_of(served.base + "?token=" + "x" * len(token))[0] == 403
        ws_base = served.ws.rsplit("/", 1)[0]  # .../ws
        wrong = token[:-1] + ("A" if token[-1] != "A" else "B")

        async def probe() -> dict[str, int]:
            return {
                "no token": await handshake_status(ws_base, served.origin),
                "wrong token": await handshake_status(f"{ws_base}/{wrong}", served.origin),
                "wrong query token": await handshake_status(f"{ws_base}?token={wrong}", served.origin),
                "foreign origin": await handshake_status(served.ws, FOREIGN),
                "foreign port": await handshake_status(served.ws, "http://127.0.0.1:1"),
                "null origin": await handshake_status(served.ws, "null"),
                "served origin": await handshake_status(served.ws, served.origin),
                "localhost alias": await handshake_status(served.ws, served.origin.replace("127.0.0.1", "localhost")),
                "query token": await handshake_status(f"{ws_base}?token={token}", served.origin),
                "no origin (not a browser)": await handshake_status(served.ws, None),
            }

        seen = asyncio.run(probe())
    assert seen == {
        "no token": 403,
        "wrong token": 403,
        "wrong query token": 403,
        "foreign origin": 403,
        "foreign port": 403,
        "null origin": 403,
        "served origin": 101,
        "localhost alias": 101,
        "query token": 101,
        "no origin (not a browser)": 101,
    }


def test_no_token_on_loopback_still_checks_the_origin(tmp_path: Path) -> None:
    with serving(tmp_path, "--no-token") as served:
        assert served.token is None and served.ws.endswith("/ws")
        assert get(served.base)[0] == 200

        async def probe() -> tuple[int, int]:
            return await handshake_status(served.ws, FOREIGN), await handshake_status(served.ws, served.origin)

        assert asyncio.run(probe()) == (403, 101)


def test_a_fifth_session_is_refused_with_a_clear_page(tmp_path: Path) -> None:
    """Four sessions run (four triffin processes); the fifth handshake and the page are
    refused with 503 and a page saying why; once one closes, a new one opens."""
    with serving(tmp_path) as served:

        async def scenario() -> dict[str, Any]:
            out: dict[str, Any] = {}
            opened = [
                await connect(served.ws + "?width=80&height=24", origin=served.origin, proxy=None)  # type: ignore[arg-type]
                for _ in range(4)
            ]
            out["fifth"] = await handshake_status(served.ws, served.origin)
            out["page"] = await asyncio.to_thread(status_of, served.page)
            await opened[0].close()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 20
            out["after close"] = 503
            while loop.time() < deadline and out["after close"] != 101:
                out["after close"] = await handshake_status(served.ws, served.origin)
                await asyncio.sleep(0.2)
            for ws in opened[1:]:
                await ws.close()
            return out

        seen = asyncio.run(scenario())
    assert seen["fifth"] == 503
    status, body = seen["page"]
    assert status == 503 and "all sessions are in use" in body and "at most 4 sessions" in body
    assert seen["after close"] == 101


def test_static_lists_no_directory(tmp_path: Path) -> None:
    with serving(tmp_path) as served:
        for path in ("static/", "static/js/", "static/css/", "static/fonts/"):
            status, body = status_of(served.base + path)
            assert status in (403, 404), (path, status)
            assert "textual.js" not in body and "Index of" not in body, body
        assert get(served.base + "static/js/textual.js")[0] == 200
        assert status_of(served.base + "static/../serve_cmd.py")[0] == 404


def test_an_alert_command_runs_once_for_all_sessions(tmp_path: Path) -> None:
    """Three sessions each fire ``vix > 0`` at start-up (their toasts say so); the rule's
    command ran once, because the sessions share the server's alert state file."""
    out = tmp_path / "fired.txt"
    script = f"import sys; open({str(out)!r}, 'a').write(sys.stdin.read())"
    config = (
        "[[alerts]]\n"
        'rule = "vix > 0"\n'
        'cooldown = "1d"\n'
        f"command = [{json.dumps(sys.executable)}, '-c', {json.dumps(script)}]\n"
    )
    with serving(tmp_path, config=config) as served:

        async def three() -> list[str]:
            return list(
                await asyncio.gather(
                    *(session_text(served.ws, served.origin, ["vix > 0", "Crisis scorecard"]) for _ in range(3))
                )
            )

        texts = asyncio.run(three())
        for text in texts:
            assert "vix > 0" in text, "every session fired the rule"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not out.exists():
            time.sleep(0.1)
        time.sleep(1.0)  # a second run, were there one, would land by now
    runs = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(runs) == 1, runs
    assert runs[0]["rule"] == "vix > 0" and runs[0]["mode"] == "demo"
    state = json.loads((tmp_path / "state" / "triffin" / "serve-alert-state.json").read_text())
    assert len(state) == 1
