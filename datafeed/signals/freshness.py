"""Provides how old each signal's evidence is: ``as_of``, ``age``, ``late`` and ``stale``.

A verdict is only as good as its newest input. For every signal:

``as_of``
    The date its value stands for (the newest input observation used).
``age``
    Business days of the signal's market (:mod:`datafeed.market_calendar`) from ``as_of``
    to today: Friday's close read on Monday is 1 day old.
``late``
    Some input it reads is older than its source's usual publication lag, counted in that
    source's market's business days (``late_inputs`` names them).
``stale``
    The value is too old to count: for a daily signal, ``age`` above
    ``[thresholds.freshness] max_age_daily`` (10); for a weekly, monthly, quarterly or annual one, more than
    ``max_age_periods`` (2) publications behind the newest period its publication lag says
    should be out by today. The regime leaves stale signals out of its count and lists them.

Inputs' last dates and source tags come from the store (:func:`input_facts`); without a
store they are read off the series (:func:`facts_from_series`) and the source's lag is the
instrument's first source's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from datafeed.catalog import CATALOG, SourceRef
from datafeed.demand.auction_series import AUCTION_FREQUENCY, AUCTION_LAG_DAYS, is_auction_series
from datafeed.market_calendar import business_days_between, instrument_is_late, is_business_day, is_late
from datafeed.signals.spec import SignalResult, SignalSpec

_RANK = {"daily": 0, "weekly": 1, "monthly": 2, "quarterly": 3, "annual": 4}
_DEFAULT_LAG = 2


@dataclass(frozen=True, slots=True)
class InputFact:
    """What freshness needs of one input: its newest date and who published it.

    Attributes:
        last: date of the newest observation held (an intraday quote's date included).
        source: ``<source>:<series>`` tag of that observation; None when unknown.
    """

    last: dt.date
    source: str | None = None


class _Latest(Protocol):
    @property
    def date(self) -> dt.date: ...

    @property
    def source(self) -> str: ...


class _Store(Protocol):
    @property
    def catalog(self) -> Mapping[str, object]: ...

    def latest(self, inst_id: str) -> _Latest | None: ...


def input_facts(store: _Store) -> dict[str, InputFact]:
    """Every held instrument's newest date and source tag (cheap: no pandas work)."""
    out: dict[str, InputFact] = {}
    for inst_id in store.catalog:
        latest = store.latest(inst_id)
        if latest is not None:
            out[inst_id] = InputFact(latest.date, latest.source)
    return out


def facts_from_series(series: Mapping[str, pd.Series], ids: Iterable[str]) -> dict[str, InputFact]:
    """Newest date with a value of each series of ``ids`` (no source tags).

    Read from the end of the arrays rather than a cleaned copy: this runs on every
    recompute, and a series rarely ends in a missing value.
    """
    out: dict[str, InputFact] = {}
    for inst_id in ids:
        s = series.get(inst_id)
        if s is None or not len(s):
            continue
        values = s.to_numpy(dtype="float64")
        pos = len(values) - 1
        while pos >= 0 and np.isnan(values[pos]):
            pos -= 1
        if pos >= 0:
            out[inst_id] = InputFact(pd.Timestamp(s.index[pos]).date())
    return out


def _ref(inst_id: str, tag: str | None) -> SourceRef | None:
    inst = CATALOG.get(inst_id)
    if inst is None:
        return None
    refs = [*inst.sources, *([inst.intraday] if inst.intraday else [])]
    found = next((r for r in refs if tag is not None and r.tag == tag), None)
    return found or (refs[0] if refs else None)


def input_is_late(inst_id: str, fact: InputFact, today: dt.date) -> bool:
    """True when the input's newest date is older than its source's publication lag allows
    (the rule of the live table's ``late``; an auction series gets :data:`AUCTION_LAG_DAYS`,
    any other id outside the catalog 2 US days)."""
    if inst_id in CATALOG:
        return instrument_is_late(inst_id, fact.last, today, fact.source)
    if is_auction_series(inst_id):
        return is_late(fact.last, today, AUCTION_LAG_DAYS, "us")
    return is_late(fact.last, today, _DEFAULT_LAG, "us")


def input_frequency(inst_id: str) -> str:
    """How often an input publishes per the catalog (auction series: monthly); ``daily`` if unknown."""
    inst = CATALOG.get(inst_id)
    if inst is not None:
        return inst.frequency
    return AUCTION_FREQUENCY if is_auction_series(inst_id) else "daily"


def _minus_business_days(d: dt.date, n: int, market: str) -> dt.date:
    while n > 0:
        d -= dt.timedelta(days=1)
        if is_business_day(d, market):
            n -= 1
    return d


def _period(d: dt.date, frequency: str) -> int:
    """Index of the publication period holding ``d`` (weeks start on Monday)."""
    if frequency == "weekly":
        return (d.toordinal() - 1) // 7  # day 1 of the proleptic calendar is a Monday
    if frequency == "monthly":
        return d.year * 12 + d.month - 1
    if frequency == "quarterly":
        return d.year * 4 + (d.month - 1) // 3
    return d.year


def periods_behind(as_of: dt.date, today: dt.date, frequency: str, lag_days: int, market: str = "us") -> int:
    """Publications a weekly, monthly, quarterly or annual value is behind the newest one due by ``today``.

    The newest period due is the one containing ``today`` minus the publication lag (in
    business days): a quarterly series published 130 business days after the quarter's
    start is 0 behind when it shows that quarter.
    """
    due = _minus_business_days(today, lag_days, market)
    return _period(due, frequency) - _period(as_of, frequency)


def signal_frequency(frequencies: Iterable[str]) -> str:
    """The most frequent of its inputs' frequencies: the one that dates the value."""
    ranked = sorted(frequencies, key=lambda f: _RANK.get(f, 0))
    return ranked[0] if ranked else "daily"


def assess(
    result: SignalResult,
    spec: SignalSpec,
    facts: Mapping[str, InputFact],
    today: dt.date,
    th: Mapping[str, float],
) -> SignalResult:
    """``result`` with ``age``, ``late``, ``late_inputs`` and ``stale`` for ``today``.

    Args:
        result: the computed signal (its ``inputs``, ``as_of`` and ``frequency`` set).
        spec: its spec (the market its age is counted in).
        facts: input id → newest date and source.
        today: the current date.
        th: the ``freshness`` section of the thresholds.
    """
    used = [i for i in (result.inputs or spec.inputs) if i in facts]
    late_inputs = tuple(i for i in used if input_is_late(i, facts[i], today))
    age: int | None = None
    stale = False
    if result.as_of is not None and result.verdict != "n/a":
        age = max(business_days_between(result.as_of, today, spec.market), 0)
        if result.frequency == "daily":
            stale = age > th["max_age_daily"]
        else:
            lag = max((_lag(i, facts[i]) for i in used), default=_DEFAULT_LAG)
            stale = periods_behind(result.as_of, today, result.frequency, lag, spec.market) > th["max_age_periods"]
    return dataclasses.replace(result, age=age, late=bool(late_inputs), late_inputs=late_inputs, stale=stale)


def _lag(inst_id: str, fact: InputFact) -> int:
    if is_auction_series(inst_id):
        return AUCTION_LAG_DAYS
    ref = _ref(inst_id, fact.source)
    return ref.lag_days if ref else _DEFAULT_LAG
