"""Sources reconciled by recency, against real HTTP servers on 127.0.0.1 with handmade bodies.

An instrument's history is its primary's; the dates after the primary's newest value come
from the next enabled source of the same frequency while the primary lags, each value keeping
its own tag; the primary takes its dates back when it catches up; a disagreement is logged
once and the primary wins; nothing moves a series backwards; frequencies never mix.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from datafeed.catalog import CATALOG, Instrument, SourceRef
from datafeed.feed import Feed
from datafeed.http import HttpContext
from datafeed.models import Behind
from datafeed.settings import FeedSettings, SourceSettings
from datafeed.snapshot import series_json
from datafeed.store import SeriesStore
from tests.fredgraph import fredgraph_body

YEARS_BACK = max(0, dt.date.today().year - 2024)
"""Treasury reads year files from today's year back: reach the 2024 file these tests serve."""

TREASURY_HEADER = 'Date,"1 Mo","2 Mo","3 Mo","6 Mo","1 Yr","2 Yr","5 Yr","10 Yr","30 Yr"\n'


def treasury_row(day: dt.date, ten: float) -> str:
    """One row of the par-curve CSV (the real layout: MM/DD/YYYY, newest first)."""
    return f"{day:%m/%d/%Y},5.49,5.50,5.48,5.35,5.10,4.72,4.30,{ten:.2f},4.41\n"


class Upstream:
    """FRED, Treasury and the NY Fed on one loopback server, each serving what a test sets."""

    def __init__(self) -> None:
        self.fred: dict[str, dict[dt.date, float]] = {}
        self.treasury: dict[dt.date, float] = {}
        self.sofr: dict[dt.date, float] = {}
        self.bund: dict[dt.date, float] = {}
        self.requests: list[str] = []

    def handle(self, request: Request) -> Response:
        self.requests.append(request.path + "?" + request.query_string.decode())
        if request.path.startswith("/rest/data/BBSIS/"):  # Bundesbank BBK-CSV (English)
            code = "BBSIS." + request.path.rsplit("/", 1)[1]
            since = dt.date.fromisoformat(request.args["startPeriod"])
            rows = "".join(f"{d},{v:.2f},\n" for d, v in sorted(self.bund.items()) if d >= since)
            head = f'\ufeff"",{code},{code}_FLAGS\n"","Bund yields / daily data",\nDecimals,2,\nUnit,Percent,\n'
            return Response(head + rows, content_type="text/csv")
        if request.path == "/graph/fredgraph.csv":
            sid, since = request.args["id"], dt.date.fromisoformat(request.args["cosd"])
            body = fredgraph_body(
                sid, lambda c: [(f"{d}", f"{v}") for d, v in sorted(self.fred.get(c, {}).items()) if d >= since]
            )
            return Response(body, content_type="text/csv")
        if "daily-treasury-rates.csv" in request.path:
            year = int(request.args["field_tdr_date_value"])
            days = sorted((d for d in self.treasury if d.year == year), reverse=True)
            body = TREASURY_HEADER + "".join(treasury_row(d, self.treasury[d]) for d in days)
            return Response(body, content_type="text/csv")
        if request.path.endswith("/search.json"):
            start = dt.date.fromisoformat(request.args["startDate"])
            end = dt.date.fromisoformat(request.args["endDate"])
            rates = [
                {"effectiveDate": d.isoformat(), "type": "SOFR", "percentRate": v, "volumeInBillions": 2000}
                for d, v in sorted(self.sofr.items(), reverse=True)
                if start <= d <= end
            ]
            return Response(json.dumps({"refRates": rates}), content_type="application/json")
        return Response("not found", status=404)


@pytest.fixture
def upstream(httpserver: HTTPServer) -> Iterator[tuple[Upstream, str]]:
    up = Upstream()
    httpserver.expect_request("").respond_with_handler(up.handle)
    yield up, httpserver.url_for("").rstrip("/")


