"""Provides triffin's headless data layer: catalog, providers, store, cache, signals.

Nothing in this package imports textual, rich or plotext (a test enforces it), so the
same code serves the TUI, ``triffin snapshot`` and anyone using triffin as a library.
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``__version__``: the installed distribution's version, the one place it is written
    being pyproject.toml. Read on first use from the installed files (datafeed.installed);
    importlib.metadata (~25 ms to import) only when that scan cannot tell."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from datafeed.installed import version as installed_version

    value = installed_version("triffin")
    if value is None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("triffin")
        except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
            value = "0.0.0+unknown"
    globals()["__version__"] = value
    return value
