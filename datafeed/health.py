"""Provides :class:`SourceHealth` and :func:`source_health`: how each data source is doing, typed.

Why typed and here: the status bar, ``triffin watch`` and tests all want the same answer
to "is FRED answering, how old is what we hold from it, when is the next retry", and the
answer is computed from the feed's jobs and the store, which live in ``datafeed``. The UI
only formats the numbers (``2m``, ``45s``). No pandas, no clock of its own: ``now`` and
the monotonic time are passed in. See docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from datafeed.feed import Job
    from datafeed.settings import SourceSettings
    from datafeed.store import SeriesStore

HealthState = Literal["ok", "stale", "error", "off"]
"""``ok`` answering; ``stale`` failing with kept data; ``error`` failing with nothing kept; ``off``."""


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """One data source's health.

    Attributes:
        source: source name (``fred``, ``treasury``, ``demo`` ...).
        state: see :data:`HealthState`.
        age: seconds since the newest data held from this source was fetched (None: none).
        retry_in: seconds until a failing source is tried again (None: not scheduled).
        note: a short remark (``connecting``, ``market closed``, ``1/3 failing``, ``paused``).
        error: the last error of a failing source (already redacted by the feed).
    """

    source: str
    state: HealthState
    age: float | None = None
    retry_in: float | None = None
    note: str = ""
    error: str = ""


def source_health(
    sources: Mapping[str, SourceSettings],
    jobs: Sequence[Job],
    store: SeriesStore,
    now: dt.datetime,
    monotonic_now: float,
    market_open: bool,
    intraday_jobs: Sequence[Job] = (),
) -> list[SourceHealth]:
    """Per-source health from the feed's jobs: ok / stale / error / off, age, next retry.

    Args:
        sources: source name → settings (``enabled``), in display order.
        jobs: the feed's jobs (``provider.name``, ``failures``, ``runs``, ``next_due``,
            ``last_error``, ``targets``, ``last_duration``).
        store: the live store (for last-success times and kept data).
        now: wall clock (UTC).
        monotonic_now: ``time.monotonic()`` (the clock of ``next_due``).
        market_open: whether intraday jobs run now.
        intraday_jobs: those of ``jobs`` that fetch intraday quotes (market hours only).
    """
    out: list[SourceHealth] = []
    for name, settings in sources.items():
        if not settings.enabled:
            out.append(SourceHealth(name, "off"))
            continue
        mine = [j for j in jobs if j.provider.name == name]
        if not mine:
            out.append(SourceHealth(name, "off", note="unused"))
            continue
        targets = [t.instrument for j in mine for t in j.targets]
        successes = [
            when
            for i in targets
            if (when := store.state[i].last_success) is not None
            and (store.state[i].source or "").startswith(name + ":")
        ]
        age = (now - max(successes)).total_seconds() if successes else None
        failing = [j for j in mine if j.failures > 0]
        intraday_only = all(any(j is k for k in intraday_jobs) for j in mine)
        # A job counts once it finished (runs is bumped when it starts).
        answering = [j for j in mine if j.failures == 0 and j.last_duration is not None]
        if failing:
            retry = min(j.next_due for j in failing) - monotonic_now
            error = failing[0].last_error or "failed"
            if answering:  # the source answers; some of its series do not (e.g. a 404)
                out.append(SourceHealth(name, "ok", age, retry, f"{len(failing)}/{len(mine)} failing", error))
                continue
            has_data = any(store.has_data(t.instrument) for j in failing for t in j.targets)
            out.append(SourceHealth(name, "stale" if has_data else "error", age, retry, error=error))
        elif not answering:
            if intraday_only and not market_open:
                out.append(SourceHealth(name, "off", note="market closed"))
            elif any(store.has_data(i) for i in targets):
                out.append(SourceHealth(name, "stale", age, note="cached, connecting"))
            else:
                out.append(SourceHealth(name, "ok", note="connecting"))
        else:
            out.append(SourceHealth(name, "ok", age))
    return out