def business_days(start: dt.date, end: dt.date) -> list[dt.date]:
    out, d = [], start
    while d <= end:
        if d.weekday() < 5:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def make_feed(base: str, today: dt.date, instruments: list[str], enabled: set[str], catalog=CATALOG) -> Feed:  # type: ignore[no-untyped-def]
    sources = {
        name: SourceSettings.default(
            name, enabled=name in enabled, base_url=base, min_interval=0.0, max_per_minute=0, extra=extra
        )
        for name, extra in (
            ("fred", {}),
            ("treasury", {"history_years": YEARS_BACK}),
            ("nyfed", {}),
            ("bundesbank", {}),
        )
    }
    settings = FeedSettings(sources=sources, retries=1)
    store = SeriesStore(catalog, today=lambda: today)
    return Feed(store, settings, HttpContext(settings), instruments=instruments)


def tags(feed: Feed, inst: str) -> dict[dt.date, str]:
    s, t = feed.store.official(inst), feed.store.sources(inst)
    return {d.date(): str(tag) for d, tag in zip(s.index, t, strict=True)}


async def test_a_treasury_primary_stuck_in_2024_is_filled_by_fred_and_reported_behind(
    upstream: tuple[Upstream, str], caplog: pytest.LogCaptureFixture
) -> None:
    up, base = upstream
    today = dt.date(2026, 7, 29)
    stuck = business_days(dt.date(2024, 6, 17), dt.date(2024, 6, 25))
    up.treasury = {d: 4.20 + 0.01 * i for i, d in enumerate(stuck)}
    fresher = business_days(dt.date(2024, 6, 10), dt.date(2026, 7, 28))
    up.fred["DGS10"] = {d: up.treasury.get(d, 4.40) for d in fresher}
    up.fred["DGS10"][dt.date(2024, 6, 20)] = 4.99  # FRED disagrees on one shared date
    up.fred["DGS10"][dt.date(2026, 7, 28)] = 4.61
    feed = make_feed(base, today, ["ust10y"], {"fred", "treasury"})
    with caplog.at_level(logging.WARNING, logger="datafeed.feed"):
        report = await feed.refresh(force=True)
        await feed.refresh(force=True)  # a second pass: nothing logged twice
    await feed.http.aclose()
    assert report.failed == 0
    store = feed.store
    latest = store.latest("ust10y")
    assert latest is not None and (latest.date, latest.value, latest.source) == (
        dt.date(2026, 7, 28),
        4.61,
        "fred:DGS10",
    )
    held = tags(feed, "ust10y")
    assert {d for d, t in held.items() if t == "treasury:10 Yr"} == set(stuck)  # the primary's own
    assert held[dt.date(2024, 6, 14)] == "fred:DGS10"  # older history: backfill
    assert held[dt.date(2024, 6, 26)] == "fred:DGS10"  # after the primary's newest: the gap
    assert store.official("ust10y")[dt.datetime(2024, 6, 20)] == up.treasury[dt.date(2024, 6, 20)]  # primary wins
    assert store.state["ust10y"].behind == Behind("treasury:10 Yr", dt.date(2024, 6, 25), "fred:DGS10")
    assert store.state["ust10y"].status.value == "fresh"
    warnings = [r.getMessage() for r in caplog.records if "disagrees" in r.getMessage()]
    assert warnings == [
        "ust10y: fred:DGS10 disagrees with the primary treasury:10 Yr on 1 shared date(s), "
        "e.g. 2024-06-20: 4.99 vs 4.23; the primary's is kept"
    ]
    doc = series_json(store, today)["ust10y"]
    assert (doc["source"], doc["date"], doc["value"]) == ("fred:DGS10", "2026-07-28", 4.61)
    assert doc["behind"] == {"source": "treasury:10 Yr", "last": "2024-06-25", "filled_by": "fred:DGS10"}
    spans = {s["source"]: s for s in doc["sources"]}
    assert spans["treasury:10 Yr"] == {
        "source": "treasury:10 Yr",
        "first": "2024-06-17",
        "last": "2024-06-25",
        "count": 7,
    }
    assert spans["fred:DGS10"]["last"] == "2026-07-28" and spans["fred:DGS10"]["first"] == "2024-06-10"


