"""Source health says what the fetch did and how old the data is, apart (issue 14, item 2).

A source can answer every request and still serve values from two years ago; the status
bar must not read ``ok`` as "current". These build a store and the feed's jobs by hand.
"""

from __future__ import annotations

import datetime as dt

from datafeed.catalog import CATALOG
from datafeed.feed import Job
from datafeed.health import source_health
from datafeed.models import Behind, Observation
from datafeed.providers import provider_class
from datafeed.providers.base import Provider, Target
from datafeed.settings import SourceSettings
from datafeed.store import SeriesStore
from tui.status import source_view
from widgets.status_bar import source_text

TODAY = dt.date(2026, 12, 7)
"""A Monday; Treasury's par curve stuck at 2024-06-25 is 895 calendar days old then."""
NOW = dt.datetime.combine(TODAY, dt.time(15, 0), dt.UTC)


def _provider(name: str) -> Provider:
    cls = provider_class(name)
    assert cls is not None
    return cls(SourceSettings.default(name))


def _job(name: str, *ids: str, answered: bool | None) -> Job:
    """A primary job over ``ids``; ``answered`` None: still waiting for its first answer."""
    provider = _provider(name)
    targets = tuple(Target(i, next(r for r in CATALOG[i].sources if r.source == name)) for i in ids)
    job = Job(provider, targets, 900.0, runs=1)
    if answered is not None:
        job.last_duration = 0.2
        if not answered:
            job.failures, job.last_error, job.next_due = 1, "ConnectError: refused", 30.0
    return job


def _sources(*names: str) -> dict[str, SourceSettings]:
    return {n: SourceSettings.default(n) for n in names}


def _store(rows: dict[str, list[tuple[str, float, str]]]) -> SeriesStore:
    store = SeriesStore(today=lambda: TODAY)
    store.apply(Observation(i, dt.date.fromisoformat(d), v, tag) for i, obs in rows.items() for d, v, tag in obs)
    return store


def _health(store: SeriesStore, jobs: list[Job], *names: str) -> dict[str, object]:
    out = source_health(_sources(*names), jobs, store, NOW, 0.0, False, today=TODAY)
    return {h.source: h for h in out}


def test_a_lagging_primary_answers_ok_but_its_data_is_old() -> None:
    """Treasury answers with 2024-06-25 while FRED filled to 2026-12-04: ok, behind, 895d old."""
    store = _store(
        {
            "ust10y": [("2024-06-25", 4.23, "treasury:10 Yr"), ("2026-12-04", 4.61, "fred:DGS10")],
            "ust2y": [("2024-06-25", 4.74, "treasury:2 Yr"), ("2026-12-04", 3.90, "fred:DGS2")],
        }
    )
    store.set_behind("ust10y", Behind("treasury:10 Yr", dt.date(2024, 6, 25), "fred:DGS10"))
    store.set_behind("ust2y", Behind("treasury:2 Yr", dt.date(2024, 6, 25), "fred:DGS2"))
    for i in ("ust10y", "ust2y"):
        store.mark_success(i, "fred:" + {"ust10y": "DGS10", "ust2y": "DGS2"}[i], NOW)
    jobs = [_job("treasury", "ust10y", "ust2y", answered=True), _job("fred", "vix", answered=True)]
    health = _health(store, jobs, "treasury", "fred")
    treasury = health["treasury"]
    assert treasury.state == "ok" and treasury.data_date == dt.date(2024, 6, 25)  # type: ignore[attr-defined]
    assert treasury.series == 2 and treasury.late == 2 and treasury.behind == 2  # type: ignore[attr-defined]
    view = source_view(treasury, TODAY, NOW)  # type: ignore[arg-type]
    assert view.data == "data 895d old" and view.data_late
    assert source_text(view) == "treasury ok (behind) · data 895d old"


def test_an_answering_source_with_current_data_says_how_old_it_is() -> None:
    """FRED's VIX from Friday on a Monday is on time: ``data 3d``, not late."""
    store = _store({"vix": [("2026-12-03", 17.0, "fred:VIXCLS"), ("2026-12-04", 18.0, "fred:VIXCLS")]})
    store.mark_success("vix", "fred:VIXCLS", NOW - dt.timedelta(minutes=2))
    health = _health(store, [_job("fred", "vix", answered=True)], "fred")["fred"]
    assert health.state == "ok" and health.late == 0  # type: ignore[attr-defined]
    assert source_text(source_view(health, TODAY, NOW)) == "fred ok 2m · data 3d"  # type: ignore[arg-type]


def test_some_late_series_are_counted() -> None:
    """One daily series current, one stopped a month ago: ``data 3d · 1 late``."""
    store = _store(
        {
            "vix": [("2026-12-04", 18.0, "fred:VIXCLS")],
            "spx": [("2026-11-02", 6000.0, "fred:SP500")],
        }
    )
    health = _health(store, [_job("fred", "vix", "spx", answered=True)], "fred")["fred"]
    view = source_view(health, TODAY, NOW)  # type: ignore[arg-type]
    assert health.late == 1 and view.data == "data 3d · 1 late" and view.data_late  # type: ignore[attr-defined]


