"""Provides starting the Textual app with terminal safety around it.

An exception anywhere in the UI must restore the terminal and leave the traceback in a log
file under ``platformdirs.user_log_dir("triffin")``, with the path printed.

Textual 8 does not raise such an exception out of ``App.run()``: it records it, shuts the
app down (restoring the terminal), prints a Rich traceback *with local variables* to stderr
and returns. :func:`guard` hooks the app instance so the first exception's traceback is
kept (for the log file) and Textual's own print-out is replaced by two redacted lines: a
traceback with locals could put an API key on the screen.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from typing import TYPE_CHECKING, Any

from tui.config import Config, default_log_dir

if TYPE_CHECKING:
    from datafeed.recording import ReplayTransport


def run_app(config: Config, *, demo: bool, replay: ReplayTransport | None = None) -> int:
    """Run the TUI; returns the process exit code. Meant to end the process (see below).

    The cyclic garbage collector is kept off what exists when the app starts and when it
    ends (``gc.freeze()``): at start the interpreter, Textual and triffin's modules, which
    the collector would otherwise walk again and again while the first frame is built
    (~60 ms of CPU on a small machine); at the end everything, which the interpreter's
    final collection would otherwise walk once more before the process exits (pandas and
    the store: 0.3-0.6 s of the time between ``q`` and the shell prompt). Frozen objects
    are still freed by reference counting; only cycles among them outlive a caller that
    would go on running, which is why this belongs to the process's last call.

    Args:
        config: the loaded config.
        demo: run on the synthetic demo feed.
        replay: a recording to play instead of asking live sources.
    """
    import gc

    from tui.app import TriffinApp

    app = TriffinApp(config, demo=demo, replay=replay) if replay is not None else TriffinApp(config, demo=demo)
    guard(app)
    gc.freeze()
    try:
        app.run()
    except KeyboardInterrupt:
        return 130
    except Exception:  # raised before or after Textual's own handling; terminal restored
        return _crash_report(traceback.format_exc())
    finally:
        gc.freeze()
    crash = getattr(app, "_crash_text", None)
    if crash:
        return _crash_report(crash)
    if app.return_code not in (None, 0):
        return int(app.return_code or 1)
    return 0


def guard(app: Any) -> None:  # it patches the instance's private hooks: no type would hold
    """Keep the first unhandled exception of ``app`` and silence Textual's print-out of it.

    Hooks two methods of this one instance (Textual calls ``self._handle_exception(error)``
    for every exception in a handler, worker or widget, and ``_print_error_renderables``
    once the terminal is restored).
    """
    app._crash_text = None
    handle_exception = app._handle_exception
    print_errors = app._print_error_renderables

    def _handle_exception(error: Exception) -> None:
        if app._crash_text is None:
            text = "".join(traceback.format_exception(error))
            inner = getattr(error, "error", None)  # WorkerFailed carries the worker's exception
            if isinstance(inner, BaseException):
                text = "".join(traceback.format_exception(inner)) + "\n" + text
            app._crash_text = text
        handle_exception(error)

    def _print_error_renderables() -> None:
        if app._crash_text is None:
            print_errors()
        else:  # run_app prints a redacted summary and the log path instead
            app._exit_renderables.clear()

    app._handle_exception = _handle_exception
    app._print_error_renderables = _print_error_renderables


def _crash_report(text: str) -> int:
    """Write the redacted traceback to a new file in the log dir; print its last line and path."""
    from datafeed import __version__
    from datafeed.errors import redact

    text = redact(text)
    last = next((line for line in reversed(text.strip().splitlines()) if line.strip()), "unknown error")
    print(f"triffin: crashed: {last.strip()[:300]}", file=sys.stderr)
    header = (
        f"triffin {__version__} crashed at {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}\n"
        f"python {sys.version.split()[0]} on {sys.platform}; argv {redact(' '.join(sys.argv))}\n\n"
    )
    try:
        folder = default_log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(header + text)
        print(f"triffin: the traceback is in {path}", file=sys.stderr)
    except OSError as exc:
        print(f"triffin: could not write a crash log ({exc.strerror}); the traceback follows", file=sys.stderr)
        print(text, file=sys.stderr)
    return 1
