"""Provides the columns of :class:`~widgets.live_table.LiveTable` and how cells are written.

Kept apart from the widget so the rules a trader reads the table by - which columns exist
and which are never dropped, how a change is marked (``▲ +3.2bp``), where a number's
decimal point sits, how an age or a status sorts - are plain functions that tests (and a
presenter) can call without a running app.
"""

from __future__ import annotations

from typing import NamedTuple

from widgets.data import TableRow

__all__ = [
    "COLUMNS",
    "COLUMN_ALIASES",
    "DEFAULT_COLUMNS",
    "Column",
    "STATUS_GLYPHS",
    "age_seconds",
    "decimal_split",
    "format_change",
    "format_period_change",
    "format_value",
    "sort_key",
    "source_label",
]

_CHANGE_DECIMALS: dict[str, int] = {"bp": 1, "%": 2, "pts": 2, "pp": 2}


def format_value(value: float | None, decimals: int) -> str:
    """Format a level with thousands separators, or ``n/a`` when missing."""
    if value is None or value != value:  # None or NaN
        return "n/a"
    return f"{value:,.{max(decimals, 0)}f}"


def format_change(
    change: float | None,
    unit: str,
    decimals: int | None = None,
    *,
    ascii: bool = False,
) -> tuple[str, str]:
    """Format a change with its direction mark, so it reads without colour.

    Args:
        change: The change, already in ``unit``; None when unknown.
        unit: ``bp``, ``%``, ``pts``, ``pp``... appended to the number.
        decimals: Decimals to show; None picks the unit's default (bp: 1, else 2).
        ascii: Use ``^`` / ``v`` instead of ``▲`` / ``▼``.

    Returns:
        ``(text, direction)``: e.g. ``("▲ +3.2bp", "up")``; direction is ``up``,
        ``down``, ``flat`` (rounds to zero) or ``na``.
    """
    if change is None or change != change:
        return "n/a", "na"
    places = _CHANGE_DECIMALS.get(unit, 2) if decimals is None else max(decimals, 0)
    number = f"{change:+.{places}f}"
    if float(number) == 0:
        return f"= {number.replace('-', '+')}{unit}", "flat"
    if change > 0:
        return f"{'^' if ascii else '▲'} {number}{unit}", "up"
    return f"{'v' if ascii else '▼'} {number}{unit}", "down"


class Column(NamedTuple):
    """How one :class:`LiveTable` column is labelled, aligned, kept and sorted."""

    label: str
    """Header text."""
    align: str
    """``left`` or ``right``."""
    pinned: bool
    """Never dropped for lack of width, and kept at the left while the others scroll."""
    numeric: bool
    """Cells are numbers lined up on their decimal point."""
    sortable: bool
    """``o`` and a header click can sort by it."""


COLUMNS: dict[str, Column] = {
    "name": Column("Instrument", "left", pinned=True, numeric=False, sortable=True),
    "last": Column("Last", "right", pinned=True, numeric=True, sortable=True),
    "change": Column("Chg", "right", pinned=True, numeric=True, sortable=True),
    "age": Column("Age", "right", pinned=False, numeric=False, sortable=True),
    "1w": Column("1W", "right", pinned=False, numeric=True, sortable=True),
    "1m": Column("1M", "right", pinned=False, numeric=True, sortable=True),
    "ytd": Column("YTD", "right", pinned=False, numeric=True, sortable=True),
    "spark": Column("Trend", "left", pinned=False, numeric=False, sortable=False),
    "source": Column("Source", "left", pinned=False, numeric=False, sortable=True),
    "date": Column("Date", "left", pinned=False, numeric=False, sortable=True),
    "status": Column("Status", "left", pinned=False, numeric=False, sortable=True),
}
"""Every column id with its header and behaviour."""

DEFAULT_COLUMNS: tuple[str, ...] = tuple(COLUMNS)
"""The default column set, in display and priority order (the issue's: Instrument, Last,
Chg never dropped; then Age, 1W, 1M, YTD, Trend, Source, Date, Status)."""

