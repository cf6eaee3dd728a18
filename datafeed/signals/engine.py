"""Provides the computation of registered signals, their verdicts, freshness and the regime.

:func:`compute_signal` runs one spec: its compute function on the series, the verdict
against the thresholds in force, the texts rendered with them, and (given ``today``) the
freshness of :mod:`datafeed.signals.freshness`. :func:`regime` aggregates: ERODING when at
least ``eroding_share`` of the counted signals are eroding, INTACT at ``intact_share`` or
less, MIXED otherwise, always with its coverage (n/a, late, stale). :class:`SignalEngine`
recomputes only the signals an update touches.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping

import pandas as pd

from datafeed.frame import clean
from datafeed.signals.freshness import InputFact, assess, facts_from_series, input_frequency, signal_frequency
from datafeed.signals.registry import SIGNALS, dependencies
from datafeed.signals.spec import (
    GROUPS,
    Coverage,
    NotAvailable,
    RegimeResult,
    RegimeVerdict,
    SignalResult,
    SignalSpec,
    Verdict,
)
from datafeed.thresholds import Overrides, Thresholds, resolve_thresholds


def classify(score: float, spec: SignalSpec, th: Mapping[str, float]) -> Verdict:
    """Verdict of ``score`` against the signal's cut-offs; ``n/a`` for NaN.

    The score is rounded to 1e-9 first so binary floating point cannot push a value that
    sits exactly on a cut-off (a pickup of 0 bp, an unchanged share) to one side.
    """
    if score is None or math.isnan(score):
        return "n/a"
    score = round(score, 9)
    eroding, intact = th["eroding"], th["intact"]
    if spec.direction == "high_bad":
        if score > eroding or (spec.inclusive and score >= eroding):
            return "eroding"
        return "intact" if score < intact else "neutral"
    if score < eroding or (spec.inclusive and score <= eroding):
        return "eroding"
    return "intact" if score > intact else "neutral"


def compute_signal(
    signal_id: str,
    series: Mapping[str, pd.Series],
    thresholds: Overrides | Thresholds | None = None,
    *,
    frequencies: Mapping[str, str] | None = None,
    today: dt.date | None = None,
    facts: Mapping[str, InputFact] | None = None,
) -> SignalResult:
    """Compute one registered signal.

    Args:
        signal_id: an id of :data:`~datafeed.signals.registry.SIGNALS`.
        series: instrument id → series (see :mod:`datafeed.frame` for the convention).
        thresholds: the resolved :class:`~datafeed.thresholds.Thresholds`, or overrides.
        frequencies: optional id → frequency overrides (e.g. ``{"bund10y": "daily"}``).
        today: the current date; with it the result carries ``age``, ``late`` and ``stale``.
        facts: input id → newest date and source tag (default: read off ``series``).
    """
    spec = SIGNALS[signal_id]
    table = resolve_thresholds(thresholds)
    th = table.signal(signal_id)
    explanation, label = spec.explanation(th), spec.short_label(th)
    try:
        c = spec.compute(series, th, frequencies)
    except NotAvailable as exc:
        held = tuple(i for i in spec.inputs if not clean(series.get(i)).empty)
        result = SignalResult(
            spec.id,
            spec.name,
            None,
            spec.unit,
            "n/a",
            None,
            str(exc),
            inputs=held,
            explanation=explanation,
            label=label,
            group=spec.group,
        )
    else:
        used = spec.inputs if c.inputs is None else c.inputs
        frequency = signal_frequency(_frequency(i, frequencies) for i in used)
        result = SignalResult(
            spec.id,
            spec.name,
            c.value,
            spec.unit,
            classify(c.score, spec, th),
            c.date,
            "; ".join(c.notes) or None,
            extra=dict(c.extra),
            as_of=c.date,
            frequency=frequency,
            inputs=tuple(used),
            explanation=explanation,
            label=label,
            group=spec.group,
            # The cut-offs the shown value must not round across (only when it is what is judged).
            cutoffs=(th["eroding"], th["intact"]) if "eroding" in th and c.score == c.value else (),
        )
    if today is not None:
        known = facts if facts is not None else facts_from_series(series, spec.inputs)
        result = assess(result, spec, known, today, table["freshness"])
    return result


def _frequency(inst_id: str, frequencies: Mapping[str, str] | None) -> str:
    """How often an input publishes: the caller's override (the source that answered), else the catalog's.

    Why not the observed spacing: only a signal whose inputs are *all* low-frequency is
    judged by periods, and those are low-frequency in the catalog too; reading 40 gaps of
    every input on every recompute cost more than the rest of the freshness pass.
    """
    if frequencies and inst_id in frequencies:
        return frequencies[inst_id]
    return input_frequency(inst_id)


def compute_signals(
    series: Mapping[str, pd.Series],
    thresholds: Overrides | Thresholds | None = None,
    *,
    frequencies: Mapping[str, str] | None = None,
    ids: Iterable[str] | None = None,
    today: dt.date | None = None,
    facts: Mapping[str, InputFact] | None = None,
) -> dict[str, SignalResult]:
    """Compute every registered signal (or ``ids``) on ``series``; keys in display order."""
    table = resolve_thresholds(thresholds)
    wanted = SIGNALS.ids() if ids is None else tuple(ids)
    data = prepare(series, wanted)
    if today is not None and facts is None:
        facts = facts_from_series(data, data)
    return {sid: compute_signal(sid, data, table, frequencies=frequencies, today=today, facts=facts) for sid in wanted}


def prepare(series: Mapping[str, pd.Series], signal_ids: Iterable[str]) -> dict[str, pd.Series]:
    """Clean every input of ``signal_ids`` once (several signals share ust10y, sofr ...)."""
    deps = dependencies()
    needed = {i for sid in signal_ids for i in deps[sid]}
    return {i: clean(series.get(i)) for i in needed}


def _coverage(items: list[SignalResult]) -> Coverage:
    counted = [r for r in items if r.verdict != "n/a" and not r.stale]
    return Coverage(
        eroding=sum(1 for r in counted if r.verdict == "eroding"),
        available=len(counted),
        na=sum(1 for r in items if r.verdict == "n/a"),
        # Late among the signals with a value: an n/a is already counted under ``na``, and
        # "7 n/a · 2 late" should not count the same missing signal twice.
        late=sum(1 for r in items if r.late and r.verdict != "n/a"),
        stale=tuple(r.id for r in items if r.verdict != "n/a" and r.stale),
    )


def regime(
    results: Mapping[str, SignalResult] | Iterable[SignalResult],
    thresholds: Overrides | Thresholds | None = None,
) -> RegimeResult:
    """Aggregate verdicts over the counted signals (not n/a, not stale), with the coverage."""
    items = list(results.values()) if isinstance(results, Mapping) else list(results)
    th = resolve_thresholds(thresholds)["regime"]
    total = _coverage(items)
    groups: dict[str, Coverage] = {
        g: _coverage([r for r in items if r.group == g]) for g in GROUPS if any(r.group == g for r in items)
    }
    dates = [r.as_of for r in items if r.as_of is not None and r.verdict != "n/a"]
    as_of = max(dates) if dates else None
    verdict: RegimeVerdict
    if not total.available:
        verdict = "n/a"
    else:
        share = total.eroding / total.available
        if share >= th["eroding_share"] - 1e-12:
            verdict = "ERODING"
        elif share <= th["intact_share"] + 1e-12:
            verdict = "INTACT"
        else:
            verdict = "MIXED"
    return RegimeResult(verdict, total.eroding, total.available, total.na, total.late, total.stale, as_of, groups)


class SignalEngine:
    """Holds the latest signal results and recomputes only what an update touches.

    Why: the store reports which instruments changed (``Delta.changed``); an intraday VIX
    tick should not recompute ten-year credit baselines. Freshness depends on the date as
    well, so it is re-assessed for every signal on every run (that is cheap).

    Attributes:
        results: latest result per signal id, in display order.
        recomputed: ids recomputed by the last :meth:`update` or :meth:`recompute`.
    """

    def __init__(
        self,
        thresholds: Overrides | Thresholds | None = None,
        *,
        frequencies: Mapping[str, str] | None = None,
    ) -> None:
        self._thresholds = resolve_thresholds(thresholds)
        self._frequencies = dict(frequencies) if frequencies else None
        self.results: dict[str, SignalResult] = {}
        self.recomputed: frozenset[str] = frozenset()

    @property
    def thresholds(self) -> Thresholds:
        """The thresholds in force."""
        return self._thresholds

    def recompute(
        self,
        series: Mapping[str, pd.Series],
        *,
        today: dt.date | None = None,
        facts: Mapping[str, InputFact] | None = None,
    ) -> dict[str, SignalResult]:
        """Recompute every signal; returns all results."""
        self._run(series, SIGNALS.ids(), today, facts)
        return dict(self.results)

    def update(
        self,
        series: Mapping[str, pd.Series],
        changed: Iterable[str],
        *,
        today: dt.date | None = None,
        facts: Mapping[str, InputFact] | None = None,
    ) -> dict[str, SignalResult]:
        """Recompute signals reading any of ``changed`` (and any never computed).

        Returns:
            The recomputed results only (empty when nothing depended on ``changed``).
        """
        touched = frozenset(changed)
        deps = dependencies()
        ids = [sid for sid in SIGNALS.ids() if sid not in self.results or deps[sid] & touched]
        self._run(series, ids, today, facts)
        return {sid: self.results[sid] for sid in ids}

    @property
    def regime(self) -> RegimeResult:
        """The aggregate of the current results."""
        return regime(self.results, self._thresholds)

    def _run(
        self,
        series: Mapping[str, pd.Series],
        ids: Iterable[str],
        today: dt.date | None,
        facts: Mapping[str, InputFact] | None,
    ) -> None:
        ids = list(ids)
        data = prepare(series, ids)
        for sid in ids:
            self.results[sid] = compute_signal(sid, data, self._thresholds, frequencies=self._frequencies)
        self.results = {sid: self.results[sid] for sid in SIGNALS.ids() if sid in self.results}
        if today is not None:
            known = facts if facts is not None else facts_from_series(series, dependencies_of(self.results))
            fresh = self._thresholds["freshness"]
            self.results = {sid: assess(r, SIGNALS[sid], known, today, fresh) for sid, r in self.results.items()}
        self.recomputed = frozenset(ids)


def dependencies_of(signal_ids: Iterable[str]) -> set[str]:
    """Every input of ``signal_ids``."""
    deps = dependencies()
    return {i for sid in signal_ids for i in deps[sid]}
