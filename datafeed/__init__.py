"""Provides triffin's headless data layer: catalog, providers, store, cache, signals.

Nothing in this package imports textual, rich or plotext (a test enforces it), so the
same code serves the TUI, ``triffin snapshot`` and anyone using triffin as a library.
"""

from __future__ import annotations

__version__ = "0.1.0"
