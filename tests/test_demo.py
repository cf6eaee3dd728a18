"""Tests for the synthetic DEMO market (datafeed/demo.py, DESIGN.md §6).

The demo must look like a market (every instrument, plausible levels and volatilities,
business days) and tell the thesis when scored by the §4 rules, for any seed, while
staying deterministic so screenshots and tests are reproducible.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest

from datafeed import demo
from datafeed.catalog import CATALOG, INSTRUMENTS
from datafeed.demo import DEMO_LABEL, DemoMarket, is_demo_source
from datafeed.models import Observation

END = dt.date(2026, 11, 20)
"""Fixed end so the tests do not depend on today's date."""


@pytest.fixture(scope="module")
def market() -> DemoMarket:
    return DemoMarket(seed=7, end=END)


@pytest.fixture(scope="module")
def series(market: DemoMarket) -> dict[str, pd.Series]:
    return market.history_series()


@pytest.fixture(scope="module")
def observations(market: DemoMarket) -> list[Observation]:
    return market.history()


# --------------------------------------------------------------------------- §4 scoring

EPISODES = {
    "gfc-2008": ("2008-09-12", "2008-12-31"),
    "downgrade-2011": ("2011-07-29", "2011-08-10"),
    "china-2015": ("2015-08-17", "2015-08-25"),
    "brexit-2016": ("2016-06-23", "2016-06-27"),
    "covid-2020": ("2020-03-09", "2020-03-18"),
    "svb-2023": ("2023-03-08", "2023-03-17"),
    "carry-2024": ("2024-07-31", "2024-08-05"),
    "tariff-2025": ("2025-04-02", "2025-04-11"),
}


def _asof(s: pd.Series, day: str) -> float:
    """Last observation on or before ``day`` (DESIGN.md §4 v0/v1)."""
    return float(s.loc[: pd.Timestamp(day)].iloc[-1])


def _core_changes(s: Mapping[str, pd.Series], start: str, end: str) -> dict[str, float]:
    """ust10y and ust10y − bund10y in bp, usd_broad in %, as §4 defines them."""
    spread = (s["ust10y"] - s["bund10y"]).dropna()
    return {
        "ust10y": 100 * (_asof(s["ust10y"], end) - _asof(s["ust10y"], start)),
        "usd": 100 * (_asof(s["usd_broad"], end) / _asof(s["usd_broad"], start) - 1),
        "ust_bund_10y": 100 * (_asof(spread, end) - _asof(spread, start)),
    }


def _verdict(changes: Mapping[str, float]) -> str:
    """§4 verdict from the three core checks (thresholds 5 bp, 0.5 %, 5 bp)."""
    expected = {"ust10y": (-1, 5.0), "usd": (1, 0.5), "ust_bund_10y": (-1, 5.0)}
    results = {}
    for key, (sign, threshold) in expected.items():
        c = changes[key]
        results[key] = "flat" if abs(c) < threshold else ("pass" if c * sign > 0 else "fail")
    fails = sum(r == "fail" for r in results.values())
    if all(r == "pass" for r in results.values()):
        return "haven"
    if results["ust10y"] == "fail" or fails >= 2:
        return "broken"
    return "mixed"


# --------------------------------------------------------------------------- shape


def test_every_catalog_instrument_is_present_and_tagged_demo(
    series: dict[str, pd.Series], observations: list[Observation]
) -> None:
    # Every instrument with a source of its own; spreads are derived from these by the store.
    stored = {i for i, inst in CATALOG.items() if inst.derived is None}
    assert stored < set(CATALOG)
    assert set(series) == stored
    assert {o.instrument for o in observations} == stored
    assert len(observations) == sum(len(s) for s in series.values())
    assert all(o.source == f"demo:{o.instrument}" and not o.intraday and o.time is None for o in observations)
    assert is_demo_source("demo:ust10y") and not is_demo_source("fred:DGS10") and not is_demo_source(None)
    assert DEMO_LABEL == "DEMO"
    assert "SYNTHETIC" in (demo.__doc__ or "")


