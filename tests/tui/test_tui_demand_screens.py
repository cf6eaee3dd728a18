"""The Auctions and Holders screens driven by keys and the palette on the demo feed: reachable,
a row cursor with Enter drill-downs, Esc back, ``s`` saving their rows as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tui_helpers import demo_app, demo_config, screen_text, wait_ready, wait_until

from tui.screens.auctions import AuctionLineScreen, AuctionsScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.holders import HoldersScreen
from tui.screens.series_detail import SeriesDetailScreen


async def test_u_opens_auctions_enter_charts_a_line_and_escape_goes_back() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, AuctionsScreen), what="the auctions screen")
        screen = app.screen
        assert isinstance(screen, AuctionsScreen)
        lines = [r.line for r in screen.rows]
        assert lines[:7] == ["2y", "3y", "5y", "7y", "10y", "20y", "30y"]
        assert {"tips10y", "frn2y", "13w", "26w", "52w"} <= set(lines)
        text = screen_text(app)
        assert "Treasury auctions" in text and "DEMO" in text and "source demo" in text
        assert "▶" in text.splitlines()[[i for i, t in enumerate(text.splitlines()) if "2Y " in t][0]]
        await pilot.press("j", "j", "j", "j")  # the 10-year
        assert screen.rows[screen.cursor].line == "10y"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AuctionLineScreen), what="the line screen")
        line_screen = app.screen
        assert isinstance(line_screen, AuctionLineScreen) and line_screen.line == "10y"
        assert "10Y auctions" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen), what="the dashboard")


async def test_f_opens_holders_and_enter_opens_the_series() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, HoldersScreen), what="the holders screen")
        screen = app.screen
        assert isinstance(screen, HoldersScreen)
        values = [r.value for r in screen.rows if r.id.startswith("tic_") and r.id not in ("tic_total", "tic_official")]
        assert values == sorted(values, reverse=True) and len(values) == 8
        assert [r.id for r in screen.rows[-2:]] == ["tic_total", "tic_official"]
        text = screen_text(app)
        assert "Foreign holders of Treasuries" in text and "Custody for foreign official" in text
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SeriesDetailScreen), what="the series screen")
        detail = app.screen
        assert isinstance(detail, SeriesDetailScreen) and detail.instrument_id == screen.rows[0].id
        await pilot.press("escape", "c")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, SeriesDetailScreen) and app.screen.instrument_id == "custody_official",
            what="the custody series",
        )


async def test_the_palette_reaches_both_screens() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        for query, screen_type in (("Auctions", AuctionsScreen), ("Holders", HoldersScreen)):
            while not isinstance(app.screen, DashboardScreen):
                await pilot.press("escape")
            await pilot.press("ctrl+p")
            await pilot.press(*query)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await wait_until(pilot, lambda t=screen_type: isinstance(app.screen, t), what=query)


async def test_s_saves_each_screens_rows_as_csv(tmp_path: Path) -> None:
    config = demo_config(tmp_path, f'screenshot_dir = "{tmp_path / "shots"}"\n')
    app = demo_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, AuctionsScreen), what="auctions")
        await pilot.press("s")
        await wait_until(pilot, lambda: len(list((tmp_path / "shots").glob("*auctions*.csv"))) == 1, what="csv")
        (path,) = (tmp_path / "shots").glob("*auctions*.csv")
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        ten = next(r for r in rows if r["line"] == "10y")
        assert ten["source"] == "demo" and float(ten["indirect_pct"]) > 0 and ten["indirect_trailing"]
        assert (tmp_path / "shots" / path.name.replace(".csv", ".svg")).is_file()
        await pilot.press("escape", "f")
        await wait_until(pilot, lambda: isinstance(app.screen, HoldersScreen), what="holders")
        await pilot.press("s")
        await wait_until(pilot, lambda: len(list((tmp_path / "shots").glob("*holders*.csv"))) == 1, what="csv")
        (path,) = (tmp_path / "shots").glob("*holders*.csv")
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert rows[-1]["id"] == "tic_official" and rows[0]["source"].startswith("demo:")


def test_the_holders_sparkline_header_counts_the_months_it_draws() -> None:
    """QA audit: at 80x24 the sparkline drew 12 months under a "24 months" header."""
    import datetime as dt
    import io

    from rich.console import Console

    from tui.demand_views import HolderRow
    from tui.screens.holders import holders_table

    history = tuple(float(i % 7) for i in range(24))
    row = HolderRow("japan", "Japan", dt.date(2026, 9, 30), 1185.5, -17.2, 124.0, history, "tic:Japan", "fresh", False)
    for narrow, months in ((True, 12), (False, 24)):
        out = io.StringIO()
        Console(file=out, width=200).print(holders_table([row], 0, ascii=True, narrow=narrow))
        header, line = out.getvalue().splitlines()[:2]
        assert f"{months} months" in header
        spark = line.split()[-1 if narrow else -2]
        assert len(spark) == months, line
