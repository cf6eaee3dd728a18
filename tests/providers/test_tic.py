"""The TIC provider against a loopback server: which tables it asks for and when (history on a
cold start or when the current table fails or goes stale), whose values win, and every way
an answer can go wrong. Bodies are the handmade tables of tests/fixtures/tic."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from datafeed import catalog
from datafeed.errors import FetchError, ParseError
from datafeed.http import HttpContext
from datafeed.models import Batch
from datafeed.providers import Target, registry
from datafeed.providers import tic as tic_module
from datafeed.providers.tic import HISTORY_PATH, MFH_PATH, SLT_TABLE5_PATH, TicProvider
from datafeed.settings import FeedSettings, SourceSettings
from tests.conftest import FIXTURES

D = dt.date


def body(name: str) -> bytes:
    return (FIXTURES / "tic" / name).read_bytes()


def target(inst_id: str) -> Target:
    return Target(inst_id, catalog.get(inst_id).sources[0])


TARGETS = [target("tic_japan"), target("tic_total"), target("tic_official"), target("tic_china")]


class Clock:
    """``utcnow`` and ``time.monotonic`` of the provider module, moved by the test."""

    def __init__(self, today: dt.date) -> None:
        self.now = dt.datetime.combine(today, dt.time(15), dt.UTC)
        self.mono = 1000.0

    def utcnow(self) -> dt.datetime:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    def advance(self, hours: float) -> None:
        self.now += dt.timedelta(hours=hours)
        self.mono += hours * 3600


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(D(2013, 11, 20))
    monkeypatch.setattr(tic_module, "utcnow", c.utcnow)
    monkeypatch.setattr(tic_module.time, "monotonic", c.monotonic)
    return c


@pytest.fixture
async def http() -> Iterator[HttpContext]:
    context = HttpContext(FeedSettings(sources={}, retries=1))
    yield context
    await context.aclose()


def provider(server: HTTPServer, **extra: object) -> TicProvider:
    return TicProvider(
        SourceSettings.default("tic", base_url=server.url_for("").rstrip("/"), min_interval=0.0, extra=dict(extra))
    )


def paths(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


def values(batches: list[Batch], inst_id: str) -> dict[dt.date, float]:
    batch = next(b for b in batches if b.instrument == inst_id)
    return dict(zip(batch.dates, batch.values, strict=True))


def serve(
    server: HTTPServer, current: bytes | None, history: bytes | None, current_path: str = SLT_TABLE5_PATH
) -> None:
    if current is not None:
        server.expect_request(current_path).respond_with_data(current, content_type="text/plain")
    if history is not None:
        server.expect_request(HISTORY_PATH).respond_with_data(history, content_type="text/plain")


def test_registered_with_its_facts() -> None:
    cls = registry()["tic"]
    assert cls is TicProvider and cls.market == "us" and cls.credit
    assert cls.min_interval >= 0.5 and 0 < cls.max_per_minute <= 30
    assert {k.name for k in cls.extra_keys} == {"history_path", "current_path"}


async def test_cold_start_reads_the_current_table_and_the_history(
    httpserver: HTTPServer, http: HttpContext, clock: Clock
) -> None:
    serve(httpserver, body("slt-table5.txt"), body("mfhhis-small.txt"))
    batches = await provider(httpserver).fetch(http, TARGETS, D(2000, 1, 1))
    assert paths(httpserver) == [SLT_TABLE5_PATH, HISTORY_PATH]
    japan = values(batches, "tic_japan")
    assert min(japan) == D(2011, 1, 1) and max(japan) == D(2013, 9, 1)
    assert japan[D(2013, 9, 1)] == 1140.2  # the current table (SLT Table 5 layout)
    assert values(batches, "tic_official")[D(2013, 9, 1)] == 4010.5
    assert values(batches, "tic_total")[D(2013, 9, 1)] == 4870.6
    assert {b.source for b in batches} == {"tic:japan", "tic:grand_total", "tic:foreign_official", "tic:china"}


async def test_a_refresh_reads_only_the_current_table_while_it_is_current(
    httpserver: HTTPServer, http: HttpContext, clock: Clock
) -> None:
    serve(httpserver, body("slt-table5.txt"), body("mfhhis-small.txt"))
    prov = provider(httpserver)
    since = prov.incremental_start(D(2013, 9, 1), TARGETS[0].ref)
    assert since == D(2012, 8, 1)
    batches = await prov.fetch(http, TARGETS, since)
    assert paths(httpserver) == [SLT_TABLE5_PATH]
    assert sorted(values(batches, "tic_japan")) == [D(2013, 7, 1), D(2013, 8, 1), D(2013, 9, 1)]


async def test_a_stale_current_table_brings_the_history_back_at_most_daily(
    httpserver: HTTPServer, http: HttpContext, clock: Clock
) -> None:
    # Nine months after the current table's newest month it is frozen (as mfh.txt was in 2023):
    # the history is read too, then not again for a day.
    clock.advance(24 * 200)
    serve(httpserver, body("mfh-current.txt"), body("mfhhis-small.txt"))
    prov = provider(httpserver, current_path=SLT_TABLE5_PATH)
    await prov.fetch(http, TARGETS, D(2013, 1, 1))
    await prov.fetch(http, TARGETS, D(2013, 1, 1))
    clock.advance(25)
    await prov.fetch(http, TARGETS, D(2013, 1, 1))
    assert paths(httpserver) == [SLT_TABLE5_PATH, HISTORY_PATH, SLT_TABLE5_PATH, SLT_TABLE5_PATH, HISTORY_PATH]


async def test_the_newer_table_wins_where_both_have_a_month(
    httpserver: HTTPServer, http: HttpContext, clock: Clock
) -> None:
    # mfh.txt (13 columns, June printed for two years) revises Japan's December 2012.
    serve(httpserver, body("mfh-current.txt"), body("mfhhis-small.txt"), current_path=MFH_PATH)
    batches = await provider(httpserver, current_path=MFH_PATH).fetch(http, TARGETS, D(2000, 1, 1))
    assert paths(httpserver) == [MFH_PATH, HISTORY_PATH]
    japan = values(batches, "tic_japan")
    assert japan[D(2012, 12, 1)] == 1118.0
    assert japan[D(2013, 6, 1)] == 1173.4 and japan[D(2012, 6, 1)] == 1092.2
    assert min(japan) == D(2011, 1, 1)


async def test_the_history_alone_when_the_current_table_is_switched_off(
    httpserver: HTTPServer, http: HttpContext, clock: Clock
) -> None:
    serve(httpserver, None, body("mfhhis-small.txt"))
    batches = await provider(httpserver, current_path="").fetch(http, TARGETS, D(2000, 1, 1))
    assert paths(httpserver) == [HISTORY_PATH]
    assert max(values(batches, "tic_japan")) == D(2012, 12, 1)


async def test_a_failing_current_table_is_served_from_the_history(
    httpserver: HTTPServer, http: HttpContext, clock: Clock
) -> None:
    httpserver.expect_request(SLT_TABLE5_PATH).respond_with_data("Not Found", status=404)
    serve(httpserver, None, body("mfhhis-small.txt"))
    batches = await provider(httpserver).fetch(http, TARGETS, D(2012, 8, 1))
    assert paths(httpserver) == [SLT_TABLE5_PATH, HISTORY_PATH]
    assert values(batches, "tic_japan")[D(2012, 12, 1)] > 1000


async def test_both_tables_failing_is_one_error_that_keeps_retry_after(
    httpserver: HTTPServer, http: HttpContext, clock: Clock
) -> None:
    httpserver.expect_request(SLT_TABLE5_PATH).respond_with_data("busy", status=503, headers={"Retry-After": "120"})
    httpserver.expect_request(HISTORY_PATH).respond_with_data("busy", status=503, headers={"Retry-After": "300"})
    with pytest.raises(FetchError) as info:
        await provider(httpserver).fetch(http, TARGETS, D(2000, 1, 1))
    message = info.value.message
    assert message.startswith("current table: tic: HTTP 503") and "; history: tic: HTTP 503" in message
    assert "\n" not in message and info.value.retry_after == 300.0 and info.value.transient


async def test_html_pages_instead_of_tables(httpserver: HTTPServer, http: HttpContext, clock: Clock) -> None:
    page = b"<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body>x</body></html>"
    serve(httpserver, page, page)
    with pytest.raises(ParseError, match=r"got an HTML page titled 'Service Unavailable'.*history"):
        await provider(httpserver).fetch(http, TARGETS, D(2000, 1, 1))


async def test_one_body_for_every_path_like_a_stand_in(httpserver: HTTPServer, http: HttpContext, clock: Clock) -> None:
    # A stand-in answering every path with the history: both reads give the same table.
    httpserver.expect_request(re.compile(".*")).respond_with_data(body("mfhhis-small.txt"))
    batches = await provider(httpserver).fetch(http, TARGETS, D(2000, 1, 1))
    assert values(batches, "tic_japan")[D(2012, 12, 1)] > 1000
    assert len(httpserver.log) == 2


async def test_holders_absent_from_the_tables(httpserver: HTTPServer, http: HttpContext, clock: Clock) -> None:
    serve(httpserver, body("slt-table5.txt"), body("mfhhis-small.txt"))
    nowhere = Target("tic_nowhere", catalog.SourceRef("tic", "atlantis", "monthly", 85))
    batches = await provider(httpserver).fetch(http, [*TARGETS, nowhere], D(2000, 1, 1))
    assert len(values(batches, "tic_nowhere")) == 0 and len(values(batches, "tic_japan")) > 20
    with pytest.raises(ParseError, match="no row for atlantis"):
        await provider(httpserver).fetch(http, [nowhere], D(2000, 1, 1))


async def test_a_table_changing_width_mid_file(httpserver: HTTPServer, http: HttpContext, clock: Clock) -> None:
    # The history's 2011 block has 13 month columns (June twice): the left, new-series
    # column is kept, the rest line up by month, not by position.
    serve(httpserver, None, body("mfhhis-small.txt"))
    batches = await provider(httpserver, current_path="").fetch(http, TARGETS, D(2000, 1, 1))
    japan = values(batches, "tic_japan")
    assert len([d for d in japan if d.year == 2011]) == 12 and len([d for d in japan if d.year == 2012]) == 12


async def test_a_frozen_current_table_never_overrides_the_newer_history(
    httpserver: HTTPServer, http: HttpContext, clock: Clock
) -> None:
    # The roles reversed: the "current" table stopped at December 2012 (as mfh.txt stopped in
    # 2023) while the history goes on to June 2013 and revises December 2012. The table
    # reaching further wins, whatever its name.
    clock.advance(24 * 30)
    serve(httpserver, body("mfhhis-small.txt"), body("mfh-current.txt"), current_path=MFH_PATH)
    batches = await provider(httpserver, current_path=MFH_PATH).fetch(http, TARGETS, D(2012, 1, 1))
    assert paths(httpserver) == [MFH_PATH, HISTORY_PATH]
    japan = values(batches, "tic_japan")
    assert japan[D(2012, 12, 1)] == 1118.0 and max(japan) == D(2013, 6, 1)


async def test_through_the_feed_an_outage_keeps_the_values_and_says_why(
    httpserver: HTTPServer, http: HttpContext, clock: Clock
) -> None:
    from datafeed.feed import Feed
    from datafeed.models import Status
    from datafeed.store import SeriesStore

    serve(httpserver, body("slt-table5.txt"), body("mfhhis-small.txt"))
    prov = provider(httpserver)
    settings = FeedSettings(sources={"tic": prov.settings}, retries=1)
    store = SeriesStore(today=lambda: clock.now.date())
    feed = Feed(store, settings, http, providers={"tic": prov}, instruments=["tic_japan", "tic_total"])
    report = await feed.refresh(force=True)
    assert report.ok == 1 and store.latest("tic_japan").value == 1140.2
    held = store.official("tic_japan").copy()
    httpserver.clear()
    page = b"<html><head><title>Scheduled Maintenance</title></head><body>back soon</body></html>"
    httpserver.expect_request(re.compile(".*")).respond_with_data(page, content_type="text/html")
    clock.advance(24 * 200)  # the current table is now stale: the history is asked for too
    report = await feed.refresh(force=True)
    assert report.failed == 1
    state = store.state["tic_japan"]
    assert state.status is Status.STALE and store.official("tic_japan").equals(held)
    assert state.last_error.startswith("current table: tic: got an HTML page titled 'Scheduled Maintenance'")
    assert "; history: tic: got an HTML page" in state.last_error and "\n" not in state.last_error
