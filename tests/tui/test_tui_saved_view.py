"""The saved dashboard view (issue 20): the whole first screen from the last run, before pandas.

A run saves what its dashboard shows (rows, signals, regime, crisis grid); the next start
paints it in its first frame, while the store and the metrics are still loading, and the
first recompute replaces it. The demo's view lives in its own labelled file, never in the
live cache; a view saved under another config is never shown.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tui_helpers import TODAY, demo_app, demo_config, screen_text, wait_ready

from datafeed import demo as demo_module
from datafeed.cache import DiskCache
from datafeed.demo import DemoMarket
from datafeed.demo_identity import DEMO_SEED, GENERATOR_VERSION
from datafeed.models import Observation
from datafeed.monitor import demo_history_end
from datafeed.store import SeriesStore
from tests.conftest import ROOT, write_config
from tui import viewcache
from tui.app import TriffinApp
from tui.config import load_config
from widgets.data import RegimeView, ScoreCell, ScoreRow, SignalView, TableRow
from widgets.live_table import LiveTable
from widgets.scorecard import ScorecardGrid
from widgets.signals_panel import SignalsPanel


def _shown(app: TriffinApp) -> tuple[dict[str, TableRow | None], tuple[str, ...], RegimeView | None, tuple[str, ...]]:
    screen = app.screen
    table = screen.query_one(LiveTable)
    panel = screen.query_one(SignalsPanel)
    return (
        {r: table.get_row(r) for r in table.row_ids},
        panel.signal_ids,
        panel.regime,
        screen.query_one(ScorecardGrid).episode_ids,
    )


def _hold(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> threading.Event:
    """Make ``module.name`` wait for the returned event (the load stays in progress)."""
    gate = threading.Event()
    original = getattr(module, name)

    def held(*args: object, **kwargs: object) -> object:
        gate.wait(20)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    return gate


def _demo_files(cache: Path) -> list[Path]:
    return sorted((cache / viewcache.DEMO_FOLDER).glob("*.json"))


async def test_demo_paints_its_saved_view_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run 1 saves the demo's view in its own DEMO file; run 2 paints it before the demo
    market is built, and the recompute then replaces it with exactly the same screen."""
    cache = Path(load_config(None).cache_dir)
    async with demo_app().run_test(size=(140, 45)) as pilot:
        await wait_ready(pilot)
        first = _shown(pilot.app)
    files = _demo_files(cache)
    assert len(files) == 1, files
    name = files[0].name
    assert name.startswith("DEMO-synthetic-view-") and f"seed{DEMO_SEED}" in name and f"gen{GENERATOR_VERSION}" in name
    assert f"end{demo_history_end(TODAY).isoformat()}" in name and f"day{TODAY.isoformat()}" in name
    assert not (cache / viewcache.LIVE_FILENAME).exists(), "demo numbers never enter the live cache"
    assert b'"synthetic":true' in files[0].read_bytes()

    gate = _hold(monkeypatch, demo_module, "load_demo")
    app = demo_app()
    try:
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.pause()
            assert app.monitor.demo_store is None, "the demo market is still being built"
            painted = _shown(app)
            assert painted == first, "the first frame is the saved view"
            text = screen_text(app)
            assert "GFC" in text and "REGIME" in text and "DEMO" in text
            gate.set()
            await wait_ready(pilot)
            assert _shown(app) == first
    finally:
        gate.set()


async def test_demo_view_of_another_day_or_generator_is_not_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's view is keyed by the day, history end and generator version."""
    async with demo_app().run_test(size=(140, 45)) as pilot:
        await wait_ready(pilot)
    monkeypatch.setattr(viewcache, "GENERATOR_VERSION", GENERATOR_VERSION + 1)
    gate = _hold(monkeypatch, demo_module, "load_demo")
    app = demo_app()
    try:
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.pause()
            assert app.screen.query_one(ScorecardGrid).episode_ids == ()
            assert app.screen.query_one(LiveTable).row_ids == ()
            assert "loading" in screen_text(app)
    finally:
        gate.set()
    app = demo_app(today=TODAY + dt.timedelta(days=3))
    gate = _hold(monkeypatch, demo_module, "load_demo")
    try:
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.pause()
            assert app.screen.query_one(ScorecardGrid).episode_ids == ()
    finally:
        gate.set()


