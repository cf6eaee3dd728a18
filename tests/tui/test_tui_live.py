"""Live mode against a FRED stand-in on 127.0.0.1: cache first, then fresh data; offline fallback."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from pathlib import Path

from pytest_httpserver import HTTPServer
from tui_helpers import TODAY, screen_text, wait_until
from werkzeug.wrappers import Request, Response

from datafeed.cache import DiskCache
from datafeed.models import Observation, Status
from datafeed.store import SeriesStore
from tests.conftest import write_config
from tests.fredgraph import fredgraph_body
from tui.app import TriffinApp
from tui.config import load_config
from widgets.live_table import LiveTable
from widgets.status_bar import StatusBar

CACHED = {"ust10y": [("2026-11-17", 4.05), ("2026-11-18", 4.07)], "vix": [("2026-11-17", 17.0), ("2026-11-18", 17.5)]}
FRESH = {
    "DGS10": [("2026-11-18", "4.07"), ("2026-11-19", "4.11")],
    "VIXCLS": [("2026-11-18", "17.5"), ("2026-11-19", "19.0")],
}


class GatedFred:
    """A FRED keyless endpoint that holds every answer until :attr:`gate` is set."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.answered = 0

    def __call__(self, request: Request) -> Response:
        self.gate.wait(20)
        sid, cosd = request.args.get("id", ""), request.args.get("cosd", "")
        self.answered += 1
        body = fredgraph_body(sid, lambda c: [(d, v) for d, v in FRESH[c] if d >= cosd] if c in FRESH else None)
        if body is None:
            return Response("Not Found", status=404)
        return Response(body, content_type="text/csv")


def prepare_cache(folder: Path) -> None:
    """A cache folder holding two instruments, as a previous run would have left it."""
    store = SeriesStore(today=lambda: TODAY)
    store.apply(
        Observation(i, dt.date.fromisoformat(d), v, "fred:" + {"ust10y": "DGS10", "vix": "VIXCLS"}[i])
        for i, rows in CACHED.items()
        for d, v in rows
    )
    DiskCache(folder).save(store)


async def test_cache_is_painted_before_the_network_then_fresh_data(httpserver: HTTPServer, tmp_path: Path) -> None:
    """Cached values show (status stale) while FRED has not answered; fresh ones after it does."""
    fred = GatedFred()
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(fred)
    cache = tmp_path / "cache"
    prepare_cache(cache)
    cfg = write_config(tmp_path / "c.toml", httpserver.url_for("/").rstrip("/"))
    config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(cache)})
    config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=1))
    app = TriffinApp(config, today=TODAY, tick_interval=None)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            table = app.screen.query_one(LiveTable)
            await wait_until(
                pilot,
                lambda: table.get_row("ust10y") is not None and table.get_row("ust10y").value is not None,
                what="cached rows",
            )
            row = table.get_row("ust10y")
            assert fred.answered == 0, "the cache must be on screen before any answer"
            assert row is not None and row.value == 4.07 and row.status == "stale" and row.date == "2026-11-18"
            assert app.monitor.mode == "live"
            fred.gate.set()
            await wait_until(pilot, lambda: table.get_row("ust10y").value == 4.11, what="fresh data")
            await wait_until(pilot, lambda: table.get_row("ust10y").status == "fresh", what="fresh status")
            row = table.get_row("ust10y")
            assert row is not None and row.date == "2026-11-19" and row.source == "fred:DGS10"
            assert abs((row.change or 0) - 4.0) < 1e-9 and row.change_unit == "bp"
            await wait_until(pilot, lambda: table.get_row("vix").value == 19.0, what="fresh VIX")
            bar = app.screen.query_one(StatusBar)
            assert bar.mode == "live" and bar.banner_text is None
            await wait_until(pilot, lambda: "fred ok" in bar.sources_text, what="fred ok in the status bar")
            assert "treasury off" in bar.sources_text
            assert app.monitor.live_store is not None and app.monitor.live_store.state["ust10y"].status is Status.FRESH
    finally:
        fred.gate.set()


async def test_offline_with_empty_cache_runs_the_demo_under_a_banner(tmp_path: Path) -> None:
    """Nothing answers and nothing is cached: OFFLINE banner over the DEMO feed."""
    cfg = write_config(tmp_path / "c.toml", "http://127.0.0.1:9")  # a closed port
    config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(tmp_path / "empty")})
    config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=1, timeout=2.0))
    app = TriffinApp(config, today=TODAY, tick_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(
            pilot,
            lambda: app.monitor.mode == "offline" and app.ready and app.monitor.showing_demo,
            timeout=30,
            what="the offline fallback",
        )
        await wait_until(
            pilot, lambda: app.screen.query_one(LiveTable).get_row("ust10y").value is not None, what="demo rows"
        )
        bar = app.screen.query_one(StatusBar)
        await pilot.pause()
        assert bar.mode == "offline" and bar.banner_text is not None
        assert "OFFLINE" in bar.banner_text and "DEMO" in bar.banner_text
        text = screen_text(app)
        assert "OFFLINE" in text and "fred ERROR" in text
        row = app.screen.query_one(LiveTable).get_row("ust10y")
        assert row is not None and row.source.startswith("demo:")


async def test_a_rule_on_late_data_does_not_fire_and_the_alert_log_says_why(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """QA finding 3 in the TUI: FRED answers with a close months old; ``ust10y > 4`` fired as
    LIVE. Now nothing fires (no bell, no entry), a notice says LATE with the date, and the
    alert log's rule line keeps saying it after the toast is gone."""
    old = {"DGS10": [("2026-07-27", "4.55"), ("2026-07-28", "4.61")]}

    def answer(request: Request) -> Response:
        body = fredgraph_body(request.args.get("id", ""), old.get)
        return Response(body, content_type="text/csv") if body is not None else Response("Not Found", status=404)

    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(answer)
    cfg = write_config(tmp_path / "c.toml", httpserver.url_for("/").rstrip("/"))
    cfg.write_text(cfg.read_text() + '[[alerts]]\nrule = "ust10y > 4"\n')
    config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")})
    config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=1))
    app = TriffinApp(config, today=TODAY, tick_interval=None)
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign,assignment]
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: "ust10y > 4" in app.monitor.held_alerts, what="the rule held back")
        await wait_until(pilot, lambda: any("LATE" in n for n in notes), what="the notice")
        assert app.monitor.alert_log == []
        assert [n for n in notes if "LATE" in n] == [
            "alert not fired: ust10y > 4 4.61 2026-07-28 LATE — ust10y (fred:DGS10) is 115 days old,"
            " late for its series; it fires on the next fresh value"
        ]
        await pilot.press("a")
        await wait_until(pilot, lambda: "Alert log" in screen_text(app), what="the alert log")
        text = screen_text(app)
        assert "0 firing(s)" in text and "not fired: 4.61 of 2026-07-28 LATE, 115 days old" in text
