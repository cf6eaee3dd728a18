"""The headless Monitor: loading, the one coalescing recompute, alerts, health and the mode machine.

Driven on a plain asyncio loop (no Textual): the demo market with a fixed day, and a FRED
stand-in on 127.0.0.1 for the live modes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import threading
import time
import types
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from datafeed.metrics import Metrics
from datafeed.models import Observation
from datafeed.monitor import Monitor
from datafeed.updates import MonitorUpdate
from tests.conftest import write_config
from tests.fredgraph import fredgraph_body
from tui.config import load_config
from tui.session import build_monitor

TODAY = dt.date(2026, 11, 20)
"""A Friday; the demo history ends on Thursday 2026-11-19."""


async def until(condition: object, what: str, timeout: float = 30.0) -> None:
    """Poll ``condition()`` on the loop until it holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():  # type: ignore[operator]
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


class Collector:
    """Takes every update a monitor reports, in a task of its own."""

    def __init__(self, monitor: Monitor[object]) -> None:
        self.updates: list[MonitorUpdate[object]] = []
        self.task = asyncio.create_task(self._read(monitor))

    async def _read(self, monitor: Monitor[object]) -> None:
        async for update in monitor.updates():
            self.updates.append(update)


def quote(monitor: Monitor[object], minutes: float, **values: float) -> None:
    """Intraday demo quotes at 15:00 + ``minutes`` on TODAY, taken in like a demo tick."""
    store = monitor.demo_store
    assert store is not None
    when = dt.datetime.combine(TODAY, dt.time(15, 0), dt.UTC) + dt.timedelta(minutes=minutes)
    delta = store.apply(Observation(i, TODAY, v, f"demo:{i}", intraday=True, time=when) for i, v in values.items())
    assert delta.rejected == 0
    monitor.store_changed("demo")


async def test_updates_arriving_during_a_recompute_coalesce_into_one_more_run() -> None:
    """A burst of ticks while the metrics run costs exactly one more run, which sees all of them."""
    gate = threading.Event()
    seen: list[frozenset[str]] = []

    def present(metrics: Metrics) -> int:
        gate.wait(20)  # the first run holds here while the ticks arrive
        seen.append(metrics.recomputed)
        return len(seen)

    monitor = build_monitor(
        load_config(None), run="demo", metrics=True, present=present, today=TODAY, tick_interval=None
    )
    collector = Collector(monitor)
    monitor.start()
    await monitor.loaded()
    await until(lambda: monitor._jobs == 1, "the first recompute")
    for n, value in enumerate((17.0, 18.0, 19.0)):
        quote(monitor, n, vix=value)
        await asyncio.sleep(0.01)  # separate loop turns: three separate store changes
    quote(monitor, 4, ust10y=5.1)
    await asyncio.sleep(0.01)
    assert len(seen) == 0 and not monitor.idle
    gate.set()
    await monitor.settled()
    await monitor.aclose()
    await collector.task
    assert len(seen) == 2, "one run for the load, one for the whole burst"
    assert monitor.views == 2 and monitor.metrics is not None
    # The second run recomputed what reads vix or ust10y, and only that.
    assert "stock_bond_corr_1y" in seen[1] and "debt_gdp" not in seen[1]
    changed = frozenset().union(*(u.changed for u in collector.updates))
    assert {"vix", "ust10y"} <= changed
    assert collector.updates[0].everything, "the first update says: all of it is new"
    assert any(u.metrics is not None and u.views == 2 for u in collector.updates)


async def test_formulas_and_alerts_are_computed_after_every_update(tmp_path: Path) -> None:
    """One recompute evaluates formulas and checks alerts; a cross is logged once, labelled DEMO."""
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[[formulas]]\nid = "spread"\nexpr = "(ust10y - bund10y) * 100"\nunit = "bp"\n'
        '[[alerts]]\nrule = "ust10y crosses 5"\n'
    )
    monitor = build_monitor(load_config(cfg), run="demo", today=TODAY, tick_interval=None)
    monitor.start()
    await monitor.loaded()
    await monitor.settled()
    spread = monitor.formula_values["spread"]
    store = monitor.demo_store
    assert store is not None
    ust, bund = store.latest("ust10y"), store.latest("bund10y")
    assert ust is not None and bund is not None
    assert abs(spread.iloc[-1] - (ust.value - bund.value) * 100) < 1e-9
    assert monitor.alert_log == [] and monitor.metrics is None  # a side at start, not a cross; no metrics asked
    quote(monitor, 0, ust10y=5.2, bund10y=3.0)
    await monitor.settled()
    (entry,) = monitor.alert_log
    assert (entry.rule, entry.detail, entry.mode) == ("ust10y crosses 5", "crossed above 5", "demo")
    assert entry.line.endswith(f" ust10y crosses 5 5.2 {entry.date} DEMO")
    assert abs(monitor.formula_values["spread"].iloc[-1] - 220.0) < 1e-9, "the formula followed its inputs"
    await monitor.aclose()


