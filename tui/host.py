"""Provides :class:`Host`: what screens, the command palette and ``s`` may ask of the app.

Why a Protocol: screens must not import ``tui.app`` (the app imports the screens, and an
import cycle through eleven files made every change touch them all). The data itself is
the headless :class:`~datafeed.monitor.Monitor`'s; the host adds only what belongs to the
terminal: the config, ASCII mode, the signals screens subscribe to, and jumping around.
See docs/architecture.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.app import App
    from textual.signal import Signal

    from datafeed.monitor import Monitor
    from datafeed.updates import AlertEntry
    from tui.config import Config
    from tui.messages import DataUpdate
    from tui.presenters import MetricsViews
    from widgets.data import SourceView


class Host(Protocol):
    """The app as its screens see it (``tui.app.TriffinApp`` implements it)."""

    config: Config
    demo: bool
    """Started with ``--demo`` (the offline fallback is ``monitor.showing_demo``)."""
    ascii: bool
    monitor: Monitor[MetricsViews]
    ready: bool
    """True once the first data and metrics are on screen."""
    data_changed: Signal[DataUpdate]
    """Published on the UI thread after every update the app took in."""
    alert_logged: Signal[AlertEntry]
    """Published on the UI thread for every alert that fired."""

    def source_views(self) -> list[SourceView]:
        """Per-source health for the status bar."""
        ...

    def jump_to(self, kind: str, key: str) -> None:
        """Back to the dashboard with the cursor on an instrument, signal or episode."""
        ...

    def show_exhibit(self, exhibit: str | int) -> None:
        """The exhibits screen on one exhibit (id or number)."""
        ...


def host_of(app: App[object]) -> Host:
    """The running app as a :class:`Host` (triffin runs no other app)."""
    return cast("Host", app)
