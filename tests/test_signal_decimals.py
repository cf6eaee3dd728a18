"""A shown signal value sits on the same side of its cut-offs as its verdict says (finding:
``Hedged Bund pickup 10Y +0 bp ERODING`` for 0.3 bp judged "eroding above 0")."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from datafeed.signals import compute_signal
from datafeed.signals.serialize import round_value, signal_to_json
from datafeed.signals.spec import SignalResult, shown_decimals
from tui.presenters import signal_value_text


def result(value: float, unit: str = "bp", cutoffs: tuple[float, ...] = (0.0, -25.0)) -> SignalResult:
    return SignalResult("x", "X", value, unit, "eroding", dt.date(2026, 12, 4), None, "", cutoffs=cutoffs)


@pytest.mark.parametrize(
    ("value", "unit", "cutoffs", "text"),
    [
        (0.3, "bp", (0.0, -25.0), "+0.3 bp"),  # was "+0 bp" next to ERODING (> 0)
        (-0.2, "bp", (3.0, 0.0), "-0.2 bp"),  # was "-0 bp" next to intact (< 0)
        (52.4, "bp", (0.0, -25.0), "+52 bp"),  # far from a cut-off: unchanged
        (-24.6, "bp", (0.0, -25.0), "-24.6 bp"),  # -25 would read as at the intact cut-off
        (0.2004, "corr", (0.2, 0.0), "+0.2004"),  # +0.20 would be at the cut-off, not above it
        (0.004, "bp", (), "+0.004 bp"),  # zero is always a side
        (0.00001, "bp", (), "+0.000 bp"),  # at most three more decimals (the sign still says it)
        (101.66, "%", (100.0, 90.0), "101.7 %"),
    ],
)
def test_signal_text_agrees_with_the_verdict(value: float, unit: str, cutoffs: tuple[float, ...], text: str) -> None:
    assert signal_value_text(result(value, unit, cutoffs)) == text


def test_shown_decimals() -> None:
    assert shown_decimals(0.3, 0, (0.0,)) == 1
    assert shown_decimals(0.0, 0, (0.0,)) == 0  # exactly at the cut-off: nothing to separate
    assert shown_decimals(-0.0049, 2) == 3


def test_json_keeps_the_side_of_a_cut_off() -> None:
    assert round_value(0.004, "bp", (0.0,)) == 0.004  # 0.0 would contradict "eroding above 0"
    assert round_value(12.3456, "bp", (0.0,)) == 12.35  # unchanged far from it
    assert signal_to_json(result(0.004))["value"] == 0.004


def test_a_computed_signal_carries_the_cut_offs_it_is_judged_on() -> None:
    days = pd.bdate_range("2026-11-02", "2026-12-04")
    series = {
        "ust10y": pd.Series(4.0, index=days),
        "bund10y": pd.Series(2.5, index=days),
        "sofr": pd.Series(4.0, index=days),
        "estr": pd.Series(2.0, index=days),
    }
    res = compute_signal("bund_hedged_pickup_10y", series)
    assert res.value is not None and res.cutoffs and len(res.cutoffs) == 2
    assert signal_value_text(res).endswith(" bp")
