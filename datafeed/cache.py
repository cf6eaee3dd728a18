"""Provides the disk cache: the store's history, kept between runs.

Why: the screen must show data before the first request returns, and the cache is where
history lives that providers stop serving (FRED keeps only ~3 years of ICE BofA OAS).

One JSON file per instrument, ``<id>.json``, named after the instrument only (never after
a URL or key). Writes are atomic: a temp file in the same folder, ``fsync``, ``os.replace``,
then ``fsync`` of the folder, so a crash at any point leaves either the old file or the
new one, never a mix. A file that cannot be read (truncated, corrupt, wrong format) is
moved aside to ``<id>.json.corrupt``, reported once, and refetched; it never crashes a start.

A file is rewritten when its instrument's official values change. When only the time of the
last successful fetch moves (every refresh that finds nothing new: status stale to fresh),
that time goes to ``_summary.json`` alone, which is rewritten on every save that changes
anything; on load the newer of the file's and the summary's ``last_success`` wins. (Writing
every history file with two ``fsync`` calls to record a timestamp cost ~0.1-0.3 s of blocked
event loop per pass on a small machine.)

Demo data is never written here (the caller refuses; :meth:`DiskCache.save` double-checks).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from datafeed.models import Status
from datafeed.store import SeriesStore
from datafeed.summary import FILENAME as SUMMARY_FILENAME
from datafeed.summary import TAIL, encode_summary, read_summary

log = logging.getLogger(__name__)

FORMAT = "triffin-cache"
FORMAT_VERSION = 1
_EPOCH = dt.date(1970, 1, 1)


class CacheError(Exception):
    """A cache file could not be read."""


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def round10(values: np.ndarray) -> list[float]:
    """``[round(v, 10) for v in values]``, exactly, without calling ``round`` on values that
    already have at most ten decimals (nearly all: they were parsed from text).

    Why it is exact: when numpy's ``round(x, 10)`` (``rint(x * 1e10) / 1e10``) gives back
    ``x``, then ``x`` is the double nearest to ``k / 1e10`` for an integer ``k``, closer to
    it than half of 1e-10 (below 2**19; above that, every double rounds to itself), so
    Python's correctly rounded ``round(x, 10)`` is ``x`` too.
    """
    out = values.tolist()
    with np.errstate(over="ignore", invalid="ignore"):
        short = np.round(values, 10) == values
    if not short.all():
        for i in np.flatnonzero(~short).tolist():
            out[i] = round(out[i], 10)
    return out


def _body(values: pd.Series, sources: pd.Series) -> bytes:
    """The ``"days":[...],"values":[...],"sources":[...]`` part of a cache file."""
    days = values.index.values.astype("datetime64[D]").astype("int64").tolist()
    tags = sources.to_numpy(dtype=object)
    starts = [0, *(np.flatnonzero(tags[1:] != tags[:-1]) + 1).tolist()] if len(tags) else []
    runs = [[i, tags[i]] for i in starts]
    body = {"days": days, "values": round10(values.to_numpy(dtype="float64")), "sources": runs}
    return json.dumps(body, separators=(",", ":")).encode()[1:-1]


def _header(store: SeriesStore, inst_id: str) -> bytes:
    state = store.state[inst_id]
    doc = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "instrument": inst_id,
        "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "last_success": state.last_success.isoformat(timespec="seconds") if state.last_success else None,
    }
    return json.dumps(doc, separators=(",", ":")).encode()[:-1]


def encode(store: SeriesStore, inst_id: str) -> bytes:
    """Serialise one instrument's official values, sources and last success."""
    return _header(store, inst_id) + b"," + _body(store.official(inst_id), store.sources(inst_id)) + b"}"


