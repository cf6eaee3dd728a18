"""Drives the real :class:`datafeed.feed.Feed` through one fault of :class:`FaultServer`.

Shared by ``test_faults.py`` (which asserts) and ``fault_table.py`` (which prints the
fault → behaviour → recovery table for the closing note), so both describe the same runs.

Time: the feed's and the HTTP gate's ``time.monotonic`` are replaced by a
:class:`FakeClock` (real time plus an offset the test advances), so a 15-second backoff or a
120-second ``Retry-After`` is crossed instantly while every request still goes over a real
socket to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import datafeed.feed as feed_mod
import datafeed.http as http_mod
from datafeed.feed import Feed, Job
from datafeed.http import HttpContext
from datafeed.models import Status, utcnow
from datafeed.providers.fred import FredProvider
from datafeed.settings import FeedSettings, SourceSettings
from datafeed.store import SeriesStore
from tests.reliability.faultserver import FaultServer

TODAY = dt.date(2026, 11, 26)
IDS = ("ust10y", "vix")

FAILURES = (
    "500",
    "502",
    "503",
    "429",
    "hang",
    "slow",
    "reset",
    "truncated",
    "empty",
    "html",
    "garbage",
    "bad_header",
    "wrong_dates",
    "huge",
    "huge_chunked",
)
"""Faults after which the fetch must count as failed (values kept, marked stale)."""

DATA_FAULTS = ("absurd", "nan", "future", "dupes")
"""Faults where the fetch succeeds but some rows must be rejected or reordered."""

EXPECTED_REASON = {
    "500": "HTTP 500",
    "502": "HTTP 502",
    "503": "HTTP 503",
    "429": "HTTP 429",
    "hang": "timed out",
    "slow": "timed out",
    "reset": "fetching",
    "truncated": "fetching",
    "empty": "empty body",
    "html": "HTML page",
    "garbage": "unexpected header",
    "bad_header": "unexpected header",
    "wrong_dates": "is not 'date,value'",
    "huge": "larger than",
    "huge_chunked": "larger than",
}
"""A fragment the one-line reason (``store.state[id].last_error``) must contain."""


class FakeClock:
    """``time`` stand-in whose ``monotonic()`` runs ``offset`` seconds ahead of the real one."""

    def __init__(self) -> None:
        self.offset = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@contextlib.contextmanager
def fake_clock(*modules: ModuleType) -> Iterator[FakeClock]:
    """Install one :class:`FakeClock` as ``time`` in the feed and HTTP modules."""
    clock = FakeClock()
    mods = modules or (feed_mod, http_mod)
    saved = [(m, m.time) for m in mods]  # type: ignore[attr-defined]
    for m in mods:
        m.time = clock  # type: ignore[attr-defined]
    try:
        yield clock
    finally:
        for m, t in saved:
            m.time = t  # type: ignore[attr-defined]


def make_feed(
    url: str,
    store: SeriesStore,
    ids: tuple[str, ...] = IDS,
    *,
    timeout: float = 0.5,
    retries: int = 2,
    api_key: str | None = None,
    max_body: int | None = None,
    clock: FakeClock | None = None,
) -> tuple[Feed, HttpContext, list[float]]:
    """A feed of FRED-only instruments pointed at ``url``; in-request backoff sleeps are
    recorded and skipped (with ``clock``, they advance it instead of waiting)."""
    # one request per series: the faults are per series (a batch would share them)
    fred = SourceSettings.default("fred", base_url=url, api_base_url=url, api_key=api_key, extra={"batch": False})
    kwargs: dict[str, Any] = {"sources": {"fred": fred}, "timeout": timeout, "retries": retries}
    if max_body is not None:
        kwargs["max_body"] = max_body
    settings = FeedSettings(**kwargs)
    http = HttpContext(settings)
    sleeps: list[float] = []

    async def quick_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if clock is not None:
            clock.advance(seconds)

    http.sleep = quick_sleep  # type: ignore[assignment]
    feed = Feed(store, settings, http, providers={"fred": FredProvider(fred)}, instruments=list(ids))
    return feed, http, sleeps


@dataclass
class Outcome:
    """What one fault did to the feed (one row of the table)."""

    fault: str
    failed: bool = False
    statuses: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    kept: bool = False
    last_success_kept: bool = False
    rejected: int = 0
    backoff_s: float | None = None
    backoff_max_s: float | None = None
    quiet_during_backoff: bool = False
    early_refresh_ran: bool = False
    recovered: bool = False
    recovery_s: float | None = None
    fail_pass_wall_s: float = 0.0
    recovery_pass_wall_s: float = 0.0
    requests_in_fault: int = 0
    values_after: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    series_len: dict[str, int] = field(default_factory=dict)


def _job_of(feed: Feed, inst: str) -> Job:
    return next(j for j in feed.jobs if any(t.instrument == inst for t in j.targets))


async def drive(srv: FaultServer, fault: str, ids: tuple[str, ...] = IDS, **feed_kwargs: Any) -> Outcome:
    """Good pass → fault pass → backoff checks → recovery, on the real feed. Never raises
    for a fault (that is the point); assertion helpers read the returned :class:`Outcome`."""
    out = Outcome(fault)
    store = SeriesStore(today=lambda: TODAY)
    with fake_clock() as clock:
        srv.mode = "ok"
        feed, http, _ = make_feed(srv.url, store, ids, clock=clock, **feed_kwargs)
        try:
            first = await feed.refresh(force=True)
            assert first.failed == 0, first.errors
            good = {i: store.latest(i).value for i in ids}  # type: ignore[union-attr]
            good_success = {i: store.state[i].last_success for i in ids}

            # The normal schedule brings the jobs round again, now against the fault.
            clock.advance(feed.settings.refresh + 1)
            srv.mode = fault
            srv.reset_log()
            started = time.monotonic()
            report = await feed.refresh()
            out.fail_pass_wall_s = time.monotonic() - started
            out.requests_in_fault = len(srv.hits)
            out.failed = report.failed > 0
            out.statuses = {i: store.state[i].status.value for i in ids}
            out.reason = store.state[ids[0]].last_error
            out.kept = all(store.has_data(i) for i in ids) and all(
                store.official(i).loc[store.official(i).index <= "2026-11-20"].iloc[-1] == good[i] for i in ids
            )
            out.last_success_kept = all(store.state[i].last_success == good_success[i] for i in ids)
            out.rejected = sum(store.state[i].rejected for i in ids)
            out.values_after = {i: store.latest(i).value for i in ids if store.latest(i)}  # type: ignore[union-attr]
            out.notes = list(store.state[ids[0]].notes)
            out.series_len = {i: len(store.official(i)) for i in ids}
            dues = [max(0.0, _job_of(feed, i).next_due - clock.monotonic()) for i in ids]
            out.backoff_s = min(dues)
            out.backoff_max_s = max(dues)

            if not out.failed:
                out.recovered = all(store.state[i].status is Status.FRESH for i in ids)
                out.recovery_s = 0.0
                return out

            # Backing off: a normal pass right away asks nothing.
            srv.reset_log()
            await feed.refresh()
            out.quiet_during_backoff = not srv.hits
            # The server recovers; just before the backoff ends still nothing is asked ...
            srv.mode = "ok"
            clock.advance(max(0.0, out.backoff_s - 1.0))
            await feed.refresh()
            out.early_refresh_ran = bool(srv.hits)
            # ... and once it ends the feed recovers by itself (no request_refresh()).
            clock.advance(out.backoff_max_s - out.backoff_s + 1.5)
            started = time.monotonic()
            await feed.refresh()
            out.recovery_pass_wall_s = time.monotonic() - started
            out.recovered = all(store.state[i].status is Status.FRESH for i in ids) and all(
                store.state[i].last_error is None for i in ids
            )
            out.recovery_s = out.backoff_max_s + out.recovery_pass_wall_s
            return out
        finally:
            await http.aclose()


def behaviour(o: Outcome) -> str:
    """One-line description of what the feed did (the table's middle column)."""
    if o.failed:
        status = "/".join(sorted(set(o.statuses.values())))
        return (
            f"fetch failed in {o.fail_pass_wall_s:.2f} s, no exception; last good values kept, {status}, "
            f'last_success kept (age shown); reason: "{(o.reason or "")[:70]}"; '
            f"backs off {o.backoff_s:.0f} s"
        )
    extra = f"{o.rejected} row(s) rejected and counted" if o.rejected else "rows de-duplicated and sorted"
    return f"fetch succeeded, {extra}; status {'/'.join(sorted(set(o.statuses.values())))}; values {o.values_after}"


def utc_age(when: dt.datetime | None) -> float | None:
    return None if when is None else (utcnow() - when).total_seconds()


@contextlib.asynccontextmanager
async def running_with_modes(monitor: Any) -> AsyncIterator[list[str]]:
    """Start ``monitor`` with a listener that records every mode it switches to (the list
    yielded); close the Monitor and the listener when the block ends."""
    modes: list[str] = []

    async def listen() -> None:
        async for update in monitor.updates():
            if update.mode:
                modes.append(monitor.mode)

    listener = asyncio.create_task(listen())
    monitor.start()
    try:
        yield modes
    finally:
        await monitor.aclose()
        await listener