def test_series_are_float_ascending_named(series: dict[str, pd.Series]) -> None:
    for inst_id, s in series.items():
        assert s.name == inst_id
        assert s.dtype == np.float64
        assert isinstance(s.index, pd.DatetimeIndex) and s.index.dtype == "datetime64[ns]"
        assert s.index.is_monotonic_increasing and s.index.is_unique
        assert np.isfinite(s.to_numpy()).all()
        assert s.index[-1].date() <= END


def test_values_stay_within_catalog_bounds(series: dict[str, pd.Series]) -> None:
    for inst_id, s in series.items():
        inst = CATALOG[inst_id]
        assert inst.lo <= s.min() and s.max() <= inst.hi, inst_id


def test_dates_follow_each_instruments_frequency(series: dict[str, pd.Series]) -> None:
    for inst in INSTRUMENTS:
        if inst.derived is not None:
            continue
        idx = series[inst.id].index
        if inst.frequency == "daily":
            assert (idx.day_of_week < 5).all(), inst.id
            full = pd.bdate_range(idx[0], idx[-1])
            assert len(idx) == len(full), f"{inst.id} skips business days"
        elif inst.frequency == "weekly":  # Wednesday levels (H.4.1), one a week
            assert (idx.day_of_week == 2).all(), inst.id
            assert (idx.to_series().diff().dropna() == pd.Timedelta(days=7)).all(), inst.id
        elif inst.frequency == "monthly":
            assert (idx.day == 1).all(), inst.id
        elif inst.frequency == "annual":
            assert ((idx.day == 1) & (idx.month == 1)).all(), inst.id
        else:
            assert inst.frequency == "quarterly", inst.id
            assert ((idx.day == 1) & (idx.month.isin([1, 4, 7, 10]))).all(), inst.id
    assert series["ust10y"].index[-1].date() == END
    # A quarter is published a couple of months after it ends, as FRED does.
    assert series["debt_gdp"].index[-1] == pd.Timestamp("2026-04-01")
    # A Wednesday level is out the next day; a fiscal-year ratio the spring after the year.
    assert series["custody_official"].index[-1] == pd.Timestamp("2026-11-18")  # END is a Friday
    assert series["interest_gdp"].index[-1] == pd.Timestamp("2025-01-01")


def test_instruments_missing_where_their_real_counterparts_are(series: dict[str, pd.Series]) -> None:
    assert series["sofr"].index[0] >= pd.Timestamp("2018-01-01")
    assert series["sofr"].index[0] <= pd.Timestamp("2018-12-31")
    assert series["estr"].index[0] == pd.Timestamp("2019-10-01")
    assert series["jpy3m"].index[-1] == pd.Timestamp("2024-12-01")
    assert series["ust10y"].index[0] == pd.Timestamp("2000-01-03")


def test_levels_and_units_are_realistic(series: dict[str, pd.Series]) -> None:
    s = series
    ust_bp = s["ust10y"].diff().dropna() * 100
    assert 3.0 < ust_bp.std() < 10.0
    spx_ret = s["spx"].pct_change().dropna() * 100
    assert 0.6 < spx_ret.std() < 2.0
    assert spx_ret.kurt() > 3.0, "equity returns should have fat tails"
    assert 9.0 <= s["vix"].min() and s["vix"].max() <= 100.0
    assert s["vix"].median() < 25.0
    # foreign_holdings is USD bn and debt_public USD mn: the share must be a sane percent.
    share = 100 * s["foreign_holdings"] * 1000 / s["debt_public"]
    assert share.between(25, 55).all()
    assert s["debt_gdp"].iloc[0] < 40 and s["debt_gdp"].iloc[-1] > 100
    assert s["debt_public"].iloc[-1] > 2e7  # USD mn, i.e. more than 20 trillion
    # the curve: long end above the bill on average, the 2023 inversion visible
    assert (s["ust30y"] - s["ust3m"]).mean() > 0.5
    assert (s["ust10y"] - s["ust3m"]).loc["2023"].mean() < 0
    # FX: EUR/USD moves against the broad dollar
    both = pd.concat([s["eurusd"].pct_change(), s["usd_broad"].pct_change()], axis=1).dropna()
    assert both.corr().iloc[0, 1] < -0.5


# --------------------------------------------------------------------------- determinism


def _same(a: Mapping[str, pd.Series], b: Mapping[str, pd.Series]) -> bool:
    return a.keys() == b.keys() and all(
        a[k].index.equals(b[k].index) and np.array_equal(a[k].to_numpy(), b[k].to_numpy()) for k in a
    )


