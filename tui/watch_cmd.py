"""Provides ``triffin watch`` (headless alerts) and ``triffin record DIR`` (headless recording).

``watch`` is for cron and systemd: it runs the feed (live, ``--demo`` or ``--replay DIR``),
evaluates the alert rules after every update, prints one line per firing on stdout,
flushed at once::

    2026-11-24T22:00:05Z pct_change(vix, 5) > 30 41.2

and keeps running until SIGINT or SIGTERM (exit 0), ``--max-seconds`` or, with
``--once``, after the first update. Demo lines end in ``DEMO`` and replay lines in
``REPLAY`` (stamped with the recorded time), so synthetic or replayed alerts can never be
mistaken for live ones. Diagnostics go to stderr only.

``record`` runs the live feed through :class:`datafeed.recording.RecordingTransport`,
printing one summary line per pass on stderr, until stopped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from datafeed.alerts import AlertError, AlertMonitor, AlertRule, parse_rule
from datafeed.errors import SafeFormatter
from datafeed.models import utcnow
from datafeed.recording import RecordingError, ReplayTransport
from datafeed.store import SeriesStore
from tui.config import Config
from tui.session import LiveSession, install_stop, open_session, wait_stop

log = logging.getLogger("triffin")

DEFAULT_TICK = 2.0
"""Seconds between demo ticks."""


def _setup_logging() -> None:
    """Warnings (a failing alert command, a failing source) as ``triffin: ...`` on stderr."""
    root = logging.getLogger()
    if not any(getattr(h, "_triffin", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(SafeFormatter("triffin: %(message)s"))  # redacted, no control characters
        handler._triffin = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)


def _rules(config: Config, extra: Sequence[str]) -> list[AlertRule]:
    rules = list(config.alerts)
    formula_ids = [f.id for f in config.formulas]
    for text in extra:
        rules.append(parse_rule(text, formulas=formula_ids))
    return rules


class _Watcher:
    """Evaluates the alerts on a store and reports firings (stdout line + optional command).

    The evaluation itself is :class:`datafeed.alerts.AlertMonitor`, shared with the TUI.
    """

    def __init__(self, config: Config, rules: list[AlertRule], mode: str) -> None:
        self.monitor = AlertMonitor(rules, formulas=config.formulas, thresholds=config.thresholds, mode=mode)
        self.fired = 0
        self.broken_pipe = False

    def check(self, store: SeriesStore, now: dt.datetime | None = None) -> None:
        """Evaluate every rule on the store's current values."""
        from datafeed.thesis import store_frequencies

        try:
            firings = self.monitor.check(store.all_series(), now or utcnow(), frequencies=store_frequencies(store))
        except Exception as exc:  # noqa: BLE001 - bad thresholds or a signal bug: report, keep watching
            log.warning("alert inputs could not be computed: %s", exc)
            return
        for firing in firings:
            self.fired += 1
            try:
                print(self.monitor.line(firing), flush=True)
            except BrokenPipeError:
                self.broken_pipe = True
                return
            self.monitor.submit(firing)

    def close(self) -> None:
        """Let running commands finish (each is bounded by its timeout)."""
        self.monitor.close(wait=True)


def run_watch(
    config: Config,
    *,
    demo: bool = False,
    alerts: Sequence[str] = (),
    once: bool = False,
    max_seconds: float | None = None,
    tick: float = DEFAULT_TICK,
    replay: str | None = None,
    speed: float = 60.0,
) -> int:
    """Run ``triffin watch``; returns the exit code (0 on a clean stop, 2 on usage errors)."""
    _setup_logging()
    try:
        rules = _rules(config, alerts)
    except AlertError as exc:
        print(f"triffin: {exc}", file=sys.stderr)
        return 2
    if not rules:
        print("triffin watch: no alert rules; add [[alerts]] to the config or pass --alert RULE", file=sys.stderr)
        return 2
    transport: ReplayTransport | None = None
    if replay is not None:
        try:
            transport = ReplayTransport(replay, speed=speed)
        except RecordingError as exc:
            print(f"triffin: {exc}", file=sys.stderr)
            return 2
    mode = "demo" if demo else "replay" if transport is not None else "live"
    watcher = _Watcher(config, rules, mode)
    what = {
        "demo": "the DEMO feed (synthetic data, not market prices)",
        "replay": f"a replay of {replay} at speed {speed:g}",
        "live": "live sources",
    }[mode]
    print(f"triffin watch: {len(rules)} rule(s) on {what}; Ctrl-C stops", file=sys.stderr)
    try:
        if demo:
            asyncio.run(_watch_demo(watcher, once, max_seconds, tick))
        else:
            asyncio.run(_watch_live(config, watcher, once, max_seconds, transport))
    except KeyboardInterrupt:  # pragma: no cover - the signal handler normally wins
        pass
    finally:
        watcher.close()
    return 0


