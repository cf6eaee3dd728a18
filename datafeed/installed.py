"""Reads entry points and versions of the installed distributions without importlib.metadata.

Why: the provider registry is read while the config loads, in front of the first frame, and
``importlib.metadata`` costs ~25 ms to import (email, zipfile, csv ...) plus ~7 ms to scan,
a tenth of what a bare Textual app takes to start (issue 20). Installers write entry points
as ``<dist>.dist-info/entry_points.txt`` (``.egg-info`` for older ones) in a directory on
``sys.path``; this reads those files the way importlib.metadata does — directories in
``sys.path`` order, the first distribution of a name wins — and gives up (None) on anything
it does not read, a zip or egg file on ``sys.path``, so the caller can ask importlib.metadata.
The version comes from the folder's name (``triffin-0.1.0.dist-info``), as installers write it.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from dataclasses import dataclass

_SUFFIXES = (".dist-info", ".egg-info")


@dataclass(frozen=True)
class EntryPoint:
    """One ``name = module:attr`` line of a group (what importlib.metadata's EntryPoint gives)."""

    name: str
    value: str

    def load(self) -> object:
        """Import the module and return the attribute the value names."""
        module_name, _, attrs = self.value.partition("[")[0].strip().partition(":")
        obj: object = importlib.import_module(module_name.strip())
        for attr in filter(None, attrs.strip().split(".")):
            obj = getattr(obj, attr)
        return obj


def _dist_name(folder: str) -> str:
    """The normalised distribution name of a ``Name-1.0.dist-info`` folder (PEP 503)."""
    stem = folder[: folder.rfind(".")]
    return re.sub(r"[-_.]+", "_", stem.partition("-")[0]).lower()


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
        if os.path.isfile(folder):
            return None
        try:
            with os.scandir(folder) as it:
                out.append((folder, [e.name for e in it if e.name.endswith(_SUFFIXES)]))
        except OSError:  # a directory that does not exist: importlib.metadata skips it too
            continue
    return out


def version(dist: str, path: list[str] | None = None) -> str | None:
    """The installed version of distribution ``dist`` (None: not found by this scan)."""
    folders = _folders(path)
    wanted = re.sub(r"[-_.]+", "_", dist).lower()
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
            try:
                with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8") as fh:
                    text = fh.read()
            except (FileNotFoundError, NotADirectoryError):
                continue
            except (OSError, UnicodeDecodeError):
                return None
            found.extend(_group(text, group))
    return found
