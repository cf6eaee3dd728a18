"""Provides the registry of source providers: every installed ``triffin.providers`` entry point.

Why entry points: a third-party package adds a source by declaring, in its own
``pyproject.toml``::

    [project.entry-points."triffin.providers"]
    toy = "toy_source:ToyProvider"

and triffin's built-ins are declared the same way in triffin's ``pyproject.toml``, so
nothing in triffin lists its sources by hand (harlequin loads its ``harlequin.adapter``
plug-ins like this). Config validation, default settings, calendars for lateness, ``triffin
sources`` and the credit lines on screen all read the registry (docs/extending-sources.md).

Loading is cheap: provider modules import no network code at import time, so the UI thread
can ask for a source's market or credit line before httpx is loaded. A plug-in that fails
to import, or is not a :class:`Provider` named like its entry point, is skipped with a
warning (:func:`registry_warnings`) instead of stopping triffin. In-process registration
(:func:`register`) is the hook for tests and for programs using triffin as a library.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Protocol

from datafeed.market_calendar import MARKETS
from datafeed.providers.base import ExtraKey, Provider, Target

log = logging.getLogger(__name__)

GROUP = "triffin.providers"
"""The entry-point group providers are registered under."""

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
"""A source name: lower case, a config section and a tag prefix (``fred``, ``treasurydirect``)."""

RESERVED_NAMES = frozenset({"demo", "derived", "formula"})
"""Tag prefixes triffin writes itself (the demo market, derived spreads, formula rows): no
provider may take them, or its values could pass for triffin's own."""

_BUILTIN_PACKAGE = "datafeed.providers"


class _EntryPoint(Protocol):
    """What the registry reads of an entry point (ours or importlib.metadata's)."""

    @property
    def name(self) -> str: ...

    @property
    def value(self) -> str: ...

    def load(self) -> object: ...


_loaded: dict[str, type[Provider]] | None = None
_registered: dict[str, type[Provider]] = {}
_warnings: list[str] = []


def _problem(name: str, obj: object) -> str | None:
    """Why ``obj`` cannot be the provider of source ``name`` (None when it can)."""
    if not (isinstance(obj, type) and issubclass(obj, Provider)):
        return f"{obj!r} is not a triffin Provider subclass"
    if not NAME_PATTERN.match(name):
        return f"source name {name!r} is not lower-case letters, digits and '_'"
    if name in RESERVED_NAMES:
        return f"source name {name!r} is reserved (tags {name}:... are triffin's own values)"
    if obj.name != name:
        return f"the class is named {obj.name!r}, not {name!r} as its entry point says"
    if obj.market not in MARKETS:
        return f"market {obj.market!r} is not one of {', '.join(MARKETS)}"
    return None


def _warn(message: str) -> None:
    if message not in _warnings:
        _warnings.append(message)
        log.warning("provider registry: %s", message)


def _builtin_modules() -> list[str]:
    """Modules of this package (for a source tree that was never installed: no entry points)."""
    import pkgutil

    import datafeed.providers as pkg

    return [
        f"{_BUILTIN_PACKAGE}.{info.name}"
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name)
        if info.name != "base" and not info.name.startswith("_")
    ]


def _entry_points() -> list[_EntryPoint]:
    """The group's entry points: read from the installed files (no importlib.metadata in
    front of the first frame), or by importlib.metadata when the scan cannot read them."""
    from datafeed.installed import scan

    found = scan(GROUP)
    if found is not None:
        return list(found)
    from importlib.metadata import entry_points

    return list(entry_points(group=GROUP))


def _load() -> dict[str, type[Provider]]:
    found: dict[str, type[Provider]] = {}
    # Built-ins first, whatever order the distributions are found in on sys.path: a plug-in
    # can then never take over a built-in's name (it is checked against ``found`` below).
    eps = sorted(_entry_points(), key=lambda ep: not ep.value.startswith(_BUILTIN_PACKAGE + "."))
    if not any(ep.value.startswith(_BUILTIN_PACKAGE + ".") for ep in eps):
        # Running from a checkout that was never installed: the built-in modules declare
        # one Provider subclass each; take them from the package itself.
        for module_name in _builtin_modules():
            module = importlib.import_module(module_name)
            for obj in vars(module).values():
                if isinstance(obj, type) and issubclass(obj, Provider) and obj.__module__ == module_name and obj.name:
                    found.setdefault(obj.name, obj)
    for ep in eps:
        origin = f"entry point {ep.name} = {ep.value}"
        if ep.name in found and found[ep.name].__module__ + ":" + found[ep.name].__qualname__ != ep.value:
            _warn(f"{origin}: source {ep.name!r} is already provided by {found[ep.name].__module__}; ignored")
            continue
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plug-in must not stop triffin
            _warn(f"{origin}: could not be loaded ({type(exc).__name__}: {exc})")
            continue
        problem = _problem(ep.name, obj)
        if problem is not None:
            _warn(f"{origin}: {problem}")
            continue
        if isinstance(obj, type) and issubclass(obj, Provider):  # always true here; narrows the type
            found[ep.name] = obj
    return found


