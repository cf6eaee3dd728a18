"""Provides :class:`SignalSpec`, everything that defines one signal, and the result types.

A spec is declarative: what the signal reads (``inputs``), its default cut-offs
(``thresholds``), which way is bad (``direction``), the function computing its latest
value and the one computing its history, its chart overlays, the group of the thesis it
belongs to, and its texts. The texts are *templates* rendered with the thresholds in
force, so ``[thresholds.stock_bond_corr_1y] eroding = 0.3`` in the config changes the
explanation on screen and in JSON together with the verdict. How to add one:
``docs/extending-signals.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import pandas as pd

Verdict = Literal["eroding", "neutral", "intact", "n/a"]
RegimeVerdict = Literal["ERODING", "MIXED", "INTACT", "n/a"]
Direction = Literal["high_bad", "low_bad"]
Group = Literal["price", "demand", "supply"]

GROUPS: tuple[Group, ...] = ("price", "demand", "supply")
"""The thesis' three sides: market prices, who buys Treasuries, how many are issued."""

NAN = float("nan")

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_POSITIVE_KEYS = ("window", "lag", "years", "min_obs", "weeks", "months")
"""Threshold keys that must be > 0 wherever a signal has them."""


class NotAvailable(Exception):
    """Raised inside a signal computation when it must read ``n/a``; the message is the reason."""


@dataclass(frozen=True, slots=True)
class Computed:
    """What a signal computation returns before the verdict is applied.

    Attributes:
        value: the reported value.
        score: the number the verdict is judged on (the value itself unless the signal
            judges something else, e.g. a change); NaN means "no verdict possible".
        date: newest input observation date used.
        notes: remarks for ``SignalResult.reason``.
        extra: supporting numbers for ``SignalResult.extra``.
        inputs: the instruments the value was actually computed from (a hedged pickup
            uses one of two hedge legs); None means every input of the spec.
    """

    value: float
    score: float
    date: dt.date
    notes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[str, ...] | None = None


ComputeFn = Callable[[Mapping[str, pd.Series], Mapping[str, float], Mapping[str, str] | None], Computed]
"""(series, the signal's thresholds, frequency overrides) → :class:`Computed`, or raise NotAvailable."""

HistoryFn = Callable[[Mapping[str, pd.Series], Mapping[str, float], Mapping[str, str] | None], pd.Series]
"""Same arguments; the value on every date it can be computed (its last point = the latest value)."""


# --------------------------------------------------------------------------- chart overlays


@dataclass(frozen=True, slots=True)
class Level:
    """A horizontal line on a signal's chart (a cut-off)."""

    value: float
    label: str


@dataclass(frozen=True, slots=True, eq=False)
class Line:
    """A second series on a signal's chart (e.g. the median the value is judged against)."""

    label: str
    values: pd.Series


Overlay = Level | Line
OverlayFn = Callable[[pd.Series, Mapping[str, float]], Sequence[Overlay]]
"""(the signal's whole history, its thresholds) → what to draw over it."""


def threshold_levels(history: pd.Series, th: Mapping[str, float]) -> tuple[Level, ...]:
    """The eroding and intact cut-offs (one line when they coincide)."""
    if "eroding" not in th:
        return ()
    out = [Level(th["eroding"], "eroding")]
    if th.get("intact", th["eroding"]) != th["eroding"]:
        out.append(Level(th["intact"], "intact"))
    return tuple(out)


def trailing_median(history: pd.Series, th: Mapping[str, float]) -> tuple[Line, ...]:
    """The trailing ``years`` median of the history, for signals judged against it."""
    if history.empty:
        return ()
    years = th.get("years", 10.0)
    median = history.rolling(pd.Timedelta(days=round(365.25 * years)), min_periods=1).median()
    return (Line(f"{years:g}y median", median),)


# --------------------------------------------------------------------------- the spec


def _number(x: float) -> str:
    return f"{x:g}"


class _Fields(dict[str, Any]):
    """Template fields: the thresholds in force plus ``cut`` and ``rule`` (see :class:`SignalSpec`)."""

    def __missing__(self, key: str) -> Any:
        raise KeyError(f"template field {{{key}}} is not a threshold of this signal, nor 'cut' or 'rule'")


