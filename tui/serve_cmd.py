"""Provides ``triffin serve``: the TUI as a web page, for users who cannot open a terminal on the box.

textual-serve runs a small aiohttp server: ``GET /`` returns a page with xterm.js, and every
browser tab that opens it gets its own ``triffin`` process (``python -m tui`` with the same
``--config``, ``--theme``, ``--refresh``, ``--ascii`` and ``--demo``) driven over a
websocket. Keys, mouse and resizes work as in a terminal; ``s`` saves on the server and
also delivers the files to the browser as downloads.

There is no authentication, so the default host is ``127.0.0.1`` (reach it from elsewhere
with ``ssh -L 8000:127.0.0.1:8000 host``). Another host is served as asked, with a warning;
behind a proxy or on ``0.0.0.0``, ``--public-url`` names the address browsers use (the page
embeds it for its websocket).
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


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
) -> int:
    """Serve until SIGINT or SIGTERM; returns the exit code (1 when the port cannot be opened)."""
    try:
        from textual_serve.server import Server
    except ImportError:  # pragma: no cover - a dependency of the package
        print("triffin: serve needs textual-serve (pip install textual-serve)", file=sys.stderr)
        return 2
    if not is_loopback(host):
        print(
            f"triffin: warning: serving on {host}: anyone who can reach port {port} gets triffin, "
            "without a password; prefer 127.0.0.1 and an SSH tunnel",
            file=sys.stderr,
        )
    command = app_command(demo=demo, config_path=config_path, theme=theme, refresh=refresh, ascii=ascii)
    url = public_url or public_url_for(host, port)
    title = "triffin — DEMO" if demo else "triffin"
    server = Server(command, host=host, port=port, title=title, public_url=url)
    print(f"triffin serve: open {url} in a browser{' (DEMO feed)' if demo else ''}; Ctrl-C stops", file=sys.stderr)
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
