"""Provides :class:`Registry`: an ordered table of specs keyed by id, the one place a kind of thing is listed.

Why: a signal or a crisis episode used to be spread by string id over many modules (a
dict of specs here, a dict of history functions there, per-id branches in the screens).
Each is now one spec object in one registry; everything else iterates the registry, so
adding one means adding one entry. Built-ins are registered at import; a plugin or a test
adds more with :meth:`Registry.register` or, for a limited time, :meth:`Registry.registered`.

The registry is a read-only :class:`~collections.abc.Mapping` (id → spec) in
registration order, so ``registry[id]``, ``id in registry`` and ``list(registry)`` read
like the plain dicts they replace. :attr:`Registry.version` changes on every
registration, so derived tables can be cached per version.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol, TypeVar


class HasId(Protocol):
    """Anything with a string ``id``."""

    @property
    def id(self) -> str:  # noqa: D102 - the protocol's only member
        ...


T = TypeVar("T", bound=HasId)


class Registry(Mapping[str, T]):
    """Ordered id → spec table.

    Args:
        kind: what the entries are (``signal``, ``episode``), for error messages.
        entries: the built-ins, in display order.
    """

    def __init__(self, kind: str, entries: Iterable[T] = ()) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        self.version = 0
        """Bumped on every change (caches of derived tables compare it)."""
        for entry in entries:
            self.register(entry)

    def __getitem__(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError:
            raise KeyError(f"unknown {self.kind} {key!r} (known: {', '.join(self._items)})") from None

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def ids(self) -> tuple[str, ...]:
        """Every id, in display order."""
        return tuple(self._items)

    def register(self, entry: T) -> T:
        """Add ``entry`` after the others.

        Raises:
            ValueError: an entry with that id exists already.
        """
        if entry.id in self._items:
            raise ValueError(f"{self.kind} {entry.id!r} is registered already")
        self._items[entry.id] = entry
        self.version += 1
        return entry

    def unregister(self, entry_id: str) -> None:
        """Remove the entry ``entry_id`` (KeyError when there is none)."""
        self[entry_id]  # noqa: B018 - raises the descriptive KeyError
        del self._items[entry_id]
        self.version += 1

    @contextmanager
    def registered(self, *entries: T) -> Iterator[tuple[T, ...]]:
        """Register ``entries`` for the duration of a ``with`` block, then remove them."""
        added: list[T] = []
        try:
            for entry in entries:
                added.append(self.register(entry))
            yield tuple(added)
        finally:
            for entry in reversed(added):
                self.unregister(entry.id)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {list(self._items)!r})"
