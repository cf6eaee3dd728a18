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
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datafeed.demo_identity import DEMO_SEED, GENERATOR_VERSION
from datafeed.market_calendar import business_days_between
from datafeed.records import record
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


@record
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


def _saved(value: object) -> object:
    """A field's value as the file keeps it: text as the reading side would clean it (one
    line, at most :data:`_TEXT_LIMIT` characters), so a file as written is read in one pass.

    Why: a live view holds an explanation longer than the cap ("n/a: no auction results
    held for ..." names seven series); read back, it was cut anyway, but the one long string
    sent the whole file through the field-by-field checks (~4.7 instead of ~2 ms, in front of
    every live first frame, issue 20).
    """
    if isinstance(value, str):
        return clean_line(value, _TEXT_LIMIT)
    if isinstance(value, tuple):
        return tuple(_saved(v) for v in value)
    return value


def _plain(obj: object) -> dict[str, object]:
    return {f.name: _saved(getattr(obj, f.name)) for f in fields(obj)}  # type: ignore[arg-type]


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


def decode(data: bytes, key: str, kind: str, skip_rows: Collection[str] = ()) -> SavedView | None:
    """The view in ``data`` when it is a view of ``kind`` saved under ``key``; else None.

    ``skip_rows``: ids of table rows the caller has from elsewhere and will not read (a
    live first frame takes every instrument's row from the cache summary): those rows are
    left out of the view unread, ~1 ms of a live first frame (issue 20).

    Most files are exactly what :func:`encode` wrote: every item's fields in order, of the
    declared JSON types, and every string already a plain line (nothing for
    :func:`~datafeed.sanitize.clean_line` to change). Those are checked and built in one
    pass with no per-field call (:func:`_build`): ~1 ms instead of ~2.5 ms for the demo's
    view, in front of the first frame. Anything else (a field missing, out of order or of
    another type, a string with a control, an escape, runs of spaces or over the cap) goes
    through the field-by-field :func:`_decode_checked`, which cleans or refuses it. Both
    give the same view for every input (a test compares them over random damage).
    """
    try:
        doc = json.loads(data)
    except ValueError:
        return None
    if not _header_ok(doc, key, kind):
        return None
    rows = doc.get("rows")
    if skip_rows and type(rows) is list:
        doc["rows"] = [item for item in rows if not (type(item) is dict and item.get("id") in skip_rows)]
    strings: list[str] = []
    view = _decode_fast(doc, kind, strings)
    if view is not None and _all_plain(strings):
        return view
    return _decode_checked(doc, kind)


def _header_ok(doc: object, key: str, kind: str) -> bool:
    """The format, version, kind, config key and the synthetic flag are the expected ones."""
    return (
        isinstance(doc, dict)
        and doc.get("format") == FORMAT
        and doc.get("version") == FORMAT_VERSION
        and doc.get("kind") == kind
        and doc.get("key") == key
        and doc.get("synthetic") == (kind == "demo")
    )


def _decode_checked(doc: dict[str, Any], kind: str) -> SavedView | None:
    """The view, every field checked and every string cleaned one by one (None: refused)."""
    try:
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


# ------------------------------------------------------------ the one-pass fast path

_NONE = type(None)
_JSON_TYPES: dict[str, frozenset[type]] = {
    "str": frozenset({str}),
    "float": frozenset({int, float}),
    "int": frozenset({int}),
    "bool": frozenset({bool}),
    "None": frozenset({_NONE}),
}
_NUMBER = frozenset({int, float})
_TEXT_LIMIT = 200
"""Cap of every saved string (as :func:`_clean` cleans them)."""


class _Plan:
    """How one widget dataclass is read from an item :func:`encode` wrote.

    A plain class, not a dataclass: creating a dataclass costs ~0.6 ms at import, in front
    of the first frame.
    """

    __slots__ = ("allowed", "cells", "groups", "names", "numbers", "text")

    def __init__(
        self,
        names: tuple[str, ...],
        allowed: tuple[frozenset[type], ...],
        text: tuple[int, ...],
        numbers: tuple[int, ...],
        groups: tuple[int, ...],
        cells: int,
    ) -> None:
        self.names = names
        """Field names in declaration order (the order :func:`encode` writes them)."""
        self.allowed = allowed
        """Per field, the exact JSON types it may hold (``json.loads`` makes no subclasses,
        and ``bool`` is not in an ``int`` field's set: the same rule as :func:`_checker`)."""
        self.text = text
        """Positions of the fields that are always a string."""
        self.numbers = numbers
        """Positions of the number tuples (sparklines)."""
        self.groups = groups
        """Positions of the regime's ``(name, eroding, counted)`` groups."""
        self.cells = cells
        """Position of a score row's cells (-1: none)."""


