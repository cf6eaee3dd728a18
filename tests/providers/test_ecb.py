"""Tests the ECB Data Portal €STR parser and provider on handmade ``csvdata`` bodies."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer

from datafeed import catalog
from datafeed.errors import FetchError, ParseError
from datafeed.http import HttpContext
from datafeed.models import RawPoint, observations
from datafeed.providers import Target, ecb, registry
from datafeed.settings import FeedSettings, SourceSettings

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "ecb"
SERIES = "EST.B.EU000A2X2A25.WT"


def text(name: str) -> str:
    return (FIX / name).read_text(encoding="utf-8")


def estr_target() -> Target:
    ref = next(s for s in catalog.get("estr").sources if s.source == "ecb")
    return Target("estr", ref)


# --- parser -------------------------------------------------------------------------------


def test_full_layout_reads_columns_by_name_despite_quoted_commas() -> None:
    raw = text("estr-full.csv")
    assert '"ESA 2010 Sectors: S.121, S.122' in raw  # commas inside quotes would shift a naive split
    points = ecb.parse_csvdata(raw, SERIES)
    assert points == [
        RawPoint(dt.date(2021, 12, 30), -0.583),
        RawPoint(dt.date(2021, 12, 31), -0.581),
        RawPoint(dt.date(2022, 1, 4), -0.578),
    ]


def test_empty_obs_value_is_missing_not_zero() -> None:
    dates = {p.date for p in ecb.parse_csvdata(text("estr-full.csv"), SERIES)}
    assert dt.date(2022, 1, 3) not in dates


def test_key_filter_drops_other_series_in_the_same_body() -> None:
    everything = ecb.parse_csvdata(text("estr-full.csv"))
    assert RawPoint(dt.date(2022, 1, 4), 38021.0) in everything  # TT row read without the filter
    volumes = ecb.parse_csvdata(text("estr-full.csv"), "EST.B.EU000A2X2A25.TT")
    assert volumes == [RawPoint(dt.date(2022, 1, 4), 38021.0)]


def test_dataonly_layout_with_crlf_and_bom() -> None:
    raw = "\ufeff" + text("estr-dataonly.csv")
    assert ecb.parse_csvdata(raw, SERIES) == [
        RawPoint(dt.date(2025, 3, 3), 2.663),
        RawPoint(dt.date(2025, 3, 4), 2.662),
        RawPoint(dt.date(2025, 3, 5), 2.657),
    ]


def test_columns_in_another_order_still_work() -> None:
    raw = "OBS_VALUE,TIME_PERIOD,KEY\n1.5,2025-01-02,X\n"
    assert ecb.parse_csvdata(raw) == [RawPoint(dt.date(2025, 1, 2), 1.5)]


def test_empty_body_is_no_data() -> None:
    assert ecb.parse_csvdata("") == []
    assert ecb.parse_csvdata("KEY,TIME_PERIOD,OBS_VALUE\n") == []


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        ("<html>Maintenance</html>\n", "TIME_PERIOD/OBS_VALUE"),
        ("KEY,DATE,VALUE\nX,2025-01-02,1\n", "TIME_PERIOD/OBS_VALUE"),
        ("TIME_PERIOD,OBS_VALUE\n2025-01-02,abc\n", "bad row"),
        ("TIME_PERIOD,OBS_VALUE\n02.01.2025,1.0\n", "bad row"),
    ],
)
def test_malformed_bodies_raise_one_line_parse_errors(raw: str, match: str) -> None:
    with pytest.raises(ParseError, match=match) as info:
        ecb.parse_csvdata(raw)
    assert "\n" not in info.value.message


@pytest.mark.parametrize(
    ("period", "expected"),
    [("2025-03-04", dt.date(2025, 3, 4)), ("2025-03", dt.date(2025, 3, 1)), ("2025-Q2", dt.date(2025, 4, 1))],
)
def test_sdmx_periods(period: str, expected: dt.date) -> None:
    assert ecb.parse_period(period) == expected


def test_series_code_splits_into_flow_and_key() -> None:
    assert ecb.split_series(SERIES) == ("EST", "B.EU000A2X2A25.WT")
    with pytest.raises(FetchError, match="<flow>.<key>") as info:
        ecb.split_series("ESTR")
    assert info.value.transient is False


def test_provider_is_registered_and_history_starts_with_estr() -> None:
    assert registry()["ecb"] is ecb.EcbProvider
    provider = ecb.EcbProvider(SourceSettings.default("ecb"))
    assert provider.history_start(estr_target().ref) == dt.date(2019, 10, 1)
    assert provider.data_url(SERIES) == "https://data-api.ecb.europa.eu/service/data/EST/B.EU000A2X2A25.WT"


# --- real HTTP ----------------------------------------------------------------------------


async def test_fetch_against_a_loopback_server(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/service/data/EST/B.EU000A2X2A25.WT",
        method="GET",
        query_string={"format": "csvdata", "startPeriod": "2025-03-04", "detail": "dataonly"},
    ).respond_with_data(text("estr-dataonly.csv"), content_type="text/csv; charset=utf-8")
    settings = SourceSettings.default("ecb", base_url=httpserver.url_for("").rstrip("/"), min_interval=0)
    http = HttpContext(FeedSettings.default())
    try:
        obs = await ecb.EcbProvider(settings).fetch(http, [estr_target()], dt.date(2025, 3, 4))
        obs = observations(obs)
    finally:
        await http.aclose()
    httpserver.check_assertions()
    # The server ignored startPeriod and sent 3 March too: the provider still honours it.
    assert [(o.instrument, o.date, o.value, o.source) for o in obs] == [
        ("estr", dt.date(2025, 3, 4), 2.662, "ecb:EST.B.EU000A2X2A25.WT"),
        ("estr", dt.date(2025, 3, 5), 2.657, "ecb:EST.B.EU000A2X2A25.WT"),
    ]


async def test_http_404_means_no_data(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/service/data/EST/B.EU000A2X2A25.WT").respond_with_data(
        "No results found", status=404, content_type="text/plain"
    )
    settings = SourceSettings.default("ecb", base_url=httpserver.url_for("").rstrip("/"), min_interval=0)
    http = HttpContext(FeedSettings.default())
    try:
        assert observations(await ecb.EcbProvider(settings).fetch(http, [estr_target()], dt.date(2030, 1, 1))) == []
    finally:
        await http.aclose()
    assert http.requests == 1  # 404 is final: no retries


async def test_other_http_errors_still_raise() -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(400, text="Bad key")))
    settings = dataclasses.replace(FeedSettings.default(), retries=1)
    http = HttpContext(settings, client=client)
    with pytest.raises(FetchError, match="HTTP 400") as info:
        await ecb.EcbProvider(SourceSettings.default("ecb")).fetch(http, [estr_target()], dt.date(2025, 3, 1))
    await client.aclose()
    assert info.value.transient is False


def test_not_found_detection_prefers_the_status_attribute() -> None:
    assert ecb._is_not_found(FetchError("ecb: not found", transient=False, status=404))
    assert not ecb._is_not_found(FetchError("ecb: HTTP 404 in a message", status=500))
    # Without a status (older errors, transport failures) the message decides.
    assert ecb._is_not_found(FetchError("ecb: HTTP 404 Not Found from host/path", transient=False))
    assert not ecb._is_not_found(FetchError("ecb: ConnectError fetching host/path 404"))
