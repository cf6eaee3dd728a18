"""Provides the parser of the TIC "Major Foreign Holders of Treasury Securities" tables.

Treasury publishes the table as tab-delimited text exported from a spreadsheet:

- ``.../tic/Documents/mfhhis01.txt``: the history, one block per year, **newest year
  first**, months **December to January** left to right;
- ``.../tic/Documents/mfh.txt``: the latest twelve or thirteen months, same layout;
- the newer SLT "Table 5" text (``slt_table5.txt``) carries the same rows under a single
  ``Country  2026-07  2026-06 ...`` header of ISO months; it is read too.

Each classic block has a month row (``\\tDec\\tNov ... Jan``), a year row starting
``Country``, a dashes row, one row per holder, ``All Other``, ``Grand Total``, an
``Of which:`` line, ``For. Official`` with its ``Treasury Bills`` and ``T-Bonds & Notes``
split, and footnotes. Quirks handled here (all seen in the real history file):

- trailing tabs on every line; quoted names (``"China, Mainland"``) and quoted footnotes
  with doubled quotes inside; each line is split on its own, so a stray quote can never
  swallow the lines after it;
- names change spelling and carry footnote markers (``United Kingdom 2/``, ``"Korea,
  South "``, ``Belgium  5/``): :mod:`datafeed.demand.countries` maps them to stable keys;
- blocks at a benchmark-survey break have **13 month columns**: the month of the break
  appears twice (``Jun  Jun``; ``Mar  Mar`` in 2000), the left column on the new series and
  the right one "shown for comparison only". The left one is kept, and the month is listed
  in :attr:`HoldersTable.breaks` so a change across it can be flagged;
- ``n.a.`` (and empty cells) for values not available; rows of footnotes between blocks.

Values are **billions of US dollars** of holdings at the end of each month. Months are
dated the 1st (as FRED dates monthly series); the value is the end-of-month holding.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from datafeed.demand.countries import (
    FOREIGN_OFFICIAL,
    GRAND_TOTAL,
    HolderKind,
    display_name,
    holder_key,
    normalise,
)
from datafeed.demand.wire import body_text, is_missing, reject_html, snippet
from datafeed.errors import ParseError
from datafeed.models import RawPoint

SOURCE = "tic"
"""Source name (``[sources.tic]``)."""

MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}

_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(19|20)\d{2}$")
_DASHES = re.compile(r"^-+$")

TOTAL_TOLERANCE_BN = 1.0
"""Largest gap (USD bn, beyond 0.05 bn of rounding per row) between the holders of a block
and its grand total before the month is reported as not adding up."""


@dataclass(frozen=True, slots=True)
class HolderSeries:
    """One row of the table across every month read.

    Attributes:
        key: canonical key (``japan``, ``china``, ``uk``, ``grand_total``,
            ``foreign_official``, ``foreign_official_bills``, ``all_other``).
        name: display name (the newest published spelling, or a fixed one for renamed rows).
        kind: ``country``, ``aggregate`` (a group such as ``All Other``), ``total`` or
            ``official``.
        points: (month dated the 1st, USD bn), oldest first; months without a value are
            absent.
    """

    key: str
    name: str
    kind: HolderKind
    points: tuple[RawPoint, ...]

    def value(self, month: dt.date) -> float | None:
        """The holding for a month (any day of it), or None."""
        first = month.replace(day=1)
        for point in self.points:
            if point.date == first:
                return point.value
        return None

    @property
    def latest(self) -> RawPoint | None:
        """The newest month with a value."""
        return self.points[-1] if self.points else None


@dataclass(frozen=True, slots=True)
class HoldersTable:
    """Everything one or more TIC files held.

    Attributes:
        series: each row's series by key.
        months: every month with at least one value, oldest first.
        breaks: months at which a new benchmark series starts (a duplicated column); a
            change measured across one mixes two survey bases.
        problems: one line per value that was not a number or month that does not add up.
    """

    series: Mapping[str, HolderSeries]
    months: tuple[dt.date, ...]
    breaks: tuple[dt.date, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def latest_month(self) -> dt.date | None:
        """The newest month with a grand total (else the newest month with any value)."""
        total = self.series.get(GRAND_TOTAL)
        if total is not None and total.latest is not None:
            return total.latest.date
        return self.months[-1] if self.months else None

    def countries(self, month: dt.date | None = None) -> list[tuple[HolderSeries, float]]:
        """Country rows with a value in ``month`` (default: the latest), largest first."""
        month = month or self.latest_month
        if month is None:
            return []
        ranked = [(s, v) for s in self.series.values() if s.kind == "country" and (v := s.value(month)) is not None]
        return sorted(ranked, key=lambda sv: (-sv[1], sv[0].key))


@dataclass(slots=True)
class _Builder:
    values: dict[str, dict[dt.date, float]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, HolderKind] = field(default_factory=dict)
    breaks: set[dt.date] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    """One line's tab-separated cells, quotes resolved, whitespace stripped."""
    row = next(csv.reader([line], delimiter="\t", quotechar='"'), [])
    return [c.strip() for c in row]