def test_same_seed_same_history_and_other_seed_differs(
    market: DemoMarket, series: dict[str, pd.Series], observations: list[Observation]
) -> None:
    assert _same(DemoMarket(seed=7, end=END).history_series(), series)
    short_end = dt.date(2003, 6, 30)
    assert DemoMarket(seed=7, end=short_end).history() == DemoMarket(seed=7, end=short_end).history()
    assert market.history() is not observations  # a fresh list each call
    assert market.history() == observations
    other = DemoMarket(seed=8, end=END).history_series()
    assert not np.array_equal(other["spx"].to_numpy(), series["spx"].to_numpy())


def test_later_end_extends_history_without_rewriting_it(series: dict[str, pd.Series]) -> None:
    short = DemoMarket(seed=7, end=dt.date(2019, 6, 28)).history_series()
    assert short["estr"].empty  # €STR did not exist yet
    for inst_id, s in short.items():
        if s.empty:
            continue
        head = series[inst_id].loc[: s.index[-1]]
        assert head.index.equals(s.index), inst_id
        assert np.array_equal(head.to_numpy(), s.to_numpy()), inst_id


def test_fast_observations_equal_the_dataclass_constructor(observations: list[Observation]) -> None:
    sample = observations[:: len(observations) // 50]
    assert all(o == Observation(o.instrument, o.date, o.value, o.source) for o in sample)
    assert all(type(o.date) is dt.date and type(o.value) is float for o in sample)


def test_end_before_start_is_refused() -> None:
    with pytest.raises(ValueError):
        DemoMarket(end=dt.date(1999, 1, 1))


def test_default_end_leaves_today_to_ticks() -> None:
    m = DemoMarket()
    assert m.end < dt.date.today() and m.end.weekday() < 5


# --------------------------------------------------------------------------- the thesis


@pytest.mark.parametrize("seed", [7, 2024])
def test_crisis_windows_reproduce_the_thesis(seed: int, series: dict[str, pd.Series]) -> None:
    s = series if seed == 7 else DemoMarket(seed=seed, end=END).history_series()
    gfc = _core_changes(s, *EPISODES["gfc-2008"])
    assert gfc["ust10y"] <= -50 and gfc["usd"] >= 2.0 and gfc["ust_bund_10y"] <= -10
    covid = _core_changes(s, *EPISODES["covid-2020"])
    assert covid["ust10y"] >= 30
    tariff = _core_changes(s, *EPISODES["tariff-2025"])
    assert tariff["ust10y"] >= 15 and tariff["usd"] <= -1.0 and tariff["ust_bund_10y"] >= 15
    start, end = EPISODES["covid-2020"]
    assert _asof(s["vix"], end) - _asof(s["vix"], start) >= 10
    assert _asof(s["spx"], end) / _asof(s["spx"], start) - 1 <= -0.05
    verdicts = {e: _verdict(_core_changes(s, *w)) for e, w in EPISODES.items()}
    assert verdicts == {
        "gfc-2008": "haven",
        "downgrade-2011": "haven",
        "china-2015": "mixed",
        "brexit-2016": "haven",
        "covid-2020": "broken",
        "svb-2023": "mixed",
        "carry-2024": "mixed",
        "tariff-2025": "broken",
    }


def _corr(s: Mapping[str, pd.Series], a: str, b: str, kinds: tuple[str, str], lo: str, hi: str) -> float:
    frame = pd.concat([s[a], s[b]], axis=1).loc[lo:hi]
    x = frame.iloc[:, 0].pct_change() if kinds[0] == "%" else frame.iloc[:, 0].diff()
    y = frame.iloc[:, 1].pct_change() if kinds[1] == "%" else frame.iloc[:, 1].diff()
    return float(x.corr(y))


def test_stock_bond_correlation_flips_positive_after_2022(series: dict[str, pd.Series]) -> None:
    # spx % returns against bond returns (−Δust10y), as in DESIGN.md §3
    old = -_corr(series, "spx", "ust10y", ("%", "d"), "2005", "2019")
    new = -_corr(series, "spx", "ust10y", ("%", "d"), "2022-06", "2026")
    assert old < -0.2
    assert new > 0.15


def test_recent_regime_reads_eroding(series: dict[str, pd.Series]) -> None:
    s = series
    last = {k: float(v.iloc[-1]) for k, v in s.items()}
    ten_years = pd.Timestamp(END) - pd.DateOffset(years=10)
    assert last["ig_oas"] < s["ig_oas"].loc[ten_years:].mean() - 0.15
    assert last["aaa10y"] < s["aaa10y"].loc[ten_years:].median()
    for tenor in ("20y", "30y"):
        pickup = last[f"jgb{tenor}"] + last["sofr"] - last["tona"] - last[f"ust{tenor}"]
        assert pickup > 0, tenor
    old = _corr(s, "usd_broad", "vix", ("%", "d"), "2010", "2019")
    recent = _corr(s, "usd_broad", "vix", ("%", "d"), "2025-11", "2026-11")
    assert old > 0.15 and recent < old


# --------------------------------------------------------------------------- ticks


def test_ticks_are_deterministic_intraday_and_start_from_the_close(series: dict[str, pd.Series]) -> None:
    now = dt.datetime(2026, 11, 23, 15, 30, tzinfo=dt.UTC)  # a Monday after END
    a, b = DemoMarket(seed=7, end=END), DemoMarket(seed=7, end=END)
    run_a = [a.tick(now + dt.timedelta(seconds=5 * i)) for i in range(20)]
    run_b = [b.tick(now + dt.timedelta(seconds=5 * i)) for i in range(20)]
    assert [[o.value for o in t] for t in run_a] == [[o.value for o in t] for t in run_b]
    assert a.ticks_taken == 20
    intraday_ids = {i.id for i in INSTRUMENTS if i.intraday is not None}
    first = run_a[0]
    assert {o.instrument for o in first} == intraday_ids
    for o in first:
        assert o.intraday and o.time == now and o.date == now.date()
        assert o.source == f"demo:{o.instrument}"
        close = float(series[o.instrument].iloc[-1])
        assert abs(o.value / close - 1) < 0.02, o.instrument
        inst = CATALOG[o.instrument]
        assert inst.lo <= o.value <= inst.hi
    assert [o.value for o in run_a[0]] != [o.value for o in run_a[-1]]


def test_weekend_ticks_are_dated_friday() -> None:
    m = DemoMarket(seed=7, end=dt.date(2026, 11, 19))
    saturday = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
    assert {o.date for o in m.tick(saturday)} == {dt.date(2026, 11, 20)}


def test_weekend_ticks_are_stamped_at_fridays_close() -> None:
    """A Sunday tick is Friday's quote: its clock says Friday's close, not Sunday's time
    (issue 17: Friday's date with Sunday's clock made a quote younger than its date)."""
    m = DemoMarket(seed=7, end=dt.date(2026, 11, 19))
    sunday = dt.datetime(2026, 11, 22, 14, 5, tzinfo=dt.UTC)
    quotes = m.tick(sunday)
    assert {o.time for o in quotes} == {dt.datetime(2026, 11, 20, 21, 0, tzinfo=dt.UTC)}
    assert all(o.time is not None and o.time.date() == o.date for o in quotes)
    friday = dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)
    assert {o.time for o in m.tick(friday)} == {friday}  # a weekday quote keeps its clock


