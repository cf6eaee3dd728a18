"""Provides the app-level messages that carry feed and metrics events to the UI.

Payloads are versions, plain values or frozen results, never live pandas objects that
another thread may still write (STYLE.md §3.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from tui.presenters import MetricsResult


@dataclass
class StoreChanged(Message):
    """The store changed; the payload is a version, not data (ask the store what changed).

    A pending one is replaced by a newer one, so a burst of updates costs one repaint.
    """

    version: int
    store: str = ""
    """Which store changed: ``live`` or ``demo`` (empty: whichever is on screen)."""

    def can_replace(self, message: Message) -> bool:
        """A newer StoreChanged of the same store makes a pending one redundant.

        The receiver diffs store versions, so the skipped one loses nothing.
        """
        return isinstance(message, StoreChanged) and message.store == self.store


@dataclass
class FeedPassDone(Message):
    """One refresh pass finished: how many jobs answered and failed."""

    ok: int
    failed: int


@dataclass
class DataLoaded(Message):
    """The first data is ready (cache or demo history), built off the UI thread.

    Attributes:
        store: the store, not yet seen by anyone else (so handing it over is safe).
        market: the demo market when the store is synthetic, else None.
        demo: True when ``store`` holds demo data.
        metrics: signals and crisis scores computed on it; None when they follow in a
            :class:`MetricsLoaded` (the store is handed over first, so the feed can start).
        warnings: one-line problems to show once (corrupt cache files ...).
        engine: the metrics engine that computed them (it continues incrementally).
        cache: the disk cache the store was loaded from (live only).
        http: the feed's HTTP context, made in the load thread (creating an httpx client
            imports httpcore and builds a TLS context: ~0.2 s the UI thread need not spend).
    """

    store: Any
    market: Any
    demo: bool
    metrics: MetricsResult | None
    warnings: list[str]
    engine: Any = None
    cache: Any = None
    http: Any = None


@dataclass
class MetricsLoaded(Message):
    """The first metrics of a store handed over by :class:`DataLoaded` without them.

    Computed in the load thread on a snapshot of the series taken before the hand-over,
    so updates the feed applied meanwhile are still pending for the next computation.

    Attributes:
        store: the store they belong to (ignored if another store is on screen by then).
        engine: the metrics engine that computed them (it continues incrementally).
        metrics: the results.
    """

    store: Any
    engine: Any
    metrics: MetricsResult


@dataclass
class MetricsReady(Message):
    """Signals and crisis scores were recomputed in the metrics worker.

    Attributes:
        generation: which store the results belong to; stale generations are ignored.
        metrics: the results and their widget views.
        token: which computation it was (only the latest one's end lets the next start).
    """

    generation: int
    metrics: MetricsResult
    token: int = 0