def _lines(text: str) -> Iterator[list[str]]:
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        yield _cells(line)


def _month_row(cells: Sequence[str]) -> list[tuple[int, int]] | None:
    """(position, month number) of a ``\\tDec\\tNov ...`` row; None if it is not one."""
    found = [(i, MONTHS[c[:3].lower()]) for i, c in enumerate(cells) if i > 0 and c and c[:3].lower() in MONTHS]
    filled = [c for c in cells[1:] if c]
    if len(found) < 2 or len(found) != len(filled) or any(len(c) > 9 for c in filled):
        return None
    if cells and cells[0] and normalise(cells[0]) not in ("", "country"):
        return None
    return found


def _iso_header(cells: Sequence[str]) -> list[tuple[int, dt.date]] | None:
    """(position, month) of a ``Country  2026-07  2026-06`` header; None if it is not one."""
    if not cells or normalise(cells[0]) != "country":
        return None
    found: list[tuple[int, dt.date]] = []
    for i, cell in enumerate(cells[1:], 1):
        if not cell:
            continue
        match = _ISO_MONTH.match(cell)
        if not match or not 1 <= int(match.group(2)) <= 12:
            return None
        found.append((i, dt.date(int(match.group(1)), int(match.group(2)), 1)))
    return found or None


def _year_row(cells: Sequence[str], months: list[tuple[int, int]]) -> list[tuple[int, dt.date]]:
    """Combine a month row with the ``Country  2025  2025 ...`` row below it."""
    columns: list[tuple[int, dt.date]] = []
    for position, month in months:
        year = cells[position] if position < len(cells) else ""
        if not _YEAR.match(year):
            raise ParseError(
                f"{SOURCE}: the year row under a month header has {snippet(year, 12)} in column {position}"
            )
        columns.append((position, dt.date(int(year), month, 1)))
    return columns


def _dedupe(columns: list[tuple[int, dt.date]], builder: _Builder) -> list[tuple[int, dt.date]]:
    """Keep the leftmost column of a month printed twice (the new series) and note the break."""
    seen: set[dt.date] = set()
    kept: list[tuple[int, dt.date]] = []
    for position, month in columns:
        if month in seen:
            builder.breaks.add(month)
            continue
        seen.add(month)
        kept.append((position, month))
    return kept


def _number(cell: str, label: str, month: dt.date, builder: _Builder) -> float | None:
    if is_missing(cell) or cell == "*":
        return None
    try:
        value = float(cell.replace(",", ""))
    except ValueError:
        builder.problems.append(f"{SOURCE}: {snippet(label, 30)} {month:%Y-%m}: not a number {snippet(cell, 20)}")
        return None
    if value != value or value < 0 or value == float("inf"):
        builder.problems.append(f"{SOURCE}: {snippet(label, 30)} {month:%Y-%m}: not a holding {snippet(cell, 20)}")
        return None
    return value


def _check_block(block: dict[str, dict[dt.date, float]], kinds: Mapping[str, HolderKind], builder: _Builder) -> None:
    """Report months whose holder rows do not add up to the block's grand total."""
    totals = block.get(GRAND_TOTAL, {})
    for month, total in totals.items():
        parts = [v[month] for k, v in block.items() if kinds.get(k) in ("country", "aggregate") and month in v]
        if not parts:
            continue
        gap = abs(sum(parts) - total)
        if gap > TOTAL_TOLERANCE_BN + 0.05 * len(parts):
            builder.problems.append(
                f"{SOURCE}: {month:%Y-%m}: holders add up to {sum(parts):.1f} but the grand total is {total:.1f}"
            )


