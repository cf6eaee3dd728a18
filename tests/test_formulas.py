"""Formula rows: the safe expression language, its alignment rule, and errors that name the formula."""

from __future__ import annotations

import math
from collections.abc import Iterator
from collections.abc import Set as AbstractSet

import numpy as np
import pandas as pd
import pytest

from datafeed.formulas import (
    FormulaError,
    evaluate,
    evaluate_all,
    formula_json,
    parse_expression,
    parse_formula,
)


def s(values: list[float], start: str = "2026-01-05", dates: list[str] | None = None) -> pd.Series:
    index = pd.DatetimeIndex(dates) if dates else pd.bdate_range(start, periods=len(values))
    return pd.Series(values, index=index.as_unit("ns"), dtype="float64")


def test_spread_in_bp_inner_joins_dates() -> None:
    f = parse_formula("us_de_10y", "(ust10y - bund10y) * 100", "bp", "UST−Bund 10Y")
    assert f.inputs == {"ust10y", "bund10y"} and f.label == "UST−Bund 10Y" and f.unit == "bp"
    ust = s([4.0, 4.1, 4.2], dates=["2026-01-05", "2026-01-06", "2026-01-07"])
    bund = s([2.5, 2.6, 2.7], dates=["2026-01-06", "2026-01-07", "2026-01-08"])
    out = evaluate(f, {"ust10y": ust, "bund10y": bund})
    assert out.name == "us_de_10y"
    assert list(out.index.strftime("%Y-%m-%d")) == ["2026-01-06", "2026-01-07"]
    assert out.tolist() == pytest.approx([160.0, 160.0])


def test_precedence_unary_minus_and_numbers() -> None:
    x = s([2.0, 4.0])
    f = parse_formula("f1", "-ust10y + 2 * 3 - 1e1 / (1 + 1) * .5")
    assert evaluate(f, {"ust10y": x}).tolist() == pytest.approx([-2 + 6 - 2.5, -4 + 6 - 2.5])


def test_window_functions_count_observations() -> None:
    x = s([100.0, 102.0, 101.0, 105.0, 110.0, 99.0])
    data = {"vix": x, "spx": s([1.0, 2.0, 4.0, 3.0, 5.0, 4.0])}
    assert evaluate(parse_formula("a", "lag(vix, 2)"), data).tolist() == [100.0, 102.0, 101.0, 105.0]
    assert evaluate(parse_formula("b", "diff(vix)"), data).tolist() == [2.0, -1.0, 4.0, 5.0, -11.0]
    assert evaluate(parse_formula("c", "diff(vix, n=3)"), data).tolist() == [5.0, 8.0, -2.0]
    pct = evaluate(parse_formula("d", "pct_change(vix, 5)"), data)
    assert pct.tolist() == pytest.approx([-1.0]) and pct.index[0] == x.index[-1]
    assert evaluate(parse_formula("e", "mean(vix, 3)"), data).tolist() == pytest.approx(
        [101.0, 308 / 3, 316 / 3, 314 / 3]
    )
    corr = evaluate(parse_formula("g", "corr(vix, spx, 4)"), data)
    expected = np.corrcoef(x.to_numpy()[-4:], data["spx"].to_numpy()[-4:])[0, 1]
    assert len(corr) == 3 and corr.iloc[-1] == pytest.approx(expected)
    assert evaluate(parse_formula("h", "abs(diff(vix))"), data).tolist() == [2.0, 1.0, 4.0, 5.0, 11.0]


def test_division_by_zero_is_dropped_not_inf() -> None:
    f = parse_formula("r", "ust10y / ust2y")
    out = evaluate(f, {"ust10y": s([1.0, 2.0, 3.0]), "ust2y": s([1.0, 0.0, 2.0])})
    assert out.tolist() == [1.0, 1.5] and all(math.isfinite(v) for v in out)


def test_missing_input_gives_empty_series() -> None:
    f = parse_formula("us_de_10y", "(ust10y - bund10y) * 100")
    out = evaluate(f, {"ust10y": s([4.0])})
    assert out.empty
    doc = formula_json(f, out, {"ust10y": "fresh", "bund10y": "error"})
    assert doc["source"] == "formula" and doc["value"] is None and doc["status"] == "missing"
    assert "bund10y" in doc["error"]


def test_formula_json_latest_value_and_status() -> None:
    f = parse_formula("us_de_10y", "(ust10y - bund10y) * 100", "bp")
    out = evaluate(f, {"ust10y": s([4.0, 4.2]), "bund10y": s([2.5, 2.6])})
    doc = formula_json(f, out, {"ust10y": "fresh", "bund10y": "stale"})
    assert (doc["date"], doc["value"], doc["unit"], doc["status"]) == ("2026-01-06", 160.0, "bp", "stale")
    assert doc["change"] == pytest.approx(10.0) and doc["expr"] == "(ust10y - bund10y) * 100"


