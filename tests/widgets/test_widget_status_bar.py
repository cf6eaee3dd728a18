"""StatusBar: an unmissable DEMO / OFFLINE banner and per-source state in words."""

from __future__ import annotations

import pytest
from textual.widget import Widget
from widget_hosts import WidgetHost, lines_of, sample_sources

from widgets.data import SourceView
from widgets.status_bar import StatusBar


def _screen_lines(bar: StatusBar) -> list[str]:
    return [line for child in bar.children if child.display for line in lines_of(child)]


def _banner(bar: StatusBar) -> Widget:
    return bar.children[0]


async def test_demo_banner_is_full_width_reverse_video_and_spelled_out() -> None:
    bar = StatusBar(sample_sources(), mode="demo")
    async with WidgetHost(bar).run_test(size=(100, 10)):
        lines = _screen_lines(bar)
        assert lines[0].strip() == "DEMO — synthetic data, not market prices"
        strip = _banner(bar).render_line(0)
        assert strip.cell_length == 100
        # Every cell, padding included, is reverse video: visible without colour.
        assert all(seg.style is not None and seg.style.reverse for seg in strip)
        assert bar.has_class("-banner")


async def test_offline_banner_and_custom_text() -> None:
    bar = StatusBar(sample_sources(), mode="offline", ascii=True)
    async with WidgetHost(bar).run_test(size=(100, 10)) as pilot:
        assert _screen_lines(bar)[0].strip().startswith("OFFLINE - live sources unreachable")
        bar.set_mode("offline", "OFFLINE — no network; DEMO synthetic data, not market prices")
        await pilot.pause()
        assert "DEMO synthetic data" in _screen_lines(bar)[0]
        assert bar.banner_text is not None and bar.banner_text.isascii()


async def test_live_mode_has_no_banner_and_switching_back_shows_it() -> None:
    bar = StatusBar(sample_sources(), mode="live")
    async with WidgetHost(bar).run_test(size=(100, 10)) as pilot:
        assert bar.banner_text is None
        assert not _banner(bar).display
        height = bar.size.height
        bar.set_mode("demo")
        await pilot.pause()
        assert _banner(bar).display and bar.size.height == height + 1
        assert _screen_lines(bar)[0].strip().startswith("DEMO")


async def test_sources_show_state_age_retry_and_detail() -> None:
    bar = StatusBar(sample_sources())
    async with WidgetHost(bar).run_test(size=(140, 10)):
        line = _screen_lines(bar)[0]
        assert "fred ok 2m" in line
        assert "bundesbank STALE 3h retry 45s" in line
        assert "boj ERROR retry 2m (timeout)" in line
        assert "yahoo off" in line
        assert bar.sources_text == line.rstrip()


async def test_narrow_bar_wraps_between_sources_not_inside_one() -> None:
    bar = StatusBar(sample_sources(), ascii=True)
    async with WidgetHost(bar).run_test(size=(40, 10)):
        lines = [line.rstrip() for line in _screen_lines(bar)]
        assert len(lines) >= 3
        entries = [entry for line in lines for entry in line.split(" | ")]
        assert "boj ERROR retry 2m (timeout)" in entries
        assert all(len(line) <= 40 for line in lines)


async def test_set_sources_updates_text() -> None:
    bar = StatusBar(sample_sources())
    async with WidgetHost(bar).run_test(size=(140, 10)) as pilot:
        bar.set_sources([SourceView("fred", "error", "1d", "30s", "HTTP 503")])
        await pilot.pause()
        assert _screen_lines(bar)[0].strip() == "fred ERROR 1d retry 30s (HTTP 503)"


def test_bad_mode_and_state_are_rejected() -> None:
    with pytest.raises(ValueError, match="mode"):
        StatusBar(mode="paper")
    with pytest.raises(ValueError, match="state"):
        SourceView("fred", "down")


async def test_banner_survives_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under NO_COLOR Textual strips colours but keeps attributes: the bar stays reverse."""
    from textual.color import Color
    from textual.filter import NoColor

    monkeypatch.setenv("NO_COLOR", "1")
    bar = StatusBar(sample_sources(), mode="demo")
    app = WidgetHost(bar)
    assert app.no_color
    async with app.run_test(size=(80, 10)):
        segments = NoColor().apply(list(_banner(bar).render_line(0)), Color(0, 0, 0))
        assert all(seg.style is not None and seg.style.reverse for seg in segments)
        assert all(seg.style is not None and seg.style.color.is_default for seg in segments)


async def test_a_demo_bar_is_not_restyled_after_it_mounts(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 20: the banner's class and display are set before mounting; a class added in
    on_mount restyled the bar and its children once more in front of the first frame."""
    bar = StatusBar(sample_sources(), mode="demo")
    app = WidgetHost(bar)
    restyled: list[object] = []
    original = type(app).update_styles

    def spy(self, node=None, animate=True):  # type: ignore[no-untyped-def]
        restyled.append(node)
        return original(self, node, animate=animate)

    monkeypatch.setattr(type(app), "update_styles", spy)
    async with app.run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        assert bar.has_class("-banner") and _banner(bar).display
        assert bar not in restyled, restyled
        assert _screen_lines(bar)[0].strip() == "DEMO — synthetic data, not market prices"