@dataclass(frozen=True, slots=True)
class SignalSpec:
    """Everything that defines one signal (see the module docstring).

    Attributes:
        id: signal id (lower case, digits, ``_``); also its ``[thresholds.<id>]`` section.
        name: short display name.
        unit: unit of the value: ``bp``, ``corr``, ``%`` ...
        group: ``price``, ``demand`` or ``supply``: the side of the thesis it measures.
        inputs: instrument ids it reads (the incremental engine's dependency table).
        direction: ``high_bad`` when a higher score is eroding, ``low_bad`` otherwise.
        thresholds: default cut-offs ``eroding`` and ``intact`` plus any window, lag or
            baseline its functions read; every key can be overridden in config.
        compute: the latest value (:data:`ComputeFn`).
        history: the value on every date (:data:`HistoryFn`).
        label: one short line for the dashboard, a template (see below).
        describe: what the number measures, a template; the explanation is this plus the
            verdict rule rendered from the thresholds in force.
        judged_on: what the verdict compares when it is not the value itself (``its
            5-year change``), a template; empty when the value is judged.
        score_unit: unit of the judged number when it differs from ``unit`` (``pp``).
        overlays: what the history chart draws over the line (:data:`OverlayFn`).
        inclusive: True when reaching the eroding cut-off exactly already counts.
        note: a longer remark shown on the signal's screen (what the measure is not).
        market: calendar its age is counted in (``us``, ``de``, ``jp``).

    Templates are ``str.format`` strings over the signal's thresholds (``{window:.0f}``,
    ``{years:g}``) plus ``{cut}`` (the eroding side as ``>0.2`` / ``<0`` / ``≥100``) and
    ``{rule}`` (``eroding above 0.2, intact below -0.2``).
    """

    id: str
    name: str
    unit: str
    group: Group
    inputs: tuple[str, ...]
    direction: Direction
    thresholds: Mapping[str, float]
    compute: ComputeFn
    history: HistoryFn
    label: str
    describe: str
    judged_on: str = ""
    score_unit: str = ""
    overlays: tuple[OverlayFn, ...] = (threshold_levels,)
    inclusive: bool = False
    note: str = ""
    market: str = "us"

    def __post_init__(self) -> None:
        if not _ID_RE.match(self.id):
            raise ValueError(f"signal id {self.id!r}: use lower-case letters, digits and '_'")
        if self.group not in GROUPS:
            raise ValueError(f"signal {self.id!r}: group {self.group!r} is not one of {', '.join(GROUPS)}")
        if self.direction not in ("high_bad", "low_bad"):
            raise ValueError(f"signal {self.id!r}: direction must be 'high_bad' or 'low_bad'")
        if not self.inputs:
            raise ValueError(f"signal {self.id!r}: needs at least one input")
        th = {k: float(v) for k, v in self.thresholds.items()}
        if "eroding" not in th or "intact" not in th:
            raise ValueError(f"signal {self.id!r}: thresholds need 'eroding' and 'intact'")
        check_thresholds(self, th)
        object.__setattr__(self, "thresholds", MappingProxyType(th))
        object.__setattr__(self, "inputs", tuple(self.inputs))
        for template in (self.label, self.describe, self.judged_on):
            self._render(template, th)  # a typo in a template fails at definition, not on screen

    # -- texts ------------------------------------------------------------------------

    @property
    def judged_unit(self) -> str:
        """Unit of the number the verdict compares."""
        return self.score_unit or self.unit

    def cut(self, th: Mapping[str, float]) -> str:
        """The eroding side in symbols: ``>0.2``, ``<0``, ``≥100``."""
        if self.direction == "high_bad":
            op = "≥" if self.inclusive else ">"
        else:
            op = "≤" if self.inclusive else "<"
        return f"{op}{_number(th['eroding'])}"

    def rule(self, th: Mapping[str, float]) -> str:
        """The verdict rule in words: ``eroding above 0 bp, intact below -25 bp``."""
        unit = "" if self.judged_unit == "corr" else f" {self.judged_unit}"
        eroding, intact = _number(th["eroding"]) + unit, _number(th["intact"]) + unit
        if self.direction == "high_bad":
            side = "at or above" if self.inclusive else "above"
            return f"eroding {side} {eroding}, intact below {intact}"
        side = "at or below" if self.inclusive else "below"
        return f"eroding {side} {eroding}, intact above {intact}"

    def short_label(self, th: Mapping[str, float]) -> str:
        """The dashboard line, rendered with ``th``."""
        return self._render(self.label, th)

    def judged_text(self, th: Mapping[str, float]) -> str:
        """What the verdict compares, rendered (empty when the value itself is judged)."""
        return self._render(self.judged_on, th)

    def explanation(self, th: Mapping[str, float]) -> str:
        """What the number measures and the verdict rule in force, in one paragraph."""
        judged = self.judged_text(th)
        on = f" on {judged}" if judged else ""
        return f"{self._render(self.describe, th)}. Verdict{on}: {self.rule(th)}."

    def _render(self, template: str, th: Mapping[str, float]) -> str:
        fields = _Fields(th)
        fields["cut"] = self.cut(th)
        fields["rule"] = self.rule(th)
        return template.format_map(fields)


