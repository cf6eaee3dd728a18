"""Provides :class:`Derived`: formula rows and alerts, recomputed off the UI thread after every update.

Why one worker for both: alert rules may read formulas, so the config's ``[[formulas]]`` are
evaluated once per update on a snapshot of the series, then the ``[[alerts]]`` are checked by
:class:`datafeed.alerts.AlertMonitor`, the very code ``triffin watch`` runs. At most one
computation runs at a time (the alert engine keeps state and is not thread-safe); updates
that arrive meanwhile coalesce into one more run.

A firing shows a notification, rings the terminal bell (which reaches the user's terminal
over SSH and through tmux), is added to the alert log (``a``), and runs the rule's
``command`` in a background thread. Firings on demo or replayed data are labelled DEMO /
REPLAY, like ``triffin watch`` lines. When the store on screen is replaced (the offline demo
gives way to live data) the rules start afresh, so the jump between two stores is never
reported as a cross.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.signal import Signal

if TYPE_CHECKING:
    import pandas as pd

    from datafeed.alerts import AlertMonitor, Firing
    from datafeed.formulas import Formula
    from tui.app import TriffinApp

MAX_LOG = 500
"""Alert log entries kept (oldest dropped first)."""

MODE_TITLES: dict[str, str] = {
    "demo": "DEMO (synthetic data)",
    "replay": "REPLAY (recorded data)",
    "offline": "OFFLINE (kept data)",
}
"""What a notification's title adds when the firing is not on live data."""


@dataclass(frozen=True, slots=True)
class AlertEntry:
    """One firing, as the alert log shows it.

    Attributes:
        time: when the evaluation that fired ran (UTC; the recorded time in a replay).
        rule: the rule as written.
        value: the value, formatted (for crisis rules: the failing checks).
        mode: ``live``, ``demo``, ``replay`` or ``offline``.
        detail: what happened (``crossed above 5``, ``became true``).
        date: date of the newest observation behind the value.
        line: the line ``triffin watch`` would print for it.
    """

    time: dt.datetime
    rule: str
    value: str
    mode: str
    detail: str = ""
    date: dt.date | None = None
    line: str = ""

    @property
    def label(self) -> str:
        """``LIVE``, ``DEMO``, ``REPLAY`` or ``OFFLINE``."""
        return self.mode.upper()

    @property
    def stamp(self) -> str:
        """``2026-11-20T21:00:05Z``."""
        return self.time.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class DerivedReady(Message):
    """Formula values and alert firings computed in the worker.

    Attributes:
        generation: which store they belong to; stale generations are dropped.
        values: formula id → series.
        errors: formula id → one line on why it could not be evaluated.
        firings: alerts that fired, in rule order.
        failure: why the alert inputs could not be computed (None when they could).
    """

    generation: int
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    firings: list[Any] = field(default_factory=list)
    failure: str | None = None


def _same(old: pd.Series | None, new: pd.Series) -> bool:
    return old is new or (old is not None and len(old) == len(new) and bool(old.equals(new)))