COLUMN_ALIASES: dict[str, str] = {"trend": "spark", "instrument": "name", "chg": "change"}
"""Header names accepted as column ids (``trend`` for ``spark``...), e.g. from a config file."""

STATUS_GLYPHS: dict[str, str] = {"fresh": " ", "stale": "~", "error": "!", "missing": "?"}
"""Gutter mark of a row's status: it reads without colour."""
_STATUS_RANK: dict[str, int] = {"error": 0, "stale": 1, "missing": 2, "fresh": 3}
"""Status sort order: the worst first."""
_AGE_UNITS: dict[str, float] = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}


class Cell(NamedTuple):
    """One rendered cell."""

    text: str
    """What is shown (before padding)."""
    style: str
    """Component class, or ``""``."""
    split: int = -1
    """Numeric columns: where the text splits around the decimal point (see :func:`decimal_split`)."""
    has_data: bool = True
    """False when the row has no value for this column (a column nobody fills is not shown)."""


class Layout(NamedTuple):
    """Width of a column, and of the parts left and right of the decimal point."""

    width: int
    left: int = 0
    right: int = 0


def decimal_split(text: str) -> int:
    """Index where a number's text splits so decimal points line up.

    ``▲ +3.2bp`` splits at the ``.``; a number without one (``+12bp``, ``1,234``) splits
    after its last digit; text without digits (``n/a``) gives -1: it is not a number and
    is right-aligned in the column instead.
    """
    last_digit = -1
    for index, ch in enumerate(text):
        if ch == "." and last_digit == index - 1 and last_digit >= 0:
            return index
        if ch.isdigit():
            last_digit = index
    return last_digit + 1 if last_digit >= 0 else -1


def age_seconds(age: str) -> float | None:
    """Seconds in an age as the table shows it (``<1m``, ``12m``, ``3h``, ``2d``); None if unreadable."""
    text = age.strip().lstrip("<")
    number = text.rstrip("smhdwy")
    unit = text[len(number) :]
    if not number or unit not in _AGE_UNITS:
        return None
    try:
        seconds = float(number) * _AGE_UNITS[unit]
    except ValueError:
        return None
    return seconds / 2 if age.strip().startswith("<") else seconds


def format_period_change(change: float | None, unit: str, decimals: int | None = None) -> tuple[str, str]:
    """A change over a period (1W, 1M, YTD): signed number and unit, no mark (the sign reads).

    Returns:
        ``(text, direction)`` as :func:`format_change` does: ``("+12.3bp", "up")``.
    """
    if change is None or change != change:
        return "n/a", "na"
    places = _CHANGE_DECIMALS.get(unit, 2) if decimals is None else max(decimals, 0)
    number = f"{change:+.{places}f}"
    if float(number) == 0:
        return f"{number.replace('-', '+')}{unit}", "flat"
    return f"{number}{unit}", "up" if change > 0 else "down"


def source_label(row: TableRow) -> str:
    """The row's short source label: its own, else the provider part of its tag, upper-cased."""
    if row.source_label:
        return row.source_label
    return row.source.split(":", 1)[0].upper()


def _number(value: float | None) -> float | None:
    return None if value is None or value != value else float(value)


def sort_key(row: TableRow, column: str) -> object:
    """The value a row sorts by in ``column``; None sorts last whatever the direction."""
    if column == "name":
        return row.name.casefold()
    if column == "last":
        return _number(row.value)
    if column == "change":
        return _number(row.change)
    if column == "1w":
        return _number(row.change_1w)
    if column == "1m":
        return _number(row.change_1m)
    if column == "ytd":
        return _number(row.change_ytd)
    if column == "age":
        return age_seconds(row.age) if row.age else None
    if column == "source":
        return source_label(row).casefold() or None
    if column == "date":
        return row.date or None
    if column == "status":
        return (_STATUS_RANK.get(row.status, 9), not row.late, not row.intraday)
    return None
