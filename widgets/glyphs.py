"""Provides the ASCII fallbacks every widget uses in ``ascii`` mode.

``--ascii`` promises that nothing above 0x7F reaches the terminal: not the widgets' own
marks (``▲`` ``✓`` ``→``), not the text they are given (``€STR``, ``Aaa−10Y``, a ``Δ`` in an
explanation), and not Textual's scrollbars, whose thumb ends are drawn with block eighths
(``▁▂▃``). :func:`ascii_text` folds text, :class:`AsciiScrollBarRender` draws scrollbars with
spaces only (the thumb stays visible as reverse video, which survives ``NO_COLOR``), and
:func:`use_ascii_scrollbars` installs it on one widget (Textual's documented per-instance
override), so other widgets of the app are untouched.
"""

from __future__ import annotations

import unicodedata
from typing import ClassVar

from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.widget import Widget

__all__ = ["AsciiScrollBarRender", "app_wants_ascii", "ascii_text", "use_ascii_scrollbars"]

_WORDS: tuple[tuple[str, str], ...] = (("€STR", "ESTR"),)
"""Whole words with an established ASCII spelling (the ECB writes €STR as ESTR)."""

_CHARS: dict[int, str] = str.maketrans(
    {
        "−": "-",
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "·": ".",
        "•": "*",
        "●": "*",
        "→": "->",
        "←": "<-",
        "↑": "^",
        "↓": "v",
        "▲": "^",
        "▼": "v",
        "▶": ">",
        "◀": "<",
        "›": ">",
        "‹": "<",
        "✓": "+",
        "✗": "x",
        "×": "x",
        "Δ": "d",
        "€": "EUR",
        "£": "GBP",
        "¥": "JPY",
        "±": "+/-",
        "≥": ">=",
        "≤": "<=",
        "≈": "~",
        "°": "deg",
        "\u00a0": " ",
    }
)


def ascii_text(text: str) -> str:
    """Fold ``text`` to ASCII: known symbols get an ASCII spelling, accents are dropped,
    anything else becomes ``?`` (never silently removed, so columns keep their width).
    """
    if text.isascii():
        return text
    for word, spelling in _WORDS:
        text = text.replace(word, spelling)
    text = unicodedata.normalize("NFKD", text.translate(_CHARS))
    return "".join(ch if ch.isascii() else ("" if unicodedata.combining(ch) else "?") for ch in text)


class AsciiScrollBarRender(ScrollBarRender):
    """A scrollbar drawn with spaces only: no block glyphs at the thumb's ends."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


def use_ascii_scrollbars(widget: Widget, ascii: bool) -> None:
    """Give ``widget``'s own scrollbars the ASCII (or the default) renderer.

    Out of ASCII mode only the scrollbars the widget already has are set back: one Textual
    creates later draws with the default renderer anyway, and asking Textual for a
    scrollbar creates and starts a widget (its own message pump). Every line widget asked
    for both in ``on_mount``: six started widgets in front of the first frame (~0.6 ms),
    most of which never show.
    """
    renderer = AsciiScrollBarRender if ascii else ScrollBarRender
    scrollbars: tuple[ScrollBar, ...]
    if ascii:
        scrollbars = (widget.vertical_scrollbar, widget.horizontal_scrollbar)
    else:
        # Textual's own fields for the scrollbars it has created (the properties create them).
        created = (widget._vertical_scrollbar, widget._horizontal_scrollbar)
        scrollbars = tuple(bar for bar in created if bar is not None)
    for scrollbar in scrollbars:
        if scrollbar.renderer is not renderer:
            # Textual declares `renderer` a ClassVar; set on the instance, only this widget's bars change.
            scrollbar.renderer = renderer  # type: ignore[misc]
            scrollbar.refresh()


def app_wants_ascii(widget: Widget) -> bool:
    """True when the hosting app runs in ASCII mode (triffin's App carries a ``-ascii`` class).

    Call it once mounted (it needs the app); widgets do so in ``on_mount``, so a widget built
    without ``ascii=True`` inside an ASCII app still draws ASCII only.
    """
    return widget.app.has_class("-ascii")
