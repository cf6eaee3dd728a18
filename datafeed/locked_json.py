"""Provides :func:`locked_json`: a small JSON object in a file, read and rewritten under a lock.

Why one helper: several processes (a desk of panes, ``watch`` from cron, ``serve`` tabs)
share the alert files in the user's state folder — which alert commands ran, what each rule
last fired on — and each must read, change and write them without losing another's entry.
An exclusive ``flock`` on the open file, held from the read to the write, does that; the
file is created private to the user (0600). Imports nothing beyond the standard library.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["LockedJson", "locked_json"]


class LockedJson:
    """The object read from the file (``doc``; ``{}`` when the file was empty, unreadable or
    not a JSON object) and :meth:`write`, usable while the lock is held."""

    def __init__(self, fh: IO[str], doc: dict[str, Any]) -> None:
        self._fh = fh
        self.doc = doc

    def write(self, doc: dict[str, Any], *, indent: int | None = None) -> None:
        """Replace the file's content with ``doc`` (sorted keys)."""
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(json.dumps(doc, sort_keys=True, indent=indent))
        self._fh.flush()


@contextmanager
def locked_json(path: Path) -> Iterator[LockedJson]:
    """Open (or create, 0600) the JSON object at ``path`` under an exclusive lock, released
    when the block ends; nothing is written unless :meth:`LockedJson.write` is called.

    Raises:
        OSError: the folder or the file cannot be created or opened.
    """
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # released when the file is closed
        try:
            doc = json.loads(fh.read() or "{}")
        except ValueError:
            doc = {}
        yield LockedJson(fh, doc if isinstance(doc, dict) else {})
