"""Reads entry points and versions of the installed distributions without importlib.metadata.

Why: the provider registry is read while the config loads, in front of the first frame, and
``importlib.metadata`` costs ~25 ms to import (email, zipfile, csv ...) plus ~7 ms to scan,
a tenth of what a bare Textual app takes to start (issue 20). Installers write entry points
as ``<dist>.dist-info/entry_points.txt`` (``.egg-info`` for older ones) in a directory on
``sys.path``; this reads those files the way importlib.metadata does — directories in
``sys.path`` order, the first distribution of a name wins — and gives up (None) on anything
it does not read, a zip or egg file on ``sys.path``, so the caller can ask importlib.metadata.
The version comes from the folder's name (``triffin-0.1.0.dist-info``), as installers write it.

Cheap by construction (it runs before the first frame, twice: the registry's scan and
``datafeed.__version__``): a directory's listing is kept while its modification time says
nothing was added or removed, so the second reader lists nothing; a ``*.dist-info`` folder
without ``entry_points.txt`` (most of them) is passed by one ``access`` call instead of a
failed ``open``; a file that does not name the group is not parsed.
"""

from __future__ import annotations

import importlib
import os
import stat
import sys
import time

_SUFFIXES = (".dist-info", ".egg-info")

_RACY_NS = 2_000_000_000
"""A listing is kept only when its directory had not changed for this long (2 s) when it was
read: a change within the same modification-time tick (coarse on some file systems) would
leave the time as it was, so a directory changed that recently is listed again every time
(git's "racily clean" rule)."""

_listings: dict[str, tuple[int, list[str]]] = {}
"""Absolute directory → (its ``st_mtime_ns`` when listed, its distribution folder names)."""


class EntryPoint:
    """One ``name = module:attr`` line of a group (what importlib.metadata's EntryPoint gives).

    A plain read-only class rather than a frozen dataclass: this module is imported in front
    of the first frame, where creating a dataclass costs ~0.5 ms (issue 20). Equal, hashed
    and shown like the dataclass it was.
    """

    __slots__ = ("name", "value")

    name: str
    value: str

    def __init__(self, name: str, value: str) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "value", value)

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError(f"EntryPoint is read-only (cannot set {key!r})")

    def __delattr__(self, key: str) -> None:
        raise AttributeError(f"EntryPoint is read-only (cannot delete {key!r})")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, EntryPoint)
        return (self.name, self.value) == (other.name, other.value)

    def __hash__(self) -> int:
        return hash((self.name, self.value))

    def __repr__(self) -> str:
        return f"EntryPoint(name={self.name!r}, value={self.value!r})"

    def load(self) -> object:
        """Import the module and return the attribute the value names."""
        module_name, _, attrs = self.value.partition("[")[0].strip().partition(":")
        obj: object = importlib.import_module(module_name.strip())
        for attr in filter(None, attrs.strip().split(".")):
            obj = getattr(obj, attr)
        return obj


def _normalise(name: str) -> str:
    """PEP 503's normalised name with ``_`` as the separator: runs of ``-``, ``_`` and ``.``
    become one ``_``, lower case (``Toy.Pkg`` and ``toy-pkg`` are both ``toy_pkg``)."""
    name = name.lower().replace("-", "_").replace(".", "_")
    while "__" in name:
        name = name.replace("__", "_")
    return name


def _dist_name(folder: str) -> str:
    """The normalised distribution name of a ``Name-1.0.dist-info`` folder (PEP 503)."""
    stem = folder[: folder.rfind(".")]
    return _normalise(stem.partition("-")[0])


def _group(text: str, group: str) -> list[EntryPoint]:
    """The entries of ``[group]`` in an ``entry_points.txt`` (an INI file)."""
    found: list[EntryPoint] = []
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            inside = line[1:-1].strip() == group
            continue
        if inside and "=" in line:
            name, _, value = line.partition("=")
            found.append(EntryPoint(name.strip(), value.strip()))
    return found


def _folders(path: list[str] | None) -> list[tuple[str, list[str]]] | None:
    """(directory, its ``*.dist-info``/``*.egg-info`` names) in ``sys.path`` order; None when
    ``path`` holds a file (a zip or an egg) that only importlib.metadata can read."""
    out: list[tuple[str, list[str]]] = []
    for entry in sys.path if path is None else path:
        folder = entry or "."
        try:
            info = os.stat(folder)
        except (OSError, ValueError):  # a directory that does not exist: importlib.metadata skips it too
            continue
        if stat.S_ISREG(info.st_mode):
            return None
        try:
            out.append((folder, _infos(folder, info.st_mtime_ns)))
        except OSError:  # not a directory, or not readable: skipped as before
            continue
    return out


def _infos(folder: str, mtime_ns: int) -> list[str]:
    """The ``*.dist-info``/``*.egg-info`` names in ``folder``, listed again only when the
    directory changed (kept under its absolute path: ``.``, the working directory of
    ``python -m tui``, names another directory once the process moves).

    Raises:
        OSError: the folder cannot be listed.
    """
    key = folder if os.path.isabs(folder) else os.path.abspath(folder)
    held = _listings.get(key)
    if held is not None and held[0] == mtime_ns:
        return held[1]
    names = [name for name in os.listdir(folder) if name.endswith(_SUFFIXES)]
    if time.time_ns() - mtime_ns > _RACY_NS:
        _listings[key] = (mtime_ns, names)
    return names


def version(dist: str, path: list[str] | None = None) -> str | None:
    """The installed version of distribution ``dist`` (None: not found by this scan)."""
    folders = _folders(path)
    wanted = _normalise(dist)
    for _folder, names in folders or ():
        for name in names:
            if name.endswith(".dist-info") and _dist_name(name) == wanted:
                stem = name[: -len(".dist-info")]
                _, sep, found = stem.partition("-")
                return found if sep and found else None
    return None


def scan(group: str, path: list[str] | None = None) -> list[EntryPoint] | None:
    """Every entry point of ``group`` on ``path`` (default ``sys.path``); None when ``path``
    holds a file (a zip or an egg) that only importlib.metadata can read."""
    folders = _folders(path)
    if folders is None:
        return None
    seen: set[str] = set()
    found: list[EntryPoint] = []
    for folder, names in folders:
        for name in names:
            dist = _dist_name(name)
            if dist in seen:
                continue
            seen.add(dist)
            file = os.path.join(folder, name, "entry_points.txt")
            if not os.access(file, os.F_OK):  # most distributions declare no entry points
                continue
            try:
                with open(file, "rb") as fh:
                    text = fh.read().decode("utf-8")
            except (FileNotFoundError, NotADirectoryError):
                continue
            except (OSError, UnicodeDecodeError):
                return None
            if group in text:  # the group's name must appear for it to have a section
                found.extend(_group(text, group))
    return found