def test_load_demo_fills_a_store_like_history() -> None:
    from datafeed.demo import load_demo
    from datafeed.models import Status
    from datafeed.store import SeriesStore

    end = dt.date(2026, 11, 20)
    fast = SeriesStore()
    load_demo(fast, DemoMarket(end=end))
    slow = SeriesStore()
    slow.apply(DemoMarket(end=end).history())
    for inst_id in fast.catalog:
        assert fast.official(inst_id).equals(slow.official(inst_id)), inst_id
        assert fast.state[inst_id].status is Status.FRESH
        derived = fast.catalog[inst_id].derived
        tag = derived.tag if derived is not None else f"demo:{inst_id}"
        assert fast.latest(inst_id).source == tag  # type: ignore[union-attr]


# --------------------------------------------------------------------------- data, not code


def test_every_builtin_instrument_has_one_demo_spec() -> None:
    assert set(demo.SPECS) == {i.id for i in INSTRUMENTS if i.derived is None}


def test_shocks_are_keyed_by_episode_id_and_repeat_no_dates() -> None:
    """A shock names its episode; only the COVID onset (no episode) carries dates of its own."""
    from datafeed import crises

    episodes = {e.id: (e.start, e.end) for e in crises.BUILTIN_EPISODES}
    own = {key: shock.window for key, shock in demo._SHOCKS.items() if shock.window is not None}
    assert set(demo._SHOCKS) - set(own) <= set(episodes)
    assert own == {"covid-onset": (dt.date(2020, 2, 20), dt.date(2020, 3, 9))}
    assert not set(own.values()) & set(episodes.values())


