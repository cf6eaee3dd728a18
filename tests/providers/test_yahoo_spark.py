"""Tests Yahoo's spark path: many quote symbols in one request, chart per symbol as fallback.

Every test talks HTTP to a real server on 127.0.0.1: the loopback market (the same prices
on its chart and spark routes, Yahoo's refusals of unknown symbols and of more than 20) or
pytest-httpserver with handmade bodies (tests/fixtures/yahoo).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from datafeed import catalog
from datafeed.catalog import SourceRef
from datafeed.errors import FetchError, ParseError, PartialFetch, RateLimited
from datafeed.feed import Feed
from datafeed.health import source_health
from datafeed.http import HttpContext
from datafeed.models import Observation, Status, observations
from datafeed.providers import Target
from datafeed.providers import yahoo as yh
from datafeed.settings import FeedSettings, SourceSettings
from datafeed.store import SeriesStore
from tests.loopback_market import LoopbackMarket

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "yahoo"
SINCE = dt.date(2000, 1, 1)
QUOTES = tuple(i.id for i in catalog.INSTRUMENTS if i.intraday is not None and i.intraday.source == "yahoo")


def target(instrument: str) -> Target:
    ref = catalog.get(instrument).intraday
    assert ref is not None
    return Target(instrument, ref)


def made_up(symbol: str) -> Target:
    """A target for a symbol no catalog instrument has (its instrument id is the symbol)."""
    return Target(symbol, SourceRef("yahoo", symbol, "daily", 1))


def settings(base: str, **extra: object) -> SourceSettings:
    return SourceSettings.default("yahoo", base_url=base, min_interval=0.0, extra=dict(extra))


def paths(market: LoopbackMarket) -> list[str]:
    """The (decoded) paths the market was asked for, in order."""
    return [unquote(path.split("?")[0]) for path, _ in market.requests]


class UnknownDxy(LoopbackMarket):
    """The loopback market, with ``DX-Y.NYB`` delisted (404 on chart; spark refuses any request naming it)."""

    def _yahoo_inst(self, symbol: str) -> str | None:
        return None if symbol == "DX-Y.NYB" else super()._yahoo_inst(symbol)


class Relisted(UnknownDxy):
    """``DX-Y.NYB`` delisted until :attr:`listed` is set."""

    listed = False

    def _yahoo_inst(self, symbol: str) -> str | None:
        return LoopbackMarket._yahoo_inst(self, symbol) if self.listed else super()._yahoo_inst(symbol)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The provider's monotonic clock, moved by hand (``clock[0] += s``)."""
    now = [1_000.0]

    class Clock:
        @staticmethod
        def monotonic() -> float:
            return now[0]

    monkeypatch.setattr(yh, "time", Clock)
    return now


async def fetch(provider: yh.YahooProvider, targets: list[Target]) -> list[Observation]:
    http = HttpContext(FeedSettings(sources={}, retries=1))
    try:
        return observations(await provider.fetch(http, targets, SINCE))
    finally:
        await http.aclose()


async def partial(provider: yh.YahooProvider, targets: list[Target]) -> PartialFetch:
    http = HttpContext(FeedSettings(sources={}, retries=1))
    try:
        with pytest.raises(PartialFetch) as info:
            await provider.fetch(http, targets, SINCE)
    finally:
        await http.aclose()
    return info.value


# --- one request -----------------------------------------------------------------------------


async def test_the_eleven_quote_symbols_cost_one_spark_request(loopback: tuple[LoopbackMarket, str]) -> None:
    m, base = loopback
    assert len(QUOTES) == 11
    got = await fetch(yh.YahooProvider(settings(base)), [target(i) for i in QUOTES])
    assert paths(m) == ["/v7/finance/spark"]
    query = parse_qs(urlparse(m.requests[0][0]).query)
    assert query["range"] == ["1d"] and query["interval"] == ["5m"]
    symbols = query["symbols"][0].split(",")
    assert symbols == sorted(catalog.get(i).intraday.series for i in QUOTES)  # type: ignore[union-attr]
    by_id = {o.instrument: o for o in got}
    assert set(by_id) == set(QUOTES)
    for inst in QUOTES:  # the very prices the chart route gives, same sources and times
        assert by_id[inst].value == pytest.approx(m.quote(inst)) and by_id[inst].intraday
        assert by_id[inst].source == catalog.get(inst).intraday.tag  # type: ignore[union-attr]
    (chart,) = await fetch(yh.YahooProvider(settings(base)), [target("gold")])  # one symbol: chart
    assert paths(m)[-1] == "/v8/finance/chart/GC=F"
    assert (chart.date, chart.time, chart.value) == (by_id["gold"].date, by_id["gold"].time, by_id["gold"].value)


