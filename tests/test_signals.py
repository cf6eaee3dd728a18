"""Tests of the thesis signals on small handmade series whose answers are worked out by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from datafeed.catalog import CATALOG
from datafeed.history import signal_history
from datafeed.signals import (
    DEPENDENCIES,
    SIGNAL_IDS,
    THRESHOLDS,
    Coverage,
    RegimeResult,
    SignalEngine,
    SignalResult,
    compute_signal,
    compute_signals,
    regime,
    regime_to_json,
    resolve_thresholds,
    signals_to_json,
)

BUILT_IN = [
    "convenience_aaa_10y",
    "bund_hedged_pickup_10y",
    "jgb_hedged_pickup_10y",
    "jgb_hedged_pickup_20y",
    "jgb_hedged_pickup_30y",
    "stock_bond_corr_1y",
    "stock_bond_corr_3y",
    "dollar_vix_corr_1y",
    "ust_bund_fx_corr_3m",
    "ig_cushion",
    "hy_cushion",
    "term_premium_trend",
    "debt_gdp",
    "foreign_share",
]


def series(pairs: dict[str, float]) -> pd.Series:
    return pd.Series(list(pairs.values()), index=pd.DatetimeIndex(list(pairs)), dtype="float64")


def business(values: list[float], start: str = "2024-01-01") -> pd.Series:
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype="float64")


def levels_from_pct(returns_pct: list[float], start: float = 100.0) -> list[float]:
    out = [start]
    for r in returns_pct:
        out.append(out[-1] * (1 + r / 100.0))
    return out


def levels_from_changes(changes: list[float], start: float) -> list[float]:
    return list(np.round(start + np.concatenate([[0.0], np.cumsum(changes)]), 10))


def one(signal_id: str, data: dict[str, pd.Series], overrides: dict | None = None) -> SignalResult:
    return compute_signal(signal_id, data, overrides)


# --------------------------------------------------------------------------- correlations


def test_stock_bond_correlation_known_value() -> None:
    # spx returns x = 1, 2, 3, 4 %; bond returns (−Δy) b = 2, 1, 4, 3 (hundredths of a %).
    # Deviations from the mean 2.5: x → −1.5 −.5 .5 1.5, b → −.5 −1.5 1.5 .5;
    # Σxb = .75 + .75 + .75 + .75 = 3, Σx² = Σb² = 5, so the correlation is 3/5 = 0.6.
    spx = business(levels_from_pct([1, 2, 3, 4]))
    ust = business(levels_from_changes([-0.02, -0.01, -0.04, -0.03], 4.0))
    r = one("stock_bond_corr_1y", {"spx": spx, "ust10y": ust}, {"stock_bond_corr_1y": {"window": 4}})
    assert r.value == pytest.approx(0.6, abs=1e-9)
    assert r.verdict == "eroding"  # > +0.2
    assert r.unit == "corr"
    assert r.date == spx.index[-1].date()


def test_stock_bond_correlation_negative_is_intact() -> None:
    spx = business(levels_from_pct([1, -2, 3, -1]))
    ust = business(levels_from_changes([0.01, -0.02, 0.03, -0.01], 4.0))  # −Δy = −returns
    r = one("stock_bond_corr_3y", {"spx": spx, "ust10y": ust}, {"stock_bond_corr_3y": {"window": 4}})
    assert r.value == pytest.approx(-1.0, abs=1e-9)
    assert r.verdict == "intact"


def test_correlation_uses_only_the_last_window_of_paired_days() -> None:
    # An early anti-correlated stretch falls outside a 3-day window; the last three
    # paired changes are perfectly correlated.
    spx = business(levels_from_pct([5, -5, 1, 2, 3]))
    ust = business(levels_from_changes([0.05, -0.05, -0.01, -0.02, -0.03], 4.0))
    r = one("stock_bond_corr_1y", {"spx": spx, "ust10y": ust}, {"stock_bond_corr_1y": {"window": 3}})
    assert r.value == pytest.approx(1.0, abs=1e-9)
    assert r.extra["pairs"] == 3


def test_holiday_gap_pairs_changes_over_the_same_interval() -> None:
    # Bond market shut on 2024-10-14 (Columbus Day), stocks open. Paired dates are
    # 10, 11, 15, 16: the stock change 11→15 spans two sessions, like the bond change.
    spx = series(
        {"2024-10-10": 100.0, "2024-10-11": 101.0, "2024-10-14": 150.0, "2024-10-15": 99.99, "2024-10-16": 102.9897}
    )
    ust = series({"2024-10-10": 4.00, "2024-10-11": 3.99, "2024-10-15": 4.00, "2024-10-16": 3.97})
    # spx % changes: +1, −1 (101 → 99.99), +3 (99.99 → 102.9897); −Δy: +1, −1, +3 bp.
    r = one("stock_bond_corr_1y", {"spx": spx, "ust10y": ust}, {"stock_bond_corr_1y": {"window": 3}})
    assert r.value == pytest.approx(1.0, abs=1e-9)
    assert r.date == dt.date(2024, 10, 16)


def test_too_few_paired_days_is_na_with_reason() -> None:
    spx = business(levels_from_pct([1, 2]))
    ust = business([4.0, 4.1, 4.2])
    r = one("stock_bond_corr_1y", {"spx": spx, "ust10y": ust})
    assert r.verdict == "n/a" and r.value is None and r.date is None
    assert "2 paired days" in (r.reason or "") and "252" in (r.reason or "")


def test_missing_input_is_na_and_names_it() -> None:
    r = one("stock_bond_corr_1y", {"ust10y": business([4.0, 4.1])})
    assert r.verdict == "n/a"
    assert r.reason == "missing input: spx"


def test_correlation_of_a_flat_input_is_na() -> None:
    spx = business([100.0] * 5)
    ust = business([4.0, 4.1, 4.0, 4.2, 4.1])
    r = one("stock_bond_corr_1y", {"spx": spx, "ust10y": ust}, {"stock_bond_corr_1y": {"window": 4}})
    assert r.verdict == "n/a"


def test_dollar_vix_correlation_negative_is_eroding() -> None:
    # Dollar % changes +1, −1, +2, −2 while VIX moves −1, +1, −2, +2: correlation −1.
    usd = business(levels_from_pct([1, -1, 2, -2]))
    vix = business(levels_from_changes([-1, 1, -2, 2], 20.0))
    r = one("dollar_vix_corr_1y", {"usd_broad": usd, "vix": vix}, {"dollar_vix_corr_1y": {"window": 4}})
    assert r.value == pytest.approx(-1.0, abs=1e-9)
    assert r.verdict == "eroding"


def test_dollar_vix_positive_is_intact_and_a_raised_cutoff_makes_it_neutral() -> None:
    # x = 1, 2, 3, 4 and y = 3, 1, 2, 4: deviations −1.5 −.5 .5 1.5 and .5 −1.5 −.5 1.5,
    # Σxy = −.75 + .75 − .25 + 2.25 = 2, Σx² = Σy² = 5 → 0.4.
    usd = business(levels_from_pct([1, 2, 3, 4]))
    vix = business(levels_from_changes([3, 1, 2, 4], 20.0))
    r = one("dollar_vix_corr_1y", {"usd_broad": usd, "vix": vix}, {"dollar_vix_corr_1y": {"window": 4}})
    assert r.value == pytest.approx(0.4, abs=1e-9)
    assert r.verdict == "intact"  # > +0.2
    r = one("dollar_vix_corr_1y", {"usd_broad": usd, "vix": vix}, {"dollar_vix_corr_1y": {"window": 4, "intact": 0.5}})
    assert r.verdict == "neutral"


def test_ust_bund_fx_correlation_with_daily_bund() -> None:
    # Spread changes +1, +2, +3 bp; EUR/USD 1.10 → 1.10/1.01 … so 1/EURUSD rises 1, 2, 3 %.
    ust = business([4.00, 4.02, 4.05, 4.09])
    bund = business([2.00, 2.01, 2.02, 2.03])  # spread 2.00, 2.01, 2.03, 2.06
    eur = business([1.10, 1.10 / 1.01, 1.10 / 1.01 / 1.02, 1.10 / 1.01 / 1.02 / 1.03])
    data = {"ust10y": ust, "bund10y": bund, "eurusd": eur}
    r = one("ust_bund_fx_corr_3m", data, {"ust_bund_fx_corr_3m": {"window": 3}})
    assert r.value == pytest.approx(1.0, abs=1e-9)
    assert r.verdict == "intact"
    # The dollar falling while US yields rise relative to Bunds (April 2025) → −1, eroding.
    eur_up = business([1.10, 1.10 * 1.01, 1.10 * 1.01 * 1.02, 1.10 * 1.01 * 1.02 * 1.03])
    r = one("ust_bund_fx_corr_3m", {**data, "eurusd": eur_up}, {"ust_bund_fx_corr_3m": {"window": 3}})
    assert r.value == pytest.approx(-1.0, abs=1e-3)
    assert r.verdict == "eroding"


def test_ust_bund_fx_correlation_needs_daily_bund() -> None:
    ust = business([4.0 + 0.01 * i for i in range(100)])
    eur = business([1.1] * 100)
    bund = series({"2024-01-01": 2.0, "2024-02-01": 2.1, "2024-03-01": 2.2, "2024-04-01": 2.3, "2024-05-01": 2.4})
    r = one("ust_bund_fx_corr_3m", {"ust10y": ust, "bund10y": bund, "eurusd": eur})
    assert r.verdict == "n/a"
    assert "monthly" in (r.reason or "") and "daily Bund" in (r.reason or "")
    # An explicit flag (a store that knows the source) overrides the spacing guess.
    r = compute_signal(
        "ust_bund_fx_corr_3m", {"ust10y": ust, "bund10y": bund, "eurusd": eur}, frequencies={"bund10y": "daily"}
    )
    assert "monthly" not in (r.reason or "")


# --------------------------------------------------------------------------- hedged pickups


def pickup_inputs(**overrides: float) -> dict[str, pd.Series]:
    base = {"bund10y": 2.5, "sofr": 4.3, "estr": 1.9, "ust10y": 4.1, "jgb30y": 3.4, "tona": 0.5, "ust30y": 4.8}
    base.update(overrides)
    return {k: business([v, v]) for k, v in base.items()}


def test_bund_hedged_pickup_formula_in_bp() -> None:
    # 100·[(2.5 + 4.3 − 1.9) − 4.1] = 80 bp: a hedged Bund out-yields the Treasury.
    r = one("bund_hedged_pickup_10y", pickup_inputs())
    assert r.value == pytest.approx(80.0, abs=1e-9)
    assert r.unit == "bp" and r.verdict == "eroding"
    assert r.extra["hedge_leg"] == "estr"
    assert "not the Du–Im–Schreger" in r.explanation and "overnight-rate-hedged" in r.explanation


@pytest.mark.parametrize(
    ("ust", "pickup", "verdict"),
    [
        (4.1, 80.0, "eroding"),
        (4.8, 10.0, "eroding"),
        (4.9, 0.0, "neutral"),
        (5.0, -10.0, "neutral"),
        (5.2, -30.0, "intact"),
    ],
)
def test_pickup_verdicts(ust: float, pickup: float, verdict: str) -> None:
    # Eroding above 0 bp, intact below −25 bp; exactly 0 is neutral.
    r = one("bund_hedged_pickup_10y", pickup_inputs(ust10y=ust))
    assert r.value == pytest.approx(pickup, abs=1e-9)
    assert r.verdict == verdict


def test_jgb_hedged_pickup_30y_matches_the_seed_order_of_magnitude() -> None:
    # 100·[(3.4 + 4.3 − 0.5) − 4.8] = 240 bp.
    r = one("jgb_hedged_pickup_30y", pickup_inputs())
    assert r.value == pytest.approx(240.0, abs=1e-9)
    assert r.reason is None


def test_jgb_pickup_falls_back_to_jpy3m_only_when_tona_is_missing_and_says_so() -> None:
    data = pickup_inputs()
    del data["tona"]
    data["jpy3m"] = series({"2024-01-01": 0.3})  # monthly, carried to the 2nd (1 day)
    r = one("jgb_hedged_pickup_30y", data)
    assert r.value == pytest.approx(100 * ((3.4 + 4.3 - 0.3) - 4.8), abs=1e-9)  # 260 bp
    assert r.extra["hedge_leg"] == "jpy3m"
    assert "jpy3m used: tona missing" in (r.reason or "")
    # With tona present, jpy3m is ignored.
    data["tona"] = business([0.5, 0.5])
    assert one("jgb_hedged_pickup_30y", data).extra["hedge_leg"] == "tona"


def test_pickup_is_na_without_any_hedge_leg() -> None:
    data = pickup_inputs()
    del data["estr"]
    r = one("bund_hedged_pickup_10y", data)
    assert r.verdict == "n/a" and r.reason == "missing input: estr"
    del data["tona"]
    r = one("jgb_hedged_pickup_10y", data)
    assert r.reason == "missing input: jgb10y, tona or jpy3m"


def test_pickup_with_monthly_bund_carried_then_expired() -> None:
    # Monthly Bund of 2024-01-01; daily legs run to 2024-03-29. The last row within 45
    # days of the Bund value is 2024-02-15, so the pickup is dated then, with a note.
    days = pd.bdate_range("2024-01-01", "2024-03-29")

    def const(v: float) -> pd.Series:
        return pd.Series(v, index=days, dtype="float64")

    data = {
        "bund10y": series({"2023-12-01": 2.0, "2024-01-01": 2.5}),
        "sofr": const(4.3),
        "estr": const(1.9),
        "ust10y": const(4.1),
    }
    r = one("bund_hedged_pickup_10y", data)
    assert r.value == pytest.approx(80.0)
    assert r.date == dt.date(2024, 2, 15)
    assert "bund10y: monthly value of 2024-01-01 carried forward" in (r.reason or "")


# --------------------------------------------------------------------------- cushions and convenience


def test_ig_cushion_uses_the_configured_reference_until_ten_years_are_held() -> None:
    # ~3 years of IG OAS (FRED's window): baseline = 119 bp; 0.82 % → 82 − 119 = −37 bp.
    oas = business([1.0] * 700 + [0.82], start="2023-01-02")
    r = one("ig_cushion", {"ig_oas": oas})
    assert r.value == pytest.approx(-37.0)
    assert r.verdict == "eroding"
    assert r.extra["baseline"] == 119.0 and r.extra["baseline_kind"] == "configured reference"
    assert r.extra["held_years"] == pytest.approx((oas.index[-1] - oas.index[0]).days / 365.25, abs=0.01)
    assert "119" in (r.reason or "")
    # A configured reference of 80 bp leaves a +2 bp cushion: neutral.
    r = one("ig_cushion", {"ig_oas": oas}, {"ig_cushion": {"reference": 80}})
    assert r.value == pytest.approx(2.0) and r.verdict == "neutral"


def test_hy_cushion_uses_the_mean_of_what_is_held_until_ten_years() -> None:
    oas = business([4.0, 5.0, 3.0])  # mean 4.0 %, last 3.0 % → −100 bp
    r = one("hy_cushion", {"hy_oas": oas})
    assert r.value == pytest.approx(-100.0)
    assert r.extra["baseline"] == 400.0 and r.extra["baseline_kind"] == "mean of what is held"
    assert r.extra["baseline_start"] == oas.index[0].date().isoformat()


def test_cushion_uses_the_trailing_ten_year_mean_once_held() -> None:
    # Twelve years of month-start observations: 5 % up to 2016-01-01, 1.2 % after. The
    # trailing window is (last − 3652 days, last] = from 2016-02-01 on, so the old 5 %
    # values must drop out and the baseline is exactly 1.2 %: cushion 0 bp, neutral.
    idx = pd.date_range("2014-01-01", "2026-01-01", freq="MS")
    oas = pd.Series(np.where(idx < pd.Timestamp("2016-01-02"), 5.0, 1.2), index=idx, dtype="float64")
    r = one("ig_cushion", {"ig_oas": oas})
    assert r.extra["baseline_kind"] == "trailing 10y mean"
    assert r.extra["baseline"] == pytest.approx(120.0)
    assert r.extra["baseline_start"] == "2016-02-01"
    assert r.value == pytest.approx(0.0, abs=1e-9)
    assert r.verdict == "neutral"
    # The window holds 120 months; a last value of 1.6 % lifts the mean to 1.2 + 0.4/120:
    # cushion = 160 − (120 + 40/120) = 39.67 bp → intact (> +25).
    bumped = oas.copy()
    bumped.iloc[-1] = 1.6
    r = one("ig_cushion", {"ig_oas": bumped})
    assert r.value == pytest.approx(40.0 - 40.0 / 120.0)
    assert r.verdict == "intact"


def test_convenience_below_its_median_is_eroding() -> None:
    aaa = business([1.0] * 299 + [0.7])  # median 1.0 % → value 70 bp, 30 bp below
    r = one("convenience_aaa_10y", {"aaa10y": aaa})
    assert r.value == pytest.approx(70.0)
    assert r.extra["baseline"] == pytest.approx(100.0)
    assert r.verdict == "eroding"
    assert "less than 10 years held" in (r.reason or "")
    r = one("convenience_aaa_10y", {"aaa10y": business([1.0] * 299 + [1.3])})
    assert r.verdict == "intact"
    r = one("convenience_aaa_10y", {"aaa10y": business([1.0] * 300)})
    assert r.verdict == "neutral"


def test_convenience_needs_enough_history_for_a_median() -> None:
    r = one("convenience_aaa_10y", {"aaa10y": business([1.0] * 10)})
    assert r.verdict == "n/a" and "needs 252" in (r.reason or "")


# --------------------------------------------------------------------------- term premium and fiscal


def test_term_premium_trend_is_the_change_over_lag_observations() -> None:
    tp = business([0.1, 0.2, 0.5])
    r = one("term_premium_trend", {"term_premium_10y": tp}, {"term_premium_trend": {"lag": 2}})
    assert r.value == pytest.approx(40.0)  # 100·(0.5 − 0.1)
    assert r.verdict == "eroding"
    r = one("term_premium_trend", {"term_premium_10y": business([0.5, 0.4, 0.2])}, {"term_premium_trend": {"lag": 2}})
    assert r.value == pytest.approx(-30.0) and r.verdict == "intact"
    r = one("term_premium_trend", {"term_premium_10y": tp})
    assert r.verdict == "n/a" and "253" in (r.reason or "")


@pytest.mark.parametrize(
    ("level", "verdict"),
    [(100.0, "eroding"), (120.5, "eroding"), (99.9, "neutral"), (70.0, "neutral"), (69.9, "intact")],
)
def test_debt_gdp_verdicts(level: float, verdict: str) -> None:
    debt = series({"2023-10-01": 95.0, "2024-01-01": level})
    r = one("debt_gdp", {"debt_gdp": debt})
    assert r.value == level and r.verdict == verdict
    assert r.date == dt.date(2024, 1, 1)  # the quarter's date, however old


def foreign(holdings_bn: dict[str, float], debt_mn: dict[str, float]) -> dict[str, pd.Series]:
    return {"foreign_holdings": series(holdings_bn), "debt_public": series(debt_mn)}


def test_foreign_share_units_and_five_year_change() -> None:
    # 2019: 6,000 bn / 20,000,000 mn = 30 %; 2024: 7,000 bn / 28,000,000 mn = 25 %.
    data = foreign(
        {"2019-01-01": 6000.0, "2024-01-01": 7000.0},
        {"2019-01-01": 20_000_000.0, "2024-01-01": 28_000_000.0},
    )
    r = one("foreign_share", data)
    assert r.value == pytest.approx(25.0)
    assert r.extra["change_pp"] == pytest.approx(-5.0)
    assert r.verdict == "eroding"  # fell more than 2 pp


@pytest.mark.parametrize(
    ("now_bn", "share", "verdict"),
    [(7000.0, 25.0, "eroding"), (7840.0, 28.0, "neutral"), (8400.0, 30.0, "neutral"), (8680.0, 31.0, "intact")],
)
def test_foreign_share_verdicts(now_bn: float, share: float, verdict: str) -> None:
    # Five years earlier 30 %. Now on 28,000,000 mn: a fall of exactly 2 pp (28 %) is not
    # "more than 2 pp"; unchanged (30 %) did not rise; 31 % rose.
    data = foreign(
        {"2019-01-01": 6000.0, "2024-01-01": now_bn}, {"2019-01-01": 20_000_000.0, "2024-01-01": 28_000_000.0}
    )
    r = one("foreign_share", data)
    assert r.value == pytest.approx(share)
    assert r.verdict == verdict


def test_foreign_share_flags_a_unit_mixup() -> None:
    data = foreign({"2024-01-01": 7_000_000.0}, {"2024-01-01": 28_000.0})  # both swapped
    r = one("foreign_share", data)
    assert r.verdict == "n/a" and "units" in (r.reason or "")


def test_foreign_share_without_five_years_of_history_has_no_verdict() -> None:
    data = foreign({"2023-01-01": 7000.0, "2024-01-01": 7000.0}, {"2023-01-01": 2.8e7, "2024-01-01": 2.8e7})
    r = one("foreign_share", data)
    assert r.value == pytest.approx(25.0) and r.verdict == "n/a"


# --------------------------------------------------------------------------- thresholds, regime


def test_threshold_overrides_are_validated() -> None:
    assert resolve_thresholds()["stock_bond_corr_1y"]["eroding"] == 0.2
    assert resolve_thresholds({"debt_gdp": {"eroding": 90}})["debt_gdp"]["eroding"] == 90.0
    with pytest.raises(ValueError, match="unknown signal"):
        resolve_thresholds({"nope": {"eroding": 1}})
    with pytest.raises(ValueError, match="unknown key"):
        resolve_thresholds({"debt_gdp": {"erod": 1}})
    with pytest.raises(ValueError, match="expected a number"):
        resolve_thresholds({"debt_gdp": {"eroding": "high"}})
    with pytest.raises(ValueError, match="must be ≥ intact"):
        resolve_thresholds({"debt_gdp": {"eroding": 50}})
    with pytest.raises(ValueError, match="must be positive"):
        resolve_thresholds({"stock_bond_corr_1y": {"window": 0}})
    assert THRESHOLDS["debt_gdp"]["eroding"] == 100.0  # the table itself is untouched


def result(verdict: str, sid: str = "x", group: str = "price", **kw: object) -> SignalResult:
    return SignalResult(sid, sid, None, "bp", verdict, None, None, "", group=group, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        (["eroding"] * 6 + ["intact"] * 4, ("ERODING", 6, 10, 0)),
        (["eroding"] * 3 + ["neutral"] * 7, ("INTACT", 3, 10, 0)),
        (["eroding"] * 4 + ["neutral"] * 6 + ["n/a"] * 4, ("MIXED", 4, 10, 4)),
        (["eroding"] * 7 + ["neutral"] * 3 + ["n/a"] * 4, ("ERODING", 7, 10, 4)),
        (["n/a"] * 3, ("n/a", 0, 0, 3)),
    ],
)
def test_regime(verdicts: list[str], expected: tuple[str, int, int, int]) -> None:
    r = regime([result(v) for v in verdicts])
    assert (r.verdict, r.eroding, r.available, r.na) == expected
    doc = regime_to_json(r)
    assert {k: doc[k] for k in ("verdict", "eroding", "available", "na")} == dict(
        zip(("verdict", "eroding", "available", "na"), expected, strict=True)
    )
    assert doc["late"] == 0 and doc["stale"] == [] and doc["as_of"] is None


def test_regime_leaves_stale_signals_out_and_counts_late_and_groups() -> None:
    day = dt.date(2026, 7, 28)
    items = [
        result("eroding", "a", as_of=day),
        result("eroding", "b", as_of=day, late=True),
        result("neutral", "c", as_of=dt.date(2026, 7, 1), stale=True, late=True),
        result("eroding", "d", "supply", as_of=dt.date(2026, 4, 1)),
        result("n/a", "e", "demand", late=True),
        result("intact", "f", "demand", as_of=dt.date(2026, 3, 31)),
    ]
    r = regime(items)
    # Counted: a, b, d (eroding) and f (intact): 3/4 = 75 % -> ERODING; c is stale, e n/a.
    # Late: b and c; e reads a late input too but has no value, so it counts under n/a only.
    assert (r.verdict, r.eroding, r.available, r.na, r.late, r.stale) == ("ERODING", 3, 4, 1, 2, ("c",))
    assert r.as_of == day
    assert r.coverage == "3/4 · 1 n/a · 2 late · 1 stale"
    assert r.groups["price"] == Coverage(eroding=2, available=2, na=0, late=2, stale=("c",))
    assert r.groups["supply"] == Coverage(eroding=1, available=1)
    assert r.groups["demand"] == Coverage(eroding=0, available=1, na=1)
    doc = regime_to_json(r)
    assert doc["groups"]["demand"] == {"eroding": 0, "available": 1, "na": 1, "late": 0, "stale": []}
    assert doc["stale"] == ["c"] and doc["as_of"] == "2026-07-28"
    # A stale eroding signal does not move the verdict; counted, it would (1/2 = MIXED).
    only_stale_eroding = [result("eroding", "s", as_of=day, stale=True), result("neutral", "n", as_of=day)]
    assert regime(only_stale_eroding).verdict == "INTACT"
    counted = [dataclasses.replace(only_stale_eroding[0], stale=False), only_stale_eroding[1]]
    assert regime(counted).verdict == "MIXED"


def test_regime_count_text() -> None:
    assert RegimeResult("ERODING", 7, 10).count == "7/10"


# --------------------------------------------------------------------------- engine, history, JSON


def synthetic(days: int = 1200, seed: int = 3) -> dict[str, pd.Series]:
    """Every input of every signal, small but long enough for the default windows."""
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2020-01-01", periods=days)

    def walk(level: float, vol: float) -> pd.Series:
        return pd.Series(level + np.cumsum(rng.normal(0, vol, days)), index=idx)

    def price(level: float, vol: float) -> pd.Series:
        return pd.Series(level * np.exp(np.cumsum(rng.normal(0, vol, days))), index=idx)

    quarters = pd.date_range("2010-01-01", idx[-1], freq="QS")
    data = {i: walk(3.0, 0.03) for i in ("ust10y", "ust20y", "ust30y", "bund10y", "jgb10y", "jgb20y", "jgb30y")}
    data.update({i: walk(2.0, 0.01) for i in ("sofr", "estr", "tona")})
    data.update({"spx": price(3000, 0.01), "usd_broad": price(110, 0.004), "vix": walk(20, 1).abs() + 9})
    data.update({"eurusd": price(1.1, 0.005), "ig_oas": walk(1.2, 0.01).abs() + 0.5, "hy_oas": walk(4, 0.05).abs() + 2})
    data.update({"aaa10y": walk(0.8, 0.02), "term_premium_10y": walk(0.2, 0.02)})
    data["jpy3m"] = data["tona"].resample("MS").first()
    data["debt_gdp"] = pd.Series(np.linspace(60, 100, len(quarters)), index=quarters)
    data["foreign_holdings"] = pd.Series(np.linspace(3000, 8000, len(quarters)), index=quarters)
    data["debt_public"] = pd.Series(np.linspace(8e6, 28e6, len(quarters)), index=quarters)
    years = pd.date_range("2000-01-01", idx[-1], freq="YS")
    data["interest_gdp"] = pd.Series(np.linspace(1.5, 3.2, len(years)), index=years)
    # Any other registered signal's inputs: prices where changes are quoted in %, else levels.
    for inst_id in sorted({i for deps in DEPENDENCIES.values() for i in deps} - set(data)):
        inst = CATALOG.get(inst_id)
        data[inst_id] = price(100, 0.005) if inst is not None and inst.change == "%" else walk(2.0, 0.02)
    return data


def test_every_signal_computes_on_complete_inputs() -> None:
    results = compute_signals(synthetic())
    assert list(results) == list(SIGNAL_IDS)
    assert [s for s in SIGNAL_IDS if s in BUILT_IN] == BUILT_IN  # every built-in, in display order
    for sid, r in results.items():
        assert r.verdict != "n/a", (sid, r.reason)
        assert isinstance(r.date, dt.date)
        assert r.explanation


def test_history_ends_at_the_latest_value_for_every_signal() -> None:
    data = synthetic()
    results = compute_signals(data)
    for sid in SIGNAL_IDS:
        hist = signal_history(data, sid)
        assert hist.name == sid and len(hist) > 1
        assert hist.iloc[-1] == pytest.approx(results[sid].value, rel=1e-9, abs=1e-9), sid
        assert hist.index[-1].date() == results[sid].date, sid


def test_history_of_a_rolling_correlation_matches_numpy() -> None:
    data = synthetic()
    hist = signal_history(data, "stock_bond_corr_1y")
    spx, ust = data["spx"], data["ust10y"]
    x, y = spx.pct_change().to_numpy()[1:], -ust.diff().to_numpy()[1:]
    # The window ending at change 300 (index 300 of the changes → date index 301).
    expected = np.corrcoef(x[300 - 251 : 301], y[300 - 251 : 301])[0, 1]
    assert hist[spx.index[301]] == pytest.approx(expected, abs=1e-10)
    assert hist.index[0] == spx.index[252]  # first full window


def test_history_is_empty_when_an_input_is_missing() -> None:
    assert signal_history({}, "ig_cushion").empty
    with pytest.raises(KeyError):
        signal_history({}, "nope")


def test_engine_recomputes_only_dependent_signals() -> None:
    data = synthetic()
    engine = SignalEngine()
    engine.recompute(data)
    assert engine.recomputed == frozenset(SIGNAL_IDS)
    before = engine.results["dollar_vix_corr_1y"]

    data["vix"] = data["vix"] * 1.0 + np.linspace(0, 5, len(data["vix"]))
    updated = engine.update(data, {"vix"})
    assert set(updated) == {s for s, deps in DEPENDENCIES.items() if "vix" in deps} == set(engine.recomputed)
    assert "dollar_vix_corr_1y" in updated and "stock_bond_corr_1y" not in updated
    assert engine.results["dollar_vix_corr_1y"].value != before.value

    updated = engine.update(data, {"ust10y"})
    assert set(updated) == {s for s, deps in DEPENDENCIES.items() if "ust10y" in deps}
    assert set(updated) >= {
        "stock_bond_corr_1y",
        "bund_hedged_pickup_10y",
        "jgb_hedged_pickup_10y",
        "ust_bund_fx_corr_3m",
    }
    assert engine.update(data, {"gold"}) == {}
    assert list(engine.results) == list(SIGNAL_IDS)
    assert engine.regime.available == len(SIGNAL_IDS)


def test_engine_update_before_recompute_computes_everything() -> None:
    engine = SignalEngine()
    assert set(engine.update({}, {"vix"})) == set(SIGNAL_IDS)
    r = engine.regime
    assert (r.verdict, r.eroding, r.available, r.na, r.as_of) == ("n/a", 0, 0, len(SIGNAL_IDS), None)


def test_json_shapes() -> None:
    results = compute_signals(synthetic())
    results["debt_gdp"] = compute_signal("debt_gdp", {})
    out = signals_to_json(results)
    json.dumps(out)  # plain JSON types only
    sb = out["stock_bond_corr_1y"]
    assert set(sb) >= {"value", "unit", "verdict", "date", "reason", "explanation"}
    assert sb["unit"] == "corr" and isinstance(sb["date"], str)
    assert sb["value"] == round(results["stock_bond_corr_1y"].value, 4)
    assert out["debt_gdp"]["value"] is None and out["debt_gdp"]["verdict"] == "n/a" and out["debt_gdp"]["date"] is None
    assert out["ig_cushion"]["baseline"] == results["ig_cushion"].extra["baseline"]
    assert dt.date.fromisoformat(out["ig_cushion"]["date"])
    assert not any(isinstance(v, float) and math.isnan(v) for r in out.values() for v in r.values())
