"""Tests of the crisis scorecard: as-of rule, units, thresholds, fallbacks, verdicts, live row."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from datafeed.crises import (
    BUILTIN_EPISODES,
    CHECKS,
    CORE_CHECKS,
    EPISODES,
    CheckResult,
    Episode,
    crises_to_json,
    detect_live,
    episode_from_mapping,
    episode_window,
    judge,
    score_all,
    score_episode,
    verdict,
)

D = dt.date.fromisoformat


def series(pairs: dict[str, float]) -> pd.Series:
    return pd.Series(list(pairs.values()), index=pd.DatetimeIndex(list(pairs)), dtype="float64")


def business(values: list[float], start: str = "2024-01-01") -> pd.Series:
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype="float64")


def episode(start: str, end: str, eid: str = "test") -> Episode:
    return Episode(eid, eid, D(start), D(end), builtin=False)


# --------------------------------------------------------------------------- as-of rule and units


def test_asof_rule_takes_last_observation_on_or_before_each_date() -> None:
    # Start on Saturday 2020-03-07 → Friday's 0.77; end 2020-03-18 → that day's 1.18.
    ust = series({"2020-03-05": 0.92, "2020-03-06": 0.77, "2020-03-09": 0.54, "2020-03-18": 1.18, "2020-03-19": 1.12})
    s = score_episode({"ust10y": ust}, episode("2020-03-07", "2020-03-18"))
    c = s.checks["ust10y"]
    assert (c.v0, c.v1, c.date0, c.date1) == (0.77, 1.18, D("2020-03-06"), D("2020-03-18"))
    assert c.change == pytest.approx(41.0)  # bp
    assert c.unit == "bp" and c.expected == "down" and c.result == "fail"


def test_covid_shape_ust10y_up_64bp_is_broken() -> None:
    ust = series({"2020-03-09": 0.54, "2020-03-18": 1.18})
    s = score_episode({"ust10y": ust}, episode("2020-03-09", "2020-03-18"))
    assert s.checks["ust10y"].change == pytest.approx(64.0)
    assert s.verdict == "broken"


def test_units_points_for_vix_percent_for_prices() -> None:
    data = {
        "vix": series({"2024-08-01": 18.59, "2024-08-05": 38.57}),
        "spx": series({"2024-08-01": 5000.0, "2024-08-05": 4700.0}),
        "ig_oas": series({"2024-08-01": 0.97, "2024-08-05": 1.12}),
        "gold": series({"2024-08-01": 2000.0, "2024-08-05": 2040.0}),
    }
    checks = score_episode(data, episode("2024-08-01", "2024-08-05")).checks
    assert checks["vix"].change == pytest.approx(19.98) and checks["vix"].unit == "pts"
    assert checks["vix"].result == "pass"
    assert checks["spx"].change == pytest.approx(-6.0) and checks["spx"].unit == "%"
    assert checks["spx"].result == "pass"  # down is what stress looks like
    assert checks["ig_oas"].change == pytest.approx(15.0) and checks["ig_oas"].result == "pass"
    assert checks["gold"].change == pytest.approx(2.0) and checks["gold"].result == "pass"


@pytest.mark.parametrize(
    ("change", "threshold", "expected", "outcome"),
    [
        (-5.0, 5.0, "down", "pass"),
        (5.0, 5.0, "down", "fail"),
        (-4.99, 5.0, "down", "flat"),
        (0.0, 0.0, "up", "flat"),
        (0.5, 0.5, "up", "pass"),
        (-0.6, 0.5, "up", "fail"),
        (100 * (4.05 - 4.00), 5.0, "up", "pass"),  # 4.9999999999… bp must count as 5
    ],
)
def test_judge(change: float, threshold: float, expected: str, outcome: str) -> None:
    assert judge(change, threshold, expected) == outcome  # type: ignore[arg-type]


def test_threshold_boundary_with_real_floating_point() -> None:
    ust = series({"2024-01-02": 4.00, "2024-01-05": 4.05})
    assert score_episode({"ust10y": ust}, episode("2024-01-02", "2024-01-05")).checks["ust10y"].result == "fail"
    ust = series({"2024-01-02": 4.00, "2024-01-05": 4.04})
    assert score_episode({"ust10y": ust}, episode("2024-01-02", "2024-01-05")).checks["ust10y"].result == "flat"


def test_threshold_overrides() -> None:
    ust = series({"2024-01-02": 4.00, "2024-01-05": 3.93})  # −7 bp
    ep = episode("2024-01-02", "2024-01-05")
    assert score_episode({"ust10y": ust}, ep).checks["ust10y"].result == "pass"
    checks = score_episode({"ust10y": ust}, ep, {"crises": {"ust10y": 10}}).checks
    assert checks["ust10y"].result == "flat" and checks["ust10y"].threshold == 10.0


# --------------------------------------------------------------------------- missing data


def test_series_that_starts_after_the_window_is_na() -> None:
    spx = series({"2015-07-27": 2067.64, "2015-07-28": 2093.25})
    c = score_episode({"spx": spx}, episode("2008-09-12", "2008-12-31")).checks["spx"]
    assert c.result == "n/a" and c.change is None
    assert "no spx observation on or before start 2008-09-12" in (c.note or "")


def test_series_that_ended_before_the_window_is_na_not_flat() -> None:
    aaa = series({"2023-12-28": 0.77, "2023-12-29": 0.77})
    c = score_episode({"ig_oas": aaa}, episode("2025-04-02", "2025-04-11")).checks["ig_oas"]
    assert c.result == "n/a" and "days old" in (c.note or "")


def test_no_observation_inside_the_window_is_na() -> None:
    ust = series({"2024-01-02": 4.0, "2024-01-10": 4.2})
    c = score_episode({"ust10y": ust}, episode("2024-01-03", "2024-01-05")).checks["ust10y"]
    assert c.result == "n/a" and "inside the window" in (c.note or "")


def test_missing_series_is_na() -> None:
    s = score_episode({}, BUILTIN_EPISODES[0])
    assert all(c.result == "n/a" for c in s.checks.values())
    assert s.checks["gold"].note == "missing input: gold"
    assert s.verdict == "n/a"


# --------------------------------------------------------------------------- usd fallback


def test_usd_uses_the_broad_index_when_it_has_data() -> None:
    data = {
        "usd_broad": series({"2008-09-12": 100.0, "2008-12-31": 108.0}),
        "eurusd": series({"2008-09-12": 1.40, "2008-12-31": 1.40}),
    }
    c = score_episode(data, episode("2008-09-12", "2008-12-31")).checks["usd"]
    assert c.series == "usd_broad" and c.change == pytest.approx(8.0) and c.result == "pass"
    assert c.note is None


def test_usd_falls_back_to_minus_eurusd_change_before_2006() -> None:
    # DTWEXBGS starts 2006-01-02. EUR/USD 1.25 → 1.20 is −4 %, so the dollar check reads +4 %.
    data = {
        "usd_broad": series({"2006-01-02": 101.4, "2006-01-03": 100.8}),
        "eurusd": series({"2001-09-10": 1.25, "2001-09-21": 1.20}),
    }
    c = score_episode(data, episode("2001-09-10", "2001-09-21")).checks["usd"]
    assert c.series == "eurusd"
    assert c.change == pytest.approx(4.0)
    assert c.result == "pass"
    assert "eurusd" in (c.note or "") and "usd_broad" in (c.note or "")


def test_usd_na_when_neither_series_covers_the_window() -> None:
    c = score_episode({}, episode("2001-09-10", "2001-09-21")).checks["usd"]
    assert c.result == "n/a" and "fallback" in (c.note or "")


# --------------------------------------------------------------------------- UST − Bund


def test_ust_bund_spread_with_daily_bund() -> None:
    # Spread 4.20 − 2.60 = 1.60 → 4.48 − 2.57 = 1.91: +31 bp, Treasuries cheapened: fail.
    days = pd.bdate_range("2025-03-20", "2025-04-15")
    ust = pd.Series(np.where(days < pd.Timestamp("2025-04-03"), 4.20, 4.48), index=days)
    bund = pd.Series(np.where(days < pd.Timestamp("2025-04-03"), 2.60, 2.57), index=days)
    c = score_episode({"ust10y": ust, "bund10y": bund}, episode("2025-04-02", "2025-04-11")).checks["ust_bund_10y"]
    assert c.change == pytest.approx(31.0)
    assert c.result == "fail" and c.series == "ust10y-bund10y" and c.note is None


def test_ust_bund_with_monthly_bund_only_short_window_is_na() -> None:
    ust = business([4.0] * 40, start="2025-03-03")
    bund = series({"2025-02-01": 2.5, "2025-03-01": 2.7, "2025-04-01": 2.6})
    c = score_episode({"ust10y": ust, "bund10y": bund}, episode("2025-04-02", "2025-04-11")).checks["ust_bund_10y"]
    assert c.result == "n/a" and "monthly" in (c.note or "")


def test_ust_bund_with_monthly_bund_long_window_uses_carried_values() -> None:
    # GFC: UST 3.72 → 2.25; monthly Bund 4.10 (Sep) → 3.00 (Dec): spread −0.38 → −0.75.
    ust = series({"2008-09-12": 3.72, "2008-12-31": 2.25})
    bund = series({"2008-08-01": 4.2, "2008-09-01": 4.10, "2008-10-01": 3.9, "2008-11-01": 3.5, "2008-12-01": 3.00})
    c = score_episode({"ust10y": ust, "bund10y": bund}, episode("2008-09-12", "2008-12-31")).checks["ust_bund_10y"]
    assert c.change == pytest.approx(-37.0)
    assert c.result == "pass"
    assert "2008-09-01 → 2008-12-01" in (c.note or "")


def test_ust_bund_monthly_value_older_than_45_days_is_na() -> None:
    ust = series({"2008-09-12": 3.72, "2008-12-31": 2.25})
    bund = series({"2008-06-01": 4.5, "2008-07-01": 4.4, "2008-08-01": 4.3})  # nothing after August
    c = score_episode({"ust10y": ust, "bund10y": bund}, episode("2008-09-12", "2008-12-31")).checks["ust_bund_10y"]
    assert c.result == "n/a"


# --------------------------------------------------------------------------- verdict rule


def cell(cid: str, outcome: str) -> CheckResult:
    spec = CHECKS[cid]
    return CheckResult(cid, None, spec.unit, spec.expected, outcome, 1.0, cid)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ust", "usd", "bund", "expected"),
    [
        ("pass", "pass", "pass", "haven"),
        ("pass", "pass", "n/a", "haven"),  # every *available* core check passes
        ("pass", "n/a", "n/a", "haven"),
        ("fail", "pass", "pass", "broken"),  # ust10y failing alone breaks it
        ("pass", "fail", "fail", "broken"),  # two core failures
        ("flat", "fail", "fail", "broken"),
        ("pass", "fail", "pass", "mixed"),
        ("pass", "flat", "n/a", "mixed"),
        ("flat", "pass", "pass", "mixed"),
        ("n/a", "pass", "pass", "n/a"),
    ],
)
def test_verdict_rule(ust: str, usd: str, bund: str, expected: str) -> None:
    checks = {"ust10y": cell("ust10y", ust), "usd": cell("usd", usd), "ust_bund_10y": cell("ust_bund_10y", bund)}
    checks["vix"] = cell("vix", "fail")  # context never changes the verdict
    assert verdict(checks) == expected


# --------------------------------------------------------------------------- episodes


def test_builtin_episodes() -> None:
    ids = [e.id for e in BUILTIN_EPISODES]
    assert len(set(ids)) == len(ids) and all(e.builtin and not e.live for e in BUILTIN_EPISODES)
    assert ids[:8] == [  # the eight of the design, oldest first; a new line adds after them
        "gfc-2008",
        "downgrade-2011",
        "china-2015",
        "brexit-2016",
        "covid-2020",
        "svb-2023",
        "carry-2024",
        "tariff-2025",
    ]
    covid = BUILTIN_EPISODES[4]
    assert (covid.name, covid.start, covid.end, covid.builtin) == (
        "COVID dash for cash",
        D("2020-03-09"),
        D("2020-03-18"),
        True,
    )
    tariff = EPISODES["tariff-2025"]
    assert (tariff.start, tariff.end) == (D("2025-04-02"), D("2025-04-11"))


def test_episode_from_mapping_accepts_strings_and_toml_dates() -> None:
    e = episode_from_mapping({"id": "ltcm-1998", "name": "LTCM", "start": "1998-08-17", "end": dt.date(1998, 10, 9)})
    assert e == Episode("ltcm-1998", "LTCM", D("1998-08-17"), D("1998-10-09"), builtin=False)
    assert episode_from_mapping({"id": "x", "start": "2020-01-01", "end": "2020-01-01"}).name == "x"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"id": "x", "start": "2020-13-01", "end": "2020-12-01"}, "start '2020-13-01' is not a date"),
        ({"id": "x", "start": "2020-03-18", "end": "2020-03-09"}, "end 2020-03-09 is before start 2020-03-18"),
        ({"id": "x", "start": "2020-03-18"}, "missing end"),
        ({"id": "x", "start": "2020-03-18", "end": "2020-03-19", "strat": 1}, "unknown key(s) strat"),
        ({"id": "", "start": "2020-03-18", "end": "2020-03-19"}, "episode id '' is invalid"),
        ({"id": "live", "start": "2020-03-18", "end": "2020-03-19"}, "reserved"),
        ({"id": "x", "name": "", "start": "2020-03-18", "end": "2020-03-19"}, "name must be"),
        ({"id": "x", "start": 20200318, "end": "2020-03-19"}, "not a date"),
    ],
)
def test_episode_from_mapping_rejects_bad_input_clearly(mapping: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        episode_from_mapping(mapping)


def test_episode_rejects_end_before_start() -> None:
    with pytest.raises(ValueError):
        Episode("x", "x", D("2020-03-18"), D("2020-03-09"), builtin=False)


# --------------------------------------------------------------------------- live detector


def test_live_detector_vix_jump_of_30_percent_over_5_observations() -> None:
    # 20 → 26 five observations later is exactly +30 %: fires that day (2024-01-09).
    vix = business([20, 20, 20, 20, 20, 20, 26, 27])
    ep = detect_live({"vix": vix})
    assert ep is not None and ep.id == "live" and ep.live and not ep.builtin
    assert ep.start == D("2024-01-09")
    assert ep.end == D("2024-01-10")  # newest date held
    # 29 % does not fire.
    assert detect_live({"vix": business([20, 20, 20, 20, 20, 20, 25.8, 25.8])}) is None


def test_live_detector_spx_5_percent_below_20_day_high() -> None:
    spx = business([100.0] * 10 + [110.0] + [106.0] * 5 + [104.5, 104.0])  # high 110; 104.5 = −5 %
    ep = detect_live({"spx": spx})
    assert ep is not None and ep.start == spx.index[16].date()
    assert detect_live({"spx": business([100.0] * 10 + [110.0] + [106.0] * 7)}) is None


def test_live_detector_forgets_old_stress_and_merges_a_spell() -> None:
    # A trigger 30 observations ago is not live any more.
    vix = business([20] * 6 + [30] + [30] * 30)
    assert detect_live({"vix": vix}) is None
    # Triggers on days 6, 7 and 9 form one spell starting on day 6 (gap ≤ 3 observations).
    vix = business([20, 20, 20, 20, 20, 20, 27, 28, 25, 30, 30])
    # day 6: 27/20 ✓, day 7: 28/20 ✓, day 8: 25/20 ✗, day 9: 30/20 ✓ (vs day 4), day 10: 30/20 ✓
    ep = detect_live({"vix": vix})
    assert ep is not None and ep.start == vix.index[6].date()
    ep = detect_live({"vix": vix}, {"live": {"merge_gap": 1}})
    assert ep is not None and ep.start == vix.index[9].date()


def test_score_all_appends_the_live_row_and_rescores_it() -> None:
    days = pd.bdate_range("2026-03-02", periods=30)
    vix = pd.Series([15.0] * 25 + [22.0] * 5, index=days)
    ust = pd.Series(np.linspace(4.0, 4.4, 30), index=days)
    scored = score_all({"vix": vix, "ust10y": ust})
    assert [s.episode.id for s in scored][:-1] == [e.id for e in BUILTIN_EPISODES]
    live = scored[-1]
    assert live.episode.id == "live" and live.episode.start == days[25].date() and live.episode.end == days[-1].date()
    assert live.checks["ust10y"].result == "fail" and live.verdict == "broken"
    assert live.checks["vix"].change == pytest.approx(0.0) and live.checks["vix"].result == "flat"
    assert [s.episode.id for s in score_all({"vix": vix}, live=False)] == [e.id for e in BUILTIN_EPISODES]
    user = episode("2026-03-02", "2026-03-20", "mine")
    assert [s.episode.id for s in score_all({"vix": vix}, [user], live=False)] == ["mine"]


def test_episode_window_pads_with_trading_days() -> None:
    days = pd.bdate_range("2024-01-01", periods=100)
    data = {"ust10y": pd.Series(np.arange(100.0), index=days)}
    ep = episode(days[50].date().isoformat(), days[55].date().isoformat())
    frame = episode_window(data, ep, ["ust10y"], pad=20)
    assert frame.index[0] == days[30] and frame.index[-1] == days[75]


# --------------------------------------------------------------------------- JSON


def test_crises_json_shape() -> None:
    data = {"ust10y": series({"2020-03-09": 0.54, "2020-03-18": 1.18})}
    out = crises_to_json(score_all(data, [BUILTIN_EPISODES[4]], live=False))
    json.dumps(out)
    (row,) = out
    assert {k: row[k] for k in ("id", "name", "start", "end", "verdict")} == {
        "id": "covid-2020",
        "name": "COVID dash for cash",
        "start": "2020-03-09",
        "end": "2020-03-18",
        "verdict": "broken",
    }
    assert list(row["checks"]) == [
        "ust10y",
        "usd",
        "ust_bund_10y",
        "vix",
        "spx",
        "ig_oas",
        "gold",
        "custody",
        "auction_indirect",
    ]
    ust = row["checks"]["ust10y"]
    assert {k: ust[k] for k in ("change", "unit", "expected", "result")} == {
        "change": 64.0,
        "unit": "bp",
        "expected": "down",
        "result": "fail",
    }
    assert ust["date0"] == "2020-03-09" and ust["v1"] == 1.18
    assert row["checks"]["gold"]["change"] is None and row["checks"]["gold"]["result"] == "n/a"


# --------------------------------------------------------------------------- the live row is about now


def stress_market(end: str, n: int = 60, trigger_back: int = 3) -> dict[str, pd.Series]:
    """Daily core and context series ending ``end``; the VIX jumps 40 % ``trigger_back`` days before."""
    days = pd.bdate_range(end=end, periods=n)
    vix = np.full(n, 15.0)
    vix[n - 1 - trigger_back :] = 21.0
    ramp = np.zeros(n)  # the stress moves everything once, the session after the trigger
    ramp[n - trigger_back :] = 1.0
    return {
        "vix": pd.Series(vix, index=days),
        "spx": pd.Series(5000.0 - 50 * ramp, index=days),
        "ust10y": pd.Series(4.0 + 0.3 * ramp, index=days),
        "usd_broad": pd.Series(120.0 - 2 * ramp, index=days),
        "bund10y": pd.Series(2.5 + 0.05 * ramp, index=days),
    }


def test_no_live_row_from_old_data_however_recent_in_observations() -> None:
    # VIX and S&P end 2026-04-02 with a trigger in their last sessions; today is 2026-12-06.
    old = stress_market("2026-04-02")
    old["ust10y"] = pd.concat([old["ust10y"], pd.Series(4.6, index=pd.bdate_range("2026-04-03", "2026-07-28"))])
    trigger = old["vix"].index[-4].date()
    # In observations the trigger is 3 VIX sessions old (the old rule kept it live) ...
    assert detect_live(old, {"live": {"recent": 10}}, today=trigger) is not None
    # ... but in business days before today it is months old.
    assert detect_live(old, today=D("2026-12-06")) is None
    assert all(not s.episode.live for s in score_all(old, [], today=D("2026-12-06")))


def test_fresh_trigger_three_business_days_ago_opens_a_live_row_ending_today() -> None:
    today = D("2026-12-04")  # a Friday; the data end on Thursday
    data = stress_market("2026-12-03", trigger_back=2)
    scored = score_all(data, [], today=today)
    assert [s.episode.id for s in scored] == ["live"]
    live = scored[0]
    assert live.episode.start == D("2026-12-01")  # three business days before today
    assert live.episode.end == today  # not the newest data date
    assert all(live.checks[c].result != "n/a" for c in CORE_CHECKS)
    assert live.checks["ust10y"].result == "fail" and live.verdict == "broken"


def test_no_live_row_when_a_core_series_has_no_data_in_the_window() -> None:
    today = D("2026-12-04")
    data = stress_market("2026-12-03", trigger_back=2)
    data["ust10y"] = data["ust10y"][:-20]  # Treasury data stopped a month ago
    assert detect_live(data, today=today) is not None  # the stress itself is recent ...
    assert all(not s.episode.live for s in score_all(data, [], today=today))  # ... but not scored on old data
    # A core series that is not held at all (no Bund source) leaves the row, with that check n/a.
    del data["bund10y"]
    data["ust10y"] = stress_market("2026-12-03", trigger_back=2)["ust10y"]
    live = score_all(data, [], today=today)[-1]
    assert live.episode.live and live.checks["ust_bund_10y"].result == "n/a"


def test_metrics_engine_closes_the_live_row_when_the_days_pass() -> None:
    from datafeed.metrics import MetricsEngine
    from tui.presenters import metrics_views

    data = stress_market("2026-12-03", trigger_back=2)
    engine = MetricsEngine(episodes=[])
    first = engine.run(data, today=D("2026-12-04"))
    assert [s.episode.id for s in first.scored] == ["live"] and metrics_views(first).score_rows[-1].end == "2026-12-04"
    later = engine.run(data, changed=set(), today=D("2026-12-21"))  # no new data, two weeks on
    assert later.scored == ()
