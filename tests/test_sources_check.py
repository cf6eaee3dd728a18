"""Tests ``check_sources``: per-source latency, last date and errors, disabled sources."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from datafeed.catalog import Instrument, SourceRef
from datafeed.errors import FetchError, ParseError
from datafeed.http import HttpContext
from datafeed.models import Observation
from datafeed.providers import Provider, Target, nyfed
from datafeed.settings import FeedSettings, SourceSettings
from datafeed.sources_check import SourceCheck, check_sources, representative
from tests.loopback_market import LoopbackMarket

TODAY = dt.date(2025, 3, 5)
FIX = Path(__file__).resolve().parent / "fixtures"
calls: list[tuple[str, str, dt.date]] = []


class GoodProvider(Provider):
    name = "nyfed"

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Observation]:
        t = targets[0]
        calls.append((self.settings.name, t.ref.tag, since))
        await asyncio.sleep(0.01)
        return [Observation(t.instrument, d, 4.3, t.ref.tag) for d in (dt.date(2025, 3, 3), dt.date(2025, 3, 4))]


class EmptyProvider(Provider):
    name = "ecb"

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Observation]:
        return []


class FailingProvider(Provider):
    name = "boj"

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Observation]:
        raise FetchError("boj: HTTP 503 from host/api?api_key=sekrit1234", transient=True)


class BrokenProvider(Provider):
    name = "mof"

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Observation]:
        raise KeyError("10Y")


class BadBodyProvider(Provider):
    name = "treasury"

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Observation]:
        raise ParseError("treasury: no Date column")


def feed(**enabled: bool) -> FeedSettings:
    return FeedSettings(sources={n: SourceSettings.default(n, enabled=on, min_interval=0) for n, on in enabled.items()})


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    calls.clear()


def by_source(results: list[SourceCheck]) -> dict[str, SourceCheck]:
    return {r.source: r for r in results}


async def test_each_source_reports_ok_latency_and_last_date() -> None:
    settings = feed(nyfed=True, ecb=True, boj=True, mof=True, treasury=True, bundesbank=False, yahoo=True)
    providers: dict[str, type[Provider]] = {
        "nyfed": GoodProvider,
        "ecb": EmptyProvider,
        "boj": FailingProvider,
        "mof": BrokenProvider,
        "treasury": BadBodyProvider,
        "bundesbank": GoodProvider,
    }
    http = HttpContext(FeedSettings.default())
    try:
        results = await check_sources(settings, http, providers, today=TODAY)
    finally:
        await http.aclose()
    assert [r.source for r in results] == list(settings.sources)  # config order
    r = by_source(results)

    assert r["nyfed"] == SourceCheck(
        "nyfed", True, True, r["nyfed"].latency_ms, dt.date(2025, 3, 4), "nyfed:SOFR: 2 obs"
    )
    assert r["nyfed"].latency_ms is not None and r["nyfed"].latency_ms >= 5
    assert calls == [("nyfed", "nyfed:SOFR", TODAY - dt.timedelta(days=30))]

    assert r["ecb"].ok and r["ecb"].last_date is None
    assert r["ecb"].detail == "ecb:EST.B.EU000A2X2A25.WT: answered, no data since 2025-02-03"

    assert not r["boj"].ok and r["boj"].last_date is None and r["boj"].latency_ms is not None
    assert "HTTP 503" in r["boj"].detail and "sekrit" not in r["boj"].detail

    assert not r["mof"].ok and r["mof"].detail.startswith("mof:2Y: unexpected KeyError")
    assert not r["treasury"].ok and r["treasury"].detail == "treasury:1 Mo: treasury: no Date column"

    assert r["bundesbank"] == SourceCheck("bundesbank", False, True, None, None, "disabled")
    assert r["yahoo"].ok and r["yahoo"].enabled and "no provider" in r["yahoo"].detail


async def test_source_unused_by_the_catalog_is_skipped() -> None:
    only_fred = (Instrument("x", "X", "%", "bp", (SourceRef("fred", "X"),), 0.0, 1.0),)
    http = HttpContext(FeedSettings.default())
    try:
        results = await check_sources(
            feed(nyfed=True), http, {"nyfed": GoodProvider}, today=TODAY, instruments=only_fred
        )
    finally:
        await http.aclose()
    assert results == [SourceCheck("nyfed", True, True, None, None, "skipped: no instrument uses this source")]
    assert calls == []


def test_representative_series_is_the_first_catalog_instrument_using_the_source() -> None:
    assert representative("nyfed") == Target("sofr", SourceRef("nyfed", "SOFR", "daily", 2))
    fred = representative("fred")
    assert fred is not None and (fred.instrument, fred.ref.series) == ("ust1m", "DGS1MO")
    yahoo = representative("yahoo")  # intraday-only source
    assert yahoo is not None and (yahoo.instrument, yahoo.ref.series) == ("ust3m", "^IRX")
    assert representative("nosuch") is None


async def test_monthly_series_look_back_further() -> None:
    monthly = (Instrument("m", "M", "%", "bp", (SourceRef("nyfed", "SOFR", "monthly", 45),), 0.0, 9.0),)
    http = HttpContext(FeedSettings.default())
    try:
        await check_sources(feed(nyfed=True), http, {"nyfed": GoodProvider}, today=TODAY, instruments=monthly)
    finally:
        await http.aclose()
    assert calls == [("nyfed", "nyfed:SOFR", TODAY - dt.timedelta(days=120))]


async def test_real_provider_against_a_loopback_server(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nyfed, "_today_ny", lambda: TODAY)
    httpserver.expect_request(
        "/api/rates/secured/sofr/search.json",
        query_string={"startDate": "2025-02-03", "endDate": "2025-03-05"},
    ).respond_with_data((FIX / "nyfed" / "sofr-search.json").read_bytes(), content_type="application/json")
    base = httpserver.url_for("").rstrip("/")
    settings = FeedSettings(
        sources={
            "nyfed": SourceSettings.default("nyfed", base_url=base, min_interval=0),
            "ecb": SourceSettings.default("ecb", enabled=False),
        }
    )
    http = HttpContext(FeedSettings.default())
    try:
        results = await check_sources(settings, http, {"nyfed": nyfed.NyFedProvider}, today=TODAY)
    finally:
        await http.aclose()
    httpserver.check_assertions()
    first, second = results
    assert (first.source, first.ok, first.last_date, first.detail) == (
        "nyfed",
        True,
        dt.date(2025, 3, 4),
        "nyfed:SOFR: 4 obs",
    )
    assert first.latency_ms is not None and first.latency_ms > 0
    assert second == SourceCheck("ecb", False, True, None, None, "disabled")


async def test_unreachable_source_fails_with_a_one_line_reason() -> None:
    settings = FeedSettings(
        sources={"nyfed": SourceSettings.default("nyfed", base_url="http://127.0.0.1:9", min_interval=0)}
    )
    http = HttpContext(FeedSettings.default(), deadline=None)
    http.sleep = _no_sleep
    try:
        (result,) = await check_sources(settings, http, {"nyfed": nyfed.NyFedProvider}, today=TODAY)
    finally:
        await http.aclose()
    assert not result.ok and result.enabled and result.last_date is None
    assert result.detail.startswith("nyfed:SOFR: ") and "\n" not in result.detail


async def _no_sleep(_: float) -> None:
    return None


async def _check_yahoo(market: LoopbackMarket) -> SourceCheck:
    """``check_sources`` of Yahoo alone against ``market`` (started and stopped here)."""
    from datafeed.providers.yahoo import YahooProvider

    base = market.start()
    settings = FeedSettings(sources={"yahoo": SourceSettings.default("yahoo", base_url=base, min_interval=0)})
    http = HttpContext(FeedSettings.default())
    try:
        (result,) = await check_sources(settings, http, {"yahoo": YahooProvider}, today=market.session)
    finally:
        await http.aclose()
        market.stop()
    return result


async def test_yahoo_is_checked_with_the_request_the_feed_sends() -> None:
    """Every quote symbol in one spark request (as the feed asks), not one symbol's chart."""
    market = LoopbackMarket()
    result = await _check_yahoo(market)
    assert [path.split("?")[0] for path, _ in market.requests] == ["/v7/finance/spark"]
    assert result.ok and result.detail == "yahoo:^IRX (+10 asked with it): 11 obs"
    assert result.last_date == market.session


async def test_yahoo_with_one_companion_delisted_is_ok_and_says_which_failed() -> None:
    """The batch answered and the representative symbol with it: the source is up; the detail
    names the one symbol that failed (it was reported as a failed source)."""

    class UnknownDxy(LoopbackMarket):
        def _yahoo_inst(self, symbol: str) -> str | None:
            return None if symbol == "DX-Y.NYB" else super()._yahoo_inst(symbol)

    result = await _check_yahoo(UnknownDxy())
    assert result.ok, result.detail
    assert result.detail.startswith(
        "yahoo:^IRX (+10 asked with it): 10 obs; 1 of 11 failed: yahoo: DX-Y.NYB: not found"
    )
