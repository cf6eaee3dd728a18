"""Provides the Monitor's one recompute: its inputs and its results (the thread that runs it is :mod:`datafeed.worker`).

Why a thread of its own, one job at a time: signals, crisis scores, formulas and alerts
take tens to hundreds of milliseconds of pandas, which must not run on the event loop
that draws the screen; the alert engine keeps state and is not thread-safe; and loading
(the cache files, the demo history) must not overlap a recompute either. See
docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic

from datafeed.updates import V

if TYPE_CHECKING:
    import pandas as pd

    from datafeed.alerts import AlertMonitor, Firing, Held, HeldBack
    from datafeed.formulas import Formula
    from datafeed.metrics import Metrics, MetricsEngine
    from datafeed.signals import InputFact


@dataclass(slots=True)
class Job:
    """One recompute's inputs, taken on the loop; the thread drops it when done."""

    engine: MetricsEngine | None
    alerts: AlertMonitor | None
    series: dict[str, pd.Series]
    facts: dict[str, InputFact]
    changed: set[str] | None
    frequencies: dict[str, str] | None
    now: dt.datetime
    today: dt.date
    generation: int
    formula_values: dict[str, pd.Series] = field(default_factory=dict)
    """The formulas' values from the last recompute of this store (reused when unchanged)."""
    formula_errors: dict[str, str] = field(default_factory=dict)
    tail_only: frozenset[str] = frozenset()
    """Formulas kept over their last :data:`FORMULA_TAIL` values only (no formula and no
    alert rule reads them; the table needs the tail, a drill-down evaluates the whole)."""
    held: dict[str, Held] | None = None
    """What the alert rules' instruments hold and whether a source confirmed it (live runs)."""


FORMULA_TAIL = 64
"""Values kept of a formula nothing else reads: a sparkline, the day's change and the date.
Why: 270 formula rows kept whole held ~30 MB of 25-year series that only a drill-down reads."""


@dataclass(slots=True)
class Result(Generic[V]):
    """What one recompute hands to the loop."""

    generation: int
    metrics: Metrics | None = None
    views: V | None = None
    values: dict[str, pd.Series] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    firings: list[Firing] = field(default_factory=list)
    late: list[HeldBack] = field(default_factory=list)
    """Firings held back because the data behind them is late (told once, not fired)."""
    metrics_failure: str | None = None
    alerts_failure: str | None = None


def same_series(old: pd.Series | None, new: pd.Series) -> bool:
    """True when a formula's new series equals the old one (its row need not be repainted)."""
    return old is new or (old is not None and len(old) == len(new) and bool(old.equals(new)))


def recompute(
    job: Job,
    formulas: Sequence[Formula],
    present: Callable[[Metrics], V] | None,
) -> Result[V]:
    """Metrics (and their views), then formulas, then alerts, on the job's snapshot (worker thread).

    A failure in one part is reported in the result and leaves the others to run: a bad
    input must not stop the monitor.
    """
    from datafeed.errors import redact

    result: Result[V] = Result(job.generation)
    if job.engine is not None:
        try:
            result.metrics = job.engine.run(job.series, job.changed, today=job.today, facts=job.facts)
            if present is not None:
                result.views = present(result.metrics)
        except Exception as exc:  # noqa: BLE001 - reported; the feed goes on
            result.metrics_failure = redact(f"signals and crises failed: {exc}")
    try:
        if formulas:
            _evaluate_formulas(formulas, job, result)
        if job.alerts is not None:
            result.firings = job.alerts.check(
                job.series, job.now, frequencies=job.frequencies, formula_values=result.values, held=job.held
            )
            result.late = list(job.alerts.late)
    except Exception as exc:  # noqa: BLE001 - reported once; the feed goes on
        result.alerts_failure = redact(f"alerts could not be evaluated: {exc}")
    return result


def _evaluate_formulas(formulas: Sequence[Formula], job: Job, result: Result[V]) -> None:
    """Evaluate the formulas whose inputs changed; the others keep last time's value object.

    Why: every formula runs over its inputs' whole history (a 25-year ``corr`` is
    milliseconds), so re-evaluating 270 formulas because an instrument none of them reads
    ticked cost ~0.2 s of CPU per update. A formula is evaluated again when it was never
    evaluated for this store, when one of its inputs changed, or when a formula it reads
    was evaluated again (config order puts those first). Keeping the same object also
    tells the Monitor, at no cost, that its row need not be rebuilt.
    """
    import pandas as pd

    from datafeed.formulas import evaluate

    data = dict(job.series)
    changed = job.changed
    dirty: set[str] = set(changed) if changed is not None else set()
    for f in formulas:
        old = job.formula_values.get(f.id)
        if changed is not None and old is not None and dirty.isdisjoint(f.inputs):
            result.values[f.id] = data[f.id] = old
            if f.id in job.formula_errors:
                result.errors[f.id] = job.formula_errors[f.id]
            continue
        dirty.add(f.id)
        try:
            out = evaluate(f, data)
        except Exception as exc:  # noqa: BLE001 - one broken formula must not hide the others
            result.errors[f.id] = str(exc)
            out = pd.Series([], index=pd.DatetimeIndex([]), dtype="float64", name=f.id)
        data[f.id] = out
        result.values[f.id] = out.iloc[-FORMULA_TAIL:] if f.id in job.tail_only else out
