"""A source that answers well formed but without the series asked for is no success.

The Bank of Japan served the FX series (FM08'FXERD01) where TONA (FM01'STRDCLUCON) was
asked for: before, TONA read "fresh" with no value and no error. Now the feed (for every
provider) says which series the answer lacked: an error when nothing is held, ``stale``
with the values kept when the answer lacks values this source already gave for the window
asked for again; an answer that repeats the held values is still fresh. A loopback BoJ
stand-in serves small handmade bodies.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest
from pytest_httpserver import HTTPServer

from datafeed.feed import Feed
from datafeed.health import SourceHealth, source_health
from datafeed.http import HttpContext
from datafeed.models import Observation, Status
from datafeed.providers import boj
from datafeed.settings import FeedSettings, SourceSettings
from datafeed.snapshot import series_json
from datafeed.store import SeriesStore

TODAY = dt.date(2024, 3, 30)
D = dt.date.fromisoformat
TONA = "boj:FM01'STRDCLUCON"


def _body(db: str, code: str, days: list[int], values: list[float | None]) -> bytes:
    """A ``getDataCode`` JSON answer in the API's layout for one daily series of March 2024."""
    return json.dumps(
        {
            "STATUS": 200,
            "MESSAGEID": "M181000I",
            "MESSAGE": "Successfully completed",
            "DATE": "2024-03-30T9:05:12.041+09:00",
            "PARAMETER": {"FORMAT": "JSON", "LANG": "EN", "DB": db, "STARTDATE": "202403", "ENDDATE": "202403"},
            "NEXTPOSITION": None,
            "RESULTSET": [
                {
                    "SERIES_CODE": code,
                    "NAME_OF_TIME_SERIES": "handmade",
                    "UNIT": "handmade",
                    "FREQUENCY": "DAILY",
                    "CATEGORY": "handmade",
                    "LAST_UPDATE": 20240329,
                    "VALUES": {"SURVEY_DATES": [20240300 + d for d in days], "VALUES": values},
                }
            ],
        }
    ).encode()


FX_BODY = _body("FM08", "FXERD01", [26, 27, 28, 29], [151.2, 151.6, 151.4, 151.3])
TONA_BODY = _body("FM01", "STRDCLUCON", [26, 27, 28, 29], [0.077, 0.074, 0.075, 0.074])


@pytest.fixture(autouse=True)
def _pin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boj, "_today_tokyo", lambda: TODAY)
    # A cold start asks from March 2024 only: one request, not years of monthly windows.
    monkeypatch.setattr(boj.BojProvider, "history_start", lambda self, ref: D("2024-03-01"))


def _refresh(httpserver: HTTPServer, body: bytes, store: SeriesStore) -> SourceHealth:
    """One forced refresh of TONA against the stand-in; the BoJ's health afterwards."""
    httpserver.expect_request("/api/v1/getDataCode").respond_with_data(body, content_type="application/json")
    src = SourceSettings.default("boj", base_url=httpserver.url_for("").rstrip("/"), min_interval=0.0)
    settings = FeedSettings(sources={"boj": src}, retries=1)

    async def run() -> SourceHealth:
        http = HttpContext(settings)
        feed = Feed(store, settings, http, providers={"boj": boj.BojProvider(src)}, instruments=["tona"])
        try:
            await feed.refresh(force=True)
            now = dt.datetime(2024, 3, 30, 3, tzinfo=dt.UTC)
            (health,) = source_health(settings.sources, feed.all_jobs, store, now, 0.0, False, today=TODAY)
            return health
        finally:
            await feed.flush()
            await http.aclose()

    health = asyncio.run(run())
    assert len(httpserver.log) >= 1
    return health


def test_an_answer_for_another_series_is_an_error_naming_the_series(httpserver: HTTPServer) -> None:
    store = SeriesStore(today=lambda: TODAY)
    health = _refresh(httpserver, FX_BODY, store)
    st = store.state["tona"]
    assert not store.has_data("tona")
    assert (health.state, health.error) == ("error", st.last_error)  # not "boj ok"
    assert st.status is Status.ERROR and st.error_source == TONA
    assert st.last_error == "boj: the answer has no values for FM01'STRDCLUCON"
    entry = series_json(store, TODAY)["tona"]
    assert (entry["status"], entry["value"], entry["error"]) == ("error", None, st.last_error)


def test_an_answer_lacking_the_held_series_leaves_it_stale_with_its_values(httpserver: HTTPServer) -> None:
    store = SeriesStore(today=lambda: TODAY)
    store.apply([Observation("tona", D("2024-03-28"), 0.075, TONA)])
    health = _refresh(httpserver, FX_BODY, store)
    st = store.state["tona"]
    assert (health.state, health.error) == ("stale", st.last_error)
    assert st.status is Status.STALE and st.error_source == TONA
    assert st.last_error is not None
    assert st.last_error.startswith("boj: the answer has no values for FM01'STRDCLUCON")
    assert "2024-03-28" in st.last_error
    assert store.last_official("tona") == (D("2024-03-28"), TONA)


def test_an_answer_repeating_the_held_values_is_fresh(httpserver: HTTPServer) -> None:
    store = SeriesStore(today=lambda: TODAY)
    store.apply([Observation("tona", D("2024-03-28"), 0.075, TONA)])
    health = _refresh(httpserver, TONA_BODY, store)
    st = store.state["tona"]
    assert st.status is Status.FRESH and st.last_error is None
    assert (health.state, health.error) == ("ok", "")
    assert store.last_official("tona") == (D("2024-03-29"), TONA)
