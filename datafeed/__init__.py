"""Provides triffin's headless data layer: catalog, providers, store, cache, signals.

Nothing in this package imports textual, rich or plotext (a test enforces it), so the
same code serves the TUI, ``triffin snapshot`` and anyone using triffin as a library.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("triffin")
    """The installed distribution's version: the one place it is written is pyproject.toml."""
except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0.0.0+unknown"
