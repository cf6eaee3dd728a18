"""The demand and supply signals (issue 16) on hand-checkable numbers: auction demand against
each line's trailing average, custody 13-week change, TIC 12-month change, interest burden;
their verdicts on both sides of the cut-offs, config overrides, n/a reasons and freshness."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from datafeed.history import signal_history
from datafeed.signals import SIGNALS, compute_signal, compute_signals, regime

NEW = (
    "auction_indirect_share",
    "auction_dealer_share",
    "auction_bid_to_cover",
    "auction_tail",
    "foreign_official_custody_13w",
    "foreign_holders_12m",
    "interest_burden",
)


def line(dates: list[str], values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.DatetimeIndex(dates), dtype="float64")


def long_lines(last_10y: float = 58.0) -> dict[str, pd.Series]:
    """10Y: 60, 62, 64 then ``last_10y`` (trailing mean 62); 30Y: 70, 70, 70 then 72 (+2)."""
    return {
        "auction_indirect_10y": line(["2025-02-11", "2025-03-12", "2025-04-09", "2025-05-07"], [60, 62, 64, last_10y]),
        "auction_indirect_30y": line(["2025-02-13", "2025-03-13", "2025-04-10", "2025-05-08"], [70, 70, 70, 72]),
    }


def test_every_new_signal_is_registered_in_its_group() -> None:
    groups = {sid: SIGNALS[sid].group for sid in NEW}
    assert groups == {**dict.fromkeys(NEW[:-1], "demand"), "interest_burden": "supply"}


def test_indirect_share_is_the_mean_of_each_lines_deviation_from_its_trailing_mean() -> None:
    r = compute_signal("auction_indirect_share", long_lines())
    assert r.value == pytest.approx(((58 - 62) + (72 - 70)) / 2)  # -1 pp
    assert (r.verdict, r.unit, r.date) == ("neutral", "pp", dt.date(2025, 5, 8))
    lines = r.extra["lines"]
    assert lines["10y"] == {
        "date": "2025-05-07",
        "latest": 58.0,
        "trailing_mean": 62.0,
        "trailing_count": 3,
        "deviation": -4.0,
    }
    assert lines["30y"]["deviation"] == 2.0
    assert set(r.inputs) == {"auction_indirect_10y", "auction_indirect_30y"}
    # The 10-year falls further: (-12 + 2) / 2 = -5 pp, below the -3 cut-off.
    eroding = compute_signal("auction_indirect_share", long_lines(50.0))
    assert (eroding.value, eroding.verdict) == (pytest.approx(-5.0), "eroding")
    # Above both trailing means: intact.
    assert compute_signal("auction_indirect_share", long_lines(70.0)).verdict == "intact"


def test_a_config_override_moves_the_verdict_and_the_explanation() -> None:
    r = compute_signal("auction_indirect_share", long_lines(50.0), {"auction_indirect_share": {"eroding": -6.0}})
    assert r.verdict == "neutral"
    assert "eroding below -6 pp" in r.explanation


def test_the_trailing_window_excludes_auctions_older_than_two_years_and_the_auction_itself() -> None:
    s = line(["2021-01-12", "2024-01-10", "2024-06-12", "2025-01-08", "2025-05-07"], [10, 50, 52, 54, 60])
    data = {"auction_indirect_10y": s}
    r = compute_signal("auction_indirect_share", data)
    # 2021 is more than two years before 2025-05-07: the mean is of 50, 52, 54 only.
    assert r.value == pytest.approx(60 - 52)
    assert r.extra["lines"]["10y"]["trailing_count"] == 3
    # With min_obs 4 nothing qualifies any more: n/a with a reason naming what is held.
    na = compute_signal("auction_indirect_share", data, {"auction_indirect_share": {"min_obs": 4}})
    assert na.verdict == "n/a" and na.value is None
    assert "4 earlier ones of its line within 2 years" in (na.reason or "")
    assert "auction_indirect_10y 5" in (na.reason or "")


def test_a_line_without_a_recent_auction_is_left_out_and_said() -> None:
    data = long_lines()
    data["auction_indirect_30y"] = line(["2024-01-11", "2024-02-08", "2024-03-13", "2024-04-11"], [70, 70, 70, 72])
    r = compute_signal("auction_indirect_share", data)
    assert r.value == pytest.approx(-4.0)  # the 10-year alone
    assert r.inputs == ("auction_indirect_10y",)
    assert r.reason == "no recent comparable auction for 30y"


def test_no_auctions_held_reads_na_with_a_reason() -> None:
    r = compute_signal("auction_dealer_share", {})
    assert r.verdict == "n/a"
    assert "no auction results held for auction_dealer_2y" in (r.reason or "")


def test_dealer_bid_to_cover_and_tail_directions() -> None:
    dates = ["2025-01-28", "2025-02-25", "2025-03-25", "2025-04-28"]
    data = {
        "auction_dealer_2y": line(dates, [15, 16, 17, 22]),  # +6 pp over the mean of 16
        "auction_bid_to_cover_2y": line(dates, [2.6, 2.7, 2.8, 2.5]),  # -0.2
        "auction_high_minus_median_2y": line(dates, [2.0, 3.0, 4.0, 4.5]),  # +1.5 bp
    }
    results = compute_signals(data, ids=("auction_dealer_share", "auction_bid_to_cover", "auction_tail"))
    assert results["auction_dealer_share"].value == pytest.approx(6.0)
    assert results["auction_bid_to_cover"].value == pytest.approx(-0.2)
    assert results["auction_tail"].value == pytest.approx(1.5)
    assert {r.verdict for r in results.values()} == {"eroding"}
    assert "not the market's tail" in results["auction_tail"].explanation


def test_history_of_an_auction_signal_ends_at_the_latest_value() -> None:
    data = long_lines()
    hist = signal_history(data, "auction_indirect_share")
    # 2025-05-07: 10y -4 alone (30y has no deviation yet); 2025-05-08: (-4 + 2) / 2.
    assert list(hist.index.date) == [dt.date(2025, 5, 7), dt.date(2025, 5, 8)]
    assert list(hist) == pytest.approx([-4.0, -1.0])


def test_custody_13_week_change() -> None:
    weeks = pd.date_range("2025-01-01", periods=14, freq="W-WED")
    levels = [3000.0] + [2990.0] * 12 + [2940.0]
    r = compute_signal("foreign_official_custody_13w", {"custody_official": pd.Series(levels, index=weeks)})
    assert r.value == pytest.approx(-2.0)  # 2940 / 3000 - 1
    assert (r.verdict, r.date) == ("eroding", weeks[-1].date())
    assert r.extra == {"weeks": 13, "level": 2940.0, "level_before": 3000.0, "change_usd_bn": -60.0}
    rising = pd.Series([3000.0] * 13 + [3030.0], index=weeks)
    assert compute_signal("foreign_official_custody_13w", {"custody_official": rising}).verdict == "intact"
    short = compute_signal("foreign_official_custody_13w", {"custody_official": rising.iloc[:5]})
    assert short.verdict == "n/a" and "13 weeks" in (short.reason or "")


def test_foreign_holders_12_month_change_with_the_official_sector() -> None:
    months = pd.date_range("2024-12-01", "2025-12-01", freq="MS")
    total = pd.Series(8000.0, index=months)
    total.iloc[-1] = 9271.0
    official = pd.Series(3800.0, index=months)
    official.iloc[-1] = 3887.0
    r = compute_signal("foreign_holders_12m", {"tic_total": total, "tic_official": official})
    assert r.value == pytest.approx(100 * (9271 / 8000 - 1))  # +15.89 %
    assert (r.verdict, r.date) == ("intact", dt.date(2025, 12, 1))
    assert r.extra["official_change_usd_bn"] == 87.0
    assert r.extra["official_change_pct"] == pytest.approx(100 * (3887 / 3800 - 1), abs=1e-4)
    assert r.extra["total_change_usd_bn"] == 1271.0
    total.iloc[-1] = 7900.0
    assert compute_signal("foreign_holders_12m", {"tic_total": total}).verdict == "eroding"
    alone = compute_signal("foreign_holders_12m", {"tic_total": total})
    assert alone.inputs == ("tic_total",) and "foreign official not held" in (alone.reason or "")


def test_interest_burden_is_judged_on_its_five_year_change() -> None:
    years = pd.date_range("2019-01-01", "2024-01-01", freq="YS")
    ratio = pd.Series([1.8, 1.6, 1.5, 1.9, 2.4, 3.1], index=years)
    r = compute_signal("interest_burden", {"interest_gdp": ratio})
    assert r.value == pytest.approx(3.1)
    assert r.extra["change_pp"] == pytest.approx(1.3)
    assert r.verdict == "eroding"
    assert "5-year change" in r.explanation
    flat = compute_signal("interest_burden", {"interest_gdp": ratio.iloc[-1:]})
    assert flat.verdict == "n/a" and flat.value == pytest.approx(3.1)


def test_auction_signals_are_monthly_late_after_seven_weeks_and_counted_in_the_demand_group() -> None:
    data = long_lines()
    recent = compute_signal("auction_indirect_share", data, today=dt.date(2025, 5, 20))
    assert (recent.frequency, recent.late, recent.stale) == ("monthly", False, False)
    later = compute_signal("auction_indirect_share", data, today=dt.date(2025, 8, 20))
    assert later.late and set(later.late_inputs) == {"auction_indirect_10y", "auction_indirect_30y"}
    assert not later.stale  # May is two months behind the month seven weeks before 20 August
    gone = compute_signal("auction_indirect_share", data, today=dt.date(2026, 1, 15))
    assert gone.stale
    reg = regime({"a": recent})
    assert reg.groups["demand"].available == 1 and "price" not in reg.groups