async def test_the_primary_catching_up_takes_its_dates_back(upstream: tuple[Upstream, str]) -> None:
    up, base = upstream
    today = dt.date(2024, 7, 10)
    up.treasury = {d: 4.30 for d in business_days(dt.date(2024, 6, 17), dt.date(2024, 6, 25))}
    up.fred["DGS10"] = {d: 4.30 for d in business_days(dt.date(2024, 6, 17), dt.date(2024, 7, 9))}
    feed = make_feed(base, today, ["ust10y"], {"fred", "treasury"})
    await feed.refresh(force=True)
    assert feed.store.latest("ust10y").source == "fred:DGS10"  # type: ignore[union-attr]
    assert feed.store.state["ust10y"].behind is not None
    # Treasury catches up to 2024-07-09, skipping 2024-07-05 (which FRED has), and revises 07-08.
    caught_up = [d for d in business_days(dt.date(2024, 6, 26), dt.date(2024, 7, 9)) if d != dt.date(2024, 7, 5)]
    up.treasury.update({d: 4.30 for d in caught_up})
    up.treasury[dt.date(2024, 7, 8)] = 4.31
    await feed.refresh(force=True)
    await feed.http.aclose()
    held = tags(feed, "ust10y")
    after = {d: t for d, t in held.items() if d > dt.date(2024, 6, 25)}
    assert set(after) == set(caught_up)  # FRED's 07-05 is gone: within its span, the primary's dates
    assert set(after.values()) == {"treasury:10 Yr"}
    assert feed.store.official("ust10y")[dt.datetime(2024, 7, 8)] == 4.31
    assert feed.store.latest("ust10y").source == "treasury:10 Yr"  # type: ignore[union-attr]
    assert feed.store.state["ust10y"].behind is None


async def test_older_data_never_moves_a_series_backwards(upstream: tuple[Upstream, str]) -> None:
    up, base = upstream
    today = dt.date(2024, 7, 10)
    up.treasury = {d: 4.30 for d in business_days(dt.date(2024, 6, 17), dt.date(2024, 7, 9))}
    up.fred["DGS10"] = {d: 4.30 for d in business_days(dt.date(2024, 6, 3), dt.date(2024, 7, 9))}
    feed = make_feed(base, today, ["ust10y"], {"fred", "treasury"})
    await feed.refresh(force=True)
    assert feed.store.latest("ust10y").date == dt.date(2024, 7, 9)  # type: ignore[union-attr]
    # A mirror rolled back: Treasury now serves only up to 06-25, FRED only to 06-20.
    up.treasury = {d: v for d, v in up.treasury.items() if d <= dt.date(2024, 6, 25)}
    up.fred["DGS10"] = {d: v for d, v in up.fred["DGS10"].items() if d <= dt.date(2024, 6, 20)}
    await feed.refresh(force=True)
    await feed.http.aclose()
    latest = feed.store.latest("ust10y")
    assert latest is not None and (latest.date, latest.source) == (dt.date(2024, 7, 9), "treasury:10 Yr")


async def test_nyfed_sofr_stuck_in_2024_is_filled_by_fred(upstream: tuple[Upstream, str]) -> None:
    up, base = upstream
    today = dt.date(2026, 7, 1)
    up.sofr = {d: 5.33 for d in business_days(dt.date(2024, 6, 3), dt.date(2024, 6, 28))}
    up.fred["SOFR"] = {d: 5.33 for d in business_days(dt.date(2024, 6, 3), dt.date(2024, 6, 28))}
    up.fred["SOFR"].update({d: 3.65 for d in business_days(dt.date(2024, 7, 1), dt.date(2026, 6, 30))})
    feed = make_feed(base, today, ["sofr"], {"fred", "nyfed"})
    await feed.refresh(force=True)
    await feed.http.aclose()
    latest = feed.store.latest("sofr")
    assert latest is not None and (latest.date, latest.value, latest.source) == (
        dt.date(2026, 6, 30),
        3.65,
        "fred:SOFR",
    )
    assert feed.store.state["sofr"].behind == Behind("nyfed:SOFR", dt.date(2024, 6, 28), "fred:SOFR")
    assert set(tags(feed, "sofr")[d] for d in business_days(dt.date(2024, 6, 3), dt.date(2024, 6, 28))) == {
        "nyfed:SOFR"
    }


