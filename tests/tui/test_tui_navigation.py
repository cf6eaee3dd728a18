"""The dashboard driven by keys (and the palette) on the deterministic demo feed."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from tui_helpers import demo_app, demo_config, screen_text, wait_ready, wait_until

from datafeed.catalog import CATALOG
from datafeed.crises import BUILTIN_EPISODES
from datafeed.signals import SIGNAL_IDS
from tui.screens.crisis_detail import CrisisDetailScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.help import HelpScreen
from tui.screens.series_detail import SeriesDetailScreen
from tui.screens.signal_detail import SignalDetailScreen
from widgets.live_table import LiveTable
from widgets.scorecard import ScorecardGrid
from widgets.signals_panel import SignalsPanel
from widgets.status_bar import StatusBar


async def test_dashboard_shows_every_instrument_signal_and_episode() -> None:
    """Every catalog row, every signal, every built-in episode plus the live row; DEMO banner."""
    app = demo_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_ready(pilot)
        table = app.screen.query_one(LiveTable)
        assert set(table.row_ids) == set(CATALOG)
        assert app.screen.query_one(SignalsPanel).signal_ids == SIGNAL_IDS
        episodes = app.screen.query_one(ScorecardGrid).episode_ids
        assert list(episodes[: len(BUILTIN_EPISODES)]) == [e.id for e in BUILTIN_EPISODES]
        assert "live" in episodes
        bar = app.screen.query_one(StatusBar)
        assert bar.banner_text is not None and bar.banner_text.startswith("DEMO")
        row = table.get_row("ust10y")
        assert row is not None and row.source == "demo:ust10y" and row.date == "2026-11-19" and row.age == "1d"
        text = screen_text(app)
        assert "REGIME" in text and "DEMO" in text
        assert "overnight-rate-hedged, not the Treasury basis" in text


async def test_grid_cursor_moves_with_arrows_and_hjkl() -> None:
    """3 focuses the grid; j/k/down/up change episode, h/l/left/right change check."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        grid = app.screen.query_one(ScorecardGrid)
        await pilot.press("3")
        assert grid.has_focus
        assert grid.cursor_cell == ("gfc-2008", "ust10y")
        await pilot.press("j", "j", "down")
        assert grid.cursor_cell == ("brexit-2016", "ust10y")
        await pilot.press("l", "right", "l")
        assert grid.cursor_cell == ("brexit-2016", "vix")
        await pilot.press("k", "h", "up", "left")
        assert grid.cursor_cell == ("downgrade-2011", "usd")


async def test_drill_downs_and_back() -> None:
    """Enter on a grid cell, a table row and a signal opens its screen; Esc/backspace go back."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("3", "j", "j", "j", "j", "l", "enter")
        screen = app.screen
        assert isinstance(screen, CrisisDetailScreen)
        assert (screen.episode_id, screen.check_id) == ("covid-2020", "usd")
        await wait_until(pilot, lambda: screen.charts_ready, what="crisis charts")
        assert "COVID dash for cash" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)

        await pilot.press("1", "j", "enter")
        screen = app.screen
        assert isinstance(screen, SeriesDetailScreen) and screen.instrument_id == "ust3m"
        await pilot.press("5")
        assert screen.range_key == "MAX"
        await pilot.press("backspace")
        assert isinstance(app.screen, DashboardScreen)

        await pilot.press("2", "j", "j", "j", "j", "j", "enter")
        screen = app.screen
        assert isinstance(screen, SignalDetailScreen) and screen.signal_id == "stock_bond_corr_1y"
        await wait_until(pilot, lambda: screen.history is not None, what="the signal history")
        assert len(screen.history) > 1000
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_tab_cycles_panels_and_small_terminal_shows_one_at_a_time() -> None:
    """At 80x24 only the focused panel shows; tab / shift+tab walk the three."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        dash = app.screen
        assert isinstance(dash, DashboardScreen) and dash.single
        panels = {
            key: dash.query_one(f"#{cid}")
            for key, cid, _ in (
                ("table", "markets-panel", 0),
                ("signals", "signals-panel", 0),
                ("grid", "crises-panel", 0),
            )
        }
        shown = lambda: [k for k, p in panels.items() if p.display and p.region.height > 0]  # noqa: E731
        assert shown() == ["table"]
        await pilot.press("tab")
        await pilot.pause()
        assert shown() == ["signals"] and dash.query_one(SignalsPanel).has_focus
        await pilot.press("tab")
        await pilot.pause()
        assert shown() == ["grid"]
        await pilot.press("shift+tab", "shift+tab")
        await pilot.pause()
        assert shown() == ["table"]


