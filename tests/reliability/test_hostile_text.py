"""Hostile text: the escape and markup corpus through every surface triffin writes to.

A loopback upstream (:mod:`tests.reliability.hostile`) answers FRED, the Bank of Japan
and the NY Fed with :data:`~tests.reliability.hostile.CORPUS` where their error text
goes (a 200 body's ``error_message`` / ``MESSAGE``, a status line, an error body); the
config names a formula, its unit, an episode and an alert command with the same corpus.
Then every surface is read as bytes and must hold no ESC, no other control but newline
and tab, no C1 control and no bidi override, with the markup shown as text (``[/]``
visible, no ``MarkupError`` traceback, no hyperlink):

- ``triffin snapshot`` in every format (table, csv, markdown, json);
- ``triffin sources`` (table and json);
- ``triffin watch`` (its firing lines on stdout, its log on stderr, where a failing
  alert command's stderr is quoted);
- the TUI through Pilot: the dashboard (status bar, formula row, crisis grid), the
  toasts of a manual refresh, the series detail (last error), the crisis detail and the
  alert log, with every rendered segment checked for a link style too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from datafeed.providers import source_names
from tests.reliability.hostile import CORPUS, HOSTILE, MARKUP_SHOWN, HostileServer, unsafe_chars

ROOT = Path(__file__).resolve().parents[2]
KEY = "0123456789abcdef0123456789abcdef"
DISABLED = tuple(n for n in source_names() if n not in ("fred", "boj", "nyfed"))
"""Every other installed source, so none of them reaches the network from this test."""


def toml_string(text: str) -> str:
    """A TOML basic string holding ``text`` exactly (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=True)