@functools.cache
def _plan(cls: type) -> _Plan:
    """The :class:`_Plan` of ``cls``, built once."""
    names: list[str] = []
    allowed: list[frozenset[type]] = []
    text: list[int] = []
    numbers: list[int] = []
    groups: list[int] = []
    cells = -1
    for index, f in enumerate(fields(cls)):
        annotation = str(f.type)
        names.append(f.name)
        if annotation.startswith("tuple["):
            allowed.append(frozenset({list}))
            if annotation == "tuple[tuple[str, int, int], ...]":
                groups.append(index)
            elif annotation == "tuple[ScoreCell, ...]":
                cells = index
            else:
                numbers.append(index)
            continue
        kinds: set[type] = set()
        for part in annotation.split("|"):
            kinds |= _JSON_TYPES.get(part.strip(), frozenset())
        allowed.append(frozenset(kinds))
        if annotation == "str":
            text.append(index)
    return _Plan(tuple(names), tuple(allowed), tuple(text), tuple(numbers), tuple(groups), cells)


def _build(cls: type, item: object, strings: list[str]) -> Any:
    """``cls`` from ``item`` when it is exactly as :func:`encode` wrote it; else None.

    Its strings are added to ``strings`` (unchecked: :func:`_all_plain` looks at all of a
    file's strings at once). Nothing here calls a function per field: the key order and
    the value types are compared by C loops (``tuple(item)``, ``all(map(...))``).
    """
    plan = _plan(cls)
    if type(item) is not dict or tuple(item) != plan.names:
        return None
    values = list(item.values())
    if not all(map(frozenset.__contains__, plan.allowed, map(type, values))):
        return None
    strings.extend([values[i] for i in plan.text])
    for i in plan.numbers:
        if not all(map(_NUMBER.__contains__, map(type, values[i]))):
            return None
        values[i] = tuple(values[i])
    for i in plan.groups:
        groups = values[i]
        for group in groups:
            if not (
                type(group) is list
                and len(group) == 3
                and type(group[0]) is str
                and type(group[1]) is int
                and type(group[2]) is int
            ):
                return None
            strings.append(group[0])
        values[i] = tuple(tuple(group) for group in groups)
    if plan.cells >= 0:
        built = [_build(ScoreCell, cell, strings) for cell in values[plan.cells]]
        if None in built:
            return None
        values[plan.cells] = tuple(built)
    try:
        return cls(*values)
    except (ValueError, TypeError):  # an enumerated field out of range: the checked path refuses it
        return None


def _build_all(cls: type, items: object, strings: list[str]) -> tuple[Any, ...] | None:
    """Every item of the list ``items`` built by :func:`_build`; None if any is not."""
    if type(items) is not list:
        return None
    built = [_build(cls, item, strings) for item in items]
    return None if None in built else tuple(built)


def _decode_fast(doc: dict[str, Any], kind: str, strings: list[str]) -> SavedView | None:
    """The view when every part of ``doc`` is as :func:`encode` writes it; else None."""
    saved = doc.get("saved_at")
    markets = doc.get("markets")
    if type(saved) is not str or type(markets) is not list or not all(type(m) is str for m in markets):
        return None
    try:
        saved_at = dt.datetime.fromisoformat(saved)
    except ValueError:
        return None
    rows = _build_all(TableRow, doc.get("rows"), strings)
    signals = _build_all(SignalView, doc.get("signals"), strings)
    scores = _build_all(ScoreRow, doc.get("scores"), strings)
    raw_regime = doc.get("regime", 0)
    regime = None if raw_regime is None else _build(RegimeView, raw_regime, strings)
    if (
        saved_at.tzinfo is None
        or rows is None
        or signals is None
        or scores is None
        or (regime is None and raw_regime is not None)
        or len(markets) != len(signals)
    ):
        return None
    return SavedView(kind, saved_at, rows, signals, tuple(markets), regime, scores)


def _all_plain(strings: list[str]) -> bool:
    """True when :func:`~datafeed.sanitize.clean_line` would leave every string as it is.

    That holds for printable text (no control, escape, bidi override or surrogate, no line
    break or tab) without a run of spaces or a space at either end, within the cap. Checked
    over all strings at once: printable strings hold no line break, so one joined text
    shows every run of spaces and every string's ends.
    """
    if not strings:
        return True
    if not all(map(str.isprintable, strings)) or max(map(len, strings)) > _TEXT_LIMIT:
        return False
    joined = "\n".join(strings)
    return "  " not in joined and "\n " not in joined and " \n" not in joined and joined[:1] != " " != joined[-1:]


def read_view(path: Path, key: str, kind: str, skip_rows: Collection[str] = ()) -> SavedView | None:
    """The view saved at ``path`` (None when absent, unreadable, too large or of another
    config), without the rows named in ``skip_rows`` (:func:`decode`)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_BYTES:
        return None
    return decode(data, key, kind, skip_rows)


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
    live = view.kind == "live"
    rows = []
    for row in view.rows:
        age = _days_age(row, today) if row.date else row.age
        status = "stale" if live and row.status == "fresh" else row.status
        # ``replace`` builds and checks a new row (~5 µs): only where a mark moved (a demo
        # view shown on its own day moves none).
        rows.append(row if age == row.age and status == row.status else replace(row, age=age, status=status))
    signals = []
    for signal, market in zip(view.signals, view.markets, strict=True):
        if signal.age.endswith("bd") and today > saved_on:
            try:
                later = business_days_between(saved_on, today, market)
                signal = replace(signal, age=f"{int(signal.age[:-2]) + later}bd")
            except (ValueError, KeyError):
                signal = replace(signal, age="")
        signals.append(signal)
    return replace(view, rows=tuple(rows), signals=tuple(signals))
