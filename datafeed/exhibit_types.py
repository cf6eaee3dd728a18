"""Provides the plain result types of the seed's exhibits (see :mod:`datafeed.exhibits`).

Why separate types: an exhibit's chart, its marks and its one-line reading travel from the
headless data layer to a chart widget, a JSON document and a markdown report. Frozen
dataclasses of dates, floats and strings carry them there without pandas objects, so the
widgets never import the data layer and a result can be compared, cached or serialised as is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Verdict = Literal["consistent", "not consistent", "n/a"]
"""Whether the data agree with the seed's claim; ``n/a`` when an input is missing."""

Axis = Literal["left", "right"]
SeriesKind = Literal["line", "area", "bar"]

VERDICT_TEXT: dict[Verdict, str] = {
    "consistent": "consistent with the note",
    "not consistent": "not consistent with the note",
    "n/a": "n/a",
}
"""How a verdict ends a reading line."""


@dataclass(frozen=True, slots=True)
class InputRef:
    """One input an exhibit reads.

    Attributes:
        id: instrument id (a catalog id, or the id proposed in ``docs/exhibits.md``).
        label: what it is, in a few words.
        source: where its values come from, ``<source>:<series>`` (``fred:DTWEXBGS``).
        pending: True while the id is not in the catalog; the exhibit then says so.
        optional: True when the exhibit is complete without it (a drawn extra).
    """

    id: str
    label: str
    source: str
    pending: bool = False
    optional: bool = False


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """One line, area or bar series of an exhibit's chart, oldest first.

    Attributes:
        id: key within the exhibit (``row``, ``spread_bp``).
        label: legend text.
        unit: unit of the values (``%``, ``bp``, ``USD bn``, ``corr``).
        dates: observation dates.
        values: one float per date (never NaN: dates without a value are left out).
        axis: ``right`` for a second y axis.
        kind: ``area`` for shares that stack to 100 %, ``bar`` for flows.
        computed: True when triffin derived it (a difference, a share, a mean) rather than
            a publisher; the chart labels it so.
        source: ``<source>:<series>`` of a published series, or the formula of a computed one.
    """

    id: str
    label: str
    unit: str
    dates: tuple[dt.date, ...]
    values: tuple[float, ...]
    axis: Axis = "left"
    kind: SeriesKind = "line"
    computed: bool = False
    source: str = ""

    @property
    def last(self) -> tuple[dt.date, float] | None:
        """The newest (date, value), or None when the series is empty."""
        return (self.dates[-1], self.values[-1]) if self.dates else None


@dataclass(frozen=True, slots=True)
class Band:
    """A shaded span of dates: an episode window or an era."""

    start: dt.date
    end: dt.date
    label: str


@dataclass(frozen=True, slots=True)
class Marker:
    """A labelled point, e.g. the seed's own number on the date it was quoted."""

    date: dt.date
    value: float
    label: str
    series_id: str


@dataclass(frozen=True, slots=True)
class RefLine:
    """A horizontal reference line (zero, the seed's 119 bp)."""

    value: float
    label: str
    axis: Axis = "left"


@dataclass(frozen=True, slots=True)
class MissingInput:
    """An input the exhibit needed and did not have, and why."""

    input_id: str
    why: str

    @property
    def text(self) -> str:
        """``id (why)``, the form used in reading lines."""
        return f"{self.input_id} ({self.why})"


@dataclass(frozen=True, slots=True)
class Reading:
    """The one-line reading now and what it rests on.

    Attributes:
        text: the line shown under the chart; always non-empty.
        verdict: consistent, not consistent, or n/a.
        value: the headline number of the reading, None when n/a.
        unit: unit of ``value``.
        as_of: newest observation date the reading used, None when n/a.
    """

    text: str
    verdict: Verdict
    value: float | None = None
    unit: str = ""
    as_of: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ExhibitResult:
    """Everything one exhibit shows, assembled from the data at hand.

    Attributes:
        exhibit_id: the spec's id.
        series: the chart's series.
        bands: shaded windows.
        markers: labelled points.
        lines: horizontal reference lines.
        reading: the reading now.
        missing: inputs that were needed and absent (empty when complete).
        notes: how the numbers were made (splices, fallbacks, resolution); shown in the help.
        sources: ``<source>:<series>`` of every input that contributed.
    """

    exhibit_id: str
    series: tuple[ChartSeries, ...]
    reading: Reading
    bands: tuple[Band, ...] = ()
    markers: tuple[Marker, ...] = ()
    lines: tuple[RefLine, ...] = ()
    missing: tuple[MissingInput, ...] = ()
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def as_of(self) -> dt.date | None:
        """The reading's date, else the newest date on the chart, else None."""
        if self.reading.as_of is not None:
            return self.reading.as_of
        lasts = [s.dates[-1] for s in self.series if s.dates]
        return max(lasts) if lasts else None

    def get(self, series_id: str) -> ChartSeries | None:
        """The chart series with this id, or None."""
        return next((s for s in self.series if s.id == series_id), None)


@dataclass(frozen=True, slots=True)
class InputFacts:
    """What the store knows about the inputs besides their values.

    Why: an exhibit must name the source that actually served each input (``demo:ig_oas``
    on the demo feed, a fallback when the primary failed), and say why an input has no
    data in the words of the feed (``HTTP 404``, ``no source enabled``), not guess.

    Attributes:
        sources: input id → ``<source>:<series>`` of its newest value.
        why: input id → why it holds no value (the store's last error or status).
    """

    sources: Mapping[str, str] = field(default_factory=dict)
    why: Mapping[str, str] = field(default_factory=dict)


NO_FACTS = InputFacts()
"""No facts: sources are the catalog's primary ones, a missing input has "no data"."""

AssembleFn = Callable[["ExhibitSpec", Mapping[str, pd.Series], InputFacts], ExhibitResult]


@dataclass(frozen=True, slots=True)
class ExhibitSpec:
    """One exhibit of the seed note: what it claims, what it reads, how it is judged.

    Attributes:
        number: its place in the seed (1–10).
        id: short id (``holders``); ``triffin export --exhibit`` takes it or the number.
        title: the exhibit's title.
        claim: the seed's claim, quoted in one line.
        section: the seed section the claim comes from.
        inputs: every input, in the order they are listed.
        rule: how the reading's verdict is decided, for the help.
        caveat: what the exhibit cannot show and why ("" when nothing).
        assemble: (spec, series by instrument id, facts) → the result.
    """

    number: int
    id: str
    title: str
    claim: str
    section: str
    inputs: tuple[InputRef, ...]
    rule: str
    assemble: AssembleFn
    caveat: str = ""

    def input(self, input_id: str) -> InputRef:
        """The input with this id (KeyError naming the exhibit otherwise)."""
        for ref in self.inputs:
            if ref.id == input_id:
                return ref
        raise KeyError(f"exhibit {self.id!r} has no input {input_id!r}")
