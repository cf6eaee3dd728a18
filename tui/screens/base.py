"""Provides :class:`DetailScreen`, the base of the drill-down screens.

Every drill-down goes back with Esc or backspace, keeps the DEMO / OFFLINE banner and the
source status in view (a chart of synthetic data must never pass for market data), and
re-lays itself out below 100 columns (chart on top, details below, one scroll).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.screen import Screen

from widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui.app import DataUpdate, TriffinApp

NARROW_BELOW = 100
"""Below this many columns a drill-down stacks its parts vertically."""


class DetailScreen(Screen[None]):
    """Base of the drill-downs: back keys, status bar upkeep, narrow layout."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back", id="back", tooltip="Back to the dashboard"),
    ]
    """Esc or backspace goes back."""

    @property
    def triffin(self) -> TriffinApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def action_back(self) -> None:
        """Back to the previous screen."""
        self.app.pop_screen()

    def on_mount(self) -> None:
        """Subscribe to data updates and lay out for the terminal."""
        self.triffin.data_changed.subscribe(self, self._data_changed)
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")
        self._paint_status()

    def on_resize(self, event: Resize) -> None:
        """Stack vertically on narrow terminals."""
        self.set_class(event.size.width < NARROW_BELOW, "-narrow")

    def _data_changed(self, update: DataUpdate) -> None:
        if update.status or update.everything:
            self._paint_status()
        self.on_data(update)

    def on_data(self, update: DataUpdate) -> None:
        """Repaint what ``update`` touched (subclasses)."""

    def _paint_status(self) -> None:
        for bar in self.query(StatusBar):
            bar.set_mode(self.triffin.status_mode, self.triffin.banner)
            bar.set_sources(self.triffin.source_views())