async def test_more_than_twenty_symbols_go_in_chunks_of_twenty(httpserver: HTTPServer) -> None:
    result = json.loads((FIX / "chart-GCF.json").read_text())["chart"]["result"][0]
    asked: list[list[str]] = []

    def spark(request: Request) -> Response:
        symbols = request.args["symbols"].split(",")
        asked.append(symbols)
        if len(symbols) > 20:
            return Response('{"spark":{"result":null,"error":{"code":"Bad Request"}}}', status=400)
        doc = {"spark": {"result": [{"symbol": s, "response": [result]} for s in symbols], "error": None}}
        return Response(json.dumps(doc), content_type="application/json")

    httpserver.expect_request("/v7/finance/spark").respond_with_handler(spark)
    symbols = [f"S{k:02d}" for k in range(25)]
    got = await fetch(yh.YahooProvider(settings(httpserver.url_for("").rstrip("/"))), [made_up(s) for s in symbols])
    assert sorted(len(a) for a in asked) == [5, 20] and sorted(sum(asked, [])) == symbols
    assert len(httpserver.log) == 2
    assert sorted(o.instrument for o in got) == symbols and all(o.value == pytest.approx(2903.2) for o in got)


# --- fallbacks -------------------------------------------------------------------------------


async def test_spark_404_asks_each_symbol_by_chart_and_only_the_bad_one_fails(clock: list[float]) -> None:
    m = UnknownDxy()
    base = m.start()
    try:
        provider = yh.YahooProvider(settings(base))
        wanted = [target("dxy"), target("vix"), target("gold")]
        failed = await partial(provider, wanted)
        assert paths(m)[0] == "/v7/finance/spark" and [s for _, s in m.requests][0] == 404
        assert sorted(paths(m)[1:]) == [
            "/v8/finance/chart/DX-Y.NYB",
            "/v8/finance/chart/GC=F",
            "/v8/finance/chart/^VIX",
        ]
        assert set(failed.failures) == {"dxy"}
        message = failed.failures["dxy"].message
        assert message == "yahoo: DX-Y.NYB: not found (HTTP 404; symbol mistyped or delisted)"
        assert {o.instrument: o.value for o in observations(failed.fetched)} == {
            "vix": pytest.approx(m.quote("vix")),
            "gold": pytest.approx(m.quote("gold")),
        }
        # the next poll: spark for the good two; the bad one is not asked again so soon
        m.reset_counts()
        again = await partial(provider, wanted)
        assert paths(m) == ["/v7/finance/spark"]
        assert parse_qs(urlparse(m.requests[0][0]).query)["symbols"] == ["GC=F,^VIX"]
        assert again.failures["dxy"].message == f"{message} (asked again in 5 min)"
        # five minutes on: chart alone for the bad one (not spark, then all three)
        clock[0] += yh.GONE_FIRST + 1
        m.reset_counts()
        again = await partial(provider, wanted)
        assert sorted(paths(m)) == ["/v7/finance/spark", "/v8/finance/chart/DX-Y.NYB"]
        assert set(again.failures) == {"dxy"}
        # an hour on, spark is offered the bad symbol again
        clock[0] += yh.SOLO_RETRY + 1
        m.reset_counts()
        await partial(provider, wanted)
        assert paths(m)[0] == "/v7/finance/spark" and len(paths(m)) == 4
    finally:
        m.stop()


