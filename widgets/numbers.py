"""Provides small number formatters shared by widgets and presenters.

They live in ``widgets`` (no pandas, no datafeed) so a presenter and a widget format the
same number the same way.
"""

from __future__ import annotations

__all__ = ["ordinal"]


def ordinal(number: int) -> str:
    """English ordinal: ``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``..``13th``, ``21st``, ``22nd``.

    Args:
        number: A whole number (a percentile rank, a position).

    Returns:
        The number with its suffix; negative numbers keep their sign (``-1st``).
    """
    last_two = abs(number) % 100
    if 11 <= last_two <= 13:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(last_two % 10, "th")
    return f"{number}{suffix}"