async def _watch_demo(watcher: _Watcher, once: bool, max_seconds: float | None, tick: float) -> None:
    from datafeed.demo import load_demo

    stop = asyncio.Event()
    restore = install_stop(stop)
    loop = asyncio.get_running_loop()
    end = None if max_seconds is None else loop.time() + max_seconds
    try:
        store = SeriesStore()
        market = load_demo(store)
        watcher.check(store)
        while not (once or watcher.broken_pipe):
            wait = tick if end is None else min(tick, end - loop.time())
            if await wait_stop(stop, wait) or (end is not None and loop.time() >= end):
                break
            store.apply(market.tick(dt.datetime.now(dt.UTC)))
            watcher.check(store)
    finally:
        restore()


async def _watch_live(
    config: Config,
    watcher: _Watcher,
    once: bool,
    max_seconds: float | None,
    transport: ReplayTransport | None,
) -> None:
    stop = asyncio.Event()
    restore = install_stop(stop)
    session = open_session(config, replay=transport)
    replay = session.replay
    clock = replay.virtual_now if replay is not None else None

    def now() -> dt.datetime:
        return clock() if clock is not None else utcnow()

    unique = [0]

    def on_pass(report: Any) -> None:
        watcher.check(session.store, now())
        if watcher.broken_pipe:
            stop.set()
        if replay is not None:
            # At speed 0 a pass that served nothing new means the feed has asked for all it
            # will ever ask (recorded retries it did not need stay unserved).
            served = replay.served_unique
            if replay.finished or (replay.speed == 0 and served == unique[0]):
                stop.set()
            unique[0] = served

    try:
        if any(session.store.has_data(i) for i in session.store.catalog):
            watcher.check(session.store, now())  # what the cache holds, before the network answers
        if once:
            await session.feed.refresh(force=True)
            watcher.check(session.store, now())
            return
        task = asyncio.create_task(session.feed.run_forever(on_pass=on_pass))
        waiter = asyncio.create_task(wait_stop(stop, max_seconds))
        done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        for t in (task, waiter):
            t.cancel()
        await asyncio.gather(task, waiter, return_exceptions=True)
        if task in done and task.exception() is not None:  # pragma: no cover - run_forever never returns
            log.warning("feed stopped: %s", task.exception())
    finally:
        restore()
        await session.aclose()


# --------------------------------------------------------------------------- record


def run_record(config: Config, folder: str, *, once: bool = False, max_seconds: float | None = None) -> int:
    """Run ``triffin record DIR``; returns the exit code (0 on a clean stop, 2 if DIR is unusable)."""
    _setup_logging()
    try:
        session = open_session(config, record=Path(folder))
    except RecordingError as exc:
        print(f"triffin: {exc}", file=sys.stderr)
        return 2
    print(f"triffin record: recording every upstream response to {folder}; Ctrl-C stops", file=sys.stderr)
    try:
        asyncio.run(_record(session, once, max_seconds))
    except KeyboardInterrupt:  # pragma: no cover - the signal handler normally wins
        pass
    count = getattr(session.transport, "count", 0)
    print(f"triffin record: {count} response(s) recorded in {folder}", file=sys.stderr)
    return 0


async def _record(session: LiveSession, once: bool, max_seconds: float | None) -> None:
    stop = asyncio.Event()
    restore = install_stop(stop)

    def on_pass(report: Any) -> None:
        count = getattr(session.transport, "count", 0)
        print(
            f"triffin record: pass {session.feed.passes}: {report.ok} ok, {report.failed} failed; {count} response(s) so far",
            file=sys.stderr,
            flush=True,
        )

    try:
        if once:
            on_pass(await session.feed.refresh(force=True))
            return
        task = asyncio.create_task(session.feed.run_forever(on_pass=on_pass))
        await wait_stop(stop, max_seconds)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    finally:
        restore()
        await session.aclose()