async def test_a_primary_on_time_is_not_filled_nor_behind(upstream: tuple[Upstream, str]) -> None:
    up, base = upstream
    today = dt.date(2024, 6, 26)  # Wednesday: Treasury's Tuesday close is on time
    up.treasury = {d: 4.30 for d in business_days(dt.date(2024, 6, 17), dt.date(2024, 6, 25))}
    up.fred["DGS10"] = {d: 4.30 for d in business_days(dt.date(2024, 6, 3), dt.date(2024, 6, 25))}
    feed = make_feed(base, today, ["ust10y"], {"fred", "treasury"})
    await feed.refresh(force=True)
    up.requests.clear()
    await feed.refresh(force=True)
    await feed.http.aclose()
    assert not [r for r in up.requests if "fredgraph" in r]  # the backfill ran once; no gap to fill
    assert feed.store.state["ust10y"].behind is None
    assert feed.store.latest("ust10y").source == "treasury:10 Yr"  # type: ignore[union-attr]


async def test_a_monthly_fallback_never_fills_a_daily_primary(upstream: tuple[Upstream, str]) -> None:
    """bund10y: the Bundesbank's daily series stuck; FRED's monthly OECD average is newer, unused."""
    up, base = upstream
    today = dt.date(2026, 7, 29)
    code = CATALOG["bund10y"].sources[0].series
    up.bund = {d: 2.50 for d in business_days(dt.date(2024, 6, 3), dt.date(2024, 6, 28))}
    up.fred["IRLTLT01DEM156N"] = {dt.date(2026, m, 1): 2.6 for m in range(1, 7)}
    feed = make_feed(base, today, ["bund10y"], {"fred", "bundesbank"})
    await feed.refresh(force=True)
    await feed.http.aclose()
    assert set(tags(feed, "bund10y").values()) == {f"bundesbank:{code}"}
    assert any("/rest/data/BBSIS/" in r for r in up.requests)
    assert not [r for r in up.requests if "IRLTLT01DEM156N" in r]
    assert feed.store.state["bund10y"].behind is None


async def test_a_daily_fallback_never_fills_a_monthly_primary(upstream: tuple[Upstream, str]) -> None:
    """A monthly primary behind its lag is not topped up with a daily series' dates."""
    up, base = upstream
    today = dt.date(2026, 7, 29)
    inst = Instrument(
        "mix",
        "Monthly first",
        "%",
        "bp",
        (SourceRef("fred", "MONTHLY1", "monthly", 45), SourceRef("nyfed", "SOFR", "daily", 2)),
        -5.0,
        50.0,
    )
    up.fred["MONTHLY1"] = {dt.date(2025, m, 1): 3.0 for m in range(1, 7)}
    up.sofr = {d: 3.6 for d in business_days(dt.date(2026, 6, 1), dt.date(2026, 7, 28))}
    feed = make_feed(base, today, ["mix"], {"fred", "nyfed"}, catalog={"mix": inst})
    await feed.refresh(force=True)
    await feed.http.aclose()
    assert set(tags(feed, "mix").values()) == {"fred:MONTHLY1"}
    assert not [r for r in up.requests if "search.json" in r]
    assert feed.store.state["mix"].behind is None


def test_the_same_value_from_another_source_retags_the_point() -> None:
    """A primary catching up with the very numbers a fallback filled still takes the dates over."""
    from datafeed.models import Batch

    days = [dt.date(2024, 6, 26), dt.date(2024, 6, 27)]
    store = SeriesStore(today=lambda: dt.date(2024, 7, 1))
    store.apply([Batch("ust10y", "fred:DGS10", days, [4.3, 4.31])])
    delta = store.apply([Batch("ust10y", "treasury:10 Yr", days, [4.3, 4.31])])
    assert delta.updated == 2 and delta.changed == frozenset({"ust10y"})
    assert list(store.sources("ust10y")) == ["treasury:10 Yr", "treasury:10 Yr"]
    assert not store.apply([Batch("ust10y", "treasury:10 Yr", days, [4.3, 4.31])])  # nothing new: falsy
