"""Freshness is part of every verdict: signals' as_of / age / late / stale, the regime's coverage,
explanations rendered from the thresholds in force, honest n/a reasons, and the config keys."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from datafeed.metrics import MetricsEngine
from datafeed.signals import (
    InputFact,
    SignalEngine,
    compute_signal,
    compute_signals,
    regime,
    resolve_thresholds,
    signal_to_json,
)
from datafeed.signals.freshness import periods_behind
from tui.cli import main
from tui.presenters import metrics_views, regime_view, signal_view

D = dt.date.fromisoformat


def daily(end: str, n: int, seed: int, level: float, vol: float, *, prices: bool = False) -> pd.Series:
    """``n`` US business days ending on ``end`` (weekends skipped; holidays are data-free too)."""
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range(end=end, periods=n)
    steps = rng.normal(0, vol, n)
    values = level * np.exp(np.cumsum(steps)) if prices else level + np.cumsum(steps)
    return pd.Series(values, index=idx, dtype="float64")


def stock_bond(end: str) -> dict[str, pd.Series]:
    return {"spx": daily(end, 300, 1, 5000, 0.01, prices=True), "ust10y": daily(end, 300, 2, 4.0, 0.05)}


# --------------------------------------------------------------------------- as_of, age, late, stale


def test_age_and_late_count_business_days_across_independence_day() -> None:
    # Thursday 2026-07-02 is the last close before SIFMA's Friday 07-03 holiday.
    data = stock_bond("2026-07-02")
    monday = compute_signal("stock_bond_corr_1y", data, today=D("2026-07-06"))
    assert monday.as_of == monday.date == D("2026-07-02")
    assert monday.age == 1  # the holiday and the weekend are not business days
    assert not monday.late and monday.late_inputs == () and not monday.stale
    # Three business days later both FRED inputs (lag 2) are late, still not stale.
    thursday = compute_signal("stock_bond_corr_1y", data, today=D("2026-07-09"))
    assert thursday.age == 4 and thursday.late and set(thursday.late_inputs) == {"spx", "ust10y"}
    assert not thursday.stale
    # Past ten business days it is stale.
    assert compute_signal("stock_bond_corr_1y", data, today=D("2026-07-17")).age == 10
    assert not compute_signal("stock_bond_corr_1y", data, today=D("2026-07-17")).stale
    assert compute_signal("stock_bond_corr_1y", data, today=D("2026-07-20")).stale


def test_late_uses_the_lag_of_the_source_that_answered() -> None:
    data = stock_bond("2026-07-08")
    today = D("2026-07-10")  # two business days after the last close
    facts = {"spx": InputFact(D("2026-07-08"), "fred:SP500"), "ust10y": InputFact(D("2026-07-08"), "treasury:10 Yr")}
    r = compute_signal("stock_bond_corr_1y", data, today=today, facts=facts)
    # Treasury publishes the same day (lag 1): 2 days is late; FRED's S&P (lag 2) is not.
    assert r.late and r.late_inputs == ("ust10y",)
    facts["ust10y"] = InputFact(D("2026-07-08"), "fred:DGS10")
    assert not compute_signal("stock_bond_corr_1y", data, today=today, facts=facts).late


def test_quarterly_signal_is_stale_only_when_publications_are_missed() -> None:
    quarters = pd.date_range("2020-01-01", "2026-04-01", freq="QS")
    data = {"debt_gdp": pd.Series(np.linspace(100, 120, len(quarters)), index=quarters)}
    # 2026-12-06: Q2 2026 (dated 04-01) is the newest quarter due after a 130-business-day lag.
    now = compute_signal("debt_gdp", data, today=D("2026-12-06"))
    assert now.frequency == "quarterly" and now.as_of == D("2026-04-01") and not now.stale
    assert now.age is not None and now.age > 100  # old in days, but that is how it is published
    # Two more quarters missed is still counted; three is stale.
    old = {"debt_gdp": data["debt_gdp"][:-2]}  # ends Q4 2025
    assert not compute_signal("debt_gdp", old, today=D("2026-12-06")).stale
    older = {"debt_gdp": data["debt_gdp"][:-3]}  # ends Q3 2025
    assert compute_signal("debt_gdp", older, today=D("2026-12-06")).stale
    # A wider limit counts it again.
    wider = resolve_thresholds({"freshness": {"max_age_periods": 3}})
    assert not compute_signal("debt_gdp", older, wider, today=D("2026-12-06")).stale


@pytest.mark.parametrize(
    ("frequency", "as_of", "lag", "behind"),
    [
        ("weekly", "2026-11-25", 5, 1),  # a Wednesday; today's week minus a week's lag is due
        ("weekly", "2026-11-11", 5, 3),
        ("monthly", "2026-09-01", 45, 0),  # September is what a 45-business-day lag allows
        ("annual", "2024-01-01", 600, 0),  # FRED's annual lag: the 2024 value is the newest due
        ("annual", "2021-01-01", 600, 3),
    ],
)
def test_periods_behind_counts_publications_missed(frequency: str, as_of: str, lag: int, behind: int) -> None:
    assert periods_behind(D(as_of), D("2026-12-07"), frequency, lag) == behind


def test_stale_signals_are_left_out_of_the_regime_and_listed() -> None:
    data = {**stock_bond("2026-07-02"), "debt_gdp": pd.Series([101.0], index=pd.DatetimeIndex(["2026-04-01"]))}
    results = compute_signals(data, today=D("2026-12-06"))
    assert results["stock_bond_corr_1y"].stale and not results["debt_gdp"].stale
    r = regime(results)
    assert (r.eroding, r.available) == (1, 1)  # only debt/GDP (eroding at ≥ 100 %) counts
    assert "stock_bond_corr_1y" in r.stale and r.verdict == "ERODING"
    assert r.as_of == D("2026-07-02")  # the newest evidence, stale or not
    assert r.na == len(results) - 2  # every other signal lacks its inputs
    assert r.groups["supply"].available == 1 and r.groups["price"].available == 0
    view = regime_view(r)
    assert view.stale == len(r.stale) and view.as_of == "2026-07-02"
    # The rows marked late are the ones the coverage counts (an n/a row says n/a, not late).
    assert sum(signal_view(x).late for x in results.values()) == r.late
    na_late = [x for x in results.values() if x.verdict == "n/a" and x.late]
    assert na_late and not any(signal_view(x).late for x in na_late)
    assert view.coverage == f"1/1 · {r.na} n/a · {r.late} late · {len(r.stale)} stale"
    # The same data judged on its own day counts the correlation again.
    same_day = regime(compute_signals(data, today=D("2026-07-06")))
    assert same_day.available == 2 and not same_day.stale


def test_engine_reassesses_freshness_as_days_pass_without_new_data() -> None:
    engine = SignalEngine()
    data = stock_bond("2026-07-02")
    engine.recompute(data, today=D("2026-07-06"))
    assert not engine.results["stock_bond_corr_1y"].stale
    assert engine.update(data, set(), today=D("2026-07-20")) == {}  # nothing recomputed ...
    assert engine.results["stock_bond_corr_1y"].stale  # ... yet the verdict knows it is old


def test_signal_view_and_json_carry_the_freshness() -> None:
    r = compute_signal("stock_bond_corr_1y", stock_bond("2026-07-02"), today=D("2026-07-20"))
    view = signal_view(r)
    assert view.stale and view.late and view.age == "11bd" and view.date == "2026-07-02"
    doc = signal_to_json(r)
    for key in ("value", "unit", "verdict", "date", "name", "reason", "explanation"):
        assert key in doc  # the contract's keys stay
    assert doc["as_of"] == "2026-07-02" and doc["age"] == 11 and doc["late"] is True and doc["stale"] is True
    assert doc["late_inputs"] == ["spx", "ust10y"] and doc["group"] == "price" and doc["frequency"] == "daily"


def test_snapshot_table_and_markdown_say_how_old_the_verdict_is(capsys: pytest.CaptureFixture[str]) -> None:
    """The human formats carry the coverage, the as-of date and each signal's age and marks."""
    from datafeed.signals import regime_to_json, signals_to_json
    from tui import snapshot_cmd

    data = {**stock_bond("2026-07-02"), "debt_gdp": pd.Series([101.0], index=pd.DatetimeIndex(["2026-04-01"]))}
    results = compute_signals(data, today=D("2026-12-06"))
    r = regime(results)
    doc = {"triffin": "0", "mode": "live", "as_of": "x", "series": {}, "crises": []}
    doc |= {"signals": signals_to_json(results), "regime": regime_to_json(r)}
    line = f"ERODING (1/1 signals eroding · {r.na} n/a · {r.late} late · {len(r.stale)} stale) as of 2026-07-02"
    assert snapshot_cmd.regime_text(doc["regime"]) == line
    age = results["stock_bond_corr_1y"].age
    snapshot_cmd.print_tables(doc)
    out = capsys.readouterr().out
    assert f"Regime: {line}" in out
    row = next(ln for ln in out.splitlines() if "stock_bond_corr_1y" in ln)
    assert "2026-07-02" in row and f"{age}bd LATE STALE" in row
    md = snapshot_cmd.markdown(doc)
    assert f"Regime: **ERODING** (1/1 signals eroding · {r.na} n/a" in md
    assert f"| stock_bond_corr_1y | {doc['signals']['stock_bond_corr_1y']['value']:g} | corr | neutral" in md
    assert f"| 2026-07-02 | {age}bd LATE STALE |" in md