def registry() -> dict[str, type[Provider]]:
    """Every provider class by source name, sorted by name (built-ins and plug-ins alike, so
    the order never depends on how packages were installed). Loaded once, then cached;
    in-process registrations (:func:`register`) are added on top."""
    global _loaded
    if _loaded is None:
        _loaded = dict(sorted(_load().items()))
    if not _registered:
        return _loaded
    return dict(sorted({**_loaded, **_registered}.items()))


def load_all() -> dict[str, type[Provider]]:
    """The registry (kept for callers that name it after what it used to do)."""
    return registry()


def register(cls: type[Provider]) -> type[Provider]:
    """Add a provider class in-process (tests, library users); usable as a class decorator.

    Raises:
        ValueError: ``cls`` is not a Provider subclass or its name is not a valid source name.
    """
    problem = _problem(getattr(cls, "name", ""), cls)
    if problem is not None:
        raise ValueError(f"register({getattr(cls, '__name__', cls)!r}): {problem}")
    _registered[cls.name] = cls
    return cls


def unregister(name: str) -> None:
    """Remove an in-process registration (tests clean up with it)."""
    _registered.pop(name, None)


def registry_warnings() -> list[str]:
    """One line per plug-in that was skipped, for the CLI to print once."""
    registry()
    return list(_warnings)


def source_names() -> tuple[str, ...]:
    """Every registered source name, in registry order (config sections, ``triffin sources``)."""
    return tuple(registry())


def provider_class(name: str) -> type[Provider] | None:
    """The provider class of source ``name``, or None when no such source is installed."""
    return registry().get(name)


def source_of(tag: str | None) -> type[Provider] | None:
    """The provider class behind a ``<source>:<series>`` tag (None for ``demo:``, formulas ...)."""
    if not tag:
        return None
    return registry().get(tag.partition(":")[0])


SHORT_LABELS: dict[str, str] = {"demo": "DEMO", "derived": "CALC", "formula": "CALC"}
"""Source labels of tags no provider answers for: the synthetic demo market, and values
triffin computes itself (derived spreads, formula rows)."""


def short_label(tag: str | None) -> str:
    """The short source label of a ``<source>:<series>`` tag (``fred:DGS10`` gives ``FRED``):
    the provider's ``short`` fact, else its name upper-cased; "" for no tag."""
    if not tag:
        return ""
    name = tag.partition(":")[0]
    if name in SHORT_LABELS:
        return SHORT_LABELS[name]
    cls = registry().get(name)
    return (cls.short if cls is not None and cls.short else name).upper()


def credit_for(tag: str | None) -> str:
    """The credit line owed where a value tagged ``<source>:<series>`` is shown ("" for none)."""
    cls = source_of(tag)
    return cls.credit if cls is not None else ""


def credits(enabled: Iterable[str]) -> list[tuple[str, str]]:
    """(title, credit line) of each named source whose terms ask for one, in registry order."""
    wanted = set(enabled)
    return [(cls.title or name, cls.credit) for name, cls in registry().items() if name in wanted and cls.credit]


def terms(enabled: Iterable[str]) -> list[tuple[str, str]]:
    """(title, terms note) of each named source that has one, in registry order."""
    wanted = set(enabled)
    return [(cls.title or name, cls.terms) for name, cls in registry().items() if name in wanted and cls.terms]


def extra_keys(name: str) -> Mapping[str, ExtraKey]:
    """The source-specific config keys of ``name`` (empty for an unknown source)."""
    cls = registry().get(name)
    return {k.name: k for k in cls.extra_keys} if cls else {}


__all__ = [
    "GROUP",
    "ExtraKey",
    "Provider",
    "Target",
    "credit_for",
    "credits",
    "extra_keys",
    "load_all",
    "provider_class",
    "register",
    "registry",
    "short_label",
    "registry_warnings",
    "source_names",
    "source_of",
    "terms",
    "unregister",
]