async def test_palette_jumps_to_an_instrument_and_an_episode() -> None:
    """ctrl+p, a few letters, Enter: the cursor lands on that row, its panel focused."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"UST 30Y")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one(LiveTable)
        assert table.cursor_id == "ust30y" and table.has_focus
        await pilot.press("ctrl+p")
        await pilot.press(*"tariff")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        grid = app.screen.query_one(ScorecardGrid)
        assert grid.cursor_cell is not None and grid.cursor_cell[0] == "tariff-2025" and grid.has_focus


async def test_slash_filters_the_table_and_escape_clears() -> None:
    """/ opens the filter box; typing narrows the rows; Enter keeps it; Esc clears it."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        table = app.screen.query_one(LiveTable)
        await pilot.press("slash", *"jgb")
        # The JGB rows and the UST−JGB spreads; no Bund through the heading "Bunds & JGBs" (issue 17).
        jgbs = {"jgb2y", "jgb5y", "jgb10y", "jgb20y", "jgb30y", "ust_jgb10y", "ust_jgb30y"}
        assert set(table.visible_keys) == jgbs
        await pilot.press("enter")
        assert table.has_focus and table.filter_text == "jgb"
        assert "filter: jgb" in str(app.screen.query_one("#markets-panel").border_title)
        await pilot.press("escape")
        assert table.filter_text == "" and len(table.visible_keys) == len(CATALOG)


async def test_theme_cycles_through_the_builtin_themes() -> None:
    """t: dark → light → amber → colour-blind safe → dark."""
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        seen = [app.theme]
        for _ in range(4):
            await pilot.press("t")
            seen.append(app.theme)
        assert seen == ["triffin-dark", "triffin-light", "triffin-amber", "triffin-cb", "triffin-dark"]


async def test_keymap_remaps_bindings_and_help_shows_the_new_keys(tmp_path: Path) -> None:
    """[keymap] help = "f1": f1 opens help, ? no longer does, and help lists f1 for Help."""
    config = demo_config(tmp_path, '[keymap]\nhelp = "f1"\ncycle-theme = "ctrl+t"\n')
    app = demo_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("t")
        assert app.theme == "triffin-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "triffin-light"
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        lines = screen_text(app).splitlines()
        help_line = next(line for line in lines if "help" in line.split())
        assert "f1" in help_line.lower() and "?" not in help_line
        assert any("cycle-theme" in line and "^t" in line for line in lines)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_pause_and_refresh_in_demo_mode() -> None:
    """p pauses (title and status say so); r in demo mode applies one tick at once."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("p")
        await pilot.pause()
        assert app.monitor.paused and "PAUSED" in screen_text(app)
        await pilot.press("p")
        assert not app.monitor.paused
        table = app.screen.query_one(LiveTable)
        before = table.get_row("spx")
        await pilot.press("r")
        await wait_until(pilot, lambda: table.get_row("spx") != before, what="a demo tick")
        row = table.get_row("spx")
        assert row is not None and row.intraday and row.date == "2026-11-20"


async def test_help_names_the_boj_credit_when_the_source_is_on(tmp_path: Path) -> None:
    """The Bank of Japan's credit line is on the help screen in live mode with boj enabled."""
    from tui_helpers import TODAY

    from datafeed.providers import source_names
    from datafeed.providers.boj import CREDIT
    from tui.app import TriffinApp

    off = "".join(f"[sources.{name}]\nenabled = false\n" for name in source_names() if name != "boj")
    # A closed loopback port: the test never reaches the real Bank of Japan.
    config = demo_config(tmp_path, off + '[sources.boj]\nbase_url = "http://127.0.0.1:9"\n')
    app = TriffinApp(config, today=TODAY, tick_interval=None)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(screen.render_help())
        assert CREDIT in " ".join(console.export_text().split())


async def test_a_crisis_cell_opened_at_80x24_shows_the_readings_first() -> None:
    """At 80x24 the readings and one chart do not both fit: the drill-down opened on a cell
    keeps the readings (the chosen check marked) on screen instead of scrolling them away to
    the chart (QA audit: only Gold, Custody and Indirect were left visible)."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await pilot.press("3", "enter")
        screen = app.screen
        assert isinstance(screen, CrisisDetailScreen) and screen.check_id == "ust10y", screen
        await wait_until(pilot, lambda: screen.charts_ready, what="crisis charts")
        await pilot.pause()
        text = screen_text(app)
        assert "UST 10Y" in text and "VIX" in text, text
        # stepping to the next check is asked for: then its chart is scrolled into view
        await pilot.press("l")
        await pilot.pause()
        await pilot.pause()
        charts = screen.query_one("#crisis-charts")
        chart = screen.query_one("#chart-usd")
        assert charts.scroll_y > 0 and chart.region.y >= charts.region.y


def test_help_lists_the_keys_of_the_curves_auctions_and_holders_screens() -> None:
    """QA audit: the help had no keys for the curves (1/2/3), auctions (enter) and holders
    (enter, c) screens; every screen's bindings are now a section of their own."""
    from tui.screens.help import binding_groups

    ids = {
        title: {getattr(b, "id", None) for b in bindings if getattr(b, "id", None)}
        for title, bindings in binding_groups()
    }
    assert {"curves-vs-1w", "curves-vs-1m", "curves-vs-1y"} <= ids["Curves (y)"]
    assert "auctions-open" in ids["Auctions (u)"]
    assert {"holders-open", "holders-custody"} <= ids["Holders (f)"]
