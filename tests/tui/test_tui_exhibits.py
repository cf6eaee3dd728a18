"""The exhibits screen on the deterministic demo feed: walking, the text under each chart,
the narrow layout, the palette entries and ``s``."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from tui_helpers import demo_app, demo_config, screen_text, wait_ready, wait_until

from datafeed.exhibits import EXHIBITS
from tui.screens.exhibits import ExhibitsScreen
from widgets.chart import SeriesChart


async def open_exhibits(pilot: Any) -> ExhibitsScreen:
    """``e`` from the dashboard, then until the ten are assembled."""
    await wait_ready(pilot)
    await pilot.press("e")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ExhibitsScreen), what="exhibits screen")
    screen = pilot.app.screen
    assert isinstance(screen, ExhibitsScreen)
    await wait_until(pilot, lambda: screen.views is not None, what="the exhibits")
    await pilot.pause()
    return screen


def flat(app: Any) -> str:
    """The screen's text with line breaks and repeated spaces folded (wrapped lines rejoin)."""
    return " ".join(screen_text(app).split())


async def test_enter_walks_all_ten_each_with_reading_claim_source_and_date() -> None:
    """Enter walks 1 → 10 → 1; each exhibit draws a chart and writes its reading (agrees /
    disagrees / n/a), its newest date, its sources and the seed's claim under it."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exhibits(pilot)
        assert screen.views is not None and screen.pairs is not None
        for number, spec in enumerate(EXHIBITS, start=1):
            assert screen.index == number - 1
            view = screen.views[screen.index]
            result = screen.pairs[screen.index][1]
            chart = screen.query_one("#exhibit-chart", SeriesChart)
            assert chart.data is view.chart and chart.data is not None, spec.id
            assert f"Exhibit {number}/10" in flat(app)
            text = screen.notes.plain
            assert "Reading:" in text and ("agrees with the note" in text or "no reading" in text), spec.id
            assert result.reading.text[:40] in text, spec.id
            assert result.as_of is not None and result.as_of.isoformat() in text, spec.id
            assert "Source: demo:" in text, spec.id
            assert f"“{spec.claim[:30]}" in text, spec.id
            assert "DEMO" in text
            await pilot.press("enter")
            await pilot.pause()
        assert screen.index == 0  # Enter on the tenth comes back to the first


async def test_keys_jump_clamp_and_go_back() -> None:
    """0 is exhibit 10, 3 is exhibit 3, up/k and down/j walk and stop at the ends, Esc returns."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exhibits(pilot)
        await pilot.press("0")
        assert screen.index == 9
        await pilot.press("down", "j")
        assert screen.index == 9
        await pilot.press("3")
        assert screen.index == 2 and screen.spec.id == "gfc"
        assert "GFC 2008-09-12→12-31: broad dollar" in flat(app)
        await pilot.press("k", "up", "up", "up")
        assert screen.index == 0
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ExhibitsScreen), what="back")


async def test_chart_cursor_reads_out_a_date_of_the_exhibit() -> None:
    """Left/right move the chart's cursor over the exhibit's dates (the chart has the focus)."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exhibits(pilot)
        await pilot.press("6")
        chart = screen.query_one("#exhibit-chart", SeriesChart)
        assert chart.has_focus
        await pilot.press("end", "left", "left")
        assert chart.data is not None and chart.cursor_index == len(chart.data.x) - 3
        label, values = chart.readout()
        assert label == chart.data.x[-3] and "2025-04" in label
        assert [name for name, _ in values] == ["UST − Bund 10Y", "EUR/USD (R)"]


async def test_narrow_hides_the_list_and_keeps_the_reading() -> None:
    """80x24: the list is hidden, the title says which of ten, the reading stays on screen."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_exhibits(pilot)
        await pilot.press("9")
        await pilot.pause()
        assert screen.has_class("-narrow")
        assert not screen.query_one("#exhibit-list").display
        text = flat(app)
        assert "Exhibit 9/10" in text and "Reading:" in text and "IG OAS" in text
        assert "DEMO" in text


async def test_palette_has_an_entry_per_exhibit_that_opens_it() -> None:
    """Each exhibit is a palette command; choosing one opens the screen on it (or moves it there)."""
    from tui.commands import TriffinCommands

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        provider = TriffinCommands(app.screen)
        targets = {label: callback for label, _, callback in provider._targets()}  # noqa: SLF001
        labels = [f"Exhibit {s.number}: {s.title}" for s in EXHIBITS]
        assert all(label in targets for label in labels)
        app.call_later(targets["Exhibit 7: Net purchases of Treasuries by sector"])  # as the palette runs it
        await wait_until(pilot, lambda: isinstance(app.screen, ExhibitsScreen), what="exhibits screen")
        screen = app.screen
        assert isinstance(screen, ExhibitsScreen) and screen.spec.id == "flows"
        app.call_later(targets["Exhibit 2: Federal debt held by the public, % of GDP"])
        await wait_until(pilot, lambda: screen.spec.id == "debt", what="exhibit 2")
        assert app.screen is screen