def test_moving_an_episode_moves_its_demo_shock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo reads the episode's dates: shift the tariff episode and the +35 bp move follows."""
    from datafeed import crises

    moved = [
        dataclasses.replace(e, start=dt.date(2025, 6, 2), end=dt.date(2025, 6, 11)) if e.id == "tariff-2025" else e
        for e in crises.BUILTIN_EPISODES
    ]
    monkeypatch.setattr(crises, "BUILTIN_EPISODES", tuple(moved))
    s = DemoMarket(seed=7, end=END).history_series()
    move = 100 * (_asof(s["ust10y"], "2025-06-11") - _asof(s["ust10y"], "2025-06-02"))
    assert move == pytest.approx(35.0, abs=1.0)  # the calibrated move, to the published 0.01 %


def test_an_unknown_shock_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(demo._SHOCKS, "no-such-episode", demo._Shock({"ust10y": -10}))
    with pytest.raises(ValueError, match="'no-such-episode' is no built-in episode"):
        DemoMarket(seed=7, end=END).history_series()


def test_a_spec_with_an_anchor_is_enough_for_a_new_instrument(monkeypatch: pytest.MonkeyPatch) -> None:
    """A built-in added to the catalog with a spec row (anchor, noise) gets a demo series, at
    any frequency, and the other instruments' paths do not move."""
    from datafeed.catalog import Instrument, SourceRef

    before = DemoMarket(seed=7, end=END).history_series()
    weekly = Instrument("walcl_demo", "Fed assets", "USD bn", "%", (SourceRef("fred", "WALCL", "weekly"),), 1, 1e5)
    annual = Instrument("outlays_demo", "Outlays", "USD bn", "%", (SourceRef("fred", "X", "annual"),), 1, 1e5)
    monkeypatch.setattr(demo, "INSTRUMENTS", (*INSTRUMENTS, weekly, annual))
    anchor = demo._knots("2000-01 700, 2026-06 6700")
    monkeypatch.setitem(demo.SPECS, "walcl_demo", demo.DemoSpec(1, anchor=anchor, vol=0.002))
    monkeypatch.setitem(demo.SPECS, "outlays_demo", demo.DemoSpec(0, anchor=anchor, vol=0.002))
    after = DemoMarket(seed=7, end=END).history_series()
    for inst_id, values in before.items():
        assert after[inst_id].equals(values), inst_id
    w, a = after["walcl_demo"], after["outlays_demo"]
    assert set(w.index.day_of_week) == {2} and (w.index[1:] - w.index[:-1]).days.max() == 7  # Wednesday levels
    assert w.loc["2026-06"].iloc[0] == pytest.approx(6700, rel=0.05) and w.round(1).equals(w)
    assert list(a.index.month.unique()) == [1] and a.index[-1] == pd.Timestamp("2025-01-01")


def test_a_user_instrument_has_no_demo_series_and_says_so() -> None:
    from datafeed.catalog import CATALOG, instrument_from_mapping
    from datafeed.demo import NO_DEMO_SERIES, load_demo
    from datafeed.models import Status
    from datafeed.store import SeriesStore

    mine = instrument_from_mapping({"id": "mine", "unit": "%", "sources": ["fred:MINE"]}, sources=["fred"])
    store = SeriesStore(CATALOG.extended([mine]))
    load_demo(store, DemoMarket(end=END))
    assert not store.has_data("mine")
    assert store.state["mine"].status is Status.MISSING and store.state["mine"].last_error == NO_DEMO_SERIES
    assert store.state["ust10y"].status is Status.FRESH
