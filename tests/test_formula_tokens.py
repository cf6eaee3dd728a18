"""The formula tokenizer's fast path splits a plain expression exactly as the character loop
does (issue 20: a 270-formula config is parsed in front of the first frame).

A regular expression splits the common case in C; the loop, which words every problem,
takes everything else. Random expressions over the language's pieces, well-formed and not,
must give the same tokens either way whenever the fast path takes them.
"""

from __future__ import annotations

import random
import time

from datafeed.formula_syntax import _PLAIN, _tokenize, _tokenize_loop, _tokenize_plain, parse_expression

PIECES = (
    "ust10y", "bund10y", "x_1", "_a", "mean", "n", "(", ")", ",", "+", "-", "*", "/", "**", "=",
    "1", "2.5", ".5", "5.", "1e3", "1E-2", "1e", "3abc", "0x1", ".", "[", "'", "<", "é", "@",
    " ", "\t", "  ",
)  # fmt: skip


def _expressions(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.randint(0, 14)
        sep = rng.choice(("", " ", ""))
        out.append(sep.join(rng.choice(PIECES) for _ in range(k)))
    return out


def test_the_fast_path_gives_the_loop_s_tokens() -> None:
    """Every expression the fast path takes is split as the loop splits it; many are taken."""
    taken = 0
    for expr in _expressions(20_000, seed=20):
        plain = _tokenize_plain(expr)
        if plain is None:
            continue
        taken += 1
        assert plain == _tokenize_loop(expr), expr
    assert taken > 2_000


def test_the_fast_path_leaves_every_problem_to_the_loop() -> None:
    """Text the loop marks ``bad`` (a malformed number, ``**``, a dot, a non-ASCII letter)
    is never taken by the fast path, so its error message stays the loop's."""
    for expr in _expressions(20_000, seed=21):
        if any(t.kind == "bad" for t in _tokenize_loop(expr)):
            assert _tokenize_plain(expr) is None, expr
    assert _tokenize("1e") == _tokenize_loop("1e")
    for expr, message in (("3abc + 1", "malformed number '3a'"), ("ust10y ** 2", "'**' is not supported")):
        try:
            parse_expression(expr, ["ust10y"])
        except ValueError as exc:
            assert message in str(exc), exc
        else:
            raise AssertionError(expr)


def test_a_long_failing_line_does_not_backtrack() -> None:
    """One way to match any text: a 4,000-character line that fails at its end is refused
    in linear time (a name split anywhere would make this exponential)."""
    start = time.process_time()
    for text in ("a" * 4000 + "@", "ab " * 1300 + "$", "1 " * 2000 + "."):
        assert _PLAIN.fullmatch(text) is None
    assert time.process_time() - start < 2.0
