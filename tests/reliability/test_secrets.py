"""Secrets: ``FRED_API_KEY`` never reaches the screen, stdout/stderr, a cache or log file,
a recording, an error message or a notification, even when the server misbehaves in ways
that put the key in front of us (it echoes the URL in its status line and page, or echoes
the key inside a malformed JSON body that our error message quotes, cut short).

"Appears" is checked strictly: no 8-character piece of the key may show up anywhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from datafeed.cache import DiskCache
from datafeed.models import Observation, Status
from datafeed.store import SeriesStore
from tests.reliability.faultserver import FaultServer
from tests.reliability.harness import TODAY, make_feed

ROOT = Path(__file__).resolve().parents[2]
KEY = "f00dfacecafebeef0123456789abcdef"
"""A made-up key shaped like FRED's (32 lower-case hex digits)."""

FAILING = ("echo", "echo_json", "json_error", "500", "reset", "hang", "429", "json_garbage")


def pieces(key: str = KEY, n: int = 8) -> set[str]:
    return {key[i : i + n] for i in range(len(key) - n + 1)}


def assert_clean(text: str, where: str) -> None:
    found = sorted(p for p in pieces() if p in text)
    assert not found, f"a piece of the key ({found[0]!r}) appears in {where}"


def scan_tree(root: Path) -> int:
    """Every file and folder name and every file's bytes under ``root``; returns files seen."""
    seen = 0
    for path in root.rglob("*"):
        assert_clean(path.name, f"the file name {path}")
        if path.is_file():
            seen += 1
            assert_clean(path.read_bytes().decode("latin-1"), f"the file {path}")
    return seen


def failing_mode(sid: str, n: int) -> str:
    """One fault per series, the same on every retry (so each fault is what is reported)."""
    return FAILING[sum(map(ord, sid)) % len(FAILING)]


@pytest.fixture
def srv() -> Iterator[FaultServer]:
    with FaultServer(hang_limit=5.0, retry_after="1") as server:
        yield server


