"""Provides the app-level messages that carry feed events to the UI."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class StoreChanged(Message):
    """The store changed; the payload is a version, not data (ask the store what changed).

    A pending one is replaced by a newer one, so a burst of updates costs one repaint.
    """

    version: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StoreChanged)


@dataclass
class FeedPassDone(Message):
    """One refresh pass finished: how many jobs answered and failed."""

    ok: int
    failed: int