async def test_a_refused_symbol_is_asked_again_later_and_later_then_at_every_poll_once_it_answers(
    clock: list[float],
) -> None:
    """A delisted symbol costs no request at every poll: it waits GONE_FIRST, then twice
    as long after each refusal (to GONE_MAX), its row keeping the failure; when it answers
    again it is asked at every poll."""
    m = Relisted()
    base = m.start()
    try:
        provider = yh.YahooProvider(settings(base, batch=False))
        wanted = [target("dxy"), target("vix")]
        asked: list[float] = []
        for _ in range(90):  # 90 polls a minute apart: an hour and a half
            m.reset_counts()
            await partial(provider, wanted)
            if "/v8/finance/chart/DX-Y.NYB" in paths(m):
                asked.append(clock[0])
            assert "/v8/finance/chart/^VIX" in paths(m)  # the good one at every poll
            clock[0] += 60
        gaps = [round(b - a) for a, b in zip(asked, asked[1:], strict=False)]
        assert gaps[:4] == [300, 600, 1200, 1800] and set(gaps[4:]) <= {1800}, gaps
        m.listed = True
        m._answers.clear()  # the market keeps its rendered answers
        clock[0] += yh.GONE_MAX
        m.reset_counts()
        assert {o.instrument for o in await fetch(provider, wanted)} == {"dxy", "vix"}
        clock[0] += 60
        m.reset_counts()
        await fetch(provider, wanted)
        assert "/v8/finance/chart/DX-Y.NYB" in paths(m)
    finally:
        m.stop()


class Forbidding(LoopbackMarket):
    """The loopback market, answering 403 to every Yahoo path while :attr:`forbid` is set."""

    forbid = False

    def route(self, raw_path: str) -> tuple[int, str, str]:
        if self.forbid and "/finance/" in raw_path:
            return 403, "text/plain", "Forbidden"
        return super().route(raw_path)


async def test_a_poll_that_fails_for_every_symbol_marks_no_symbol_gone_or_alone(clock: list[float]) -> None:
    """Yahoo failing as a whole for one poll (a 403 on spark and every chart) says nothing of
    any symbol: the next poll, Yahoo healthy again, asks them all in one spark request."""
    m = Forbidding()
    base = m.start()
    try:
        provider = yh.YahooProvider(settings(base))
        wanted = [target(i) for i in QUOTES]
        m.forbid = True
        with pytest.raises(PartialFetch) as info:  # every target failed, each with its own line
            http = HttpContext(FeedSettings(sources={}, retries=1))
            try:
                await provider.fetch(http, wanted, SINCE)
            finally:
                await http.aclose()
        assert set(info.value.failures) == set(QUOTES) and not info.value.fetched
        m.forbid = False
        clock[0] += 60
        m.reset_counts()
        assert {o.instrument for o in await fetch(provider, wanted)} == set(QUOTES)
        assert paths(m) == ["/v7/finance/spark"]
    finally:
        m.stop()


async def test_a_429_on_a_left_out_symbols_chart_keeps_the_quotes_spark_served(
    httpserver: HTTPServer, clock: list[float]
) -> None:
    """Spark served two symbols and left one out; its chart request got 429: the two quotes
    stand (a partial answer), the third fails with the 429, and Yahoo is paused."""
    spark = json.loads((FIX / "spark-TNX-GCF-VIX.json").read_text())
    spark["spark"]["result"] = [r for r in spark["spark"]["result"] if r["symbol"] != "GC=F"]
    httpserver.expect_request("/v7/finance/spark").respond_with_json(spark)
    httpserver.expect_request("/v8/finance/chart/GC=F").respond_with_data("Too Many Requests", status=429)
    provider = yh.YahooProvider(settings(httpserver.url_for("").rstrip("/")))
    failed = await partial(provider, [target("ust10y"), target("gold"), target("vix")])
    assert isinstance(failed.failures["gold"], RateLimited) and set(failed.failures) == {"gold"}
    assert {o.instrument for o in observations(failed.fetched)} == {"ust10y"}  # vix: a result without bars
    http = HttpContext(FeedSettings(sources={}, retries=1))
    try:
        with pytest.raises(RateLimited):  # paused: the next poll asks nothing
            await provider.fetch(http, [target("ust10y"), target("gold")], SINCE)
    finally:
        await http.aclose()
    assert [r.path for r, _ in httpserver.log] == ["/v7/finance/spark", "/v8/finance/chart/GC=F"]


async def test_one_symbol_asked_alone_keeps_its_own_error() -> None:
    m = UnknownDxy()
    base = m.start()
    try:
        http = HttpContext(FeedSettings(sources={}, retries=1))
        with pytest.raises(FetchError) as info:
            await yh.YahooProvider(settings(base)).fetch(http, [target("dxy")], SINCE)
        await http.aclose()
    finally:
        m.stop()
    assert not isinstance(info.value, PartialFetch) and "DX-Y.NYB: not found" in info.value.message