def decode(data: bytes, inst_id: str) -> tuple[pd.Series, pd.Series, dt.datetime | None]:
    """Parse one cache file; raises :class:`CacheError` on anything unexpected."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CacheError(f"not valid JSON ({exc.__class__.__name__})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise CacheError("not a triffin cache file")
    if doc.get("version") != FORMAT_VERSION:
        raise CacheError(f"cache format version {doc.get('version')!r} is not {FORMAT_VERSION}")
    if doc.get("instrument") != inst_id:
        raise CacheError(f"holds {doc.get('instrument')!r}, expected {inst_id!r}")
    days, values, runs = doc.get("days"), doc.get("values"), doc.get("sources")
    if not isinstance(days, list) or not isinstance(values, list) or len(days) != len(values):
        raise CacheError("days and values do not match")
    if not isinstance(runs, list) or (days and (not runs or runs[0][0] != 0)):
        raise CacheError("source runs are malformed")
    try:
        idx = pd.DatetimeIndex(np.asarray(days, dtype="int64").astype("datetime64[D]")).astype("datetime64[ns]")
        vals = pd.Series(np.asarray(values, dtype="float64"), index=idx)
        tags = np.empty(len(days), dtype=object)
        bounds = [int(r[0]) for r in runs] + [len(days)]
        for (start, tag), end in zip(runs, bounds[1:], strict=True):
            tags[int(start) : end] = str(tag)
    except (TypeError, ValueError, IndexError) as exc:
        raise CacheError(f"malformed values ({exc.__class__.__name__})") from None
    if not idx.is_monotonic_increasing or idx.has_duplicates:
        raise CacheError("dates are not sorted and unique")
    last_success = None
    if doc.get("last_success"):
        try:
            last_success = dt.datetime.fromisoformat(doc["last_success"])
        except ValueError:
            last_success = None
    return vals, pd.Series(tags, index=idx, dtype="object"), last_success


class DiskCache:
    """The cache folder: load everything at start, save what changed.

    Args:
        root: the folder (``platformdirs.user_cache_dir("triffin")`` or
            ``TRIFFIN_CACHE_DIR``); created lazily on first write.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.warnings: list[str] = []
        self._saved_version: dict[str, int] = {}
        self._summary_success: dict[str, dt.datetime | None] = {}
        """``last_success`` per instrument as the summary on disk holds it."""
        self._bodies: dict[str, tuple[pd.Series, pd.Series, bytes]] = {}
        """Per instrument: the values and sources Series last written or loaded, and their
        encoded ``days/values/sources``. The store replaces (never mutates) a Series when it
        changes, so the same objects mean the same bytes: a save after a status change only
        (stale to fresh on the first pass) rewrites the header, not 25 years of values."""

    def path(self, inst_id: str) -> Path:
        """File of one instrument (named after the id only)."""
        return self.root / f"{inst_id}.json"

    def load_into(self, store: SeriesStore) -> list[str]:
        """Load every cached instrument into ``store``; returns ids loaded.

        Corrupt files are quarantined and described in :attr:`warnings`.
        """
        loaded: list[str] = []
        if not self.root.is_dir():
            return loaded
        self._sweep_temp_files()
        summary = read_summary(self.root)
        for inst_id in store.catalog:
            path = self.path(inst_id)
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                continue
            except OSError as exc:
                self.warnings.append(f"cache file {path} unreadable: {exc.strerror}")
                continue
            try:
                values, sources, last_success = decode(data, inst_id)
            except CacheError as exc:
                self._quarantine(path, str(exc))
                continue
            if values.empty:
                continue
            store.load(inst_id, values, sources)
            marker = data.find(b',"days":')
            if marker > 0 and data.endswith(b"}"):  # laid out as encode() writes it
                self._bodies[inst_id] = (values, sources, data[marker + 1 : -1])
            st = store.state[inst_id]
            st.status = Status.STALE
            entry = summary.get(inst_id)
            if entry is not None and entry.last_success is not None:
                try:
                    if last_success is None or entry.last_success > last_success:
                        last_success = entry.last_success
                except TypeError:  # one naive, one aware: not written by this cache
                    pass
            st.last_success = last_success
            self._summary_success[inst_id] = last_success
            st.source = str(sources.iloc[-1])
            st.notes.append("from cache; not refreshed yet")
            self._saved_version[inst_id] = store.version
            loaded.append(inst_id)
        return loaded

    def _sweep_temp_files(self, older_than: float = 600.0) -> None:
        """Remove temp files of writes that were killed (``kill -9``, power loss).

        Only files older than ``older_than`` seconds go: a younger one may belong to
        another triffin writing right now.
        """
        cutoff = time.time() - older_than
        try:
            for tmp in self.root.glob(".*.tmp"):
                try:
                    if tmp.stat().st_mtime < cutoff:
                        tmp.unlink()
                except OSError:
                    pass
        except OSError:
            pass

    def _quarantine(self, path: Path, reason: str) -> None:
        target = path.with_name(path.name + ".corrupt")
        try:
            os.replace(path, target)
            where = f"moved to {target.name}"
        except OSError:
            where = "left in place"
        message = f"cache file {path} ignored ({reason}); {where}, will refetch"
        # Reported once, by the caller, from `warnings` (a log.warning would print it a
        # second time on stderr wherever logging is not configured).
        log.info(message)
        self.warnings.append(message)

    def save(self, store: SeriesStore, ids: Iterable[str] | None = None) -> list[str]:
        """Write instruments whose official data changed since their last save; returns ids written.

        Only official values are written (intraday quotes are provisional). Instruments
        holding demo data are refused (the demo feed must never reach the cache). The
        summary is rewritten when a file was, or when a ``last_success`` moved.
        """
        written: list[str] = []
        for inst_id in ids if ids is not None else store.catalog:
            values = store.official(inst_id)
            if values.empty:
                continue
            if str(store.sources(inst_id).iloc[-1]).startswith("demo:"):
                continue
            if store.official_version_of(inst_id) <= self._saved_version.get(inst_id, -1):
                continue
            atomic_write(self.path(inst_id), self._encode(store, inst_id, values))
            self._saved_version[inst_id] = store.version
            written.append(inst_id)
        if written or any(store.state[i].last_success != self._summary_success.get(i) for i in self._saved_version):
            self.save_summary(store)
        return written

    def _encode(self, store: SeriesStore, inst_id: str, values: pd.Series) -> bytes:
        """:func:`encode`, reusing the encoded values when the Series are the ones last seen."""
        sources = store.sources(inst_id)
        known = self._bodies.get(inst_id)
        if known is not None and known[0] is values and known[1] is sources:
            body = known[2]
        else:
            body = _body(values, sources)
            self._bodies[inst_id] = (values, sources, body)
        return _header(store, inst_id) + b"," + body + b"}"

    def save_summary(self, store: SeriesStore) -> None:
        """Write ``_summary.json``: the tail of every cached instrument (see datafeed.summary)."""
        entries: dict[str, tuple[list[int], list[float], str, str | None]] = {}
        for inst_id in store.catalog:
            values = store.official(inst_id)
            if values.empty:
                continue
            tail = values.iloc[-TAIL:]
            source = str(store.sources(inst_id).iloc[-1])
            if source.startswith("demo:"):
                continue
            days = tail.index.values.astype("datetime64[D]").astype("int64").tolist()
            last = store.state[inst_id].last_success
            entries[inst_id] = (
                days,
                [round(v, 10) for v in tail.tolist()],
                source,
                last.isoformat(timespec="seconds") if last else None,
            )
        if entries:
            atomic_write(self.root / SUMMARY_FILENAME, encode_summary(entries))
            self._summary_success = {i: store.state[i].last_success for i in entries}
