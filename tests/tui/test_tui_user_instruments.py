"""A config ``[[instruments]]`` in the TUI: in the table under its group with its unit and
horizon, from the first frame (cache summary) to fresh data; in demo mode shown as missing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pytest_httpserver import HTTPServer
from tui_helpers import TODAY, demo_app, demo_config, wait_ready, wait_until
from werkzeug.wrappers import Request, Response

from datafeed.summary import read_summary
from tests.conftest import write_config
from tui.app import TriffinApp
from tui.config import load_config
from tui.rows import summary_rows
from widgets.live_table import LiveTable

WALCL = '[[instruments]]\nid = "walcl"\nname = "Fed balance sheet"\nunit = "USD mn"\nsources = ["fred:WALCL"]\nfrequency = "weekly"\ngroup = "fiscal"\ndecimals = 0\n'


def fred(request: Request) -> Response:
    if request.args.get("id") == "WALCL":
        return Response("observation_date,WALCL\n2026-11-11,6581344\n2026-11-18,6579871\n", content_type="text/csv")
    return Response("Not Found", status=404)


async def test_a_config_instrument_is_a_row_with_its_unit_and_horizon(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(fred)
    path = write_config(tmp_path / "c.toml", httpserver.url_for("").rstrip("/"))
    path.write_text(path.read_text() + WALCL)
    config = load_config(path, env={"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")})
    config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=1))
    app = TriffinApp(config, today=TODAY, tick_interval=None)
    async with app.run_test(size=(160, 48)) as pilot:
        table = app.screen.query_one(LiveTable)
        await wait_until(
            pilot,
            lambda: (r := table.get_row("walcl")) is not None and r.status == "fresh",
            what="the fetched row",
        )
        row = table.get_row("walcl")
        assert row is not None and (row.value, row.unit, row.change_horizon, row.group) == (
            6579871.0,
            "USD mn",
            "1W",
            "Fiscal",
        )
        assert row.source == "fred:WALCL"
        await wait_until(pilot, lambda: "walcl" in read_summary(tmp_path / "cache"), what="the cache saved")
    # Cached like a built-in: the next start's first frame (from the cache summary) has it.
    summary = read_summary(tmp_path / "cache")
    assert summary["walcl"].values[-1] == 6579871.0
    first = {r.id: r for r in summary_rows(summary, TODAY, config.catalog)}["walcl"]
    assert (first.value, first.unit, first.change_horizon, first.status) == (6579871.0, "USD mn", "1W", "stale")
    assert list(config.catalog).index("walcl") == list(config.catalog).index("foreign_holdings") + 1


async def test_a_config_instrument_in_demo_mode_says_it_has_no_demo_series(tmp_path: Path) -> None:
    app = demo_app(demo_config(tmp_path, WALCL))
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_ready(pilot)
        row = app.screen.query_one(LiveTable).get_row("walcl")
        assert row is not None and row.value is None and row.status == "missing"
        assert app.monitor.store is not None
        assert "no demo series" in (app.monitor.store.state["walcl"].last_error or "")
