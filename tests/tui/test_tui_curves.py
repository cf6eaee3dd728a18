"""Pilot tests of issue 17's TUI keys: y (curves) with 1/2/3, the chart cursor in the drill-downs,
c (comparison series), ranges remembered for the session, and the Spreads group in the table."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import demo_app, demo_config, screen_text, wait_ready, wait_until

from tui.screens.curves import CurvesScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.series_detail import SeriesDetailScreen
from widgets.chart import SeriesChart
from widgets.live_table import LiveTable


async def test_y_opens_the_curves_and_1_2_3_pick_the_past_curve() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, CurvesScreen), what="curves")
        screen = app.screen
        assert isinstance(screen, CurvesScreen) and screen.lookback == "1M"
        chart = screen.query_one("#curves-chart", SeriesChart)
        assert chart.has_focus and chart.data is not None
        names = [line.name for line in chart.data.lines]
        assert names == ["UST 2026-11-19", "UST 1M ago (2026-10-20)", "Bund", "JGB"]  # a month before the curve
        text = screen_text(app)
        assert "[2:1M ago]" in text and "2s10s" in text and "UST−Bund 10Y" in text
        assert "Tenor" in text and "chg bp" in text
        await pilot.press("3")
        assert screen.lookback == "1Y" and chart.data.lines[1].name == "UST 1Y ago (2025-11-19)"
        await pilot.press("left", "left")  # the cursor: on 30Y first, then 20Y, 10Y
        assert chart.cursor_index == 8
        label, values = chart.readout()
        assert label == "10Y" and values[0] == ("UST 2026-11-19", "4.730")
        await pilot.press("y")  # y again closes it
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("y")  # the look-back chosen is kept for the session
        await wait_until(pilot, lambda: isinstance(app.screen, CurvesScreen), what="curves again")
        assert app.screen.lookback == "1Y"  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_series_range_is_remembered_and_c_adds_a_right_axis_series() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("enter")  # UST 1M
        screen = app.screen
        assert isinstance(screen, SeriesDetailScreen) and screen.range_key == "1Y"
        chart = screen.query_one("#series-chart", SeriesChart)
        assert chart.has_focus
        await pilot.press("4", "left")
        assert screen.range_key == "5Y" and chart.cursor_index == len(chart.data.x) - 2  # type: ignore[union-attr]
        await pilot.press("c")
        await pilot.press(*"UST 10Y")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.compare_id == "ust10y", what="the comparison")
        await pilot.pause()
        data = chart.data
        assert data is not None and [(ln.name, ln.axis) for ln in data.lines] == [
            ("UST 1M", "left"),
            ("UST 10Y", "right"),
        ]
        assert data.y_label_right == "%" and data.lines[1].y[-1] == 4.73  # same dates, no carry
        await pilot.press("c")  # c again drops it
        assert chart.data is not None and len(chart.data.lines) == 1
        await pilot.press("escape", "j", "enter")  # another series opens on the range chosen
        other = app.screen
        assert isinstance(other, SeriesDetailScreen) and other.instrument_id == "ust3m"
        assert other.range_key == "5Y"


async def test_the_table_has_a_spreads_group_in_bp() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        table = app.screen.query_one(LiveTable)
        spreads = [key for key in table.row_ids if (row := table.get_row(key)) and row.group == "Spreads"]
        assert spreads[:4] == ["ust2s10s", "ust5s30s", "ust3m10y", "ust_bund10y"]
        row = table.get_row("ust2s10s")
        assert row is not None and row.unit == "bp" and row.value == 43.0 and row.change_unit == "bp"
        await pilot.press("/", *"jgb")
        await pilot.pause()
        # the JGB rows and the UST−JGB spreads, not the Bunds through the heading "Bunds & JGBs"
        assert not any(k.startswith("bund") for k in table.visible_keys)
        assert {"jgb10y", "ust_jgb10y"} <= set(table.visible_keys)


async def test_config_table_columns_reach_the_markets_table(tmp_path: Path) -> None:
    config = demo_config(tmp_path, '[table]\ncolumns = ["source", "age"]\n')
    app = demo_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        table = app.screen.query_one(LiveTable)
        assert table.columns == ("name", "last", "change", "source", "age")
        assert table.shown_columns[:4] == ("name", "last", "change", "source")


async def test_shift_a_adds_an_alert_from_a_row_kept_in_the_state_file(tmp_path: Path) -> None:
    """A on a row: the input is prefilled with its id and last value; a bad rule says why in
    one line and adds nothing; a good one is checked at once, listed in the alert log, kept
    in <data dir>/alerts.json (the config file is not touched) and loaded by the next app."""
    from textual.widgets import Input

    from tui import added_alerts
    from tui.screens.add_alert import AddAlertScreen
    from tui.screens.alerts import AlertLogScreen

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press(*"j" * 8, "A")  # UST 10Y
        await wait_until(pilot, lambda: isinstance(app.screen, AddAlertScreen), what="the alert input")
        box = app.screen.query_one(Input)
        assert box.value == "ust10y > 4.73"
        box.value = "ust10y >> 4"
        await pilot.press("enter")
        assert isinstance(app.screen, AddAlertScreen)  # still open, saying why
        assert "ust10y >> 4" in screen_text(app) and not added_alerts.rules_path().exists()
        box.value = "ust10y > 4.5"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AddAlertScreen), what="the input to close")
        assert [r.text for r in app.monitor.options.rules] == ["ust10y > 4.5"]
        await wait_until(pilot, lambda: len(app.monitor.alert_log) == 1, what="the new rule to fire")
        assert app.monitor.alert_log[0].rule == "ust10y > 4.5"
        await pilot.press("a")
        assert isinstance(app.screen, AlertLogScreen) and "ust10y > 4.5" in screen_text(app)
    assert added_alerts.stored_texts() == ["ust10y > 4.5"]
    again = demo_app()
    assert [r.text for r in again.monitor.options.rules] == ["ust10y > 4.5"]


def test_help_does_not_call_an_idle_source_enabled_and_off() -> None:
    """Issue 17: the help listed Bank of Japan under "enabled" while the status bar showed it off."""
    from tui.config import load_config
    from tui.screens.help import sources_text

    sources = load_config(None, env={}).feed.sources
    assert sources["boj"].enabled
    text = sources_text(sources, demo=False, idle={"boj": "unused"}).plain
    enabled = next(line for line in text.splitlines() if line.startswith("enabled: "))
    assert "boj" not in enabled.split(": ", 1)[1].split(", ")
    assert "enabled but not fetching now (off in the status bar): boj (unused)" in text


def test_building_the_app_loads_no_pandas_for_the_added_alerts(tmp_path: Path) -> None:
    """The rules added with A are read in the app's constructor, before the first frame: with
    the parser that needs no pandas (the full alerts module cost ~200 ms and ~45 MB there)."""
    import json
    import os
    import subprocess
    import sys

    data = tmp_path / "data"
    (data / "triffin").mkdir(parents=True)
    (data / "triffin" / "alerts.json").write_text(json.dumps({"rules": ["ust10y > 5"]}), encoding="utf-8")
    code = (
        "import sys\n"
        "from tui.app import TriffinApp\n"
        "from tui.config import load_config\n"
        "app = TriffinApp(load_config(None), demo=True)\n"
        "print([r.text for r in app.monitor.options.rules], 'pandas' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_DATA_HOME": str(data)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['ust10y > 5'] False"


async def test_the_curves_screen_is_built_once_and_repaints_what_changed_while_it_was_away() -> None:
    """Issue 17's < 150 ms open: the screen is installed at its first open and resumed after;
    its chart is built once per data (not again on the first Resize, not on a reopen with
    nothing new), and a tick that came while it was hidden is on screen when it reopens."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, CurvesScreen), what="curves")
        screen = app.screen
        chart = screen.query_one("#curves-chart", SeriesChart)
        await pilot.pause()
        assert chart.builds == 1
        await pilot.press("escape", "y")
        await wait_until(pilot, lambda: app.screen is screen, what="the same screen again")
        await pilot.pause()
        assert chart.builds == 1  # nothing new: nothing rebuilt
        await pilot.press("escape")
        store = app.monitor.store
        assert store is not None and chart.data is not None
        before = store.version_of("ust10y")
        heard: list[bool] = []  # the hidden screen still hears every update (is_current False)
        on_data = screen.on_data
        screen.on_data = lambda update: (heard.append(screen.is_current), on_data(update))[1]
        app.monitor.refresh_now()  # one demo tick while the curves are hidden
        await wait_until(pilot, lambda: store.version_of("ust10y") != before and heard, what="a tick of UST 10Y")
        assert not any(heard)
        latest = store.latest("ust10y")
        assert latest is not None and chart.data.lines[0].y[8] != latest.value  # not painted while hidden
        await pilot.press("y")
        await wait_until(pilot, lambda: app.screen is screen, what="the curves again")
        await pilot.pause()
        # Rebuilt for the new data (once more if the longer grid brought the scrollbar in).
        assert chart.data.lines[0].y[8] == latest.value and chart.builds >= 2
        assert f"{latest.value:.3f}" in screen_text(app)
        await pilot.press("escape")
        await pilot.resize_terminal(80, 24)  # resized while away: the narrow form at the reopen
        await pilot.press("y")
        await wait_until(pilot, lambda: app.screen is screen, what="the curves at 80x24")
        await pilot.pause()
        assert screen.has_class("-narrow") and "chg 1M" in screen_text(app)


