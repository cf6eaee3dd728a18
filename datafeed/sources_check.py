"""Provides the health check behind ``triffin sources``.

For every configured source it asks for one representative series — the first catalog
instrument that lists the source, over its last few weeks — through the same provider and
HTTP context the feed uses, so the check exercises the real URL, parser, rate limit and
timeouts. It records whether the source answered, how long the whole fetch took (gate
waits and retries included) and the newest observation date. Sources run concurrently;
each one's own politeness gate still spaces its requests.

Only the data layer is here; the CLI table around it lives in ``tui``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from datafeed.catalog import INSTRUMENTS, Instrument, SourceRef
from datafeed.errors import FeedError, PartialFetch, clean_message
from datafeed.http import HttpContext
from datafeed.models import count_values, newest_date
from datafeed.providers.base import Provider, Target
from datafeed.settings import FeedSettings, SourceSettings

LOOKBACK_DAYS: dict[str, int] = {"daily": 30, "weekly": 60, "monthly": 120, "quarterly": 400, "annual": 1200}
"""How far back the check looks, by the series' frequency (so a monthly series has data)."""


@dataclass(frozen=True, slots=True)
class SourceCheck:
    """The outcome of checking one source.

    Attributes:
        source: the source name (``fred``).
        enabled: whether the source is switched on in config.
        ok: True when it answered (or was not checked: disabled, no provider, unused).
        latency_ms: wall time of the check's fetch in milliseconds; None if not fetched.
        last_date: newest observation date in the answer; None if none.
        detail: one line: the series checked and the count, or the redacted error.
    """

    source: str
    enabled: bool
    ok: bool
    latency_ms: float | None
    last_date: dt.date | None
    detail: str


def representative(source: str, instruments: tuple[Instrument, ...] = INSTRUMENTS) -> Target | None:
    """The first catalog instrument using ``source`` (end-of-day first, then intraday)."""
    for instrument in instruments:
        for ref in instrument.sources:
            if ref.source == source:
                return Target(instrument.id, ref)
    for instrument in instruments:
        if instrument.intraday is not None and instrument.intraday.source == source:
            return Target(instrument.id, instrument.intraday)
    return None


def quote_companions(
    provider: Provider, target: Target, instruments: tuple[Instrument, ...] = INSTRUMENTS
) -> list[Target]:
    """The other intraday quotes the feed asks in the same request as ``target`` (its
    :meth:`~datafeed.providers.base.Provider.batch_key`), so the check sends the request the
    feed sends: Yahoo's spark request for every quote symbol, not one symbol's chart request.
    End-of-day sources keep their one representative series."""
    if not any(i.id == target.instrument and i.intraday == target.ref for i in instruments):
        return []  # an end-of-day series
    key = provider.batch_key(target.ref)
    return [
        Target(i.id, i.intraday)
        for i in instruments
        if i.intraday is not None
        and i.intraday.source == target.ref.source
        and i.id != target.instrument
        and provider.batch_key(i.intraday) == key
    ]


async def check_source(
    settings: SourceSettings,
    http: HttpContext,
    provider_cls: type[Provider],
    target: Target,
    today: dt.date | None = None,
    companions: Sequence[Target] = (),
) -> SourceCheck:
    """Fetch ``target`` (with ``companions``, the targets the feed asks with it) from one
    source and report how it went (never raises)."""
    ref: SourceRef = target.ref
    today = today or dt.date.today()
    since = today - dt.timedelta(days=LOOKBACK_DAYS.get(ref.frequency, 30))
    started = time.perf_counter()
    what = f"{ref.tag} (+{len(companions)} asked with it)" if companions else ref.tag
    failed = ""
    try:
        provider = provider_cls(settings)
        fetched = await provider.fetch(http, [target, *companions], since)
    except PartialFetch as exc:
        # the batch answered; some of its symbols did not (a delisted companion)
        if target.instrument in exc.failures:
            return SourceCheck(
                settings.name, True, False, _ms(started), None, f"{what}: {exc.failures[target.instrument].message}"
            )
        fetched = exc.fetched
        asked = 1 + len(companions)
        first = next(iter(exc.failures.values()))
        failed = f"; {len(exc.failures)} of {asked} failed: {first.message}"
    except FeedError as exc:
        return SourceCheck(settings.name, True, False, _ms(started), None, f"{what}: {exc.message}")
    except Exception as exc:  # a provider bug must not hide the other sources
        text = clean_message(f"{type(exc).__name__}: {exc}")[:200]
        return SourceCheck(settings.name, True, False, _ms(started), None, f"{ref.tag}: unexpected {text}")
    latency = _ms(started)
    count = count_values(fetched)
    if not count:
        detail = f"{what}: answered, no data since {since.isoformat()}{failed}"
        return SourceCheck(settings.name, True, True, latency, None, detail)
    return SourceCheck(settings.name, True, True, latency, newest_date(fetched), f"{what}: {count} obs{failed}")


async def check_sources(
    feed_settings: FeedSettings,
    http: HttpContext,
    providers: Mapping[str, type[Provider]],
    *,
    today: dt.date | None = None,
    instruments: tuple[Instrument, ...] = INSTRUMENTS,
) -> list[SourceCheck]:
    """Check every configured source, in config order.

    Args:
        feed_settings: the sources to check (``enabled`` respected).
        http: the shared HTTP context (its deadline bounds the whole check).
        providers: provider classes by source name (``datafeed.providers.load_all()``).
        today: the date the look-back is counted from (tests pin it).
        instruments: the catalog to pick representative series from.

    Returns:
        One :class:`SourceCheck` per source. Disabled sources are ``ok`` with detail
        ``disabled``; an enabled source without a provider or without any catalog
        instrument is ``ok`` and says it was skipped, since nothing was asked of it.
    """
    results: dict[str, SourceCheck] = {}
    jobs: dict[str, asyncio.Task[SourceCheck]] = {}
    async with asyncio.TaskGroup() as group:
        for name, settings in feed_settings.sources.items():
            if not settings.enabled:
                results[name] = SourceCheck(name, False, True, None, None, "disabled")
                continue
            provider_cls = providers.get(name)
            if provider_cls is None:
                results[name] = SourceCheck(name, True, True, None, None, "skipped: no provider for this source")
                continue
            target = representative(name, instruments)
            if target is None:
                results[name] = SourceCheck(name, True, True, None, None, "skipped: no instrument uses this source")
                continue
            companions = quote_companions(provider_cls(settings), target, instruments)
            jobs[name] = group.create_task(check_source(settings, http, provider_cls, target, today, companions))
    for name, job in jobs.items():
        results[name] = job.result()
    return [results[name] for name in feed_settings.sources]


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 1)
