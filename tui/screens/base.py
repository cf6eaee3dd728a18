"""Provides :class:`DetailScreen`, the base of the drill-down screens.

Every drill-down goes back with Esc or backspace, keeps the DEMO / OFFLINE banner and the
source status in view (a chart of synthetic data must never pass for market data), and
re-lays itself out below 100 columns (chart on top, details below, one scroll).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Click, Resize
from textual.screen import Screen
from textual.widget import Widget

from tui.host import Host, host_of
from widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tui.messages import DataUpdate

NARROW_BELOW = 100
"""Below this many columns a drill-down stacks its parts vertically."""


class KeyBar(Widget):
    """One line of key hints: the shown bindings of the screen and the app, keymap applied.

    Why not Textual's ``Footer``: it recomposes itself (a widget per key) on every focus
    change, which cost a few hundred milliseconds per Tab on the dashboard. The keys shown
    here do not depend on focus, so the line is built once; a click on a hint runs it.
    """

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    KeyBar > .key-bar--key { color: $footer-key-foreground; text-style: bold; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key"}

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str, DOMNode]] = []

    def on_mount(self) -> None:
        """Follow keymap changes (a refresh of one line; nothing is recomposed)."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def render(self) -> Text:
        """The hints, e.g. `` / Filter  q Quit  ? Help ...``; ``ctrl+p Commands`` last."""
        app = self.app
        # The partial style alone: get_component_rich_style works out the full one as well,
        # a walk over every ancestor's styles (issue 20, the first frame).
        key_style = self.get_component_styles("key-bar--key").partial_rich_style
        text = Text(" ")
        self._spans = []
        seen: set[str] = set()
        palette = None
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if binding.action in ("command_palette", "app.command_palette"):
                palette = palette or (key, active)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            start = len(text)
            text.append(app.get_key_display(binding), style=key_style)
            text.append(f" {binding.description}  ")
            self._spans.append((start, len(text), binding.action, active.node))
        if palette is not None:
            key, active = palette
            hint = f"{app.get_key_display(active.binding)} Commands "
            pad = max(self.size.width - cell_len(text.plain) - cell_len(hint), 1)
            text.append(" " * pad)
            start = len(text)
            text.append(app.get_key_display(active.binding), style=key_style)
            text.append(" Commands ")
            self._spans.append((start, len(text), active.binding.action, active.node))
        return text

    async def on_click(self, event: Click) -> None:
        """Run the binding under the mouse."""
        for start, end, action, node in self._spans:
            if start <= event.x < end:
                await self.app.run_action(action, node)
                break


class DetailScreen(Screen[None]):
    """Base of the drill-downs: back keys, status bar upkeep, narrow layout."""

    DEFAULT_CSS = """
    .detail-title {
        height: auto;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    .detail-body {
        height: 1fr;
        layout: horizontal;
    }
    .detail-stats {
        width: 50;
        height: 1fr;
        padding: 0 1;
        border: round $foreground 30%;
        background: $surface;
    }
    .detail-main { width: 1fr; height: 1fr; }
    .detail-note {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    .detail-chart {
        height: 1fr;
        min-height: 10;
    }
    .crisis-summary {
        height: auto;
        padding: 0 1;
        background: $surface;
    }
    .crisis-charts { height: 1fr; }
    .crisis-chart {
        height: 14;
        border: round $foreground 30%;
    }
    .crisis-chart.-selected { border: heavy $accent; }
    App.-ascii .crisis-chart, App.-ascii .detail-stats { border: ascii $foreground 30%; }
    App.-ascii .crisis-chart.-selected { border: ascii $accent; }

    /* The curves screen: the chart over the tenor grid and the spreads, one scroll. */
    .curves-body { height: 1fr; layout: vertical; overflow-y: auto; }
    .curves-chart { height: 1fr; min-height: 14; }
    .curves-grid { height: auto; padding: 0 1; background: $surface; }

    /* Narrow drill-downs: the chart on top, the stats below, one scroll. */
    .-narrow .detail-body { layout: vertical; overflow-y: auto; }
    .-narrow .detail-stats { width: 1fr; height: auto; }
    .-narrow .detail-main { height: auto; }
    .-narrow .detail-chart { height: 14; }
    """
    """The drill-downs' layout, parsed when the first one opens (not in the dashboard's first
    frame). Unscoped (``SCOPED_CSS = False``), so ``App.-ascii`` and ``.-narrow`` (a class on
    the screen itself) match as they would in the app's stylesheet; no rule in ``app.tcss``
    sets these properties on these nodes, so being default CSS loses nothing."""

    SCOPED_CSS: ClassVar[bool] = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back", id="back", tooltip="Back to the dashboard"),
    ]
    """Esc or backspace goes back."""

    @property
    def triffin(self) -> Host:
        """The app, as screens may see it."""
        return host_of(self.app)

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
        monitor = self.triffin.monitor
        for bar in self.query(StatusBar):
            bar.set_mode(monitor.status_mode, monitor.banner)
            bar.set_sources(self.triffin.source_views())
