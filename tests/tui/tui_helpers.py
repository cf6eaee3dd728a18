"""Helpers for the app tests: a deterministic demo app and a wait for its first data.

The demo app gets a fixed ``today`` (so the clock is frozen at 21:00 UTC that day) and no
demo ticks, so every number on screen, every age and every chart is the same on every run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tui.app import TriffinApp
from tui.config import Config, load_config

TODAY = dt.date(2026, 11, 20)
"""A Friday; the demo history ends on Thursday 2026-11-19."""


def demo_config(tmp_path: Path | None = None, text: str = "") -> Config:
    """The default config, or one read from ``text`` written under ``tmp_path``."""
    if tmp_path is None or not text:
        return load_config(None)
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def demo_app(config: Config | None = None, **kwargs: Any) -> TriffinApp:
    """A demo app with a fixed day and frozen ticks."""
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("tick_interval", None)
    return TriffinApp(config or demo_config(), demo=True, **kwargs)


async def wait_until(pilot: Pilot[Any], condition: Any, timeout: float = 20.0, what: str = "condition") -> None:
    """Let the app run until ``condition()`` is true (fail after ``timeout`` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def wait_ready(pilot: Pilot[Any]) -> None:
    """Until the first data and metrics are painted and no metrics run is pending."""
    app: TriffinApp = pilot.app  # type: ignore[assignment]
    await wait_until(pilot, lambda: app.ready and app.monitor.idle, what="the first data")
    await pilot.pause()
    await pilot.pause()


def screen_text(app: TriffinApp) -> str:
    """The visible screen as plain text (lines joined by newlines)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())  # noqa: SLF001
