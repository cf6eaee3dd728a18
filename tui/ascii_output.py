"""Provides :func:`ascii_driver`: the terminal driver of ``--ascii``, which writes ASCII bytes only.

Why at the driver and not only in the widgets: the widgets fold their own text
(``widgets.glyphs.ascii_text``) and draw ASCII borders and scrollbars, but a screen is
also made of Textual's parts (toasts, the command palette, inputs, the footer) and of text
from outside (an upstream error, a config name). ``--ascii`` promises that no byte above
0x7F reaches the terminal, so the last write is folded too. Every character keeps its
width in cells (a box corner becomes ``+``, a wide character ``??``), so the terminal's
cursor positions stay right; the widgets' own, better spellings (``ESTR``, ``->``) are
applied before, where there is room for them.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rich.cells import cell_len
from textual.driver import Driver

__all__ = ["ascii_driver", "fold_cells"]

_ONE_CELL: dict[str, str] = {
    "−": "-",
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "…": ".",
    "·": ".",
    "•": "*",
    "●": "*",
    "○": "o",
    "→": ">",
    "←": "<",
    "↑": "^",
    "↓": "v",
    "▲": "^",
    "▼": "v",
    "▶": ">",
    "◀": "<",
    "▸": ">",
    "◂": "<",
    "›": ">",
    "‹": "<",
    "✓": "+",
    "✔": "+",
    "✗": "x",
    "✘": "x",
    "×": "x",
    "Δ": "d",
    "€": "E",
    "£": "L",
    "¥": "Y",
    "±": "~",
    "≥": ">",
    "≤": "<",
    "≈": "~",
    "°": "o",
    "\u00a0": " ",
}
"""Single-cell symbols and their one-character ASCII stand-ins."""


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One character as ASCII of the same width in cells."""
    if ch in _ONE_CELL:
        return _ONE_CELL[ch]
    code = ord(ch)
    if 0x2500 <= code <= 0x257F:  # box drawing: lines and corners
        name = unicodedata.name(ch, "")
        if "HORIZONTAL" in name and "VERTICAL" not in name:
            return "-"
        if "VERTICAL" in name and "HORIZONTAL" not in name and "AND" not in name:
            return "|"
        if "DASH" in name:
            return "-" if "HORIZONTAL" in name else "|"
        return "+"
    if 0x2580 <= code <= 0x259F:  # block elements: scrollbar thumbs, sparklines, bars
        return "#" if ch in "█▓▒" else " "
    if 0x2800 <= code <= 0x28FF:  # braille: a chart's dots
        return "." if code != 0x2800 else " "
    width = cell_len(ch)
    base = unicodedata.normalize("NFKD", ch)[:1]
    if width and base and base.isascii() and base.isprintable():
        return base + "?" * (width - 1)  # an accented letter keeps its letter
    return "?" * width


def fold_cells(text: str) -> str:
    """``text`` with every non-ASCII character replaced by ASCII of the same cell width.

    Escape sequences are ASCII already and pass through unchanged.
    """
    if text.isascii():
        return text
    return "".join(ch if ch.isascii() else _fold_char(ch) for ch in text)


def ascii_driver(base: type[Driver]) -> type[Driver]:
    """A subclass of ``base`` whose :meth:`write` folds every frame to ASCII (``fold_cells``)."""

    class AsciiDriver(base):  # type: ignore[misc, valid-type]
        """``base``, writing ASCII bytes only (``--ascii``)."""

        def write(self, data: str) -> None:
            super().write(fold_cells(data))

    AsciiDriver.__name__ = AsciiDriver.__qualname__ = f"Ascii{base.__name__}"
    return AsciiDriver
