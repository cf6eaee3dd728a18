"""Provides :data:`APP_BINDINGS`, the keys that work on every screen.

Why not on the app class alone: the help screen lists them, and a screen importing
``tui.app`` would close an import cycle (the app imports the screens). Every binding has
an id that ``[keymap]`` in the config can remap.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

APP_BINDINGS: list[BindingType] = [
    Binding("q", "quit", "Quit", id="quit", tooltip="Quit triffin"),
    Binding("question_mark", "show_help", "Help", id="help", tooltip="Every key, and the data sources"),
    Binding("r", "refresh_now", "Refresh", id="refresh-now", tooltip="Refresh every source now"),
    Binding("p", "toggle_pause", "Pause", id="pause", tooltip="Pause or resume the feed"),
    Binding("t", "cycle_theme", "Theme", id="cycle-theme", tooltip="Next colour theme"),
    Binding(
        "e",
        "show_exhibits",
        "Exhibits",
        id="exhibits",
        show=False,
        tooltip="The seed note's ten exhibits, redrawn from the data",
    ),
    Binding("a", "show_alerts", "Alert log", id="alert-log", show=False, tooltip="Every alert that fired"),
    Binding(
        "u", "show_auctions", "Auctions", id="auctions", show=False, tooltip="Newest Treasury auction of every line"
    ),
    Binding(
        "f",
        "show_holders",
        "Holders",
        id="holders",
        show=False,
        tooltip="Foreign holders (TIC) and Fed custody for foreign officials",
    ),
    Binding(
        "s",
        "save_view",
        "Save view",
        id="save-view",
        show=False,
        tooltip="Save an SVG screenshot and this view's data as CSV",
    ),
    Binding(
        "ctrl+p",
        "command_palette",
        "Commands",
        id="command-palette",
        priority=True,
        show=False,
        tooltip="Jump to any instrument, signal or crisis",
    ),
    Binding("ctrl+q", "quit", "Quit", id="quit-now", show=False, priority=True),
]
"""Global keys (``TriffinApp.BINDINGS``)."""
