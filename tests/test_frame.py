"""Tests of the aligned daily frame: union of daily dates, bounded carry-forward, no invention."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from datafeed.frame import (
    MAX_CARRY_DAYS,
    aligned_frame,
    carried_dates,
    carry,
    clean,
    effective_frequency,
    observed_frequency,
)


def series(pairs: dict[str, float]) -> pd.Series:
    """A series from ``{"YYYY-MM-DD": value}`` (the store's convention)."""
    return pd.Series(list(pairs.values()), index=pd.DatetimeIndex(list(pairs)), dtype="float64")


def business(start: str, values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype="float64")


def test_daily_series_sit_on_the_union_of_dates_and_holidays_stay_missing() -> None:
    # 2024-07-04 is a US holiday: ust10y has no value, the euro rate does.
    ust = series({"2024-07-03": 4.36, "2024-07-05": 4.28})
    estr = series({"2024-07-03": 3.66, "2024-07-04": 3.65, "2024-07-05": 3.66})
    frame = aligned_frame({"ust10y": ust, "estr": estr})
    assert list(frame.index.strftime("%Y-%m-%d")) == ["2024-07-03", "2024-07-04", "2024-07-05"]
    assert math.isnan(frame.at[pd.Timestamp("2024-07-04"), "ust10y"])  # never filled from the 3rd
    assert frame.at[pd.Timestamp("2024-07-05"), "ust10y"] == 4.28
    assert frame.at[pd.Timestamp("2024-07-04"), "estr"] == 3.65


def test_monthly_series_is_carried_forward_at_most_45_days_then_expires() -> None:
    # jpy3m is monthly in the catalog: the January value is valid through 2024-02-15
    # (45 days after 2024-01-01) and missing from 2024-02-16 until the April value.
    ust = business("2024-01-01", [4.0] * 90)
    jpy = series({"2024-01-01": 0.10, "2024-04-01": 0.20})
    frame = aligned_frame({"ust10y": ust, "jpy3m": jpy}, ["ust10y", "jpy3m"])
    col = frame["jpy3m"]
    assert col[pd.Timestamp("2024-02-15")] == 0.10
    assert math.isnan(col[pd.Timestamp("2024-02-16")])
    assert math.isnan(col[pd.Timestamp("2024-03-29")])
    assert col[pd.Timestamp("2024-04-01")] == 0.20
    assert MAX_CARRY_DAYS == 45


def test_frame_index_comes_from_daily_series_not_from_monthly_first_of_month_dates() -> None:
    # 2023-10-01 is a Sunday: the monthly Bund value must not add a weekend row.
    ust = series({"2023-09-29": 4.57, "2023-10-02": 4.68})
    bund = series({"2023-08-01": 2.6, "2023-09-01": 2.7, "2023-10-01": 2.8})
    frame = aligned_frame({"ust10y": ust, "bund10y": bund})
    assert list(frame.index.strftime("%Y-%m-%d")) == ["2023-09-29", "2023-10-02"]
    assert list(frame["bund10y"]) == [2.7, 2.8]


def test_bund_is_treated_as_monthly_when_only_the_monthly_fallback_answered() -> None:
    # The catalog says bund10y is daily (Bundesbank); observed spacing says monthly.
    bund = series({"2024-01-01": 2.2, "2024-02-01": 2.3, "2024-03-01": 2.4})
    assert observed_frequency(bund) == "monthly"
    assert effective_frequency("bund10y", bund) == "monthly"
    ust = series({"2024-03-04": 4.2, "2024-03-05": 4.1})
    frame = aligned_frame({"ust10y": ust, "bund10y": bund})
    assert list(frame["bund10y"]) == [2.4, 2.4]


def test_explicit_frequency_override_wins_over_spacing() -> None:
    bund = series({"2024-01-01": 2.2, "2024-02-01": 2.3})
    ust = series({"2024-02-02": 4.2})
    frame = aligned_frame({"ust10y": ust, "bund10y": bund}, frequencies={"bund10y": "daily"})
    assert math.isnan(frame.at[pd.Timestamp("2024-02-02"), "bund10y"])


def test_quarterly_detection_and_catalog_frequency() -> None:
    debt = series({"2023-01-01": 97.0, "2023-04-01": 96.0, "2023-07-01": 96.5, "2023-10-01": 97.1})
    assert observed_frequency(debt) == "quarterly"
    # debt_gdp is quarterly in the catalog even when only one point is held.
    assert effective_frequency("debt_gdp", series({"2024-01-01": 97.0})) == "quarterly"
    assert effective_frequency("unknown_id", series({"2024-01-01": 1.0})) == "daily"


def test_weekly_and_annual_catalog_series_are_carried_not_treated_as_daily() -> None:
    # Wednesday levels are 7 days apart, which the spacing alone reads as daily; the
    # catalog's weekly wins, so Thursday and Friday see Wednesday's custody holdings.
    custody = series({"2025-03-19": 2931.0, "2025-03-26": 2920.0})
    assert observed_frequency(custody) == "daily"
    assert effective_frequency("custody_official", custody) == "weekly"
    assert effective_frequency("interest_gdp", series({"2024-01-01": 3.1})) == "annual"
    ust = series({"2025-03-26": 4.3, "2025-03-27": 4.4, "2025-03-28": 4.2})
    frame = aligned_frame({"ust10y": ust, "custody_official": custody})
    assert list(frame["custody_official"]) == [2920.0, 2920.0, 2920.0]


def test_missing_input_becomes_an_all_nan_column() -> None:
    ust = business("2024-01-01", [4.0, 4.1])
    frame = aligned_frame({"ust10y": ust}, ["ust10y", "estr"])
    assert list(frame.columns) == ["ust10y", "estr"]
    assert frame["estr"].isna().all()
    assert aligned_frame({}, ["ust10y"]).empty


def test_nan_observations_are_dropped_not_carried() -> None:
    # FRED writes an empty field for a missing day; a monthly NaN must let the previous
    # value carry (within 45 days) rather than blank the month.
    jpy = series({"2024-01-01": 0.1, "2024-02-01": float("nan")})
    ust = series({"2024-02-05": 4.0})
    frame = aligned_frame({"ust10y": ust, "jpy3m": jpy})
    assert frame.at[pd.Timestamp("2024-02-05"), "jpy3m"] == 0.1
    assert len(clean(jpy)) == 1


def test_series_at_different_datetime_resolutions_align() -> None:
    a = pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2024-01-02", "2024-01-03"]).as_unit("us"))
    b = pd.Series([3.0, 4.0], index=pd.DatetimeIndex(["2024-01-03", "2024-01-04"]).as_unit("ns"))
    frame = aligned_frame({"ust10y": a, "sofr": b})
    assert len(frame) == 3
    assert frame.loc["2024-01-03"].tolist() == [2.0, 3.0]


def test_carry_and_carried_dates_report_the_source_observation() -> None:
    monthly = series({"2024-01-01": 1.0, "2024-03-01": 3.0})
    idx = pd.DatetimeIndex(["2023-12-31", "2024-01-20", "2024-02-20", "2024-03-02"])
    values = carry(monthly, idx)
    assert np.isnan(values.iloc[0]) and values.iloc[1] == 1.0
    assert np.isnan(values.iloc[2])  # 50 days after January: expired
    assert values.iloc[3] == 3.0
    dates = carried_dates(monthly, idx)
    assert pd.isna(dates.iloc[0]) and pd.isna(dates.iloc[2])
    assert dates.iloc[1] == pd.Timestamp("2024-01-01")
    assert dates.iloc[3] == pd.Timestamp("2024-03-01")


@pytest.mark.parametrize("ids", [None, ["sofr"]])
def test_ids_select_columns(ids: list[str] | None) -> None:
    data = {"sofr": business("2024-01-01", [5.3, 5.31]), "ust10y": business("2024-01-01", [4.0, 4.1])}
    frame = aligned_frame(data, ids)
    assert list(frame.columns) == (["sofr", "ust10y"] if ids is None else ["sofr"])
