"""Every place a status is written says how old the data is and why a row has a problem.

The dashboard's ``s`` CSV carries ``late``, the change's horizon, the value's unit and the
reason of an error or a refusal, and an error row names the source that failed (not the
catalog's first, perhaps disabled, source); the JSON gains ``error_source``,
``rejected_reason`` and ``auctions.late``; the Markdown snapshot gains the crisis grid and
the error and n/a reasons, escaped so an upstream ``|`` cannot break a table. Small
handmade data only (a loopback FRED stand-in for the failing source).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from datafeed.demand.auctions import Auction, SecurityKind
from datafeed.demand.book import AuctionBook
from datafeed.demand.report import auctions_json
from datafeed.feed import Feed
from datafeed.http import HttpContext
from datafeed.models import Observation
from datafeed.providers.fred import FredProvider
from datafeed.settings import FeedSettings, SourceSettings
from datafeed.snapshot import series_json
from datafeed.store import SeriesStore
from tests.fredgraph import fredgraph_body
from tui.presenters import fetch_and_data, series_stats, table_rows
from tui.save import DASHBOARD_HEADER, csv_rows, table_csv
from tui.snapshot_cmd import REASON_WIDTH, clip_words, markdown, print_tables, problem_text, status_text

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)
D = dt.date.fromisoformat


def _rows(store: SeriesStore) -> dict[str, dict[str, object]]:
    """The dashboard CSV's rows by id, as dicts of the header's columns."""
    rows = csv_rows(table_rows(store, TODAY, NOW), store)
    return {str(r[0]): dict(zip(DASHBOARD_HEADER, r, strict=True)) for r in rows}


def _refresh_once(
    store: SeriesStore, settings: FeedSettings, providers: dict[str, Any], instruments: list[str]
) -> None:
    """One forced feed pass into ``store`` against the loopback stand-in, then close."""

    async def refresh() -> None:
        http = HttpContext(settings)
        feed = Feed(store, settings, http, providers=providers, instruments=instruments)
        try:
            await feed.refresh(force=True)
        finally:
            await feed.flush()
            await http.aclose()

    asyncio.run(refresh())


# --------------------------------------------------------------------------- the s CSV


def test_dashboard_csv_keeps_its_columns_first_and_adds_late_horizon_unit_reason() -> None:
    assert DASHBOARD_HEADER[:8] == ("id", "name", "value", "change", "change_unit", "date", "source", "status")
    assert DASHBOARD_HEADER[8:] == ("late", "change_horizon", "unit", "reason")


def test_dashboard_csv_says_late_the_horizon_and_the_unit_of_the_value_shown() -> None:
    store = SeriesStore(today=lambda: TODAY)
    store.apply(
        [
            Observation("ust10y", D("2026-07-27"), 4.65, "fred:DGS10"),
            Observation("ust10y", D("2026-07-28"), 4.61, "fred:DGS10"),
            Observation("ig_oas", D("2026-11-24"), 0.74, "fred:BAMLC0A0CM"),
            Observation("ig_oas", D("2026-11-25"), 0.73, "fred:BAMLC0A0CM"),
            # Bund 10Y from FRED's monthly fallback: its change spans a month.
            Observation("bund10y", D("2025-12-01"), 2.814167, "fred:IRLTLT01DEM156N"),
            Observation("bund10y", D("2026-01-01"), 2.806667, "fred:IRLTLT01DEM156N"),
        ]
    )
    for inst_id, tag in (("ust10y", "fred:DGS10"), ("ig_oas", "fred:BAMLC0A0CM"), ("bund10y", "fred:IRLTLT01DEM156N")):
        store.mark_success(inst_id, tag)
    rows = _rows(store)
    ust = rows["ust10y"]
    # "fresh" is the fetch; the value is four months old and says so.
    assert (ust["status"], ust["date"], ust["late"], ust["change_horizon"], ust["unit"]) == (
        "fresh",
        "2026-07-28",
        True,
        "1D",
        "%",
    )
    ig = rows["ig_oas"]
    # The value as the screen shows it, labelled: 73 bp (export and snapshot keep 0.73 %).
    assert (ig["value"], ig["unit"], ig["late"]) == (73.0, "bp", False)
    bund = rows["bund10y"]
    assert (bund["change_unit"], bund["change_horizon"], bund["late"]) == ("bp", "1M", True)
    assert round(float(bund["change"]), 2) == -0.75  # type: ignore[arg-type]
    text = table_csv(DASHBOARD_HEADER, [list(r.values()) for r in rows.values()])
    assert "ig_oas,IG OAS,73.0,-1.0,bp,2026-11-25,fred:BAMLC0A0CM,fresh,False,1D,bp," in text


def test_a_refused_answer_says_why_in_the_csv_the_json_and_the_drill_down() -> None:
    store = SeriesStore(today=lambda: TODAY)
    # A Yahoo chart of ^TNX answered for DXY: 4.275 is no dollar index.
    store.apply([Observation("dxy", D("2026-11-26"), 4.275, "yahoo:DX-Y.NYB", intraday=True)])
    store.mark_success("dxy", "yahoo:DX-Y.NYB")
    row = _rows(store)["dxy"]
    assert row["value"] is None and row["status"] == "fresh"
    assert "4.275 outside plausible range 50..200" in str(row["reason"])
    entry = series_json(store, TODAY)["dxy"]
    assert entry["rejected"] == 1 and "outside plausible range" in entry["rejected_reason"]
    assert status_text(entry) == "REFUSED (fetch ok)"
    assert problem_text(entry) == "1 value refused; last: dxy: value 4.275 outside plausible range 50..200"
    assert [s.value for s in fetch_and_data(store, "dxy", TODAY)] == ["ok · every value refused"]
    stats = {s.label: s.value for s in series_stats(store, "dxy", "1Y", TODAY, NOW)}
    assert "outside plausible range" in stats["refused"]
    # No refusal: no key (the contract only grows where there is something to say).
    assert "rejected_reason" not in series_json(store, TODAY)["ust10y"]


def test_an_error_row_names_the_source_that_failed_not_the_disabled_primary(httpserver: HTTPServer) -> None:
    def fred(request: Request) -> Response:
        sid = request.args.get("id", "")
        body = fredgraph_body(
            sid, lambda code: [("2026-11-24", "4.10"), ("2026-11-25", "4.12")] if code == "DGS10" else None
        )
        return Response("Not Found", status=404) if body is None else Response(body, content_type="text/csv")

    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(fred)
    settings_fred = SourceSettings.default("fred", base_url=httpserver.url_for("/").rstrip("/"), extra={"batch": False})
    settings = FeedSettings(sources={"fred": settings_fred}, retries=1)
    store = SeriesStore(today=lambda: TODAY)

    _refresh_once(store, settings, {"fred": FredProvider(settings_fred)}, ["ust1m", "ust10y"])
    assert store.state["ust1m"].error_source == "fred:DGS1MO"
    row = _rows(store)["ust1m"]
    # Treasury (the catalog's first source for UST 1M) is not even configured here.
    assert (row["status"], row["source"]) == ("error", "fred:DGS1MO")
    assert "404" in str(row["reason"])
    entry = series_json(store, TODAY)["ust1m"]
    assert entry["error_source"] == "fred:DGS1MO" and entry["source"] is None
    assert problem_text(entry).startswith("fred:DGS1MO: HTTP 404")
    assert "error_source" not in series_json(store, TODAY)["ust10y"]  # it succeeded
    store.mark_success("ust1m", "fred:DGS1MO")
    assert store.state["ust1m"].error_source is None


# --------------------------------------------------------------------------- auctions


def _auction(day: str) -> Auction:
    return Auction(
        cusip="912828WK2",
        kind=SecurityKind.FRN,
        auction_date=D(day),
        term="2-Year",
        original_term="2-Year",
        tenor="2y",
        bid_to_cover=5.67,
    )


def test_an_auction_book_from_2014_is_late_and_one_from_this_week_is_not() -> None:
    old = auctions_json(AuctionBook([_auction("2014-01-29")]), None, TODAY)
    assert (old["newest_date"], old["late"]) == ("2014-01-29", True)
    # Tuesday's auctions on Thursday: two business days, not late.
    recent = auctions_json(AuctionBook([_auction("2026-11-24")]), None, TODAY)
    assert recent["late"] is False
    # Six US business days after (Thanksgiving 11-26 is a SIFMA holiday): late.
    assert auctions_json(AuctionBook([_auction("2026-11-17")]), None, TODAY)["late"] is True
    assert auctions_json(None, None, TODAY)["late"] is False


# --------------------------------------------------------------------------- markdown


def _check(result: str, change: float | None, unit: str, note: str | None = None) -> dict[str, object]:
    return {"result": result, "change": change, "unit": unit, "note": note}


def _doc() -> dict[str, object]:
    checks = {
        "ust10y": _check("pass", -149.0, "bp"),
        "spx": _check("n/a", None, "%", "no spx observation on or before start 2008-09-12"),
    }
    return {
        "triffin": "0.0",
        "as_of": "2026-11-26T15:00:00Z",
        "mode": "live",
        "series": {
            "ust1m": {
                "name": "UST 1M",
                "value": None,
                "date": None,
                "status": "error",
                "late": False,
                "source": None,
                "error": "fred: HTTP 500 | upstream [said] <b>no</b>",
                "error_source": "fred:DGS1MO",
                "rejected": 0,
            },
        },
        "signals": {
            "debt_gdp": {
                "value": None,
                "unit": "%",
                "verdict": "n/a",
                "date": None,
                "reason": "missing input: gdp (last 2024-01-01)",
            }
        },
        "crises": [
            {"name": "GFC: Lehman", "start": "2008-09-12", "end": "2008-12-31", "verdict": "haven", "checks": checks}
        ],
    }


def test_markdown_has_the_crisis_grid_and_error_and_na_reasons_escaped() -> None:
    text = markdown(_doc())
    lines = text.splitlines()
    ust1m = next(line for line in lines if line.startswith("| ust1m "))
    # The upstream pipe, brackets and HTML are escaped: the row keeps its eight cells.
    assert ust1m.replace("\\|", "").count("|") == 9
    assert "fred:DGS1MO: HTTP 500 \\| upstream \\[said\\] \\<b\\>no\\</b\\>" in ust1m
    assert "| error | fred:DGS1MO |" in ust1m
    debt = next(line for line in lines if line.startswith("| debt_gdp "))
    assert "missing input: gdp (last 2024-01-01)" in debt
    gfc = next(line for line in lines if line.startswith("| GFC: Lehman "))
    assert gfc == "| GFC: Lehman | 2008-09-12→12-31 | -149.0bp ✓ | – | HAVEN |"
    header = lines[lines.index(gfc) - 2]
    assert header == "| episode | window | UST 10Y | S&P 500 | verdict |"
    assert "- GFC: Lehman · S&P 500: n/a — no spx observation on or before start 2008-09-12" in lines


def test_reasons_are_cut_at_a_word_with_an_ellipsis() -> None:
    text = "fred: HTTP 500 Internal Server Error from 127.0.0.1:41234/graph/fredgraph.csv"
    assert clip_words(text, 40) == "fred: HTTP 500 Internal Server Error…"
    assert clip_words(text, 200) == text
    assert len(clip_words("x" * 50, 10)) == 10  # one long word: cut inside it, still marked


def test_the_snapshot_table_keeps_the_cause_of_a_long_fred_error(capsys: pytest.CaptureFixture[str]) -> None:
    error = (
        "FRED error 400: Bad Request. The value for variable api_key is not registered. "
        "Read https://fred.stlouisfed.org/docs/api/api_key.html for more information."
    )
    series = {"name": "UST 10Y", "value": 4.1, "date": "2026-07-28", "status": "stale", "late": True}
    series |= {"source": "fred:DGS10", "error": error, "error_source": "fred:DGS10", "rejected": 0}
    cut = clip_words(problem_text(series), REASON_WIDTH)
    assert "api_key is not registered" in cut and cut.endswith("…") and " Read…" in cut
    print_tables({"triffin": "0", "mode": "live", "as_of": "2026-11-26T15:00:00Z", "series": {"ust10y": series}})
    out = " ".join(part.strip(" │") for part in capsys.readouterr().out.splitlines())
    assert "api_key is not" in out and "registered" in out and "The value f " not in out


def test_an_answer_whose_every_value_is_refused_is_an_error_with_its_reason(httpserver: HTTPServer) -> None:
    """Yahoo serving a ^TNX chart (4.09) for DXY: the feed says error and why, not fresh with no value."""
    from datafeed.models import Status
    from datafeed.providers.yahoo import YahooProvider

    chart = (FIXTURES / "yahoo" / "chart-TNX.json").read_bytes()
    httpserver.expect_request("/v8/finance/chart/DX-Y.NYB").respond_with_data(chart, content_type="application/json")
    yahoo = SourceSettings.default("yahoo", base_url=httpserver.url_for("").rstrip("/"), min_interval=0.0)
    settings = FeedSettings(sources={"yahoo": yahoo}, retries=1)
    store = SeriesStore(today=lambda: D("2026-03-02"))

    _refresh_once(store, settings, {"yahoo": YahooProvider(yahoo)}, ["dxy"])
    assert len(httpserver.log) >= 1
    st = store.state["dxy"]
    assert st.rejected >= 1 and not store.has_data("dxy")
    assert st.status is Status.ERROR and st.error_source == "yahoo:DX-Y.NYB"
    assert st.last_error is not None and st.last_error.startswith("every value refused: dxy: value 4.093 outside")
    entry = series_json(store, D("2026-03-02"))["dxy"]
    assert (entry["status"], entry["value"], entry["error_source"]) == ("error", None, "yahoo:DX-Y.NYB")
    assert "outside plausible range 50..200" in entry["error"] and "outside" in entry["rejected_reason"]


def test_a_missing_row_names_no_source_in_the_csv() -> None:
    """Re-audit: a row with nothing held and no source enabled wrote the disabled primary's
    tag as the table had cut it (``bundesbank:BBSIS.D.…``); nothing served it, so the
    source cell is empty and the reason says why."""
    store = SeriesStore(today=lambda: TODAY)
    store.mark_missing("bund2y", "no source enabled")
    row = _rows(store)["bund2y"]
    assert (row["value"], row["source"], row["status"]) == (None, "", "missing"), row
    assert row["reason"] == "no source enabled"
