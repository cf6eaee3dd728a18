"""Exhibits on the real published FRED files and the seed note (skipped when they are absent).

The files live in the workplace's shared folder, never in the repository. Each check
recomputes its number from the raw file independently of the exhibit code.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from datafeed import catalog
from datafeed.exhibits import EXHIBITS, assemble
from tests.conftest import SHARED

BASE = Path(os.environ.get("TRIFFIN_TEST_SHARED") or SHARED)
RAW = BASE / "data" / "raw"
SEED = sorted((BASE / "seed").glob("*.txt")) if (BASE / "seed").is_dir() else []


def read_fred_csv(path: Path) -> pd.Series:
    frame = pd.read_csv(path, index_col=0, parse_dates=True)
    return frame.iloc[:, 0].dropna().astype("float64")


@pytest.fixture(scope="module")
def real() -> dict[str, pd.Series]:
    if not RAW.is_dir():
        pytest.skip(f"real data folder {RAW} not present")
    by_code = {ref.series: inst.id for inst in catalog.INSTRUMENTS for ref in inst.sources if ref.source == "fred"}
    return {by_code[p.stem]: read_fred_csv(p) for p in sorted(RAW.glob("*.csv")) if p.stem in by_code}


def need(real: dict[str, pd.Series], *ids: str) -> None:
    lacking = [i for i in ids if i not in real]
    if lacking:
        pytest.skip(f"no real file for {', '.join(lacking)}")


def test_credit_shows_the_seeds_82_and_119_bp_on_2026_02_26(real: dict[str, pd.Series]) -> None:
    need(real, "ig_oas")
    ig = real["ig_oas"]
    if not (ig.index[0] <= pd.Timestamp("2016-02-26") and ig.index[-1] >= pd.Timestamp("2026-02-26")):
        pytest.skip("the IG file does not cover 2016-02-26 .. 2026-02-26")
    result = assemble("credit", real)
    chart_ig = dict(zip(result.get("ig_oas").dates, result.get("ig_oas").values, strict=True))
    chart_mean = dict(zip(result.get("ig_mean").dates, result.get("ig_mean").values, strict=True))
    day = dt.date(2026, 2, 26)
    assert chart_ig[day] == pytest.approx(100.0 * ig.loc["2026-02-26"])
    assert chart_ig[day] == pytest.approx(82.0)
    window = ig[(ig.index > pd.Timestamp("2026-02-26") - pd.Timedelta(days=3652)) & (ig.index <= "2026-02-26")]
    assert chart_mean[day] == pytest.approx(100.0 * window.mean())
    assert round(chart_mean[day]) == 119
    assert "on 2026-02-26 82 vs 119 bp (seed: 82 vs 119)" in result.reading.text
    assert [m.date for m in result.markers] == [day]
    assert result.reading.verdict == (
        "consistent" if ig.iloc[-1] * 100 < chart_mean[max(chart_mean)] else "not consistent"
    )


def test_gfc_dollar_and_convenience_rose(real: dict[str, pd.Series]) -> None:
    need(real, "usd_broad", "aaa10y")
    usd, aaa = real["usd_broad"], real["aaa10y"]
    usd_pct = 100.0 * (usd[:"2008-12-31"].iloc[-1] / usd[:"2008-09-12"].iloc[-1] - 1.0)
    aaa_bp = 100.0 * (aaa[:"2008-12-31"].iloc[-1] - aaa[:"2008-09-12"].iloc[-1])
    result = assemble("gfc", real)
    assert result.reading.value == pytest.approx(usd_pct)
    assert f"broad dollar +{usd_pct:.1f} %, Aaa−10Y +{aaa_bp:.0f} bp" in result.reading.text
    assert result.reading.verdict == "consistent"


def test_tariff_shock_yields_up_against_bunds_while_the_dollar_fell(real: dict[str, pd.Series]) -> None:
    need(real, "ust10y", "bund10y", "eurusd")
    result = assemble("tariff", real)
    if result.notes:  # only the monthly OECD Bund is held: monthly averages, March → April 2025
        ust, bund, fx = real["ust10y"], real["bund10y"], real["eurusd"]
        march, april = ("2025-03-01", "2025-03-31"), ("2025-04-01", "2025-04-30")
        spread = lambda m: ust[m[0] : m[1]].mean() - bund[m[0] : m[1]].mean()  # noqa: E731
        spread_bp = 100.0 * (spread(april) - spread(march))
        dollar = 100.0 * (fx[march[0] : march[1]].mean() / fx[april[0] : april[1]].mean() - 1.0)
        assert result.reading.value == pytest.approx(spread_bp)
        assert f"dollar {dollar:+.1f} % vs euro".replace("-", "−") in result.reading.text
    assert result.reading.verdict == "consistent"


def test_debt_reading_is_the_latest_published_ratio(real: dict[str, pd.Series]) -> None:
    need(real, "debt_gdp")
    result = assemble("debt", real)
    assert result.reading.value == real["debt_gdp"].iloc[-1]
    assert result.reading.as_of == real["debt_gdp"].index[-1].date()


def test_stock_bond_daily_correlation_matches_an_independent_computation(real: dict[str, pd.Series]) -> None:
    need(real, "spx", "ust10y")
    both = pd.concat([real["spx"], real["ust10y"]], axis=1, join="inner")
    changes = pd.DataFrame({"eq": both.iloc[:, 0].pct_change(), "bd": -both.iloc[:, 1].diff()}).dropna().iloc[-252:]
    result = assemble("stock_bond", real)
    assert result.reading.value == pytest.approx(changes["eq"].corr(changes["bd"]), abs=1e-9)
    assert result.reading.as_of == changes.index[-1].date()


@pytest.mark.skipif(not SEED, reason="the seed note is not present")
@pytest.mark.parametrize("spec", EXHIBITS, ids=lambda s: s.id)
def test_each_claim_is_quoted_from_the_seed(spec) -> None:  # noqa: ANN001
    text = re.sub(r"\*\*", "", SEED[0].read_text(encoding="utf-8"))
    assert spec.claim in text
    heading = spec.section.split(": ")[-1]
    assert heading in text