async def test_demo_health_says_paused_and_frozen() -> None:
    monitor = build_monitor(load_config(None), run="demo", today=TODAY, tick_interval=None)
    (health,) = monitor.health()
    assert (health.source, health.state, health.note) == ("demo", "ok", "frozen")
    monitor.pause(True)
    (health,) = monitor.health()
    assert health.note == "paused"


async def test_a_paused_demo_does_not_wake_until_it_resumes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paused, the demo's tick loop waits for the resume instead of waking every interval to
    find itself paused (quiet as an idle live app); resumed, it ticks again."""
    import datafeed.monitor as monitor_module

    wakes: list[float] = []
    real_sleep = asyncio.sleep

    async def counted_sleep(delay: float, *args: object) -> object:
        wakes.append(delay)
        return await real_sleep(delay, *args)

    patched = types.SimpleNamespace(**{**vars(asyncio), "sleep": counted_sleep})
    monkeypatch.setattr(monitor_module, "asyncio", patched)
    monitor = build_monitor(load_config(None), run="demo", today=TODAY, tick_interval=0.01)
    ticks: list[int] = []
    real_tick = monitor._demo_tick
    monkeypatch.setattr(monitor, "_demo_tick", lambda: (ticks.append(1), real_tick())[1])
    monitor.start()
    await monitor.loaded()
    await until(lambda: len(ticks) >= 3, "the demo ticking")
    monitor.pause(True)
    await real_sleep(0.05)  # the loop finishes the sleep it was in and starts waiting
    ticks.clear()
    wakes.clear()
    await real_sleep(0.3)  # thirty intervals
    assert wakes == [] and ticks == [], (wakes, ticks)
    monitor.pause(False)
    await until(lambda: len(ticks) >= 2, "ticking again after the resume")
    await monitor.aclose()


class SwitchableFred:
    """A FRED keyless endpoint that fails until :attr:`up` is set."""

    def __init__(self) -> None:
        self.up = False

    def __call__(self, request: Request) -> Response:
        if not self.up:
            return Response("down", status=503)
        sid = request.args.get("id", "")
        # every series but VIX is a rate
        body = fredgraph_body(
            sid, lambda c: [("2026-11-18", "4.07"), ("2026-11-19", {"VIXCLS": "19.0"}.get(c, "4.11"))]
        )
        return Response(body, content_type="text/csv")


async def test_nothing_answers_nothing_kept_then_a_source_answers(httpserver: HTTPServer, tmp_path: Path) -> None:
    """Offline with an empty cache runs the demo; the first answer switches back to live data."""
    fred = SwitchableFred()
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(fred)
    cfg = write_config(tmp_path / "c.toml", httpserver.url_for("/").rstrip("/"))
    config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(tmp_path / "empty")})
    config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=1, timeout=2.0))
    monitor = build_monitor(config, metrics=True, switch_offline=True, today=TODAY, tick_interval=None)
    collector = Collector(monitor)
    monitor.start()
    await until(lambda: monitor.mode == "offline" and monitor.demo_store is not None, "the offline demo")
    assert monitor.showing_demo and monitor.store is monitor.demo_store
    assert monitor.banner is not None and "DEMO" in monitor.banner
    fred_health = next(h for h in monitor.health() if h.source == "fred")
    assert fred_health.state == "error" and "503" in fred_health.error and fred_health.retry_in is not None
    await until(lambda: monitor.metrics is not None, "metrics of the demo store")
    fred.up = True
    assert monitor.feed is not None
    monitor.refresh_now()
    await until(lambda: monitor.mode == "live", "live again")
    assert not monitor.showing_demo and monitor.demo_store is None and monitor.banner is None
    live = monitor.live_store
    assert live is not None
    # Back to live at the first answer; the rest of the pass fills in behind it.
    await until(lambda: live.latest("ust10y") is not None, "the live 10Y")
    await until(lambda: monitor.metrics is not None, "metrics of the live store")
    await monitor.aclose()
    await collector.task
    texts = [n.text for u in collector.updates for n in u.notices]
    # Going offline is said by the banner alone: a toast would sit on top of it.
    assert not any("DEMO" in t for t in texts) and "A source answered: showing live data" in texts
    assert sum(u.everything for u in collector.updates) >= 2, "each store switch repaints everything"


async def test_pass_mode_checks_alerts_once_per_pass_in_rule_order(httpserver: HTTPServer, tmp_path: Path) -> None:
    """``recompute_after = pass``: two rules on two series of one pass fire together, in rule order."""
    fred = SwitchableFred()
    fred.up = True
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(fred)
    cfg = write_config(tmp_path / "c.toml", httpserver.url_for("/").rstrip("/"))
    config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")})
    from datafeed.alerts import parse_rule

    rules = [parse_rule("vix > 18"), parse_rule("ust10y > 4")]
    # The stand-in's closes are of 2026-11-19: on the real clock they would be late, and late data never fires.
    monitor = build_monitor(config, rules=rules, recompute_after="pass", today=TODAY)
    collector = Collector(monitor)
    monitor.start(follow=False)
    await monitor.loaded()
    await monitor.refresh_once()
    await monitor.aclose(drain=True)
    await collector.task
    fired = [u.alerts for u in collector.updates if u.alerts]
    assert len(fired) == 1, "one check for the whole pass"
    assert [e.rule for e in fired[0]] == ["vix > 18", "ust10y > 4"]


def test_the_first_frame_questions_need_no_pandas_and_no_httpx() -> None:
    """What the first frame asks (today, health, the cache summary, the banner) loads neither."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "import sys\n"
        "from tui.config import load_config\n"
        "from tui.session import build_monitor\n"
        "m = build_monitor(load_config(None), metrics=True, switch_offline=True)\n"
        "m.today; m.now(); m.health(); m.cached_summary(); m.banner; m.status_mode\n"
        "print(' '.join(x for x in ('pandas', 'numpy', 'httpx') if x in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_the_demo_history_shares_one_source_tag_per_instrument() -> None:
    """A str object per point would cost ~12 MB of RSS for the demo history (one per instrument does)."""
    from datafeed.demo import DemoMarket, load_demo
    from datafeed.store import SeriesStore

    store = SeriesStore()
    load_demo(store, DemoMarket(end=TODAY))
    tags = store.sources("ust10y")
    assert len(tags) > 5000 and set(tags) == {"demo:ust10y"}
    assert len({id(t) for t in tags.to_numpy(dtype=object)}) == 1


