"""Tests the US Treasury par yield curve parser and provider on handmade CSV bodies."""

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
from datafeed.providers import treasury as tr
from datafeed.settings import FeedSettings, SourceSettings

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "treasury"


def body(name: str) -> bytes:
    return (FIX / name).read_bytes()


def target(instrument: str) -> Target:
    ref = next(s for s in catalog.get(instrument).sources if s.source == "treasury")
    return Target(instrument, ref)


# --- parser -------------------------------------------------------------------------------


def test_2025_layout_maps_columns_by_name_including_1_5_month() -> None:
    cols = tr.parse_treasury_csv(body("par-2025.csv"))
    assert list(cols)[:3] == ["1 Mo", "1.5 Month", "2 Mo"]
    # 1.5 Month only exists from 18 Feb 2025; earlier rows leave the cell empty.
    assert [p.date for p in cols["1.5 Month"]] == [dt.date(2025, 2, 18), dt.date(2025, 2, 19), dt.date(2025, 2, 20)]
    # The column after it is still read correctly (positions shifted, names did not).
    assert cols["2 Mo"][0] == RawPoint(dt.date(2025, 2, 13), 4.35)
    assert cols["10 Yr"][-1] == RawPoint(dt.date(2025, 2, 20), 4.50)


def test_rows_newest_first_come_out_oldest_first() -> None:
    dates = [p.date for p in tr.parse_treasury_csv(body("par-2025.csv"))["10 Yr"]]
    assert dates == sorted(dates)
    assert dates[0] == dt.date(2025, 2, 13) and dates[-1] == dt.date(2025, 2, 20)


def test_empty_cell_is_missing_not_zero() -> None:
    two = tr.parse_treasury_csv(body("par-2025.csv"))["2 Yr"]
    assert dt.date(2025, 2, 13) not in {p.date for p in two}
    assert all(p.value > 0 for p in two)


def test_last_row_without_trailing_newline_is_read() -> None:
    raw = body("par-2025.csv")
    assert not raw.endswith(b"\n")
    assert tr.parse_treasury_csv(raw)["30 Yr"][0] == RawPoint(dt.date(2025, 2, 13), 4.74)


def test_old_year_layout_lacks_short_bills_and_20y() -> None:
    cols = tr.parse_treasury_csv(body("par-1990.csv"))
    assert tr.find_column(cols, "20 Yr") is None
    assert tr.find_column(cols, "1 Mo") is None
    assert tr.find_column(cols, "10 Yr") == [RawPoint(dt.date(1990, 1, 2), 7.94), RawPoint(dt.date(1990, 1, 3), 7.99)]


def test_header_only_and_empty_body_mean_no_rows_yet() -> None:
    cols = tr.parse_treasury_csv(body("header-only-2026.csv"))
    assert cols and all(points == [] for points in cols.values())
    assert tr.parse_treasury_csv(b"") == {}
    assert tr.parse_treasury_csv("\n") == {}


def test_bom_and_crlf_are_tolerated() -> None:
    raw = b"\xef\xbb\xbf" + body("par-1990.csv").replace(b"\n", b"\r\n")
    assert len(tr.parse_treasury_csv(raw)["3 Mo"]) == 2


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (b"<!DOCTYPE html><html>maintenance</html>", "HTML"),
        (b'Day,"3 Mo"\n01/02/2024,5.46', "expected 'Date'"),
        (b'Date,"3 Mo"\n2024-01-02,5.46', "MM/DD/YYYY"),
        (b'Date,"3 Mo"\n02/30/2024,5.46', "calendar date"),
        (b'Date,"3 Mo"\n01/02/2024,5.4x', "not a number"),
        (b'Date,"3 Mo"\n01/02/2024,5,46', "3 fields"),
    ],
)
def test_malformed_bodies_raise_one_line_parse_errors(raw: bytes, needle: str) -> None:
    with pytest.raises(ParseError) as info:
        tr.parse_treasury_csv(raw)
    assert needle in info.value.message and "\n" not in info.value.message


