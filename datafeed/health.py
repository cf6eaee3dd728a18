"""Provides :class:`SourceHealth` and :func:`source_health`: how each data source is doing, typed.

Why typed and here: the status bar, ``triffin watch`` and tests all want the same answer
to "is FRED answering, how old is what we hold from it, when is the next retry", and the
answer is computed from the feed's jobs and the store, which live in ``datafeed``. The UI
only formats the numbers (``2m``, ``45s``). No pandas, no clock of its own: ``now`` and
the monotonic time are passed in. See docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple, TypedDict

from datafeed.records import record

if TYPE_CHECKING:
    from datafeed.feed import Job
    from datafeed.settings import SourceSettings
    from datafeed.store import SeriesStore

HealthState = Literal["connecting", "ok", "stale", "error", "off"]
"""``connecting`` asked, no answer yet (never ``ok`` before an answer); ``ok`` answering;
``stale`` failing with kept data; ``error`` failing with nothing kept; ``off``. A source
whose first attempt timed out while its job still retries is ``stale``/``error`` with the
note ``no answer``."""


@record
class SourceHealth:
    """One data source's health: what its last fetch did, and how old its data is.

    The two are kept apart on purpose: a source can answer every request (``ok``) and
    still serve values from two years ago (Treasury's par curve stuck in June 2024). Who
    reads ``state`` alone learns about the fetch; ``data_date`` and ``late`` say whether
    the numbers are current.

    Attributes:
        source: source name (``fred``, ``treasury``, ``demo`` ...).
        state: see :data:`HealthState`.
        age: seconds since the newest data held from this source was fetched (None: none).
        retry_in: seconds until a failing source is tried again (None: not scheduled).
        note: a short remark (``market closed``, ``1/3 failing``, ``behind``, ``paused``).
        error: the last error of a failing source (already redacted by the feed).
        data_date: date of the newest official observation held from this source (None: none).
        data_time: time of the newest intraday quote held from it (quote-only sources).
        series: instruments this source is asked for that hold data from it.
        late: of those, how many are older than the source's usual publication lag.
        behind: instruments for which it answers but lags while another source fills in.
    """

    source: str
    state: HealthState
    age: float | None = None
    retry_in: float | None = None
    note: str = ""
    error: str = ""
    data_date: dt.date | None = None
    data_time: dt.datetime | None = None
    series: int = 0
    late: int = 0
    behind: int = 0


class _DataAge(NamedTuple):
    """How old the data held from one source is (see :func:`_data_age`); a named tuple, as
    defining a dataclass costs ~0.6 ms in front of the first frame (issue 20)."""

    date: dt.date | None = None
    time: dt.datetime | None = None
    series: int = 0
    late: int = 0
    behind: int = 0


class _Held(TypedDict):
    """The data-age fields of :class:`SourceHealth`, passed as one keyword group."""

    data_date: dt.date | None
    data_time: dt.datetime | None
    series: int
    late: int
    behind: int


def _data_age(
    name: str, mine: Sequence[Job], intraday_jobs: Sequence[Job], store: SeriesStore, today: dt.date
) -> _DataAge:
    """The newest date held from source ``name`` over its jobs' instruments, and how many are late.

    Lateness is per instrument, by its own publication lag and its source's market
    (:func:`datafeed.market_calendar.is_late`): a monthly FRED series a month old is on
    time, a daily one is not.
    """
    from datafeed.market_calendar import is_late

    prefix = name + ":"
    dates: list[dt.date] = []
    times: list[dt.datetime] = []
    late = behind = 0
    for job in mine:
        quotes = any(job is k for k in intraday_jobs)
        for t in job.targets:
            if quotes:
                quote = store.intraday_quote(t.instrument)
                if quote is not None and quote.time is not None and quote.source.startswith(prefix):
                    times.append(quote.time)
                continue
            st = store.state[t.instrument]
            if st.behind is not None and st.behind.source.startswith(prefix):
                behind += 1
                last = st.behind.last  # the primary's own newest date, without a pass over every tag
            else:
                last = store.last_official_date(t.instrument, prefix)
            if last is None:
                continue
            dates.append(last)
            if is_late(last, today, t.ref.lag_days, job.provider.market):
                late += 1
    return _DataAge(max(dates, default=None), max(times, default=None), len(dates) + len(times), late, behind)


def source_health(
    sources: Mapping[str, SourceSettings],
    jobs: Sequence[Job],
    store: SeriesStore,
    now: dt.datetime,
    monotonic_now: float,
    market_open: bool,
    intraday_jobs: Sequence[Job] = (),
    today: dt.date | None = None,
    answered: Mapping[str, bool] | None = None,
) -> list[SourceHealth]:
    """Per-source health from the feed's jobs: what the fetch did, and how old the data is.

    A source is ``connecting`` until one of its jobs has finished (never ``ok`` before an
    answer), then ``ok`` / ``stale`` / ``error``; ``off`` when disabled or unused.

    Args:
        sources: source name → settings (``enabled``), in display order.
        jobs: the feed's jobs (``provider.name``, ``failures``, ``runs``, ``next_due``,
            ``last_error``, ``targets``, ``last_duration``).
        store: the live store (for last-success times and kept data).
        now: wall clock (UTC).
        monotonic_now: ``time.monotonic()`` (the clock of ``next_due``).
        market_open: whether intraday jobs run now.
        intraday_jobs: those of ``jobs`` that fetch intraday quotes (market hours only).
        today: the date data ages and lateness are counted to (default ``now``'s date).
        answered: per source, whether its latest HTTP attempt was answered
            (``HttpContext.answered``): a source asked but not yet done whose latest
            attempt got no answer is ``stale`` (or ``error`` with nothing kept) with the note
            ``no answer``, not ``connecting`` (a silent server read ``connecting`` for 90 s).
    """
    today = today or now.date()
    out: list[SourceHealth] = []
    for name, settings in sources.items():
        if not settings.enabled:
            out.append(SourceHealth(name, "off"))
            continue
        mine = [j for j in jobs if j.provider.name == name]
        if not mine:
            out.append(SourceHealth(name, "off", note="unused"))
            continue
        targets = [t.instrument for j in mine for t in j.targets]
        successes = [
            when
            for i in targets
            if (when := store.state[i].last_success) is not None
            and (store.state[i].source or "").startswith(name + ":")
        ]
        age = (now - max(successes)).total_seconds() if successes else None
        data = _data_age(name, mine, intraday_jobs, store, today)
        held: _Held = {
            "data_date": data.date,
            "data_time": data.time,
            "series": data.series,
            "late": data.late,
            "behind": data.behind,
        }
        failing = [j for j in mine if j.failures > 0]
        intraday_only = all(any(j is k for k in intraday_jobs) for j in mine)
        # A job counts once it finished (runs is bumped when it starts).
        answering = [j for j in mine if j.failures == 0 and j.last_duration is not None]
        if failing:
            retry = min(j.next_due for j in failing) - monotonic_now
            error = failing[0].last_error or "failed"
            if answering:  # the source answers; some of its series do not (e.g. a 404)
                note = f"{len(failing)}/{len(mine)} failing"
                out.append(SourceHealth(name, "ok", age, retry, note, error, **held))
                continue
            has_data = any(store.has_data(t.instrument) for j in failing for t in j.targets)
            out.append(SourceHealth(name, "stale" if has_data else "error", age, retry, error=error, **held))
        elif not answering:
            if intraday_only and not market_open:
                out.append(SourceHealth(name, "off", note="market closed", **held))
            elif answered is not None and answered.get(name) is False:
                has_data = any(store.has_data(t.instrument) for j in mine for t in j.targets)
                out.append(
                    SourceHealth(
                        name, "stale" if has_data else "error", age, note="no answer", error="no answer yet", **held
                    )
                )
            else:
                out.append(SourceHealth(name, "connecting", age, **held))
        else:
            out.append(_answered(name, targets, store, age, "behind" if data.behind else "", held))
    return out


def _answered(
    name: str, targets: list[str], store: SeriesStore, age: float | None, note: str, held: _Held
) -> SourceHealth:
    """Health of a source whose every job succeeded, honest about series it did not give.

    A job succeeds when the source answers well formed; the feed then marks a target the
    answer held no value for (or whose every value was refused) as failing from this
    source. "ok" alone beside such a row would hide it (BoJ serving the FX series for
    TONA read "boj ok"): when every target fails so, the source reads ``stale``/``error``
    with the first reason; when some do, ``ok`` with ``k/n failing`` and the reason.
    """
    failing = [
        st
        for i in dict.fromkeys(targets)
        if (st := store.state[i]).last_error is not None and (st.error_source or "").startswith(name + ":")
    ]
    if not failing:
        return SourceHealth(name, "ok", age, note=note, **held)
    error = failing[0].last_error or "failed"
    total = len(dict.fromkeys(targets))
    if len(failing) < total:
        return SourceHealth(name, "ok", age, note=f"{len(failing)}/{total} failing", error=error, **held)
    has_data = any(store.has_data(i) for i in targets)
    return SourceHealth(name, "stale" if has_data else "error", age, error=error, **held)
