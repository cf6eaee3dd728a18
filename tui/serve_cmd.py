"""Provides ``triffin serve``: the TUI as a web page, safe by default.

textual-serve runs a small aiohttp server: ``GET /`` returns a page with xterm.js, and every
browser tab that opens it gets its own ``triffin`` process (``python -m tui`` with the same
``--config``, ``--theme``, ``--refresh``, ``--ascii`` and ``--demo``) driven over a
websocket. Keys, mouse and resizes work as in a terminal; ``s`` saves on the server and
also delivers the files to the browser as downloads.

Why guards: a browser applies no same-origin rule to WebSocket handshakes, so without them
any web page the user visits could open ``ws://127.0.0.1:8000/ws``, start triffin
processes, type keys, read the screen and save files. :class:`GuardedServer` (a subclass of
textual-serve's ``Server``, replacing its routes) therefore:

- requires a **per-run token** (like Jupyter): the URL printed at start carries
  ``?token=…``; the page is refused without it and embeds it in its websocket URL
  (``/ws/<token>``; scripts may use ``/ws?token=…``); compared in constant time.
  ``--no-token`` drops it, on a loopback address only;
- refuses a websocket handshake whose ``Origin`` is not the served origin (the public
  URL's, plus ``localhost``/``127.0.0.1``/``[::1]`` on the same port when bound to
  loopback) or one listed with ``--allow-origin`` / ``[serve] allowed_origins``. A
  handshake without ``Origin`` is not from a browser page and needs the token like any;
- caps concurrent sessions (``--max-sessions`` / ``[serve] max_sessions``, default 4) and
  answers the page with a clear "all sessions in use" page (HTTP 503) beyond that;
- serves ``/static/`` without directory listings;
- binds off loopback only with ``--public`` *and* a token; anything else is refused with
  one line and exit code 2.

Alerts across sessions: each session is its own process with its own alert engine, so the
server names a shared state file (``TRIFFIN_ALERT_STATE``, under the user state dir) that
:class:`datafeed.alerts.SharedCommandGate` locks: an alert command runs at most once per
cooldown and once per firing event, however many tabs are open. Every session still shows
its own firings.

Download links (``/download/<key>``) carry textual's random 128-bit delivery key, created
only by a session that passed the checks above, and are not otherwise guarded.
"""

from __future__ import annotations

import hmac
import html
import ipaddress
import os
import secrets
import shlex
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from aiohttp import web

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_SESSIONS = 4
MAX_SESSIONS_LIMIT = 64
"""Largest ``--max-sessions`` accepted (each session is a triffin process of ~100 MB)."""


class ServeError(ValueError):
    """A serve option that cannot be honoured, as one line (exit code 2)."""


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(
    *,
    demo: bool = False,
    config_path: str | None = None,
    theme: str | None = None,
    refresh: float | None = None,
    ascii: bool | None = None,
    python: str | None = None,
) -> str:
    """The shell command each browser session runs (textual-serve starts it with a shell).

    Every part is quoted, so paths with spaces or shell syntax stay one argument.
    """
    argv: list[str] = [python or sys.executable, "-m", "tui"]
    if config_path:
        argv += ["--config", str(Path(config_path).expanduser().resolve())]
    if theme:
        argv += ["--theme", theme]
    if refresh is not None:
        argv += ["--refresh", f"{refresh:g}"]
    if ascii:
        argv.append("--ascii")
    if demo:
        argv.append("--demo")
    return " ".join(shlex.quote(a) for a in argv)


def public_url_for(host: str, port: int) -> str:
    """The URL printed and embedded in the page (an IPv6 host in brackets)."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def normalize_origin(value: str) -> str | None:
    """``scheme://host[:port]`` in lower case, the default port dropped; None when not an origin.

    Why normalise: browsers send ``Origin`` as scheme, host and non-default port exactly so;
    an allow-list entry written ``HTTP://Example.org:443/`` must still match it.
    """
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host or parts.path not in ("", "/") or parts.query or parts.username:
        return None
    shown = f"[{host}]" if ":" in host else host
    default = 80 if scheme == "http" else 443
    return f"{scheme}://{shown}" + (f":{port}" if port is not None and port != default else "")


def allowed_origins(host: str, port: int, public_url: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The origins whose pages may open a session.

    The public URL's origin; on a loopback bind also ``localhost``, ``127.0.0.1`` and
    ``[::1]`` on the same port (a user may type any of them); plus ``extra``.

    Raises:
        ServeError: an ``extra`` entry (or the public URL) that is not an http(s) origin.
    """
    out: set[str] = set()
    for value in (public_url, *extra):
        origin = normalize_origin(value)
        if origin is None:
            raise ServeError(f"{value!r} is not an http(s) origin like https://example.org:8443")
        out.add(origin)
    if is_loopback(host):
        out |= {f"http://{name}:{port}" for name in ("localhost", "127.0.0.1", "[::1]")}
    return frozenset(out)