def test_never_ok_before_an_answer() -> None:
    """A source asked but not answered yet is ``connecting…``, with the age of what the cache holds."""
    empty = _health(SeriesStore(today=lambda: TODAY), [_job("fred", "vix", answered=None)], "fred")["fred"]
    assert empty.state == "connecting"  # type: ignore[attr-defined]
    assert source_text(source_view(empty, TODAY, NOW)) == "fred connecting…"  # type: ignore[arg-type]
    cached = _store({"vix": [("2026-12-01", 18.0, "fred:VIXCLS")]})
    held = _health(cached, [_job("fred", "vix", answered=None)], "fred")["fred"]
    assert held.state == "connecting" and held.data_date == dt.date(2026, 12, 1)  # type: ignore[attr-defined]
    assert source_text(source_view(held, TODAY, NOW)).startswith("fred connecting… · data 6d")  # type: ignore[arg-type]


def test_a_source_whose_first_attempt_got_no_answer_says_so() -> None:
    """Issue 18: a server that accepts and never answers read ``connecting…`` for 90 s.

    Its first attempt ends unanswered at twice the timeout (``datafeed.http``); from then
    on, while the job still retries, the source says ``no answer`` with the kept data's age."""
    cached = _store({"vix": [("2026-12-01", 18.0, "fred:VIXCLS")]})
    jobs = [_job("fred", "vix", answered=None)]
    waiting = source_health(_sources("fred"), jobs, cached, NOW, 0.0, False, today=TODAY, answered={})
    assert waiting[0].state == "connecting"  # asked, no attempt over yet
    (silent,) = source_health(_sources("fred"), jobs, cached, NOW, 0.0, False, today=TODAY, answered={"fred": False})
    assert silent.state == "stale" and silent.note == "no answer"
    assert source_text(source_view(silent, TODAY, NOW)) == "fred STALE (no answer) · data 6d old"
    (empty,) = source_health(
        _sources("fred"), jobs, SeriesStore(today=lambda: TODAY), NOW, 0.0, False, today=TODAY, answered={"fred": False}
    )
    assert empty.state == "error" and source_text(source_view(empty, TODAY, NOW)) == "fred ERROR (no answer)"


def test_a_failing_source_keeps_saying_how_old_its_kept_data_is() -> None:
    """Failing with kept data: STALE with the retry, and the data's age after it."""
    store = _store({"vix": [("2026-11-20", 18.0, "fred:VIXCLS")]})
    health = _health(store, [_job("fred", "vix", answered=False)], "fred")["fred"]
    text = source_text(source_view(health, TODAY, NOW))  # type: ignore[arg-type]
    assert health.state == "stale" and text == "fred STALE retry 30s (ConnectError) · data 17d old"  # type: ignore[attr-defined]


def test_the_drill_down_says_the_fetch_and_the_data_apart() -> None:
    """A fetch that worked beside a value 2 years old: ``fetch ok`` and ``data LATE``, never ``fresh``."""
    from tui.presenters import series_stats

    store = _store({"ust10y": [("2024-06-24", 4.25, "treasury:10 Yr"), ("2024-06-25", 4.23, "treasury:10 Yr")]})
    store.mark_success("ust10y", "treasury:10 Yr", NOW)
    stats = {s.label: s.value for s in series_stats(store, "ust10y", "1Y", TODAY, NOW)}
    # 639 weekdays from 2024-06-26 to 2026-12-07, less 28 SIFMA holidays on weekdays.
    assert stats["fetch"] == "ok" and stats["data"] == "LATE · 611 business days old"
    assert "fresh" not in " ".join(stats.values())
    current = _store({"vix": [("2026-12-04", 18.0, "fred:VIXCLS")]})
    current.mark_success("vix", "fred:VIXCLS", NOW)
    stats = {s.label: s.value for s in series_stats(current, "vix", "1Y", TODAY, NOW)}
    assert stats["fetch"] == "ok" and stats["data"] == "current · 1 business day old"


def test_a_failing_source_says_the_reason_not_its_own_name() -> None:
    """QA finding 12: under HTTP 500 the entry read ``fred ERROR retry 2s (fred)``: the
    ``fred: `` prefix of the error was cut at its colon, leaving the name. Now the reason."""
    from tui.status import short_error

    store = _store({"vix": [("2026-11-20", 18.0, "fred:VIXCLS")]})
    job = _job("fred", "vix", answered=False)
    job.last_error = "fred: HTTP 500 Internal Server Error from 127.0.0.1:41234/graph/fredgraph.csv"
    health = _health(store, [job], "fred")["fred"]
    text = source_text(source_view(health, TODAY, NOW))  # type: ignore[arg-type]
    assert text == "fred STALE retry 30s (HTTP 500) · data 17d old"
    assert short_error("fred: HTTP 503 Busy from h/p", source="fred") == "HTTP 503 Busy"
    assert short_error("yahoo: ^GSPC: Not Found: x", source="yahoo") == "^GSPC"  # the source's own words kept
    assert short_error("timed out (no complete answer within 4.4 s) fetching h/p", source="fred") == "timed out"
