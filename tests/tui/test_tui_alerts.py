"""Alerts, formula rows and ``s`` (save view) in the TUI, on the deterministic demo feed.

Values are pushed into the demo store as intraday quotes (the way the demo ticker does it)
and the clock is a variable, so a cross, a cooldown and a re-arm happen exactly when the
test says.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from tui_helpers import (
    TODAY,
    demo_app,
    demo_config,
    screen_text,
    wait_ready,
    wait_until,
)

from datafeed.models import Observation
from tui.app import TriffinApp
from tui.screens.alerts import AlertLogScreen
from tui.screens.crisis_detail import CrisisDetailScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.help import HelpScreen
from tui.screens.series_detail import SeriesDetailScreen
from tui.screens.signal_detail import SignalDetailScreen
from widgets.live_table import LiveTable

START = dt.datetime.combine(TODAY, dt.time(15, 0), dt.UTC)

FORMULA = """
[[formulas]]
id = "us_de_10y"
expr = "(ust10y - bund10y) * 100"
unit = "bp"
name = "UST-Bund 10Y"
"""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


def instrument(app: TriffinApp) -> dict[str, list[Any]]:
    """Record the app's notifications and bells (the headless driver has no terminal to ring)."""
    calls: dict[str, list[Any]] = {"notify": [], "bell": []}
    notify = app.notify

    def _notify(message: str, **kwargs: Any) -> None:
        calls["notify"].append((message, kwargs))
        notify(message, **kwargs)

    app.notify = _notify  # type: ignore[method-assign]
    app.bell = lambda: calls["bell"].append(1)  # type: ignore[method-assign]
    return calls


def make_app(tmp_path: Path, text: str, clock: Clock | None = None) -> tuple[TriffinApp, dict[str, list[Any]]]:
    config = demo_config(tmp_path, f'screenshot_dir = "{tmp_path / "shots"}"\n' + text)
    app = demo_app(config, clock=clock) if clock is not None else demo_app(config)
    return app, instrument(app)


async def settle(pilot: Any) -> None:
    """Until every update was applied and the formulas/alerts worker is idle."""
    app: TriffinApp = pilot.app
    await pilot.pause()
    await wait_until(pilot, lambda: app.monitor.store is not None and app.monitor.idle, what="the alerts worker")
    await pilot.pause()


async def push(pilot: Any, clock: Clock, minutes: float, **values: float) -> None:
    """Quote ``values`` intraday at START + ``minutes`` and let the app take them in."""
    app: TriffinApp = pilot.app
    clock.now = START + dt.timedelta(minutes=minutes)
    store = app.monitor.demo_store
    assert store is not None
    delta = store.apply(Observation(i, TODAY, v, f"demo:{i}", intraday=True, time=clock.now) for i, v in values.items())
    assert delta.rejected == 0
    app.monitor.store_changed("demo")
    await settle(pilot)


