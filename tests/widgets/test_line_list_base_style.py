"""The line widgets' base style is worked out once per repaint, and never outlives a style change."""

from __future__ import annotations

from textual.dom import DOMNode
from widget_hosts import WidgetHost, record_style_walks, sample_rows

from widgets.live_table import LiveTable


async def test_a_full_render_walks_the_ancestors_once_not_twice_a_line(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 20: ``rich_style`` (a walk over every ancestor's styles) was asked twice per
    rendered line, about 60 % of a line's cost; now once per repaint of the widget."""
    table = LiveTable(sample_rows())
    async with WidgetHost(table).run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        walked = record_style_walks(monkeypatch)
        table.refresh()
        height = table.size.height
        for y in range(height):
            table.render_line(y)
        walks = sum(node is table for node in walked)
        assert height > 10 and walks == 1, (walks, height)


async def test_a_theme_change_repaints_with_the_new_theme_s_background() -> None:
    """The kept style is dropped when the styles change: after a theme switch the rendered
    lines carry the new theme's colours, exactly as a fresh walk gives them."""
    table = LiveTable(sample_rows())
    app = WidgetHost(table, theme="triffin-dark")
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        before = table.render_line(3)
        dark = DOMNode.rich_style.fget(table)  # type: ignore[misc]
        app.theme = "triffin-light"
        await pilot.pause()
        after = table.render_line(3)
        light = DOMNode.rich_style.fget(table)  # type: ignore[misc]
        assert dark.bgcolor != light.bgcolor
        assert table.rich_style == light
        assert {s.style.bgcolor for s in after if s.style is not None and s.style.bgcolor is not None} != {
            s.style.bgcolor for s in before if s.style is not None and s.style.bgcolor is not None
        }
