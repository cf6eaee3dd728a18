"""Provides the auction book's series as signal inputs: values plus each one's newest date and source.

Why a module of its own: the Monitor (TUI, watch) and the snapshot document both hand the
signal engine the store's series *and* the auction series derived from the book, with the
facts freshness needs (newest auction date, ``treasurydirect:<series>`` or
``fiscaldata:<series>`` as source). One function, so the two paths cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from datafeed.demand.auction_series import auction_series, par_curve_from
from datafeed.demand.book import AuctionBook
from datafeed.signals.freshness import InputFact


@dataclass(frozen=True, slots=True)
class BookSeries:
    """The auction series of one book version and their facts.

    Attributes:
        series: ``auction_<measure>_<line>`` → values on the auction days.
        facts: the same ids → newest date and ``<source>:<series>`` tag.
        version: the book version they were computed from (-1: none).
    """

    series: dict[str, pd.Series] = field(default_factory=dict)
    facts: dict[str, InputFact] = field(default_factory=dict)
    version: int = -1

    def changed_from(self, older: BookSeries) -> set[str]:
        """Ids whose series differ from ``older``'s (added, removed or with other values)."""
        out = set(self.series) ^ set(older.series)
        for sid in set(self.series) & set(older.series):
            if not self.series[sid].equals(older.series[sid]):
                out.add(sid)
        return out


def book_series(book: AuctionBook | None, store_series: Mapping[str, pd.Series]) -> BookSeries:
    """Every auction series of ``book`` (the par-curve measure read off ``store_series``)."""
    if book is None or not len(book):
        return BookSeries(version=book.version if book is not None else -1)
    source = book.last_source or "treasurydirect"
    series = auction_series(book.auctions, par_curve_from(store_series))
    facts = {sid: InputFact(s.index[-1].date(), f"{source}:{sid}") for sid, s in series.items() if len(s)}
    return BookSeries(series, facts, book.version)


__all__ = ["BookSeries", "book_series"]
