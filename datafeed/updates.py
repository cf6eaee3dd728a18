"""Provides what the :class:`~datafeed.monitor.Monitor` reports: updates, notices and alert log entries.

Why apart from the Monitor: every consumer (the TUI's worker, ``triffin watch``, tests)
reads these frozen types, and none of them needs the machinery that produces them. No
pandas, no UI. See docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from datafeed.feed import RefreshReport
    from datafeed.metrics import Metrics

V = TypeVar("V")
"""What the Monitor's ``present`` hook builds from new metrics (the TUI: widget inputs)."""

Severity = Literal["information", "warning", "error"]

MODE_TITLES: dict[str, str] = {
    "demo": "DEMO (synthetic data)",
    "replay": "REPLAY (recorded data)",
    "offline": "OFFLINE (kept data)",
}
"""What an alert's title adds when the firing is not on live data."""


@dataclass(frozen=True, slots=True)
class Notice:
    """Something to tell the user once (a corrupt cache file, a mode switch, a failure)."""

    text: str
    severity: Severity = "information"
    timeout: float = 6.0
    topic: str = ""
    """``alert`` for an alert held back as late (``triffin watch`` prints those on stderr)."""


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
        line: the line ``triffin watch`` prints for it.
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

    @property
    def title(self) -> str:
        """``Alert``, and what the data was when it was not live (``Alert — DEMO (synthetic data)``)."""
        kind = MODE_TITLES.get(self.mode)
        return f"Alert — {kind}" if kind else "Alert"


@dataclass(frozen=True, slots=True)
class MonitorUpdate(Generic[V]):
    """What changed since the last update the consumer took (several merge into one).

    Attributes:
        changed: instrument and formula ids whose values or status changed.
        everything: the store shown was replaced (first load, a mode switch): all changed.
        metrics: new signals and crisis scores (None: unchanged).
        views: what the ``present`` hook built from them.
        status: source health changed (a pass ended, a source failed, pause).
        mode: the mode or the banner changed.
        alerts: alerts that fired, oldest first.
        notices: things to tell the user once.
        passes: feed passes that ended.
        auctions: the auction book was refreshed (its records or its status changed).
    """

    changed: frozenset[str] = frozenset()
    everything: bool = False
    metrics: Metrics | None = None
    views: V | None = None
    status: bool = False
    mode: bool = False
    alerts: tuple[AlertEntry, ...] = ()
    notices: tuple[Notice, ...] = ()
    passes: tuple[RefreshReport, ...] = ()
    auctions: bool = False

    def merge(self, later: MonitorUpdate[V]) -> MonitorUpdate[V]:
        """This update followed by ``later``, as one."""
        newer = later.metrics is not None or later.everything
        return MonitorUpdate(
            changed=self.changed | later.changed,
            everything=self.everything or later.everything,
            metrics=later.metrics if newer else self.metrics,
            views=later.views if newer else self.views,
            status=self.status or later.status,
            mode=self.mode or later.mode,
            alerts=self.alerts + later.alerts,
            notices=self.notices + later.notices,
            passes=self.passes + later.passes,
            auctions=self.auctions or later.auctions,
        )