def _config(tmp_path: Path, url: str) -> Path:
    """A config pointing FRED at the fault server, with 1 s requests and no per-minute cap.

    FRED's 100-requests-a-minute window (its own test is in ``test_http.py``) would hold
    ``record --once`` for the rest of the minute once its retries pass the hundredth request:
    ~60 s of waiting that tells nothing about where the key goes. Lifting the cap keeps every
    request and response (retries included); it only takes the wait away.
    """
    from tests.conftest import write_config

    path = write_config(tmp_path / "config.toml", url)
    text = path.read_text().replace("[sources.fred]\n", "[sources.fred]\nmax_per_minute = 0\n", 1)
    assert "max_per_minute = 0" in text
    path.write_text("timeout = 1\n" + text)
    path.chmod(0o600)
    return path


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    r = subprocess.run(
        [sys.executable, "-m", "tui", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90
    )
    assert "Traceback" not in r.stderr, r.stderr
    assert_clean(r.stdout, f"stdout of {args}")
    assert_clean(r.stderr, f"stderr of {args}")
    return r


def test_key_never_leaves_the_process_end_to_end(srv: FaultServer, tmp_path: Path) -> None:
    env = dict(
        os.environ,
        NO_COLOR="1",
        COLUMNS="200",
        FRED_API_KEY=KEY,
        TRIFFIN_CONFIG=str(_config(tmp_path, srv.url)),
        TRIFFIN_CACHE_DIR=str(tmp_path / "cache"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
    )
    # A good keyed run fills the cache (it really used the key: the server saw it).
    ok = _run(["snapshot", "--format", "json", "--timeout", "15"], env)
    assert '"fred:DGS10"' in ok.stdout and any("api_key=" + KEY in h.query for h in srv.hits)
    srv.mode = failing_mode
    # The 429s still come, and are recorded; "Retry-After: 0" only spares record --once a
    # 1 s pause of the whole source per 429 (half its run), a pause that writes no text.
    srv.retry_after = "0"
    commands = (
        ["snapshot", "--format", "json", "--timeout", "4"],
        ["snapshot", "--format", "table", "--timeout", "4"],
        ["snapshot", "--format", "csv", "--timeout", "4"],
        ["snapshot", "--format", "markdown", "--timeout", "4"],
        ["sources", "--format", "json", "--timeout", "4"],
        ["record", str(tmp_path / "recording"), "--once"],
    )
    # All at once (they only read the shared cache, and write it atomically).
    procs = [
        (
            args,
            subprocess.Popen(
                [sys.executable, "-m", "tui", *args],
                cwd=ROOT,
                env=env,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            ),
        )
        for args in commands
    ]
    everything = ""
    for args, proc in procs:
        out, err = proc.communicate(timeout=90)
        assert "Traceback" not in err, err
        assert_clean(out, f"stdout of {args}")
        assert_clean(err, f"stderr of {args}")
        everything += out + err
    # The hostile answers were really met (and their text redacted, not dropped).
    assert "Upstream failed for" in everything and "***" in everything
    assert "FRED JSON observation is malformed" in everything
    assert "HTTP 400" in everything and "timed out" in everything
    files = scan_tree(tmp_path)
    assert (tmp_path / "cache" / "ust10y.json").exists() and files >= 5
    assert any((tmp_path / "recording").iterdir())


async def test_feed_errors_are_redacted_even_when_cut_short(srv: FaultServer) -> None:
    """echo_json makes FRED's parser quote the body cut at 60 characters, which ends in
    the first 22 characters of the key: that piece is masked as well."""
    from datafeed.errors import register_secret

    register_secret(KEY)  # what tui.config does when it reads the key
    store = SeriesStore(today=lambda: TODAY)
    feed, http, _ = make_feed(srv.url, store, ("ust10y", "vix", "ust2y"), api_key=KEY, retries=1)
    for mode in ("echo", "echo_json", "json_error", "reset"):
        srv.mode = mode
        feed.request_refresh()
        report = await feed.refresh()
        assert report.failed == 3
        for inst in ("ust10y", "vix", "ust2y"):
            assert_clean(store.state[inst].last_error or "", f"last_error after {mode}")
        for message in report.errors.values():
            assert_clean(message, f"the pass report after {mode}")
    await http.aclose()


def record_notifications(app: object) -> list[str]:
    """Every message passed to ``app.notify`` (toasts expire; this list does not)."""
    seen: list[str] = []
    notify = app.notify  # type: ignore[attr-defined]

    def recording(message: object, *args: object, **kwargs: object) -> None:
        seen.append(str(message))
        notify(message, *args, **kwargs)

    app.notify = recording  # type: ignore[attr-defined]
    return seen


def _prepare_cache(folder: Path) -> None:
    store = SeriesStore(today=lambda: TODAY)
    store.apply(
        [
            Observation("ust10y", dt.date(2026, 11, 18), 4.07, "fred:DGS10"),
            Observation("vix", dt.date(2026, 11, 18), 17.5, "fred:VIXCLS"),
        ]
    )
    DiskCache(folder).save(store)


async def test_key_never_on_the_tui_screen_or_in_notifications(srv: FaultServer, tmp_path: Path) -> None:
    from tests.conftest import write_config
    from tests.tui.tui_helpers import screen_text, wait_until
    from tui.app import TriffinApp
    from tui.config import load_config
    from tui.screens.series_detail import SeriesDetailScreen

    srv.mode = "echo"
    cache = tmp_path / "cache"
    _prepare_cache(cache)
    cfg = write_config(tmp_path / "c.toml", srv.url)
    config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(cache), "FRED_API_KEY": KEY})
    assert config.feed.sources["fred"].api_key == KEY
    config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=1, timeout=2.0))
    app = TriffinApp(config, today=dt.date(2026, 11, 20), tick_interval=None)
    notes = record_notifications(app)
    async with app.run_test(size=(200, 60)) as pilot:
        await wait_until(
            pilot,
            lambda: (
                app.monitor.live_store is not None
                and app.monitor.live_store.state["ust10y"].status is Status.STALE
                and bool(app.monitor.live_store.state["ust10y"].last_error)
            ),
            timeout=30,
            what="the failed refresh",
        )
        state = app.monitor.live_store.state["ust10y"]
        assert "Upstream failed for" in (state.last_error or "")
        # The manual refresh must really run and fail anew, with another echo of the key:
        # the server switches to a malformed JSON body quoting it, and the test waits for
        # that new reason (the old one was already there before the key was pressed).
        srv.mode = "echo_json"
        attempt, hits = state.last_attempt, len(srv.hits)
        await pilot.press("r")  # a manual refresh: notifications, another failure
        await wait_until(
            pilot,
            lambda: (
                len(srv.hits) > hits
                and state.last_attempt != attempt
                and "FRED JSON observation is malformed" in (state.last_error or "")
            ),
            timeout=30,
            what="the manual refresh to fail with the new echo",
        )
        await pilot.pause(0.3)
        assert any("api_key=" + KEY in h.query for h in srv.hits[hits:]), "the refresh sent the key again"
        assert_clean(screen_text(app), "the dashboard")
        assert_clean(app.export_screenshot(), "the dashboard screenshot")
        app.push_screen(SeriesDetailScreen("ust10y"))
        await pilot.pause(0.5)
        text = screen_text(app)
        assert "FRED JSON observation" in text and "last error" in text.lower(), text
        assert_clean(text, "the series detail screen")
        assert_clean(app.export_screenshot(), "the series detail screenshot")
        assert notes, "the refresh must have notified something"
        for note in notes:
            assert_clean(note, "a notification")


