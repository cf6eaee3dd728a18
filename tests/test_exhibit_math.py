"""The arithmetic behind the exhibits, on a handful of hand-made numbers."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from datafeed.exhibit_math import (
    between,
    change_over_years,
    chart_series,
    daily_stock_bond_changes,
    monthly_mean,
    neg_diffs,
    pct_changes,
    rolling_corr,
    shares,
    splice,
    trailing_mean,
    trailing_sum,
    value_asof,
)


def ser(values: dict[str, float]) -> pd.Series:
    return pd.Series(list(values.values()), index=pd.DatetimeIndex(list(values)), dtype="float64")


def test_shares_sum_to_100_with_the_rest_as_others() -> None:
    total = ser({"2024-01-01": 200.0, "2024-04-01": 400.0})
    parts = {
        "row": ser({"2024-01-01": 60.0, "2024-04-01": 100.0}),
        "fed": ser({"2024-01-01": 40.0, "2024-04-01": 100.0}),
    }
    out = shares(total, parts)
    assert out.loc["2024-01-01"].to_dict() == {"row": 30.0, "fed": 20.0, "others": 50.0}
    assert out.loc["2024-04-01"].to_dict() == {"row": 25.0, "fed": 25.0, "others": 50.0}
    assert np.allclose(out.sum(axis=1), 100.0)


def test_shares_skip_dates_missing_a_part_or_without_a_positive_total() -> None:
    total = ser({"2024-01-01": 100.0, "2024-04-01": 0.0, "2024-07-01": 100.0, "2024-10-01": 100.0})
    part = ser({"2024-01-01": 10.0, "2024-04-01": 0.0, "2024-07-01": float("nan"), "2024-10-01": 30.0})
    out = shares(total, {"row": part})
    assert list(out.index.strftime("%Y-%m-%d")) == ["2024-01-01", "2024-10-01"]
    assert out["row"].tolist() == [10.0, 30.0]


def test_value_asof_refuses_stale_values() -> None:
    s = ser({"2008-09-01": 1.0, "2008-09-12": 2.0})
    assert value_asof(s, dt.date(2008, 9, 15), 10) == (dt.date(2008, 9, 12), 2.0)
    assert value_asof(s, dt.date(2008, 9, 30), 10) is None
    assert value_asof(s, dt.date(2008, 8, 1), 10) is None


def test_change_over_years_finds_the_same_quarter_five_years_back() -> None:
    s = ser({"2019-10-01": 1.0, "2020-01-01": 34.0, "2024-10-01": 31.0, "2025-01-01": 30.0})
    assert change_over_years(s, 5) == (30.0, 34.0, dt.date(2020, 1, 1))
    assert change_over_years(ser({"2024-01-01": 1.0, "2025-01-01": 2.0}), 5) is None


def test_trailing_sum_needs_the_full_count() -> None:
    s = ser({"2024-01-01": 1.0, "2024-04-01": 2.0, "2024-07-01": 3.0, "2024-10-01": 4.0, "2025-01-01": 5.0})
    out = trailing_sum(s, 4)
    assert out.tolist() == [10.0, 14.0]
    assert out.index[0] == pd.Timestamp("2024-10-01")


def test_trailing_mean_is_a_time_window() -> None:
    s = ser({"2020-01-01": 1.0, "2020-01-02": 3.0, "2020-01-10": 5.0})
    out = trailing_mean(s, 2)
    # 2 days back from Jan 2 includes Jan 1 (strictly after Dec 31); from Jan 10 only Jan 10.
    assert out.tolist() == [1.0, 2.0, 5.0]


def test_changes_are_dated_at_the_later_observation() -> None:
    s = ser({"2020-01-01": 100.0, "2020-02-01": 110.0, "2020-03-01": 99.0})
    assert pct_changes(s).round(6).tolist() == [10.0, -10.0]
    assert neg_diffs(ser({"2020-01-01": 4.0, "2020-02-01": 4.25})).tolist() == [-0.25]
    assert pct_changes(s).index[0] == pd.Timestamp("2020-02-01")


def test_splice_lets_the_later_segment_take_over_from_its_first_date() -> None:
    old = ser({"1955-01-01": 1.0, "1956-12-01": 2.0, "1957-03-01": 99.0})
    new = ser({"1957-02-01": 3.0, "1957-03-01": 4.0})
    out = splice([old, new])
    assert out.to_dict() == {
        pd.Timestamp("1955-01-01"): 1.0,
        pd.Timestamp("1956-12-01"): 2.0,
        pd.Timestamp("1957-02-01"): 3.0,
        pd.Timestamp("1957-03-01"): 4.0,
    }
    assert splice([pd.Series(dtype="float64"), new]).tolist() == [3.0, 4.0]
    assert splice([]).empty


def test_rolling_corr_reports_only_full_windows() -> None:
    idx = pd.date_range("2020-01-01", periods=5, freq="D")
    x = pd.Series([1.0, -1.0, 2.0, -2.0, 1.0], index=idx)
    assert rolling_corr(x, x, 5).tolist() == [pytest.approx(1.0)]
    assert rolling_corr(x, -x, 5).tolist() == [pytest.approx(-1.0)]
    assert rolling_corr(x, x, 6).empty
    flat = pd.Series([0.0] * 5, index=idx)
    assert rolling_corr(x, flat, 5).empty


def test_daily_changes_pair_a_holiday_as_one_two_day_change() -> None:
    equity = ser({"2024-10-11": 100.0, "2024-10-14": 101.0, "2024-10-15": 102.01})
    ust = ser({"2024-10-11": 4.00, "2024-10-15": 4.10})  # bond market shut on Columbus Day
    eq, bd = daily_stock_bond_changes(equity, ust)
    assert eq.round(6).tolist() == [2.01]
    assert bd.round(6).tolist() == [-0.10]


def test_monthly_mean_dates_on_the_first() -> None:
    s = ser({"2025-03-03": 4.0, "2025-03-31": 5.0, "2025-04-15": 6.0})
    out = monthly_mean(s)
    assert out.to_dict() == {pd.Timestamp("2025-03-01"): 4.5, pd.Timestamp("2025-04-01"): 6.0}


def test_chart_series_is_plain_and_drops_missing_values() -> None:
    s = ser({"2024-01-01": 1.5, "2024-01-02": float("nan"), "2024-01-03": 2.5})
    cs = chart_series("x", "X", "%", s, computed=True, source="computed: a")
    assert cs.dates == (dt.date(2024, 1, 1), dt.date(2024, 1, 3))
    assert cs.values == (1.5, 2.5)
    assert all(isinstance(v, float) and not math.isnan(v) for v in cs.values)
    assert cs.last == (dt.date(2024, 1, 3), 2.5)
    assert between(s, dt.date(2024, 1, 2), dt.date(2024, 1, 3)).index[0] == pd.Timestamp("2024-01-02")
