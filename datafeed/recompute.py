"""Provides the Monitor's one recompute: its inputs, its results, and the thread that runs it.

Why a thread of its own, one job at a time: signals, crisis scores, formulas and alerts
take tens to hundreds of milliseconds of pandas, which must not run on the event loop
that draws the screen; the alert engine keeps state and is not thread-safe; and loading
(the cache files, the demo history) must not overlap a recompute either. See
docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic

from datafeed.updates import V

if TYPE_CHECKING:
    import pandas as pd

    from datafeed.alerts import AlertMonitor, Firing, Held
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
    held: dict[str, Held] | None = None
    """What the alert rules' instruments hold and whether a source confirmed it (live runs)."""


@dataclass(slots=True)
class Result(Generic[V]):
    """What one recompute hands to the loop."""

    generation: int
    metrics: Metrics | None = None
    views: V | None = None
    values: dict[str, pd.Series] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    firings: list[Firing] = field(default_factory=list)
    metrics_failure: str | None = None
    alerts_failure: str | None = None


class Worker:
    """One daemon thread that runs jobs in order: loads and recomputes never overlap.

    Daemon, so a computation still running when the app quits never delays the exit.
    A job is dropped as soon as it ran, so a finished job holds no series.
    """

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], None]) -> None:
        """Queue ``job``; the thread starts with the first one (a Monitor never started has none)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="triffin-monitor", daemon=True)
            self._thread.start()
        self._jobs.put(job)

    def stop(self) -> None:
        """Let the thread end after the jobs queued so far."""
        if self._thread is not None:
            self._jobs.put(None)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()
            job = None  # noqa: F841 - drop the job (and what it holds) before waiting


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
            _evaluate_formulas(formulas, job.series, result)
        if job.alerts is not None:
            result.firings = job.alerts.check(
                job.series, job.now, frequencies=job.frequencies, formula_values=result.values, held=job.held
            )
    except Exception as exc:  # noqa: BLE001 - reported once; the feed goes on
        result.alerts_failure = redact(f"alerts could not be evaluated: {exc}")
    return result


def _evaluate_formulas(formulas: Sequence[Formula], series: dict[str, pd.Series], result: Result[V]) -> None:
    import pandas as pd

    from datafeed.formulas import evaluate

    data = dict(series)
    for f in formulas:
        try:
            out = evaluate(f, data)
        except Exception as exc:  # noqa: BLE001 - one broken formula must not hide the others
            result.errors[f.id] = str(exc)
            out = pd.Series([], index=pd.DatetimeIndex([]), dtype="float64", name=f.id)
        result.values[f.id] = data[f.id] = out
