"""Provides the saved dashboard view: the whole first screen of the next start, without pandas.

Why: the part of the dashboard that answers the question (the regime, the signals, the
crisis grid, the formula rows) needs numpy and pandas, whose import alone takes longer than
Textual's whole first frame. A run saves what its dashboard shows (plain frozen widget
inputs, a few KB of JSON) and the next start paints it in its first frame; the Monitor's
first recompute then replaces it (and repaints nothing where nothing changed).

Two kinds, never mixed:

- **live**: ``_view.json`` beside the cache's ``_summary.json``. The first frame takes the
  instruments' rows from the summary as before (:mod:`tui.rows`) and the rest from here.
- **demo**: the synthetic market's view, in its own folder of the cache
  (:data:`DEMO_FOLDER`), in a file whose name says DEMO and carries what the generator's
  output depends on (seed, history end, today, generator version). Demo numbers are never
  written to, or read from, the live files.

Both are keyed by a fingerprint of the config that shapes the views (instruments,
formulas, thresholds, episodes): a view saved under another config is not shown.

Freshness: every mark is shown as saved (status, late, stale, dates), with two exceptions
that keep the marks true: an age counted in days is counted again from its date to today
(and a signal's business-day age moved on by the business days since the save); and a live
row that was ``fresh`` when saved reads ``stale`` (kept data, nothing fetched yet), as the
store shows the same row once the cache is loaded. Demo views are only ever shown on the
day they were made.

Imports nothing heavier than ``json`` and the widget dataclasses (a test keeps it that way).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datafeed.demo_identity import DEMO_SEED, GENERATOR_VERSION
from datafeed.market_calendar import business_days_between
from datafeed.sanitize import clean_line
from widgets.data import RegimeView, ScoreCell, ScoreRow, SignalView, TableRow

if TYPE_CHECKING:
    from datafeed.catalog import Instrument
    from datafeed.formulas import Formula

FORMAT = "triffin-view"
FORMAT_VERSION = 1
LIVE_FILENAME = "_view.json"
DEMO_FOLDER = "demo-views"
"""Sub-folder of the cache holding the demo's saved views (never the live cache's files)."""

MAX_BYTES = 4_000_000
"""A view file larger than this is not read (a sane view is ~15 KB, ~100 KB with 300 rows)."""


@dataclass(frozen=True)
class SavedView:
    """What the dashboard showed, as saved.

    Attributes:
        kind: ``live`` or ``demo``.
        saved_at: when it was saved (UTC).
        rows: the markets table's rows (instruments and formulas), in table order.
        signals: the signals panel's rows.
        markets: the calendar each signal's age is counted in, parallel to ``signals``.
        regime: the regime line (None when none was computed).
        scores: the crisis grid's rows.
    """

    kind: str
    saved_at: dt.datetime
    rows: tuple[TableRow, ...]
    signals: tuple[SignalView, ...]
    markets: tuple[str, ...]
    regime: RegimeView | None
    scores: tuple[ScoreRow, ...]


def fingerprint(
    catalog: Mapping[str, Instrument],
    formulas: Sequence[Formula],
    thresholds: Mapping[str, Mapping[str, float]],
    episodes: Iterable[Mapping[str, object]],
) -> str:
    """A digest of the config that shapes the dashboard's views (short hex)."""
    doc = {
        "instruments": [[i.id, i.name, i.unit, i.label, i.decimals, i.group_title] for i in catalog.values()],
        "formulas": [[f.id, f.expr, f.unit, f.label] for f in formulas],
        "thresholds": {k: dict(v) for k, v in thresholds.items()},
        "episodes": list(episodes),
    }
    data = json.dumps(doc, sort_keys=True, default=str).encode()
    # Two 32-bit checksums, not a cryptographic hash: the key tells one config's views from
    # another's (a stale match only shows the last view until the first recompute), and
    # hashlib would load OpenSSL (~2 ms) in front of the first frame.
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def live_path(cache_dir: Path) -> Path:
    """Where the live view is saved: beside ``_summary.json``."""
    return Path(cache_dir) / LIVE_FILENAME


def demo_path(cache_dir: Path, end: dt.date, today: dt.date, key: str) -> Path:
    """Where the demo view for this history end, day and config is saved (its name says DEMO)."""
    name = (
        f"DEMO-synthetic-view-seed{DEMO_SEED}-end{end.isoformat()}-day{today.isoformat()}"
        f"-gen{GENERATOR_VERSION}-{key}.json"
    )
    return Path(cache_dir) / DEMO_FOLDER / name


# --------------------------------------------------------------------------- encoding


def _plain(obj: object) -> dict[str, object]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}  # type: ignore[arg-type]


def encode(view: SavedView, key: str) -> bytes:
    """The view as JSON (NaN in sparklines kept as JSON's NaN extension, which json reads)."""
    doc = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "kind": view.kind,
        "synthetic": view.kind == "demo",
        "key": key,
        "saved_at": view.saved_at.isoformat(timespec="seconds"),
        "rows": [_plain(r) for r in view.rows],
        "signals": [_plain(s) for s in view.signals],
        "markets": list(view.markets),
        "regime": None if view.regime is None else _plain(view.regime),
        "scores": [{**_plain(s), "cells": [_plain(c) for c in s.cells]} for s in view.scores],
    }
    return json.dumps(doc, separators=(",", ":")).encode()