async def test_a_symbol_missing_from_the_spark_result_gets_its_chart_request(
    httpserver: HTTPServer, clock: list[float]
) -> None:
    spark = json.loads((FIX / "spark-TNX-GCF-VIX.json").read_text())
    spark["spark"]["result"] = [r for r in spark["spark"]["result"] if r["symbol"] != "GC=F"]
    httpserver.expect_request("/v7/finance/spark").respond_with_json(spark)
    httpserver.expect_request("/v8/finance/chart/GC=F").respond_with_data(
        (FIX / "chart-GCF.json").read_bytes(), content_type="application/json"
    )
    provider = yh.YahooProvider(settings(httpserver.url_for("").rstrip("/")))
    wanted = [target("ust10y"), target("gold"), target("vix")]
    got = {o.instrument: o for o in await fetch(provider, wanted)}
    assert [r.path for r, _ in httpserver.log] == ["/v7/finance/spark", "/v8/finance/chart/GC=F"]
    assert got["gold"].value == pytest.approx(2903.2) and got["ust10y"].value == pytest.approx(4.093)
    assert "vix" not in got  # a result without bars: no value, no error
    httpserver.clear_log()
    await fetch(provider, wanted)  # spark for the other two, chart alone for the left-out one
    assert sorted(r.path for r, _ in httpserver.log) == ["/v7/finance/spark", "/v8/finance/chart/GC=F"]
    assert httpserver.log[0][0].args["symbols"] == "^TNX,^VIX" or httpserver.log[1][0].args["symbols"] == "^TNX,^VIX"


