"""Memory over a long run: nothing a data update creates waits for the cyclic collector.

The app runs for hours; RSS must stay flat. Workers that end in a reference cycle keep what
they hold until a full collection, which a big heap makes rare: the metrics worker once
held its snapshot of every series (~1 MB per demo tick) that way.
"""

from __future__ import annotations

import gc

import pandas as pd
import pytest
from textual.worker import Worker, WorkerState
from tui_helpers import demo_app, wait_until

from datafeed.demo import DemoMarket


async def test_updates_leave_no_series_in_reference_cycles(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = [0]
    tick = DemoMarket.tick

    def counted(self: DemoMarket, now: object) -> object:
        ticks[0] += 1
        return tick(self, now)  # type: ignore[arg-type]

    monkeypatch.setattr(DemoMarket, "tick", counted)
    app = demo_app(tick_interval=0.02)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.ready, what="the first data")
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            start = ticks[0]
            await wait_until(pilot, lambda: ticks[0] >= start + 40, what="40 demo ticks")
            app.action_toggle_pause()
            await wait_until(pilot, lambda: app.monitor.idle, what="the last metrics")
            gc.collect()
            series = [o for o in gc.garbage if isinstance(o, pd.Series)]
            cancelled = [o for o in gc.garbage if isinstance(o, Worker) and o.state is WorkerState.CANCELLED]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
    assert series == [], f"{len(series)} Series freed only by the cyclic collector"
    assert cancelled == [], "a cancelled worker keeps its arguments in a reference cycle"
