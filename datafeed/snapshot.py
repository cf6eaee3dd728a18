"""Provides ``triffin snapshot``'s headless pipeline and its JSON document.

The pipeline: a :class:`~datafeed.monitor.Monitor` loads the disk cache (or the demo
history), then (unless ``--offline`` or ``--demo``) runs one concurrent refresh of every
instrument bounded by ``--timeout`` in total, then the document is built. Other tools read
this document, so its keys are a contract (README.md, *Command line*); more keys may be
added, none may change meaning. The Monitor's part is described in docs/architecture.md.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from datafeed import __version__
from datafeed.catalog import Instrument
from datafeed.demand.auction_feed import AuctionReport, AuctionStatus
from datafeed.demand.book import AuctionBook
from datafeed.feed import RefreshReport
from datafeed.labels import demo_notice
from datafeed.market_calendar import instrument_is_late
from datafeed.models import Status, utcnow
from datafeed.monitor import Monitor
from datafeed.store import SeriesStore
from datafeed.updates import V

LAST_ATTEMPT_GRACE = 0.25
"""Seconds at the end of the snapshot budget in which no HTTP attempt starts (see :func:`collect`)."""


def is_late(inst_id: str | Instrument, last: dt.date, today: dt.date, source_tag: str | None = None) -> bool:
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
            "late": instrument_is_late(inst, latest.date, today, latest.source, store.leg_facts(inst_id))
            if latest
            else False,
            "error": st.last_error,
        }
        if latest is not None:
            entry["intraday"] = latest.intraday
            if latest.time is not None:
                entry["time"] = latest.time.isoformat(timespec="seconds")
            if latest.previous is not None:
                diff = latest.value - latest.previous
                if inst.change == "bp":
                    entry["change"] = round(diff * inst.bp_scale, 2)
                elif inst.change in ("%",) and latest.previous:
                    entry["change"] = round(100.0 * diff / latest.previous, 4)
                else:
                    entry["change"] = round(diff, 4)
                entry["change_unit"] = inst.change
                # What the change spans: the frequency of the source that served the value
                # (bund10y from FRED's monthly fallback changes over a month, not a day); for
                # a spread, its coarsest leg's (UST−Bund with that Bund leg: 1M).
                entry["change_horizon"] = latest.horizon
        if st.last_success is not None:
            entry["last_success"] = st.last_success.isoformat(timespec="seconds")
        # Provenance (docs/contract.md, ``behind`` and ``sources``): a primary that answers but lags, who filled the gap,
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
        if st.rejection is not None:  # why: a fetch that "succeeded" with every value refused says so
            entry["rejected_reason"] = st.rejection
        if st.last_error is not None and st.error_source is not None:
            entry["error_source"] = st.error_source  # who failed (``source`` is who served the data held)
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
    empty: bool = False
    """Offline with nothing held: every series is ``missing`` (exit code 1, not a quiet 0)."""
    book: AuctionBook | None = None
    """The auction records held (live runs; None in demo)."""
    auction_state: AuctionStatus | None = None
    """How the auction book's refresh went (None: no auction source asked)."""
    auction_report: AuctionReport | None = None

    @property
    def failed(self) -> bool:
        """True when some source failed, or ``--offline`` found nothing held (exit code 1)."""
        if self.timed_out or self.empty:
            return True
        if self.auction_report is not None and self.auction_report.error is not None:
            return True
        return bool(self.report and self.report.failed)