def check_bind(host: str, *, public: bool, token: bool) -> None:
    """Refuse a bind that would expose triffin without both ``--public`` and a token.

    Raises:
        ServeError: off loopback without ``--public``, or ``--no-token`` off loopback.
    """
    if is_loopback(host):
        return
    if not public:
        raise ServeError(
            f"serving on {host} exposes triffin to the network: add --public to mean it "
            "(a token is then required), or keep 127.0.0.1 and use an SSH tunnel"
        )
    if not token:
        raise ServeError(f"--no-token is refused off loopback: anyone reaching {host} would get triffin")


def alert_state_path() -> Path:
    """The file served sessions share alert-command state in (under the user state dir)."""
    import platformdirs

    return Path(platformdirs.user_state_dir("triffin")) / "serve-alert-state.json"


_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>triffin serve</title></head>
<body style="font-family:monospace;padding:3em">
<h1>{title}</h1><p>{text}</p></body></html>
"""


def page(status: int, title: str, text: str) -> web.Response:
    """A small, self-contained HTML page (no script, no external resource)."""
    from aiohttp import web

    body = _PAGE.format(title=html.escape(title), text=html.escape(text))
    return web.Response(status=status, text=body, content_type="text/html", headers={"Cache-Control": "no-store"})


def _guarded_server_class() -> type[Any]:
    """:class:`GuardedServer`, built on import of textual-serve (a dependency, imported late:
    every other command starts without aiohttp)."""
    import aiohttp_jinja2
    import jinja2
    from aiohttp import web
    from textual_serve.server import Server, to_int

    class GuardedServer(Server):
        """textual-serve's server with a token, an Origin check, a session cap and no listings.

        Args:
            command: the shell command each session runs.
            host, port, title, public_url: as textual-serve's ``Server``.
            token: the per-run token (None: ``--no-token``).
            origins: normalised origins allowed to open a session.
            max_sessions: sessions running at once.
        """

        def __init__(
            self,
            command: str,
            *,
            host: str,
            port: int,
            title: str,
            public_url: str,
            token: str | None,
            origins: frozenset[str],
            max_sessions: int,
        ) -> None:
            super().__init__(command, host=host, port=port, title=title, public_url=public_url)
            self.token = token
            self.origins = origins
            self.max_sessions = max_sessions
            self.sessions = 0
            self.refused: dict[str, int] = {"origin": 0, "token": 0, "full": 0}

        async def _make_app(self) -> web.Application:
            app = web.Application()
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
            app.add_routes(
                [
                    web.get("/", self.handle_index, name="index"),
                    web.get("/ws", self.handle_websocket, name="websocket"),
                    web.get("/ws/{token}", self.handle_websocket, name="websocket-token"),
                    web.get("/download/{key}", self.handle_download, name="download"),
                    web.static("/static", self.statics_path, show_index=False, name="static"),
                ]
            )
            app.on_startup.append(self.on_startup)
            app.on_shutdown.append(self.on_shutdown)
            return app

        async def on_startup(self, app: web.Application) -> None:
            """Quiet: ``run_serve`` prints the one line a user needs (with the token)."""

        def initialize_logging(self) -> None:
            """textual-serve's logging, minus aiohttp's access log (its lines would carry the token)."""
            import logging

            super().initialize_logging()
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        def token_ok(self, given: str | None) -> bool:
            """True without a token, or when ``given`` is the token (constant-time)."""
            if self.token is None:
                return True
            return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

        def full_page(self) -> web.Response:
            return page(
                503,
                "triffin serve: all sessions are in use",
                f"This server runs at most {self.max_sessions} sessions at once and all are open. "
                "Close another triffin tab (or wait for one to end), then reload this page.",
            )

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            """The page, only with the token; a clear page when the sessions are all taken."""
            if not self.token_ok(request.query.get("token")):
                self.refused["token"] += 1
                return page(
                    403,
                    "triffin serve: token required",
                    "Open the address printed by `triffin serve` when it started; it ends in ?token=…",
                )
            if self.sessions >= self.max_sessions:
                self.refused["full"] += 1
                return self.full_page()
            ws = self.public_url.rstrip("/") + ("/ws" if self.token is None else f"/ws/{self.token}")
            ws = ("wss:" if ws.startswith("https:") else "ws:") + ws.split(":", 1)[1]
            context = {
                "font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": ws,
                "config": {"static": {"url": self.public_url.rstrip("/") + "/static/"}},
                "application": {"name": self.title},
            }
            response = aiohttp_jinja2.render_template("app_index.html", request, context)
            response.headers["Cache-Control"] = "no-store"  # the page holds the token
            response.headers["Referrer-Policy"] = "no-referrer"
            return response

        # textual-serve annotates a WebSocketResponse; a refusal answers with a plain HTTP page before
        # the handshake instead, which aiohttp accepts from any handler.
        async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
            """Origin, token and capacity are checked before the handshake completes."""
            origin = request.headers.get("Origin")
            if origin is not None and normalize_origin(origin) not in self.origins:
                self.refused["origin"] += 1
                return page(403, "triffin serve: origin refused", "This page's origin may not open a session.")
            given = request.match_info.get("token") or request.query.get("token")
            if not self.token_ok(given):
                self.refused["token"] += 1
                return page(403, "triffin serve: token required", "The websocket needs the server's token.")
            if self.sessions >= self.max_sessions:
                self.refused["full"] += 1
                return self.full_page()
            self.sessions += 1  # no await between the check and this: the cap holds
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions -= 1

    return GuardedServer


def run_serve(
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    public_url: str | None = None,
    demo: bool = False,
    config_path: str | None = None,
    theme: str | None = None,
    refresh: float | None = None,
    ascii: bool | None = None,
    public: bool = False,
    no_token: bool = False,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    allow_origins: Sequence[str] = (),
) -> int:
    """Serve until SIGINT or SIGTERM; returns the exit code (2 for refused options, 1 when
    the port cannot be opened)."""
    url = public_url or public_url_for(host, port)
    try:
        check_bind(host, public=public, token=not no_token)
        if not 1 <= max_sessions <= MAX_SESSIONS_LIMIT:
            raise ServeError(f"--max-sessions must be between 1 and {MAX_SESSIONS_LIMIT}, not {max_sessions}")
        origins = allowed_origins(host, port, url, allow_origins)
        server_class = _guarded_server_class()
    except ServeError as exc:
        print(f"triffin: {exc}", file=sys.stderr)
        return 2
    except ImportError:  # pragma: no cover - a dependency of the package
        print("triffin: serve needs textual-serve (pip install textual-serve)", file=sys.stderr)
        return 2
    token = None if no_token else secrets.token_urlsafe(24)
    os.environ.setdefault("TRIFFIN_ALERT_STATE", str(alert_state_path()))  # sessions inherit it
    command = app_command(demo=demo, config_path=config_path, theme=theme, refresh=refresh, ascii=ascii)
    title = "triffin — DEMO" if demo else "triffin"
    server = server_class(
        command,
        host=host,
        port=port,
        title=title,
        public_url=url,
        token=token,
        origins=origins,
        max_sessions=max_sessions,
    )
    address = url.rstrip("/") + "/" + (f"?token={token}" if token else "")
    print(
        f"triffin serve: open {address} in a browser{' (DEMO feed)' if demo else ''}; "
        f"at most {max_sessions} session(s); Ctrl-C stops",
        file=sys.stderr,
        flush=True,
    )
    _quiet_exit_noise()
    try:
        server.serve()
    except OSError as exc:
        print(f"triffin: cannot serve on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # pragma: no cover - the server's signal handler normally wins
        pass
    return 0


def _quiet_exit_noise() -> None:
    """Drop one harmless traceback at exit.

    textual-serve leaves the pipes of a finished session's process to the garbage collector;
    when that runs after the event loop closed (on Ctrl-C or SIGTERM), asyncio's transport
    finaliser prints "Exception ignored ... RuntimeError: Event loop is closed". Nothing is
    lost (that process has exited), so only that exact error is silenced; every other
    unraisable exception still reaches the default hook.
    """
    previous = sys.unraisablehook

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        exc = unraisable.exc_value
        if isinstance(exc, RuntimeError) and str(exc) == "Event loop is closed":
            return
        previous(unraisable)

    sys.unraisablehook = hook
