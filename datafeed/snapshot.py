"""Provides ``triffin snapshot``'s headless pipeline and its JSON document (DESIGN.md §5).

The pipeline: a store, the disk cache loaded into it, then (unless ``--offline`` or
``--demo``) one concurrent refresh of every instrument bounded by ``--timeout`` in total,
then the document. Other tools read this document, so its keys follow DESIGN.md §5; more
keys may be added, none may change meaning.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datafeed import __version__
from datafeed.cache import DiskCache
from datafeed.catalog import CATALOG, Catalog
from datafeed.feed import Feed, RefreshReport
from datafeed.http import HttpContext
from datafeed.market_calendar import instrument_is_late
from datafeed.models import Status, utcnow
from datafeed.settings import FeedSettings
from datafeed.store import SeriesStore


def is_late(inst_id: str, last: dt.date, today: dt.date, source_tag: str | None = None) -> bool:
    """True when ``last`` is older than the source's usual publication lag allows.

    Counted in the business days of the source's market (SIFMA for US sources, TARGET2
    for euro sources, Japanese bank holidays for Japanese ones), so a Monday showing
    Friday's close is not late and neither is a holiday. (The rule lives in
    :func:`datafeed.market_calendar.instrument_is_late`, which needs no pandas.)
    """
    return instrument_is_late(inst_id, last, today, source_tag)


def series_json(store: SeriesStore, today: dt.date) -> dict[str, dict[str, Any]]:
    """The ``series`` object: one entry per catalog instrument, in catalog order."""
    out: dict[str, dict[str, Any]] = {}
    for inst_id, inst in store.catalog.items():
        st = store.state[inst_id]
        latest = store.latest(inst_id)
        entry: dict[str, Any] = {
            "name": inst.name,
            "unit": inst.unit,
            "source": latest.source if latest else st.source,
            "date": latest.date.isoformat() if latest else None,
            "value": round(latest.value, 6) if latest else None,
            "status": st.status.value,
            "late": is_late(inst_id, latest.date, today, latest.source) if latest else False,
            "error": st.last_error,
        }
        if latest is not None:
            entry["intraday"] = latest.intraday
            if latest.time is not None:
                entry["time"] = latest.time.isoformat(timespec="seconds")
            if latest.previous is not None:
                diff = latest.value - latest.previous
                if inst.change == "bp":
                    entry["change"] = round(diff * 100.0, 2)
                elif inst.change in ("%",) and latest.previous:
                    entry["change"] = round(100.0 * diff / latest.previous, 4)
                else:
                    entry["change"] = round(diff, 4)
                entry["change_unit"] = inst.change
        if st.last_success is not None:
            entry["last_success"] = st.last_success.isoformat(timespec="seconds")
        # Provenance (DESIGN.md §7): a primary that answers but lags, who filled the gap,
        # and the span each source contributed to what is held.
        if st.behind is not None:
            entry["behind"] = st.behind.to_json()
        spans = store.source_spans(inst_id)
        if spans:
            entry["sources"] = [
                {"source": tag, "first": first.isoformat(), "last": last.isoformat(), "count": count}
                for tag, first, last, count in spans
            ]
        # Observations refused by validation (not a number, implausible, future-dated);
        # always present so tools can watch it.
        entry["rejected"] = st.rejected
        out[inst_id] = entry
    return out


@dataclass(slots=True)
class Collected:
    """What the pipeline produced."""

    store: SeriesStore
    mode: str
    report: RefreshReport | None = None
    warnings: list[str] = field(default_factory=list)
    timed_out: bool = False

    @property
    def failed(self) -> bool:
        """True when some source failed (exit code 1)."""
        if self.timed_out:
            return True
        return bool(self.report and self.report.failed)


async def collect(
    settings: FeedSettings,
    cache_dir: Path | None,
    *,
    demo: bool = False,
    offline: bool = False,
    timeout: float = 20.0,
    today: dt.date | None = None,
    catalog: Catalog | None = None,
) -> Collected:
    """Fill a store for a snapshot, never taking longer than ``timeout`` in total.

    Args:
        catalog: the instruments in force (``Config.catalog``: built-ins and the config's
            ``[[instruments]]``); default the built-ins.
    """
    store = SeriesStore(catalog if catalog is not None else CATALOG, today=(lambda: today) if today else None)
    if demo:
        from datafeed.demo import DemoMarket, load_demo

        load_demo(store, DemoMarket(end=today))
        return Collected(store, "demo")
    cache = DiskCache(cache_dir) if cache_dir is not None else None
    warnings: list[str] = []
    if cache is not None:
        cache.load_into(store)
        warnings.extend(cache.warnings)
    if offline:
        return Collected(store, "offline", warnings=warnings)
    # Leave a margin for building and printing the document.
    started = time.monotonic()
    budget = max(0.1, timeout - 0.3)
    http = HttpContext(settings, deadline=started + budget)
    feed = Feed(store, settings, http, cache=cache)
    result = Collected(store, "live", warnings=warnings)
    try:
        result.report = await asyncio.wait_for(feed.refresh(force=True), timeout=budget)
    except TimeoutError:
        result.timed_out = True
        for job in feed.all_jobs:
            for t in job.targets:
                st = store.state[t.instrument]
                if st.last_attempt is None or st.status is Status.MISSING:
                    store.mark_failure(t.instrument, f"no answer within --timeout {timeout:g} s")
        if cache is not None:
            try:
                cache.save(store)
            except OSError:
                pass
    finally:
        await http.aclose()
    if result.report is not None and result.report.ok == 0 and result.report.failed:
        result.mode = "offline"
    return result


def build_document(
    collected: Collected,
    extra: dict[str, Any] | None = None,
    formulas: Sequence[Any] = (),
    *,
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
    episodes: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The ``snapshot --format json`` document: series, then signals, regime and crises.

    Args:
        collected: what the pipeline produced.
        extra: more top-level keys.
        formulas: the config's formula rows (``datafeed.formulas.Formula``); each is added
            to ``series`` after the catalog instruments, with ``source`` = ``formula``.
        thresholds: ``[thresholds]`` overrides for signals and crises.
        episodes: user ``[[episodes]]`` (validated mappings) scored after the built-ins.
    """
    from datafeed.thesis import measure, user_episodes

    now = utcnow()
    today = collected.store._today()  # type: ignore[operator]
    doc: dict[str, Any] = {
        "triffin": __version__,
        "as_of": now.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "mode": collected.mode,
        "series": series_json(collected.store, today),
    }
    if formulas:
        from datafeed.formulas import evaluate_all, formula_json

        store = collected.store
        values = evaluate_all(formulas, store.all_series())
        status = {i: st.status.value for i, st in store.state.items()}
        for f in formulas:
            status[f.id] = "fresh" if not values[f.id].empty else "missing"
            doc["series"][f.id] = formula_json(f, values[f.id], status)
    doc.update(measure(collected.store, thresholds, user_episodes(episodes)).to_json())
    if extra:
        doc.update(extra)
    if collected.warnings:
        doc["warnings"] = list(collected.warnings)
    return doc
