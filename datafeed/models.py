"""Provides the plain value types that flow from providers into the store.

They are frozen, slotted dataclasses (no pandas, no numpy) so providers stay cheap to import
and test, and the store is the only place that builds arrays and pandas objects.

End-of-day history travels as a :class:`Batch` (one instrument's dates and values as two
columns with one source tag): a cold start reads ~100,000 values, and one object per value
would be built only to be taken apart again by the store. An :class:`Observation` is one
value with its own tag; intraday quotes (which carry a time) always travel as observations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datafeed.providers.base import Target


class Status(str, Enum):
    """How the last fetch of a series went (the ``status`` of docs/contract.md).

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
class Batch:
    """One instrument's end-of-day values from one source, as columns.

    Attributes:
        instrument: canonical instrument id.
        source: ``<source>:<series>`` of every value in the batch.
        dates: observation dates, parallel to ``values`` (any order; a date repeated later
            in the batch is a newer revision and wins).
        values: values in the instrument's catalog unit.
    """

    instrument: str
    source: str
    dates: Sequence[dt.date]
    values: Sequence[float]

    def __post_init__(self) -> None:
        if len(self.dates) != len(self.values):
            raise ValueError(f"{self.instrument}: {len(self.dates)} dates but {len(self.values)} values")

    def __len__(self) -> int:
        return len(self.dates)

    @classmethod
    def of(
        cls,
        target: Target,
        dates: Sequence[dt.date],
        values: Sequence[float],
        since: dt.date | None = None,
    ) -> Batch:
        """A target's batch: values scaled to the catalog unit, dates before ``since`` dropped.

        Why here: every provider ends with the same three steps (bind to the instrument, tag
        with ``<source>:<series>``, scale); doing them column-wise costs one pass, not one
        object per value.
        """
        scale = target.ref.scale
        if scale != 1.0:
            values = [v * scale for v in values]
        if since is not None and dates and min(dates) < since:
            keep = [i for i, d in enumerate(dates) if d >= since]
            dates = [dates[i] for i in keep]
            values = [values[i] for i in keep]
        return cls(target.instrument, target.ref.tag, dates, values)

    @classmethod
    def from_points(cls, target: Target, points: Iterable[RawPoint], since: dt.date | None = None) -> Batch:
        """:meth:`of` for parsers that return :class:`RawPoint` lists."""
        pts = list(points)
        return cls.of(target, [p.date for p in pts], [p.value for p in pts], since)

    def where(self, keep: Sequence[bool]) -> Batch:
        """The values whose flag in ``keep`` is true (same order)."""
        return Batch(
            self.instrument,
            self.source,
            [d for d, k in zip(self.dates, keep, strict=True) if k],
            [v for v, k in zip(self.values, keep, strict=True) if k],
        )

    def observations(self) -> list[Observation]:
        """The batch as one observation per value (tests, tools; never on the bulk path)."""
        return [Observation(self.instrument, d, v, self.source) for d, v in zip(self.dates, self.values, strict=True)]


Fetched = Batch | Observation
"""What a provider returns: batches of end-of-day values, or single observations (quotes)."""


def observations(items: Iterable[Fetched]) -> list[Observation]:
    """Every value of ``items`` as an observation, in order (for tests and diagnostics)."""
    out: list[Observation] = []
    for item in items:
        if isinstance(item, Batch):
            out.extend(item.observations())
        else:
            out.append(item)
    return out


def count_values(items: Iterable[Fetched]) -> int:
    """How many values ``items`` carry."""
    return sum(len(i) if isinstance(i, Batch) else 1 for i in items)


def newest_date(items: Iterable[Fetched]) -> dt.date | None:
    """The newest date among ``items`` (None when empty)."""
    newest: dt.date | None = None
    for item in items:
        last = (max(item.dates) if len(item) else None) if isinstance(item, Batch) else item.date
        if last is not None and (newest is None or last > newest):
            newest = last
    return newest


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


@dataclass(frozen=True, slots=True)
class Behind:
    """A primary source that answers but lags its publication schedule, and who filled in.

    Attributes:
        source: the primary's ``<source>:<series>`` tag.
        last: the primary's newest observation (None when it has none at all).
        filled_by: the tag of the newer values shown instead (the next source of the same
            frequency that had them).
    """

    source: str
    last: dt.date | None
    filled_by: str

    def to_json(self) -> dict[str, str | None]:
        """The snapshot JSON ``behind`` object."""
        return {
            "source": self.source,
            "last": self.last.isoformat() if self.last else None,
            "filled_by": self.filled_by,
        }


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
        behind: set while the primary answers but lags and another source fills the gap.
        error_source: ``<source>:<series>`` whose fetch gave :attr:`last_error` (None when
            the failure names no one source: a timeout of the whole pass, no source enabled).
            Kept apart from :attr:`source` so an error row names who failed, not the
            catalog's first (perhaps disabled) source.
    """

    status: Status = Status.MISSING
    source: str | None = None
    last_success: dt.datetime | None = None
    last_attempt: dt.datetime | None = None
    last_error: str | None = None
    next_retry: dt.datetime | None = None
    rejected: int = 0
    notes: list[str] = field(default_factory=list)
    behind: Behind | None = None
    error_source: str | None = None

    @property
    def rejection(self) -> str | None:
        """Why the newest refused observation was refused (one line), None when none was."""
        return self.notes[-1] if self.rejected and self.notes else None


def utcnow() -> dt.datetime:
    """Timezone-aware now in UTC (one place to patch in tests)."""
    return dt.datetime.now(dt.UTC)
