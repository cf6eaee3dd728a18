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
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from datafeed.alerts import AlertError, AlertRule, parse_rule
from datafeed.errors import SafeFormatter
from datafeed.monitor import Monitor, Run
from datafeed.recording import RecordingError, RecordingTransport, ReplayTransport
from tui.config import Config
from tui.session import build_monitor, install_stop, wait_stop

log = logging.getLogger("triffin")

DEFAULT_TICK = 2.0
"""Seconds between demo ticks."""


class _StderrHandler(logging.StreamHandler[TextIO]):
    """The stderr handler :func:`_setup_logging` adds once (found again by its class)."""


def _setup_logging() -> None:
    """Warnings (a failing alert command, a failing source) as ``triffin: ...`` on stderr."""
    root = logging.getLogger()
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        handler = _StderrHandler(sys.stderr)
        handler.setFormatter(SafeFormatter("triffin: %(message)s"))  # redacted, no control characters
        root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)


def _rules(config: Config, extra: Sequence[str]) -> list[AlertRule]:
    rules = list(config.alerts)
    formula_ids = [f.id for f in config.formulas]
    for text in extra:
        rules.append(parse_rule(text, formulas=formula_ids, instruments=config.catalog))
    return rules


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
    run: Run = "demo" if demo else "replay" if transport is not None else "live"
    # Whole passes: rules fire in rule order, and a formula never sees half a pass.
    monitor: Monitor[None] = build_monitor(
        config, run=run, transport=transport, rules=rules, recompute_after="pass", tick_interval=tick
    )
    what = {
        "demo": "the DEMO feed (synthetic data, not market prices)",
        "replay": f"a replay of {replay} at speed {speed:g}",
        "live": "live sources",
    }[run]
    print(f"triffin watch: {len(rules)} rule(s) on {what}; Ctrl-C stops", file=sys.stderr)
    try:
        asyncio.run(_watch(monitor, once, max_seconds))
    except KeyboardInterrupt:  # pragma: no cover - the signal handler normally wins
        pass
    return 0


async def _print_firings(monitor: Monitor[None], stop: asyncio.Event) -> None:
    """One stdout line per firing, flushed; stop on a closed pipe or at the end of a replay."""
    replay = monitor.replay
    unique = 0
    broken = False
    async for update in monitor.updates():
        for notice in update.notices:
            if notice.severity == "error" or notice.topic == "alert":  # an alert held back as late says why
                log.warning("%s", notice.text)
        for entry in update.alerts:
            if broken:
                break
            try:
                print(entry.line, flush=True)
            except BrokenPipeError:
                broken = True
                stop.set()
        if replay is not None and update.passes:
            # At speed 0 a pass that served nothing new means the feed has asked for all it
            # will ever ask (recorded retries it did not need stay unserved).
            served = replay.served_unique
            if replay.finished or (replay.speed == 0 and served == unique):
                stop.set()
            unique = served


async def _watch(monitor: Monitor[None], once: bool, max_seconds: float | None) -> None:
    """Run until stopped (or, with ``once``, for one look at the data); firings are printed as they come."""
    stop = asyncio.Event()
    restore = install_stop(stop)
    printer = asyncio.create_task(_print_firings(monitor, stop))
    try:
        monitor.start(follow=not once)
        if once:
            await monitor.loaded()  # the cache (or the demo history) is checked first
            if monitor.options.run != "demo":
                await monitor.refresh_once()
        else:
            await wait_stop(stop, max_seconds)
    except RuntimeError as exc:  # nothing could be loaded
        log.warning("%s", exc)
    finally:
        restore()
        await monitor.aclose(drain=True)  # the last pass's alerts are still checked and printed
        await printer


# --------------------------------------------------------------------------- record


def run_record(config: Config, folder: str, *, once: bool = False, max_seconds: float | None = None) -> int:
    """Run ``triffin record DIR``; returns the exit code (0 on a clean stop, 2 if DIR is unusable)."""
    _setup_logging()
    try:
        transport = RecordingTransport(Path(folder))
    except RecordingError as exc:
        print(f"triffin: {exc}", file=sys.stderr)
        return 2
    monitor: Monitor[None] = build_monitor(config, run="record", transport=transport, rules=(), formulas=())
    print(f"triffin record: recording every upstream response to {folder}; Ctrl-C stops", file=sys.stderr)
    try:
        asyncio.run(_record(monitor, transport, once, max_seconds))
    except KeyboardInterrupt:  # pragma: no cover - the signal handler normally wins
        pass
    print(f"triffin record: {transport.count} response(s) recorded in {folder}", file=sys.stderr)
    return 0


async def _print_passes(monitor: Monitor[None], transport: RecordingTransport) -> None:
    """One stderr line per feed pass."""
    passes = 0
    async for update in monitor.updates():
        for report in update.passes:
            passes += 1
            print(
                f"triffin record: pass {passes}: {report.ok} ok, {report.failed} failed; "
                f"{transport.count} response(s) so far",
                file=sys.stderr,
                flush=True,
            )


async def _record(monitor: Monitor[None], transport: RecordingTransport, once: bool, max_seconds: float | None) -> None:
    stop = asyncio.Event()
    restore = install_stop(stop)
    printer = asyncio.create_task(_print_passes(monitor, transport))
    try:
        monitor.start(follow=not once)
        if once:
            await monitor.refresh_once()
        else:
            await wait_stop(stop, max_seconds)
    finally:
        restore()
        await monitor.aclose()
        await printer
