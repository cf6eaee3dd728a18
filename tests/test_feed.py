"""The feed scheduler against a real HTTP server on 127.0.0.1 speaking FRED's keyless CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from datafeed.cache import DiskCache
from datafeed.feed import Feed
from datafeed.http import HttpContext
from datafeed.models import Status
from datafeed.providers.fred import FredProvider
from datafeed.settings import FeedSettings, SourceSettings
from datafeed.store import SeriesStore
from tests.fredgraph import fredgraph_body

TODAY = dt.date(2026, 11, 26)

SERIES = {
    "DGS10": [("2026-11-18", "4.10"), ("2026-11-19", ""), ("2026-11-20", "4.12")],
    "DGS2": [("2026-11-18", "3.50"), ("2026-11-20", "3.52")],
    "VIXCLS": [("2026-11-18", "17.1"), ("2026-11-20", "18.4")],
}


class FredStandIn:
    """A tiny FRED keyless endpoint with a request log and switchable faults."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self.fail: set[str] = set()

    def __call__(self, request: Request) -> Response:
        sid, cosd = request.args.get("id", ""), request.args.get("cosd", "")
        self.requests.append({"id": sid, "cosd": cosd})
        if self.fail & set(sid.split(",")):
            return Response("busy", status=503)
        body = fredgraph_body(
            sid, lambda code: [(d, v) for d, v in SERIES[code] if d >= cosd] if code in SERIES else None
        )
        if body is None:
            return Response("Not Found", status=404)
        return Response(body, content_type="text/csv")


def make_feed(
    server: HTTPServer, store: SeriesStore, ids: list[str], cache: DiskCache | None = None, batch: bool = True
) -> tuple[Feed, HttpContext]:
    fred = SourceSettings.default("fred", base_url=server.url_for("/").rstrip("/"), extra={"batch": batch})
    settings = FeedSettings(sources={"fred": fred}, retries=1)
    http = HttpContext(settings)
    feed = Feed(store, settings, http, providers={"fred": FredProvider(fred)}, cache=cache, instruments=ids)
    return feed, http


async def test_cold_then_incremental_refresh(httpserver: HTTPServer, tmp_path: Path) -> None:
    stand_in = FredStandIn()
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(stand_in)
    store = SeriesStore(today=lambda: TODAY)
    changes = []
    feed, http = make_feed(httpserver, store, ["ust10y", "ust2y", "vix"], DiskCache(tmp_path))
    feed.on_change = changes.append
    report = await feed.refresh(force=True)
    assert report.ok == 1 and report.failed == 0  # one job: the three daily series in one request
    assert {r["cosd"] for r in stand_in.requests} == {"1999-01-01"}
    assert store.latest("ust10y").value == 4.12 and store.latest("ust10y").source == "fred:DGS10"  # type: ignore[union-attr]
    assert store.state["vix"].status is Status.FRESH
    assert changes and all(c.version <= store.version for c in changes)
    # Incremental: only recent dates are asked for.
    stand_in.requests.clear()
    await feed.refresh(force=True)
    assert {r["cosd"] for r in stand_in.requests} == {"2026-11-10"}
    # The pass saved the cache.
    # (.locks holds the cache's per-file lock files, datafeed.cache.file_lock)
    files = sorted(p.name for p in tmp_path.iterdir() if p.name != ".locks")
    assert files == ["_summary.json", "ust10y.json", "ust2y.json", "vix.json"]
    await http.aclose()


async def test_one_shared_client_for_every_request(httpserver: HTTPServer) -> None:
    stand_in = FredStandIn()
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(stand_in)
    store = SeriesStore(today=lambda: TODAY)
    feed, http = make_feed(httpserver, store, ["ust10y", "ust2y", "vix"])
    client = http.client
    await feed.refresh(force=True)
    # one request for the three daily series (fredgraph.csv?id=DGS10,DGS2,VIXCLS)
    assert http.client is client and http.requests == 1
    assert [r["id"] for r in stand_in.requests] == ["DGS10,DGS2,VIXCLS"]
    assert store.latest("vix").value == 18.4 and store.latest("ust2y").source == "fred:DGS2"  # type: ignore[union-attr]
    await http.aclose()