def alert_notes(calls: dict[str, list[Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(m, k) for m, k in calls["notify"] if str(k.get("title", "")).startswith("Alert")]


async def test_cross_fires_once_per_cross_with_cooldown(tmp_path: Path) -> None:
    """A cross fires once (notification, bell, log entry); crosses inside the cooldown are dropped."""
    clock = Clock()
    app, calls = make_app(tmp_path, '[[alerts]]\nrule = "ust10y crosses 5"\ncooldown = "30m"\n', clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await settle(pilot)
        assert app.monitor.alert_log == [] and calls["bell"] == []  # 4.73 at start: a side, not a cross
        await push(pilot, clock, 0, ust10y=5.2)
        assert [e.detail for e in app.monitor.alert_log] == ["crossed above 5"]
        entry = app.monitor.alert_log[0]
        assert (entry.rule, entry.value, entry.mode, entry.label) == ("ust10y crosses 5", "5.2", "demo", "DEMO")
        assert entry.time == START and entry.date == TODAY
        assert entry.line == f"2026-11-20T15:00:00Z ust10y crosses 5 5.2 {TODAY} DEMO"
        assert len(calls["bell"]) == 1
        notes = alert_notes(calls)
        assert len(notes) == 1
        message, kwargs = notes[0]
        assert "ust10y crosses 5 → 5.2" in message and "crossed above 5" in message
        assert kwargs["title"] == "Alert — DEMO (synthetic data)" and kwargs["severity"] == "warning"

        await push(pilot, clock, 5, ust10y=4.8)  # back below, inside the cooldown: dropped
        await push(pilot, clock, 10, ust10y=5.3)  # above again, still cooling: dropped
        await push(pilot, clock, 12, ust10y=5.4)  # same side: nothing to report
        assert len(app.monitor.alert_log) == 1 and len(calls["bell"]) == 1
        await push(pilot, clock, 40, ust10y=4.7)  # cooldown over: this cross fires
        assert [e.detail for e in app.monitor.alert_log] == ["crossed above 5", "crossed below 5"]
        assert app.monitor.alert_log[1].time == START + dt.timedelta(minutes=40)
        await push(pilot, clock, 41, ust10y=4.6)
        assert len(app.monitor.alert_log) == 2 and len(calls["bell"]) == 2 and len(alert_notes(calls)) == 2


async def test_threshold_fires_once_until_it_rearms(tmp_path: Path) -> None:
    """``ust10y > 4`` fires on the first evaluation only, again after it was false once."""
    clock = Clock()
    app, calls = make_app(tmp_path, '[[alerts]]\nrule = "ust10y > 4"\n', clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await settle(pilot)
        assert [e.detail for e in app.monitor.alert_log] == ["became true"]
        await push(pilot, clock, 1, ust10y=4.9)
        await push(pilot, clock, 2, ust10y=5.0)
        assert len(app.monitor.alert_log) == 1
        await push(pilot, clock, 3, ust10y=3.9)
        await push(pilot, clock, 4, ust10y=4.2)
        assert [e.value for e in app.monitor.alert_log] == ["4.73", "4.2"]
        assert len(calls["bell"]) == 2


async def test_alert_log_screen_and_command(tmp_path: Path) -> None:
    """``a`` opens the log (time, rule, value, mode); the rule's command gets the firing on stdin."""
    out = tmp_path / "payload.json"
    script = f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())"
    text = f'[[alerts]]\nrule = "vix > 10"\ncommand = [{json.dumps(sys.executable)}, "-c", {json.dumps(script)}]\n'
    app, _calls = make_app(tmp_path, text)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await settle(pilot)
        assert len(app.monitor.alert_log) == 1
        await pilot.press("a")
        assert isinstance(app.screen, AlertLogScreen)
        await pilot.pause()
        screen = screen_text(app)
        assert "Alert log" in screen and "1 firing(s)" in screen
        line = next(row for row in screen.splitlines() if "vix > 10" in row and "DEMO" in row)
        assert "2026-11-20T21:00:00Z" in line and "became true" in line
        await pilot.press("a")
        assert isinstance(app.screen, DashboardScreen)
        await wait_until(pilot, lambda: out.exists() and out.stat().st_size > 0, what="the alert command")
    payload = json.loads(out.read_text())
    assert payload["rule"] == "vix > 10" and payload["mode"] == "demo" and payload["detail"] == "became true"
    value, date = payload["line"].split()[-2:]  # the line ends with the value and its data date
    assert payload["line"].endswith(f" vix > 10 {value} {date}") and date == payload["date"]


async def test_alert_log_in_help_and_palette(tmp_path: Path) -> None:
    """The new keys are in the help with their binding ids, and in the command palette."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Alert log" in titles and "Save screenshot and data" in titles
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        text = str(app.screen.render_help().renderables)
        help_text = screen_text(app) + text
        assert "alert-log" in help_text and "save-view" in help_text
        await pilot.press("escape", "a")
        assert isinstance(app.screen, AlertLogScreen)
        assert "No alert rules configured" in screen_text(app)


async def test_formula_row_and_drill_down(tmp_path: Path) -> None:
    """A formula is a row (group Formulas, source formula) that follows its inputs, with a chart."""
    clock = Clock()
    app, _calls = make_app(tmp_path, FORMULA, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await settle(pilot)
        table = app.screen.query_one(LiveTable)
        row = table.get_row("us_de_10y")
        assert row is not None
        store = app.monitor.store
        assert store is not None
        ust, bund = store.latest("ust10y"), store.latest("bund10y")
        assert ust is not None and bund is not None
        assert (row.source, row.group, row.status, row.change_unit) == ("formula", "Formulas", "fresh", "bp")
        assert row.value == round((ust.value - bund.value) * 100, 6)
        assert table.row_ids[-1] == "us_de_10y"

        await push(pilot, clock, 1, ust10y=5.25)  # no Bund quote today: the formula keeps yesterday (inner join)
        assert table.get_row("us_de_10y") == row
        await push(pilot, clock, 2, bund10y=3.0)
        row = table.get_row("us_de_10y")
        assert row is not None and row.value == 225.0 and row.date == TODAY.isoformat()

        app.jump_to("instrument", "us_de_10y")
        await pilot.pause()
        assert table.cursor_id == "us_de_10y"
        # The last row shows in full (not under the table's horizontal scrollbar).
        assert any("▶ UST-Bund 10Y" in line and "225.0" in line for line in screen_text(app).splitlines())
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, SeriesDetailScreen) and screen.instrument_id == "us_de_10y"
        await pilot.pause()
        text = screen_text(app)
        assert "us_de_10y · formula · bp" in text and "(ust10y - bund10y) * 100" in text
        assert "UST-Bund 10Y — 1Y" in text  # the chart's title
        assert "unknown instrument" not in text


def _csv(folder: Path, stem: str) -> list[str]:
    files = sorted(folder.glob(f"triffin-{stem}-*.csv"))
    assert len(files) == 1, files
    svg = files[0].with_suffix(".svg")
    assert svg.exists() and svg.read_text(encoding="utf-8").lstrip().startswith("<svg")
    return files[0].read_text(encoding="utf-8").splitlines()


async def test_s_saves_svg_and_csv_of_each_view(tmp_path: Path) -> None:
    """``s`` writes an SVG and the view's data: table rows, a series range, a crisis window, a history."""
    app, calls = make_app(tmp_path, FORMULA + '[[alerts]]\nrule = "ust10y > 4"\n')
    shots = tmp_path / "shots"
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await settle(pilot)
        await pilot.press("s")
        lines = _csv(shots, "dashboard")
        assert lines[0] == "id,name,value,change,change_unit,date,source,status,late,change_horizon,unit,reason"
        assert len(lines) == 1 + len(app.screen.query_one(LiveTable).visible_keys)
        assert any(line.startswith("ust10y,UST 10Y,4.73,") and ",demo:ust10y,fresh" in line for line in lines)
        assert any(line.startswith("us_de_10y,UST-Bund 10Y,") and ",formula,fresh," in line for line in lines)
        saved = [m for m, k in calls["notify"] if k.get("title") == "Saved"]
        assert saved and str(shots) in saved[-1] and ".svg" in saved[-1] and ".csv" in saved[-1]

        await pilot.press("1", *"j" * 8, "enter")  # UST 10Y (1M 3M 6M 1Y 2Y 3Y 5Y 7Y 10Y), 1Y range
        assert isinstance(app.screen, SeriesDetailScreen)
        await pilot.press("s")
        lines = _csv(shots, "series-ust10y-1y")
        assert lines[0] == "date,ust10y" and lines[-1] == "2026-11-19,4.73"
        assert "2025-11-18" <= lines[1][:10] <= "2025-11-21"
        await pilot.press("escape")

        await pilot.press("3", "j", "j", "j", "j", "enter")
        screen = app.screen
        assert isinstance(screen, CrisisDetailScreen) and screen.episode_id == "covid-2020"
        await pilot.press("s")
        lines = _csv(shots, "crisis-covid-2020")
        assert lines[0].startswith("date,ust10y,") and "vix" in lines[0]
        assert lines[1][:7] == "2020-02" and lines[-1][:7] == "2020-04"
        await pilot.press("escape")

        await pilot.press("2", "j", "j", "j", "j", "j", "enter")
        screen = app.screen
        assert isinstance(screen, SignalDetailScreen)
        await wait_until(pilot, lambda: screen.history is not None, what="the signal history")
        await pilot.press("s")
        lines = _csv(shots, f"signal-{screen.signal_id}")
        assert lines[0] == f"date,{screen.signal_id}" and len(lines) > 100
        await pilot.press("escape", "a", "s")
        lines = _csv(shots, "alerts")
        assert lines == [
            "time,rule,value,mode,detail,date",
            "2026-11-20T21:00:00Z,ust10y > 4,4.73,DEMO,became true,2026-11-19",
        ]


async def test_s_reports_an_unwritable_folder(tmp_path: Path) -> None:
    """A folder that cannot be created is an error notification, not a crash."""
    app, calls = make_app(tmp_path, "")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        blocker = tmp_path / "shots"
        blocker.write_text("a file where the folder should be")
        await pilot.press("s")
        errors = [m for m, k in calls["notify"] if k.get("severity") == "error"]
        assert errors and "Could not save" in errors[-1]
        assert isinstance(app.screen, DashboardScreen) and app.is_running


async def test_a_screenshot_has_no_toasts(tmp_path: Path) -> None:
    """Issue 17: the saved SVG showed the toasts over the view ("Saved ..." over the crisis
    verdicts); now they are taken down first, and the files are still written."""
    app, _calls = make_app(tmp_path, "")
    shots = tmp_path / "shots"
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_ready(pilot)
        app.notify("A TOAST OVER THE VIEW", timeout=60)
        await wait_until(pilot, lambda: bool(app.screen.query("Toast")), what="the toast")
        await pilot.press("s")
        await wait_until(pilot, lambda: any(shots.glob("*.svg")), what="the screenshot")
        svg = next(shots.glob("*.svg")).read_text(encoding="utf-8")
        assert "TOAST" not in svg and "Markets" in svg


async def test_add_alert_box_is_ascii_under_ascii() -> None:
    """``--ascii``: the add-alert box has an ASCII border (its rule starts at ``App.-ascii``,
    which Textual's scoping of a screen's DEFAULT_CSS used to turn into a rule matching nothing)."""
    from dataclasses import replace

    from tui.screens.add_alert import AddAlertScreen

    for ascii in (True, False):
        app = demo_app(replace(demo_config(), ascii=ascii))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("A")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, AddAlertScreen), what="the alert box")
            await pilot.pause()
            box = pilot.app.screen.query_one("AddAlertScreen > Vertical")
            assert box.styles.border_top[0] == ("ascii" if ascii else "round")
