"""Provides the formula language's syntax: tokenizer, parser and :class:`Formula`, without pandas.

Why apart from :mod:`datafeed.formulas` (which evaluates): a config with ``[[formulas]]`` or
``[[alerts]]`` is parsed before the first frame, and evaluation needs pandas, whose import
takes longer than that whole frame. Parsing 270 formulas takes a few milliseconds; nothing
here imports numpy or pandas (a test keeps it that way). The grammar, the functions and the
alignment rule are described in :mod:`datafeed.formulas`.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Container, Iterable, Mapping, Set
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from datafeed.catalog import CATALOG
from datafeed.sanitize import clean_line

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
"""What a formula id looks like: lower-case, starts with a letter, at most 40 characters."""


@dataclass(frozen=True, slots=True)
class _FnSpec:
    """Signature of one whitelisted function.

    Attributes:
        series_args: how many leading series arguments it takes.
        window: ``None`` (no window), ``"required"`` or ``"optional"`` (default 1).
        min_window: smallest window accepted.
    """

    series_args: int
    window: str | None
    min_window: int = 1


FUNCTIONS: dict[str, _FnSpec] = {
    "lag": _FnSpec(1, "required", 1),
    "diff": _FnSpec(1, "optional", 1),
    "pct_change": _FnSpec(1, "optional", 1),
    "mean": _FnSpec(1, "required", 1),
    "corr": _FnSpec(2, "required", 2),
    "abs": _FnSpec(1, None),
}
"""The only callable names, with their signatures."""

MAX_WINDOW = 100_000
"""Largest window accepted (a typo like ``mean(x, 2520000)`` is an error, not a slow start)."""

NAME_LIMIT = 80
"""Longest display name kept for a formula (longer ones are cut, marked ``…``)."""

MAX_LENGTH = 1000
"""Longest expression accepted, in characters."""

MAX_DEPTH = 50
"""Deepest expression accepted: levels of parentheses, calls, signs and chained operators.

