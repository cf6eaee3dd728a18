"""Provides one call that measures the thesis on a store: signals, regime and crises.

``snapshot``, ``watch`` and the TUI all need the same three results from the same inputs
(the store's series, the configured thresholds and user episodes); this is that one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from datafeed.crises import Episode, ScoredEpisode, builtin_episodes, crises_to_json, episode_from_mapping, score_all
from datafeed.signals import (
    RegimeResult,
    SignalResult,
    compute_signals,
    input_facts,
    regime,
    regime_to_json,
    signals_to_json,
)
from datafeed.store import SeriesStore

if TYPE_CHECKING:
    from datafeed.demand.book import AuctionBook
from datafeed.thresholds import Overrides, Thresholds, resolve_thresholds


def store_frequencies(store: SeriesStore) -> dict[str, str]:
    """Frequency of each instrument as its newest official value's source publishes it.

    Why: ``bund10y`` is daily from the Bundesbank but monthly from the FRED fallback, and
    signals that need daily data must know which one the store holds.
    """
    out: dict[str, str] = {}
    for inst_id in store.catalog:
        sources = store.sources(inst_id)
        if not len(sources):
            continue
        tag = str(sources.iloc[-1])
        inst = store.catalog.get(inst_id)
        if inst is None:
            continue
        ref = next((r for r in inst.sources if r.tag == tag), None)
        if ref is not None:
            out[inst_id] = ref.frequency
    return out


def user_episodes(raw: Sequence[Mapping[str, Any]]) -> list[Episode]:
    """Episodes from config mappings (already validated by the config reader)."""
    return [episode_from_mapping(m) for m in raw]


@dataclass(frozen=True, slots=True)
class Thesis:
    """Signals, regime and scored crises measured at one store version."""

    signals: dict[str, SignalResult]
    regime: RegimeResult
    crises: list[ScoredEpisode]
    version: int

    def to_json(self) -> dict[str, Any]:
        """The ``signals``, ``regime`` and ``crises`` keys of the snapshot document."""
        return {
            "signals": signals_to_json(self.signals),
            "regime": regime_to_json(self.regime),
            "crises": crises_to_json(self.crises),
        }


def measure(
    store: SeriesStore,
    thresholds: Overrides | Thresholds | None = None,
    episodes: Sequence[Episode] = (),
    today: dt.date | None = None,
    book: AuctionBook | None = None,
) -> Thesis:
    """Compute every signal (with its freshness), the regime and every crisis row from the store.

    Args:
        store: the series and where each newest value came from.
        thresholds: the thresholds in force, or config overrides (resolved here once).
        episodes: user episodes, scored after the built-ins.
        today: the current date (default: the store's clock): signals' age, late and
            stale flags, and the live crisis row, are about it.
        book: the auction records; their series (``auction_<measure>_<line>``) join the
            store's as inputs of the auction signals and the crisis scorecard.
    """
    table = resolve_thresholds(thresholds)
    when = today or store._today()
    series = store.all_series()
    facts = input_facts(store)
    if book is not None and len(book):
        from datafeed.demand.book_series import book_series

        extra = book_series(book, series)
        series.update(extra.series)
        facts.update(extra.facts)
    frequencies = store_frequencies(store)
    signals = compute_signals(series, table, frequencies=frequencies, today=when, facts=facts)
    crises = score_all(series, [*builtin_episodes(), *episodes], table, frequencies=frequencies, today=when)
    return Thesis(signals, regime(signals, table), crises, store.version)
