"""Provides the registry of source providers by name.

A source listed in the catalog but absent here has no provider yet; the scheduler skips it
and falls back to the instrument's next source.
"""

from __future__ import annotations

from datafeed.providers.base import Provider, Target

PROVIDERS: dict[str, type[Provider]] = {}
"""Provider classes by source name."""


def register(cls: type[Provider]) -> type[Provider]:
    """Class decorator adding a provider to :data:`PROVIDERS`."""
    PROVIDERS[cls.name] = cls
    return cls


def load_all() -> dict[str, type[Provider]]:
    """Import every provider module (each registers itself) and return the registry."""
    import importlib
    import pkgutil

    import datafeed.providers as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name not in {"base"} and not info.name.startswith("_"):
            importlib.import_module(f"datafeed.providers.{info.name}")
    return PROVIDERS


__all__ = ["PROVIDERS", "Provider", "Target", "load_all", "register"]