_SCALARS: dict[str, tuple[type, ...]] = {"str": (str,), "float": (int, float), "int": (int,), "bool": (bool,)}


def _groups_check(value: object) -> bool:
    """The regime's groups: a list of [name, eroding, valued]."""
    return isinstance(value, list) and all(
        isinstance(v, list)
        and len(v) == 3
        and isinstance(v[0], str)
        and all(isinstance(n, int) and not isinstance(n, bool) for n in v[1:])
        for v in value
    )


def _numbers_check(value: object) -> bool:
    """A tuple of numbers (a sparkline): a list of ints and floats, no booleans."""
    return isinstance(value, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)


def _checker(annotation: str) -> Callable[[object], bool]:
    """A check of whether a JSON value fits a field annotated ``annotation`` (as written)."""
    if annotation == "tuple[tuple[str, int, int], ...]":
        return _groups_check
    if annotation.startswith("tuple["):
        return _numbers_check
    kinds = [part.strip() for part in annotation.split("|")]
    none_ok = "None" in kinds
    types = tuple(t for kind in kinds for t in _SCALARS.get(kind, ()))
    bool_ok = bool in types

    def check(value: object) -> bool:
        if value is None:
            return none_ok
        if isinstance(value, bool):
            return bool_ok
        return isinstance(value, types)

    return check


@functools.cache
def _checks(cls: type) -> dict[str, Callable[[object], bool]]:
    """Field name → its type check, built once per class (a view has hundreds of items)."""
    return {f.name: _checker(str(f.type)) for f in fields(cls)}


def _clean(cls: type, item: Mapping[str, object], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """``item``'s fields for ``cls``, each of its declared type, text as one safe line.

    The file is outside input like any other: a wrong type would otherwise reach a widget's
    formatting and end the app in its first frame. Raises ValueError on any mismatch.
    """
    checks = _checks(cls)
    out: dict[str, object] = {}
    for key, value in item.items():
        if key in skip:
            continue
        check = checks.get(key)
        if check is None or not check(value):
            raise ValueError(f"{cls.__name__}.{key}: unexpected {type(value).__name__}")
        if isinstance(value, list):  # JSON arrays back into the tuples the frozen views hold
            value = tuple(
                tuple(clean_line(x, 200) if isinstance(x, str) else x for x in v) if isinstance(v, list) else v
                for v in value
            )
        out[key] = clean_line(value, 200) if isinstance(value, str) else value
    return out


def decode(data: bytes, key: str, kind: str) -> SavedView | None:
    """The view in ``data`` when it is a view of ``kind`` saved under ``key``; else None."""
    try:
        doc = json.loads(data)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != FORMAT_VERSION:
            return None
        if doc.get("kind") != kind or doc.get("key") != key or doc.get("synthetic") != (kind == "demo"):
            return None
        saved_at = dt.datetime.fromisoformat(doc["saved_at"])
        if saved_at.tzinfo is None:
            return None
        rows = tuple(TableRow(**_clean(TableRow, r)) for r in doc["rows"])
        signals = tuple(SignalView(**_clean(SignalView, s)) for s in doc["signals"])
        markets = tuple(str(m) for m in doc["markets"])
        regime = None if doc["regime"] is None else RegimeView(**_clean(RegimeView, doc["regime"]))
        scores = tuple(
            ScoreRow(
                **_clean(ScoreRow, s, skip=("cells",)),
                cells=tuple(ScoreCell(**_clean(ScoreCell, c)) for c in s["cells"]),
            )
            for s in doc["scores"]
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if len(markets) != len(signals):
        return None
    return SavedView(kind, saved_at, rows, signals, markets, regime, scores)


def read_view(path: Path, key: str, kind: str) -> SavedView | None:
    """The view saved at ``path`` (None when absent, unreadable, too large or of another config)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_BYTES:
        return None
    return decode(data, key, kind)


def write_view(path: Path, data: bytes) -> bool:
    """Write atomically (a reader sees the old file or the new one); False when it failed.

    For a demo view, the folder's other views (other days, configs, generator versions)
    are removed: only today's can ever be shown.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        return False
    if path.parent.name == DEMO_FOLDER:
        for other in path.parent.glob("DEMO-synthetic-view-*.json"):
            if other != path:
                other.unlink(missing_ok=True)
    return True


# --------------------------------------------------------------------------- first frame


def _days_age(row: TableRow, today: dt.date) -> str:
    """A row's age counted again from its date (``3d``), as the store's rows count it."""
    try:
        date = dt.date.fromisoformat(row.date[:10])
    except ValueError:
        return row.age
    return f"{max((today - date).days, 0)}d"


def as_of(view: SavedView, today: dt.date) -> SavedView:
    """``view`` with its ages true today (see the module docstring for what changes)."""
    saved_on = view.saved_at.date()
    rows = tuple(
        replace(
            row,
            age=_days_age(row, today) if row.date else row.age,
            status="stale" if view.kind == "live" and row.status == "fresh" else row.status,
        )
        for row in view.rows
    )
    signals = []
    for signal, market in zip(view.signals, view.markets, strict=True):
        if signal.age.endswith("bd") and today > saved_on:
            try:
                later = business_days_between(saved_on, today, market)
                signal = replace(signal, age=f"{int(signal.age[:-2]) + later}bd")
            except (ValueError, KeyError):
                signal = replace(signal, age="")
        signals.append(signal)
    return replace(view, rows=rows, signals=tuple(signals))