def test_na_marker_is_missing() -> None:
    cols = tr.parse_treasury_csv(b'Date,"3 Mo","10 Yr"\n10/10/2017,N/A,2.35')
    assert cols["3 Mo"] == [] and cols["10 Yr"] == [RawPoint(dt.date(2017, 10, 10), 2.35)]


@pytest.mark.parametrize(
    ("a", "b"), [("1.5 Month", "1.5 Mo"), ("10 Yr", "10 Years"), ("3 Mo", "3 month"), ("2 Yr", " 2 yr ")]
)
def test_tenor_labels_normalise(a: str, b: str) -> None:
    assert tr.normalize_tenor(a) == tr.normalize_tenor(b)


def test_every_catalog_code_has_a_column_in_the_current_layout() -> None:
    cols = tr.parse_treasury_csv(body("par-2025.csv"))
    codes = [s.series for i in catalog.INSTRUMENTS for s in i.sources if s.source == "treasury"]
    assert codes == ["1 Mo", "3 Mo", "6 Mo", "1 Yr", "2 Yr", "3 Yr", "5 Yr", "7 Yr", "10 Yr", "20 Yr", "30 Yr"]
    assert all(tr.find_column(cols, c) for c in codes)


# --- provider -----------------------------------------------------------------------------


def test_provider_is_registered_with_one_batch_for_all_tenors() -> None:
    provider = registry()["treasury"](SourceSettings.default("treasury"))
    keys = {provider.batch_key(target(i).ref) for i in ("ust3m", "ust10y", "ust30y")}
    assert len(keys) == 1


def test_cold_start_spans_a_few_years_and_incremental_reaches_back_over_new_year(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tr, "_today", lambda: dt.date(2026, 1, 5))
    provider = tr.TreasuryProvider(SourceSettings.default("treasury"))
    ref = target("ust10y").ref
    assert provider.history_start(ref) == dt.date(2022, 1, 1)
    assert tr.TreasuryProvider(SourceSettings.default("treasury", extra={"history_years": 0})).history_start(
        ref
    ) == dt.date(2026, 1, 1)
    assert provider.incremental_start(dt.date(2026, 1, 2), ref).year == 2025


def test_year_url_is_the_published_download_link() -> None:
    assert tr.year_url("https://home.treasury.gov", 2024) == (
        "https://home.treasury.gov/resource-center/data-chart-center/interest-rates/"
        "daily-treasury-rates.csv/2024/all?type=daily_treasury_yield_curve&field_tdr_date_value=2024&page&_format=csv"
    )


@pytest.mark.asyncio
async def test_fetch_over_a_year_boundary_against_a_loopback_server(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tr, "_today", lambda: dt.date(2025, 2, 20))
    path = "/resource-center/data-chart-center/interest-rates/daily-treasury-rates.csv/{}/all"
    for year, name in ((2024, "par-2024.csv"), (2025, "par-2025.csv")):
        httpserver.expect_request(
            path.format(year),
            method="GET",
            query_string=f"type=daily_treasury_yield_curve&field_tdr_date_value={year}&page&_format=csv",
        ).respond_with_data(body(name), content_type="text/csv")
    settings = SourceSettings.default("treasury", base_url=httpserver.url_for("").rstrip("/"))
    http = HttpContext(FeedSettings.default())
    try:
        obs = await tr.TreasuryProvider(settings).fetch(
            http, [target("ust10y"), target("ust2y")], dt.date(2024, 12, 30)
        )
        obs = observations(obs)
    finally:
        await http.aclose()
    httpserver.check_assertions()
    assert len(httpserver.log) == 2
    assert all(req.headers["User-Agent"].startswith("triffin/") for req, _ in httpserver.log)
    ten = [(o.date, o.value) for o in obs if o.instrument == "ust10y"]
    assert ten[0] == (dt.date(2024, 12, 30), 4.55)  # 12/27 is before `since`
    assert ten[-1] == (dt.date(2025, 2, 20), 4.50)
    assert len(ten) == 2 + 5
    two = [o for o in obs if o.instrument == "ust2y"]
    assert dt.date(2025, 2, 13) not in {o.date for o in two}  # the empty cell
    assert {o.source for o in obs} == {"treasury:10 Yr", "treasury:2 Yr"}
    assert not any(o.intraday or o.time for o in obs)