def key_forms(key: str = KEY) -> dict[str, bytes]:
    """Every form of the key a recording must not hold: as is, upper and lower case, percent-
    encoded (hex digits in either case), UTF-16, and the base64 (standard and URL-safe) of each."""
    import base64
    from urllib.parse import quote

    texts = {
        "key": key,
        "upper": key.upper(),
        "lower": key.lower(),
        "quoted": quote(key, safe=""),
        "percent": "".join(f"%{b:02X}" for b in key.encode()),
        "percent lower": "".join(f"%{b:02x}" for b in key.encode()),
    }
    forms = {name: text.encode() for name, text in texts.items()}
    forms["utf-16-le"] = key.encode("utf-16-le")
    forms["utf-16-be"] = key.encode("utf-16-be")
    for name, raw in list(forms.items()):
        forms[f"base64 of {name}"] = base64.b64encode(raw).rstrip(b"=")
        forms[f"urlsafe base64 of {name}"] = base64.urlsafe_b64encode(raw).rstrip(b"=")
    return forms


def test_record_against_a_key_echoing_server_stores_no_key_in_any_form(tmp_path: Path) -> None:
    """The upstream echoes the key in a Location header, a Set-Cookie, another header, a JSON
    body (as is, upper-cased, percent-encoded), a body that is not UTF-8 (stored base64) and a
    redirect's query string: ``triffin record`` keeps none of it, in any form."""
    import base64
    import json

    from tests.reliability.hostile import HostileServer
    from tests.reliability.test_hostile_text import hostile_config

    folder = tmp_path / "recording"
    with HostileServer() as server:
        server.fred_answers = ["json", "binary", "redirect"]
        config = hostile_config(tmp_path / "c.toml", server.url)
        env = dict(
            os.environ,
            NO_COLOR="1",
            FRED_API_KEY=KEY,
            TRIFFIN_CONFIG=str(config),
            TRIFFIN_CACHE_DIR=str(tmp_path / "cache"),
            XDG_STATE_HOME=str(tmp_path / "state"),
        )
        r = _run(["record", str(folder), "--once"], env)
        assert r.returncode == 0, r.stderr
        hits = list(server.hits)
    assert sum("api_key=" + KEY in h for h in hits) >= 3, "the feed really sent the key"
    records = [json.loads(line) for line in (folder / "responses.jsonl").read_text().splitlines()]
    fred = [d for d in records if "/fred/series/observations" in d.get("url", "")]
    # every echo really reached the recorder (and was redacted there)
    assert any(d.get("status") == 302 and "location" in {k.lower() for k in d["headers"]} for d in fred)
    assert any("body_b64" in d for d in fred) and any('"echo"' in d.get("body", "") for d in fred)
    assert any("again=1" in d["url"] and "api_key=***" in d["url"] for d in fred), "the redirect was followed"
    assert not any("set-cookie" in {k.lower() for k in d.get("headers", {})} for d in records)
    binary = next(base64.b64decode(d["body_b64"]) for d in fred if "body_b64" in d)
    assert binary.startswith(b"\xff\xfe\x00***\x00***"), binary[:40]
    forms = key_forms()
    for path in folder.rglob("*"):
        data = path.read_bytes() if path.is_file() else b""
        for name, form in forms.items():
            assert form not in data, f"the key ({name}) is in {path.name}"
            assert form.lower() not in data.lower() or name.startswith(("base64", "urlsafe")), (name, path)
        assert_clean(data.decode("latin-1"), f"the recording file {path.name}")
        assert all(b < 0x80 for b in data), f"{path.name} is not ASCII"


@pytest.mark.parametrize(("mode", "warned"), [(0o644, True), (0o640, True), (0o600, False)])
def test_world_readable_key_file_is_warned_about_once_without_the_key(tmp_path: Path, mode: int, warned: bool) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[sources.fred]\napi_key = "{KEY}"\n')
    path.chmod(mode)
    env = dict(os.environ, NO_COLOR="1", TRIFFIN_CONFIG=str(path), TRIFFIN_CACHE_DIR=str(tmp_path / "cache"))
    r = _run(["snapshot", "--offline", "--format", "json"], env)
    warnings = [line for line in r.stderr.splitlines() if "readable by others" in line]
    assert len(warnings) == (1 if warned else 0)
    if warned:
        assert f"chmod 600 {path}" in warnings[0]


async def test_a_failed_worker_notification_is_redacted(tmp_path: Path) -> None:
    """A worker dying with a URL (key included) in its error: the toast says so, masked."""
    from datafeed.errors import register_secret
    from tests.tui.tui_helpers import demo_app, wait_until

    register_secret(KEY)
    app = demo_app()

    async def dies() -> None:
        raise RuntimeError(
            f"GET https://api.stlouisfed.org/fred/series/observations?api_key={KEY}&series_id=DGS10 failed"
        )

    notes = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.run_worker(dies(), group="probe", exit_on_error=False)
        await wait_until(pilot, lambda: any("probe failed" in n for n in notes), what="the toast")
        for note in notes:
            assert_clean(note, "a notification")
