"""Provides :data:`SIGNALS`, the registry of every signal (the built-ins first, in display order).

Everything that lists signals (the engine, the regime, JSON, the dashboard, the alert
rules) iterates this registry, so one :meth:`~datafeed.registry.Registry.register` adds a
signal everywhere. See ``docs/extending-signals.md``.
"""

from __future__ import annotations

from datafeed.registry import Registry
from datafeed.signals.builtin import BUILTIN
from datafeed.signals.spec import SignalSpec

SIGNALS: Registry[SignalSpec] = Registry("signal", BUILTIN)
"""Signal id → spec, in display order."""

_deps: tuple[int, dict[str, frozenset[str]]] = (-1, {})


def dependencies() -> dict[str, frozenset[str]]:
    """Signal id → the instrument ids it reads (what the incremental engine watches)."""
    global _deps  # noqa: PLW0603 - a one-entry cache keyed by the registry's version
    version, table = _deps
    if version != SIGNALS.version:
        table = {sid: frozenset(spec.inputs) for sid, spec in SIGNALS.items()}
        _deps = (SIGNALS.version, table)
    return table
