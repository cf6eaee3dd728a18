"""First run, empty cache: the signals and the crisis grid see the Bund the dashboard shows
(QA re-audit finding 1).

Before (up to 9912dd6's parent): the TUI's cold start took longer than ``OFFLINE_AFTER``, so
the Monitor went OFFLINE and came back live at the first answer; that switch marked the
answer seen over the empty series snapshot taken at start-up, so every series which had
arrived by then stayed out of the signals and the crisis scores until it changed again.
With the Bundesbank off, FRED's monthly OECD Bund never changes within a session, so the
Bund 10Y row read 2.807 % while the signals said "missing input: bund10y" and the GFC
UST−Bund check read n/a, and ``r`` changed nothing. A real Monitor against
:class:`FaultServer` on 127.0.0.1: the first request fails (OFFLINE), the retry answers at
once, the Bund comes only from FRED's monthly series.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import write_config
from tests.reliability.faultserver import FaultServer, default_rows
from tests.reliability.harness import running_with_modes
from tui.config import load_config
from tui.session import build_monitor

# FRED's OECD Bund: monthly averages dated the 1st (the 2008 months for the GFC row).
BUND_MONTHLY = [
    ("2008-09-01", "4.13"),
    ("2008-12-01", "3.05"),
    ("2026-08-01", "2.70"),
    ("2026-09-01", "2.68"),
    ("2026-10-01", "2.65"),
]
UST_2008 = [("2008-09-12", "3.72"), ("2008-12-31", "2.25")]  # DGS10 at the GFC row's ends


def _rows(sid: str, cosd: str) -> list[tuple[str, str]]:
    if sid == "IRLTLT01DEM156N":
        return [r for r in BUND_MONTHLY if r[0] >= cosd]
    if sid == "DGS10":
        return [r for r in UST_2008 if r[0] >= cosd] + default_rows(sid, cosd)
    return default_rows(sid, cosd)


def _names_bund(reason: str | None) -> bool:
    return reason is not None and "missing input" in reason and "bund10y" in reason


async def test_signals_see_the_fallback_bund_the_row_shows_on_a_first_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datafeed.http import HttpContext

    monkeypatch.setattr(HttpContext, "_backoff", staticmethod(lambda attempt, retry_after: 0.0))
    with FaultServer() as srv:
        srv.rows_for = _rows
        # Every first request fails (OFFLINE); the Bund's monthly batch is the first answer,
        # the one the switch back live marked seen (the audit's run lost exactly the Bund).
        srv.mode = lambda sid, n: "500" if n < (1 if "IRLTLT01DEM156N" in sid else 2) else "ok"
        cfg = write_config(tmp_path / "c.toml", srv.url)
        config = load_config(cfg, env={"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")})
        config = dataclasses.replace(config, feed=dataclasses.replace(config.feed, retries=3, timeout=2.0))
        monitor = build_monitor(
            config, rules=[], switch_offline=True, metrics=True, tick_interval=None, today=dt.date(2026, 11, 23)
        )
        async with running_with_modes(monitor) as modes:
            loop = asyncio.get_running_loop()
            ends = loop.time() + 30

            while loop.time() < ends:  # the row shows the Bund, live, and a recompute ran since
                store = monitor.store
                if monitor.mode == "live" and store is not None and store.has_data("bund10y") and monitor.metrics:
                    break
                await asyncio.sleep(0.05)
            await asyncio.wait_for(monitor.settled(), 20)  # every recompute the changes asked for
            store, metrics = monitor.store, monitor.metrics
            assert store is not None and metrics is not None
            held = store.latest("bund10y")
            assert held is not None and held.date == dt.date(2026, 10, 1)  # the row shows it
            assert "offline" in modes and monitor.mode == "live", modes
            naming = {sid: r.reason for sid, r in metrics.signals.items() if _names_bund(r.reason)}
            assert naming == {}, naming  # was: "missing input: bund10y, estr", "missing input: bund10y"
            gfc = metrics.episode("gfc-2008")  # was n/a ("no data" in its drill-down)
            assert gfc is not None and gfc.checks["ust_bund_10y"].result != "n/a", gfc.checks["ust_bund_10y"]
            assert "bund10y" in monitor.series_snapshot()
            assert monitor.input_facts()["bund10y"].last == dt.date(2026, 10, 1)