async def test_failure_keeps_values_marks_stale_and_backs_off(httpserver: HTTPServer) -> None:
    stand_in = FredStandIn()
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(stand_in)
    store = SeriesStore(today=lambda: TODAY)
    feed, http = make_feed(httpserver, store, ["ust10y", "vix"], batch=False)  # one series fails alone
    await feed.refresh(force=True)
    stand_in.fail.add("DGS10")
    report = await feed.refresh(force=True)
    assert report.failed == 1 and "503" in next(iter(report.errors.values()))
    st = store.state["ust10y"]
    assert st.status is Status.STALE and "503" in (st.last_error or "") and st.next_retry is not None
    assert store.latest("ust10y").value == 4.12  # type: ignore[union-attr]
    job = next(j for j in feed.jobs if j.targets[0].instrument == "ust10y")
    assert job.failures == 1 and feed.next_due_in() > 0
    # Not due again immediately: a normal pass skips it.
    stand_in.requests.clear()
    await feed.refresh()
    assert stand_in.requests == []
    # Recovery by itself once the server answers again.
    stand_in.fail.clear()
    feed.request_refresh()
    await feed.refresh()
    assert store.state["ust10y"].status is Status.FRESH and job.failures == 0
    await http.aclose()


async def test_unknown_series_is_error_without_data(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(FredStandIn())
    store = SeriesStore(today=lambda: TODAY)
    feed, http = make_feed(httpserver, store, ["term_premium_10y"])
    report = await feed.refresh(force=True)
    assert report.failed == 1
    assert store.state["term_premium_10y"].status is Status.ERROR
    await http.aclose()


def test_instruments_without_enabled_source_are_missing() -> None:
    store = SeriesStore(today=lambda: TODAY)
    settings = FeedSettings(sources={"fred": SourceSettings.default("fred", enabled=False)})
    feed = Feed(store, settings, HttpContext(settings), providers={}, instruments=["ust10y", "jgb30y"])
    assert feed.jobs == []
    assert store.state["jgb30y"].status is Status.MISSING


async def test_polling_slows_down_once_the_newest_value_is_held(httpserver: HTTPServer) -> None:
    from datafeed.feed import IDLE_CADENCE

    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(FredStandIn())
    store = SeriesStore(today=lambda: TODAY)
    feed, http = make_feed(httpserver, store, ["ust10y"])
    await feed.refresh(force=True)
    job = feed.jobs[0]
    # Newest DGS10 is Friday 2026-11-20; H.15 publishes a day later.
    assert not feed.awaiting_new_value(job, dt.date(2026, 11, 23))  # Monday: Monday's value comes Tuesday
    assert feed.awaiting_new_value(job, dt.date(2026, 11, 24))  # Tuesday: Monday's value is due
    assert feed.cadence_after_success(job) in (job.cadence, max(job.cadence, IDLE_CADENCE))
    await http.aclose()


def _recent_treasury_and_fred(
    httpserver: HTTPServer,
    instruments: list[str],
    *,
    one_batch: bool = False,
    days: tuple[int, ...] = (19, 20),
) -> tuple[Feed, SeriesStore, FredStandIn, HttpContext]:
    """A feed whose Treasury serves 2026-11-19 and 20 only (``one_batch``: the whole curve in
    one job, as the real provider asks) and whose FRED is the stand-in, on Monday 2026-11-23:
    Treasury's Friday close is on time, so FRED is asked for older history only."""
    from datafeed.models import Observation
    from datafeed.providers.base import Provider

    class RecentOnly(Provider):
        name = "treasury"

        def batch_key(self, ref):  # type: ignore[no-untyped-def]
            return "curve" if one_batch else super().batch_key(ref)

        def history_start(self, ref):  # type: ignore[no-untyped-def]
            return dt.date(2026, 11, days[0])

        async def fetch(self, http, targets, since):  # type: ignore[no-untyped-def]
            return [Observation(t.instrument, dt.date(2026, 11, d), 4.2, t.ref.tag) for t in targets for d in days]

    stand_in = FredStandIn()
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(stand_in)
    fred = SourceSettings.default("fred", base_url=httpserver.url_for("/").rstrip("/"))
    settings = FeedSettings(sources={"fred": fred, "treasury": SourceSettings.default("treasury")}, retries=1)
    http = HttpContext(settings)
    store = SeriesStore(today=lambda: dt.date(2026, 11, 23))
    feed = Feed(
        store,
        settings,
        http,
        providers={"fred": FredProvider(fred), "treasury": RecentOnly(settings.sources["treasury"])},
        instruments=instruments,
    )
    return feed, store, stand_in, http


async def test_history_older_than_the_primary_is_backfilled_once(httpserver: HTTPServer) -> None:
    """Treasury serves recent years only; FRED's DGS10 fills the years before, once."""
    feed, store, stand_in, http = _recent_treasury_and_fred(httpserver, ["ust10y"])
    await feed.refresh(force=True)
    s = store.official("ust10y")
    # 2026-11-18 came from FRED (before Treasury's first date); 19 and 20 stay Treasury's.
    assert list(s.index.day) == [18, 19, 20]
    assert list(store.sources("ust10y")) == ["fred:DGS10", "treasury:10 Yr", "treasury:10 Yr"]
    assert store.latest("ust10y").source == "treasury:10 Yr"  # type: ignore[union-attr]
    assert store.state["ust10y"].source == "treasury:10 Yr"
    stand_in.requests.clear()
    await feed.refresh(force=True)
    assert stand_in.requests == []  # once per run
    await http.aclose()


async def test_a_fill_batch_with_an_unknown_series_is_split_and_the_others_still_fill(httpserver: HTTPServer) -> None:
    """Treasury lags (its newest close is Tuesday's on Monday 2026-11-23): FRED fills the
    curve in one request, and when that request fails for good because one id is unknown
    (DGS5 here; a real FRED mirror may lack a tenor), the other tenors are asked alone and
    still fill. Before, the whole fill was lost and the 2024 Treasury value stayed newest."""
    feed, store, stand_in, http = _recent_treasury_and_fred(
        httpserver, ["ust10y", "ust5y"], one_batch=True, days=(16, 17)
    )
    await feed.refresh(force=True)
    await http.aclose()
    asked = [r["id"] for r in stand_in.requests]
    assert asked[0] == "DGS10,DGS5" and sorted(asked[1:]) == ["DGS10", "DGS5"], asked
    latest = store.latest("ust10y")
    assert latest is not None and (latest.date, latest.value, latest.source) == (
        dt.date(2026, 11, 20),
        4.12,
        "fred:DGS10",
    )
    assert store.latest("ust5y").source == "treasury:5 Yr"  # type: ignore[union-attr]


async def test_quote_job_asks_once_even_when_the_market_is_closed() -> None:
    from datafeed.models import Observation
    from datafeed.providers.base import Provider

    class Quotes(Provider):
        name = "yahoo"
        intraday = True
        calls = 0

        async def fetch(self, http, targets, since):  # type: ignore[no-untyped-def]
            Quotes.calls += 1
            return [Observation(t.instrument, dt.date(2026, 11, 25), 2000.0, t.ref.tag, intraday=True) for t in targets]

    settings = FeedSettings(sources={"yahoo": SourceSettings.default("yahoo")})
    store = SeriesStore(today=lambda: TODAY)
    feed = Feed(
        store,
        settings,
        HttpContext(settings),
        providers={"yahoo": Quotes(settings.sources["yahoo"])},
        instruments=["gold"],
        market_open=lambda now: False,
    )
    await feed.refresh()
    assert Quotes.calls == 1 and store.latest("gold").value == 2000.0  # type: ignore[union-attr]
    feed.intraday_jobs[0].next_due = 0.0
    await feed.refresh()
    assert Quotes.calls == 1  # closed: no more polling
    await feed.http.aclose()


async def test_a_batch_with_an_unknown_series_is_split_and_only_that_series_fails(httpserver: HTTPServer) -> None:
    """FRED's series of one frequency go out in one request; when that request fails for
    good (the stand-in answers 404 for an id it does not know), the feed asks each series
    alone, at once and for the rest of the run: the bad one fails, the others are fresh."""
    stand_in = FredStandIn()
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(stand_in)
    store = SeriesStore(today=lambda: TODAY)
    feed, http = make_feed(httpserver, store, ["ust10y", "term_premium_10y", "vix"])
    report = await feed.refresh(force=True)
    asked = [r["id"] for r in stand_in.requests]
    assert asked[0] == "DGS10,THREEFYTP10,VIXCLS" and sorted(asked[1:]) == ["DGS10", "THREEFYTP10", "VIXCLS"]
    assert report.failed == 1 and list(report.errors) == ["fred/THREEFYTP10"], report.errors
    assert store.state["ust10y"].status is Status.FRESH and store.state["vix"].status is Status.FRESH
    assert store.latest("vix").value == 18.4  # type: ignore[union-attr]
    assert store.state["term_premium_10y"].status is Status.ERROR
    # the next pass asks the two good series alone again (the bad one waits for its backoff)
    stand_in.requests.clear()
    await feed.refresh()
    assert sorted(r["id"] for r in stand_in.requests) == [], "nothing due yet"
    await feed.refresh(force=True)
    assert sorted(r["id"] for r in stand_in.requests) == ["DGS10", "THREEFYTP10", "VIXCLS"]
    await http.aclose()


async def test_the_treasury_yields_older_history_comes_from_fred_in_one_request(httpserver: HTTPServer) -> None:
    """The once-per-run backfill of every Treasury tenor from FRED's DGS copies is one
    request (their window is the same: before Treasury's first date), not one per tenor."""
    feed, store, stand_in, http = _recent_treasury_and_fred(httpserver, ["ust10y", "ust2y"], one_batch=True)
    report = await feed.refresh(force=True)
    await http.aclose()
    assert report.failed == 0, report.errors
    assert stand_in.requests == [{"id": "DGS10,DGS2", "cosd": "1999-01-01"}]
    assert list(store.sources("ust10y"))[:1] == ["fred:DGS10"] and list(store.sources("ust2y"))[:1] == ["fred:DGS2"]
    assert store.official("ust2y").iloc[0] == 3.50


async def test_a_partial_fetch_stores_what_came_and_fails_only_the_rest() -> None:
    """A batched provider that isolates a bad target itself (``PartialFetch``): as primary,
    the good rows are fresh and the bad one reads its own reason with no success recorded;
    as a backfill, the failed target is asked again later, never remembered as "nothing older"."""
    from datafeed.errors import FetchError, PartialFetch
    from datafeed.models import Batch
    from datafeed.providers.base import Provider

    class Curve(Provider):
        name = "treasury"

        def batch_key(self, ref):  # type: ignore[no-untyped-def]
            return "curve"

        def history_start(self, ref):  # type: ignore[no-untyped-def]
            return dt.date(2026, 11, 19)

        async def fetch(self, http, targets, since):  # type: ignore[no-untyped-def]
            good = [Batch.of(t, [dt.date(2026, 11, 19), dt.date(2026, 11, 20)], [4.2, 4.3]) for t in targets[:1]]
            bad = {t.instrument: FetchError(f"treasury: {t.ref.series}: gone", transient=False) for t in targets[1:]}
            raise PartialFetch(good, bad)

    class Older(Provider):
        name = "fred"
        separable = True

        def batch_key(self, ref):  # type: ignore[no-untyped-def]
            return "daily"

        async def fetch(self, http, targets, since):  # type: ignore[no-untyped-def]
            good = [Batch.of(t, [dt.date(2026, 11, 18)], [4.1]) for t in targets if t.instrument == "ust10y"]
            bad = {t.instrument: FetchError("fred: 503", transient=True) for t in targets if t.instrument != "ust10y"}
            raise PartialFetch(good, bad)

    settings = FeedSettings(
        sources={"fred": SourceSettings.default("fred"), "treasury": SourceSettings.default("treasury")}
    )
    store = SeriesStore(today=lambda: dt.date(2026, 11, 23))
    feed = Feed(
        store,
        settings,
        HttpContext(settings),
        providers={"fred": Older(settings.sources["fred"]), "treasury": Curve(settings.sources["treasury"])},
        instruments=["ust10y", "ust5y"],
    )
    (curve,) = feed.jobs
    store.apply([Batch.of(curve.targets[1], [dt.date(2026, 11, 17)], [4.0])])  # ust5y holds a value: no fallback
    report = await feed.refresh(force=True)
    assert "treasury/curve" not in report.errors and curve.failures == 0
    assert store.state["ust10y"].status is Status.FRESH and store.state["ust10y"].last_success is not None
    five = store.state["ust5y"]
    assert five.status is Status.STALE and five.last_error == "treasury: 5 Yr: gone" and five.last_success is None
    assert list(store.sources("ust10y")) == ["fred:DGS10", "treasury:10 Yr", "treasury:10 Yr"]  # backfilled
    # ust5y's backfill failed inside the same request: asked again later, not "nothing older"
    assert "ust5y" not in feed._empty_backfills
    assert "ust5y" not in feed._backfilled and feed._backfill_after.get("ust5y", 0.0) > 0
    assert feed._backfill_jobs() == []  # not at once: after BACKFILL_RETRY
