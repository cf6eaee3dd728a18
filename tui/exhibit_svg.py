"""Provides :func:`exhibit_svg`: one exhibit drawn as an SVG without a terminal.

Why a tiny headless app: the picture ``triffin export --exhibit ID --format svg`` writes
should be the one the Exhibits screen shows (the same chart widget, the same lines under
it, the same theme), not a second renderer that drifts from it. Textual renders an app
without a terminal and exports the screen as SVG; this app holds only a title, the chart,
the notes and, for demo data, the DEMO line, so it needs no Monitor, no feed and no network.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from datafeed.labels import DEMO_NOTICE
from themes import BUILTIN_THEMES, DEFAULT_THEME, theme_variable_defaults
from tui.exhibit_view import ExhibitView, notes_text
from widgets.chart import SeriesChart

SVG_SIZE = (120, 40)
"""Columns and rows of the exported picture (the size the snapshots and the issue use)."""


class _ExhibitApp(App[None]):
    """Title, chart, notes (and the DEMO line): the exhibit as the screen draws it."""

    CSS: ClassVar[str] = """
    #title { height: 1; background: $panel; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    #chart { height: 1fr; min-height: 8; }
    #notes { height: auto; max-height: 50%; padding: 0 1; background: $panel; }
    #demo { height: 1; text-style: bold reverse; content-align: center middle; }
    """

    def __init__(self, view: ExhibitView, *, demo: bool, theme: str, ascii: bool, title: str) -> None:
        super().__init__()
        self._view = view
        self._demo = demo
        self._ascii = ascii
        self.title = title
        for builtin in BUILTIN_THEMES.values():
            self.register_theme(builtin)
        self.theme = theme if theme in self.available_themes else DEFAULT_THEME

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """triffin's chart colours for the theme in force."""
        return theme_variable_defaults(self.current_theme)

    def compose(self) -> ComposeResult:
        """The exhibit's parts, top to bottom."""
        view = self._view
        title = Text(f"Exhibit {view.number}/10  {view.title}", style="bold")
        if self._demo:
            title.append("   DEMO — synthetic", style="bold reverse")
        yield Static(title, id="title")
        yield SeriesChart(view.chart, id="chart", ascii=self._ascii)
        yield Static(notes_text(view, ascii=self._ascii), id="notes")
        if self._demo:
            yield Static(DEMO_NOTICE, id="demo")


async def _render(app: _ExhibitApp, size: tuple[int, int]) -> str:
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        return app.export_screenshot(title=app.title)


def exhibit_svg(
    view: ExhibitView,
    *,
    demo: bool,
    theme: str = DEFAULT_THEME,
    ascii: bool = False,
    size: tuple[int, int] = SVG_SIZE,
) -> str:
    """The exhibit as an SVG document (the chart and the lines under it)."""
    title = f"triffin exhibit {view.number} {view.id}" + (" DEMO" if demo else "")
    app = _ExhibitApp(view, demo=demo, theme=theme, ascii=ascii, title=title)
    return asyncio.run(_render(app, size))
