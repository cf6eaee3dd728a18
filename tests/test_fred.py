"""FRED parsing (both CSV header styles, both missing markers, JSON) and the HTTP paths."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import httpx
import pytest
from pytest_httpserver import HTTPServer

from datafeed.catalog import CATALOG
from datafeed.errors import FetchError, ParseError
from datafeed.http import HttpContext
from datafeed.models import Batch, observations
from datafeed.providers.base import Target
from datafeed.providers.fred import FredProvider, fredgraph_table, parse_fredgraph_csv, parse_observations_json
from datafeed.settings import FeedSettings, SourceSettings
from tests.conftest import FIXTURES

D = dt.date


def test_parse_current_header_and_empty_missing() -> None:
    points = parse_fredgraph_csv((FIXTURES / "fred" / "DGS10.csv").read_text(), "DGS10")
    assert [(p.date, p.value) for p in points] == [
        (D(2026, 11, 16), 4.12),
        (D(2026, 11, 17), 4.15),
        (D(2026, 11, 19), 4.09),
        (D(2026, 11, 20), 4.11),
    ]


def test_parse_old_header_dot_missing_and_crlf() -> None:
    points = parse_fredgraph_csv((FIXTURES / "fred" / "DGS2-old.csv").read_text(), "DGS2")
    assert [p.date for p in points] == [D(2019, 12, 30), D(2019, 12, 31), D(2020, 1, 2)]


def test_parse_picks_requested_column_of_multi_series_csv() -> None:
    body = "observation_date,DGS2,DGS10\n2026-01-02,3.5,4.2\n2026-01-05,,4.1\n"
    assert [p.value for p in parse_fredgraph_csv(body, "DGS10")] == [4.2, 4.1]
    assert [p.value for p in parse_fredgraph_csv(body, "DGS2")] == [3.5]


def test_a_multi_series_body_gives_every_requested_series_or_says_which_is_missing() -> None:
    """``id=DGS2,DGS10,VIXCLS``: a column each, blank where a series has no value that day."""
    body = "observation_date,DGS2,DGS10,VIXCLS\n2026-01-02,3.5,4.2,\n2026-01-05,,4.1,17.5\n2026-01-06,.,,\n"
    table = fredgraph_table(body, ["DGS10", "VIXCLS", "DGS2"])
    assert table == {
        "DGS10": ([D(2026, 1, 2), D(2026, 1, 5)], [4.2, 4.1]),
        "VIXCLS": ([D(2026, 1, 5)], [17.5]),
        "DGS2": ([D(2026, 1, 2)], [3.5]),
    }
    with pytest.raises(ParseError, match="no column for SP500"):
        fredgraph_table(body, ["DGS10", "SP500"])
    with pytest.raises(ParseError, match="line 2"):
        fredgraph_table("observation_date,DGS2,DGS10\n2026-01-02,3.5\n", ["DGS2", "DGS10"])


async def test_keyless_series_of_one_frequency_go_out_in_one_request(httpserver: HTTPServer) -> None:
    """Up to MAX_IDS series a request (two requests for MAX_IDS + 1); keyed: one series."""
    from datafeed.providers.fred import MAX_IDS

    ids = [f"S{i}" for i in range(MAX_IDS + 1)]
    asked: list[str] = []

    def answer(request: object) -> object:
        from werkzeug.wrappers import Request, Response

        assert isinstance(request, Request)
        codes = request.args["id"].split(",")
        asked.append(request.args["id"])
        rows = "".join(f"2026-01-0{d}," + ",".join(f"{d}.{i}" for i in range(len(codes))) + "\n" for d in (5, 6))
        return Response(f"observation_date,{','.join(codes)}\n{rows}", content_type="text/csv")

    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(answer)  # type: ignore[arg-type]
    settings = SourceSettings.default("fred", base_url=httpserver.url_for("").rstrip("/"))
    ref = CATALOG["vix"].sources[0]
    targets = [Target(f"x{i}", dataclasses.replace(ref, series=sid)) for i, sid in enumerate(ids)]
    http = HttpContext(FeedSettings(sources={"fred": settings}, retries=1))
    try:
        got = await FredProvider(settings).fetch(http, targets, D(2026, 1, 1))
    finally:
        await http.aclose()
    assert sorted(asked) == sorted([",".join(ids[:MAX_IDS]), ids[MAX_IDS]])
    assert all(isinstance(b, Batch) and b.dates == [D(2026, 1, 5), D(2026, 1, 6)] for b in got)
    assert [b.values[0] for b in got if isinstance(b, Batch)][:3] == [5.0, 5.1, 5.2]
    assert FredProvider(settings).batch_key(ref) == "fredgraph:daily"
    keyed = dataclasses.replace(settings, api_key="k" * 32)
    assert FredProvider(keyed).batch_key(ref) == "VIXCLS"
    assert FredProvider(dataclasses.replace(settings, extra={"batch": False})).batch_key(ref) == "VIXCLS"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("", "empty"),
        ("<html><body>Service maintenance</body></html>", "HTML"),
        ("\x00\xff\xfegarbage,,,\n1,2,3\n", "header"),
        ("observation_date,DGS10\nnot a date,xyz\n", "line 2"),
        ("observation_date,DGS10\n2026-01-02,abc\n", "line 2"),
    ],
)
def test_parse_rejects_non_fred_bodies(body: str, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        parse_fredgraph_csv(body, "DGS10")


def test_parse_json_string_values_and_dot() -> None:
    points = parse_observations_json((FIXTURES / "fred" / "observations-DGS10.json").read_text())
    assert [(p.date.isoformat(), p.value) for p in points] == [
        ("2026-11-16", 4.12),
        ("2026-11-17", 4.15),
        ("2026-11-19", 4.1),
    ]


def test_parse_json_error_body_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match="not registered") as info:
        parse_observations_json((FIXTURES / "fred" / "error-badkey.json").read_text())
    assert not info.value.transient


async def test_keyless_fetch_against_loopback_server(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/graph/fredgraph.csv", query_string={"id": "DGS10", "cosd": "2026-11-10"}
    ).respond_with_data((FIXTURES / "fred" / "DGS10.csv").read_text(), content_type="text/csv")
    settings = SourceSettings.default("fred", base_url=httpserver.url_for("/"))
    ref = CATALOG["ust10y"].sources[1]
    http = HttpContext(FeedSettings.default())
    try:
        fetched = await FredProvider(settings).fetch(http, [Target("ust10y", ref)], D(2026, 11, 10))
        obs = observations(fetched)
    finally:
        await http.aclose()
    # The bulk path is columnar: one batch for the target, no object per value.
    assert len(fetched) == 1 and isinstance(fetched[0], Batch)
    assert list(fetched[0].dates) == [o.date for o in obs] and fetched[0].source == "fred:DGS10"
    assert [(o.instrument, o.date, o.value, o.source) for o in obs][-1] == (
        "ust10y",
        D(2026, 11, 20),
        4.11,
        "fred:DGS10",
    )
    assert len(obs) == 4


async def test_keyed_fetch_uses_json_api_and_never_leaks_the_key(httpserver: HTTPServer) -> None:
    key = "abcdef0123456789abcdef0123456789"
    httpserver.expect_request(
        "/fred/series/observations",
        query_string={"series_id": "DGS10", "api_key": key, "file_type": "json", "observation_start": "2026-11-10"},
    ).respond_with_data((FIXTURES / "fred" / "observations-DGS10.json").read_text(), content_type="application/json")
    url = httpserver.url_for("/").rstrip("/")
    settings = SourceSettings.default("fred", base_url="http://127.0.0.1:9", api_base_url=url, api_key=key)
    ref = CATALOG["ust10y"].sources[1]
    http = HttpContext(FeedSettings.default())
    try:
        obs = await FredProvider(settings).fetch(http, [Target("ust10y", ref)], D(2026, 11, 10))
        obs = observations(obs)
        assert [o.value for o in obs] == [4.12, 4.15, 4.1]
        # A failing keyed request: the key must not appear in the error.
        httpserver.clear()
        httpserver.expect_request("/fred/series/observations").respond_with_data("nope", status=500)
        with pytest.raises(FetchError) as info:
            await FredProvider(settings).fetch(http, [Target("ust10y", ref)], D(2026, 11, 10))
        assert key not in str(info.value)
        assert "500" in str(info.value)
    finally:
        await http.aclose()
    assert key not in repr(settings)


async def test_connection_error_message_is_redacted() -> None:
    key = "secretsecretsecret1234"

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect to {request.url}", request=request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    settings = SourceSettings.default("fred", api_base_url="http://fred.invalid", api_key=key)
    http = HttpContext(FeedSettings(sources={"fred": settings}, retries=1), client=client)
    with pytest.raises(FetchError) as info:
        await FredProvider(settings).fetch(http, [Target("ust10y", CATALOG["ust10y"].sources[1])], D(2026, 1, 1))
    await client.aclose()
    assert key not in str(info.value)
    assert json.dumps(str(info.value))  # one printable line
    assert "\n" not in str(info.value)