def _filled_store() -> SeriesStore:
    """Enough data for a few signals and the GFC episode's checks."""
    store = SeriesStore(today=lambda: TODAY)
    days = pd.bdate_range("2007-01-01", TODAY - dt.timedelta(days=1))
    rng = np.random.default_rng(3)
    obs: list[Observation] = []
    for inst, tag, base, step in (
        ("ust10y", "fred:DGS10", 4.0, 0.04),
        ("ust2y", "fred:DGS2", 3.0, 0.04),
        ("vix", "fred:VIXCLS", 18.0, 0.5),
        ("spx", "fred:SP500", 1500.0, 10.0),
    ):
        path = base + np.cumsum(rng.normal(0, step, len(days)))
        obs += [
            Observation(inst, d.date(), round(float(abs(v)) + 0.1, 6), tag) for d, v in zip(days, path, strict=True)
        ]
    store.apply(obs)
    for inst in ("ust10y", "ust2y", "vix", "spx"):
        store.mark_success(inst, store.latest(inst).source, dt.datetime(2026, 11, 19, 22, tzinfo=dt.UTC))
    return store


def _live_app(tmp_path: Path, cache: Path, extra: str = "") -> TriffinApp:
    cfg = write_config(tmp_path / "c.toml", "http://127.0.0.1:9")  # nothing answers
    if extra:
        cfg.write_text(cfg.read_text() + extra)
    config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(cache)})
    config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=1, timeout=2.0))
    return TriffinApp(config, today=TODAY, tick_interval=None)


FORMULA = '\n[[formulas]]\nid = "curve"\nexpr = "(ust10y - ust2y) * 100"\nunit = "bp"\n'