async def test_a_body_that_is_not_spark_falls_back_and_spark_rests_for_a_while(
    httpserver: HTTPServer, clock: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_request("/v7/finance/spark").respond_with_data("<html>consent</html>", content_type="text/html")
    for symbol, name in (("^TNX", "chart-TNX.json"), ("GC=F", "chart-GCF.json")):
        httpserver.expect_request(f"/v8/finance/chart/{symbol}").respond_with_data(
            (FIX / name).read_bytes(), content_type="application/json"
        )
    provider = yh.YahooProvider(settings(httpserver.url_for("").rstrip("/")))
    wanted = [target("ust10y"), target("gold")]
    with caplog.at_level(logging.WARNING, logger="datafeed.providers.yahoo"):
        assert len(await fetch(provider, wanted)) == 2
    assert sorted(r.path for r, _ in httpserver.log) == [
        "/v7/finance/spark",
        "/v8/finance/chart/GC=F",
        "/v8/finance/chart/^TNX",
    ]
    assert "not JSON" in caplog.text and "consent" in caplog.text and "next 60 min" in caplog.text
    httpserver.clear_log()
    clock[0] += yh.SPARK_RETRY - 60
    assert len(await fetch(provider, wanted)) == 2  # still resting: chart only
    assert sorted(r.path for r, _ in httpserver.log) == ["/v8/finance/chart/GC=F", "/v8/finance/chart/^TNX"]
    httpserver.clear_log()
    clock[0] += 120
    await fetch(provider, wanted)  # rested: spark is tried again
    assert httpserver.log[0][0].path == "/v7/finance/spark"


async def test_spark_401_fetches_cookie_and_crumb_then_retries_once(httpserver: HTTPServer) -> None:
    query = {"symbols": "GC=F,^TNX", "range": "1d", "interval": "5m"}
    httpserver.expect_ordered_request("/v7/finance/spark", query_string=query).respond_with_data(
        (FIX / "error-invalid-crumb.json").read_bytes(), status=401, content_type="application/json"
    )
    httpserver.expect_ordered_request("/fc").respond_with_data(
        "not found", status=404, headers={"Set-Cookie": "A3=d=AQABBspark; Path=/"}
    )
    httpserver.expect_ordered_request("/v1/test/getcrumb", headers={"Cookie": "A3=d=AQABBspark"}).respond_with_data(
        "Sp4rkCrumb9", content_type="text/plain"
    )
    httpserver.expect_ordered_request(
        "/v7/finance/spark", query_string={**query, "crumb": "Sp4rkCrumb9"}
    ).respond_with_data((FIX / "spark-TNX-GCF-VIX.json").read_bytes(), content_type="application/json")
    provider = yh.YahooProvider(settings(httpserver.url_for("").rstrip("/"), cookie_url=httpserver.url_for("/fc")))
    got = await fetch(provider, [target("ust10y"), target("gold")])
    httpserver.check_assertions()
    assert len(httpserver.log) == 4
    assert sorted(o.instrument for o in got) == ["gold", "ust10y"]


async def test_spark_401_behind_the_cache_proxy_is_reported_without_a_cookie_dance(httpserver: HTTPServer) -> None:
    """Behind a desk's shared cache (datafeed.proxy) a crumb cannot travel: the spark request's
    401 is one transient error for the job, with no cookie or crumb request around it."""
    httpserver.expect_request("/v7/finance/spark").respond_with_data(
        (FIX / "error-invalid-crumb.json").read_bytes(), status=401, content_type="application/json"
    )
    provider = yh.YahooProvider(settings(httpserver.url_for("").rstrip("/"), via_cache_proxy=True))
    http = HttpContext(FeedSettings(sources={}, retries=1))
    try:
        with pytest.raises(FetchError) as info:
            await provider.fetch(http, [target("ust10y"), target("gold")], SINCE)
    finally:
        await http.aclose()
    assert info.value.transient and "spark (2 symbols): HTTP 401 (crumb required) through the cache proxy" in str(
        info.value.message
    )
    assert [r.path for r, _ in httpserver.log] == ["/v7/finance/spark"]


async def test_spark_429_pauses_every_yahoo_request(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v7/finance/spark").respond_with_data(
        "Too Many Requests", status=429, content_type="text/plain"
    )
    provider = yh.YahooProvider(settings(httpserver.url_for("").rstrip("/"), cooldown=90))
    http = HttpContext(FeedSettings(sources={}, retries=1))
    try:
        with pytest.raises(RateLimited) as info:
            await provider.fetch(http, [target("ust10y"), target("gold"), target("vix")], SINCE)
        assert info.value.retry_after == 90 and "pausing Yahoo" in info.value.message
        with pytest.raises(RateLimited, match="paused"):
            await provider.fetch(http, [target("spx")], SINCE)  # a lone chart request waits too
        with pytest.raises(RateLimited, match="paused"):
            await provider.fetch(http, [target("ust10y"), target("gold")], SINCE)
    finally:
        await http.aclose()
    assert [r.path for r, _ in httpserver.log] == ["/v7/finance/spark"]  # nothing asked after the 429


async def test_a_spark_5xx_fails_the_job_without_eleven_chart_requests(httpserver: HTTPServer) -> None:
    """Yahoo down (503 after the retries) is no reason to ask each symbol: chart would fare no
    better; the job fails as a whole and backs off (transient)."""
    httpserver.expect_request("/v7/finance/spark").respond_with_data("upstream", status=503)
    provider = yh.YahooProvider(settings(httpserver.url_for("").rstrip("/")))
    http = HttpContext(FeedSettings(sources={}, retries=1))
    try:
        with pytest.raises(FetchError) as info:
            await provider.fetch(http, [target("ust10y"), target("gold"), target("vix")], SINCE)
    finally:
        await http.aclose()
    assert info.value.transient and not isinstance(info.value, PartialFetch) and "503" in info.value.message
    assert [r.path for r, _ in httpserver.log] == ["/v7/finance/spark"]


async def test_batch_false_in_the_config_asks_one_chart_per_symbol(
    loopback: tuple[LoopbackMarket, str], tmp_path: Path
) -> None:
    from tui.config import load_config

    m, base = loopback
    wanted = [target("ust10y"), target("gold"), target("vix")]
    for batch, expected in (
        ("false", ["/v8/finance/chart/GC=F", "/v8/finance/chart/^TNX", "/v8/finance/chart/^VIX"]),
        ("true", ["/v7/finance/spark"]),
    ):
        cfg = tmp_path / f"{batch}.toml"
        cfg.write_text(f'[sources.yahoo]\nbase_url = "{base}"\nmin_interval = 0.0\nbatch = {batch}\n')
        yahoo = load_config(str(cfg)).feed.sources["yahoo"]
        m.reset_counts()
        assert len(await fetch(yh.YahooProvider(yahoo), wanted)) == 3
        assert sorted(paths(m)) == expected, batch


# --- sanitising ------------------------------------------------------------------------------

HOSTILE = "\x1b]52;c;cm0gLXJm\x07\x1b[2J\u202eevil"


def hostile_result() -> dict[str, Any]:
    result: dict[str, Any] = json.loads((FIX / "chart-TNX.json").read_text())["chart"]["result"][0]
    result["meta"]["exchangeTimezoneName"] = HOSTILE
    result["indicators"]["quote"][0]["close"][-3] = HOSTILE
    return result


def clean(text: str) -> bool:
    return not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in text)


