"""Provides the UI's two update types: the Monitor's update as a Textual message, and what screens repaint.

Why two: :class:`MonitorUpdated` is how the app's one worker hands a
:class:`~datafeed.monitor.MonitorUpdate` to the UI thread (frozen results, never a pandas
object another thread may still write); :class:`DataUpdate` is what screens receive on
``data_changed`` after the app took it in, with the minute tick of the clock added.
See docs/architecture.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from textual.message import Message

if TYPE_CHECKING:
    from datafeed.updates import MonitorUpdate
    from tui.presenters import MetricsViews


class MonitorUpdated(Message):
    """The Monitor reported changes (several merged into one while the UI was busy).

    Attributes:
        update: what the Monitor reported.
    """

    def __init__(self, update: MonitorUpdate[MetricsViews]) -> None:
        super().__init__()
        self.update = update


class DataUpdate(NamedTuple):
    """What changed, published on the app's ``data_changed`` signal (UI thread only).

    Both types here are defined in front of the first frame, where a dataclass costs ~0.6 ms
    to create (issue 20): a named tuple and a message with its own ``__init__``.

    Attributes:
        changed: instrument and formula ids whose values or status changed.
        metrics: new signal / crisis results are in ``monitor.metrics`` and ``monitor.views``.
        everything: the store shown was replaced (mode switch, first load): repaint all.
        status: the source health or the mode changed (status bar, title).
        clock: the minute ticked (ages).
        auctions: the auction book was refreshed (the Auctions screens repaint).
    """

    changed: frozenset[str] = frozenset()
    metrics: bool = False
    everything: bool = False
    status: bool = False
    clock: bool = False
    auctions: bool = False


EVERYTHING = DataUpdate(metrics=True, everything=True, status=True, auctions=True)
"""Repaint all of it (a screen that appears after the first data)."""
