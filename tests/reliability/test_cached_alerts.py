"""Alerts at start-up on cached values (issue 18 finding 7).

Before: a rule fired at start-up on months-old values read from the cache, with
``"mode": "live"`` in its command's payload. Now a firing whose values came from the cache
(not yet confirmed by a source this session) is held back when they are older than the
rule's data age limit (``max_age``, default: late for their series), and otherwise fires
with ``"mode": "cached"``. A held-back threshold stays armed: it fires once a source
confirms it. Driven through the real Monitor, cache folder and a FRED stand-in on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from datafeed.alerts import parse_rule
from datafeed.cache import DiskCache
from datafeed.models import Observation
from datafeed.store import SeriesStore
from tests.conftest import write_config
from tests.fredgraph import fredgraph_body
from tui.config import load_config
from tui.session import build_monitor

TODAY = dt.date(2026, 11, 20)  # a Friday
OLD = dt.date(2026, 8, 3)  # months before: late for a daily series
RECENT = dt.date(2026, 11, 19)  # the day before: on time


FRESH_ROWS = [("2026-11-18", "4.07"), ("2026-11-19", "4.11")]


class Fred:
    """FRED's keyless CSV: 503 unless :attr:`up`, else the 10Y ``rows`` (by default 4.11 on 2026-11-19)."""

    def __init__(self, up: bool, rows: list[tuple[str, str]] = FRESH_ROWS) -> None:
        self.up = up
        self.rows = rows

    def __call__(self, request: Request) -> Response:
        if not self.up:
            return Response("down", status=503)
        body = fredgraph_body(request.args.get("id", ""), lambda _: self.rows)
        return Response(body, content_type="text/csv")


async def run(  # type: ignore[no-untyped-def]
    tmp_path: Path,
    httpserver: HTTPServer,
    cached: dt.date,
    *,
    up: bool,
    max_age: str | None = None,
    rows: list[tuple[str, str]] = FRESH_ROWS,
    notices: list[str] | None = None,
):
    """Start a monitor over a cache holding the 10Y at 4.5 on ``cached``; one pass; stop.
    The alert notices published (held back as late) are appended to ``notices``."""
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(Fred(up, rows))
    cache_dir = tmp_path / "cache"
    seeded = SeriesStore(today=lambda: TODAY)
    seeded.apply([Observation("ust10y", cached, 4.5, "fred:DGS10")])
    DiskCache(cache_dir).save(seeded, ["ust10y"])
    cfg = write_config(tmp_path / "c.toml", httpserver.url_for("/").rstrip("/"))
    config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(cache_dir)})
    config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=1, timeout=2.0))
    payloads = tmp_path / "payloads.jsonl"
    script = f"import sys; open({str(payloads)!r}, 'a').write(sys.stdin.read().strip() + '\\n')"
    rule = parse_rule("ust10y > 4", command=[sys.executable, "-c", script], max_age=max_age)
    monitor = build_monitor(config, rules=[rule], today=TODAY, tick_interval=None)
    monitor.start(follow=False)

    async def listen() -> None:
        async for update in monitor.updates():
            if notices is not None:
                notices.extend(n.text for n in update.notices if n.topic == "alert")

    listener = asyncio.create_task(listen())
    await monitor.loaded()
    await monitor.settled()
    at_start = list(monitor.alert_log)
    await monitor.refresh_once()
    await monitor.settled()
    await monitor.aclose(drain=True)
    await listener
    sent = [json.loads(line) for line in payloads.read_text().splitlines()] if payloads.exists() else []
    return at_start, list(monitor.alert_log), sent


async def test_months_old_cached_values_do_not_fire(httpserver: HTTPServer, tmp_path: Path) -> None:
    at_start, log, sent = await run(tmp_path, httpserver, OLD, up=False)
    assert at_start == [] and log == [] and sent == []


async def test_recent_cached_values_fire_marked_cached(httpserver: HTTPServer, tmp_path: Path) -> None:
    at_start, log, sent = await run(tmp_path, httpserver, RECENT, up=False)
    assert [(e.mode, e.date, e.value) for e in at_start] == [("cached", RECENT, "4.5")]
    assert log == at_start and at_start[0].line.endswith(" CACHED")
    assert [(p["mode"], p["date"], p["value"]) for p in sent] == [("cached", "2026-11-19", 4.5)]


async def test_a_held_back_rule_fires_once_a_source_confirms(httpserver: HTTPServer, tmp_path: Path) -> None:
    at_start, log, sent = await run(tmp_path, httpserver, OLD, up=True)
    assert at_start == []
    assert [(e.mode, e.date, e.value) for e in log] == [("live", RECENT, "4.11")]
    assert [p["mode"] for p in sent] == ["live"]


async def test_max_age_is_the_rules_own_limit(httpserver: HTTPServer, tmp_path: Path) -> None:
    """``max_age = "0s"``: even yesterday's cached close is too old to fire on."""
    at_start, log, sent = await run(tmp_path, httpserver, RECENT, up=False, max_age="0s")
    assert at_start == [] and log == [] and sent == []


def test_a_rule_on_a_formula_is_judged_by_the_formulas_inputs() -> None:
    """A rule reading a ``[[formulas]]`` id is held back or marked by the instruments the
    formula reads (its ``inputs``), which are what the cache holds."""
    from datafeed.alerts import AlertMonitor
    from datafeed.formula_syntax import parse_formula

    spread = parse_formula("curve", "ust10y - ust2y", "bp")
    rule = parse_rule("curve > 0", formulas=["curve"])
    monitor = AlertMonitor([rule], formulas=[spread])
    assert monitor.instruments_read() == {"ust10y", "ust2y"}


async def test_a_source_answering_with_months_old_values_does_not_fire(httpserver: HTTPServer, tmp_path: Path) -> None:
    """QA finding 3: a source that answers, but with a close months old (a stale upstream),
    made the rule fire as LIVE news; only a failed fetch held it back. Now the age of the
    value decides, not whether the fetch succeeded: no firing, no command, and one notice
    naming the value's date and LATE."""
    notices: list[str] = []
    at_start, log, sent = await run(
        tmp_path, httpserver, OLD, up=True, rows=[("2026-08-03", "4.5"), ("2026-08-04", "4.61")], notices=notices
    )
    assert at_start == [] and log == [] and sent == []
    assert notices == [  # once per data date: the cache's, then the source's
        "alert not fired: ust10y > 4 4.5 2026-08-03 LATE — ust10y (fred:DGS10) is 109 days old,"
        " late for its series; it fires on the next fresh value",
        "alert not fired: ust10y > 4 4.61 2026-08-04 LATE — ust10y (fred:DGS10) is 108 days old,"
        " late for its series; it fires on the next fresh value",
    ]