Why a limit at all: the parser and the evaluator recurse once per level, so without it a
config line of 300 nested parentheses or 400 ``*1`` ends in Python's ``RecursionError``
instead of a one-line config error. The parser counts levels while it descends and refuses
the first one past the limit, so no input within :data:`MAX_LENGTH` can exhaust the stack.
"""


class FormulaError(ValueError):
    """A formula (or alert expression) that cannot be parsed or evaluated, as one line."""


# --------------------------------------------------------------------------- syntax tree


@dataclass(frozen=True, slots=True)
class Node:
    """One node of a parsed expression.

    Attributes:
        kind: ``num``, ``ref``, ``neg``, ``bin`` or ``call``.
        value: the number (``num``), id (``ref``), operator (``bin``) or function (``call``).
        args: child nodes.
        window: the integer window of a ``call`` (None when the function has none).
        scalar: True when the node's value is a single number rather than a series.
        col: 1-based column where the node starts (for error messages).
        depth: levels of the tree from this node down (1 for a leaf); computed, so the
            parser can refuse a too-deep tree while building it instead of after.
    """

    kind: str
    value: Any = None
    args: tuple[Node, ...] = ()
    window: int | None = None
    scalar: bool = False
    col: int = 1
    depth: int = field(default=1, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.args:
            object.__setattr__(self, "depth", 1 + max(a.depth for a in self.args))

    def refs(self) -> frozenset[str]:
        """Every id this expression reads."""
        if self.kind == "ref":
            return frozenset({self.value})
        out: frozenset[str] = frozenset()
        for a in self.args:
            out |= a.refs()
        return out


class _Token(NamedTuple):
    """One token; a named tuple (a frozen dataclass's ``__init__`` costs several times more,
    and a 270-formula config makes ~3,000 of them in front of the first frame, issue 20)."""

    kind: str  # num, name, op, end, bad
    text: str
    col: int  # 1-based


_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPS = "+-*/(),="
_DIGITS = frozenset("0123456789")
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | _DIGITS


def _shown(ch: str) -> str:
    """A character as an error message may show it: itself when printable, else ``U+XXXX``."""
    return ch if ch.isprintable() else f"U+{ord(ch):04X}"


def _non_ascii(ch: str, col: int) -> str:
    """Why a non-ASCII character is refused, naming it by code point.

    ``str.isalpha``/``isdigit`` accept ``é``, ``²`` or full-width ``ｕ``, which the ASCII-only
    grammar then cannot read; saying so beats a confusing "unknown instrument".
    """
    import unicodedata

    name = unicodedata.name(ch, "")
    hint = " (a full-width character: type it in ASCII)" if "FULLWIDTH" in name else ""
    what = f"'{_shown(ch)}' (U+{ord(ch):04X}{' ' + name if name else ''})"
    return f"non-ASCII character {what} at column {col}: ids, numbers and operators are ASCII{hint}"


def _members(ids: Iterable[str] | Container[str]) -> Container[str]:
    """``ids`` as something ``in`` can ask: a set or a mapping as it is, anything else copied.

    Why: a config's formulas are parsed one after another, each against the catalog and
    every formula before it; copying those ids into a new set per formula made 270 formulas
    cost O(n²) (issue 20's 300-row first frame).
    """
    if isinstance(ids, (Set, Mapping, _Either)):
        return ids
    return frozenset(cast("Iterable[str]", ids))


class _Either:
    """Membership in either of two id collections, without building their union."""

    __slots__ = ("_a", "_b")

    def __init__(self, a: Container[str], b: Container[str]) -> None:
        self._a, self._b = a, b

    def __contains__(self, item: object) -> bool:
        return item in self._a or item in self._b


_PLAIN_TOKEN = (
    r"(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)(?![A-Za-z0-9_])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_])"
    r"|(?P<op>\*(?!\*)|[-+/(),=])"
)
_PLAIN = re.compile(rf"(?:[ \t]*(?:{_PLAIN_TOKEN}))*[ \t]*")
"""An expression made only of well-formed tokens (no ``**``, no number running into a name,
nothing outside the language): the common case, split by :data:`_PLAIN_TOKENS` in C. Each
token ends where its longest match ends (the look-aheads), so there is one way to match a
text: no backtracking blow-up on a long line that fails."""
_PLAIN_TOKENS = re.compile(_PLAIN_TOKEN)


def _tokenize(expr: str) -> list[_Token]:
    """Split ``expr`` into tokens; the first character outside the language becomes a ``bad`` token.

    Why not raise at once: the parser reports problems left to right, so ``lambda: 1``
    is rejected for its keyword rather than for the colon that follows it. A plain
    expression is split by one regular expression (a 270-formula config is parsed in
    front of the first frame, issue 20); anything else goes through the character loop,
    which words the problem.
    """
    plain = _tokenize_plain(expr)
    return plain if plain is not None else _tokenize_loop(expr)


def _tokenize_plain(expr: str) -> list[_Token] | None:
    """The tokens of a plain expression (see :data:`_PLAIN`), None for any other text."""
    if not _PLAIN.fullmatch(expr):
        return None
    tokens = [_Token(m.lastgroup or "", m.group(), m.start() + 1) for m in _PLAIN_TOKENS.finditer(expr)]
    tokens.append(_Token("end", "", len(expr) + 1))
    return tokens


def _tokenize_loop(expr: str) -> list[_Token]:
    """The tokens of any text, one character at a time (the first one outside the language
    becomes a ``bad`` token that says what is wrong with it)."""
    tokens: list[_Token] = []
    i, n = 0, len(expr)
    while i < n:
        ch = expr[i]
        col = i + 1
        if ch in " \t":
            i += 1
            continue
        if not ch.isascii():
            tokens.append(_Token("bad", _non_ascii(ch, col), col))
            break
        m = _NUMBER.match(expr, i) if ch in _DIGITS or ch == "." else None
        if m is not None:
            end = m.end()
            if end < n and expr[end] in _NAME_CHARS:
                tokens.append(_Token("bad", f"malformed number '{expr[i : end + 1]}' at column {col}", col))
                break
            tokens.append(_Token("num", m.group(), col))
            i = end
            continue
        if ch in _NAME_START:
            m = _NAME.match(expr, i)
            if m is not None:  # always, given the first character; checked rather than asserted
                tokens.append(_Token("name", m.group(), col))
                i = m.end()
                continue
        if expr.startswith("**", i):
            tokens.append(_Token("bad", f"'**' is not supported at column {col}", col))
            break
        if ch in _OPS:
            tokens.append(_Token("op", ch, col))
            i += 1
            continue
        if ch == ".":
            tokens.append(_Token("bad", f"attribute access is not allowed at column {col}", col))
            break
        if ch in "[]":
            tokens.append(_Token("bad", f"subscripts are not allowed at column {col}", col))
            break
        if ch in "'\"":
            tokens.append(_Token("bad", f"strings are not allowed at column {col}", col))
            break
        if ch in "<>!":
            tokens.append(_Token("bad", f"comparisons are not allowed in an expression at column {col}", col))
            break
        tokens.append(_Token("bad", f"unexpected character '{_shown(ch)}' at column {col}", col))
        break
    tokens.append(_Token("end", "", n + 1))
    return tokens


class _Parser:
    """Recursive-descent parser over the token list; builds :class:`Node` trees."""

    def __init__(self, expr: str, series_ids: Iterable[str] | Container[str], scalar_ids: Iterable[str]) -> None:
        self.tokens = _tokenize(expr)
        self.pos = 0
        last = self.tokens[-2] if len(self.tokens) > 1 else None
        self.bad_at = len(self.tokens) - 2 if last is not None and last.kind == "bad" else -1
        """Index of the ``bad`` token (the tokenizer stops after one, so it is the last but
        the end), or -1."""
        self.series_ids = _members(series_ids)
        self.scalar_ids = _members(scalar_ids)
        self.level = 0

    def descend(self, col: int) -> None:
        """One level deeper (a parenthesis, a call, a sign); refuses the level past :data:`MAX_DEPTH`."""
        self.level += 1
        if self.level > MAX_DEPTH:
            raise FormulaError(f"expression is nested too deeply (more than {MAX_DEPTH} levels) at column {col}")

    def node(self, *args: Any, **kwargs: Any) -> Node:
        """A :class:`Node`, refused when the tree under it is deeper than :data:`MAX_DEPTH`.

        Why here: ``a*1*1*1...`` is built in a loop (no recursion while parsing) but makes
        a left-leaning tree as deep as the chain is long, which evaluation then recurses.
        """
        node = Node(*args, **kwargs)
        if node.depth > MAX_DEPTH:
            raise FormulaError(
                f"expression is nested too deeply (more than {MAX_DEPTH} levels of operators, "
                f"parentheses and calls) at column {node.col}"
            )
        return node

    @property
    def tok(self) -> _Token:
        """The current token; looking at a ``bad`` one raises its message (left-to-right errors)."""
        if self.pos == self.bad_at:
            raise FormulaError(self.tokens[self.pos].text)
        return self.tokens[self.pos]

    def take(self) -> _Token:
        t = self.tok
        self.pos += 1
        return t

    def expect(self, text: str) -> _Token:
        t = self.tok
        if t.kind != "op" or t.text != text:
            found = f"'{t.text}'" if t.text else "the end"
            raise FormulaError(f"expected '{text}' at column {t.col}, found {found}")
        return self.take()

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise FormulaError("empty expression")
        node = self.expr()
        if self.tok.kind != "end":
            t = self.tok
            raise FormulaError(f"unexpected '{t.text}' at column {t.col}")
        return node

    def expr(self) -> Node:
        node = self.term()
        while (t := self.tok).kind == "op" and t.text in "+-":
            op = self.take()
            right = self.term()
            node = self.node("bin", op.text, (node, right), scalar=node.scalar and right.scalar, col=node.col)
        return node

    def term(self) -> Node:
        node = self.unary()
        while (t := self.tok).kind == "op" and t.text in "*/":
            op = self.take()
            right = self.unary()
            node = self.node("bin", op.text, (node, right), scalar=node.scalar and right.scalar, col=node.col)
        return node

    def unary(self) -> Node:
        if (t := self.tok).kind == "op" and t.text in "+-":
            op = self.take()
            self.descend(op.col)
            inner = self.unary()
            self.level -= 1
            if op.text == "+":
                return inner
            if inner.kind == "num":
                return Node("num", -inner.value, scalar=True, col=op.col)
            return self.node("neg", None, (inner,), scalar=inner.scalar, col=op.col)
        return self.atom()

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "num":
            self.take()
            value = float(t.text)
            if not math.isfinite(value):
                raise FormulaError(f"number '{t.text}' is out of range at column {t.col}")
            return Node("num", value, scalar=True, col=t.col)
        if t.kind == "op" and t.text == "(":
            self.take()
            self.descend(t.col)
            node = self.expr()
            self.expect(")")
            self.level -= 1
            return node
        if t.kind == "name":
            self.take()
            name = t.text
            if name.startswith("__") or name.endswith("__"):
                raise FormulaError(f"dunder names are not allowed: '{name}' at column {t.col}")
            if keyword.iskeyword(name) or keyword.issoftkeyword(name):
                raise FormulaError(f"keyword '{name}' is not allowed at column {t.col}")
            if self.tok.kind == "op" and self.tok.text == "(":
                return self.call(name, t.col)
            if name in self.series_ids:
                return Node("ref", name, col=t.col)
            if name in self.scalar_ids:
                return Node("ref", name, scalar=True, col=t.col)
            if name in FUNCTIONS:
                raise FormulaError(f"function '{name}' needs arguments at column {t.col}")
            raise FormulaError(f"unknown instrument '{name}' at column {t.col}")
        found = f"'{t.text}'" if t.text else "the end"
        raise FormulaError(f"expected a number, an id or '(' at column {t.col}, found {found}")

    def call(self, name: str, col: int) -> Node:
        spec = FUNCTIONS.get(name)
        if spec is None:
            raise FormulaError(f"unknown function '{name}' at column {col} (known: {', '.join(FUNCTIONS)})")
        self.expect("(")
        self.descend(col)
        args: list[Node] = []
        window: int | None = None
        window_col = col
        while True:
            if self.tok.kind == "name" and self.tok.text == "n" and self._peek_is("="):
                if window is not None:
                    raise FormulaError(f"{name}(): n= given twice at column {self.tok.col}")
                window_col = self.take().col
                self.take()
                window = self._window_literal(name)
            else:
                if window is not None:
                    raise FormulaError(f"{name}(): positional argument after n= at column {self.tok.col}")
                args.append(self.expr())
            if self.tok.kind == "op" and self.tok.text == ",":
                self.take()
                continue
            self.expect(")")
            break
        # A trailing positional window: the argument after the series arguments.
        if window is None and len(args) == spec.series_args + 1 and spec.window is not None:
            w = args.pop()
            if w.kind != "num":
                raise FormulaError(f"{name}(): the window must be a whole number at column {w.col}")
            window = self._check_window(name, w.value, w.col)
            window_col = w.col
        if len(args) != spec.series_args:
            want = {
                "lag": "lag(x, n)",
                "diff": "diff(x, n=1)",
                "pct_change": "pct_change(x, n=1)",
                "mean": "mean(x, n)",
                "corr": "corr(x, y, n)",
                "abs": "abs(x)",
            }[name]
            raise FormulaError(f"{name}() takes {want} at column {col}")
        if spec.window == "required" and window is None:
            raise FormulaError(f"{name}() needs a window n at column {col}")
        if spec.window is None and window is not None:
            raise FormulaError(f"{name}() takes no window at column {window_col}")
        if spec.window == "optional" and window is None:
            window = 1
        if spec.window is not None:
            for a in args:
                if a.scalar:
                    raise FormulaError(f"{name}() needs a series with history, not a single number, at column {a.col}")
        scalar = all(a.scalar for a in args)
        self.level -= 1
        return self.node("call", name, tuple(args), window=window, scalar=scalar, col=col)

    def _peek_is(self, text: str) -> bool:
        nxt = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else None
        return nxt is not None and nxt.kind == "op" and nxt.text == text

    def _window_literal(self, name: str) -> int:
        t = self.tok
        if t.kind != "num":
            raise FormulaError(f"{name}(): the window must be a whole number at column {t.col}")
        self.take()
        return self._check_window(name, float(t.text), t.col)

    def _check_window(self, name: str, value: float, col: int) -> int:
        spec = FUNCTIONS[name]
        if value != int(value) or not spec.min_window <= value <= MAX_WINDOW:
            raise FormulaError(
                f"{name}(): the window must be a whole number from {spec.min_window} to {MAX_WINDOW}, "
                f"not {value:g}, at column {col}"
            )
        return int(value)


def parse_expression(
    expr: str,
    series_ids: Iterable[str] | Container[str] = CATALOG,
    scalar_ids: Iterable[str] = (),
) -> Node:
    """Parse ``expr`` into a tree, accepting only the documented grammar.

    Args:
        expr: the expression text.
        series_ids: ids that name a series (catalog instruments, earlier formulas).
        scalar_ids: ids that name a single number (signals, for alerts).

    Raises:
        FormulaError: the first problem found, with its 1-based column.
    """
    if not isinstance(expr, str):
        raise FormulaError(f"an expression must be text, not {type(expr).__name__}")
    if "\n" in expr or "\r" in expr:
        raise FormulaError("an expression must be on one line")
    if len(expr) > MAX_LENGTH:
        raise FormulaError(f"expression is longer than {MAX_LENGTH} characters")
    return _Parser(expr, series_ids, scalar_ids).parse()


# --------------------------------------------------------------------------- formulas


@dataclass(frozen=True, slots=True)
class Formula:
    """A user-defined derived instrument (a ``[[formulas]]`` table of the config).

    Attributes:
        id: its id, used like an instrument id in snapshot, export and alerts.
        expr: the expression text as written.
        unit: unit of the result (``bp``, ``%`` ...), for display.
        name: display name (defaults to the id).
        inputs: ids the expression reads.
    """

    id: str
    expr: str
    unit: str = ""
    name: str = ""
    inputs: frozenset[str] = frozenset()
    node: Node = field(default_factory=lambda: Node("num", 0.0, scalar=True), repr=False, compare=False)

    @property
    def label(self) -> str:
        """The name to show (the id when no name was given)."""
        return self.name or self.id


def parse_formula(
    id: str,
    expr: str,
    unit: str = "",
    name: str | None = None,
    *,
    known: Iterable[str] = (),
    reserved: Iterable[str] = (),
    instruments: Iterable[str] | None = None,
) -> Formula:
    """Validate a formula definition and parse its expression.

    Args:
        id: the formula's id; must look like ``us_de_10y`` and not collide with a catalog
            id, a function name or anything in ``reserved`` (signal ids, earlier formulas).
        expr: the expression.
        unit: unit of the result.
        name: display name.
        known: further series ids the expression may read (formulas defined earlier), on
            top of the catalog. Only earlier formulas are allowed, so cycles cannot occur.
        reserved: ids the new id must not take.
        instruments: the instrument ids in force (default: the built-in catalog; the
            config passes its catalog, user instruments included).

    Raises:
        FormulaError: ``formula '<id>': <problem>``.
    """
    label = id if isinstance(id, str) else repr(id)
    if not isinstance(id, str) or not ID_PATTERN.match(id):
        raise FormulaError(
            f"formula {label!r}: an id must be lower-case letters, digits and '_' and start with a letter"
        )
    reserved_set = _members(reserved)
    instrument_ids = _members(CATALOG if instruments is None else instruments)
    if id in instrument_ids:
        raise FormulaError(f"formula '{id}': id collides with the instrument '{id}'")
    if id in FUNCTIONS or id == "n" or keyword.iskeyword(id):
        raise FormulaError(f"formula '{id}': id '{id}' is reserved")
    if id in reserved_set:
        raise FormulaError(f"formula '{id}': id is already used")
    known_ids = _Either(instrument_ids, _members(known))
    try:
        node = parse_expression(expr, known_ids)
    except FormulaError as exc:
        if isinstance(expr, str) and f"unknown instrument '{id}'" in str(exc):
            raise FormulaError(f"formula '{id}': a formula cannot read itself ({exc})") from None
        raise FormulaError(f"formula '{id}': {exc}") from None
    if not node.refs():
        raise FormulaError(f"formula '{id}': reads no instrument (a constant is not a series)")
    # The name and unit are shown on screens and in every snapshot format: no controls.
    shown_name = clean_line(name, NAME_LIMIT) if name else ""
    return Formula(id, expr, clean_line(unit, 24), shown_name, node.refs(), node)