async def test_live_paints_grid_regime_and_formulas_from_the_saved_view(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Live: the saved view (beside ``_summary.json``) gives the first frame its signals,
    regime, crisis grid and formula rows; the instruments come from the summary; rows that
    were fresh read stale (kept data) until a source answers."""
    cache = tmp_path / "cache"
    DiskCache(cache).save(_filled_store())
    app = _live_app(tmp_path, cache, FORMULA)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_ready(pilot)
        before = _shown(app)
        await app.action_quit()
    saved = cache / viewcache.LIVE_FILENAME
    assert saved.exists() and not (cache / viewcache.DEMO_FOLDER).exists()
    assert before[0]["curve"] is not None and before[0]["curve"].value is not None

    gate = _hold(monkeypatch, DiskCache, "load_into")
    app = _live_app(tmp_path, cache, FORMULA)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            assert app.monitor.live_store is None, "the store is still loading"
            rows, signals, regime, episodes = _shown(app)
            assert (signals, regime, episodes) == before[1:], "signals, regime and grid as saved"
            assert regime is not None and f"REGIME {regime.verdict}" in screen_text(app)
            curve = rows["curve"]
            assert curve is not None and curve.value == before[0]["curve"].value
            assert curve.status in ("stale", "missing", "error") and curve.status != "fresh"
            assert rows["ust10y"] is not None and rows["ust10y"].status == "stale"
            gate.set()
            await wait_ready(pilot)
            assert _shown(app)[1:] == before[1:]
    finally:
        gate.set()


async def test_live_view_of_another_config_is_not_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Changed thresholds (or formulas, instruments, episodes) make the saved view unusable."""
    cache = tmp_path / "cache"
    DiskCache(cache).save(_filled_store())
    async with _live_app(tmp_path, cache).run_test(size=(160, 48)) as pilot:
        await wait_ready(pilot)
        await pilot.app.action_quit()
    assert (cache / viewcache.LIVE_FILENAME).exists()
    gate = _hold(monkeypatch, DiskCache, "load_into")
    app = _live_app(tmp_path, cache, "\n[thresholds.convenience_aaa_10y]\nyears = 5\n")
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            assert app.screen.query_one(ScorecardGrid).episode_ids == ()
            assert app.screen.query_one(SignalsPanel).regime is None
    finally:
        gate.set()


# --------------------------------------------------------------------------- the file


def _view(kind: str = "live") -> viewcache.SavedView:
    return viewcache.SavedView(
        kind,
        dt.datetime(2026, 11, 18, 22, tzinfo=dt.UTC),
        (
            TableRow(
                "ust10y", "UST 10Y", 4.1, 3, date="2026-11-18", age="0d", status="fresh", spark=(1.0, float("nan"))
            ),
            TableRow("q", "Q", None, 2, status="missing"),
        ),
        (SignalView("convenience", "Convenience", "+51 bp", "eroding", date="2026-11-18", age="0bd"),),
        ("us",),
        RegimeView("ERODING", 1, 1, as_of="2026-11-18"),
        (
            ScoreRow(
                "gfc", "GFC: Lehman", "2008-09-12", "2008-12-31", "haven", (ScoreCell("ust10y", -140.0, "bp", "pass"),)
            ),
        ),
    )


def test_round_trip_and_keys() -> None:
    """A view reads back equal; another kind or config key reads as nothing."""
    view = _view()
    data = viewcache.encode(view, "k1")
    back = viewcache.decode(data, "k1", "live")
    assert back is not None and back.rows[0].spark[1] != back.rows[0].spark[1]  # NaN kept
    assert dataclasses.replace(back, rows=back.rows[1:]) == dataclasses.replace(view, rows=view.rows[1:])
    assert viewcache.decode(data, "k2", "live") is None
    assert viewcache.decode(data, "k1", "demo") is None
    assert viewcache.decode(b"{not json", "k1", "live") is None
    assert viewcache.decode(data.replace(b'"eroding"', b'"rotten"'), "k1", "live") is None


def test_ages_stay_true_and_live_fresh_reads_stale() -> None:
    """Two days later: the row's age counts from its date, the signal's business-day age
    moves on by the business days since the save; a fresh live row reads stale."""
    later = viewcache.as_of(_view("live"), dt.date(2026, 11, 20))
    assert later.rows[0].age == "2d" and later.rows[0].status == "stale"
    assert later.rows[1].status == "missing"
    assert later.signals[0].age == "2bd"
    demo = viewcache.as_of(_view("demo"), dt.date(2026, 11, 18))
    assert demo.rows[0].status == "fresh" and demo.signals[0].age == "0bd"


def test_a_value_of_the_wrong_type_makes_the_view_unusable() -> None:
    """A tampered number (text where a value belongs) is refused, never drawn."""
    data = viewcache.encode(_view(), "k")
    assert viewcache.decode(data.replace(b'"value":4.1', b'"value":"4.1"'), "k", "live") is None
    assert viewcache.decode(data.replace(b'"late":false', b'"late":1', 1), "k", "live") is None
    assert viewcache.decode(data.replace(b'"decimals":3', b'"decimals":true', 1), "k", "live") is None
    assert viewcache.decode(data.replace(b'"change":-140.0', b'"change":[1]'), "k", "live") is None
    assert viewcache.decode(data, "k", "live") is not None


def test_outside_text_is_sanitised() -> None:
    """A tampered view cannot put escape sequences on the terminal."""
    data = viewcache.encode(_view(), "k").replace(b"UST 10Y", b"UST\\u001b[2J 10Y")
    back = viewcache.decode(data, "k", "live")
    assert back is not None and "\x1b" not in back.rows[0].name


def test_reading_a_view_needs_no_pandas(tmp_path: Path) -> None:
    """Reading and dating a view imports neither pandas, numpy nor httpx (the first frame)."""
    path = viewcache.live_path(tmp_path)
    viewcache.write_view(path, viewcache.encode(_view(), "k"))
    code = (
        "import sys, datetime as dt\n"
        "from tui import viewcache\n"
        f"v = viewcache.read_view(viewcache.live_path({str(tmp_path)!r}), 'k', 'live')\n"
        "assert viewcache.as_of(v, dt.date(2026, 11, 20)).rows[0].age == '2d'\n"
        "print(' '.join(m for m in ('pandas', 'numpy', 'httpx') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_a_new_demo_view_removes_the_old_ones(tmp_path: Path) -> None:
    """Only today's demo view is kept (one file a day would pile up)."""
    old = viewcache.demo_path(tmp_path, dt.date(2026, 11, 18), dt.date(2026, 11, 19), "k")
    new = viewcache.demo_path(tmp_path, dt.date(2026, 11, 19), dt.date(2026, 11, 20), "k")
    assert viewcache.write_view(old, b"{}") and viewcache.write_view(new, b"{}")
    assert _demo_files(tmp_path) == [new]


def test_generator_version_pins_the_demo_output() -> None:
    """If this fails, the demo generator's output changed: bump
    ``datafeed.demo_identity.GENERATOR_VERSION`` and update the digest here."""
    market = DemoMarket(end=dt.date(2026, 11, 19))
    store = SeriesStore()
    demo_module.load_demo(store, market)
    digest = hashlib.sha256()
    for inst in sorted(store.catalog):
        series = store.series(inst)
        digest.update(inst.encode())
        digest.update(np.ascontiguousarray(series.to_numpy(dtype="float64")).tobytes())
        digest.update(np.ascontiguousarray(series.index.asi8).tobytes())
    assert (GENERATOR_VERSION, digest.hexdigest()[:16]) == (1, "7b914e379cdc9858")


def test_demo_config_changes_the_key(tmp_path: Path) -> None:
    """Formulas are part of the key."""
    plain = demo_config()
    with_formula = demo_config(tmp_path, FORMULA)

    def key(config: object) -> str:
        return viewcache.fingerprint(config.catalog, config.formulas, config.thresholds, config.episodes)  # type: ignore[attr-defined]

    assert key(plain) != key(with_formula)
