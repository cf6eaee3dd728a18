"""Record and replay: a short recording from a loopback FRED stand-in, replayed with the server
stopped, must leave the store with identical values; secrets never reach the folder."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from datafeed.feed import Feed
from datafeed.http import HttpContext
from datafeed.providers.fred import FredProvider
from datafeed.recording import (
    RecordingError,
    RecordingTransport,
    ReplayTransport,
    attach_replay,
    loose_key,
    make_client,
    replay_settings,
    request_key,
)
from datafeed.settings import FeedSettings, SourceSettings
from datafeed.store import SeriesStore
from tests.conftest import write_config
from tests.fredgraph import fredgraph_body
from tests.test_cli import run

TODAY = dt.date(2026, 11, 26)
SECRET = "abcdef0123456789abcdef0123456789"
IDS = ["ust10y", "ust2y", "vix"]


class Fred:
    """FRED keyless CSV and keyed JSON; day two publishes one more observation."""

    def __init__(self) -> None:
        self.day = 1
        self.rows = {
            "DGS10": [("2026-11-18", "4.10"), ("2026-11-19", ""), ("2026-11-20", "4.12")],
            "DGS2": [("2026-11-18", "3.50"), ("2026-11-20", "3.52")],
            "VIXCLS": [("2026-11-18", "17.1"), ("2026-11-20", "18.4")],
        }

    def _rows(self, sid: str) -> list[tuple[str, str]]:
        rows = list(self.rows.get(sid, []))
        if self.day >= 2 and sid == "DGS10":
            rows.append(("2026-11-23", "4.17"))
        return rows

    def csv(self, request: Request) -> Response:
        sid, cosd = request.args.get("id", ""), request.args.get("cosd", "")
        body = fredgraph_body(
            sid, lambda c: [(d, v) for d, v in self._rows(c) if d >= cosd] if c in self.rows else None
        )
        if body is None:
            return Response("Not Found", status=404)
        return Response(body, content_type="text/csv", headers={"ETag": f'"{sid}-{self.day}"', "Set-Cookie": "s=1"})

    def json(self, request: Request) -> Response:
        assert request.args.get("api_key") == SECRET
        sid, start = request.args.get("series_id", ""), request.args.get("observation_start", "")
        obs = [{"date": d, "value": v or "."} for d, v in self._rows(sid) if d >= start]
        return Response(json.dumps({"observations": obs}), content_type="application/json")


@pytest.fixture
def server() -> Iterator[tuple[HTTPServer, Fred]]:
    """An own loopback server (not the shared fixture), so a test may stop it."""
    srv = HTTPServer(host="127.0.0.1", port=0)
    fred = Fred()
    srv.expect_request("/graph/fredgraph.csv").respond_with_handler(fred.csv)
    srv.expect_request("/fred/series/observations").respond_with_handler(fred.json)
    srv.start()
    yield srv, fred
    if srv.is_running():
        srv.stop()


def settings_for(url: str, key: str | None = None) -> FeedSettings:
    fred = SourceSettings.default("fred", base_url=url, api_base_url=url, api_key=key)
    return FeedSettings(sources={"fred": fred}, retries=1)


async def feed_passes(
    settings: FeedSettings,
    transport: httpx.AsyncBaseTransport,
    passes: int,
    between: object = None,
    replay: ReplayTransport | None = None,
) -> SeriesStore:
    store = SeriesStore(today=lambda: TODAY)
    client = make_client(settings, transport)
    http = HttpContext(settings, client=client)
    feed = Feed(
        store,
        settings,
        http,
        providers={"fred": FredProvider(settings.sources["fred"])},
        instruments=IDS,
        market_open=lambda now: True,
    )
    if replay is not None:
        attach_replay(feed, replay)
    for i in range(passes):
        await feed.refresh(force=True)
        if callable(between) and i < passes - 1:
            between()
    await http.aclose()
    await client.aclose()
    return store


def snapshot_of(store: SeriesStore) -> dict[str, tuple[list[str], list[float], list[str]]]:
    return {
        i: (
            [d.strftime("%Y-%m-%d") for d in store.official(i).index],
            store.official(i).tolist(),
            store.sources(i).tolist(),
        )
        for i in IDS
    }


@pytest.mark.parametrize("keyed", [False, True])
async def test_record_then_replay_with_server_stopped(
    server: tuple[HTTPServer, Fred], tmp_path: Path, keyed: bool
) -> None:
    srv, fred = server
    url = srv.url_for("/").rstrip("/")
    settings = settings_for(url, SECRET if keyed else None)
    folder = tmp_path / "rec"

    def next_day() -> None:
        fred.day = 2

    recorded = await feed_passes(settings, RecordingTransport(folder), 2, next_day)
    assert recorded.latest("ust10y").value == 4.17  # type: ignore[union-attr]
    srv.stop()

    replay = ReplayTransport(folder, speed=0)
    replayed = await feed_passes(replay_settings(settings), replay, 2, replay=replay)
    assert snapshot_of(replayed) == snapshot_of(recorded)
    assert replay.exhausted and replay.misses == []

    # The secret is nowhere in the folder: not in URLs, keys, bodies or file names.
    for path in folder.rglob("*"):
        assert SECRET not in path.name
        assert SECRET not in path.read_text()
    lines = [json.loads(line) for line in (folder / "responses.jsonl").read_text().splitlines()]
    n = 6 if keyed else 2  # keyless: the three daily series in one request a pass
    assert len(lines) == n and [r["seq"] for r in lines] == list(range(1, n + 1))
    first = lines[0]
    assert first["status"] == 200 and "Set-Cookie" not in first["headers"] and "set-cookie" not in first["headers"]
    if keyed:
        assert "api_key=***" in first["url"] and "api_key" not in first["key"]
        assert first["key"].startswith("GET /fred/series/observations?file_type=json&observation_start=")
    else:
        assert first["key"].startswith("GET /graph/fredgraph.csv?cosd=1999-01-01&id=")
        assert "observation_date" in first["body"]


async def test_replay_reaches_the_same_store_as_the_feed_without_recording(
    server: tuple[HTTPServer, Fred], tmp_path: Path
) -> None:
    """The recording transport is transparent: the recorded run equals a plain run."""
    srv, _ = server
    settings = settings_for(srv.url_for("/").rstrip("/"))
    plain = await feed_passes(settings, httpx.AsyncHTTPTransport(), 1)
    recorded = await feed_passes(settings, RecordingTransport(tmp_path / "rec"), 1)
    assert snapshot_of(plain) == snapshot_of(recorded)


async def test_conditional_requests_survive_record_and_replay(tmp_path: Path) -> None:
    """A 304 is recorded as such and replayed; the HTTP context hands the provider the last body."""
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, text="observation_date,DGS10\n2026-11-20,4.12\n", headers={"ETag": '"v1"'})

    settings = settings_for("http://fred.test")
    folder = tmp_path / "rec"
    recorded = await feed_passes(settings, RecordingTransport(folder, inner=httpx.MockTransport(handler)), 2)
    statuses = [json.loads(line)["status"] for line in (folder / "responses.jsonl").read_text().splitlines()]
    assert 304 in statuses
    replay = ReplayTransport(folder, speed=0)
    replayed = await feed_passes(replay_settings(settings), replay, 2, replay=replay)
    assert snapshot_of(replayed) == snapshot_of(recorded)


async def test_transport_errors_are_recorded_and_replayed(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    settings = settings_for("http://fred.test")
    folder = tmp_path / "rec"
    recorded = await feed_passes(settings, RecordingTransport(folder, inner=httpx.MockTransport(handler)), 1)
    assert recorded.state["ust10y"].status.value == "error"
    line = json.loads((folder / "responses.jsonl").read_text().splitlines()[0])
    assert line["error"] == "ConnectError" and "status" not in line
    replay = ReplayTransport(folder, speed=0)
    replayed = await feed_passes(replay_settings(settings), replay, 1, replay=replay)
    assert replayed.state["ust10y"].status.value == "error" and "ConnectError" in (
        replayed.state["ust10y"].last_error or ""
    )


def _write(folder: Path, records: list[dict[str, object]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "recording.json").write_text(
        json.dumps({"format": "triffin-recording", "version": 1, "started": "2026-11-24T14:00:00Z"})
    )
    lines = []
    for i, r in enumerate(records, start=1):
        base = {"seq": i, "method": "GET", "status": 200, "reason": "OK", "headers": {"content-type": "text/plain"}}
        base.update(r)
        base.setdefault("key", request_key("GET", str(base["url"])))
        lines.append(json.dumps(base))
    (folder / "responses.jsonl").write_text("\n".join(lines) + "\n")


async def test_replay_order_speed_and_loose_matching(tmp_path: Path) -> None:
    folder = tmp_path / "rec"
    _write(
        folder,
        [
            {"t": 0.0, "url": "http://x/a?id=1&cosd=2026-11-01", "body": "first"},
            {"t": 600.0, "url": "http://x/a?id=1&cosd=2026-11-01", "body": "second"},
            {"t": 1200.0, "url": "http://x/b", "body": "other"},
        ],
    )
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    replay = ReplayTransport(folder, speed=60, sleep=fake_sleep)
    async with httpx.AsyncClient(transport=replay) as client:
        # Query order and host do not matter; the cosd date differs: loose match.
        r1 = await client.get("http://mirror:9/a", params={"cosd": "2026-11-20", "id": "1"})
        r2 = await client.get("http://x/a?id=1&cosd=2026-11-01")
        r3 = await client.get("http://x/a?id=1&cosd=2026-11-01")
        r4 = await client.get("http://x/nowhere")
    assert (r1.text, r2.text, r3.text) == ("first", "first", "second")
    assert r4.status_code == 404 and replay.misses == ["GET /nowhere"]
    # The second recorded answer (t = 600 s) is held until 600 / 60 = 10 s into the replay.
    assert len(waits) == 1 and 9.0 < waits[0] <= 10.0
    assert replay.virtual_now() >= dt.datetime(2026, 11, 24, 14, 0, tzinfo=dt.UTC)
    assert not replay.exhausted  # /b never asked


def test_keys_drop_secrets_and_host() -> None:
    assert request_key("get", "https://api.x/fred/s?b=2&api_key=K&a=1") == "GET /fred/s?a=1&b=2"
    assert loose_key("GET", "http://h/p?cosd=2026-01-02&id=DGS10") == "GET /p?cosd=%2A&id=DGS10"


def test_bad_folders(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="no such recording folder"):
        ReplayTransport(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(RecordingError, match="not a triffin recording"):
        ReplayTransport(tmp_path / "empty")
    RecordingTransport(tmp_path / "rec")._fh.close()
    (tmp_path / "rec" / "responses.jsonl").write_text(
        '{"seq": 1, "t": 0, "key": "GET /", "url": "http://x/", "method": "GET", "status": 200, "body": "ok"}\n{"seq": 2, "t": 1, "ke'
    )
    assert len(ReplayTransport(tmp_path / "rec").records) == 1  # a line cut short by a crash is skipped
    with pytest.raises(RecordingError, match="already holds a recording"):
        RecordingTransport(tmp_path / "rec")


def test_record_and_watch_replay_from_the_command_line(server: tuple[HTTPServer, Fred], tmp_path: Path) -> None:
    srv, _ = server
    cfg = write_config(tmp_path / "c.toml", srv.url_for("/").rstrip("/"))
    env = {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}
    folder = tmp_path / "rec"
    r = run(["record", str(folder), "--once"], env)
    assert r.returncode == 0, r.stderr
    assert "response(s) recorded" in r.stderr and (folder / "responses.jsonl").exists()
    assert not (tmp_path / "cache").exists()  # recording never touches the cache
    srv.stop()
    w = run(["watch", "--replay", str(folder), "--speed", "0", "--alert", "ust10y > 4", "--max-seconds", "20"], env)
    assert w.returncode == 0, w.stderr
    (line,) = w.stdout.splitlines()
    assert line.endswith(" ust10y > 4 4.12 2026-11-20 REPLAY")  # the data date, then the label
    again = run(["record", str(folder), "--once"], env)
    assert again.returncode == 2 and "already holds a recording" in again.stderr


async def test_live_client_keeps_cookies_and_decoded_bodies_while_recording(tmp_path: Path) -> None:
    """Only the stored record is trimmed; the live client still sees Set-Cookie, and a gzip
    body arrives decoded exactly once."""
    import gzip

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/cookie":
            return httpx.Response(200, text="ok", headers={"Set-Cookie": "A=1; Path=/"})
        assert request.headers.get("Cookie") == "A=1"
        return httpx.Response(200, content=gzip.compress(b"zipped body"), headers={"Content-Encoding": "gzip"})

    transport = RecordingTransport(tmp_path / "rec", inner=httpx.MockTransport(handler))
    async with httpx.AsyncClient(transport=transport) as client:
        await client.get("http://yahoo.test/cookie")
        r = await client.get("http://yahoo.test/data")
    assert r.text == "zipped body"
    stored = [json.loads(line) for line in (tmp_path / "rec" / "responses.jsonl").read_text().splitlines()]
    assert stored[1]["body"] == "zipped body" and "content-encoding" not in stored[1]["headers"]
    assert all("set-cookie" not in {k.lower() for k in r["headers"]} for r in stored)
