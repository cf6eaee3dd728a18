"""Fixtures of the demand-side tests: handmade bodies, and the real wire samples when present."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def fixture_bytes(folder: str, name: str) -> bytes:
    """A handmade fixture body, byte for byte."""
    return (FIXTURES / folder / name).read_bytes()


def _shared_wire() -> Path | None:
    # The checkout may be the main tree (shared is its sibling) or a worktree one level deeper.
    for base in (ROOT.parent, ROOT.parent.parent):
        wire = base / "shared" / "fixtures" / "wire"
        if wire.is_dir():
            return wire
    return None


@pytest.fixture
def shared_wire_file():
    """Return a function giving the path of a real wire sample, skipping when it is absent."""

    def get(name: str) -> Path:
        wire = _shared_wire()
        if wire is None or not (wire / name).is_file():
            pytest.skip(f"../shared/fixtures/wire/{name} is not present")
        return wire / name

    return get
