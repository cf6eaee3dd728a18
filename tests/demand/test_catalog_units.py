"""The demand and supply instruments arrive in the catalog's units: FRED's millions become
billions, the surplus ratio becomes a deficit, and every value passes the store's range check.

Real FRED bodies are served by a loopback server (pytest-httpserver) in the keyless CSV form;
the figures are FRED's own where the docs quote them (WMTSECL1 on 2025-03-26 = 2,931,015 USD
mn; Z.1 rest of the world 2025:Q4 = 9,224.4 USD bn) and invented otherwise.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_httpserver import HTTPServer

from datafeed.catalog import CATALOG, INSTRUMENTS
from datafeed.http import HttpContext
from datafeed.providers.base import Target
from datafeed.providers.fred import FredProvider
from datafeed.settings import FeedSettings, SourceSettings
from datafeed.store import SeriesStore

D = dt.date

CASES = [
    # instrument, FRED body rows (as FRED publishes them), expected catalog values
    ("custody_official", ["2025-03-19,2935102", "2025-03-26,2931015"], [2935.102, 2931.015]),
    ("z1_row", ["2025-07-01,9101234", "2025-10-01,9224400"], [9101.234, 9224.4]),
    ("interest_outlays", ["2023-01-01,658266", "2024-01-01,881218"], [658.266, 881.218]),
    ("deficit_gdp", ["2020-01-01,-14.7", "2023-01-01,-6.2", "2000-01-01,2.3"], [14.7, 6.2, -2.3]),
    ("interest_gdp", ["2024-01-01,3.1"], [3.1]),
]


@pytest.mark.parametrize(("inst_id", "rows", "expected"), CASES, ids=[c[0] for c in CASES])
async def test_fred_demand_series_arrive_in_catalog_units(
    httpserver: HTTPServer, inst_id: str, rows: list[str], expected: list[float]
) -> None:
    ref = CATALOG[inst_id].sources[0]
    body = f"observation_date,{ref.series}\n" + "\n".join(rows) + "\n"
    httpserver.expect_request(
        "/graph/fredgraph.csv", query_string={"id": ref.series, "cosd": "1990-01-01"}
    ).respond_with_data(body, content_type="text/csv")
    settings = SourceSettings.default("fred", base_url=httpserver.url_for("").rstrip("/"))
    http = HttpContext(FeedSettings(sources={"fred": settings}))
    try:
        fetched = await FredProvider(settings).fetch(http, [Target(inst_id, ref)], D(1990, 1, 1))
    finally:
        await http.aclose()
    store = SeriesStore(today=lambda: D(2026, 12, 1))
    delta = store.apply(fetched)
    assert delta.rejected == 0
    got = store.official(inst_id)
    by_date = dict(zip((r.split(",")[0] for r in rows), expected, strict=True))
    assert {d.date().isoformat(): v for d, v in got.items()} == pytest.approx(by_date)
    assert fetched[0].source == f"fred:{ref.series}"


def test_demand_instruments_units_and_frequencies() -> None:
    """The unit every consumer relies on (levels in USD bn, ratios in %), and the frequency
    and source each is declared with; a change here is a contract change for the signals."""
    table = {
        i.id: (i.unit, i.sources[0].source, i.sources[0].frequency, i.sources[0].scale)
        for i in INSTRUMENTS
        if i.group in ("holders", "supply")
    }
    assert table["tic_total"] == ("USD bn", "tic", "monthly", 1.0)
    assert table["tic_official"] == ("USD bn", "tic", "monthly", 1.0)
    for country in ("japan", "china", "uk"):
        assert table[f"tic_{country}"] == ("USD bn", "tic", "monthly", 1.0)
    assert table["custody_official"] == ("USD bn", "fred", "weekly", 0.001)
    assert table["debt_total_daily"] == ("USD bn", "fiscaldata", "daily", 1.0)
    assert table["debt_public_daily"] == ("USD bn", "fiscaldata", "daily", 1.0)
    assert table["interest_gdp"] == ("%", "fred", "annual", 1.0)
    assert table["deficit_gdp"] == ("%", "fred", "annual", -1.0)
    assert table["interest_outlays"] == ("USD bn", "fred", "annual", 0.001)
    z1 = [k for k in table if k.startswith("z1_")]
    # Six sector levels, their total and four flow series (the exhibits' net purchases).
    assert len(z1) == 11 and all(table[k] == ("USD bn", "fred", "quarterly", 0.001) for k in z1)
    assert sum(k.startswith("z1_flow_") for k in z1) == 4
    # Names fit the table's instrument column as it was (16 cells): the dashboard does not move.
    assert max(len(i.name) for i in INSTRUMENTS) <= 16
