"""Signals and crisis rows on real published FRED data (skipped when the files are absent).

The files live outside the repository (``../shared/data/raw`` next to the checkout) and
are never copied into it. They hold no daily Bund yields, only the OECD monthly average
(IRLTLT01DEM156N), so the short episodes score ``ust_bund_10y`` as n/a by design (see
:mod:`datafeed.crises`); GFC, 110 days long, is scored on the monthly averages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from datafeed import catalog
from datafeed.crises import Episode, score_all, score_episode
from datafeed.signals import compute_signals
from tests.conftest import SHARED

RAW = SHARED / "data" / "raw"

pytestmark = pytest.mark.skipif(not RAW.is_dir(), reason=f"real data folder {RAW} not present")


def read_fred_csv(path: Path) -> pd.Series:
    """One FRED CSV (``observation_date,ID`` or ``DATE,ID``; empty field = missing)."""
    frame = pd.read_csv(path, index_col=0, parse_dates=True)
    return frame.iloc[:, 0].dropna().astype("float64")


@pytest.fixture(scope="module")
def real() -> dict[str, pd.Series]:
    by_code = {ref.series: inst.id for inst in catalog.INSTRUMENTS for ref in inst.sources if ref.source == "fred"}
    return {by_code[p.stem]: read_fred_csv(p) for p in sorted(RAW.glob("*.csv")) if p.stem in by_code}


@pytest.fixture(scope="module")
def scored(real: dict[str, pd.Series]) -> dict[str, object]:
    return {s.episode.id: s for s in score_all(real, live=False)}


def test_covid_and_tariff_shock_are_broken_and_gfc_is_a_haven(scored: dict) -> None:
    assert scored["covid-2020"].verdict == "broken"
    assert scored["tariff-2025"].verdict == "broken"
    assert scored["gfc-2008"].verdict == "haven"


def test_covid_ust10y_change_equals_the_published_data(real: dict[str, pd.Series], scored: dict) -> None:
    dgs10 = real["ust10y"]
    v0 = dgs10[:"2020-03-09"].iloc[-1]
    v1 = dgs10[:"2020-03-18"].iloc[-1]
    assert v0 == 0.54  # SOURCES.md spot check
    check = scored["covid-2020"].checks["ust10y"]
    assert check.change == pytest.approx(100 * (v1 - v0), abs=0.5)
    assert check.change == pytest.approx(64.0, abs=0.5)
    assert check.result == "fail"


def test_tariff_shock_rows_match_the_published_data(real: dict[str, pd.Series], scored: dict) -> None:
    row = scored["tariff-2025"]
    ust = real["ust10y"]
    assert ust[:"2025-04-11"].iloc[-1] == 4.48  # SOURCES.md spot check
    assert row.checks["ust10y"].change == pytest.approx(100 * (4.48 - ust[:"2025-04-02"].iloc[-1]), abs=0.5)
    usd = real["usd_broad"]
    expected = 100 * (usd[:"2025-04-11"].iloc[-1] / usd[:"2025-04-02"].iloc[-1] - 1)
    assert row.checks["usd"].change == pytest.approx(expected, abs=1e-9)
    assert row.checks["usd"].result == "fail"  # the dollar fell: the thesis' April 2025
    assert row.checks["vix"].result == "pass"


def test_gfc_scores_the_spread_on_monthly_bund_averages(scored: dict) -> None:
    checks = scored["gfc-2008"].checks
    assert checks["ust10y"].result == "pass" and checks["usd"].result == "pass"
    assert checks["ust_bund_10y"].result == "pass"
    assert "monthly" in (checks["ust_bund_10y"].note or "")
    assert checks["spx"].result == "n/a"  # the SP500 file starts in 2015


def test_short_episode_on_monthly_bund_is_na_not_an_echo_of_ust10y(scored: dict) -> None:
    check = scored["covid-2020"].checks["ust_bund_10y"]
    assert check.result == "n/a" and "monthly" in (check.note or "")


def test_a_pre_2006_user_episode_falls_back_to_eurusd(real: dict[str, pd.Series]) -> None:
    nine_eleven = Episode("sep-2001", "9/11", dt.date(2001, 9, 10), dt.date(2001, 9, 21), builtin=False)
    check = score_episode(real, nine_eleven).checks["usd"]
    eur = real["eurusd"]
    assert check.series == "eurusd"
    assert check.change == pytest.approx(-100 * (eur[:"2001-09-21"].iloc[-1] / eur[:"2001-09-10"].iloc[-1] - 1))


def test_stock_bond_correlation_matches_an_independent_numpy_computation(real: dict[str, pd.Series]) -> None:
    spx, ust = real["spx"], real["ust10y"]
    common = spx.index.intersection(ust.index)  # paired days: both markets observed
    s = spx.loc[common].to_numpy()
    y = ust.loc[common].to_numpy()
    returns = s[1:] / s[:-1] - 1.0
    bond = -(y[1:] - y[:-1])
    expected_1y = np.corrcoef(returns[-252:], bond[-252:])[0, 1]
    expected_3y = np.corrcoef(returns[-756:], bond[-756:])[0, 1]
    results = compute_signals(real)
    assert results["stock_bond_corr_1y"].value == pytest.approx(expected_1y, abs=1e-9)
    assert results["stock_bond_corr_3y"].value == pytest.approx(expected_3y, abs=1e-9)
    assert results["stock_bond_corr_1y"].date == common[-1].date()


def test_every_signal_reports_on_real_data(real: dict[str, pd.Series]) -> None:
    from datafeed.signals import SIGNAL_IDS

    results = compute_signals(real)
    assert list(results) == list(SIGNAL_IDS)  # 14 price-side signals and the 7 of the demand side
    # A signal reads n/a (with a reason) exactly when one of its required inputs is not in
    # the files; otherwise it is a number. Which files exist is not asserted: the folder
    # grows (THREEFYTP10 arrived in 2026-12).
    from datafeed.signals import SPECS

    optional = {"tona", "jpy3m"}  # the JGB pickups take either leg
    for sid, result in results.items():
        required = set(SPECS[sid].inputs) - optional
        if required - set(real):
            assert result.verdict == "n/a" and result.reason, sid
    if "term_premium_10y" in real:
        tp = real["term_premium_10y"]
        trend = results["term_premium_trend"]
        assert trend.value == pytest.approx(100 * (tp.iloc[-1] - tp.iloc[-253]), abs=1e-6)
        assert trend.date == tp.index[-1].date()
    assert "monthly" in (results["ust_bund_fx_corr_3m"].reason or "")
    ig = results["ig_cushion"]
    assert ig.extra["baseline_kind"] == "trailing 10y mean"  # this vintage holds 26 years
    assert ig.value == pytest.approx(ig.extra["oas"] - ig.extra["baseline"], abs=0.01)
    assert results["debt_gdp"].value == pytest.approx(96.44626)
