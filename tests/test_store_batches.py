"""SeriesStore.apply on large batches (checked with numpy) against a plain-Python model.

A cold start hands the store ~7,000 observations per series; those batches take a
vectorised path. It must refuse, count, note, de-duplicate, revise and keep exactly what
the per-observation rules say, whatever mix of bad values a batch carries.
"""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest

import datafeed.store as store_module
from datafeed.catalog import CATALOG
from datafeed.models import Batch, Observation, observations
from datafeed.store import SeriesStore

TODAY = dt.date(2026, 11, 26)


def _batch(rng: random.Random, inst: str, n: int, start: dt.date) -> list[Observation]:
    """Mostly good values with repeats, revisions, NaN, inf, out-of-range and future dates."""
    lo, hi = CATALOG[inst].lo, CATALOG[inst].hi
    out = []
    for i in range(n):
        day = start + dt.timedelta(days=rng.randrange(0, n))
        roll = rng.random()
        if roll < 0.01:
            value = float("nan")
        elif roll < 0.015:
            value = float("-inf")
        elif roll < 0.025:
            value = hi * 10 + 1
        elif roll < 0.03:
            value = lo - 1.0
        else:
            value = round(rng.uniform(lo, hi) if math.isfinite(hi - lo) else rng.uniform(0, 100), 4)
        if rng.random() < 0.005:
            day = TODAY + dt.timedelta(days=rng.randrange(2, 30))
        src = "fred:X" if rng.random() < 0.7 else "treasury:Y"
        out.append(Observation(inst, day, value, src))
        if i % 97 == 0:
            out.append(Observation(inst, day, round(value + 0.5, 4) if math.isfinite(value) else 1.0, src))
    return out


def _model(store_before: dict[dt.date, tuple[float, str]], batch: list[Observation]) -> tuple[dict, int, list[str]]:
    """The rules, one observation at a time: refused ones noted; then a date one source gave
    with different values is refused (every copy, noted after the rest); last one wins per date."""
    inst = CATALOG[batch[0].instrument]
    merged = dict(store_before)
    refused, notes = 0, []
    good: list[Observation] = []
    for o in batch:
        v = o.value
        if math.isnan(v) or math.isinf(v):
            reason = f"{o.instrument}: value {v!r} is not a number"
        elif not inst.lo <= v <= inst.hi:
            reason = f"{o.instrument}: value {v:g} outside plausible range {inst.lo:g}..{inst.hi:g}"
        elif inst.nonzero and v == 0:
            reason = f"{o.instrument}: value 0 on {o.date} is not plausible (a placeholder, not a quote)"
        elif o.date > TODAY:  # fred and treasury publish in New York: tomorrow is the future
            reason = f"{o.instrument}: date {o.date} is in the future"
        elif inst.weekdays and o.date.weekday() >= 5:
            reason = f"{o.instrument}: date {o.date} is a {o.date:%A}; it has no weekend closes"
        else:
            good.append(o)
            continue
        refused += 1
        notes.append(reason)
    copies: dict[tuple[dt.date, str], list[float]] = {}
    for o in good:
        copies.setdefault((o.date, o.source), []).append(o.value)
    conflicting = {key for key, values in copies.items() if len(set(values)) > 1}
    for day in sorted({day for day, _ in conflicting}):
        for source in dict.fromkeys(o.source for o in good if o.date == day):
            values = copies[(day, source)]
            if (day, source) in conflicting:
                shown = ", ".join(f"{v:g}" for v in values[:4]) + (", …" if len(values) > 4 else "")
                reason = f"{inst.id}: {day} given {len(values)} times in one answer with different values ({shown})"
                refused += len(values)
                notes.extend([reason] * len(values))
    for o in good:
        if (o.date, o.source) not in conflicting:
            merged[o.date] = (o.value, o.source)
    return merged, refused, notes


def _noted(notes: list[str]) -> list[str]:
    """Notes as the store keeps them: at most 20, a repeat of the last one not kept again."""
    out: list[str] = []
    for note in notes:
        if len(out) < 20 and note not in out[-1:]:
            out.append(note)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_large_batches_follow_the_per_observation_rules(seed: int) -> None:
    rng = random.Random(seed)
    store = SeriesStore(today=lambda: TODAY)
    held: dict[str, dict[dt.date, tuple[float, str]]] = {"ust10y": {}, "vix": {}}
    for round_ in range(3):  # a cold batch, then revisions and additions over it
        for inst in held:
            batch = _batch(rng, inst, 400 if round_ == 0 else 150, dt.date(2024, 1, 1))
            expected, refused, notes = _model(held[inst], batch)
            before_rejected, before_notes = store.state[inst].rejected, list(store.state[inst].notes)
            delta = store.apply(batch)
            assert delta.rejected == refused
            assert store.state[inst].rejected == before_rejected + refused
            assert store.state[inst].notes == _noted(before_notes + notes)
            series, sources = store.official(inst), store.sources(inst)
            assert [d.date() for d in series.index] == sorted(expected)
            assert series.tolist() == [expected[d][0] for d in sorted(expected)]
            assert sources.tolist() == [expected[d][1] for d in sorted(expected)]
            assert series.index.is_monotonic_increasing and not series.index.has_duplicates
            held[inst] = expected