def _read(text: str, builder: _Builder) -> int:
    """Read one file's blocks into ``builder``; return how many header rows were found."""
    rows = list(_lines(text))
    headers = 0
    columns: list[tuple[int, dt.date]] = []
    block: dict[str, dict[dt.date, float]] = {}
    index = 0
    while index < len(rows):
        cells = rows[index]
        index += 1
        iso = _iso_header(cells)
        months = None if iso else _month_row(cells)
        if iso or months:
            _check_block(block, builder.kinds, builder)
            block = {}
            if months:
                while index < len(rows) and not any(rows[index]):
                    index += 1
                if index >= len(rows) or normalise(rows[index][0] if rows[index] else "") != "country":
                    raise ParseError(f"{SOURCE}: a month header row is not followed by a 'Country' year row")
                iso = _year_row(rows[index], months)
                index += 1
            columns = _dedupe(iso or [], builder)
            headers += 1
            continue
        if not columns or not cells or not cells[0] or _DASHES.match(cells[0]):
            continue
        identity = holder_key(cells[0])
        if identity is None:
            continue
        key, kind = identity
        values: dict[dt.date, float] = {}
        for position, month in columns:
            cell = cells[position] if position < len(cells) else ""
            value = _number(cell, cells[0], month, builder)
            if value is not None:
                values[month] = value
        if not values:
            continue  # a footnote or a title line, not a data row
        builder.names.setdefault(key, display_name(key, cells[0]))
        builder.kinds.setdefault(key, kind)
        block.setdefault(key, {}).update(values)
        held = builder.values.setdefault(key, {})
        for month, value in values.items():
            held.setdefault(month, value)  # newest file / block first: the first value wins
    _check_block(block, builder.kinds, builder)
    return headers


def parse_holders(*bodies: bytes | str) -> HoldersTable:
    """Parse one or more TIC tables, newest first (``mfh.txt`` before ``mfhhis01.txt``).

    A month present in several bodies (or blocks) keeps the first value read, so the newest
    revision wins when the current table is passed before the history.

    Raises:
        ParseError: an empty body, an HTML page, no month header at all, a month header
            without its year row, or no holder row with a number.
    """
    if not bodies:
        raise ParseError(f"{SOURCE}: nothing to parse")
    builder = _Builder()
    for body in bodies:
        text = body_text(body, SOURCE)
        if not text.strip():
            raise ParseError(f"{SOURCE}: empty body")
        reject_html(text, SOURCE)
        if _read(text, builder) == 0:
            first = next((line for line in text.splitlines() if line.strip()), "")
            raise ParseError(f"{SOURCE}: no month header row found (format changed?); starts {snippet(first.strip())}")
    if not builder.values:
        raise ParseError(f"{SOURCE}: a month header but no holder rows with numbers")
    series = {
        key: HolderSeries(
            key=key,
            name=builder.names[key],
            kind=builder.kinds[key],
            points=tuple(RawPoint(m, v) for m, v in sorted(values.items())),
        )
        for key, values in builder.values.items()
    }
    months = sorted({m for values in builder.values.values() for m in values})
    return HoldersTable(
        series=series,
        months=tuple(months),
        breaks=tuple(sorted(builder.breaks)),
        problems=tuple(builder.problems),
    )


def _shift(month: dt.date, months: int) -> dt.date:
    year, index = divmod(month.year * 12 + month.month - 1 + months, 12)
    return dt.date(year, index + 1, 1)


def change(series: HolderSeries, months: int, at: dt.date | None = None) -> float | None:
    """Change of a holding over ``months`` months to ``at`` (default: its latest), in USD bn.

    None when either end has no value.
    """
    if at is not None:
        end = at.replace(day=1)
    elif series.latest is not None:
        end = series.latest.date
    else:
        return None
    now, before = series.value(end), series.value(_shift(end, -months))
    return None if now is None or before is None else now - before


def spans_break(table: HoldersTable, end: dt.date, months: int) -> bool:
    """True when a benchmark series break lies in ``(end − months, end]``: a change over that
    span compares two survey bases."""
    first, last = _shift(end.replace(day=1), -months), end.replace(day=1)
    return any(first < b <= last for b in table.breaks)


__all__ = [
    "FOREIGN_OFFICIAL",
    "GRAND_TOTAL",
    "SOURCE",
    "HolderSeries",
    "HoldersTable",
    "change",
    "parse_holders",
    "spans_break",
]
