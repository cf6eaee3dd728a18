"""Provides ``triffin sources``: check each configured source once and print a table."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING

from datafeed.http import HttpContext
from datafeed.providers import load_all
from datafeed.sources_check import SourceCheck, check_sources
from tui.config import Config
from tui.safe_text import plain_cells

if TYPE_CHECKING:
    from rich.console import JustifyMethod


async def _check(config: Config, timeout: float) -> list[SourceCheck]:
    import time

    http = HttpContext(config.feed, deadline=time.monotonic() + timeout)
    try:
        check = check_sources(config.feed, http, load_all(), instruments=config.catalog.instruments)
        return await asyncio.wait_for(check, timeout=timeout + 1.0)
    finally:
        await http.aclose()


def run_sources(config: Config, *, fmt: str = "table", timeout: float = 30.0) -> int:
    """Check every source; exit 1 if any enabled source failed."""
    try:
        checks = asyncio.run(_check(config, timeout))
    except TimeoutError:
        print(f"triffin: source check did not finish within {timeout:g} s", file=sys.stderr)
        return 1
    if fmt == "json":
        json.dump(
            [
                {
                    "source": c.source,
                    "enabled": c.enabled,
                    "ok": c.ok,
                    "latency_ms": None if c.latency_ms is None else round(c.latency_ms, 1),
                    "last_date": c.last_date.isoformat() if c.last_date else None,
                    "detail": c.detail,
                }
                for c in checks
            ],
            sys.stdout,
            indent=1,
        )
        sys.stdout.write("\n")
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title="triffin sources", title_justify="left")
        columns: tuple[tuple[str, JustifyMethod], ...] = (
            ("source", "left"),
            ("state", "left"),
            ("latency", "right"),
            ("last data", "left"),
            ("detail", "left"),
        )
        for col, justify in columns:
            table.add_column(col, justify=justify)
        for c in checks:
            state = "off" if not c.enabled else "OK" if c.ok else "FAIL"
            latency = "" if c.latency_ms is None else f"{c.latency_ms:.0f} ms"
            # detail quotes the upstream's own words: Text, never markup (tui/safe_text.py)
            table.add_row(
                *plain_cells(c.source, state, latency, c.last_date.isoformat() if c.last_date else "—", c.detail)
            )
        Console(width=max(100, Console().width)).print(table)
    return 0 if all(c.ok for c in checks) else 1
