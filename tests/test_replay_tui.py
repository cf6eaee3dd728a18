"""``triffin --replay DIR`` in the TUI: the app's live feed plays a recording (no network, no cache)."""

from __future__ import annotations

from pathlib import Path

import httpx

from datafeed.recording import RecordingTransport, ReplayTransport
from tests.conftest import write_config
from tests.test_recording import Fred, feed_passes


async def test_tui_replays_a_recording(tmp_path: Path) -> None:
    """``triffin --replay DIR``: the app's live feed plays the recording (no network, no cache)."""
    import asyncio

    from tui.app import TriffinApp
    from tui.config import load_config

    fred = Fred()
    fred.day = 2

    def handler(request: httpx.Request) -> httpx.Response:
        sid, cosd = request.url.params.get("id", ""), request.url.params.get("cosd", "")
        if sid not in fred.rows:
            return httpx.Response(404, text="Not Found")
        body = f"observation_date,{sid}\n" + "".join(f"{d},{v}\n" for d, v in fred._rows(sid) if d >= cosd)
        return httpx.Response(200, text=body, headers={"Content-Type": "text/csv"})

    cfg = write_config(tmp_path / "c.toml", "http://fred.test")
    config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")})
    folder = tmp_path / "rec"
    await feed_passes(config.feed, RecordingTransport(folder, inner=httpx.MockTransport(handler)), 1)

    app = TriffinApp(config, replay=ReplayTransport(folder, speed=0), tick_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            store = app.monitor.live_store
            if store is not None and store.latest("ust10y") is not None:
                break
            await asyncio.sleep(0.1)
        await pilot.pause()
        assert app.monitor.live_store is not None
        assert app.monitor.live_store.latest("ust10y").value == 4.17  # type: ignore[union-attr]
        assert app.monitor.live_store.latest("vix").value == 18.4  # type: ignore[union-attr]
        assert app.monitor.banner is not None and "REPLAY" in app.monitor.banner
    assert not (tmp_path / "cache").exists()
