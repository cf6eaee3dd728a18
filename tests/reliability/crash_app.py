"""Helper for ``test_terminal_safety.py``: the real ``triffin`` entry point, with an App that
raises inside an event handler a moment after it starts.

The crash is injected here, in a test-only subclass, not in the product: ``tui.app``'s
``TriffinApp`` is replaced by :class:`CrashingApp` before ``tui.cli.main`` runs, so the
real CLI, config, ``run_app`` and crash reporting are what is exercised.

    python -m tests.reliability.crash_app [triffin args...]    (env CRASH_IN: handler|worker|mount|none)

The exception message carries the FRED key inside a URL (as an httpx error would) to prove
the crash log and the terminal output redact it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import tui.app as app_mod
from tui.cli import main

WHERE = os.environ.get("CRASH_IN", "handler")


class CrashingApp(app_mod.TriffinApp):
    # Textual resolves a relative CSS_PATH next to the subclass's module; keep the app's.
    CSS_PATH = [
        Path(app_mod.__file__).parent / p
        for p in (
            [app_mod.TriffinApp.CSS_PATH]
            if isinstance(app_mod.TriffinApp.CSS_PATH, str)
            else list(app_mod.TriffinApp.CSS_PATH or [])
        )
    ]

    def on_mount(self) -> None:
        if WHERE == "mount":
            self._boom()
        super().on_mount()
        if WHERE == "worker":
            self.set_timer(0.8, lambda: self.run_worker(self._boom_async(), exit_on_error=True))
        elif WHERE == "handler":
            self.set_timer(0.8, self._boom)

    async def _boom_async(self) -> None:
        self._boom()

    def _boom(self) -> None:
        key = os.environ.get("FRED_API_KEY", "nokey")
        raise RuntimeError(
            f"deliberate test crash fetching https://api.stlouisfed.org/fred/series/observations?series_id=DGS10&api_key={key}"
        )


app_mod.TriffinApp = CrashingApp  # type: ignore[misc]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