async def test_shift_a_on_a_crisis_cell_offers_that_check_failing_in_a_live_crisis() -> None:
    """A on a crisis scorecard cell: the input says ``crisis live fail <check>`` (a past episode
    has nothing left to watch; the same check failing in a live crisis row does), and on the
    Verdict column ``crisis live fail`` (any core check). Enter adds it through the config's
    parser, it is checked from then on and kept in the state file like any added rule."""
    from textual.widgets import Input

    from tui import added_alerts
    from tui.screens.add_alert import AddAlertScreen
    from widgets.scorecard import ScorecardGrid

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("3")  # the crisis scorecard
        grid = app.screen.query_one(ScorecardGrid)
        assert grid.has_focus and grid.move_cursor("covid-2020", "usd")
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, AddAlertScreen), what="the alert input")
        box = app.screen.query_one(Input)
        assert box.value == "crisis live fail usd"
        assert "New alert on the USD check of a live crisis" in screen_text(app)
        await pilot.press("escape")
        assert grid.move_cursor("covid-2020", "auction_indirect")
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, AddAlertScreen), what="the input again")
        assert app.screen.query_one(Input).value == "crisis live fail auction_indirect"
        await pilot.press("escape")
        assert grid.move_cursor("covid-2020", "verdict")
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, AddAlertScreen), what="the verdict's input")
        box = app.screen.query_one(Input)
        assert box.value == "crisis live fail"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AddAlertScreen), what="the input to close")
        rules = app.monitor.options.rules
        assert [(r.text, r.kind, r.check) for r in rules] == [("crisis live fail", "crisis", None)]
    assert added_alerts.stored_texts() == ["crisis live fail"]
