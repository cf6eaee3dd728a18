"""End to end in a browser: ``triffin serve --demo`` in headless Chromium, driven over CDP.

Starts ``triffin serve --demo`` on a free 127.0.0.1 port and Debian's ``chromium``
(headless, its own profile in the test's tmp dir, every host but 127.0.0.1 resolving to
nothing, so the page's web-font link fails at once instead of reaching the internet), then
speaks the Chrome DevTools Protocol over a plain websocket:

1. loads the address the server printed (with its per-run ``?token=``) and reads the
   terminal's text until the demo dashboard shows ("Crisis scorecard", "DEMO" and the
   first episode in the grid);
2. presses ``3`` (focus the crisis grid), ``j`` and ``down`` and checks that the cursor
   mark ``▶`` moved from the first episode to the second, then to the third;
3. saves a PNG screenshot into the tmp dir (``TRIFFIN_E2E_ARTIFACTS=DIR`` copies it there);
4. opens a page of *another* origin (a second loopback server, another port) whose script
   tries ``new WebSocket(<the served websocket URL, token included>)``, as a malicious page
   would: the browser sends that page's ``Origin`` and the handshake is refused (the
   socket never opens), while the page without its token is refused too.

How the text is read: textual-serve's page draws the terminal with xterm.js on a canvas,
so the DOM holds no text; a script added before the page loads notes the xterm
``Terminal`` object when it is built (its ``_addonManager`` is assigned in the
constructor), and the test reads the terminal's buffer through xterm's public buffer API.
The DOM rows (``.xterm-rows``) are read instead if xterm ever renders to the DOM.

Skips when chromium or the ``websockets`` package is not installed.
"""

from __future__ import annotations

import asyncio
import base64
import http.server
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from serve_helpers import Served, serving

from datafeed.crises import BUILTIN_EPISODES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"),
]

websockets = pytest.importorskip("websockets")

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--remote-debugging-port=0",
    "--window-size=1400,1000",
)
"""The flags of the brief, plus: no network but loopback, CDP on a port Chromium picks, a fixed window."""

HOOK = r"""
(() => {
  const terms = window.__triffinTerms = [];
  Object.defineProperty(Object.prototype, '_addonManager', {
    configurable: true,
    get() { return undefined; },
    set(value) {
      Object.defineProperty(this, '_addonManager', {value, writable: true, configurable: true, enumerable: true});
      terms.push(this);
    },
  });
})();
"""
"""Runs before the page's scripts: keeps every xterm Terminal built (it assigns _addonManager)."""

READ_SCREEN = r"""
(() => {
  const term = (window.__triffinTerms || []).find(t => t.buffer && t.buffer.active && t.rows);
  if (term) {
    const buf = term.buffer.active, out = [];
    for (let y = 0; y < term.rows; y++) {
      const line = buf.getLine(buf.viewportY + y);
      out.push(line ? line.translateToString(true) : '');
    }
    return out.join('\n');
  }
  const rows = document.querySelector('.xterm-rows');
  return rows ? rows.innerText : '';
})()
"""

KEYS: dict[str, dict[str, Any]] = {
    "3": {"key": "3", "code": "Digit3", "windowsVirtualKeyCode": 51, "text": "3"},
    "j": {"key": "j", "code": "KeyJ", "windowsVirtualKeyCode": 74, "text": "j"},
    "down": {"key": "ArrowDown", "code": "ArrowDown", "windowsVirtualKeyCode": 40},
}


class Cdp:
    """The smallest Chrome DevTools Protocol client: one page, calls in order, events ignored."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.next_id = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        ident = self.next_id
        await self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), 30))
            if message.get("id") == ident:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def screen(self) -> str:
        result = await self.call("Runtime.evaluate", expression=READ_SCREEN, returnByValue=True)
        return str(result.get("result", {}).get("value") or "")

    async def wait_for(self, condition: Any, what: str, timeout: float = 40.0) -> str:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        text = ""
        while loop.time() < deadline:
            text = await self.screen()
            if condition(text):
                return text
            await asyncio.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; the screen read:\n{text}")

    async def press(self, name: str) -> None:
        key = KEYS[name]
        down = {"type": "keyDown" if "text" in key else "rawKeyDown", **key}
        await self.call("Input.dispatchKeyEvent", **down)
        up = {k: v for k, v in key.items() if k != "text"}
        await self.call("Input.dispatchKeyEvent", type="keyUp", **up)


def start_chromium(profile: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Chromium with a fresh profile; returns the process and the page's CDP websocket URL."""
    assert CHROMIUM is not None
    proc = subprocess.Popen(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=(profile.parent / "chromium.log").open("wb"),
        start_new_session=True,
    )
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"chromium exited with {proc.returncode}; see {profile.parent / 'chromium.log'}")
        lines = port_file.read_text().split() if port_file.exists() else []
        if len(lines) >= 2:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("chromium did not open its DevTools port")
    with urllib.request.urlopen(f"http://127.0.0.1:{lines[0]}/json/list", timeout=10) as r:
        targets = json.load(r)
    page = next(t for t in targets if t.get("type") == "page")
    return proc, page["webSocketDebuggerUrl"]