def test_later_formulas_read_earlier_ones() -> None:
    a = parse_formula("curve", "(ust10y - ust2y) * 100", "bp")
    b = parse_formula("curve_chg", "diff(curve, 1)", "bp", known=["curve"])
    out = evaluate_all([a, b], {"ust10y": s([4.0, 4.1]), "ust2y": s([3.5, 3.5])})
    assert out["curve"].tolist() == pytest.approx([50.0, 60.0])
    assert out["curve_chg"].tolist() == pytest.approx([10.0])


@pytest.mark.parametrize(
    ("expr", "fragment"),
    [
        ("(ust10y - bund10) * 100", "unknown instrument 'bund10' at column 11"),
        ("ust10y.__class__", "attribute access is not allowed at column 7"),
        ("ust10y[0]", "subscripts are not allowed"),
        ("__import__('os')", "dunder names are not allowed"),
        ("lambda: 1", "keyword 'lambda' is not allowed"),
        ("exec(ust10y)", "unknown function 'exec'"),
        ("eval(ust10y)", "unknown function 'eval'"),
        ("open(ust10y)", "unknown function 'open'"),
        ("'ust10y'", "strings are not allowed"),
        ("ust10y ** 2", "'**' is not supported"),
        ("ust10y > 3", "comparisons are not allowed"),
        ("lag(ust10y)", "lag() needs a window"),
        ("mean(ust10y, ust2y)", "window must be a whole number"),
        ("mean(ust10y, 2.5)", "window must be a whole number"),
        ("corr(ust10y, vix, 1)", "window must be a whole number from 2"),
        ("abs(ust10y, 3)", "abs() takes abs(x)"),
        ("ust10y +", "expected a number, an id or '('"),
        ("(ust10y", "expected ')'"),
        ("ust10y ust2y", "unexpected 'ust2y'"),
        ("100", "reads no instrument"),
        ("", "empty expression"),
        ("ust10y; import os", "unexpected character ';'"),
        ("us_de_10y * 2", "cannot read itself"),
        ("2ust10y", "malformed number"),
    ],
)
def test_rejected_expressions_name_the_formula(expr: str, fragment: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula("us_de_10y", expr)
    message = str(info.value)
    assert message.startswith("formula 'us_de_10y': "), message
    assert fragment in message, message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("fid", "fragment"),
    [("ust10y", "collides with the instrument"), ("Bad-Id", "lower-case"), ("mean", "reserved"), ("x", None)],
)
def test_formula_ids(fid: str, fragment: str | None) -> None:
    if fragment is None:
        assert parse_formula(fid, "ust10y").id == fid
        with pytest.raises(FormulaError, match="already used"):
            parse_formula(fid, "ust10y", reserved=[fid])
        return
    with pytest.raises(FormulaError, match=fragment):
        parse_formula(fid, "ust10y")


def test_scalar_ids_allowed_in_arithmetic_not_in_windows() -> None:
    node = parse_expression("stock_bond_corr_1y * 100", [], ["stock_bond_corr_1y"])
    assert node.scalar
    with pytest.raises(FormulaError, match="needs a series with history"):
        parse_expression("diff(stock_bond_corr_1y, 1)", [], ["stock_bond_corr_1y"])


def test_no_eval_anywhere_in_the_module() -> None:
    import inspect

    import datafeed.formulas as mod

    source = inspect.getsource(mod)
    for banned in ("eval(", "exec(", "compile(", "__import__", "getattr("):
        lines = [ln for ln in source.splitlines() if banned in ln and not ln.strip().startswith(("#", '"', "``"))]
        offending = [ln for ln in lines if "_eval(" not in ln and "evaluate" not in ln and '"' not in ln]
        assert not offending, offending


class _NoCopySet(AbstractSet[str]):
    """Ids that answer ``in`` but refuse to be iterated: copying them would iterate them."""

    def __init__(self, ids: set[str]) -> None:
        self._ids = ids

    def __contains__(self, item: object) -> bool:
        return item in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("the ids were copied (iterated), not asked by membership")


def test_a_formula_is_parsed_against_earlier_ids_without_copying_them() -> None:
    """Issue 20 (300 rows): the config parses each formula against the catalog and every
    earlier formula; copying those ids per formula made n formulas cost O(n²)."""
    from datafeed.catalog import CATALOG
    from datafeed.formula_syntax import parse_formula

    earlier = _NoCopySet({"f_earlier"})
    formula = parse_formula(
        "f_next",
        "(f_earlier - ust10y) * 100",
        "bp",
        known=earlier,
        reserved=_NoCopySet({"f_earlier", "convenience"}),
        instruments=CATALOG,
    )
    assert formula.inputs == frozenset({"f_earlier", "ust10y"})