def test_snapshot_table_and_markdown_say_the_primary_is_behind_and_the_horizon(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The source column names the fallback that served the value; the status says who lags;
    a change over more than a day says its horizon."""
    from tui import snapshot_cmd

    series = {
        "name": "UST 10Y",
        "unit": "%",
        "source": "fred:DGS10",
        "date": "2026-07-28",
        "value": 4.61,
        "status": "fresh",
        "late": True,
        "error": None,
        "behind": {"source": "treasury:10 Yr", "last": "2024-06-25", "filled_by": "fred:DGS10"},
    }
    bund = {**series, "name": "Bund 10Y", "source": "fred:IRLTLT01DEM156N", "behind": None}
    bund |= {"change": -0.75, "change_unit": "bp", "change_horizon": "1M"}
    cell = "LATE (fetch ok); treasury:10 Yr behind (2024-06-25)"
    assert snapshot_cmd.status_text(series) == cell
    assert snapshot_cmd.status_text({**series, "late": False, "behind": None}) == "fresh"
    rows = {"ust10y": series, "bund10y": bund}
    doc = {"triffin": "0", "mode": "live", "as_of": "x", "series": rows, "signals": {}, "crises": []}
    snapshot_cmd.print_tables(doc)
    out = capsys.readouterr().out
    assert cell in out and "▼-0.75bp 1M" in out  # a monthly fallback's change says its horizon
    text = snapshot_cmd.markdown(doc)
    assert f"| 2026-07-28 | {cell} | fred:DGS10 |" in text and "| -0.75 bp 1M |" in text


# --------------------------------------------------------------------------- texts from the thresholds


def test_explanation_and_label_follow_the_thresholds_in_force() -> None:
    data = stock_bond("2026-07-02")
    default = compute_signal("stock_bond_corr_1y", data)
    assert "eroding above 0.2" in default.explanation and ">0.2" in default.label
    table = resolve_thresholds({"stock_bond_corr_1y": {"eroding": 0.3, "window": 200}})
    moved = compute_signal("stock_bond_corr_1y", data, table)
    assert "eroding above 0.3" in moved.explanation and "last 200 paired days" in moved.explanation
    assert ">0.3" in moved.label and "200d" in moved.label
    assert signal_to_json(moved)["explanation"] == moved.explanation
    assert signal_view(moved).explanation == moved.label  # what the dashboard shows
    # The dashboard engine renders them from its thresholds too.
    views = metrics_views(MetricsEngine(table).run(data)).signal_views
    assert ">0.3" in next(v for v in views if v.id == "stock_bond_corr_1y").explanation


def test_snapshot_json_explanation_follows_the_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text("[thresholds.stock_bond_corr_1y]\neroding = 0.3\n", encoding="utf-8")
    rc = main(["snapshot", "--demo", "--format", "json", "--config", str(cfg)])
    doc = json.loads(capsys.readouterr().out)
    assert rc == 0
    sb = doc["signals"]["stock_bond_corr_1y"]
    assert "eroding above 0.3" in sb["explanation"] and ">0.3" in sb["label"]
    assert "eroding above 0.2" in doc["signals"]["stock_bond_corr_3y"]["explanation"]
    # Freshness keys beside the contract's, and the regime's coverage.
    assert {"as_of", "age", "late", "stale"} <= set(sb) and sb["as_of"] == sb["date"]
    assert {"verdict", "eroding", "available", "na", "late", "stale", "as_of", "groups"} <= set(doc["regime"])
    assert set(doc["regime"]["groups"]) == {"price", "demand", "supply"}


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("[thresholds.freshness]\nmax_age_daily = 0\n", ["thresholds.freshness.max_age_daily", ":2:"]),
        ("\n[thresholds.freshness]\nmax_age_periods = 2\nbogus = 1\n", ["unknown key 'bogus'", ":4:"]),
        ("[thresholds.live]\nrecent = 'soon'\n", ["thresholds.live.recent", ":2:"]),
    ],
)
def test_config_errors_for_the_new_keys_are_one_line_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragments: list[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    rc = main(["snapshot", "--config", str(path), "--offline", "--format", "json"])
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith(f"triffin: {path}") and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


# --------------------------------------------------------------------------- honest n/a reasons


def test_hedged_jgb_pickup_names_the_missing_leg_and_the_too_old_fallback() -> None:
    days = pd.bdate_range("2026-06-01", "2026-07-28")
    flat = {i: pd.Series(v, index=days) for i, v in (("jgb20y", 2.4), ("ust20y", 4.9), ("sofr", 4.3))}
    months = pd.date_range("2020-01-01", "2024-12-01", freq="MS")
    data = {**flat, "jpy3m": pd.Series(0.2, index=months)}  # the FRED fallback stopped in 2024
    r = compute_signal("jgb_hedged_pickup_20y", data)
    assert r.verdict == "n/a"
    assert r.reason == ("no tona; jpy3m ended 2024-12-01 (carried at most 45 days), before jgb20y starts 2026-06-01"), (
        r.reason
    )
    # Late inputs are named for an n/a signal too (the fallback leg is years old).
    late = compute_signal("jgb_hedged_pickup_20y", data, today=D("2026-07-29"))
    assert late.late_inputs == ("jpy3m",)


def test_a_correlation_without_shared_dates_says_which_input_ended_when() -> None:
    data = {"spx": daily("2025-01-31", 300, 1, 5000, 0.01, prices=True), "ust10y": daily("2026-07-28", 100, 2, 4, 0.05)}
    r = compute_signal("stock_bond_corr_1y", data)
    assert r.verdict == "n/a" and "spx ended 2025-01-31, before ust10y starts" in (r.reason or "")
