"""Provides regular expressions compiled on their first use instead of at import.

Why: the provider registry imports every provider module while the config loads, in front
of the first frame (issue 20), and a module-level ``re.compile`` costs 0.1–0.3 ms there;
the dozen patterns the parsers use were ~2 ms of a start that needs none of them. A
:class:`LazyPattern` stands where the compiled pattern stood (``_DATE.match(text)``) and
compiles through :func:`re.compile` (its cache included) the first time it is asked.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: nothing is built at import
    from collections.abc import Callable

    Matcher = Callable[[str], re.Match[str] | None]
    """``match``/``search``/``fullmatch`` of a pattern, taking the text to look at."""


class LazyPattern:
    """A ``str`` regular expression compiled on first use.

    ``match``, ``search`` and ``fullmatch`` are attributes, not methods: the first call
    compiles the pattern and puts the compiled pattern's own bound methods in their place,
    so a parser's per-row ``_DATE.match(cell)`` costs what it cost on a compiled pattern.

    Attributes:
        pattern: the source of the expression, as given to :func:`re.compile`.
        flags: the :mod:`re` flags it is compiled with.
    """

    __slots__ = ("_compiled", "flags", "fullmatch", "match", "pattern", "search", "sub")

    match: Matcher
    search: Matcher
    fullmatch: Matcher
    sub: Callable[..., str]
    """``re.Pattern.sub`` (a replacement string or function, the text, ``count``)."""

    def __init__(self, pattern: str, flags: int | re.RegexFlag = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None
        self.match = self._first_match
        self.search = self._first_search
        self.fullmatch = self._first_fullmatch
        self.sub = self._first_sub

    @property
    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if it never was)."""
        return self._compiled if self._compiled is not None else self._compile()

    @property
    def is_compiled(self) -> bool:
        """True once the pattern has been compiled (a test checks an import compiles none)."""
        return self._compiled is not None

    def _compile(self) -> re.Pattern[str]:
        compiled = re.compile(self.pattern, self.flags)
        self._compiled = compiled
        self.match, self.search, self.fullmatch = compiled.match, compiled.search, compiled.fullmatch
        self.sub = compiled.sub
        return compiled

    def _first_match(self, string: str) -> re.Match[str] | None:
        return self._compile().match(string)

    def _first_search(self, string: str) -> re.Match[str] | None:
        return self._compile().search(string)

    def _first_fullmatch(self, string: str) -> re.Match[str] | None:
        return self._compile().fullmatch(string)

    def _first_sub(self, repl: Any, string: str, count: int = 0) -> str:
        return self._compile().sub(repl, string, count)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags!r})"
