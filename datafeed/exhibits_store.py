"""Provides the exhibits read from a :class:`~datafeed.store.SeriesStore`: inputs, facts, results.

Why a module of its own: the exhibit specs (:mod:`datafeed.exhibits`) are pure functions of
series, tested on hand-made numbers; the screen, ``triffin export --exhibit``, the snapshot
and the report all read the same store the same way, so that reading lives here once:
end-of-day values only (an exhibit tests a claim against the published record, not a
provisional intraday quote), the source that served each input's newest value, and why an
input holds nothing in the feed's own words.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from datafeed.exhibit_types import ExhibitResult, ExhibitSpec, InputFacts
from datafeed.exhibits import EXHIBITS, assemble, input_ids
from datafeed.models import Status
from datafeed.store import SeriesStore


def store_inputs(store: SeriesStore, ids: tuple[str, ...] | None = None) -> dict[str, pd.Series]:
    """The official series of every exhibit input the store holds (id → series, catalog units)."""
    wanted = input_ids() if ids is None else ids
    return {i: store.official(i) for i in wanted if i in store.catalog and store.has_data(i)}


def _why(store: SeriesStore, inst_id: str) -> str:
    """Why ``inst_id`` holds no value, in the feed's words."""
    if inst_id not in store.catalog:
        return "not in the catalog in force"
    st = store.state[inst_id]
    if st.status is Status.MISSING and st.last_error:
        return st.last_error
    if st.status in (Status.ERROR, Status.STALE) and st.last_error:
        return f"the last fetch failed: {st.last_error}"
    if st.last_attempt is None:
        return "not fetched yet"
    return "the source answered with no observations"


def input_facts(store: SeriesStore, ids: tuple[str, ...] | None = None) -> InputFacts:
    """The source of each input's newest value and why each empty input is empty."""
    wanted = input_ids() if ids is None else ids
    sources: dict[str, str] = {}
    why: dict[str, str] = {}
    for inst_id in wanted:
        if inst_id in store.catalog and store.has_data(inst_id):
            latest = store.last_official(inst_id)
            if latest is not None:
                sources[inst_id] = latest[1]
        else:
            why[inst_id] = _why(store, inst_id)
    return InputFacts(sources=sources, why=why)


def assemble_from_store(spec: ExhibitSpec, store: SeriesStore) -> ExhibitResult:
    """One exhibit from what ``store`` holds now."""
    ids = tuple(ref.id for ref in spec.inputs)
    return assemble(spec, store_inputs(store, ids), input_facts(store, ids))


def assemble_store(store: SeriesStore) -> tuple[tuple[ExhibitSpec, ExhibitResult], ...]:
    """All ten exhibits from what ``store`` holds now, each with its spec."""
    series: Mapping[str, pd.Series] = store_inputs(store)
    facts = input_facts(store)
    return tuple((spec, assemble(spec, series, facts)) for spec in EXHIBITS)
