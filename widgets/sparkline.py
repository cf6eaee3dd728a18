"""Provides :func:`sparkline`: recent history as one line of text.

Block characters (``▁▂▃▄▅▆▇█``) by default; with ``ascii=True`` a ramp of plain ASCII
characters (``_.-~=*#``) for fonts and terminals without block glyphs. A text sparkline is
one string inside a table row, so a table row repaints as one line (no extra widgets).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"
"""Unicode ramp, lowest first."""

ASCII_RAMP = "_.-~=*#"
"""ASCII ramp, lowest first."""

GAP = " "
"""Drawn for a missing (None / NaN) value."""


def sparkline(
    values: Sequence[float | None],
    width: int | None = None,
    *,
    ascii: bool = False,
) -> str:
    """Draw values as a one-line sparkline, scaled between their min and max.

    Args:
        values: The history, oldest first. None and NaN are drawn as gaps.
        width: Draw at most this many characters, keeping the most recent values.
            None draws every value.
        ascii: Use :data:`ASCII_RAMP` instead of block characters.

    Returns:
        One character per value drawn (so at most ``width``); empty for no values.
        A flat series is drawn at mid height.
    """
    ramp = ASCII_RAMP if ascii else BLOCKS
    if width is not None:
        if width <= 0:
            return ""
        values = values[-width:]
    finite = [float(v) for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return GAP * len(values)
    low, high = min(finite), max(finite)
    span = high - low
    top = len(ramp) - 1
    chars: list[str] = []
    for value in values:
        if value is None or not math.isfinite(value):
            chars.append(GAP)
        elif span == 0:
            chars.append(ramp[top // 2])
        else:
            chars.append(ramp[round((float(value) - low) / span * top)])
    return "".join(chars)