async def collect(monitor: Monitor[V], *, offline: bool = False, timeout: float = 20.0) -> Collected:
    """Fill the monitor's store for a snapshot, never taking longer than ``timeout`` in total.

    The monitor (built by ``tui.session.build_monitor``) loads the cache or the demo
    history; unless ``offline`` or demo, one forced pass over every source follows, and one
    refresh of the auction book beside it (same budget). It is closed on return.
    """
    try:
        monitor.start(follow=False)
        store = await monitor.loaded()
        if monitor.options.run == "demo":
            await monitor.settled()  # the demo's synthetic auctions are built after its history
            return Collected(store, "demo", book=monitor.book)
        if offline:
            result = Collected(store, "offline", warnings=list(monitor.warnings), book=monitor.book)
            for inst_id in store.catalog:
                if not store.has_data(inst_id) and store.state[inst_id].last_error is None:
                    store.mark_missing(inst_id, "nothing held in the cache (--offline asks no source)")
            result.empty = not any(store.has_data(i) for i in store.catalog)
            return result
        result = Collected(store, "live", warnings=list(monitor.warnings), book=monitor.book)
        # Leave a margin for building and printing the document.
        budget = max(0.1, timeout - 0.3)
        assert monitor.http is not None and monitor.feed is not None
        # No new attempt starts in the budget's last moments, so a source that keeps failing
        # ends with its own error (HTTP 500 ...) rather than being cut off as "no answer".
        monitor.http.deadline = time.monotonic() + max(0.05, budget - LAST_ATTEMPT_GRACE)
        ends = time.monotonic() + budget
        # Who answered is read off the store: a pass cut off by the budget has no report.
        before = {i: store.state[i].last_success for i in store.catalog}
        auctions = asyncio.ensure_future(monitor.refresh_auctions_once())
        try:
            result.report = await asyncio.wait_for(monitor.refresh_once(), timeout=budget)
        except TimeoutError:
            result.timed_out = True
            for job in monitor.feed.all_jobs:
                for t in job.targets:
                    st = store.state[t.instrument]
                    if st.last_attempt is None or st.status is Status.MISSING:
                        store.mark_failure(t.instrument, f"no answer within --timeout {timeout:g} s", source=t.ref.tag)
            if monitor.cache is not None:
                try:
                    await monitor.feed.flush()  # the pass's own save may be running: one writer at a time
                    monitor.cache.save(store)
                except OSError:
                    pass
        try:
            result.auction_report = await asyncio.wait_for(auctions, timeout=max(0.05, ends - time.monotonic()))
        except TimeoutError:
            result.auction_report = AuctionReport(None, None, f"no answer within --timeout {timeout:g} s")
            if monitor.auction_feed is not None and monitor.book is not None:
                state = monitor.auction_feed.state
                state.last_error = result.auction_report.error
                state.status = Status.STALE if len(monitor.book) else Status.ERROR
        feed = monitor.auction_feed
        result.auction_state = feed.state if feed is not None and feed.enabled else None
        if result.report is not None and result.report.ok == 0 and result.report.failed:
            result.mode = "offline"
        elif result.timed_out and all(store.state[i].last_success == t for i, t in before.items()):
            result.mode = "offline"  # no answer within --timeout is no answer: the values are all kept data
        return result
    finally:
        await monitor.aclose()


def exhibits_json(store: SeriesStore) -> list[dict[str, Any]]:
    """The ``exhibits`` list: the seed's ten exhibits read on the store, in the note's order.

    Each entry has ``id``, ``number``, ``title``, ``claim``, ``section``, ``reading`` (the
    one-line reading now), ``verdict`` (``consistent`` / ``not consistent`` / ``n/a``),
    ``as_of`` (ISO date or null), ``sources`` and ``missing`` (``input`` and ``why``).
    """
    from datafeed.exhibits import to_json
    from datafeed.exhibits_store import assemble_store

    return [to_json(spec, result) for spec, result in assemble_store(store)]


def build_document(
    collected: Collected,
    extra: dict[str, Any] | None = None,
    formulas: Sequence[Any] = (),
    *,
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
    episodes: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The ``snapshot --format json`` document: series, then signals, regime, crises and exhibits.

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
    today = collected.store._today()
    doc: dict[str, Any] = {
        "triffin": __version__,
        "as_of": now.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "mode": collected.mode,
    }
    if notice := demo_notice(collected.mode):
        doc["notice"] = notice  # next to "mode", at the top, where a person reading the file looks
    doc["series"] = series_json(collected.store, today)
    if formulas:
        from datafeed.formulas import evaluate_all, formula_json

        store = collected.store
        values = evaluate_all(formulas, store.all_series())
        status = {i: st.status.value for i, st in store.state.items()}
        for f in formulas:
            status[f.id] = "fresh" if not values[f.id].empty else "missing"
            doc["series"][f.id] = formula_json(f, values[f.id], status)
    doc.update(measure(collected.store, thresholds, user_episodes(episodes), book=collected.book).to_json())
    doc["exhibits"] = exhibits_json(collected.store)
    from datafeed.demand.report import auctions_json, holders_json

    doc["auctions"] = auctions_json(collected.book, collected.auction_state, today)
    doc["holders"] = holders_json(collected.store, today)
    if extra:
        doc.update(extra)
    if collected.warnings:
        doc["warnings"] = list(collected.warnings)
    return doc