async def test_a_source_that_answers_no_data_neither_flaps_nor_hides_the_demo(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """FRED fails; the ECB answers its "no data" 404, which its provider takes as a success.

    Nothing is held and nothing arrived, so the OFFLINE demo shows and stays: the monitor
    must not go offline at every failed try and back live at the ECB job's end (seen against
    a network that answers 404 to everything: the banner flapped and "A source answered"
    toasts stacked up), nor stay live on an empty screen of n/a.
    """
    fred = SwitchableFred()
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(fred)
    httpserver.expect_request("/service/data/EST/B.EU000A2X2A25.WT").respond_with_data("No results found", status=404)
    url = httpserver.url_for("/").rstrip("/")
    cfg = write_config(tmp_path / "c.toml", url, ecb={"base_url": url})
    config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(tmp_path / "empty")})
    config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=1, timeout=2.0))
    monitor = build_monitor(config, switch_offline=True, today=TODAY, tick_interval=None)
    collector = Collector(monitor)
    monitor.start()

    def ecb_answered() -> bool:
        jobs = monitor.feed.all_jobs if monitor.feed is not None else []
        return any(j.provider.name == "ecb" and j.last_duration is not None and j.failures == 0 for j in jobs)

    await until(ecb_answered, "the ECB's empty answer")

    await until(lambda: monitor.showing_demo and monitor.demo_store is not None, "the OFFLINE demo")

    def switches() -> int:  # mode updates outside a pass's end
        return sum(1 for u in collector.updates if u.mode and not u.passes)

    settled = switches()
    # One more round (the first pass has ended: the ECB ran and was rescheduled): every FRED
    # try fails at the HTTP level again while the ECB answers "no data" again.
    assert monitor.feed is not None
    ecb = next(j for j in monitor.feed.all_jobs if j.provider.name == "ecb")
    runs = ecb.runs
    monitor.refresh_now()
    await until(lambda: ecb.runs > runs and ecb.next_due > time.monotonic(), "the ECB asked again")
    await asyncio.sleep(0.3)  # FRED's failures of the round land
    assert monitor.mode == "offline" and monitor.showing_demo
    await monitor.aclose()
    await collector.task
    assert switches() == settled, f"{switches() - settled} mode switches in one refresh round"
    toasts = [n.text for u in collector.updates for n in u.notices if n.text.startswith("A source answered")]
    assert toasts == []
