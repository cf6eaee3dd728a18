"""Provides the live feed as the headless commands and the app build it: plain, recording or replaying.

Why one place: ``triffin watch``, ``triffin record``, ``triffin --replay`` and ``triffin
watch --replay`` differ only in the transport under the one shared HTTP client and in
whether the disk cache is involved, and those rules must not drift apart:

- plain live: the cache is loaded first and saved after every pass;
- recording: the store starts empty (so the recording is self-contained and a replay
  from nothing asks exactly the same requests) and the cache is neither read nor written
  (a cold store saved over the cache would lose history the sources no longer serve);
- replay: the store starts empty, the cache is untouched, and the feed runs on the
  recording's clock (:func:`datafeed.recording.attach_replay`).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from datafeed.cache import DiskCache
from datafeed.feed import Feed
from datafeed.http import HttpContext
from datafeed.recording import (
    RecordingTransport,
    ReplayTransport,
    attach_replay,
    make_client,
    replay_settings,
)
from datafeed.store import SeriesStore
from tui.config import Config


@dataclass(slots=True)
class LiveSession:
    """A store, its feed and the HTTP context, plus the transport when recording or replaying.

    Attributes:
        mode: ``live``, ``record`` or ``replay``.
        store: the store the feed fills.
        feed: the scheduler.
        http: the shared HTTP context.
        client: the client built here (None when ``HttpContext`` owns its own).
        transport: the recording or replay transport, if any.
        cache: the disk cache (live mode only).
    """

    mode: str
    store: SeriesStore
    feed: Feed
    http: HttpContext
    client: httpx.AsyncClient | None = None
    transport: httpx.AsyncBaseTransport | None = None
    cache: DiskCache | None = None

    @property
    def replay(self) -> ReplayTransport | None:
        """The replay transport when replaying."""
        return self.transport if isinstance(self.transport, ReplayTransport) else None

    async def aclose(self) -> None:
        """Close the HTTP context and the client built here (which closes the transport)."""
        await self.http.aclose()
        if self.client is not None:
            await self.client.aclose()


def open_session(
    config: Config,
    *,
    record: Path | str | None = None,
    replay: ReplayTransport | None = None,
    store: SeriesStore | None = None,
) -> LiveSession:
    """Build the feed for live, recording (``record`` = folder) or replay (``replay`` = transport).

    Raises:
        RecordingError: the recording folder cannot be written.
    """
    settings = config.feed
    store = store if store is not None else SeriesStore()
    transport: httpx.AsyncBaseTransport | None = None
    cache: DiskCache | None = None
    if replay is not None:
        transport, mode = replay, "replay"
        settings = replay_settings(settings)
    elif record is not None:
        transport, mode = RecordingTransport(record), "record"
    else:
        mode = "live"
        cache = DiskCache(config.cache_dir)
        cache.load_into(store)
    client = make_client(settings, transport) if transport is not None else None
    http = HttpContext(settings, client=client)
    feed = Feed(store, settings, http, cache=cache, intraday_refresh=config.intraday_refresh)
    if replay is not None:
        attach_replay(feed, replay)
    return LiveSession(mode, store, feed, http, client, transport, cache)


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
