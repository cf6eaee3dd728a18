"""Ordinal suffixes (issue 17: the drill-down said ``22th``, ``42th``, ``21th``)."""

from __future__ import annotations

import types

import pandas as pd
import pytest

from tui import presenters
from widgets.numbers import ordinal


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "0th"),
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (42, "42nd"),
        (100, "100th"),
        (101, "101st"),
        (111, "111th"),
        (-1, "-1st"),
    ],
)
def test_ordinal(number: int, text: str) -> None:
    assert ordinal(number) == text


def test_percentile_in_the_drill_down_stats_has_the_right_suffix() -> None:
    """A last value at the 22nd percentile of its range reads ``22nd``."""
    values = [float(v) for v in range(1, 101) if v != 22] + [22.0]
    series = pd.Series(values, index=pd.date_range("2026-01-01", periods=100, freq="D"))
    formula = types.SimpleNamespace(unit="bp", expr="a - b", inputs=frozenset())
    stats = {s.label: s.value for s in presenters.formula_stats(formula, series, "MAX", store=None)}  # type: ignore[arg-type]
    assert stats["pctile MAX"] == "22nd"