def stop_chromium(proc: subprocess.Popen[bytes]) -> None:
    """Chromium and its helper processes (its own process group)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def cursor_episode(screen: str, names: list[str]) -> str | None:
    """Name of the episode whose grid line carries the cursor mark ``▶``."""
    for line in screen.splitlines():
        for name in names:
            if f"▶ {name}" in line:
                return name
    return None


ATTACK = """<!DOCTYPE html><html><body><script>
window.__attack = [];
const ws = new WebSocket(%s);
ws.onopen = () => window.__attack.push('open');
ws.onerror = () => window.__attack.push('error');
ws.onclose = (e) => window.__attack.push('close ' + e.code);
</script></body></html>"""
"""A page of another origin trying to open a session on the served triffin."""


@contextmanager
def attacker_site(ws_url: str) -> Iterator[str]:
    """A second loopback HTTP server (another port, so another origin) serving :data:`ATTACK`."""
    body = (ATTACK % json.dumps(ws_url)).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


async def attack(cdp: Cdp, page: str) -> list[str]:
    """Load the attacker's page; the events its websocket saw once it stopped trying."""
    await cdp.call("Page.navigate", url=page)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    events: list[str] = []
    while loop.time() < deadline:
        result = await cdp.call(
            "Runtime.evaluate", expression="JSON.stringify(window.__attack || null)", returnByValue=True
        )
        events = json.loads(result.get("result", {}).get("value") or "null") or []
        if any(e.startswith("close") for e in events) or "open" in events:
            break
        await asyncio.sleep(0.1)
    return events


async def drive(ws_url: str, url: str, shot: Path, served: Served, attacker: str) -> dict[str, Any]:
    names = [e.name for e in BUILTIN_EPISODES]
    async with websockets.connect(ws_url, max_size=None) as ws:
        cdp = Cdp(ws)
        await cdp.call("Page.enable")
        await cdp.call("Runtime.enable")
        await cdp.call("Page.addScriptToEvaluateOnNewDocument", source=HOOK)
        started = time.monotonic()
        await cdp.call("Page.navigate", url=url)
        loaded = await cdp.wait_for(
            lambda s: "Crisis scorecard" in s and "DEMO" in s and names[0] in s, "the demo dashboard"
        )
        seconds = time.monotonic() - started
        await cdp.call("Runtime.evaluate", expression="document.querySelector('.xterm-helper-textarea').focus()")
        await cdp.press("3")
        focused = await cdp.wait_for(
            lambda s: "▶ Crisis scorecard" in s and cursor_episode(s, names) == names[0], "the grid to take focus"
        )
        await cdp.press("j")
        after_j = await cdp.wait_for(lambda s: cursor_episode(s, names) == names[1], f"the cursor on {names[1]}")
        await cdp.press("down")
        after_down = await cdp.wait_for(lambda s: cursor_episode(s, names) == names[2], f"the cursor on {names[2]}")
        png = await cdp.call("Page.captureScreenshot", format="png")
        shot.write_bytes(base64.b64decode(png["data"]))
        attacked = await attack(cdp, attacker)
        await cdp.call("Page.navigate", url=served.base)  # the page without its token
        await asyncio.sleep(0.5)
        tokenless = await cdp.call(
            "Runtime.evaluate", expression="document.body ? document.body.innerText : ''", returnByValue=True
        )
        return {
            "loaded": loaded,
            "focused": focused,
            "after_j": after_j,
            "after_down": after_down,
            "seconds": seconds,
            "attacked": attacked,
            "tokenless": str(tokenless.get("result", {}).get("value") or ""),
        }


def test_browser_with_the_token_drives_the_dashboard_and_another_origin_is_refused(tmp_path: Path) -> None:
    names = [e.name for e in BUILTIN_EPISODES]
    profile = tmp_path / "profile"
    profile.mkdir()
    shot = tmp_path / "triffin-browser.png"
    with serving(tmp_path) as served, attacker_site(served.ws) as attacker:
        assert served.token and served.token in served.page
        chromium, ws_url = start_chromium(profile)
        try:
            seen = asyncio.run(drive(ws_url, served.page, shot, served, attacker))
        finally:
            stop_chromium(chromium)
    assert "REGIME" in seen["loaded"] and "DEMO" in seen["loaded"]
    assert "▶ Crisis scorecard" not in seen["loaded"]  # the table had focus first
    assert cursor_episode(seen["focused"], names) == names[0]
    assert cursor_episode(seen["after_j"], names) == names[1]
    assert cursor_episode(seen["after_down"], names) == names[2]
    assert seen["after_j"] != seen["focused"]
    # Another origin's page, with the token: the browser's handshake carries its Origin and is refused.
    assert "open" not in seen["attacked"] and any(e.startswith("close") for e in seen["attacked"]), seen["attacked"]
    assert "token required" in seen["tokenless"], seen["tokenless"]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    artifacts = os.environ.get("TRIFFIN_E2E_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(artifacts) / shot.name)
