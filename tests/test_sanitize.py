"""The one-line sanitiser's fast path for printable text gives what the full path gives."""

from __future__ import annotations

import random

from datafeed.sanitize import _clean_line_slow, clean_line, has_unsafe

HOSTILE = [
    "\x1b]0;pwned\x07title",
    "a\x1b[31mred\x1b[0m",
    "\x9b2Jclear",
    "osc52 \x1b]52;c;ZWNobyBoaQ==\x07",
    "bidi \u202eevil\u202c",
    "tab\tand\nnew\r\nline",
    "lone \ud800 surrogate",
    "dcs \x1bPq#0;2;0;0;0\x1b\\",
    "  spaced   out  ",
    "\xa0non-breaking\xa0",
    "UST 10Y  4.61 %",
    "€STR · 1W ▲ +0.5bp",
    "",
]
POOL = "ab 1.%\u00a0\u2003€▲\t\n\r\x1b\x07\x9b\x9c\x9d\u202e\u2066\x00\x7f[]()"


def test_every_sample_cleans_the_same_with_and_without_the_fast_path() -> None:
    rng = random.Random(20)
    samples = HOSTILE + ["".join(rng.choice(POOL) for _ in range(rng.randint(0, 24))) for _ in range(5000)]
    for text in samples:
        for limit in (None, 8, 200):
            assert clean_line(text, limit) == _clean_line_slow(text, limit), repr(text)


def test_the_fast_path_still_removes_what_is_unsafe() -> None:
    for text in HOSTILE:
        cleaned = clean_line(text)
        assert not has_unsafe(cleaned) and "\x1b" not in cleaned and "\n" not in cleaned, repr(cleaned)
    assert clean_line("  spaced   out  ") == "spaced out"


def test_printable_text_compiles_no_pattern() -> None:
    """The patterns compile on first use (issue 20: the first frame cleans only printable
    text, and five compiles were ~1 ms in front of it); unusual text still gets them all."""
    import subprocess
    import sys

    code = (
        "from datafeed import sanitize as s\n"
        "pats = (s._SEQUENCES, s._CONTROLS_ONE_LINE, s._CONTROLS_MULTI_LINE, s._UNSAFE, s._SPACES)\n"
        "assert s.clean_line('UST 10Y  4.61 €STR') == 'UST 10Y 4.61 €STR'\n"
        "print(sum(p.is_compiled for p in pats))\n"
        "assert s.clean_line('a\\x1b[31mb\\tc') == 'ab c'\n"
        "assert s.clean_text('x\\x1b]0;t\\x07y') == 'xy' and s.has_unsafe('\\x1b')\n"
        "print(sum(p.is_compiled for p in pats))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["1", "5"], out.stdout + out.stderr
