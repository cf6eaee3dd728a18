"""The minute's clock tick rebuilds only the table rows it moves (issue 20: idle CPU).

An idle live app wakes once a minute so that ages move on. Rebuilding every row for that
(~80 instruments through pandas, 45-75 ms of the UI thread) was most of its idle CPU beyond a
bare Textual app's. These tests count the rows built from the store on a tick (no timing) and
check that what the table shows is still exactly what a full rebuild would show.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tui_helpers import TODAY, demo_app, demo_config, wait_ready, wait_until

from datafeed.models import Observation
from tui import presenters
from tui.app import TriffinApp
from tui.clock_rows import ClockRows
from tui.screens.dashboard import DashboardScreen
from widgets.live_table import LiveTable

START = dt.datetime.combine(TODAY, dt.time(15, 0), dt.UTC)
TABLE_ROW = presenters.table_row
"""The row builder itself (the tests count calls through a wrapper in its place)."""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


def count_rows_built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every ``presenters.table_row`` call from now on, by instrument id."""
    built: list[str] = []
    table_row = presenters.table_row

    def counted(store: Any, inst_id: str, today: dt.date, now: dt.datetime) -> Any:
        built.append(inst_id)
        return table_row(store, inst_id, today, now)

    monkeypatch.setattr(presenters, "table_row", counted)
    return built


def shown(app: TriffinApp) -> dict[str, Any]:
    table = app.screen.query_one(LiveTable)
    return {key: table.get_row(key) for key in app.monitor.store.catalog}  # type: ignore[union-attr]


def rebuilt(app: TriffinApp) -> dict[str, Any]:
    """What a full rebuild from the store shows now."""
    monitor = app.monitor
    store = monitor.store
    assert store is not None
    return {i: TABLE_ROW(store, i, monitor.today, monitor.now()) for i in store.catalog}


async def tick(pilot: Any) -> None:
    pilot.app._clock_tick()  # noqa: SLF001 - the app's once-a-minute timer callback
    await pilot.pause()
    await pilot.pause()


async def test_a_tick_with_nothing_moved_builds_no_row(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    app = demo_app(clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        assert isinstance(app.screen, DashboardScreen)
        before = shown(app)
        built = count_rows_built(monkeypatch)
        clock.now += dt.timedelta(seconds=50)
        await tick(pilot)
        assert built == []  # the old dashboard built all ~80 rows again on every tick
        assert shown(app) == before == rebuilt(app)


async def test_a_tick_re_ages_intraday_quotes_and_rebuilds_what_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    app = demo_app(clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        store = app.monitor.demo_store
        assert store is not None
        store.apply([Observation("ust10y", TODAY, 4.5, "demo:ust10y", intraday=True, time=clock.now)])
        app.monitor.store_changed("demo")
        await wait_until(pilot, lambda: shown(app)["ust10y"].value == 4.5, what="the quote on screen")
        assert shown(app)["ust10y"].age == "<1m"
        built = count_rows_built(monkeypatch)
        clock.now += dt.timedelta(minutes=5)
        await tick(pilot)
        assert shown(app)["ust10y"].age == "5m"
        assert shown(app) == rebuilt(app)
        assert built == []  # the quote's row was re-aged from its kept time, not rebuilt

        # a value changed without the dashboard hearing of it: the tick rebuilds its row
        store.apply([Observation("ust10y", TODAY, 4.6, "demo:ust10y", intraday=True, time=clock.now)])
        await tick(pilot)
        assert built == ["ust10y"]
        assert shown(app)["ust10y"].value == 4.6
        assert shown(app) == rebuilt(app)


async def test_a_new_day_rebuilds_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    app = demo_app(clock=clock, today=None)  # today follows the clock
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        built = count_rows_built(monkeypatch)
        clock.now += dt.timedelta(days=1)
        await tick(pilot)
        assert sorted(built) == sorted(app.monitor.store.catalog)  # type: ignore[union-attr]
        assert shown(app) == rebuilt(app)


FORMULAS = """
[[formulas]]
id = "ustbund"
expr = "(ust10y - bund10y) * 100"
unit = "bp"
name = "UST-Bund 10Y"

[[formulas]]
id = "ust10y_mean"
expr = "mean(ust10y, 20)"
unit = "%"
"""


async def test_a_tick_keeps_the_formula_rows(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    clock = Clock()
    app = demo_app(demo_config(tmp_path, FORMULAS), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await wait_until(pilot, lambda: app.monitor.formula_values, what="the formulas evaluated")
        await pilot.pause()
        await tick(pilot)  # the first tick after a recompute builds them once (new values)
        built: list[int] = []
        formula_rows = presenters.formula_rows
        monkeypatch.setattr(presenters, "formula_rows", lambda *a, **k: built.append(1) or formula_rows(*a, **k))
        clock.now += dt.timedelta(minutes=1)
        await tick(pilot)
        assert built == []  # the old dashboard built every formula's row again on every tick
        monitor = app.monitor
        fresh = formula_rows(
            monitor.options.formulas, monitor.formula_values, monitor.store, monitor.today, monitor.formula_errors
        )
        table = app.screen.query_one(LiveTable)
        assert [table.get_row(f.id) for f in monitor.options.formulas] == fresh
        assert {row.id for row in fresh} == {"ustbund", "ust10y_mean"}

        # an input's status moves (no recompute): the tick builds them again
        store = monitor.store
        assert store is not None
        store.mark_failure("bund10y", "boom", source="demo")
        await tick(pilot)
        assert built == [1]
        assert table.get_row("ustbund").status == "stale"  # type: ignore[union-attr]


def test_another_store_or_a_rebuild_starts_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    from datafeed.demo import DemoMarket, load_demo
    from datafeed.store import SeriesStore

    stores = []
    for _ in range(2):
        store = SeriesStore()
        load_demo(store, DemoMarket())
        stores.append(store)
    rows = ClockRows()
    now = START
    first = rows.rows(stores[0], TODAY, now)
    assert rows.built == len(stores[0].catalog)
    assert rows.rows(stores[0], TODAY, now) == first
    assert rows.built == len(stores[0].catalog)
    rows.rows(stores[1], TODAY, now)
    assert rows.built == 2 * len(stores[0].catalog)
    rows.rows(stores[1], TODAY, now, rebuild=True)
    assert rows.built == 3 * len(stores[0].catalog)