class Derived:
    """Formula values and the alert engine of one app (UI thread, except :meth:`_compute`).

    Args:
        app: the app; its config gives the formulas and rules.
    """

    def __init__(self, app: TriffinApp) -> None:
        self.app = app
        self.formulas: tuple[Formula, ...] = tuple(app.config.formulas)
        self.rules: tuple[Any, ...] = tuple(app.config.alerts)
        self.values: dict[str, pd.Series] = {}
        """Formula id → its series, for the store on screen (replaced, never mutated)."""
        self.errors: dict[str, str] = {}
        """Formula id → why it could not be evaluated."""
        self.log: list[AlertEntry] = []
        """Firings, oldest first (at most :data:`MAX_LOG`)."""
        self.fired = 0
        """Firings since start (the log may have dropped old ones)."""
        self.logged: Signal[AlertEntry] = Signal(app, "alert-logged")
        """Published on the UI thread for every new log entry."""
        self.monitor: AlertMonitor | None = None
        self._generation = 0
        self._running = False
        self._again = False
        self._reset_wanted = False
        self._warned = False

    @property
    def active(self) -> bool:
        """True when there is anything to compute (formulas or rules configured)."""
        return bool(self.formulas or self.rules)

    @property
    def mode(self) -> str:
        """``demo`` when the demo market is on screen, else the app's mode."""
        return "demo" if self.app.showing_demo else self.app.mode

    def formula(self, formula_id: str) -> Formula | None:
        """The formula with this id, or None."""
        return next((f for f in self.formulas if f.id == formula_id), None)

    # ------------------------------------------------------------------ lifecycle

    def reset(self) -> None:
        """Another store is on screen: forget formula values and every rule's state."""
        self._generation += 1
        self.values, self.errors = {}, {}
        if self.rules and self.monitor is None:
            from datafeed.alerts import AlertMonitor

            self.monitor = AlertMonitor(
                self.rules, formulas=self.formulas, thresholds=self.app.thresholds, mode=self.mode
            )
        elif self.monitor is not None:
            if self._running:
                self._reset_wanted = True  # the worker still uses the engine
            else:
                self.monitor.reset()

    def request(self) -> None:
        """Recompute after a store update (coalesced while a computation runs)."""
        if not self.active or self.app.store is None:
            return
        if self._running:
            self._again = True
            return
        self._start()

    def close(self) -> None:
        """Stop the command runner; commands already running finish on their own (bounded)."""
        if self.monitor is not None:
            self.monitor.close(wait=False)

    def _start(self) -> None:
        app = self.app
        store = app.store
        if store is None:
            return
        if self._reset_wanted and self.monitor is not None:
            self._reset_wanted = False
            self.monitor.reset()
        self._running, self._again = True, False
        monitor = self.monitor
        frequencies = None
        if monitor is not None:
            from datafeed.thesis import store_frequencies

            monitor.mode = self.mode
            frequencies = store_frequencies(store)
        job = partial(self._compute, monitor, app.series_snapshot(), frequencies, app.now(), self._generation)
        app.run_worker(job, thread=True, group="derived", exit_on_error=False, description="formulas and alerts")

    # ------------------------------------------------------------------ worker

    def _compute(
        self,
        monitor: AlertMonitor | None,
        series: dict[str, pd.Series],
        frequencies: dict[str, str] | None,
        now: dt.datetime,
        generation: int,
    ) -> None:
        """Evaluate the formulas, then the rules (worker thread); posts :class:`DerivedReady`."""
        from datafeed.errors import redact

        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        firings: list[Firing] = []
        failure = None
        try:
            import pandas as pd

            from datafeed.formulas import evaluate

            data: dict[str, Any] = dict(series)
            for f in self.formulas:
                try:
                    out = evaluate(f, data)
                except Exception as exc:  # noqa: BLE001 - one broken formula must not hide the others
                    errors[f.id] = str(exc)
                    out = pd.Series([], index=pd.DatetimeIndex([]), dtype="float64", name=f.id)
                values[f.id] = data[f.id] = out
            if monitor is not None:
                firings = monitor.check(series, now, frequencies=frequencies, formula_values=values)
        except Exception as exc:  # noqa: BLE001 - reported once on screen; the feed goes on
            failure = redact(f"alerts could not be evaluated: {exc}")
        self.app.post_message(DerivedReady(generation, values, errors, firings, failure))

    def done(self, message: DerivedReady) -> None:
        """Install the results (UI thread): repaint changed formula rows, report firings."""
        self._running = False
        app = self.app
        if message.generation == self._generation:
            changed = frozenset(fid for fid, s in message.values.items() if not _same(self.values.get(fid), s))
            self.values, self.errors = message.values, message.errors
            if message.failure and not self._warned:
                self._warned = True
                app.notify(message.failure, severity="error", timeout=15)
            for firing in message.firings:
                self._fire(firing)
            if changed:
                from tui.app import DataUpdate

                app.data_changed.publish(DataUpdate(changed=changed))
        if self._again:
            self._start()

    def _fire(self, firing: Firing) -> None:
        from datafeed.alerts import format_value

        app, monitor = self.app, self.monitor
        assert monitor is not None
        mode = monitor.mode
        entry = AlertEntry(
            firing.time,
            firing.rule.text,
            format_value(firing.value),
            mode,
            firing.detail,
            firing.date,
            monitor.line(firing),
        )
        self.log.append(entry)
        del self.log[:-MAX_LOG]
        self.fired += 1
        title = "Alert" + (f" — {MODE_TITLES[mode]}" if mode in MODE_TITLES else "")
        when = f" (data of {entry.date})" if entry.date else ""
        app.notify(
            f"{entry.rule} → {entry.value}\n{entry.detail}{when}; a: alert log",
            title=title,
            severity="warning",
            timeout=12,
        )
        app.bell()
        monitor.submit(firing)
        self.logged.publish(entry)
