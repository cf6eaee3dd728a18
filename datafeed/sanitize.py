"""Provides the one sanitiser for text that came from outside triffin.

Why: an upstream error body, a status line, a header, an alert command's stderr or a name
in someone else's config file is text an attacker may choose. Written raw to a terminal it
can rename the tmux pane (OSC 0), write the clipboard (OSC 52), move the cursor or hide
output (CSI), or do the same through the 8-bit C1 forms (U+009B is a one-character CSI on
many terminals). So every such text passes through :func:`clean_line` (one line: a status
bar, a table cell, a log line, an exception message) or :func:`clean_text` (several lines)
where it *enters* triffin, before any terminal, file, log or Rich renderable sees it.

What is removed: whole escape sequences first (CSI, OSC, DCS/SOS/PM/APC strings, two-byte
ESC sequences, and their 8-bit C1 introducers), then every remaining C0/C1 control and DEL,
the Unicode bidirectional overrides (they reorder what the reader sees) and lone surrogates
(which cannot be encoded as UTF-8 and would crash the writer). Tabs and line breaks become
spaces on one line; :func:`clean_text` keeps ``\\n`` and ``\\t``. The result is capped at
``limit`` characters, with ``…`` marking the cut.

Rich markup (``[link=...]``, ``[/]``) is *not* this module's concern: it is text, harmless
in a terminal, and only means something to Rich. The data layer never imports Rich; the UI
renders outside text as ``rich.text.Text`` or escapes it (``tui/safe_text.py``).
"""

from __future__ import annotations

import re

from datafeed.lazy_re import LazyPattern

__all__ = ["DEFAULT_LIMIT", "clean_bytes", "clean_line", "clean_text", "has_unsafe"]

DEFAULT_LIMIT = 500
"""Default cap, in characters: a one-line reason never needs more."""

_SEQUENCES = LazyPattern(
    r"""
      \x1b\[ [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?          # CSI ... final (7-bit)
    | \x9b   [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?          # CSI (8-bit C1)
    | (?:\x1b\]|\x9d) [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)? # OSC (0 title, 8 link, 52 clipboard), to BEL/ST
    | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]) [^\x1b\x9c]* (?:\x1b\\|\x9c)?  # DCS, SOS, PM, APC strings
    | \x1b [\x20-\x2f]* [\x30-\x7e]?                         # any other ESC sequence (nF, Fp, Fe, Fs)
    """,
    re.VERBOSE,
)
"""Whole escape sequences, so their parameters do not survive as stray text.

An unterminated string sequence (an OSC with no BEL/ST) runs to the end of the text: a
terminal would swallow the rest as well, and keeping it would keep the payload."""

_CONTROLS_ONE_LINE = LazyPattern("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_CONTROLS_MULTI_LINE = LazyPattern("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE = LazyPattern("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SPACES = LazyPattern(r"[ \t\n\r\f\v]+")
"""(The patterns compile on first use: printable text, nearly all of it, takes none of them,
and the first frame then compiles none; issue 20.)"""


def _strip(text: str, controls: LazyPattern) -> str:
    text = _SEQUENCES.sub("", text)
    return controls.sub(lambda m: " " if m.group() in "\t\n\r\f\v" else "", text)


def _cap(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def clean_line(text: object, limit: int | None = DEFAULT_LIMIT) -> str:
    """``text`` as one safe line: no escape sequence, no control character, at most ``limit`` characters.

    Line breaks and tabs become single spaces (runs of whitespace collapse), so a
    multi-line upstream body reads as one line in a status bar or a log.

    Args:
        text: anything; non-strings are converted with ``str``.
        limit: cap in characters (None: no cap).
    """
    s = text if isinstance(text, str) else str(text)
    if s.isprintable():
        # The common case (a name, a label, a number): no escape sequence can be in it (each
        # starts with ESC or a C1 control, neither printable), nor a control, a bidi
        # override or a surrogate (all non-printable), nor a tab or line break; only runs
        # of spaces are left to fold. A saved first-frame view has ~1,300 such strings.
        if "  " in s:
            s = _SPACES.sub(" ", s)
        return _cap(s.strip(), limit)
    s = _strip(s, _CONTROLS_ONE_LINE)
    return _cap(_SPACES.sub(" ", s).strip(), limit)


def _clean_line_slow(text: str, limit: int | None = DEFAULT_LIMIT) -> str:
    """:func:`clean_line` without its fast path (tests compare the two)."""
    return _cap(_SPACES.sub(" ", _strip(text, _CONTROLS_ONE_LINE)).strip(), limit)


def clean_text(text: object, limit: int | None = DEFAULT_LIMIT * 8) -> str:
    """``text`` with its lines kept: like :func:`clean_line` but ``\\n`` and ``\\t`` stay.

    ``\\r`` becomes a line break (a bare carriage return would let a later line overwrite
    an earlier one on a terminal).
    """
    s = text if isinstance(text, str) else str(text)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _SEQUENCES.sub("", s)
    s = _CONTROLS_MULTI_LINE.sub("", s)
    return _cap(s, limit)


def clean_bytes(data: bytes, limit: int | None = DEFAULT_LIMIT) -> str:
    """Bytes from a child process or a socket as one safe line (invalid UTF-8 shown as ``�``).

    Why decode first: the 8-bit C1 controls are single bytes in Latin-1 but two bytes in
    UTF-8 (``\\xc2\\x9b``); decoding as UTF-8 with replacement and then cleaning catches
    both forms, and a lone ``\\x9b`` byte becomes ``�``.
    """
    return clean_line(data.decode("utf-8", "replace"), limit)


def has_unsafe(text: str) -> bool:
    """True when ``text`` holds an ESC, another control (except ``\\n``/``\\t``), a C1 or bidi control."""
    return bool(_UNSAFE.search(text))