def test_fast_and_slow_paths_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same mixed batch (two instruments, an intraday quote, an unknown id) either way."""
    rng = random.Random(7)
    batch = _batch(rng, "ust10y", 300, dt.date(2025, 1, 1)) + _batch(rng, "vix", 80, dt.date(2025, 6, 1))
    t = dt.datetime(2026, 11, 26, 15, tzinfo=dt.UTC)
    batch.insert(50, Observation("ust10y", TODAY, 4.2, "yahoo:^TNX", intraday=True, time=t))
    batch.insert(10, Observation("nope", TODAY, 1.0, "x:y"))
    rng.shuffle(batch)
    fast = SeriesStore(today=lambda: TODAY)
    d_fast = fast.apply(batch)
    monkeypatch.setattr(store_module, "VECTOR_BATCH", 10**9)
    slow = SeriesStore(today=lambda: TODAY)
    d_slow = slow.apply(batch)
    assert d_fast == d_slow
    for inst in ("ust10y", "vix"):
        assert fast.official(inst).equals(slow.official(inst))
        assert fast.sources(inst).equals(slow.sources(inst))
        assert fast.state[inst].notes == slow.state[inst].notes
        assert fast.state[inst].rejected == slow.state[inst].rejected
    assert fast.intraday_quote("ust10y") == slow.intraday_quote("ust10y")


def test_last_official_date_by_source_when_the_newest_is_from_another() -> None:
    store = SeriesStore(today=lambda: TODAY)
    store.apply([Observation("ust10y", dt.date(2026, 11, d), 4.0, "fred:DGS10") for d in range(2, 20)])
    store.apply([Observation("ust10y", dt.date(2026, 11, 20), 4.1, "treasury:10 Yr")])
    assert store.last_official_date("ust10y", "treasury:") == dt.date(2026, 11, 20)
    assert store.last_official_date("ust10y", "fred:") == dt.date(2026, 11, 19)
    assert store.last_official_date("ust10y", "ecb:") is None


def _as_batches(items: list[Observation]) -> list[Observation | Batch]:
    """The same values as columnar batches: one per run of one instrument and one source."""
    out: list[Observation | Batch] = []
    run: list[Observation] = []

    def flush() -> None:
        if run:
            out.append(Batch(run[0].instrument, run[0].source, [o.date for o in run], [o.value for o in run]))
            run.clear()

    for obs in items:
        if obs.intraday:
            flush()
            out.append(obs)
            continue
        if run and (obs.instrument, obs.source) != (run[0].instrument, run[0].source):
            flush()
        run.append(obs)
    flush()
    return out


@pytest.mark.parametrize("vector", [True, False])
def test_batches_and_observations_give_the_same_store(monkeypatch: pytest.MonkeyPatch, vector: bool) -> None:
    """Refusals, their notes and order, counts, revisions and sources: identical either way."""
    if not vector:
        monkeypatch.setattr(store_module, "VECTOR_BATCH", 10**9)
    rng = random.Random(11)
    t = dt.datetime(2026, 11, 26, 15, tzinfo=dt.UTC)
    rounds = []
    for _ in range(3):
        items = _batch(rng, "ust10y", 300, dt.date(2025, 1, 1)) + _batch(rng, "vix", 120, dt.date(2025, 6, 1))
        items.insert(40, Observation("ust10y", TODAY, 4.2, "yahoo:^TNX", intraday=True, time=t))
        items.insert(5, Observation("nope", TODAY, 1.0, "x:y"))
        rounds.append(items)
    plain, columnar = SeriesStore(today=lambda: TODAY), SeriesStore(today=lambda: TODAY)
    for items in rounds:
        batches = _as_batches(items)
        assert any(isinstance(b, Batch) and len(b) > 1 for b in batches)
        assert observations(batches) == items
        assert plain.apply(items) == columnar.apply(batches)
        for inst in ("ust10y", "vix"):
            assert plain.official(inst).equals(columnar.official(inst))
            assert plain.sources(inst).equals(columnar.sources(inst))
            assert plain.state[inst].notes == columnar.state[inst].notes
            assert plain.state[inst].rejected == columnar.state[inst].rejected
        assert plain.intraday_quote("ust10y") == columnar.intraday_quote("ust10y")
    assert plain.state["ust10y"].rejected > 0 and plain.state["vix"].notes


def test_a_batch_checks_its_columns() -> None:
    with pytest.raises(ValueError, match="2 dates but 1 values"):
        Batch("ust10y", "fred:DGS10", [dt.date(2026, 1, 2), dt.date(2026, 1, 5)], [4.0])


def test_notes_keep_the_order_values_came_in_across_batches() -> None:
    """Each value of a batch is one position: a later batch's refusal is noted after an earlier one's."""
    days = [d for i in range(14) if (d := dt.date(2026, 1, 5) + dt.timedelta(days=i)).weekday() < 5]
    first = Batch("ust10y", "treasury:10 Yr", days, [4.0] * 9 + [float("nan")])
    second = Batch("ust10y", "fred:DGS10", days, [99.0] + [4.1] * 9)
    for vector in (True, False):
        store = SeriesStore(today=lambda: TODAY)
        if not vector:
            store_module.VECTOR_BATCH, saved = 10**9, store_module.VECTOR_BATCH
        try:
            delta = store.apply([first, Observation("vix", TODAY, 500.0, "fred:VIXCLS"), second])
        finally:
            if not vector:
                store_module.VECTOR_BATCH = saved
        assert delta.rejected == 3
        assert store.state["ust10y"].notes == [
            "ust10y: value nan is not a number",
            "ust10y: value 99 outside plausible range -2..25",
        ]
        assert store.official("ust10y").tolist() == [4.0] + [4.1] * 9
