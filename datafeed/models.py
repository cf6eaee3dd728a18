"""Provides the plain value types that flow from providers into the store.

They are frozen, slotted dataclasses (no pandas) so providers stay cheap to test and the
store is the only place that builds pandas objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum


class Status(str, Enum):
    """How the last fetch of a series went (DESIGN.md §5 ``status``).

    It describes the fetch, not the age of the data: a series whose last refresh succeeded
    is ``fresh`` even when nothing newer has been published.
    """

    FRESH = "fresh"
    STALE = "stale"
    ERROR = "error"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class Observation:
    """One value of one instrument on one date, with where it came from.

    Attributes:
        instrument: canonical instrument id (``ust10y``).
        date: the observation (trading) date.
        value: the value in the instrument's catalog unit.
        source: ``<source>:<series>`` (``fred:DGS10``).
        intraday: True for a provisional intraday quote that an official close replaces.
        time: when an intraday quote was struck (UTC); None for end-of-day values.
    """

    instrument: str
    date: dt.date
    value: float
    source: str
    intraday: bool = False
    time: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class RawPoint:
    """A parsed (date, value) pair before it is bound to an instrument."""

    date: dt.date
    value: float


@dataclass(frozen=True, slots=True)
class Delta:
    """What one ``SeriesStore.apply`` call changed.

    Attributes:
        version: the store version after the change.
        changed: ids of instruments whose values changed.
        added: number of new (instrument, date) points.
        updated: number of existing points whose value was revised.
        rejected: number of observations refused by validation.
    """

    version: int
    changed: frozenset[str] = frozenset()
    added: int = 0
    updated: int = 0
    rejected: int = 0

    def __bool__(self) -> bool:
        return bool(self.changed)


@dataclass(slots=True)
class SeriesState:
    """Per-instrument fetch bookkeeping kept by the store.

    Attributes:
        status: result of the last fetch.
        source: ``<source>:<series>`` that produced the newest value.
        last_success: when the last fetch succeeded (UTC).
        last_attempt: when the last fetch was tried (UTC).
        last_error: one-line text of the last failure (secrets redacted), None after a success.
        next_retry: when the scheduler will try again (UTC).
        rejected: observations refused by validation since start.
    """

    status: Status = Status.MISSING
    source: str | None = None
    last_success: dt.datetime | None = None
    last_attempt: dt.datetime | None = None
    last_error: str | None = None
    next_retry: dt.datetime | None = None
    rejected: int = 0
    notes: list[str] = field(default_factory=list)


def utcnow() -> dt.datetime:
    """Timezone-aware now in UTC (one place to patch in tests)."""
    return dt.datetime.now(dt.UTC)
