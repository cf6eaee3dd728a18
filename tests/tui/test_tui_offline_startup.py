"""Start-up without a network (issue 14, item 7): say what is happening, then show something.

Every source points at a loopback address that either refuses connections (no network:
fails in milliseconds) or accepts and never answers (a dead link: only timeouts end it).
Before any answer a source reads ``connecting…``, never ``ok``; within 2 s of start-up the
OFFLINE demo (nothing cached) or the kept values (cached) are on screen under the OFFLINE
banner, and no toast covers the banner.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_helpers import TODAY, screen_text, wait_until

import datafeed.feed  # noqa: F401 - imported here, as a running app has: the test times the app, not imports
from datafeed.monitor import OFFLINE_DEMO_BANNER
from datafeed.providers import source_names
from tests.tui.test_tui_live import prepare_cache
from tui.app import TriffinApp
from tui.config import load_config
from widgets.live_table import LiveTable
from widgets.status_bar import BANNERS, StatusBar

DEADLINE = 2.0
"""Seconds from start-up by which the OFFLINE banner must be on screen."""

OK_WORD = re.compile(r"(^|│ )\w+ ok\b")
"""A source reading ``ok`` in the status bar's text."""


@pytest.fixture
def refusing_url() -> str:
    """An address nothing listens on (the port was just free)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A server that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        server.close()


def every_source_at(url: str, tmp_path: Path, cache: Path) -> TriffinApp:
    """An app whose every source (all enabled) lives at ``url``."""
    lines = []
    for name in source_names():
        lines += [f"[sources.{name}]", "enabled = true", f'base_url = "{url}"', f'api_base_url = "{url}"']
    path = tmp_path / "c.toml"
    path.write_text("\n".join(lines) + "\n")
    config = load_config(path, env={"TRIFFIN_CACHE_DIR": str(cache)})
    return TriffinApp(config, today=TODAY, tick_interval=None)


async def _time_to_offline(app: TriffinApp, texts: list[str]) -> tuple[float, StatusBar]:
    """Run ``app`` until the OFFLINE banner shows: seconds from start-up, and the status bar
    (every source text it showed until then is appended to ``texts``)."""
    loop = asyncio.get_running_loop()
    async with app.run_test(size=(120, 40)) as pilot:
        started = loop.time()  # mounted
        bar = app.screen.query_one(StatusBar)
        # Polled with a plain sleep: Pilot.pause waits for every widget to go idle, which
        # while the demo market is being built would time that build, not the banner.
        while not (bar.banner_text or "").startswith("OFFLINE"):
            texts.append(bar.sources_text)
            assert loop.time() - started < 30, "no OFFLINE banner within 30 s"
            await asyncio.sleep(0.01)
        elapsed = loop.time() - started
        texts.append(bar.sources_text)
        if app.monitor.showing_demo:
            await wait_until(
                pilot, lambda: app.screen.query_one(LiveTable).get_row("ust10y").value is not None, what="demo rows"
            )
        else:
            row = app.screen.query_one(LiveTable).get_row("ust10y")
            assert row is not None and row.value == 4.07 and row.source.startswith("fred")
        await pilot.pause()
        assert (bar.banner_text or "") in screen_text(app)
        # The verdict on the title line says whose numbers it is: the demo's, when it is.
        title = screen_text(app).splitlines()[0]
        assert "OFFLINE" in title and ("DEMO" in title) == app.monitor.showing_demo, title
        # The banner says it all: no toast pops up over it (toasts sit at the bottom right).
        assert not [n.message for n in app._notifications], "a toast over the OFFLINE banner"  # noqa: SLF001
    return elapsed, bar


async def test_refused_connections_show_the_offline_demo_at_once(tmp_path: Path, refusing_url: str) -> None:
    """No network: every first attempt fails in milliseconds, and the OFFLINE demo shows."""
    app = every_source_at(refusing_url, tmp_path, tmp_path / "empty")
    texts: list[str] = []
    elapsed, bar = await _time_to_offline(app, texts)
    assert elapsed < DEADLINE, f"OFFLINE demo after {elapsed:.2f} s"
    assert app.monitor.banner == OFFLINE_DEMO_BANNER
    assert any("connecting…" in t for t in texts), texts[:3]
    assert not any(OK_WORD.search(t) for t in texts), [t for t in texts if OK_WORD.search(t)][:1]


async def test_a_silent_network_shows_the_offline_demo_within_two_seconds(tmp_path: Path, silent_url: str) -> None:
    """Connections hang: no timeout is waited for; the demo shows by the start-up deadline."""
    app = every_source_at(silent_url, tmp_path, tmp_path / "empty")
    texts: list[str] = []
    elapsed, bar = await _time_to_offline(app, texts)
    assert elapsed < DEADLINE, f"OFFLINE demo after {elapsed:.2f} s"
    assert app.monitor.showing_demo and app.monitor.banner == OFFLINE_DEMO_BANNER
    # Nothing answered nor failed yet: every asked source still says so.
    assert "connecting…" in texts[-1] and not any(OK_WORD.search(t) for t in texts)


async def test_kept_values_show_under_the_offline_banner(tmp_path: Path, refusing_url: str) -> None:
    """With a cache: the kept values from the first frame, OFFLINE as soon as every first try failed."""
    cache = tmp_path / "cache"
    prepare_cache(cache)
    app = every_source_at(refusing_url, tmp_path, cache)
    texts: list[str] = []
    elapsed, bar = await _time_to_offline(app, texts)
    assert elapsed < DEADLINE, f"OFFLINE after {elapsed:.2f} s"
    assert not app.monitor.showing_demo and app.monitor.banner is None
    assert bar.banner_text == BANNERS["offline"]
    assert not any(OK_WORD.search(t) for t in texts)


def test_a_dead_config_is_what_the_tests_think(tmp_path: Path, refusing_url: str) -> None:
    """Every installed source is enabled at the dead address (so none reaches the network)."""
    app = every_source_at(refusing_url, tmp_path, tmp_path / "empty")
    sources = app.config.feed.sources
    assert set(sources) >= set(source_names())
    assert all(s.enabled and s.base_url == refusing_url for n, s in sources.items() if n in source_names())


async def test_the_offline_demo_gets_its_synthetic_auctions_after_its_first_frame(
    tmp_path: Path, refusing_url: str
) -> None:
    """The OFFLINE fallback builds the demo's auction book after its first frame; the auction
    signals then read it, and the live book (empty: nothing answered) is left alone."""
    app = every_source_at(refusing_url, tmp_path, tmp_path / "empty")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.monitor.showing_demo, timeout=30, what="the OFFLINE demo")
        await wait_until(pilot, lambda: app.monitor.demo_book is not None, timeout=30, what="the demo auctions")
        monitor = app.monitor
        assert monitor.book is monitor.demo_book and len(monitor.demo_book or ()) > 500
        assert monitor.live_book is not None and len(monitor.live_book) == 0
        await wait_until(
            pilot,
            lambda: monitor.metrics is not None and monitor.metrics.signals["auction_dealer_share"].verdict != "n/a",
            timeout=30,
            what="the auction signals on the demo book",
        )


async def test_holders_say_the_tic_source_is_off_instead_of_waiting_for_it(tmp_path: Path, refusing_url: str) -> None:
    """QA audit: with ``[sources.tic] enabled = false`` the holders screen said the holdings
    "arrive with the next refresh"; no refresh will bring them, and it now says the source is off."""
    cache = tmp_path / "cache"
    prepare_cache(cache)
    lines = []
    for name in source_names():
        lines += [
            f"[sources.{name}]",
            f"enabled = {'false' if name == 'tic' else 'true'}",
            f'base_url = "{refusing_url}"',
        ]
    path = tmp_path / "c.toml"
    path.write_text("\n".join(lines) + "\n")
    app = TriffinApp(load_config(path, env={"TRIFFIN_CACHE_DIR": str(cache)}), today=TODAY, tick_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.monitor.store is not None and app.ready, timeout=30, what="kept values")
        await pilot.press("f")
        await wait_until(pilot, lambda: "TIC" in screen_text(app), what="the holders screen")
        text = screen_text(app)
        assert not app.monitor.showing_demo
        assert "the TIC source is off ([sources.tic] enabled = false)" in text, text
        assert "next refresh" not in text