async def test_hostile_text_in_a_spark_body_is_sanitised_like_a_chart_body(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    spark = json.loads((FIX / "spark-TNX-GCF-VIX.json").read_text())
    spark["spark"]["result"][0]["response"] = [hostile_result()]  # ^TNX
    with pytest.raises(ParseError) as by_chart:
        yh.parse_chart({"chart": {"result": [hostile_result()], "error": None}}, "^TNX")
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/v7/finance/spark").respond_with_json(spark)
    failed = await partial(yh.YahooProvider(settings(base)), [target("ust10y"), target("gold")])
    assert failed.failures["ust10y"].message == by_chart.value.message  # the same parser, the same words
    assert clean(failed.failures["ust10y"].message) and "^TNX" in failed.failures["ust10y"].message
    assert [o.instrument for o in observations(failed.fetched)] == ["gold"]
    # Yahoo's own error text in a spark envelope (logged when spark is set aside) is sanitised too
    httpserver.clear()
    envelope = {"spark": {"result": None, "error": {"code": HOSTILE, "description": HOSTILE}}}
    httpserver.expect_request("/v7/finance/spark").respond_with_json(envelope)
    for symbol, name in (("^TNX", "chart-TNX.json"), ("GC=F", "chart-GCF.json")):
        httpserver.expect_request(f"/v8/finance/chart/{symbol}").respond_with_data(
            (FIX / name).read_bytes(), content_type="application/json"
        )
    with caplog.at_level(logging.INFO, logger="datafeed.providers.yahoo"):
        assert len(await fetch(yh.YahooProvider(settings(base)), [target("ust10y"), target("gold")])) == 2
    (record,) = [r for r in caplog.records if "spark refused" in r.getMessage()]
    assert "evil" in record.getMessage() and clean(record.getMessage())


# --- through the feed ------------------------------------------------------------------------


async def _refresh_quotes(
    m: LoopbackMarket, instruments: list[str], **feed_args: Any
) -> tuple[Feed, SeriesStore, Any, FeedSettings]:
    """One forced pass of a feed of ``instruments``' quotes against ``m`` (started and stopped here)."""
    yahoo = settings(m.start())
    feed_settings = FeedSettings(sources={"yahoo": yahoo}, retries=1)
    store = SeriesStore(today=lambda: m.session)
    http = HttpContext(feed_settings)
    try:
        feed = Feed(
            store,
            feed_settings,
            http,
            providers={"yahoo": yh.YahooProvider(yahoo)},
            instruments=instruments,
            market_open=lambda now: True,
            **feed_args,
        )
        report = await feed.refresh(force=True)
    finally:
        await http.aclose()
        m.stop()
    return feed, store, report, feed_settings


async def test_feed_runs_one_quote_job_and_one_bad_symbol_fails_only_its_row() -> None:
    m = UnknownDxy()
    feed, store, report, feed_settings = await _refresh_quotes(m, list(QUOTES))
    assert len(feed.intraday_jobs) == 1 and feed.intraday_jobs[0].key == "yahoo/spark"
    assert report.ok == 1 and report.failed == 0
    assert sorted(paths(m)) == ["/v7/finance/spark"] + sorted(
        "/v8/finance/chart/" + catalog.get(i).intraday.series  # type: ignore[union-attr]
        for i in QUOTES
    )
    dxy = store.state["dxy"]
    assert dxy.status is Status.ERROR and dxy.error_source == "yahoo:DX-Y.NYB"
    assert dxy.last_error == "yahoo: DX-Y.NYB: not found (HTTP 404; symbol mistyped or delisted)"
    for inst in QUOTES:
        if inst != "dxy":
            quote = store.intraday_quote(inst)
            assert quote is not None and quote.value == pytest.approx(m.quote(inst)), inst
            assert store.state[inst].last_error is None, inst
    now = dt.datetime.now(dt.UTC)
    (health,) = source_health(
        feed_settings.sources, feed.all_jobs, store, now, 0.0, True, intraday_jobs=feed.intraday_jobs
    )
    assert health.state == "ok" and health.note.startswith("1/11 failing") and "DX-Y.NYB" in (health.error or "")


async def test_a_set_aside_symbols_row_says_when_it_is_asked_again() -> None:
    """The delisted symbol's row is tried again when the provider will ask it (GONE_FIRST),
    not at the quote job's next poll (60 s here)."""
    before = dt.datetime.now(dt.UTC)
    _feed, store, _report, _ = await _refresh_quotes(UnknownDxy(), ["dxy", "vix", "gold"], intraday_refresh=60.0)
    retry = store.state["dxy"].next_retry
    assert retry is not None
    assert yh.GONE_FIRST - 5 <= (retry - before).total_seconds() <= yh.GONE_FIRST + 30


async def test_feed_with_batch_false_runs_a_job_per_symbol(tmp_path: Path) -> None:
    from tui.config import load_config

    cfg = tmp_path / "c.toml"
    cfg.write_text("[sources.yahoo]\nbatch = false\n")
    feed_settings = load_config(str(cfg)).feed
    yahoo = feed_settings.sources["yahoo"]
    feed = Feed(
        SeriesStore(),
        feed_settings,
        HttpContext(feed_settings),
        providers={"yahoo": yh.YahooProvider(yahoo)},
        instruments=list(QUOTES),
    )
    assert len(feed.intraday_jobs) == 11
    assert sorted(j.key for j in feed.intraday_jobs)[0] == "yahoo/CHF=X"


async def test_a_job_whose_every_symbol_failed_backs_off_each_row_with_its_own_reason() -> None:
    class Delisted(LoopbackMarket):
        def _yahoo_inst(self, symbol: str) -> str | None:
            return None if symbol in ("DX-Y.NYB", "^VIX") else super()._yahoo_inst(symbol)

    feed, store, report, _ = await _refresh_quotes(Delisted(), ["dxy", "vix"])
    (job,) = feed.intraday_jobs
    assert report.failed == 1 and job.failures == 1 and job.failed_for_good
    for inst, symbol in (("dxy", "DX-Y.NYB"), ("vix", "^VIX")):
        assert store.state[inst].status is Status.ERROR
        assert store.state[inst].last_error == f"yahoo: {symbol}: not found (HTTP 404; symbol mistyped or delisted)"


async def _record_or_replay(transport: Any, yahoo: SourceSettings, replay: Any = None) -> dict[str, float]:
    from datafeed.recording import attach_replay, make_client

    feed_settings = FeedSettings(sources={"yahoo": yahoo}, retries=1)
    client = make_client(feed_settings, transport)
    http = HttpContext(feed_settings, client=client)
    store = SeriesStore()
    feed = Feed(
        store,
        feed_settings,
        http,
        providers={"yahoo": yh.YahooProvider(yahoo)},
        instruments=list(QUOTES),
        market_open=lambda now: True,
    )
    if replay is not None:
        attach_replay(feed, replay)
    try:
        report = await feed.refresh(force=True)
    finally:
        await http.aclose()
        await client.aclose()
    assert report.failed == 0, report.errors
    quotes = {i: store.intraday_quote(i) for i in QUOTES}
    return {i: q.value for i, q in quotes.items() if q is not None}


@pytest.mark.parametrize("recorded_with", ["spark", "chart"])
async def test_recordings_replay_with_spark_and_from_before_it(tmp_path: Path, recorded_with: str) -> None:
    """A recording of spark replays as is; one made before spark (chart requests only) still
    replays: the spark request it lacks is a replay miss (404), and the symbols fall back to chart."""
    from datafeed.recording import RecordingTransport, ReplayTransport, replay_settings

    m = LoopbackMarket()
    base = m.start()
    try:
        live = await _record_or_replay(
            RecordingTransport(tmp_path / "rec"), settings(base, batch=recorded_with == "spark")
        )
    finally:
        m.stop()
    assert len(live) == 11
    replay = ReplayTransport(tmp_path / "rec", speed=0)
    yahoo = replay_settings(FeedSettings(sources={"yahoo": settings(base)})).sources["yahoo"]
    assert await _record_or_replay(replay, yahoo, replay) == live
    assert [key.split("?")[0] for key in replay.misses] == (
        [] if recorded_with == "spark" else ["GET /v7/finance/spark"]
    )
