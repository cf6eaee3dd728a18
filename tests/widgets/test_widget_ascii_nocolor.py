"""True ASCII and NO_COLOR at the widget level (issue 17).

ASCII: every widget, rendered together in a host app with the ascii flag, puts no byte
above 0x7F on the screen - not its marks, not the text it was given (``€STR``,
``Aaa−10Y``, ``−Δ10Y``, ``—``, ``→``), not a scrollbar, not a chart cursor.

NO_COLOR: Textual turns colours into greys (its ``Monochrome`` filter) and matches
``:nocolor``; the alarm states must then be the most emphatic text (bold reverse), and the
reassuring ones (``✓ haven``, ``intact``) plain.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rich.segment import Segment
from textual.color import Color
from textual.containers import Vertical
from textual.pilot import Pilot
from widget_hosts import DESK_CSS, WidgetHost, desk_widgets

from widgets.glyphs import AsciiScrollBarRender, ascii_text
from widgets.live_table import LiveTable


def _screen_segments(app: WidgetHost) -> Iterator[Segment]:
    """Every segment of the composed screen, after the app's line filters (as sent)."""
    filters = app.get_line_filters()
    for strip in app.screen._compositor.render_strips():  # noqa: SLF001 - the screen as composed
        for line_filter in filters:
            strip = strip.apply_filter(line_filter, Color(0, 0, 0))
        yield from strip


def _screen_bytes(app: WidgetHost) -> bytes:
    return "".join(segment.text for segment in _screen_segments(app)).encode("utf-8")


async def _exercise(pilot: Pilot[None]) -> None:
    """Scroll the table (its scrollbar thumb moves off the ends), move the chart cursor."""
    app = pilot.app
    table = app.query_one("#desk-table", LiveTable)
    table.focus()
    await pilot.press("o", "O", "l", "home")  # by name, descending: €STR comes first
    app.query_one("#desk-chart").focus()
    await pilot.press("left", "left", "left")
    await pilot.pause()


@pytest.mark.parametrize("how", ["constructor", "app class"])
async def test_every_widget_writes_only_ascii_bytes(how: str) -> None:
    widgets = desk_widgets(ascii=True) if how == "constructor" else desk_widgets()
    app = WidgetHost(Vertical(*widgets), css=DESK_CSS, ascii_app=how == "app class")
    async with app.run_test(size=(100, 50)) as pilot:
        await _exercise(pilot)
        data = _screen_bytes(app)
        high = sorted({b for b in data if b > 0x7F})
        assert not high, data.decode("utf-8")
        text = data.decode("ascii")
        # The content is there, folded, not dropped.
        for expected in ("ESTR", "Aaa-10Y", "-d10Y", "UST-Bund 10Y -> VIX", "DEMO - synthetic", "x broken"):
            assert expected in text
        table = app.query_one("#desk-table", LiveTable)
        assert table.vertical_scrollbar.renderer is AsciiScrollBarRender
        # Every scroll position: a thumb between cells is where block glyphs would appear.
        for y in range(1, int(table.max_scroll_y) + 1):
            table.scroll_to(y=y, animate=False, immediate=True)
            await pilot.pause()
            assert max(_screen_bytes(app)) <= 0x7F, y


async def test_without_the_flag_the_same_screen_has_unicode() -> None:
    """The scan above can fail: the same widgets without the flag draw non-ASCII glyphs."""
    app = WidgetHost(Vertical(*desk_widgets()), css=DESK_CSS)
    async with app.run_test(size=(100, 50)) as pilot:
        await _exercise(pilot)
        data = _screen_bytes(app)
        assert any(b > 0x7F for b in data)
        assert "€STR" in data.decode("utf-8")


def test_ascii_text_folds_known_symbols_and_never_drops_a_character() -> None:
    assert ascii_text("€STR 1.9 → 2.0 · Δ −3 — ok") == "ESTR 1.9 -> 2.0 . d -3 - ok"
    assert ascii_text("Zürich café") == "Zurich cafe"
    assert ascii_text("日本") == "??"
    assert ascii_text("plain") == "plain"


def _segments_with(app: WidgetHost, text: str) -> list[Segment]:
    return [segment for segment in _screen_segments(app) if text in segment.text]


async def test_no_color_makes_alarms_the_loudest_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = WidgetHost(Vertical(*desk_widgets()), css=DESK_CSS)
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        assert app.no_color
        for alarm in ("✗ broken", "ERODING", "ERROR"):
            segments = _segments_with(app, alarm)
            assert segments, alarm
            for segment in segments:
                assert segment.style is not None and segment.style.bold and segment.style.reverse, (alarm, segment)
                assert not segment.style.dim
        error_row = next(s for s in _screen_segments(app) if "JGB 10Y" in s.text)
        assert error_row.style is not None and error_row.style.reverse
        for calm in ("✓ haven", "intact"):
            for segment in _segments_with(app, calm):
                assert segment.style is not None and not segment.style.bold and not segment.style.reverse, calm
        # Colours are greys: nothing relies on hue.
        for segment in _screen_segments(app):
            if segment.style is not None and segment.style.color is not None:
                color = segment.style.color.get_truecolor()
                assert color.red == color.green == color.blue


async def test_with_colour_the_verdict_colours_come_from_the_theme() -> None:
    """Without NO_COLOR the reverse video is not forced (colour carries the alarm)."""
    app = WidgetHost(Vertical(*desk_widgets()), css=DESK_CSS)
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        broken = _segments_with(app, "✗ broken")[0]
        assert broken.style is not None and broken.style.bold and not broken.style.reverse
        haven = _segments_with(app, "✓ haven")[0]
        assert haven.style is not None and haven.style.color is not None
        assert Color.from_rich_color(haven.style.color) == Color.parse(app.theme_variables["verdict-haven"])