async def test_s_saves_svg_and_the_exhibits_numbers_as_csv(tmp_path: Path) -> None:
    """``s`` on exhibit 9 writes the screenshot and a CSV of the chart's series, mode demo."""
    config = demo_config(tmp_path, f'screenshot_dir = "{tmp_path / "shots"}"\n')
    app = demo_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exhibits(pilot)
        await pilot.press("9", "s")
        await wait_until(pilot, lambda: len(list((tmp_path / "shots").glob("*.csv"))) == 1, what="saved files")
        svg = next((tmp_path / "shots").glob("triffin-exhibit-9-credit-*.svg"))
        assert "Credit spreads against their ten-year average" in svg.read_text(encoding="utf-8").replace("&#160;", " ")
        rows = list(csv.reader(io.StringIO(next((tmp_path / "shots").glob("*.csv")).read_text(encoding="utf-8"))))
        assert rows[0] == ["date", "ig_oas", "ig_mean", "hy_oas", "hy_mean", "mode"]
        assert screen.pairs is not None
        ig = screen.pairs[8][1].get("ig_oas")
        assert ig is not None
        last = rows[-1]
        assert last[0] == ig.dates[-1].isoformat() and float(last[1]) == ig.values[-1] and last[-1] == "demo"
        assert len(rows) - 1 == len(ig.dates)


async def test_an_exhibit_without_data_says_what_is_missing_where_the_chart_would_be() -> None:
    """No empty box: the chart gives way to the missing inputs and why; the reading says n/a."""
    from textual.widgets import Static

    from datafeed.exhibits import assemble, get
    from tui.exhibit_view import exhibit_view

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exhibits(pilot)
        assert screen.views is not None
        empty_view = exhibit_view(get("jgb"), assemble("jgb", {}), demo=True)
        screen.views = (*screen.views[:9], empty_view)
        await pilot.press("0")
        await pilot.pause()
        chart = screen.query_one("#exhibit-chart", SeriesChart)
        empty = screen.query_one("#exhibit-empty", Static)
        assert not chart.display and empty.display
        text = flat(app)
        assert "No chart for exhibit 10" in text and "missing jgb30y" in text
        assert "no reading (an input is missing)" in screen.notes.plain
        await pilot.press("9")
        await pilot.pause()
        assert chart.display and not empty.display


async def test_help_lists_the_exhibit_keys_and_each_reading_rule() -> None:
    """``?``: an Exhibits key group, and every exhibit's rule, as the issue asks."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        from rich.console import Console

        console = Console(file=io.StringIO(), width=200, color_system=None)
        console.print(app.screen.render_help())  # type: ignore[attr-defined]
        text = " ".join(console.file.getvalue().split())  # type: ignore[attr-defined]
        assert "Exhibits (e)" in text and "Next exhibit" in text and "exhibit-walk" in text
        for spec in EXHIBITS:
            assert " ".join(spec.rule.split())[:60] in text, spec.id


async def test_intraday_ticks_cost_no_reassembly_and_a_new_close_does() -> None:
    """Exhibits read end-of-day values: an intraday quote changes nothing they read and is not
    re-assembled; a new official IG OAS close is, and exhibit 9's reading moves to its date."""
    import datetime as dt

    from tui_helpers import TODAY

    from datafeed.models import Observation

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        screen = ExhibitsScreen(9, recompute_seconds=0.1)
        await app.push_screen(screen)
        await wait_until(pilot, lambda: screen.views is not None, what="the exhibits")
        assert screen.assemblies == 1
        store = app.monitor.demo_store
        assert store is not None
        when = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
        store.apply([Observation("ig_oas", TODAY, 0.95, "demo:ig_oas", intraday=True, time=when)])
        app.monitor.store_changed("demo")
        await pilot.pause(0.5)
        assert screen.assemblies == 1
        store.apply([Observation("ig_oas", TODAY, 0.97, "demo:ig_oas")])
        app.monitor.store_changed("demo")
        await wait_until(pilot, lambda: screen.assemblies == 2, what="a re-assembly")
        await wait_until(pilot, lambda: "IG OAS 97 bp (2026-11-20)" in screen.notes.plain, what="the new close")


async def test_ascii_mode_puts_nothing_above_0x7f_on_any_exhibit() -> None:
    """--ascii: list marks ``+ x -``, folded titles, ASCII chart, notes, scrollbars and keys."""
    from dataclasses import replace

    app = demo_app(replace(demo_config(), ascii=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_exhibits(pilot)
        for key in "1234567890":
            await pilot.press(key)
            await pilot.pause()
            text = screen_text(app)
            assert text.isascii(), (key, sorted({c for c in text if not c.isascii()}))
        assert " 9 + Credit spreads" in text and "Reading:  + agrees with the note" in text


async def test_a_click_on_the_list_shows_that_exhibit() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exhibits(pilot)
        option_list = screen.query_one("#exhibit-list")
        # Row 0 is the border; exhibit 1 takes one row, 2-4 wrap onto two each: 5 is on rows 8-9.
        await pilot.click(option_list, offset=(5, 9))
        await pilot.pause()
        assert screen.spec.id == "basis" and "Exhibit 5/10" in flat(app)


async def test_palette_signal_entries_carry_their_date_and_staleness() -> None:
    """QA audit: ``signal convenience_aaa_10y: eroding`` had no date; an entry now says as of
    when, and STALE / LATE as the signal does."""
    from tui.commands import TriffinCommands

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        metrics = app.monitor.metrics
        assert metrics is not None
        helps = {help_text.split(":")[0]: help_text for _, help_text, _ in TriffinCommands(app.screen)._targets()}  # noqa: SLF001
        for sid, result in metrics.signals.items():
            text = helps[f"signal {sid}"]
            assert (f"as of {result.as_of}" in text) == (result.as_of is not None), text
            assert text.endswith(" STALE") == result.stale, text
        assert any(r.as_of is not None for r in metrics.signals.values())
