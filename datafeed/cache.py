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

**Several triffin processes on one folder** (a desk's panes sharing ``TRIFFIN_CACHE_DIR``)
never lose each other's values and never write one file at the same time:

- every write of a file happens under an exclusive advisory lock (``fcntl.flock``) on
  ``.locks/<file>.lock``, taken for that one file's read-merge-write only (milliseconds),
  and waited for at most :data:`LOCK_WAIT` seconds: a writer that holds it longer (a pane
  suspended with ctrl-z mid-write) makes the others skip that file until their next save,
  never hang;
- merge on write: under the lock, a file another process replaced since this one last read
  or wrote it is read back and merged (every date either holds is kept; for a date both
  hold, the writer's value wins, as both fetched it from the same source) before the new
  file replaces it; ``_summary.json`` is merged the same way, per instrument;
- readers take no lock: the start-up summary and the history files are read while others
  write, and atomic replacement already means a reader sees an old or a new file, whole.
  The first frame never waits for a writer.

Without ``fcntl`` (Windows) the lock is skipped and merge on write still narrows the window.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from datafeed.models import Status
from datafeed.store import SeriesStore
from datafeed.summary import FILENAME as SUMMARY_FILENAME
from datafeed.summary import TAIL, SummaryEntry, encode_summary, read_summary

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks
    fcntl = None  # type: ignore[assignment]  # the module or None: Windows has no fcntl

log = logging.getLogger(__name__)

FORMAT = "triffin-cache"
FORMAT_VERSION = 1
_EPOCH = dt.date(1970, 1, 1)
_EPOCH_ORDINAL = _EPOCH.toordinal()

LOCK_DIR = ".locks"
"""Folder (inside the cache folder) of the per-file lock files."""

LOCK_WAIT = 2.0
"""Most seconds a save waits for another process's lock on one file before skipping it
(the file stays due and is written at the next save)."""

FileId = tuple[int, int, int]
"""``(inode, mtime_ns, size)`` of a cache file: changes whenever any process replaces it."""


def file_id(path: Path) -> FileId | None:
    """Identity of the file at ``path`` now, or None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@contextlib.contextmanager
def file_lock(root: Path, name: str, wait: float | None = None) -> Iterator[bool]:
    """Hold the exclusive advisory lock of cache file ``name``; yields False if not had in time.

    The lock file lives apart from the data file because a write replaces the data file
    (a new inode), which would make a lock on it meaningless. ``flock`` locks belong to the
    open file description, so they also exclude another thread of the same process, and
    the kernel drops them when a process dies (``kill -9`` never leaves a stale lock).
    """
    if fcntl is None:  # pragma: no cover - Windows
        yield True
        return
    folder = root / LOCK_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Read-only is enough for flock, so a lock file another user created still works.
        fd = os.open(folder / f"{name}.lock", os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError:  # a read-only folder: writing will fail on its own, loudly
        yield True
        return
    try:
        deadline = time.monotonic() + (LOCK_WAIT if wait is None else wait)
        delay = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(delay)
                delay = min(0.002, delay * 2)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


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
    out: list[float] = values.tolist()
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


def _header(store: SeriesStore, inst_id: str, last_success: dt.datetime | None = None) -> bytes:
    last = _later(store.state[inst_id].last_success, last_success)
    doc = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "instrument": inst_id,
        "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "last_success": last.isoformat(timespec="seconds") if last else None,
    }
    return json.dumps(doc, separators=(",", ":")).encode()[:-1]


def _later(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    """The later of two optional times (``a`` when they cannot be compared)."""
    if a is None or b is None:
        return a or b
    try:
        return max(a, b)
    except TypeError:  # one naive, one aware: not both written by this cache
        return a


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
        self._file_ids: dict[str, FileId] = {}
        """Identity of each file as this process last read or wrote it: a different one on
        disk means another process wrote since, and its values must be merged in."""
        self._others: dict[str, tuple[pd.Series, pd.Series]] = {}
        """Per instrument: values (and sources) another process wrote for dates this
        process's store does not hold; every later write keeps them."""
        self._others_success: dict[str, dt.datetime] = {}
        self.skipped_locked = 0
        """Files not written because another process held their lock past :data:`LOCK_WAIT`."""
        self.merges = 0
        """Writes that found the file replaced by another process and merged its values."""

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
                with open(path, "rb") as fh:  # the identity of exactly the bytes read
                    stat = os.fstat(fh.fileno())
                    data = fh.read()
            except FileNotFoundError:
                continue
            except OSError as exc:
                self.warnings.append(f"cache file {path} unreadable: {exc.strerror}")
                continue
            self._file_ids[inst_id] = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
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
            path = self.path(inst_id)
            with file_lock(self.root, path.name) as locked:
                if not locked:
                    self.skipped_locked += 1
                    log.info("cache file %s is locked by another triffin; written at the next save", path)
                    continue
                self._take_in_others(inst_id, path)
                atomic_write(path, self._encode(store, inst_id, values))
                self._file_ids[inst_id] = file_id(path) or (0, 0, 0)
            self._saved_version[inst_id] = store.version
            written.append(inst_id)
        if written or any(store.state[i].last_success != self._summary_success.get(i) for i in self._saved_version):
            self.save_summary(store)
        return written

    def _take_in_others(self, inst_id: str, path: Path) -> None:
        """Under the file's lock: when another process replaced the file since this one last
        read or wrote it, remember what it holds that this process does not (merge on write).

        A file that cannot be decoded is moved aside (``*.corrupt``) like at start-up, so the
        write that follows replaces nothing anyone could still read.
        """
        now = file_id(path)
        if now is None or now == self._file_ids.get(inst_id):
            return
        try:
            values, sources, last_success = decode(path.read_bytes(), inst_id)
        except FileNotFoundError:
            return
        except OSError as exc:
            log.info("cache file %s unreadable before merging (%s); overwriting", path, exc.strerror)
            return
        except CacheError as exc:
            self._quarantine(path, str(exc))
            return
        self.merges += 1
        if last_success is not None:
            self._others_success[inst_id] = _later(last_success, self._others_success.get(inst_id)) or last_success
        known = self._others.get(inst_id)
        if known is not None:  # what others wrote before still counts (disk wins over it)
            keep = ~known[0].index.isin(values.index)
            values = pd.concat([values, known[0][keep]]).sort_index()
            sources = pd.concat([sources, known[1][keep]]).sort_index()
        self._others[inst_id] = (values, sources)

    def _merged(self, store: SeriesStore, inst_id: str, values: pd.Series) -> tuple[pd.Series, pd.Series, bool]:
        """This process's official values plus the dates only others wrote; True when merged."""
        sources = store.sources(inst_id)
        others = self._others.get(inst_id)
        if others is None:
            return values, sources, False
        only_theirs = ~others[0].index.isin(values.index)
        if not only_theirs.any():
            del self._others[inst_id]  # this process now holds every date they wrote
            return values, sources, False
        theirs, their_sources = others[0][only_theirs], others[1][only_theirs]
        self._others[inst_id] = (theirs, their_sources)
        merged = pd.concat([values, theirs]).sort_index()
        merged_sources = pd.concat([sources, their_sources]).reindex(merged.index)
        return merged, merged_sources, True

    def _encode(self, store: SeriesStore, inst_id: str, values: pd.Series) -> bytes:
        """:func:`encode` plus the dates other processes wrote, reusing the encoded values
        when the Series are the ones last seen."""
        values, sources, merged = self._merged(store, inst_id, values)
        known = self._bodies.get(inst_id)
        if not merged and known is not None and known[0] is values and known[1] is sources:
            body = known[2]
        else:
            body = _body(values, sources)
            if not merged:
                self._bodies[inst_id] = (values, sources, body)
        return _header(store, inst_id, self._others_success.get(inst_id)) + b"," + body + b"}"

    def save_summary(self, store: SeriesStore) -> None:
        """Write ``_summary.json``: the tail of every cached instrument (see datafeed.summary).

        Under the summary's lock, the entries another process wrote are merged in: an
        instrument this process does not hold keeps its entry, and for one both hold the
        entry with the newer last date (then the newer ``last_success``) is written.
        """
        entries: dict[str, tuple[list[int], list[float], str, str | None]] = {}
        for inst_id in store.catalog:
            values = store.official(inst_id)
            if values.empty:
                continue
            source = str(store.sources(inst_id).iloc[-1])
            if source.startswith("demo:"):
                continue
            values, sources, _ = self._merged(store, inst_id, values)
            tail = values.iloc[-TAIL:]
            days = tail.index.values.astype("datetime64[D]").astype("int64").tolist()
            last = _later(store.state[inst_id].last_success, self._others_success.get(inst_id))
            entries[inst_id] = (
                days,
                [round(v, 10) for v in tail.tolist()],
                str(sources.iloc[-1]),
                last.isoformat(timespec="seconds") if last else None,
            )
        if not entries:
            return
        with file_lock(self.root, SUMMARY_FILENAME) as locked:
            if not locked:
                self.skipped_locked += 1
                return  # _summary_success unchanged: the next save tries again
            for inst_id, entry in read_summary(self.root).items():
                mine = entries.get(inst_id)
                if mine is None or _newer_entry(entry, mine):
                    entries[inst_id] = _raw_entry(entry)
            atomic_write(self.root / SUMMARY_FILENAME, encode_summary(entries))
        self._summary_success = {i: store.state[i].last_success for i in entries if i in store.state}


BACKFILL_FILENAME = "_backfill.json"
"""Backfills that found nothing older than the primary's history (see :meth:`DiskCache.record_backfill`)."""


def read_backfills(root: Path) -> dict[str, tuple[str, dt.date]]:
    """``{instrument: (backfill source tag, first date the primary held)}``; empty when absent
    or unreadable (never raises: a lost record costs one request)."""
    try:
        doc = json.loads((Path(root) / BACKFILL_FILENAME).read_bytes())
        items = doc["instruments"] if isinstance(doc, dict) else {}
        return {
            str(k): (str(v["source"]), dt.date.fromisoformat(v["before"]))
            for k, v in items.items()
            if isinstance(v, dict)
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def record_backfill(root: Path, inst_id: str, source: str, before: dt.date) -> None:
    """Remember that ``source`` has nothing older than ``before`` for ``inst_id``.

    Why: a primary that starts at the series' inception (SOFR at the NY Fed in 2018, €STR at
    the ECB in 2019) leaves its backfill source nothing to add, and without a record every
    start asked it again for 25 years of history. Merged under a lock with what other panes
    sharing the cache recorded.
    """
    with file_lock(Path(root), BACKFILL_FILENAME) as locked:
        if not locked:
            return  # another pane is writing it; the next start records it
        items = read_backfills(root)
        items[inst_id] = (source, before)
        doc = {
            "format": "triffin-backfills",
            "version": 1,
            "instruments": {k: {"source": t, "before": d.isoformat()} for k, (t, d) in sorted(items.items())},
        }
        atomic_write(Path(root) / BACKFILL_FILENAME, json.dumps(doc, separators=(",", ":")).encode())


def _raw_entry(entry: SummaryEntry) -> tuple[list[int], list[float], str, str | None]:
    """A summary entry read from disk, in the form :func:`encode_summary` takes."""
    last = entry.last_success.isoformat(timespec="seconds") if entry.last_success else None
    return [d.toordinal() - _EPOCH_ORDINAL for d in entry.dates], list(entry.values), entry.source, last


def _newer_entry(theirs: SummaryEntry, mine: tuple[list[int], list[float], str, str | None]) -> bool:
    """True when the entry on disk is ahead of this process's: a later last date, or the
    same last date fetched more recently."""
    their_last = theirs.dates[-1].toordinal() - _EPOCH_ORDINAL
    if their_last != mine[0][-1]:
        return their_last > mine[0][-1]
    if theirs.last_success is None or mine[3] is None:
        return False
    try:
        return theirs.last_success > dt.datetime.fromisoformat(mine[3])
    except (TypeError, ValueError):
        return False