def _mock_http(handler: httpx.MockTransport) -> HttpContext:
    http = HttpContext(FeedSettings(sources={}, retries=1), client=httpx.AsyncClient(transport=handler))
    return http


@pytest.mark.asyncio
async def test_http_errors_and_html_pages_are_mapped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tr, "_today", lambda: dt.date(2025, 6, 1))
    provider = tr.TreasuryProvider(SourceSettings.default("treasury", base_url="http://mirror.test"))
    targets = [target("ust10y")]

    http = _mock_http(httpx.MockTransport(lambda r: httpx.Response(404, text="not here")))
    with pytest.raises(FetchError) as info:
        await provider.fetch(http, targets, dt.date(2025, 5, 20))
    assert "HTTP 404" in info.value.message and not info.value.transient

    http = _mock_http(
        httpx.MockTransport(lambda r: httpx.Response(200, text="<html><body>Site maintenance</body></html>"))
    )
    with pytest.raises(ParseError):
        await provider.fetch(http, targets, dt.date(2025, 5, 20))

    renamed = b'Date,"Three Month","Ten Year Bond"\n05/30/2025,4.3,4.4'
    http = _mock_http(httpx.MockTransport(lambda r: httpx.Response(200, content=renamed)))
    with pytest.raises(ParseError, match="no column"):
        await provider.fetch(http, targets, dt.date(2025, 5, 20))


@pytest.mark.asyncio
async def test_new_year_without_rows_is_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tr, "_today", lambda: dt.date(2026, 1, 1))
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, content=body("header-only-2026.csv"))

    provider = tr.TreasuryProvider(SourceSettings.default("treasury", base_url="http://mirror.test"))
    obs = await provider.fetch(_mock_http(httpx.MockTransport(handler)), [target("ust10y")], dt.date(2026, 1, 1))
    obs = observations(obs)
    assert obs == [] and seen == [tr.CSV_PATH + "/2026/all"]


async def test_a_cold_start_asks_for_its_year_files_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first year's file is answered only once the last year's was asked for: one after
    another (as before), the fetch would wait for the first answer before asking again."""
    import threading

    from werkzeug.wrappers import Request, Response

    monkeypatch.setattr(tr, "_today", lambda: dt.date(2025, 2, 20))
    last_asked = threading.Event()
    order: list[str] = []

    def answer(request: Request) -> Response:
        year = int(request.args["field_tdr_date_value"])
        if year == 2025:
            order.append("2025 asked")
            last_asked.set()
        else:
            last_asked.wait(10)  # 2024 is slow until 2025 was asked
            order.append(f"{year} answered")
        return Response(body(f"par-{year}.csv"), content_type="text/csv")

    server = HTTPServer(threaded=True)
    server.expect_request("").respond_with_handler(answer)
    server.start()
    settings = SourceSettings.default("treasury", base_url=server.url_for("").rstrip("/"))
    http = HttpContext(FeedSettings.default())
    try:
        got = observations(await tr.TreasuryProvider(settings).fetch(http, [target("ust10y")], dt.date(2024, 12, 30)))
    finally:
        await http.aclose()
        server.clear()
        server.stop()
    assert order == ["2025 asked", "2024 answered"]
    assert (got[0].date, got[-1].date) == (dt.date(2024, 12, 30), dt.date(2025, 2, 20))