def check_thresholds(spec: SignalSpec, th: Mapping[str, float]) -> None:
    """Raise ValueError when ``th`` cannot be this signal's thresholds.

    The eroding cut-off must lie on the eroding side of the intact one, and windows,
    lags and baseline spans must be positive.
    """
    eroding, intact = th["eroding"], th["intact"]
    bad = eroding < intact if spec.direction == "high_bad" else eroding > intact
    if bad:
        side = "≥" if spec.direction == "high_bad" else "≤"
        raise ValueError(f"thresholds.{spec.id}: eroding ({eroding:g}) must be {side} intact ({intact:g})")
    for key in _POSITIVE_KEYS:
        if key in th and not th[key] > 0:
            raise ValueError(f"thresholds.{spec.id}.{key}: must be positive, got {th[key]:g}")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class SignalResult:
    """One signal's latest reading.

    Attributes:
        id: signal id (``stock_bond_corr_1y``).
        name: short display name.
        value: the reading in ``unit``; None when it cannot be computed.
        unit: ``bp``, ``corr`` or ``%``.
        verdict: ``eroding``, ``neutral``, ``intact`` or ``n/a``.
        date: newest observation date among the inputs used; None when n/a.
        reason: why the verdict is n/a, or notes on how it was computed (a fallback
            input, a carried-forward monthly value); None when there is nothing to say.
        explanation: what the number measures and the verdict rule in force.
        extra: supporting numbers (baselines and their span, the 5-year change ...).
        label: the short dashboard line, rendered with the thresholds in force.
        group: ``price``, ``demand`` or ``supply``.
        as_of: the date the value stands for (= ``date``); None when n/a.
        age: business days of the signal's market from ``as_of`` to today; None when
            n/a or when no "today" was given.
        late: some input is older than its source's usual publication lag.
        stale: ``as_of`` is older than the maximum age (``[thresholds.freshness]``):
            the regime leaves the signal out of its count.
        late_inputs: the inputs that are late.
        frequency: ``daily``, ``monthly`` or ``quarterly``: how often the value can move.
        inputs: the instruments the value was computed from (all held inputs when n/a).
        cutoffs: the eroding and intact cut-offs the value itself is judged against (empty
            when the verdict is on another number, a change): a shown value keeps enough
            decimals to sit on the same side of each as the value (:func:`shown_decimals`).
    """

    id: str
    name: str
    value: float | None
    unit: str
    verdict: Verdict
    date: dt.date | None
    reason: str | None
    explanation: str
    extra: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    group: Group = "price"
    as_of: dt.date | None = None
    age: int | None = None
    late: bool = False
    stale: bool = False
    late_inputs: tuple[str, ...] = ()
    frequency: str = "daily"
    inputs: tuple[str, ...] = ()
    cutoffs: tuple[float, ...] = ()


MAX_EXTRA_DECIMALS = 3
"""At most this many decimals beyond a unit's usual ones (0.3 bp is +0.3, never +0.30000)."""


def shown_decimals(value: float, decimals: int, cutoffs: Sequence[float] = ()) -> int:
    """The fewest decimals, from ``decimals``, at which ``value`` rounds to the same side of
    zero and of every cut-off as itself (at most :data:`MAX_EXTRA_DECIMALS` more).

    Why: a hedged pickup of 0.3 bp judged "eroding above 0" shown as ``+0 bp ERODING`` says
    the opposite of its verdict; ``+0.3 bp`` agrees with it. Far from a cut-off nothing
    changes (``+52 bp``). The value is compared as the verdict compares it (to 9 decimals).
    """
    raw = round(value, 9)
    cuts = (0.0, *cutoffs)
    for places in range(decimals, decimals + MAX_EXTRA_DECIMALS + 1):
        shown = round(raw, places)
        if all((shown > c) == (raw > c) and (shown < c) == (raw < c) for c in cuts):
            return places
    return decimals + MAX_EXTRA_DECIMALS


@dataclass(frozen=True, slots=True)
class Coverage:
    """How many signals of one group (or of all) say what.

    Attributes:
        eroding: counted signals reading ``eroding``.
        available: counted signals: a verdict other than ``n/a`` and not stale.
        na: signals reading ``n/a``.
        late: signals with a value (not ``n/a``) and a late input.
        stale: ids of signals left out of the count because their value is too old.
    """

    eroding: int = 0
    available: int = 0
    na: int = 0
    late: int = 0
    stale: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RegimeResult:
    """The aggregate of all signals (ERODING / MIXED / INTACT with its coverage).

    Attributes:
        verdict: ``ERODING``, ``MIXED``, ``INTACT`` or ``n/a`` (no signal counted).
        eroding: number of counted signals reading ``eroding``.
        available: number of counted signals (a verdict other than ``n/a``, not stale).
        na: signals reading ``n/a``.
        late: signals with a value (not ``n/a``) and a late input.
        stale: ids of signals left out as stale.
        as_of: newest ``as_of`` among the signals with a value; None when there is none.
        groups: the same counts per group (``price``, ``demand``, ``supply``).
    """

    verdict: RegimeVerdict
    eroding: int
    available: int
    na: int = 0
    late: int = 0
    stale: tuple[str, ...] = ()
    as_of: dt.date | None = None
    groups: Mapping[str, Coverage] = field(default_factory=dict)

    @property
    def count(self) -> str:
        """The ``7/10`` form shown next to the verdict."""
        return f"{self.eroding}/{self.available}"

    @property
    def coverage(self) -> str:
        """``3/7 · 7 n/a · 2 late · 1 stale`` (zero counts left out)."""
        parts = [self.count]
        for n, word in ((self.na, "n/a"), (self.late, "late"), (len(self.stale), "stale")):
            if n:
                parts.append(f"{n} {word}")
        return " · ".join(parts)
