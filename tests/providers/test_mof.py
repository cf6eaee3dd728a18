"""Tests the MOF Japan JGB CSV parser (era dates, markers, encodings) and provider."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer

from datafeed import catalog
from datafeed.errors import ParseError
from datafeed.http import HttpContext
from datafeed.models import RawPoint, observations
from datafeed.providers import Target, mof, registry
from datafeed.settings import FeedSettings, SourceSettings

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "mof"


def body(name: str) -> bytes:
    return (FIX / name).read_bytes()


def jgb(instrument: str) -> Target:
    ref = next(s for s in catalog.get(instrument).sources if s.source == "mof")
    return Target(instrument, ref)


# --- parser -------------------------------------------------------------------------------


def test_title_line_is_skipped_and_header_maps_tenors() -> None:
    cols = mof.parse_jgbcme_csv(body("jgbcme.csv"))
    assert list(cols) == [
        "1Y",
        "2Y",
        "3Y",
        "4Y",
        "5Y",
        "6Y",
        "7Y",
        "8Y",
        "9Y",
        "10Y",
        "15Y",
        "20Y",
        "25Y",
        "30Y",
        "40Y",
    ]
    assert cols["10Y"] == [
        RawPoint(dt.date(2025, 6, 2), 1.502),
        RawPoint(dt.date(2025, 6, 3), 1.511),
        RawPoint(dt.date(2025, 6, 4), 1.51),
    ]


def test_crlf_and_trailing_crlf() -> None:
    raw = body("jgbcme.csv")
    assert raw.endswith(b"\r\n") and b"\r\n" in raw
    assert len(mof.parse_jgbcme_csv(raw)["30Y"]) == 3


def test_dash_is_missing_but_negative_yields_are_values() -> None:
    cols = mof.parse_jgbcme_csv(body("jgbcme_all.csv"))
    # 1974 rows: no 10Y or longer yet, marked "-".
    assert cols["10Y"][0].date == dt.date(2016, 7, 6)
    assert cols["9Y"][0] == RawPoint(dt.date(1974, 9, 24), 8.05)
    # 2016: negative yields must not be mistaken for the "-" marker.
    assert cols["10Y"][0].value == -0.275
    assert cols["1Y"][2] == RawPoint(dt.date(2016, 7, 6), -0.301)
    # A single missing 40Y in the current-month file.
    assert dt.date(2025, 6, 3) not in {p.date for p in mof.parse_jgbcme_csv(body("jgbcme.csv"))["40Y"]}


def test_era_dates_across_showa_heisei_reiwa() -> None:
    dates = [p.date for p in mof.parse_jgbcme_csv(body("jgbcme-era.csv"))["1Y"]]
    assert dates == [
        dt.date(1974, 9, 24),  # S49.9.24
        dt.date(1988, 12, 28),  # S63.12.28
        dt.date(1989, 1, 4),  # H1.1.4
        dt.date(2019, 4, 26),  # H31.4.26
        dt.date(2019, 5, 7),  # R1.5.7
        dt.date(2025, 7, 4),  # R7.7.4
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/4/30", dt.date(2026, 4, 30)),
        ("1974/9/24", dt.date(1974, 9, 24)),
        ("2026/04/03", dt.date(2026, 4, 3)),
        ("S49.9.24", dt.date(1974, 9, 24)),
        ("H1.1.4", dt.date(1989, 1, 4)),
        ("h12.3.1", dt.date(2000, 3, 1)),
        ("R7.7.4", dt.date(2025, 7, 4)),
        ("平成31.4.30", dt.date(2019, 4, 30)),
        ("令和元.5.1", dt.date(2019, 5, 1)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
    ],
)
def test_date_forms(text: str, expected: dt.date) -> None:
    assert mof.parse_mof_date(text) == expected


@pytest.mark.parametrize("text", ["9/24/74", "2026/2/30", "X7.7.4", "R7.13.1", "2026-4"])
def test_bad_dates_raise(text: str) -> None:
    with pytest.raises(ParseError):
        mof.parse_mof_date(text)


def test_shift_jis_japanese_layout() -> None:
    raw = body("jgbcm_all-sjis.csv")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    cols = mof.parse_jgbcme_csv(raw)
    assert "10Y" in cols and "30Y" in cols
    assert cols["10Y"] == [RawPoint(dt.date(2019, 4, 26), -0.04), RawPoint(dt.date(2019, 5, 7), -0.05)]


def test_header_without_rows_and_footer_notes() -> None:
    header_only = body("jgbcme.csv").split(b"2025/6/2")[0]
    assert all(v == [] for v in mof.parse_jgbcme_csv(header_only).values())
    with_note = body("jgbcme.csv") + "※ Closing yields, compounded.\r\n".encode("cp932")
    assert len(mof.parse_jgbcme_csv(with_note)["10Y"]) == 3


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (b"", "empty"),
        (b"<html><body>Access denied</body></html>", "HTML"),
        (b"Interest Rate,,(Unit : %)\r\n2025/6/2,0.7,0.74\r\n", "header"),
        (b"Date,1Y,2Y\r\n2025/6/2,0.7,n/a\r\n", "not a number"),
        (b"Date,1Y,2Y\r\n6/2/25,0.7,0.74\r\n", "neither"),
    ],
)
def test_malformed_bodies_raise_parse_errors(raw: bytes, needle: str) -> None:
    with pytest.raises(ParseError, match=needle):
        mof.parse_jgbcme_csv(raw)


# --- provider -----------------------------------------------------------------------------


def test_registered_one_batch_and_incremental_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mof, "_today_jst", lambda: dt.date(2025, 6, 20))
    provider = registry()["mof"](SourceSettings.default("mof"))
    refs = [jgb(i).ref for i in ("jgb10y", "jgb20y", "jgb30y")]
    assert len({provider.batch_key(r) for r in refs}) == 1
    # Data held into this month: the current-month file suffices (start clamped to the 1st).
    assert provider.incremental_start(dt.date(2025, 6, 5), refs[0]) == dt.date(2025, 6, 1)
    assert provider.incremental_start(dt.date(2025, 6, 19), refs[0]) == dt.date(2025, 6, 9)
    # Data ends last month: reach back so the history file is read too.
    assert provider.incremental_start(dt.date(2025, 5, 30), refs[0]) == dt.date(2025, 5, 20)


@pytest.mark.asyncio
async def test_cold_fetch_reads_history_then_current_month(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mof, "_today_jst", lambda: dt.date(2025, 6, 4))
    base = "/english/policy/jgbs/reference/interest_rate"
    httpserver.expect_ordered_request(f"{base}/historical/jgbcme_all.csv", method="GET").respond_with_data(
        body("jgbcme_all.csv"), content_type="text/csv"
    )
    httpserver.expect_ordered_request(f"{base}/jgbcme.csv", method="GET").respond_with_data(
        body("jgbcme.csv"), content_type="text/csv"
    )
    settings = SourceSettings.default("mof", base_url=httpserver.url_for("").rstrip("/"))
    http = HttpContext(FeedSettings.default())
    try:
        obs = await mof.MofProvider(settings).fetch(http, [jgb("jgb10y"), jgb("jgb30y")], dt.date(2016, 1, 1))
        obs = observations(obs)
    finally:
        await http.aclose()
    httpserver.check_assertions()
    assert len(httpserver.log) == 2
    assert "triffin" in httpserver.log[0][0].headers["User-Agent"]
    ten = [(o.date, o.value) for o in obs if o.instrument == "jgb10y"]
    assert ten == [
        (dt.date(2016, 7, 6), -0.275),
        (dt.date(2025, 5, 29), 1.497),
        (dt.date(2025, 5, 30), 1.499),
        (dt.date(2025, 6, 2), 1.502),
        (dt.date(2025, 6, 3), 1.511),
        (dt.date(2025, 6, 4), 1.51),
    ]
    assert {o.source for o in obs} == {"mof:10Y", "mof:30Y"}


@pytest.mark.asyncio
async def test_incremental_fetch_reads_only_the_current_month(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mof, "_today_jst", lambda: dt.date(2025, 6, 4))
    httpserver.expect_request("/english/policy/jgbs/reference/interest_rate/jgbcme.csv").respond_with_data(
        body("jgbcme.csv")
    )
    settings = SourceSettings.default("mof", base_url=httpserver.url_for("").rstrip("/"))
    http = HttpContext(FeedSettings.default())
    try:
        obs = await mof.MofProvider(settings).fetch(http, [jgb("jgb20y")], dt.date(2025, 6, 3))
        obs = observations(obs)
    finally:
        await http.aclose()
    assert [req.path for req, _ in httpserver.log] == ["/english/policy/jgbs/reference/interest_rate/jgbcme.csv"]
    assert [(o.date, o.value, o.source) for o in obs] == [
        (dt.date(2025, 6, 3), 2.433, "mof:20Y"),
        (dt.date(2025, 6, 4), 2.43, "mof:20Y"),
    ]


@pytest.mark.asyncio
async def test_blocked_html_page_and_missing_column_are_parse_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mof, "_today_jst", lambda: dt.date(2025, 6, 4))
    provider = mof.MofProvider(
        SourceSettings.default("mof", base_url="http://mirror.test", extra={"user_agent": "custom/1"})
    )
    agents: list[str] = []

    def html(request: httpx.Request) -> httpx.Response:
        agents.append(request.headers["User-Agent"])
        return httpx.Response(200, text="<!DOCTYPE html><title>Error</title>")

    http = HttpContext(
        FeedSettings(sources={}, retries=1), client=httpx.AsyncClient(transport=httpx.MockTransport(html))
    )
    with pytest.raises(ParseError, match="HTML"):
        await provider.fetch(http, [jgb("jgb10y")], dt.date(2025, 6, 1))
    assert agents == ["custom/1"]

    def short(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"Date,1Y,2Y\r\n2025/6/2,0.7,0.74\r\n")

    http = HttpContext(
        FeedSettings(sources={}, retries=1), client=httpx.AsyncClient(transport=httpx.MockTransport(short))
    )
    with pytest.raises(ParseError, match="no column '30Y'"):
        await provider.fetch(http, [jgb("jgb30y")], dt.date(2025, 6, 1))
