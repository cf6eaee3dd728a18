"""Provides :class:`MetricsEngine`: signals, regime and crisis scores, kept up to date incrementally.

Why a class of its own: the monitor recomputes after every update, and most updates touch
one or two instruments. The engine remembers the last results and recomputes only the
signals that read a changed instrument, and only the crisis episodes a change can reach
(an episode reads nothing after its end date). ``datafeed.thesis.measure`` is the one-shot
equivalent that ``triffin snapshot`` uses; both call the same signal and crisis functions.

Pure: no I/O, no clock, no UI. One engine belongs to one store and is not thread-safe; the
:class:`~datafeed.monitor.Monitor` runs at most one computation at a time, in its worker
thread. See docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from datafeed.crises import CHECK_INPUTS, Episode, ScoredEpisode, score_all
from datafeed.frame import date_index
from datafeed.signals import InputFact, RegimeResult, SignalEngine, SignalResult, Thresholds, resolve_thresholds
from datafeed.thresholds import Overrides

CRISIS_INPUTS: frozenset[str] = frozenset(i for ids in CHECK_INPUTS.values() for i in ids)
"""Instruments the crisis scorecard reads; other updates leave the scores alone."""


@dataclass(frozen=True)
class Metrics:
    """Signals, regime and crisis scores of one store at one moment.

    Attributes:
        signals: signal id → result, in display order.
        regime: the aggregate.
        scored: every episode scored (built-ins, user episodes, live row last).
        seconds: how long the computation took.
        recomputed: signal ids recomputed this time.
    """

    signals: dict[str, SignalResult]
    regime: RegimeResult
    scored: tuple[ScoredEpisode, ...]
    seconds: float = 0.0
    recomputed: frozenset[str] = field(default_factory=frozenset)

    def episode(self, episode_id: str) -> ScoredEpisode | None:
        """The scored episode with this id, or None."""
        return next((s for s in self.scored if s.episode.id == episode_id), None)


class MetricsEngine:
    """Incremental signals (only those reading a changed instrument) and crisis scores.

    Crisis scores are recomputed only when an instrument the scorecard reads changed, or
    when the day changed (the live row is about today).

    Args:
        thresholds: ``[thresholds]`` overrides, or the thresholds already resolved.
        episodes: every episode to score (None: the built-ins).
    """

    def __init__(
        self,
        thresholds: Overrides | Thresholds | None = None,
        episodes: Sequence[Episode] | None = None,
    ) -> None:
        self.thresholds = resolve_thresholds(thresholds)
        self.signals = SignalEngine(self.thresholds)
        self.episodes = list(episodes) if episodes is not None else None
        self._scored: tuple[ScoredEpisode, ...] | None = None
        self._crisis_inputs: dict[str, pd.Series | None] = {}
        self._today: dt.date | None = None
        self.rescored: tuple[str, ...] = ()
        """Episode ids scored by the last run (the live row included)."""

    def _rescore(self, series: Mapping[str, pd.Series], touched: Iterable[str], today: dt.date | None) -> None:
        """Re-score only the episodes a change can reach, and the live row.

        An episode reads nothing after its end date, so a change first dated after it
        (an intraday tick, today's close) leaves its score as it was. The live row is about
        today, so a new day re-scores it even when no data changed.
        """
        assert self._scored is not None
        changes = [first_change(self._crisis_inputs.get(i), series.get(i)) for i in touched]
        dated = [c for c in changes if c is not None]
        if not dated and today == self._today:
            return
        old = [s for s in self._scored if not s.episode.live]
        earliest = min(dated) if dated else None
        stale = [s.episode for s in old if earliest is not None and pd.Timestamp(s.episode.end) >= earliest]
        fresh = {s.episode.id: s for s in score_all(series, stale, self.thresholds, today=today)}
        live = fresh.pop("live", None)
        scored = [fresh.get(s.episode.id, s) for s in old]
        if live is not None:
            scored.append(live)
        self._scored = tuple(scored)
        self.rescored = (*(e.id for e in stale), *(("live",) if live is not None else ()))

    def run(
        self,
        series: Mapping[str, pd.Series],
        changed: Iterable[str] | None = None,
        *,
        today: dt.date | None = None,
        facts: Mapping[str, InputFact] | None = None,
    ) -> Metrics:
        """Bring results up to date with ``series``.

        Args:
            series: instrument id → series (a snapshot the caller will not mutate).
            changed: instruments changed since the last run; None recomputes everything.
            today: the current date: signals' age / late / stale and the live crisis row
                are about it (without it they are left unjudged and the live row ends on
                the newest date held).
            facts: input id → newest date and source tag (``datafeed.signals.input_facts``),
                so lateness uses the lag of the source that actually answered.
        """
        started = time.perf_counter()
        touched = None if changed is None else frozenset(changed)
        if touched is None or not self.signals.results:
            self.signals.recompute(series, today=today, facts=facts)
        else:
            self.signals.update(series, touched, today=today, facts=facts)
        if self._scored is None or touched is None:
            self._scored = tuple(score_all(series, self.episodes, self.thresholds, today=today))
        elif touched & CRISIS_INPUTS or today != self._today:
            self._rescore(series, touched & CRISIS_INPUTS, today)
        self._today = today
        self._crisis_inputs = {i: series.get(i) for i in CRISIS_INPUTS}
        return Metrics(
            signals=dict(self.signals.results),
            regime=self.signals.regime,
            scored=self._scored,
            seconds=time.perf_counter() - started,
            recomputed=self.signals.recomputed,
        )


def first_change(old: pd.Series | None, new: pd.Series | None) -> pd.Timestamp | None:
    """The earliest date at which ``new`` differs from ``old`` (None when they are equal).

    Appended observations, a revised value and a moved intraday quote all count; a
    series that appeared or vanished counts as changed from the beginning.
    """
    if old is new:
        return None
    if old is None or new is None or old.empty or new.empty:
        return pd.Timestamp.min
    n = min(len(old), len(new))
    old_ix, new_ix = date_index(old).asi8, date_index(new).asi8
    old_v, new_v = old.to_numpy(dtype="float64"), new.to_numpy(dtype="float64")
    same_value = (old_v[:n] == new_v[:n]) | (np.isnan(old_v[:n]) & np.isnan(new_v[:n]))
    differs = np.flatnonzero((old_ix[:n] != new_ix[:n]) | ~same_value)
    if len(differs):
        k = int(differs[0])
        return min(date_index(old)[k], date_index(new)[k])
    if len(old) == len(new):
        return None
    return date_index(new if len(new) > n else old)[n]
