"""The Monitor runs the auction book in a live run: its series reach the signals with their date
and source, the status bar's TreasuryDirect entry follows the auction feed, and a failure says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from datafeed.providers.treasurydirect import SEARCH_PATH
from tests.conftest import write_config
from tests.demand.conftest import fixture_bytes
from tui.config import load_config
from tui.session import build_monitor


def _body() -> bytes:
    records: list[object] = []
    for name in ("auctioned-note.json", "auctioned-bond.json", "auctioned-bill.json"):
        records.extend(json.loads(fixture_bytes("treasurydirect", name)))
    return json.dumps(records).encode()


async def test_a_live_monitor_feeds_auction_series_to_the_signals(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIFFIN_CACHE_DIR", str(tmp_path / "cache"))
    httpserver.expect_request(SEARCH_PATH).respond_with_data(_body(), content_type="application/json")
    base = httpserver.url_for("").rstrip("/")
    cfg = write_config(tmp_path / "c.toml", None, treasurydirect={"base_url": base, "min_interval": 0.0})
    config = load_config(cfg)
    monitor = build_monitor(config, run="live", metrics=True)
    monitor.start(follow=False)
    await monitor.loaded()
    (before,) = [h for h in monitor.health() if h.source == "treasurydirect"]
    assert before.state == "connecting"
    report = await monitor.refresh_auctions_once()
    assert report is not None and report.error is None and report.delta
    await monitor.settled()
    series = monitor.series_snapshot()
    assert "auction_indirect_10y" in series and "auction_indirect_30y" in series
    fact = monitor.input_facts()["auction_indirect_10y"]
    assert fact.source == "treasurydirect:auction_indirect_10y"
    assert fact.last == series["auction_indirect_10y"].index[-1].date()
    (health,) = [h for h in monitor.health() if h.source == "treasurydirect"]
    assert (health.state, health.note, health.series) == ("ok", "auctions", len(monitor.book or ()))
    assert monitor.metrics is not None
    # Two 10-year auctions and two 30-year ones are not three earlier auctions: n/a, said why.
    result = monitor.metrics.signals["auction_indirect_share"]
    assert result.verdict == "n/a" and "earlier ones of its line" in (result.reason or "")
    assert (tmp_path / "cache" / "auctions.json").is_file()
    await monitor.aclose()


async def test_a_failing_auction_source_shows_in_the_health(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIFFIN_CACHE_DIR", str(tmp_path / "cache"))
    httpserver.expect_request(SEARCH_PATH).respond_with_data("<html>maintenance</html>", content_type="text/html")
    base = httpserver.url_for("").rstrip("/")
    cfg = write_config(tmp_path / "c.toml", None, treasurydirect={"base_url": base, "min_interval": 0.0})
    monitor = build_monitor(load_config(cfg), run="live")
    monitor.start(follow=False)
    await monitor.loaded()
    report = await monitor.refresh_auctions_once()
    assert report is not None and report.error
    (health,) = [h for h in monitor.health() if h.source == "treasurydirect"]
    assert health.state == "error" and health.error and health.retry_in is not None
    await monitor.aclose()


async def test_treasurydirect_reads_connecting_until_it_answers_in_this_session(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: never ``ok`` before an answer, neither while the first request is in flight
    nor on the strength of a book kept from an earlier run."""
    import asyncio
    import threading

    monkeypatch.setenv("TRIFFIN_CACHE_DIR", str(tmp_path / "cache"))
    release = threading.Event()

    def slow(_request: object) -> object:
        from werkzeug.wrappers import Response

        release.wait(10)
        return Response(_body(), content_type="application/json")

    httpserver.expect_request(SEARCH_PATH).respond_with_handler(slow)
    base = httpserver.url_for("").rstrip("/")
    cfg = write_config(tmp_path / "c.toml", None, treasurydirect={"base_url": base, "min_interval": 0.0})
    for run in range(2):  # the second run starts with the first run's book on disk
        monitor = build_monitor(load_config(cfg), run="live")
        monitor.start(follow=False)
        await monitor.loaded()
        release.clear()
        task = asyncio.ensure_future(monitor.refresh_auctions_once())
        await asyncio.sleep(0.3)  # the request is out, its answer held back
        (health,) = [h for h in monitor.health() if h.source == "treasurydirect"]
        assert health.state == "connecting", (run, health)
        release.set()
        report = await task
        assert report is not None and report.error is None
        (health,) = [h for h in monitor.health() if h.source == "treasurydirect"]
        assert health.state == "ok", (run, health)
        await monitor.aclose()
