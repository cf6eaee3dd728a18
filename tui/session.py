"""Provides :func:`build_monitor`, the one place a :class:`~datafeed.monitor.Monitor` is built from the config.

Why one place: the TUI (``triffin``, ``--demo``, ``--replay``), ``triffin watch``,
``triffin record`` and ``triffin snapshot`` differ only in what they run (live, demo, a
replay, a recording), whether they compute the thesis metrics, and which alert rules they
check; the rules of how the store, cache, HTTP client and feed fit together live in the
Monitor, so they cannot drift apart:

- live: the cache is loaded first and saved after every pass;
- record: the store starts empty (so the recording is self-contained and a replay from
  nothing asks exactly the same requests) and the cache is neither read nor written (a
  cold store saved over the cache would lose history the sources no longer serve);
- replay: the store starts empty, the cache is untouched, and the feed runs on the
  recording's clock (:func:`datafeed.recording.attach_replay`).

Also the two helpers the headless commands share: SIGINT/SIGTERM as a clean stop, and a
bounded wait for it. See docs/architecture.md.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from datafeed.monitor import Monitor, MonitorOptions, Run
from tui.config import APP_NAME, Config

if TYPE_CHECKING:
    import httpx

    from datafeed.alerts import AlertRule
    from datafeed.formulas import Formula
    from datafeed.metrics import Metrics

V = TypeVar("V")


def build_monitor(
    config: Config,
    *,
    run: Run = "live",
    transport: httpx.AsyncBaseTransport | None = None,
    rules: Sequence[AlertRule] | None = None,
    formulas: Sequence[Formula] | None = None,
    metrics: bool = False,
    switch_offline: bool = False,
    recompute_after: Literal["update", "pass"] = "update",
    present: Callable[[Metrics], V] | None = None,
    today: dt.date | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    tick_interval: float | None = 2.0,
) -> Monitor[V]:
    """The Monitor for one entry point, from the validated config.

    Args:
        config: the validated configuration.
        run: ``live``, ``demo``, ``replay`` (``transport`` is the ReplayTransport) or
            ``record`` (``transport`` is the RecordingTransport).
        transport: the recording or replay transport under the shared client.
        rules: the alert rules to check (default: the config's ``[[alerts]]``).
        formulas: the formulas to evaluate after updates (default: the config's).
        metrics: compute signals and crisis scores after every update (the TUI).
        switch_offline: go offline / to the demo when no source answers (the TUI).
        recompute_after: ``update`` (the TUI) or ``pass`` (``triffin watch``).
        present: builds views from new metrics in the Monitor's thread (the TUI).
        today: a fixed "today" (tests); clock: a fixed clock (tests).
        tick_interval: seconds between demo ticks; None freezes the demo market.
    """
    options = MonitorOptions(
        settings=config.feed,
        catalog=config.catalog,
        run=run,
        cache_dir=config.cache_dir,
        intraday_refresh=config.intraday_refresh,
        formulas=tuple(config.formulas if formulas is None else formulas),
        rules=tuple(config.alerts if rules is None else rules),
        thresholds=config.thresholds,
        episodes=tuple(config.episodes),
        metrics=metrics,
        switch_offline=switch_offline,
        recompute_after=recompute_after,
        transport=transport,
        today=today,
        clock=clock,
        tick_interval=tick_interval,
        alert_memory=alert_memory_path() if run == "live" else None,
    )
    return Monitor(options, present)


def alert_memory_path() -> Path:
    """``platformdirs.user_state_dir("triffin")/alerts-fired.json``: what each alert rule last
    fired on, so a restart does not fire it again on the same observation."""
    import platformdirs

    from datafeed.alert_memory import FILE_NAME

    return Path(platformdirs.user_state_dir(APP_NAME)) / FILE_NAME


def install_stop(stop: asyncio.Event) -> Callable[[], None]:
    """Make SIGINT and SIGTERM set ``stop`` (a clean exit 0 for cron and systemd).

    Returns:
        a function that restores the default handlers.
    """
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - non-Unix loops
            pass

    def restore() -> None:
        for sig in installed:
            loop.remove_signal_handler(sig)

    return restore


async def wait_stop(stop: asyncio.Event, seconds: float | None) -> bool:
    """Wait until ``stop`` is set or ``seconds`` pass; True when stopped."""
    if seconds is None:
        await stop.wait()
        return True
    try:
        # Not asyncio.wait_for: on Python 3.11 it can swallow a cancel that arrives as the
        # event is set, and the caller's loop would run on (see datafeed.feed.run_forever).
        async with asyncio.timeout(max(0.0, seconds)):
            await stop.wait()
    except TimeoutError:
        return stop.is_set()
    return True
