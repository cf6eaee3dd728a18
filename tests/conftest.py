"""Shared fixtures: isolation from the user's real config and cache, and helpers."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.loopback_market import LoopbackMarket

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TRIFFIN_TEST_SHARED") or ROOT.parent / "shared")
"""The workplace's shared folder (real data, tools); tests that use it skip without it.
``TRIFFIN_TEST_SHARED`` points elsewhere (a git worktree's parent is not the workplace)."""

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolate_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read the real user config or write the real user cache from a test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TRIFFIN_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))  # screenshots, alerts added with A
    monkeypatch.delenv("TRIFFIN_CONFIG", raising=False)
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    monkeypatch.delenv("TRIFFIN_CACHE_PROXY", raising=False)  # a desk's proxy must not leak in


@pytest.fixture
def loopback() -> Iterator[tuple[LoopbackMarket, str]]:
    """Every source at once on 127.0.0.1 (``tests/loopback_market.py``): (market, base URL)."""
    from tests.loopback_market import LoopbackMarket

    m = LoopbackMarket()
    base = m.start()
    yield m, base
    m.stop()


@pytest.fixture
def shared_raw() -> Path:
    """``../shared/data/raw`` (real FRED files), or skip."""
    raw = SHARED / "data" / "raw"
    if not raw.is_dir():
        pytest.skip("../shared/data/raw is not present")
    return raw


def write_config(path: Path, fred_url: str | None = None, **sections: dict[str, object]) -> Path:
    """Write a config that points FRED at ``fred_url`` and disables every other source."""
    lines = []
    if fred_url:
        lines += ["[sources.fred]", f'base_url = "{fred_url}"', f'api_base_url = "{fred_url}"']
    from datafeed.providers import source_names

    for name in source_names():  # every installed source, so a new one never reaches the network
        if name != "fred" and name not in sections:
            lines += [f"[sources.{name}]", "enabled = false"]
    for name, values in sections.items():
        lines.append(f"[sources.{name}]")
        for k, v in values.items():
            lines.append(f"{k} = {v!r}".replace("'", '"') if isinstance(v, str) else f"{k} = {str(v).lower()}")
    path.write_text("\n".join(lines) + "\n")
    return path


FIXED_TODAY = dt.date(2026, 11, 26)