def hostile_config(path: Path, url: str, command: list[str] | None = None) -> Path:
    """Config: FRED (keyed), BoJ and NY Fed at the hostile server; corpus in every name."""
    shots = path.parent / ("shots " + CORPUS["rich close"] + CORPUS["osc 0 title"])  # a folder name is text too
    lines = [
        "timeout = 2",
        f"screenshot_dir = {toml_string(str(shots))}",
        "[sources.fred]",
        f'base_url = "{url}"',
        f'api_base_url = "{url}"',
        "[sources.boj]",
        f'base_url = "{url}"',
        "[sources.nyfed]",
        f'base_url = "{url}"',
    ]
    for name in DISABLED:
        lines += [f"[sources.{name}]", "enabled = false"]
    lines += [
        "[[formulas]]",
        'id = "evil"',
        'expr = "ust10y * 1"',
        f"unit = {toml_string(CORPUS['csi'] + '%')}",
        f"name = {toml_string(HOSTILE)}",
        "[[episodes]]",
        'id = "evil-episode"',
        f"name = {toml_string(HOSTILE)}",
        "start = 2020-03-09",
        "end = 2020-03-18",
    ]
    if command:
        lines += ["[[alerts]]", 'rule = "ust10y > 0"', f"command = [{', '.join(toml_string(a) for a in command)}]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def upstream() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def _env(tmp_path: Path, config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update(
        TRIFFIN_CONFIG=str(config),
        TRIFFIN_CACHE_DIR=str(tmp_path / "cache"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        FRED_API_KEY=KEY,
        NO_COLOR="1",
        PYTHONIOENCODING="utf-8",
    )
    return env


def assert_clean(data: bytes, where: str) -> str:
    """No unsafe character in ``data`` (decoded as UTF-8; an undecodable byte fails too)."""
    text = data.decode("utf-8")  # raises on a stray 8-bit C1 byte: that fails the test as well
    bad = unsafe_chars(text)
    assert not bad, f"{where}: {len(bad)} unsafe character(s), first {bad[0]!r}, in:\n{text[-3000:]}"
    assert "Traceback" not in text and "MarkupError" not in text, f"{where}: a traceback:\n{text[-3000:]}"
    return text


def run(args: list[str], env: dict[str, str], timeout: float = 90) -> tuple[int, str, str]:
    r = subprocess.run([sys.executable, "-m", "tui", *args], cwd=ROOT, env=env, capture_output=True, timeout=timeout)
    out = assert_clean(r.stdout, f"stdout of {args}")
    err = assert_clean(r.stderr, f"stderr of {args}")
    return r.returncode, out, err


SNAPSHOT_FORMATS = ("table", "csv", "markdown", "json")


@pytest.mark.parametrize("fmt", SNAPSHOT_FORMATS)
def test_snapshot_every_format_is_clean(upstream: HostileServer, tmp_path: Path, fmt: str) -> None:
    env = _env(tmp_path, hostile_config(tmp_path / "c.toml", upstream.url))
    rc, out, _ = run(["snapshot", "--format", fmt, "--timeout", "8"], env)
    assert rc == 1  # the sources failed; the document is still printed
    assert any("/fred/series/observations" in h for h in upstream.hits)
    assert any("/api/v1/getDataCode" in h for h in upstream.hits)
    if fmt == "json":
        doc = json.loads(out)
        errors = [s["error"] or "" for s in doc["series"].values()]
        assert any("FRED error 400" in e and "[/]" in e and "CLICK" in e for e in errors)
        assert any(e.startswith("boj:") and "[/]" in e for e in errors)
        for value in (*errors, doc["series"]["evil"]["name"], *(c["name"] for c in doc["crises"])):
            assert not unsafe_chars(value), value  # json.dump escapes controls; the values must not hold any
        return
    if fmt == "markdown":  # no error column; the formula's name, escaped: no Markdown link either
        assert "\\[/\\] \\[link=http://ev.il\\]CLICK \\[/x\\]" in out
        return
    # the markup is shown as text, never interpreted (the table cuts errors at 40 characters)
    assert "FRED error 400" in out and "[/]" in out and "CLICK" in out
    if fmt == "table":
        assert "[/x]" in out  # the formula and episode names, markup intact as text


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_sources_is_clean(upstream: HostileServer, tmp_path: Path, fmt: str) -> None:
    env = _env(tmp_path, hostile_config(tmp_path / "c.toml", upstream.url))
    rc, out, _ = run(["sources", "--format", fmt, "--timeout", "8"], env)
    assert rc == 1
    for shown in MARKUP_SHOWN[:2]:
        assert shown in out, (shown, out)
    assert "HTTP 503" in out  # the NY Fed's status line, reason phrase included


def test_watch_output_and_log_are_clean(upstream: HostileServer, tmp_path: Path) -> None:
    """A failing alert command prints the corpus (NUL bytes included) on stderr; watch logs
    an excerpt of it: sanitised, capped, markup as text."""
    script = f"import sys; sys.stderr.write({HOSTILE!r} * 40); sys.stdout.write({HOSTILE!r}); sys.exit(3)"
    command = [sys.executable, "-c", script]
    env = _env(tmp_path, hostile_config(tmp_path / "c.toml", upstream.url, command))
    rc, out, err = run(["watch", "--demo", "--once", "--alert", "vix > 0"], env)
    assert rc == 0
    assert "ust10y > 0" in out and "DEMO" in out  # the firing lines
    failures = [line for line in err.splitlines() if "exited 3" in line]
    assert len(failures) == 1, err
    assert "[/]" in failures[0] and "CLICK" in failures[0]
    assert len(failures[0]) < 400, "the excerpt of the command's output is capped"


async def test_tui_status_bar_notifications_and_screens_are_clean(upstream: HostileServer, tmp_path: Path) -> None:
    from rich.segment import Segment

    from datafeed.cache import DiskCache
    from datafeed.models import Observation
    from datafeed.store import SeriesStore
    from tests.tui.tui_helpers import wait_until
    from tui.app import TriffinApp
    from tui.config import load_config
    from tui.screens.alerts import AlertLogScreen
    from tui.screens.crisis_detail import CrisisDetailScreen
    from tui.screens.series_detail import SeriesDetailScreen

    kept = SeriesStore(today=lambda: dt.date(2026, 11, 20))  # kept data, so the live store stays on screen
    kept.apply(
        [
            Observation("ust10y", dt.date(2026, 11, 18), 4.07, "fred:DGS10"),
            Observation("tona", dt.date(2026, 11, 18), 0.48, "boj:FM01'STRDCLUCON"),
        ]
    )
    DiskCache(tmp_path / "cache").save(kept)
    command = [sys.executable, "-c", "import sys; sys.exit(0)", HOSTILE]  # shown in the alert log
    cfg = hostile_config(tmp_path / "c.toml", upstream.url, command)
    config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(tmp_path / "cache"), "FRED_API_KEY": KEY})
    config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=1, timeout=2.0))
    app = TriffinApp(config, today=dt.date(2026, 11, 20), tick_interval=None)
    notes: list[str] = []
    notify = app.notify

    def recording(message: str, **kwargs: object) -> None:
        notes.append(message)
        notify(message, **kwargs)  # type: ignore[arg-type]

    app.notify = recording  # type: ignore[method-assign]
    seen: list[str] = []

    def check_screen(where: str) -> str:
        strips = app.screen._compositor.render_strips()  # noqa: SLF001 - what the terminal gets
        text = "\n".join(strip.text for strip in strips)
        bad = unsafe_chars(text)
        assert not bad, f"{where}: unsafe {bad[0]!r} on screen:\n{text}"
        links = [s.text for strip in strips for s in list(strip) if isinstance(s, Segment) and s.style and s.style.link]
        assert not links, f"{where}: a hyperlink on screen: {links}"
        seen.append(where)
        return text

    async with app.run_test(size=(200, 60)) as pilot:
        store = lambda: app.monitor.live_store  # noqa: E731
        await wait_until(
            pilot,
            lambda: (
                store() is not None
                and "FRED error" in (store().state["ust10y"].last_error or "")
                and (store().state["tona"].last_error or "").startswith("boj:")
            ),
            timeout=40,
            what="the hostile answers",
        )
        await pilot.pause(0.5)
        dashboard = check_screen("the dashboard")
        assert "fred" in dashboard and "boj" in dashboard
        before = len(notes)
        await pilot.press("r")
        await wait_until(pilot, lambda: len(notes) > before, what="the refresh toast")
        await pilot.pause(0.3)
        check_screen("the dashboard with toasts")
        app.push_screen(SeriesDetailScreen("ust10y"))
        await pilot.pause(0.5)
        detail = check_screen("the series detail")
        assert "FRED error 400" in detail and "[/]" in detail
        app.push_screen(CrisisDetailScreen("evil-episode"))
        await pilot.pause(0.5)
        crisis = check_screen("the crisis detail")
        assert "[/x]" in crisis and "CLICK" in crisis
        app.push_screen(AlertLogScreen())
        await pilot.pause(0.5)
        alerts = check_screen("the alert log")
        assert "[/]" in alerts  # the command's hostile argument, shown as text
        app.pop_screen()
        app.pop_screen()
        app.pop_screen()
        await pilot.pause(0.3)
        before = len(notes)
        await pilot.press("s")  # save the view: the toast names the (hostile) folder
        await wait_until(pilot, lambda: len(notes) > before, what="the save toast")
        await pilot.pause(0.3)
        check_screen("the dashboard with the save toast")
        shown = list(app._notifications)  # noqa: SLF001 - what the toasts display
        assert shown and any("shots [/]" in n.message for n in shown)
        for n in shown:
            assert not unsafe_chars(n.message + n.title) and not n.markup, n
    folder = tmp_path / ("shots " + CORPUS["rich close"] + CORPUS["osc 0 title"])  # ("[/]" nests a folder)
    csvs = [folder / name for name in os.listdir(folder) if name.endswith(".csv")]  # (glob reads [ ] as a pattern)
    assert csvs, "the save wrote the view's data"
    for path in csvs:
        assert_clean(path.read_bytes(), f"the saved {path.name}")
    assert len(seen) == 6


def test_corpus_size() -> None:
    """The closing note's corpus count, asserted so it cannot drift silently."""
    assert len(CORPUS) == 14
    assert all(part in HOSTILE for part in CORPUS.values())


def test_alert_command_output_is_drained_capped_and_sanitised() -> None:
    """A command flooding 20 MB on each stream (corpus included) neither blocks on a full pipe
    nor fills memory, and its failure reads as one short, clean line."""
    import time

    from datafeed.alerts import EXCERPT, run_command

    flood = f"import sys; chunk = ({HOSTILE!r} * 200).encode(); "
    flood += (
        "[(sys.stdout.buffer.write(chunk), sys.stderr.buffer.write(chunk)) for _ in range(20_000_000 // len(chunk))]; "
    )
    flood += "sys.exit(3)"
    started = time.monotonic()
    result = run_command([sys.executable, "-c", flood], {"rule": "x"}, timeout=60)
    assert time.monotonic() - started < 30, "the output was drained while the command ran"
    assert not result.ok and result.returncode == 3
    assert result.error is not None and "exited 3" in result.error and "[/]" in result.error
    assert not unsafe_chars(result.error) and len(result.error) < EXCERPT + 100
