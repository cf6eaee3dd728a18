"""The line widgets' styles in a render (issue 20, the first frame and every repaint).

Textual's ``get_component_rich_style(partial=True)`` also works out the full style of each
component class (a walk over every ancestor's styles) before returning the partial one;
the line widgets only use partial styles, so they ask Textual for those alone, and they
add each line's styles together once per repaint instead of once per cell. These tests
hold both: one walk per repaint, and exactly the styles Textual's own calls give.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rich.style import Style
from textual.scrollbar import ScrollBarRender
from widget_hosts import (
    REGIME,
    WidgetHost,
    record_style_walks,
    sample_rows,
    sample_scores,
    sample_signals,
    sample_sources,
)

from tui.screens.base import KeyBar
from widgets.glyphs import AsciiScrollBarRender
from widgets.line_list import LineListView
from widgets.live_table import LiveTable
from widgets.scorecard import ScorecardGrid
from widgets.signals_panel import SignalsPanel
from widgets.status_bar import StatusBar


def _table() -> LineListView:
    return LiveTable(sample_rows())


def _signals() -> LineListView:
    panel = SignalsPanel()
    panel.update_signals(sample_signals(), REGIME)
    return panel


def _grid() -> LineListView:
    return ScorecardGrid(sample_scores())


WIDGETS: list[Callable[[], LineListView]] = [_table, _signals, _grid]


@pytest.mark.parametrize("make", WIDGETS, ids=["table", "signals", "grid"])
async def test_a_repaint_walks_the_ancestors_once(make: Callable[[], LineListView], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A full repaint of the widget, and the repaint of one row after an update, work out a
    full style once (the widget's own): the old code walked once more for every component
    class it used (8-13 walks in a cold render of these widgets)."""
    widget = make()
    async with WidgetHost(widget).run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        walked = record_style_walks(monkeypatch)
        widget.refresh()
        height = widget.size.height
        for y in range(height):
            widget.render_line(y)
        assert height >= 5 and len(walked) == 1, (walked, height)
        key = widget.visible_keys[-1]
        walked.clear()
        assert widget._refresh_keys([key]) >= 1
        first, _count = widget._key_lines[key]
        widget.render_line(widget.header_height + first - round(widget.scroll_y))
        assert len(walked) == 1, walked


@pytest.mark.parametrize("make", WIDGETS, ids=["table", "signals", "grid"])
@pytest.mark.parametrize("theme", ["triffin-dark", "triffin-light"])
async def test_the_kept_styles_are_textual_s_own(make: Callable[[], LineListView], theme: str) -> None:
    """Every component class's partial style, and every sum a line makes of them, equal what
    ``get_component_rich_style`` and ``+`` give: unfocused, then focused, then in the other
    theme, each time with the styles kept from before (Textual's style updates drop them)."""
    widget = make()
    other = "triffin-light" if theme == "triffin-dark" else "triffin-dark"
    app = WidgetHost(widget, theme=theme)
    async with app.run_test(size=(140, 30)) as pilot:
        names = sorted(type(widget).COMPONENT_CLASSES)
        assert len(names) >= 7  # every widget compared has at least 7 parts
        seen: set[tuple[object, ...]] = set()
        for step in ("unfocused", "focused", "other theme"):
            if step == "unfocused":
                app.set_focus(None)
            elif step == "focused":
                widget.focus()
            elif step == "other theme":
                app.theme = other
            await pilot.pause()
            for name in names:
                assert widget._style(name) == widget.get_component_rich_style(name, partial=True), (step, name)
            for first in ("", *names):
                for second in ("", *names[:4]):
                    expected = widget.rich_style
                    for name in (first, second):
                        expected = expected + (widget.get_component_rich_style(name, partial=True) if name else Style())
                    assert widget._line_style(first, second) == expected, (step, first, second)
            seen.add(tuple(widget._line_style(name) for name in names))
        assert len(seen) == 3, "each step changed some style (else the test shows nothing)"


@pytest.mark.parametrize("theme", ["triffin-dark", "triffin-light"])
async def test_the_status_bar_walks_only_its_own_lines(theme: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The banner and the source lines walk their own ancestors (their base style), never
    once more per component class of the bar (the old code: one walk per class used);
    the partial styles are Textual's own."""
    bar = StatusBar(sample_sources(), mode="demo")
    async with WidgetHost(bar, theme=theme).run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        lines = list(bar.children)
        walked = record_style_walks(monkeypatch)
        bar.refresh()
        for line in lines:
            for y in range(line.size.height):
                line.render_line(y)
        assert len(lines) == 2 and walked, walked
        assert all(any(node is line for line in lines) for node in walked), walked
        monkeypatch.undo()
        for name in sorted(StatusBar.COMPONENT_CLASSES):
            assert bar.partial_style(name) == bar.get_component_rich_style(name, partial=True), name


async def test_no_scrollbar_is_started_before_it_is_needed() -> None:
    """Out of ASCII mode a line widget that fits starts no scrollbar widget at mount (it
    asked Textual for both, which creates and starts them); switching to ASCII gives them
    the ASCII renderer, and back the default one."""
    table = LiveTable(sample_rows()[:3])
    async with WidgetHost(table).run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        assert table._vertical_scrollbar is None and table._horizontal_scrollbar is None
        table.ascii = True
        assert table.vertical_scrollbar.renderer is AsciiScrollBarRender
        assert table.horizontal_scrollbar.renderer is AsciiScrollBarRender
        table.ascii = False
        assert table.vertical_scrollbar.renderer is ScrollBarRender
        assert table.horizontal_scrollbar.renderer is ScrollBarRender


async def test_the_key_bar_works_out_no_component_s_full_style(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The key bar's hint style is the partial one, as before, and no walk over a component
    class's ancestors is made for it (there was one per repaint)."""
    bar = KeyBar()
    async with WidgetHost(bar).run_test(size=(80, 5)) as pilot:
        await pilot.pause()
        walked = record_style_walks(monkeypatch)
        bar.refresh()
        bar.render()
        assert [node for node in walked if node is not bar] == []
        monkeypatch.undo()
        text = bar.render()
        key = bar.get_component_rich_style("key-bar--key", partial=True)
        assert text.spans and all(span.style == key for span in text.spans)
