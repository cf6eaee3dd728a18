"""Provides starting the Textual app with terminal safety around it.

An exception anywhere in the UI must restore the terminal and leave the traceback in a log
file under ``platformdirs.user_log_dir("triffin")``, with the path printed.
"""

from __future__ import annotations

import datetime as dt
import sys
import traceback

from tui.config import Config, default_log_dir


def run_app(config: Config, *, demo: bool, replay: object | None = None) -> int:
    """Run the TUI; returns the process exit code.

    Args:
        config: the loaded config.
        demo: run on the synthetic demo feed.
        replay: a ``datafeed.recording.ReplayTransport`` to play instead of live sources.
    """
    from tui.app import TriffinApp

    app = TriffinApp(config, demo=demo, replay=replay) if replay is not None else TriffinApp(config, demo=demo)
    try:
        app.run()
    except KeyboardInterrupt:
        return 130
    except Exception:  # Textual restores the terminal before re-raising
        return _crash_report(traceback.format_exc())
    if app.return_code not in (None, 0):
        # Textual printed the traceback already; keep a copy for bug reports.
        tb = getattr(app, "_crash_text", None)
        if tb:
            _crash_report(tb)
        return int(app.return_code or 1)
    return 0


def _crash_report(text: str) -> int:
    from datafeed.errors import redact

    try:
        folder = default_log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.log"
        path.write_text(redact(text), encoding="utf-8")
        print(f"triffin crashed; the traceback is in {path}", file=sys.stderr)
    except OSError:
        print(redact(text), file=sys.stderr)
    return 1
