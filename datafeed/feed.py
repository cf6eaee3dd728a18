"""Provides the feed: the scheduler that keeps the store refreshed.

Every instrument is fetched from its first enabled source that has a provider (catalog
order is priority order): its history is the primary's. Later sources fill in by recency:

- **behind**: while the primary's newest value is older than its publication lag allows
  (counted in its market's business days), the dates *after* it come from the next enabled
  source of the same frequency, each value keeping its own ``<source>:<series>`` tag; the
  instrument is reported ``behind`` (:class:`~datafeed.models.Behind`) while the primary
  answers. When the primary catches up, its values take those dates over, and within the
  span of each primary answer only the primary's dates stay. A fallback that disagrees with
  the primary on a shared date is logged once; the primary wins.
- **backfill**: history older than the primary holds (Treasury's files are read for a few
  years; FRED's copies go back to 1962) comes once per run from a same-frequency source.
- **empty**: while the store holds nothing for an instrument and its primary fails, the
  first fallback is asked (whatever its frequency: something beats nothing).

A daily source never fills a monthly primary's gaps, nor the other way round, and nothing
moves a series backwards: the store merges, so data older than what is held adds history
and never replaces the newest value. Targets that one request can serve together are
batched (:meth:`Provider.batch_key`).

Each batch is a :class:`Job` with its own cadence (daily series every ``refresh``
seconds, weekly and monthly every 6 h, quarterly and annual once a day, intraday quotes every
``intraday_refresh`` seconds while the market is open). All jobs share one
:class:`~datafeed.http.HttpContext` (one ``httpx.AsyncClient``), run concurrently, and
are held back per source by its gate. A failed job backs off exponentially with jitter
(or as long as ``Retry-After`` says) and the values it had stay, marked ``stale``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from datafeed.cache import DiskCache
from datafeed.catalog import Instrument, SourceRef
from datafeed.errors import FeedError, FetchError, PartialFetch
from datafeed.http import HttpContext
from datafeed.market_calendar import is_late
from datafeed.models import Batch, Behind, Delta, Fetched, utcnow
from datafeed.providers import Provider, Target, load_all
from datafeed.settings import FeedSettings
from datafeed.store import SeriesStore

log = logging.getLogger(__name__)

CADENCE = {"daily": None, "weekly": 6 * 3600.0, "monthly": 6 * 3600.0, "quarterly": 24 * 3600.0, "annual": 24 * 3600.0}
"""Seconds between refreshes by frequency (None = the feed's ``refresh`` setting)."""

MAX_BACKOFF = 30 * 60.0

BACKFILL_RETRY = 15 * 60.0
"""Seconds before a failed history backfill is tried again."""

IDLE_CADENCE = 3 * 3600.0
"""Seconds between refreshes of a daily series that already holds its newest value."""


@dataclass(slots=True)
class Job:
    """One request plan: a provider and the targets one fetch serves.

    Attributes:
        provider: the provider instance.
        targets: instruments served by this fetch.
        cadence: seconds between successful refreshes.
        next_due: ``time.monotonic()`` when the job should run next.
        failures: consecutive failures (drives the backoff).
        last_error: one-line reason of the last failure.
        fallback: True when this job serves instruments whose primary source failed, or
            fills in for it (``backfill_before``, ``fill_after``).
        backfill_before: keep only values dated before this (history the primary lacks).
        fill_after: keep only values dated after this (the primary's newest; ``date.min``
            when the primary has none); a job with both keeps either side.
    """

    provider: Provider
    targets: tuple[Target, ...]
    cadence: float
    next_due: float = 0.0
    failures: int = 0
    last_error: str | None = None
    last_duration: float | None = None
    fallback: bool = False
    runs: int = 0
    backfill_before: dt.date | None = None
    fill_after: dt.date | None = None
    failed_for_good: bool = False
    """The last failure will not pass by itself (an HTTP 4xx, a body not in the format)."""

    @property
    def fills(self) -> bool:
        """True for a job that only fills in for a primary (its status and schedule stand)."""
        return self.backfill_before is not None or self.fill_after is not None

    @property
    def key(self) -> str:
        """``source/batch`` identifier (for logs and the status bar); ``source/series`` for
        one target of a separable source (its batch, ``fredgraph:daily``, names many)."""
        ref = self.targets[0].ref
        if self.provider.separable and len(self.targets) == 1:
            return f"{self.provider.name}/{ref.series}"
        return f"{self.provider.name}/{self.provider.batch_key(ref)}"


@dataclass(slots=True)
class RefreshReport:
    """What one pass over the due jobs did."""

    ok: int = 0
    failed: int = 0
    observations: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    duration: float = 0.0


def _keep_outside(items: list[Fetched], before: dt.date | None, after: dt.date | None) -> list[Fetched]:
    """The values of ``items`` dated before ``before`` or after ``after`` (a fill job keeps
    only the dates the primary does not cover)."""

    def wanted(day: dt.date) -> bool:
        return (before is not None and day < before) or (after is not None and day > after)

    out: list[Fetched] = []
    for item in items:
        if isinstance(item, Batch):
            out.append(item.where([wanted(d) for d in item.dates]))
        elif wanted(item.date):
            out.append(item)
    return out


def _for_good(exc: FeedError) -> bool:
    """True for a failure that asking again the same way will not mend: an HTTP error that
    is not transient (a 4xx), a body not in the format, a provider bug."""
    return not isinstance(exc, FetchError) or not exc.transient


def _merged(jobs: list[Job]) -> list[Job]:
    """Fill jobs of a separable provider that one request serves (same batch, same window:
    the eleven Treasury yields' backfill from FRED) as one job; the others as they are."""
    out: list[Job] = []
    groups: dict[tuple[object, ...], Job] = {}
    for job in jobs:
        if not job.provider.separable:
            out.append(job)
            continue
        key = (
            job.provider.name,
            job.provider.batch_key(job.targets[0].ref),
            job.backfill_before,
            job.fill_after,
            job.fallback,
            job.cadence,
        )
        first = groups.get(key)
        if first is None:
            groups[key] = job
            out.append(job)
        else:
            first.targets += job.targets
    return out


async def _fetch_partial(job: Job, http: HttpContext, since: dt.date, failures: dict[str, FeedError]) -> list[Fetched]:
    """The job's fetch; a :class:`~datafeed.errors.PartialFetch` gives its values, and its
    per-target failures go into ``failures``."""
    try:
        return await job.provider.fetch(http, job.targets, since)
    except PartialFetch as exc:
        failures.update(exc.failures)
        return exc.fetched


def candidate_sources(inst: Instrument, settings: FeedSettings, providers: Mapping[str, Provider]) -> list[SourceRef]:
    """End-of-day sources of ``inst`` that are enabled and implemented, in priority order."""
    out = []
    for ref in inst.sources:
        src = settings.sources.get(ref.source)
        if src is not None and src.enabled and ref.source in providers:
            out.append(ref)
    return out


class Feed:
    """Keeps a :class:`SeriesStore` refreshed from the providers.

    Args:
        store: where observations go.
        settings: feed settings.
        http: the shared HTTP context.
        providers: provider instances by source name (default: every registered provider
            built from ``settings``).
        cache: disk cache to save to after each pass (None: no saving).
        on_change: called with every non-empty :class:`Delta` (and status changes).
        market_open: tells whether intraday quotes are worth asking for now.
        instruments: restrict the feed to these ids (default: the store's catalog).
    """

    def __init__(
        self,
        store: SeriesStore,
        settings: FeedSettings,
        http: HttpContext,
        providers: Mapping[str, Provider] | None = None,
        cache: DiskCache | None = None,
        on_change: Callable[[Delta], None] | None = None,
        market_open: Callable[[dt.datetime], bool] | None = None,
        instruments: Iterable[str] | None = None,
        intraday_refresh: float = 300.0,
    ) -> None:
        self.store = store
        self.settings = settings
        self.http = http
        if providers is None:
            providers = {
                name: cls(settings.sources[name])
                for name, cls in load_all().items()
                if name in settings.sources and settings.sources[name].enabled
            }
        self.providers = dict(providers)
        self.cache = cache
        self.on_change = on_change
        if market_open is None:
            from datafeed.market_calendar import is_open

            market_open = is_open
        self.market_open = market_open
        self.intraday_refresh = intraday_refresh
        self.ids = list(instruments) if instruments is not None else list(store.catalog)
        self.jobs: list[Job] = []
        self.intraday_jobs: list[Job] = []
        self._fallbacks: dict[str, list[SourceRef]] = {}
        self._backfill: dict[str, SourceRef] = {}
        self._gap: dict[str, SourceRef] = {}
        self._primary: dict[str, SourceRef] = {}
        self._disagreed: set[tuple[str, str, str]] = set()
        self._backfilled: set[str] = set()
        self._backfill_after: dict[str, float] = {}
        self._empty_backfills: dict[str, tuple[str, dt.date]] = {}
        """Instrument → (backfill source, the primary's first date) it had nothing before."""
        if self.cache is not None:
            from datafeed.cache import read_backfills

            self._empty_backfills = read_backfills(self.cache.root)
        self._saving: asyncio.Future[None] | None = None
        """The cache save of the last pass, running in a thread after the pass returned."""
        self._wake = asyncio.Event()
        self.paused = False
        self.passes = 0
        self._build_jobs()

    # --------------------------------------------------------------- planning
    def _build_jobs(self) -> None:
        batches: dict[tuple[str, str], list[Target]] = {}
        intraday: dict[tuple[str, str], list[Target]] = {}
        for inst_id in self.ids:
            inst = self.store.catalog[inst_id]
            refs = candidate_sources(inst, self.settings, self.providers)
            if refs:
                primary = refs[0]
                prov = self.providers[primary.source]
                batches.setdefault((primary.source, prov.batch_key(primary)), []).append(Target(inst_id, primary))
                self._fallbacks[inst_id] = refs[1:]
                self._primary[inst_id] = primary
                backfill = self._backfill_source(primary, refs[1:])
                if backfill is not None:
                    self._backfill[inst_id] = backfill
                gap = next((r for r in refs[1:] if r.frequency == primary.frequency), None)
                if gap is not None:
                    self._gap[inst_id] = gap
            ref = inst.intraday
            src = self.settings.sources.get(ref.source) if ref else None
            if ref and src and src.enabled and ref.source in self.providers:
                prov = self.providers[ref.source]
                intraday.setdefault((ref.source, prov.batch_key(ref)), []).append(Target(inst_id, ref))
            if not refs and not (ref and src and src.enabled and ref.source in self.providers):
                self.store.mark_missing(inst_id)
        for (source, _), targets in batches.items():
            freq = targets[0].ref.frequency
            cadence = CADENCE[freq] or max(self.settings.refresh, self.providers[source].min_cadence)
            self.jobs.append(Job(self.providers[source], tuple(targets), cadence))
        for (source, _), targets in intraday.items():
            self.intraday_jobs.append(Job(self.providers[source], tuple(targets), self.intraday_refresh))

    @property
    def all_jobs(self) -> list[Job]:
        """Every job, end-of-day first."""
        return self.jobs + self.intraday_jobs

    # --------------------------------------------------------------- running
    def _since(self, job: Job) -> dt.date:
        """Cold start: the provider's history start; afterwards only recent dates."""
        lasts = []
        for t in job.targets:
            last = self.store.last_official_date(t.instrument, t.ref.source + ":")
            if last is None:
                return job.provider.history_start(t.ref)
            lasts.append(last)
        return job.provider.incremental_start(min(lasts), job.targets[0].ref)

    async def run_job(self, job: Job) -> tuple[Delta | None, str | None]:
        """Run one job now; update store status and the job's schedule."""
        started = time.monotonic()
        job.runs += 1
        since: dt.date | None = None
        failures: dict[str, FeedError] = {}
        try:
            if job.fills:
                fetched = await _fetch_partial(job, self.http, self._fill_since(job), failures)
                self._check_agreement(fetched, primary=False)
                fetched = _keep_outside(fetched, job.backfill_before, job.fill_after)
            else:
                since = self._since(job)
                fetched = await _fetch_partial(job, self.http, since, failures)
                self._check_agreement(fetched, primary=True)
            if failures and all(t.instrument in failures for t in job.targets):
                # nothing of the batch was served: a failure of the job (it backs off), each
                # target keeping its own reason
                first = failures[job.targets[0].instrument]
                if job.fills:
                    return None, self._fill_failed(job, first)
                error = self._failed(job, first, started)
                self._mark_failures(job, failures, job.next_due)
                return None, error
        except FeedError as exc:
            if job.fills:
                return None, self._fill_failed(job, exc)
            return None, self._failed(job, exc, started)
        except Exception as exc:  # a provider bug must not stop the feed
            log.exception("provider %s crashed", job.key)
            if job.fills:
                return None, self._fill_failed(job, FeedError(f"{type(exc).__name__}: {exc}"))
            return None, self._failed(job, FeedError(f"{type(exc).__name__}: {exc}"), started)
        refused_before = {t.instrument: self.store.state[t.instrument].rejected for t in job.targets}
        delta = self.store.apply(fetched)
        if job.fills:
            if job.backfill_before is not None:
                found = {item.instrument for item in fetched if (len(item) if isinstance(item, Batch) else True)}
                for t in job.targets:
                    if t.instrument in failures:  # not "nothing older": asked again later
                        self._backfilled.discard(t.instrument)
                        self._backfill_after[t.instrument] = time.monotonic() + BACKFILL_RETRY
                    elif t.instrument not in found:
                        self._nothing_older(job, t)
            for inst, why in failures.items():
                log.info("fill %s: %s failed alone: %s", job.key, inst, why.message)
            return delta, None  # filling in: the primary's status and schedule stand
        self._supersede(fetched)
        # An intraday quote job answers nothing outside trading hours: that is no failure.
        intraday = job in self.intraday_jobs
        answered = {item.instrument for item in fetched if (len(item) if isinstance(item, Batch) else True)}
        now = utcnow()
        for t in job.targets:
            if t.instrument in failures:
                continue  # marked below with its own reason; no success to record
            self.store.mark_success(t.instrument, t.ref.tag, now)
            state = self.store.state[t.instrument]
            if state.rejected > refused_before[t.instrument] and not self.store.has_data(t.instrument):
                # The source answered but validation refused every value and nothing is held
                # (a chart of ^TNX served for DXY): that is no success, and "fresh" beside no
                # value would hide why. The job's schedule stays that of a success (the
                # answer was well formed; asking sooner would get the same).
                self.store.mark_failure(t.instrument, f"every value refused: {state.rejection}", source=t.ref.tag)
            elif not intraday and t.instrument not in answered and state.rejected == refused_before[t.instrument]:
                missing = self._missing_answer(t, since)
                if missing is not None:
                    self.store.mark_failure(t.instrument, missing, source=t.ref.tag)
        job.failures, job.last_error = 0, None
        if failures:  # the batch answered; these of its targets did not (a delisted symbol)
            self._mark_failures(job, failures, time.monotonic() + self.cadence_after_success(job))
        job.last_duration = time.monotonic() - started
        job.next_due = time.monotonic() + self.cadence_after_success(job)
        return delta, None

    def _mark_failures(self, job: Job, failures: Mapping[str, FeedError], retry_mono: float) -> None:
        """Mark each target of a :class:`~datafeed.errors.PartialFetch` failed with its own reason,
        and its own retry time when the source set one (a symbol it will not ask again so soon)."""
        wait = max(0.0, retry_mono - time.monotonic())
        now = utcnow()
        for t in job.targets:
            exc = failures.get(t.instrument)
            if exc is not None:
                log.info("%s: %s failed alone: %s", job.key, t.instrument, exc.message)
                own = exc.retry_after if isinstance(exc, FetchError) and exc.retry_after is not None else 0.0
                retry_at = now + dt.timedelta(seconds=max(wait, own))
                self.store.mark_failure(t.instrument, exc.message, retry_at, source=t.ref.tag)

    def _missing_answer(self, target: Target, since: dt.date | None) -> str | None:
        """Why an answer that held no value for ``target`` is no success, or None when it is.

        A source that answers well formed but without the target (BoJ serving the FX series
        when TONA was asked for) must not leave "fresh" beside no value. When this source
        holds nothing for the target, the request asked for its whole history and got
        none: an error naming the series (``stale`` when another source's values are
        held). When it holds values, every provider asks again from a little before the
        newest one (``incremental_start``: revisions overlap), so an answer holding none of
        the values it already gave for that window lacks the series: the row says so and
        keeps its values. An empty answer for a window after every held value is just
        "nothing new yet": fresh.
        """
        what = f"{target.ref.source}: the answer has no values for {target.ref.series}"
        last = self.store.last_official_date(target.instrument, target.ref.source + ":")
        if last is None:
            return what
        if since is not None and last >= since:
            return f"{what} (it gave values up to {last.isoformat()} before; asked from {since.isoformat()})"
        return None

    def awaiting_new_value(self, job: Job, today: dt.date | None = None) -> bool:
        """True when a newer value than the one held may have been published by now.

        A daily value for business day N usually appears ``lag_days - 1`` business days
        after N (the same day for Treasury's curve, the next morning for H.15, SOFR, €STR,
        TONA). Until that day begins nothing new can arrive, so polling can slow down.
        """
        from datafeed.market_calendar import business_days_between

        today = today or utcnow().date()
        for t in job.targets:
            if t.ref.frequency != "daily":
                return True
            last = self.store.last_official_date(t.instrument, t.ref.source + ":")
            if last is None:
                return True
            market = job.provider.market
            if business_days_between(last, today, market) >= 1 + max(0, t.ref.lag_days - 1):
                return True
        return False

    def cadence_after_success(self, job: Job) -> float:
        """Seconds until the next refresh: the job's cadence while a new value is due,
        at least ``IDLE_CADENCE`` once every target is up to date (intraday jobs excepted)."""
        if job in self.intraday_jobs or self.awaiting_new_value(job):
            return job.cadence
        return max(job.cadence, IDLE_CADENCE)

    def _fill_since(self, job: Job) -> dt.date:
        """First date a fill job asks for: all history for a backfill; for a gap, a little
        before the newest value held from this source or the primary's newest (the overlap
        is compared with the primary's values, then dropped)."""
        target = job.targets[0]
        provider = job.provider
        if job.backfill_before is not None or job.fill_after is None or job.fill_after == dt.date.min:
            return min(provider.history_start(t.ref) for t in job.targets)
        bases = []
        for t in job.targets:  # a merged gap fill (one request) asks from the earliest need
            held = self.store.last_official_date(t.instrument, t.ref.tag)
            bases.append(max(job.fill_after, held) if held is not None else job.fill_after)
        return provider.incremental_start(min(bases), target.ref)

    def _fill_failed(self, job: Job, exc: FeedError) -> str:
        """A failed fill leaves the primary's status alone; a backfill is tried again later,
        a gap fill with the primary's next refresh."""
        job.failed_for_good = _for_good(exc)
        if job.backfill_before is not None:
            for t in job.targets:
                self._backfilled.discard(t.instrument)
                self._backfill_after[t.instrument] = time.monotonic() + BACKFILL_RETRY
        log.info("fill %s failed: %s", job.key, exc.message)
        return exc.message

    def _check_agreement(self, fetched: list[Fetched], primary: bool) -> None:
        """Log, once per pair of sources, a fallback that disagrees with the primary on
        shared dates (the primary's value is the one kept).

        Args:
            primary: True when ``fetched`` is the primary's answer (compared with values
                held from other sources); False for a fallback's (compared with the
                primary's values held).
        """
        for item in fetched:
            if not isinstance(item, Batch) or not len(item):
                continue
            primary_ref = self._primary.get(item.instrument)
            if primary_ref is None:
                continue
            own = item.source.partition(":")[0]
            held, tags = self.store.official(item.instrument), self.store.sources(item.instrument)
            if held.empty:
                continue
            index = pd.DatetimeIndex(pd.to_datetime(list(item.dates))).astype("datetime64[ns]")
            pos = held.index.get_indexer(index)
            found = pos >= 0
            if not found.any():
                continue
            held_tags = tags.to_numpy()[pos[found]].astype(str)
            prefix = primary_ref.source + ":"
            if primary:
                other = ~np.char.startswith(held_tags, own + ":")
            else:
                other = np.char.startswith(held_tags, prefix)
            if not other.any():
                continue
            mine = np.asarray(item.values, dtype="float64")[found][other]
            theirs = held.to_numpy()[pos[found]][other]
            differ = np.abs(mine - theirs) > 1e-9 * np.maximum(1.0, np.abs(theirs))
            if not differ.any():
                continue
            other_tag = item.source if not primary else str(held_tags[other][differ][0])
            primary_tag = item.source if primary else str(held_tags[other][differ][0])
            key = (item.instrument, primary_tag, other_tag)
            if key in self._disagreed:
                continue
            self._disagreed.add(key)
            first = int(np.flatnonzero(differ)[0])
            day = index[found][other][first].date()
            kept, dropped = (mine[first], theirs[first]) if primary else (theirs[first], mine[first])
            log.warning(
                "%s: %s disagrees with the primary %s on %d shared date(s), e.g. %s: %g vs %g; the primary's is kept",
                item.instrument,
                other_tag,
                primary_tag,
                int(differ.sum()),
                day.isoformat(),
                dropped,
                kept,
            )

    def _supersede(self, fetched: list[Fetched]) -> None:
        """Within the span a primary answered for, its dates are the history (see module)."""
        for item in fetched:
            if isinstance(item, Batch) and len(item):
                source = item.source.partition(":")[0]
                self.store.supersede(item.instrument, source, min(item.dates), max(item.dates))

    def _failed(self, job: Job, exc: FeedError, started: float) -> str:
        job.failed_for_good = _for_good(exc)
        job.failures += 1
        job.last_error = exc.message
        job.last_duration = time.monotonic() - started
        delay = min(MAX_BACKOFF, 15.0 * 2 ** (job.failures - 1)) * random.uniform(0.8, 1.2)
        if isinstance(exc, FetchError) and exc.retry_after:
            delay = max(delay, exc.retry_after)
        job.next_due = time.monotonic() + delay
        retry_at = utcnow() + dt.timedelta(seconds=delay)
        for t in job.targets:
            self.store.mark_failure(t.instrument, exc.message, retry_at, source=t.ref.tag)
        return exc.message

    async def refresh(self, force: bool = False, include_intraday: bool = True) -> RefreshReport:
        """Run every due job (all of them when ``force``) concurrently; one pass.

        The pass ends when its jobs are done: the cache save that follows runs in a thread
        after it returns (:meth:`flush` waits for it). A save still running when the next
        pass begins is waited for first, so the store never changes while it is read.
        """
        await self.flush()
        started = time.monotonic()
        now = time.monotonic()
        jobs = [j for j in self.jobs if force or j.next_due <= now]
        # A forced pass (start-up, ``r``, a snapshot) also asks for quotes when the market
        # is closed: the last quote of the session is still the newest value there is.
        if include_intraday:
            market_open = self.market_open(utcnow())
            # A quote job that never ran asks once even when the market is closed: the
            # session's last quote is still the newest value there is.
            jobs += [j for j in self.intraday_jobs if force or (j.next_due <= now and (market_open or j.runs == 0))]
        report = RefreshReport()
        if not jobs:
            return report
        # Each job's fills and fallbacks start as soon as it finished, not after the slowest
        # job of the pass: a backfill from FRED need not wait for the NY Fed's windows.
        chains = await asyncio.gather(*(self._job_and_fills(j) for j in jobs))
        done = [pair for chain in chains for pair in chain]
        primaries = [(job, result) for job, result in done if not job.fallback]
        # history older than what a primary holds, for instruments no job of this pass served
        late = _merged(self._backfill_jobs())
        if late:
            chains = await asyncio.gather(*(self._run_splitting(j) for j in late))
            done += [pair for chain in chains for pair in chain]
        jobs = [job for job, _ in done]
        results = [result for _, result in done]
        self._report_behind(primaries)
        for job, (delta, error) in zip(jobs, results, strict=True):
            if error is None:
                report.ok += 1
                report.observations += (delta.added + delta.updated) if delta else 0
            else:
                report.failed += 1
                report.errors[job.key] = error
        self.passes += 1
        report.duration = time.monotonic() - started
        if self.cache is not None:
            # Off the pass: 0.1-0.3 s of encoding and writing that neither the screen (the
            # pass's end) nor the event loop waits for. Each file is still written
            # atomically; a process that dies before the save ends keeps the files of the
            # pass before (as a kill during the pass always did).
            self._saving = asyncio.ensure_future(self._save(self.cache))
        return report

    async def _save(self, cache: DiskCache) -> None:
        try:
            # Nothing writes the store meanwhile: only passes do, and the next one waits.
            await asyncio.to_thread(cache.save, self.store)
        except OSError as exc:
            log.warning("could not write the cache: %s", exc)

    async def flush(self) -> None:
        """Wait until the cache save of the last pass (if any) is on disk.

        Shielded: a caller cancelled while waiting (the feed's loop at shutdown) does not
        cancel the save; :meth:`Monitor.aclose <datafeed.monitor.Monitor.aclose>` waits again.
        """
        saving = self._saving
        if saving is None:
            return
        await asyncio.shield(saving)
        if self._saving is saving:
            self._saving = None

    async def _job_and_fills(self, job: Job) -> list[tuple[Job, tuple[Delta | None, str | None]]]:
        """Run one job, then at once what it calls for: gap fills and the run's backfill of
        its instruments, or a fallback when it failed and nothing is held."""
        result = await self._run_and_notify(job)
        if self._splits(job, result):
            assert result[1] is not None
            chains = await asyncio.gather(*(self._job_and_fills(j) for j in self._split(job, result[1])))
            return [pair for chain in chains for pair in chain]
        if job in self.intraday_jobs:
            return [(job, result)]
        instruments = {t.instrument for t in job.targets}
        fill_jobs = self._fill_jobs([job], [result], instruments)
        filled = {t.instrument for j in fill_jobs for t in j.targets}
        follow = _merged(self._fallback_jobs([job], [result], skip=filled) + fill_jobs)
        if not follow:
            return [(job, result)]
        chains = await asyncio.gather(*(self._run_splitting(j) for j in follow))
        return [(job, result), *(pair for chain in chains for pair in chain)]

    @staticmethod
    def _splits(job: Job, result: tuple[Delta | None, str | None]) -> bool:
        """Whether a batch failed for good and its series are to be asked one by one."""
        return result[1] is not None and job.failed_for_good and job.provider.separable and len(job.targets) > 1

    async def _run_splitting(self, job: Job) -> list[tuple[Job, tuple[Delta | None, str | None]]]:
        """Run a fill, fallback or backfill job; a batch of them that failed for good (one
        unknown id answered 404) is asked again series by series, like a primary batch:
        FRED's fill of a lagging Treasury curve must not be lost to one missing tenor."""
        result = await self._run_and_notify(job)
        if not self._splits(job, result):
            return [(job, result)]
        assert result[1] is not None
        chains = await asyncio.gather(*(self._run_splitting(j) for j in self._split(job, result[1])))
        return [pair for chain in chains for pair in chain]

    def _split(self, job: Job, reason: str) -> list[Job]:
        """One job per target of a batch that failed for good (see :attr:`Provider.separable`),
        in its place for the rest of the run; the failed batch's answer is not reported."""
        singles = [
            Job(
                job.provider,
                (t,),
                job.cadence,
                fallback=job.fallback,
                backfill_before=job.backfill_before,
                fill_after=job.fill_after,
            )
            for t in job.targets
        ]
        log.info("%s failed for good (%s): asking its %d series one by one", job.key, reason, len(singles))
        if job in self.jobs:
            at = self.jobs.index(job)
            self.jobs[at : at + 1] = singles
        if job.backfill_before is not None:  # tried again at once, one by one
            for t in job.targets:
                self._backfilled.add(t.instrument)
                self._backfill_after.pop(t.instrument, None)
        return singles

    def _nothing_older(self, job: Job, target: Target) -> None:
        """A backfill found nothing before the primary's first date: remember it (in the
        cache too), so later starts do not ask again until the primary's history changes."""
        assert job.backfill_before is not None
        record = (target.ref.tag, job.backfill_before)
        if self._empty_backfills.get(target.instrument) == record:
            return
        self._empty_backfills[target.instrument] = record
        if self.cache is not None:
            from datafeed.cache import record_backfill

            try:
                record_backfill(self.cache.root, target.instrument, *record)
            except OSError as exc:
                log.warning("could not record the backfill of %s: %s", target.instrument, exc)

    def _backfill_source(self, primary: SourceRef, rest: list[SourceRef]) -> SourceRef | None:
        """A same-frequency later source that reaches further back than the primary.

        Why: Treasury's par-curve files are fetched for a few recent years only, while the
        crisis scorecard needs 2008 onwards; FRED's DGS series are the same Treasury yields
        back to 1962. A fallback of another frequency (monthly OECD Bund) is never used.
        """
        if self.providers[primary.source].starts_at_inception(primary):
            return None  # nothing older exists anywhere (SOFR, €STR)
        first = self.providers[primary.source].history_start(primary)
        for ref in rest:
            if ref.frequency == primary.frequency and self.providers[ref.source].history_start(ref) < first:
                return ref
        return None

    def _primary_lags(self, inst_id: str, ref: SourceRef, today: dt.date) -> tuple[bool, dt.date | None]:
        """(lags, newest): whether the primary's newest value is older than its publication
        lag allows (or it has none), and that newest date."""
        last = self.store.last_official_date(inst_id, ref.source + ":")
        if last is None:
            return True, None
        return is_late(last, today, ref.lag_days, self.providers[ref.source].market), last

    def _fill_jobs(
        self, jobs: list[Job], results: list[tuple[Delta | None, str | None]], instruments: set[str] | None = None
    ) -> list[Job]:
        """Fill-in jobs after ``jobs`` ran: gaps after a lagging primary's newest value (every
        pass it lags) and history older than the primary holds (once per run; of
        ``instruments`` only, when given), one request per instrument and source when both
        are due."""
        today = self.store.today()
        gaps: dict[str, dt.date] = {}
        for job, _ in zip(jobs, results, strict=True):
            if job.fallback or job in self.intraday_jobs:
                continue
            for t in job.targets:
                if t.instrument not in self._gap:
                    continue
                lags, last = self._primary_lags(t.instrument, t.ref, today)
                if lags and (last is not None or self.store.has_data(t.instrument) or job.failures == 0):
                    gaps[t.instrument] = last or dt.date.min
        backfills = {j.targets[0].instrument: j for j in self._backfill_jobs(instruments)}
        out: list[Job] = []
        for inst_id, after in gaps.items():
            ref = self._gap[inst_id]
            backfill = backfills.get(inst_id)
            if backfill is not None and backfill.targets[0].ref == ref:
                del backfills[inst_id]
                job = backfill
            else:
                job = Job(self.providers[ref.source], (Target(inst_id, ref),), 0.0, fallback=True)
            job.fill_after = after
            out.append(job)
        return out + list(backfills.values())

    def _report_behind(self, primaries: list[tuple[Job, tuple[Delta | None, str | None]]]) -> None:
        """Mark instruments whose primary answered but lags while another source is newer."""
        today = self.store.today()
        for job, (_, error) in primaries:
            if job.fallback or job in self.intraday_jobs:
                continue
            for t in job.targets:
                behind = None
                newest = self.store.last_official(t.instrument)
                if error is None and newest is not None and not newest[1].startswith(t.ref.source + ":"):
                    lags, last = self._primary_lags(t.instrument, t.ref, today)
                    if lags and (last is None or newest[0] > last):
                        behind = Behind(t.ref.tag, last, newest[1])
                self.store.set_behind(t.instrument, behind)

    def _backfill_jobs(self, instruments: set[str] | None = None) -> list[Job]:
        """Once per run: history older than the primary holds, from the backfill source
        (of ``instruments`` only, when given)."""
        out: list[Job] = []
        for inst_id, ref in self._backfill.items():
            if instruments is not None and inst_id not in instruments:
                continue
            if inst_id in self._backfilled or self._backfill_after.get(inst_id, 0.0) > time.monotonic():
                continue
            official = self.store.official(inst_id)
            if official.empty:
                continue  # the primary has not answered yet; try after a later pass
            self._backfilled.add(inst_id)
            if self._empty_backfills.get(inst_id) == (ref.tag, official.index[0].date()):
                continue  # asked on an earlier run: the backfill source has nothing older
            provider = self.providers[ref.source]
            start = provider.history_start(ref)
            if official.index[0].date() <= start + dt.timedelta(days=31):
                continue  # already held (from the cache)
            job = Job(provider, (Target(inst_id, ref),), 0.0, fallback=True)
            job.backfill_before = official.index[0].date()
            out.append(job)
        return out

    def _fallback_jobs(
        self, jobs: list[Job], results: list[tuple[Delta | None, str | None]], skip: Set[str] = frozenset()
    ) -> list[Job]:
        """Jobs for instruments whose primary failed and that hold no data at all (and that
        no fill job serves already)."""
        out: list[Job] = []
        for job, (_, error) in zip(jobs, results, strict=True):
            if error is None or job.fallback:
                continue
            for t in job.targets:
                refs = self._fallbacks.get(t.instrument) or []
                if self.store.has_data(t.instrument) or not refs or t.instrument in skip:
                    continue
                ref = refs[0]
                out.append(Job(self.providers[ref.source], (Target(t.instrument, ref),), job.cadence, fallback=True))
        return out

    async def _run_and_notify(self, job: Job) -> tuple[Delta | None, str | None]:
        delta, error = await self.run_job(job)
        if self.on_change is not None:
            self.on_change(delta if delta is not None else Delta(self.store.version))
        return delta, error

    def next_due_in(self) -> float:
        """Seconds until the next job is due (0 when one is overdue)."""
        dues = [j.next_due for j in self.jobs]
        if self.market_open(utcnow()):
            dues += [j.next_due for j in self.intraday_jobs]
        if not dues:
            return 3600.0
        return max(0.0, min(dues) - time.monotonic())

    def pause(self, paused: bool) -> None:
        """Stop (or resume) refreshing; resuming wakes the loop at once."""
        self.paused = paused
        if not paused:
            self._wake.set()

    def request_refresh(self) -> None:
        """Make every job due now and wake the loop (the ``r`` key)."""
        for job in self.all_jobs:
            job.next_due = 0.0
        self._wake.set()

    async def run_forever(self, on_pass: Callable[[RefreshReport], None] | None = None) -> None:
        """Refresh due jobs, then sleep until the next is due or a refresh is requested.

        Args:
            on_pass: called after every pass that ran at least one job.
        """
        while True:
            if not self.paused:
                report = await self.refresh()
                if on_pass is not None and (report.ok or report.failed):
                    on_pass(report)
            self._wake.clear()
            wait = 3600.0 if self.paused else max(0.5, self.next_due_in())
            try:
                # Not asyncio.wait_for: on Python 3.11 it swallows a cancel that arrives
                # as the wake event is set ('r' then 'q'), and the loop would run on.
                async with asyncio.timeout(wait):
                    await self._wake.wait()
            except TimeoutError:
                pass
