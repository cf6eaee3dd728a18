"""Tests the Bundesbank BBK-CSV parser and provider on handmade bodies in both dialects."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer

from datafeed import catalog
from datafeed.errors import FetchError, ParseError
from datafeed.http import HttpContext
from datafeed.models import RawPoint, observations
from datafeed.providers import Target, registry
from datafeed.providers import bundesbank as bb
from datafeed.settings import FeedSettings, SourceSettings

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "bundesbank"
CODE = "BBSIS.D.I.ZST.ZI.EUR.S1311.B.A604.R10XX.R.A.A._Z._Z.A"


def body(name: str) -> bytes:
    return (FIX / name).read_bytes()


def bund_target() -> Target:
    ref = next(s for s in catalog.get("bund10y").sources if s.source == "bundesbank")
    return Target("bund10y", ref)


# --- parser -------------------------------------------------------------------------------


def test_german_dialect_bom_semicolons_decimal_comma() -> None:
    raw = body("bund10y-daily-de.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    points = bb.parse_bbk_csv(raw, CODE)
    assert points == [
        RawPoint(dt.date(2025, 2, 28), 2.41),
        RawPoint(dt.date(2025, 3, 3), 2.49),
        RawPoint(dt.date(2025, 3, 4), 2.55),
        RawPoint(dt.date(2025, 3, 5), 2.84),
    ]


def test_weekend_dots_flagged_kein_wert_are_missing() -> None:
    dates = {p.date for p in bb.parse_bbk_csv(body("bund10y-daily-de.csv"))}
    assert dt.date(2025, 3, 1) not in dates and dt.date(2025, 3, 2) not in dates


def test_english_dialect_commas_decimal_point_shorter_preamble() -> None:
    points = bb.parse_bbk_csv(body("bund10y-daily-en.csv"), CODE)
    assert [p.date for p in points] == [dt.date(2025, 3, d) for d in (3, 4, 5)]
    assert points[-1].value == 2.84  # 2025-03-06 is "." / No value available


def test_monthly_periods_are_dated_the_first_and_negatives_kept() -> None:
    points = bb.parse_bbk_csv(body("bund10y-monthly-de.csv"))
    assert points[0] == RawPoint(dt.date(2019, 11, 1), -0.31)
    assert [p.value for p in points] == [-0.31, -0.26, -0.31]


def test_flag_alone_marks_a_value_missing_and_rows_come_out_oldest_first() -> None:
    raw = '"";K;K_FLAGS\nEinheit;Prozent;\n2025-03-04;2,55;\n2025-03-03;2,49;\n2025-03-05;0,00;Kein Wert vorhanden\n'
    assert bb.parse_bbk_csv(raw) == [RawPoint(dt.date(2025, 3, 3), 2.49), RawPoint(dt.date(2025, 3, 4), 2.55)]


def test_preamble_without_rows_is_an_empty_series() -> None:
    raw = body("bund10y-daily-de.csv").split(b"2025-02-28")[0]
    assert bb.parse_bbk_csv(raw) == []


def test_series_column_is_chosen_by_key_when_several_are_returned() -> None:
    raw = '"";A.X;A.X_FLAGS;A.Y;A.Y_FLAGS\n2025-03-03;1,00;;2,00;\n'
    assert bb.parse_bbk_csv(raw, "A.Y") == [RawPoint(dt.date(2025, 3, 3), 2.0)]
    assert bb.parse_bbk_csv(raw) == [RawPoint(dt.date(2025, 3, 3), 1.0)]


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (b"", "empty"),
        (b'<?xml version="1.0"?><message:Error/>', "instead of BBK-CSV"),
        (b'{"errors": []}', "instead of BBK-CSV"),
        (b"just one line without separators", "separator"),
        (b'"";K;K_FLAGS\n2025-03-03;zwei;\n', "not a number"),
    ],
)
def test_malformed_bodies_raise_parse_errors(raw: bytes, needle: str) -> None:
    with pytest.raises(ParseError, match=needle):
        bb.parse_bbk_csv(raw)


def test_catalog_code_splits_into_flow_and_key() -> None:
    assert bund_target().ref.series == CODE
    assert bb.split_series(CODE) == ("BBSIS", "D.I.ZST.ZI.EUR.S1311.B.A604.R10XX.R.A.A._Z._Z.A")
    assert (
        bb.series_url("https://x", CODE) == "https://x/rest/data/BBSIS/D.I.ZST.ZI.EUR.S1311.B.A604.R10XX.R.A.A._Z._Z.A"
    )
    with pytest.raises(ValueError):
        bb.split_series("BBSIS")


# --- provider -----------------------------------------------------------------------------


def test_registered_with_history_covering_every_crisis_window() -> None:
    provider = registry()["bundesbank"](SourceSettings.default("bundesbank"))
    ref = bund_target().ref
    assert provider.history_start(ref) <= dt.date(2008, 9, 12)
    assert provider.incremental_start(dt.date(2025, 3, 5), ref) == dt.date(2025, 2, 19)


@pytest.mark.asyncio
async def test_fetch_against_a_loopback_server(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/rest/data/BBSIS/D.I.ZST.ZI.EUR.S1311.B.A604.R10XX.R.A.A._Z._Z.A",
        method="GET",
        query_string={"format": "csv", "lang": "en", "startPeriod": "2025-03-04"},
    ).respond_with_data(body("bund10y-daily-en.csv"), content_type="text/csv; charset=UTF-8")
    settings = SourceSettings.default("bundesbank", base_url=httpserver.url_for("").rstrip("/"))
    http = HttpContext(FeedSettings.default())
    try:
        obs = await bb.BundesbankProvider(settings).fetch(http, [bund_target()], dt.date(2025, 3, 4))
        obs = observations(obs)
    finally:
        await http.aclose()
    httpserver.check_assertions()
    assert len(httpserver.log) == 1
    # The body also holds 2025-03-03 (the service may ignore startPeriod): dropped here.
    assert [(o.date, o.value) for o in obs] == [(dt.date(2025, 3, 4), 2.55), (dt.date(2025, 3, 5), 2.84)]
    assert {(o.instrument, o.source, o.intraday) for o in obs} == {("bund10y", f"bundesbank:{CODE}", False)}


@pytest.mark.asyncio
async def test_unknown_key_404_and_xml_error_body_are_mapped() -> None:
    provider = bb.BundesbankProvider(SourceSettings.default("bundesbank", base_url="http://mirror.test"))

    def not_found(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, text="<message:Error>No results found.</message:Error>")

    http = HttpContext(
        FeedSettings(sources={}, retries=1), client=httpx.AsyncClient(transport=httpx.MockTransport(not_found))
    )
    with pytest.raises(FetchError) as info:
        await provider.fetch(http, [bund_target()], dt.date(2025, 3, 4))
    assert "HTTP 404" in info.value.message and not info.value.transient

    def xml_ok(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text='<?xml version="1.0"?><message:StructureSpecificData/>')

    http = HttpContext(
        FeedSettings(sources={}, retries=1), client=httpx.AsyncClient(transport=httpx.MockTransport(xml_ok))
    )
    with pytest.raises(ParseError):
        await provider.fetch(http, [bund_target()], dt.date(2025, 3, 4))


# --- the period the body declares ---------------------------------------------------------


MONTHLY_ERROR = f"bundesbank: answer is monthly (P1M), expected daily for {CODE}"


def test_a_body_declaring_another_period_than_the_catalogs_is_refused() -> None:
    with pytest.raises(ParseError) as info:
        bb.parse_bbk_csv(body("bund10y-monthly-de.csv"), series=CODE, frequency="daily")
    assert info.value.message == MONTHLY_ERROR
    # The period that matches is read as before, in both dialects.
    monthly = bb.parse_bbk_csv(body("bund10y-monthly-de.csv"), frequency="monthly")
    assert monthly[0] == RawPoint(dt.date(2019, 11, 1), -0.31)
    assert bb.parse_bbk_csv(body("bund10y-daily-en.csv"), series=CODE, frequency="daily")
    with pytest.raises(ParseError, match=r"answer is daily \(P1D\), expected monthly"):
        bb.parse_bbk_csv(body("bund10y-daily-en.csv"), frequency="monthly")


def test_without_a_declared_period_month_periods_cannot_serve_a_daily_series() -> None:
    text = '"";BBSIS.M.X;BBSIS.M.X_FLAGS\nEinheit;Prozent;\n2025-06;2,65;\n2025-07;2,75;\n'
    with pytest.raises(ParseError, match=r"answer is monthly \(YYYY-MM periods\), expected daily"):
        bb.parse_bbk_csv(text, frequency="daily")
    assert [p.value for p in bb.parse_bbk_csv(text, frequency="monthly")] == [2.65, 2.75]


@pytest.mark.asyncio
async def test_a_monthly_answer_for_the_daily_series_is_one_clear_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rest/data/BBSIS/D.I.ZST.ZI.EUR.S1311.B.A604.R10XX.R.A.A._Z._Z.A").respond_with_data(
        body("bund10y-monthly-de.csv"), content_type="text/csv; charset=UTF-8"
    )
    settings = SourceSettings.default("bundesbank", base_url=httpserver.url_for("").rstrip("/"))
    http = HttpContext(FeedSettings.default())
    try:
        with pytest.raises(ParseError) as info:
            await bb.BundesbankProvider(settings).fetch(http, [bund_target()], dt.date(2019, 1, 1))
    finally:
        await http.aclose()
    assert len(httpserver.log) == 1
    assert info.value.message == MONTHLY_ERROR
