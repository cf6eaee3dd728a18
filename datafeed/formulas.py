"""Provides formula rows: user-defined derived instruments from a small, safe expression language.

Why a language of our own: a config file is text that anyone may hand to triffin, so
evaluating it must never run code. There is no ``eval``/``exec`` and no use of Python's
parser: a hand-written tokenizer and recursive-descent parser accept exactly this grammar
and nothing else::

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := ("-" | "+") unary | atom
    atom    := NUMBER | ID | FUNC "(" args ")" | "(" expr ")"
    args    := expr ("," expr)* ("," "n" "=" INTEGER)?

Functions (``n`` counts observations of the argument, not calendar days):

=====================  ==========================================================
``lag(x, n)``          the value ``n`` observations earlier
``diff(x, n=1)``       ``x − lag(x, n)``
``pct_change(x, n=1)`` ``100 · (x / lag(x, n) − 1)``, in percent
``mean(x, n)``         rolling mean over ``n`` observations
``corr(x, y, n)``      rolling correlation of ``x`` and ``y`` over ``n`` paired observations
``abs(x)``             absolute value
=====================  ==========================================================

Window sizes must be integer literals, so a formula's cost is known when it is parsed.
Everything else is rejected with a one-line :class:`FormulaError` naming the formula and
the column: unknown ids and functions, attribute access (``a.b``), subscripts, strings,
lambdas and other keywords, dunder names, ``**`` and comparison operators.

Alignment rule (how dates combine):

- a bare id is that series' own observations (dates without a value are dropped);
- a function works on its argument's observations, in order, and keeps the dates where
  its result is defined (``diff(x, 5)`` drops ``x``'s first five dates);
- an arithmetic operation on two series keeps only the dates both have (an inner join);
  a number combines with every date;
- results that are not finite (division by zero) are dropped.

So ``(ust10y - bund10y) * 100`` has a value on every day both markets published, and
``pct_change(vix, 5)`` compares each VIX close with the fifth close before it.

Scalar ids: callers (the alert engine) may declare ids whose value is a single number
rather than a series (signals, which have no stored history). Those may appear in
arithmetic but not inside window functions, which need a history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

# The syntax lives where pandas is not needed (config parsing before the first frame);
# re-exported here (``__all__``), where callers have always found it.
from datafeed.formula_syntax import (
    FUNCTIONS,
    ID_PATTERN,
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_WINDOW,
    NAME_LIMIT,
    Formula,
    FormulaError,
    Node,
    parse_expression,
    parse_formula,
)

__all__ = [
    "FUNCTIONS",
    "ID_PATTERN",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_WINDOW",
    "NAME_LIMIT",
    "Formula",
    "FormulaError",
    "Node",
    "evaluate",
    "evaluate_all",
    "evaluate_expression",
    "formula_json",
    "parse_expression",
    "parse_formula",
]

# --------------------------------------------------------------------------- evaluation


def _as_series(value: pd.Series | None, name: str) -> pd.Series:
    """A clean float64 series (NaN dropped, ns index) from whatever the caller passed."""
    if value is None:
        return pd.Series([], index=pd.DatetimeIndex([], dtype="datetime64[ns]"), dtype="float64")
    if not isinstance(value, pd.Series):
        raise FormulaError(f"'{name}' must be a series with dates, not {type(value).__name__}")
    s = value if value.dtype == np.float64 else value.astype("float64")
    index = s.index if isinstance(s.index, pd.DatetimeIndex) else pd.DatetimeIndex(pd.to_datetime(s.index))
    if index.unit != "ns":
        index = index.as_unit("ns")
    if index is not s.index:
        s = s.set_axis(index)
    return _finite(s)


def _finite(s: pd.Series) -> pd.Series:
    values = s.to_numpy()
    mask = np.isfinite(values)
    return s if mask.all() else s[mask]


def _eval(node: Node, data: Mapping[str, Any]) -> pd.Series | float:
    kind = node.kind
    if kind == "num":
        return float(node.value)
    if kind == "ref":
        v = data.get(node.value)
        if node.scalar:
            return float("nan") if v is None else float(v)
        return _as_series(v, node.value)
    if kind == "neg":
        inner = _eval(node.args[0], data)
        return -inner
    if kind == "bin":
        left = _eval(node.args[0], data)
        right = _eval(node.args[1], data)
        if isinstance(left, pd.Series) and isinstance(right, pd.Series):
            left, right = left.align(right, join="inner")
        op = node.value
        if op == "/" and not isinstance(left, pd.Series) and not isinstance(right, pd.Series):
            return left / right if right != 0 else float("nan")
        with np.errstate(divide="ignore", invalid="ignore"):
            out = (
                left + right
                if op == "+"
                else left - right
                if op == "-"
                else left * right
                if op == "*"
                else left / right
            )
        # Division by zero gives ±inf in pandas; the alignment rule drops non-finite results.
        return _finite(out) if isinstance(out, pd.Series) else float(out)
    if kind == "call":
        return _call(node, [_eval(a, data) for a in node.args])
    raise FormulaError(f"internal: unknown node {kind!r}")  # pragma: no cover


def _call(node: Node, args: Sequence[pd.Series | float]) -> pd.Series | float:
    name, n = node.value, node.window
    x = args[0]
    if name == "abs":
        return x.abs() if isinstance(x, pd.Series) else abs(x)
    assert isinstance(x, pd.Series) and n is not None
    if name == "lag":
        out = x.shift(n)
    elif name == "diff":
        out = x - x.shift(n)
    elif name == "pct_change":
        prev = x.shift(n)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = 100.0 * (x / prev - 1.0)
    elif name == "mean":
        out = x.rolling(n, min_periods=n).mean()
    elif name == "corr":
        y = args[1]
        assert isinstance(y, pd.Series)
        a, b = x.align(y, join="inner")
        out = a.rolling(n, min_periods=n).corr(b)
    else:  # pragma: no cover - the parser only admits FUNCTIONS
        raise FormulaError(f"internal: unknown function {name!r}")
    return _finite(out)


def evaluate_expression(node: Node, data: Mapping[str, Any]) -> pd.Series | float:
    """Evaluate a parsed expression.

    Args:
        node: from :func:`parse_expression`.
        data: id → ``pd.Series`` for series ids, id → number for scalar ids; a missing id
            reads as an empty series (or NaN).

    Returns:
        a float64 series of the finite results by date, or a float when every input is a
        scalar.
    """
    return _eval(node, data)


def evaluate(formula: Formula, series: Mapping[str, pd.Series]) -> pd.Series:
    """The formula's values by date (empty when an input has no data or no dates in common).

    Args:
        formula: from :func:`parse_formula`.
        series: id → series for every id in ``formula.inputs`` (the store's
            ``all_series()`` plus earlier formulas' results).

    Returns:
        a float64 series named after the formula, dates ascending (see the module's
        alignment rule).
    """
    out = _eval(formula.node, series)
    if not isinstance(out, pd.Series):  # pragma: no cover - parse_formula forbids constants
        raise FormulaError(f"formula '{formula.id}': evaluates to a constant")
    return out.rename(formula.id)


def evaluate_all(formulas: Iterable[Formula], series: Mapping[str, pd.Series]) -> dict[str, pd.Series]:
    """Evaluate formulas in order, each seeing the results of the ones before it.

    Returns:
        formula id → series.
    """
    data: dict[str, pd.Series] = dict(series)
    out: dict[str, pd.Series] = {}
    for f in formulas:
        out[f.id] = data[f.id] = evaluate(f, data)
    return out


def formula_json(
    formula: Formula,
    values: pd.Series,
    input_status: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One ``series`` entry of ``snapshot --format json`` for a formula (``source`` = ``formula``).

    Why a status: a formula is only as fresh as its inputs, so it reads ``stale`` when any
    input's last fetch failed, ``missing`` when it has no value, ``fresh`` otherwise.

    Args:
        formula: the formula.
        values: its evaluated series.
        input_status: status of each input id (``fresh``/``stale``/``error``/``missing``).
    """
    statuses = dict(input_status or {})
    entry: dict[str, Any] = {
        "name": formula.label,
        "unit": formula.unit,
        "source": "formula",
        "date": None,
        "value": None,
        "status": "missing",
        "late": False,
        "error": None,
        "expr": formula.expr,
    }
    if values.empty:
        empty = sorted(i for i in formula.inputs if statuses.get(i) in ("error", "missing", None))
        entry["error"] = f"no data for {', '.join(empty)}" if empty else "inputs have no dates in common"
        return entry
    entry["date"] = values.index[-1].date().isoformat()
    entry["value"] = round(float(values.iloc[-1]), 6)
    bad = sorted(i for i in formula.inputs if statuses.get(i) in ("stale", "error"))
    entry["status"] = "stale" if bad else "fresh"
    if bad:
        entry["error"] = f"input not refreshed: {', '.join(bad)}"
    if len(values) > 1:
        entry["change"] = round(float(values.iloc[-1] - values.iloc[-2]), 6)
        entry["change_unit"] = formula.unit
    return entry
