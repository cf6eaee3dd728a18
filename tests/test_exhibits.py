"""The ten exhibits assembled from small hand-made series: charts, marks and readings.

Every number asserted here can be checked by hand from the inputs built in the test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from datafeed import catalog, exhibits
from datafeed.exhibit_types import ExhibitResult, InputFacts, InputRef
from datafeed.exhibits import EXHIBITS, assemble, assemble_all, get, input_ids, to_json


def const(start: str, end: str, value: float, freq: str = "B") -> pd.Series:
    idx = pd.date_range(start, end, freq=freq)
    return pd.Series(value, index=idx, dtype="float64")


def steps(freq: str, *pieces: tuple[str, str, float]) -> pd.Series:
    """A series made of constant pieces (start, end, value), joined in order."""
    return pd.concat([const(a, b, v, freq) for a, b, v in pieces])


def quarters(start: str, end: str, value: float | list[float]) -> pd.Series:
    idx = pd.date_range(start, end, freq="QS")
    return pd.Series(value, index=idx, dtype="float64")


def series_values(result: ExhibitResult, series_id: str) -> dict[dt.date, float]:
    s = result.get(series_id)
    assert s is not None, f"{result.exhibit_id} has no series {series_id}"
    return dict(zip(s.dates, s.values, strict=True))


# --------------------------------------------------------------------------- the registry


def test_ten_exhibits_in_the_seed_order_with_unique_ids() -> None:
    assert [s.number for s in EXHIBITS] == list(range(1, 11))
    assert len({s.id for s in EXHIBITS}) == 10
    for spec in EXHIBITS:
        assert spec.title and spec.claim and spec.section and spec.rule
        assert "\n" not in spec.claim


def test_pending_inputs_are_exactly_those_not_in_the_catalog() -> None:
    for spec in EXHIBITS:
        for ref in spec.inputs:
            assert (ref.id in catalog.CATALOG) is not ref.pending, f"{spec.id}: {ref.id} pending={ref.pending}"
            if not ref.pending:
                assert ref.source == catalog.CATALOG[ref.id].sources[0].tag
            assert re.fullmatch(r"[a-z]+:.+", ref.source), ref.source


def test_get_takes_an_id_or_a_number() -> None:
    assert get("holders") is get(1) is get("1") is get(" HOLDERS ")
    assert get(10).id == "jgb"
    with pytest.raises(KeyError, match="1/holders"):
        get("nope")
    with pytest.raises(KeyError):
        get(11)
    assert len(input_ids()) == len(set(input_ids()))
    assert {"ig_oas", "z1_row", "equity_nber"} <= set(input_ids())


def test_with_no_data_every_exhibit_names_what_is_missing_and_why() -> None:
    results = assemble_all({})
    assert [r.exhibit_id for r in results] == [s.id for s in EXHIBITS]
    for spec, result in zip(EXHIBITS, results, strict=True):
        assert result.reading.verdict == "n/a"
        assert result.reading.text.startswith(result.reading.text.split(":")[0])
        assert "n/a, missing" in result.reading.text, result.reading.text
        assert result.missing, spec.id
        for m in result.missing:
            assert m.why
        named = [m.input_id for m in result.missing]
        assert any(name.split(" or ")[0] in result.reading.text for name in named)
        assert result.as_of is None
        doc = to_json(spec, result)
        assert doc["reading"] == result.reading.text and doc["as_of"] is None and doc["missing"]


def test_missing_reasons_tell_pending_from_no_data() -> None:
    gfc = assemble("gfc", {})
    assert [m.why for m in gfc.missing] == ["no data from fred:DTWEXBGS", "no data from fred:AAA10Y"]
    assert gfc.reading.text == (
        "GFC 2008-09-12→12-31: n/a, missing usd_broad, aaa10y (no data from fred:DTWEXBGS, fred:AAA10Y)"
    )
    spec = get("gfc")
    proposed = dataclasses.replace(
        spec, inputs=(InputRef("usd_broad", "broad dollar", "fred:PROPOSED", pending=True), spec.input("aaa10y"))
    )
    result = assemble(proposed, {})
    assert result.missing[0].why == "not in the catalog yet; proposed source fred:PROPOSED"
    assert "usd_broad (not in the catalog yet; proposed fred:PROPOSED); aaa10y (no data from fred:AAA10Y)" in (
        result.reading.text
    )


def test_facts_give_the_feeds_reason_and_the_source_that_served() -> None:
    facts = InputFacts(why={"usd_broad": "HTTP 404 from fred", "aaa10y": "HTTP 404 from fred"})
    gfc = assemble("gfc", {}, facts)
    assert gfc.reading.text == "GFC 2008-09-12→12-31: n/a, missing usd_broad, aaa10y (HTTP 404 from fred)"
    assert gfc.missing[0].why == "no data from fred:DTWEXBGS: HTTP 404 from fred"
    ig = const("2016-01-01", "2026-03-31", 1.0)
    credit = assemble("credit", {"ig_oas": ig}, InputFacts(sources={"ig_oas": "demo:ig_oas"}))
    assert credit.sources == ("demo:ig_oas",)
    assert credit.get("ig_oas").source == "demo:ig_oas"
    assert assemble("credit", {"ig_oas": ig}).sources == ("fred:BAMLC0A0CM",)


# --------------------------------------------------------------------------- 1 holders


def holders_data(row_start: float, row_end: float, fed: float = 20.0) -> dict[str, pd.Series]:
    n = 21  # 2020 Q1 .. 2025 Q1: five years
    row = list(np.linspace(row_start, row_end, n))
    return {
        "z1_total": quarters("2020-01-01", "2025-01-01", 200.0),
        "z1_row": quarters("2020-01-01", "2025-01-01", [2 * v for v in row]),
        "z1_fed": quarters("2020-01-01", "2025-01-01", 2 * fed),
        "z1_mutual_funds": quarters("2020-01-01", "2025-01-01", 20.0),
        "z1_mmf": quarters("2020-01-01", "2025-01-01", 10.0),
        "z1_households": quarters("2020-01-01", "2025-01-01", 20.0),
        "z1_banks": quarters("2020-01-01", "2025-01-01", 10.0),
    }


def test_holders_shares_sum_to_100_and_the_reading_follows_the_rule() -> None:
    result = assemble("holders", holders_data(34.0, 30.0))
    ids = [s.id for s in result.series]
    assert ids == ["row", "fed", "mutual_funds", "mmf", "households", "banks", "others"]
    assert all(s.kind == "area" and s.computed and s.unit == "%" for s in result.series)
    last = {s.id: s.values[-1] for s in result.series}
    assert last == pytest.approx(
        {"row": 30.0, "fed": 20.0, "mutual_funds": 10.0, "mmf": 5.0, "households": 10.0, "banks": 5.0, "others": 20.0}
    )
    for i in range(len(result.series[0].dates)):
        assert sum(s.values[i] for s in result.series) == pytest.approx(100.0)
    assert result.reading.text == (
        "RoW share of Treasuries: 30.0 %, −4.0 pp over 5 years (largest holder): consistent with the note"
    )
    assert result.reading.as_of == dt.date(2025, 1, 1)
    assert result.missing == ()


def test_holders_a_rising_share_is_not_consistent_and_names_the_largest() -> None:
    result = assemble("holders", holders_data(25.0, 30.0, fed=35.0))
    assert result.reading.verdict == "not consistent"
    assert "+5.0 pp over 5 years (second to federal reserve)" in result.reading.text


def test_holders_plateau_allows_one_pp() -> None:
    assert assemble("holders", holders_data(29.1, 30.0)).reading.verdict == "consistent"
    assert assemble("holders", holders_data(28.9, 30.0)).reading.verdict == "not consistent"


def test_holders_a_missing_sector_falls_into_others_and_is_named() -> None:
    data = holders_data(34.0, 30.0)
    del data["z1_banks"]
    result = assemble("holders", data)
    assert series_values(result, "others")[dt.date(2025, 1, 1)] == pytest.approx(25.0)
    assert [m.input_id for m in result.missing] == ["z1_banks"]
    assert any("others include z1_banks" in n for n in result.notes)
    assert result.reading.verdict == "consistent"


def test_holders_less_than_five_years_is_na_with_the_level() -> None:
    data = {k: v.loc["2023-01-01":] for k, v in holders_data(34.0, 30.0).items()}
    result = assemble("holders", data)
    assert result.reading.verdict == "n/a"
    assert result.reading.text.startswith("RoW share of Treasuries: 30.0 % (largest holder); 5-year change n/a")


# --------------------------------------------------------------------------- 2 debt


def test_debt_reading_against_100_and_the_pre_gfc_multiple() -> None:
    debt = pd.Series([35.0, 60.0, 105.0], index=pd.DatetimeIndex(["2007-10-01", "2015-01-01", "2025-04-01"]))
    result = assemble("debt", {"debt_gdp": debt})
    assert result.reading.text == (
        "Debt held by the public: 105.0 % of GDP (2025-04-01), 3.0× pre-GFC (35.0 % in 2007 Q4): consistent with the note"
    )
    assert [m.input_id for m in result.missing] == ["cbo_debt_gdp"]
    assert "Excel" in result.missing[0].why
    below = assemble("debt", {"debt_gdp": debt.replace(105.0, 96.4)})
    assert below.reading.verdict == "not consistent"


def test_debt_draws_a_supplied_cbo_path_as_its_own_series() -> None:
    debt = pd.Series([35.0, 100.0], index=pd.DatetimeIndex(["2007-10-01", "2025-04-01"]))
    cbo = pd.Series([101.0, 120.0], index=pd.DatetimeIndex(["2026-01-01", "2035-01-01"]))
    result = assemble("debt", {"debt_gdp": debt, "cbo_debt_gdp": cbo})
    assert [s.id for s in result.series] == ["debt_gdp", "cbo_debt_gdp"]
    assert result.get("cbo_debt_gdp").values == (101.0, 120.0)
    assert result.missing == ()
    assert result.reading.as_of == dt.date(2025, 4, 1)


# --------------------------------------------------------------------------- 3 GFC


def gfc_data(usd_end: float, aaa_end: float) -> dict[str, pd.Series]:
    return {
        "usd_broad": steps("B", ("2008-06-02", "2008-09-12", 100.0), ("2008-09-15", "2009-03-31", usd_end)),
        "aaa10y": steps("B", ("2008-06-02", "2008-09-12", 1.80), ("2008-09-15", "2009-03-31", aaa_end)),
    }


def test_gfc_changes_over_the_window_and_the_band() -> None:
    result = assemble("gfc", gfc_data(108.0, 2.40))
    assert result.reading.text == "GFC 2008-09-12→12-31: broad dollar +8.0 %, Aaa−10Y +60 bp: consistent with the note"
    assert result.reading.as_of == dt.date(2008, 12, 31)
    assert [(b.start, b.end) for b in result.bands] == [(dt.date(2008, 9, 12), dt.date(2008, 12, 31))]
    aaa = result.get("aaa10y")
    assert aaa.unit == "bp" and aaa.axis == "right" and aaa.values[0] == pytest.approx(180.0)
    assert result.get("usd_broad").dates[0] == dt.date(2008, 6, 2)


def test_gfc_a_falling_dollar_is_not_consistent() -> None:
    assert assemble("gfc", gfc_data(95.0, 2.40)).reading.verdict == "not consistent"
    assert assemble("gfc", gfc_data(108.0, 1.50)).reading.verdict == "not consistent"


def test_gfc_without_data_near_the_window_is_na() -> None:
    data = {k: v.loc["2008-10-01":] for k, v in gfc_data(108.0, 2.4).items()}
    result = assemble("gfc", data)
    assert result.reading.verdict == "n/a"
    assert "no observation within 10 days" in result.reading.text


# --------------------------------------------------------------------------- 4 deficits


def test_deficits_primary_is_deficit_minus_interest_and_labelled_computed() -> None:
    years = pd.DatetimeIndex([f"{y}-01-01" for y in range(2019, 2025)])
    deficit_in = pd.Series([4.6, 14.7, 11.9, 5.3, 6.2, 6.3], index=years)  # the catalog turns FRED's sign
    interest = pd.Series([1.5, 1.6, 1.5, 1.9, 2.4, 3.0], index=years)
    result = assemble("deficits", {"deficit_gdp": deficit_in, "interest_gdp": interest})
    deficit = series_values(result, "deficit")
    primary = result.get("primary_deficit")
    assert primary.computed and primary.source == "computed: deficit − net interest"
    assert not result.get("deficit").computed
    for d, v in zip(primary.dates, primary.values, strict=True):
        assert v == pytest.approx(deficit[d] - series_values(result, "net_interest")[d])
    assert deficit[dt.date(2020, 1, 1)] == pytest.approx(14.7)
    assert primary.values[-1] == pytest.approx(3.3)
    assert result.reading.text == (
        "FY2024: deficit 6.3 %, net interest 3.0 %, primary deficit 3.3 % of GDP (computed); "
        "net interest +1.5 pp over 5 years: consistent with the note"
    )


def test_deficits_falling_interest_is_not_consistent_and_short_history_is_na() -> None:
    years = pd.DatetimeIndex([f"{y}-01-01" for y in range(2019, 2025)])
    data = {
        "deficit_gdp": pd.Series(3.0, index=years),
        "interest_gdp": pd.Series(np.linspace(3, 2, 6), index=years),
    }
    assert assemble("deficits", data).reading.verdict == "not consistent"
    short = {k: v.iloc[-3:] for k, v in data.items()}
    assert assemble("deficits", short).reading.verdict == "n/a"


# --------------------------------------------------------------------------- 5 basis analogue


def test_basis_pickups_by_tenor_and_missing_tenors_named() -> None:
    days = ("2026-02-16", "2026-02-27")
    data = {
        "bund10y": const(*days, 2.5),
        "estr": const(*days, 2.0),
        "sofr": const(*days, 4.0),
        "ust10y": const(*days, 4.2),
        "jgb30y": const(*days, 3.4),
        "tona": const(*days, 0.7),
        "ust30y": const(*days, 4.7),
    }
    result = assemble("basis", data)
    assert [s.id for s in result.series] == ["bund10y", "jgb30y"]
    assert result.get("bund10y").values[-1] == pytest.approx(30.0)  # (2.5 + 4.0 − 2.0 − 4.2) × 100
    assert result.get("jgb30y").values[-1] == pytest.approx(200.0)  # (3.4 + 4.0 − 0.7 − 4.7) × 100
    assert result.reading.text == (
        "Overnight-hedged pickup over Treasuries: Bund 10Y +30, JGB 30Y +200 bp (2 of 2 above 0): consistent with the note"
    )
    assert {m.input_id for m in result.missing} == {"jgb10y", "jgb20y", "ust20y"}
    data["bund10y"] = const(*days, 1.0)
    data["jgb30y"] = const(*days, 1.0)
    assert assemble("basis", data).reading.verdict == "not consistent"


# --------------------------------------------------------------------------- 6 tariff shock


def test_tariff_daily_spread_and_dollar_over_the_shock() -> None:
    data = {
        "ust10y": steps("B", ("2024-04-01", "2025-04-02", 4.20), ("2025-04-03", "2025-04-30", 4.48)),
        "bund10y": steps("B", ("2024-04-01", "2025-04-02", 2.70), ("2025-04-03", "2025-04-30", 2.55)),
        "eurusd": steps("B", ("2024-04-01", "2025-04-02", 1.08), ("2025-04-03", "2025-04-30", 1.13)),
    }
    result = assemble("tariff", data)
    assert result.reading.text == (
        "Tariff shock 2025-04-02→04-11: UST−Bund 10Y +43 bp, dollar −4.4 % vs euro: consistent with the note"
    )
    spread = result.get("spread")
    assert spread.computed and spread.values[0] == pytest.approx(150.0) and spread.dates[0] == dt.date(2024, 4, 1)
    assert result.get("eurusd").axis == "right"
    assert [b.label for b in result.bands] == ["Tariff shock"]
    assert result.notes == ()


def test_tariff_with_a_monthly_bund_compares_monthly_averages() -> None:
    data = {
        "ust10y": steps("B", ("2025-01-01", "2025-03-31", 4.3), ("2025-04-01", "2025-04-30", 4.4)),
        "bund10y": pd.Series([2.5, 2.6, 2.75, 2.55], index=pd.date_range("2025-01-01", periods=4, freq="MS")),
        "eurusd": steps("B", ("2025-01-01", "2025-03-31", 1.08), ("2025-04-01", "2025-04-30", 1.12)),
    }
    result = assemble("tariff", data)
    assert result.reading.text == (
        "Tariff shock (March → April 2025 averages): UST−Bund 10Y +30 bp, dollar −3.6 % vs euro: "
        "consistent with the note"
    )
    assert "monthly" in result.notes[0]
    # averages are dated by their month's first day: the labels say they are averages
    assert [s.label for s in result.series] == ["UST − Bund 10Y (monthly avg)", "EUR/USD (monthly avg)"]
    data["eurusd"] = steps("B", ("2025-01-01", "2025-03-31", 1.12), ("2025-04-01", "2025-04-30", 1.08))
    assert assemble("tariff", data).reading.verdict == "not consistent"


# --------------------------------------------------------------------------- 7 net purchases


def test_flows_four_quarter_sums_and_the_row_share_rule() -> None:
    idx = pd.date_range("2000-01-01", "2025-10-01", freq="QS")
    row = pd.Series(20.0, index=idx)
    row[(idx >= "2000-01-01") & (idx <= "2009-10-01")] = 50.0
    row.iloc[-8:] = 10.0
    data = {
        "z1_flow_total": pd.Series(100.0, index=idx),
        "z1_flow_row": row,
        "z1_flow_fed": pd.Series(10.0, index=idx),
        "z1_flow_mmf": pd.Series(5.0, index=idx),
    }
    result = assemble("flows", data)
    assert [s.id for s in result.series] == ["row", "fed", "mmf", "others"]
    assert all(s.kind == "bar" and s.computed for s in result.series)
    assert series_values(result, "row")[dt.date(2000, 10, 1)] == 200.0
    assert series_values(result, "others")[dt.date(2000, 10, 1)] == 140.0  # 4 × (100 − 50 − 10 − 5)
    assert result.get("row").dates[0] == dt.date(2000, 10, 1)
    assert result.reading.text == (
        "RoW share of net Treasury purchases: 10 % over the last 8 quarters vs 50 % in 2000–2009: consistent with the note"
    )
    data["z1_flow_row"] = pd.Series(60.0, index=idx)
    assert assemble("flows", data).reading.verdict == "not consistent"


def test_flows_negative_issuance_is_na_not_a_share() -> None:
    idx = pd.date_range("2000-01-01", "2025-10-01", freq="QS")
    total = pd.Series(100.0, index=idx)
    total.iloc[-8:] = -10.0
    result = assemble("flows", {"z1_flow_total": total, "z1_flow_row": pd.Series(5.0, index=idx)})
    assert result.reading.verdict == "n/a" and "not positive" in result.reading.text
    assert {m.input_id for m in result.missing} == {"z1_flow_fed", "z1_flow_mmf"}


# --------------------------------------------------------------------------- 8 stock-bond


def stock_bond_daily(n_levels: int, sign: float) -> dict[str, pd.Series]:
    """Alternating ±1 % equity moves; the yield moves −1 bp with each up-move when sign > 0."""
    idx = pd.bdate_range("2024-01-01", periods=n_levels)
    moves = np.array([1.0 if i % 2 else -1.0 for i in range(n_levels - 1)])
    spx = 100.0 * np.concatenate([[1.0], np.cumprod(1 + moves / 100)])
    ust = 4.0 + np.concatenate([[0.0], np.cumsum(-sign * moves / 100)])
    return {"spx": pd.Series(spx, index=idx), "ust10y": pd.Series(ust, index=idx)}


def test_stock_bond_daily_window_of_252_changes() -> None:
    result = assemble("stock_bond", stock_bond_daily(253, +1.0))
    daily = result.get("corr_daily")
    assert len(daily.values) == 1 and daily.values[0] == pytest.approx(1.0)
    assert result.reading.text.startswith("Stock–bond correlation (252 days to ")
    assert result.reading.verdict == "consistent"
    assert assemble("stock_bond", stock_bond_daily(253, -1.0)).reading.verdict == "not consistent"
    short = assemble("stock_bond", stock_bond_daily(252, +1.0))
    assert short.reading.verdict == "n/a" and short.get("corr_daily") is None
    assert [b.start for b in result.bands] == [dt.date(2000, 1, 1)]
    assert {m.input_id for m in result.missing} == {
        "equity_nber",
        "equity_oecd",
        "ust_long_1919",
        "ust_long_1941",
        "ust10y_monthly",
    }


def test_stock_bond_monthly_splice_and_era_average() -> None:
    months_a = pd.date_range("1995-01-01", "1999-12-01", freq="MS")
    months_b = pd.date_range("2000-01-01", "2021-12-01", freq="MS")
    rng = np.random.default_rng(7)
    eq_b_moves = rng.normal(0, 1, len(months_b))
    data = {
        # NBER segment 1995–1999 (a stand-in span), OECD from 2000: equity and yield move together.
        "equity_nber": pd.Series(100 * np.cumprod(1 + rng.normal(0, 1, len(months_a)) / 100), index=months_a),
        "equity_oecd": pd.Series(100 * np.cumprod(1 + eq_b_moves / 100), index=months_b),
        "ust_long_1941": pd.Series(5 + np.cumsum(rng.normal(0, 0.1, len(months_a))), index=months_a),
        # GS10 from 2000: yields rise when stocks rise → bond returns fall with stocks (negative era).
        "ust10y_monthly": pd.Series(4 + np.cumsum(eq_b_moves / 10), index=months_b),
    }
    result = assemble("stock_bond", data)
    monthly = result.get("corr_monthly")
    assert monthly is not None and monthly.dates[0] == dt.date(1998, 1, 1)  # the 36th change from 1995-02
    assert monthly.values[-1] == pytest.approx(-1.0)
    assert result.reading.text.startswith("Stock–bond correlation (36 months to 2021-12-01): −1.00; 2000–2020 average")
    assert result.reading.verdict == "not consistent"
    assert any(
        n.startswith("equity % change: equity_nber 1995-02–1999-12, then equity_oecd 2000-02–") for n in result.notes
    )
    assert any("ust_long_1941" in n and "ust10y_monthly" in n for n in result.notes)


# --------------------------------------------------------------------------- 9 credit


def test_credit_against_the_trailing_ten_year_mean_and_the_seed_point() -> None:
    ig = const("2014-01-01", "2026-06-15", 1.20, freq="D")
    ig.iloc[-1] = 0.80
    result = assemble("credit", {"ig_oas": ig})
    assert result.reading.text == (
        "IG OAS 80 bp (2026-06-15) vs trailing 10-year mean 120 bp: −40 bp; on 2026-02-26 120 vs 120 bp "
        "(seed: 82 vs 119): consistent with the note"
    )
    mean = result.get("ig_mean")
    assert mean.computed and mean.values[0] == pytest.approx(120.0)
    assert [(m.date, m.value) for m in result.markers] == [(dt.date(2026, 2, 26), 82.0)]
    assert [line.value for line in result.lines] == [119.0]
    assert [m.input_id for m in result.missing] == ["hy_oas"]


def test_credit_short_history_uses_what_is_held_and_no_seed_mark_outside_the_data() -> None:
    ig = const("2020-01-01", "2021-12-31", 1.0, freq="D")
    ig.iloc[-1] = 1.5
    result = assemble("credit", {"ig_oas": ig, "hy_oas": ig * 4})
    assert "vs mean since 2020-01-01 (less than 10 years held)" in result.reading.text
    assert result.reading.verdict == "not consistent"
    assert result.markers == ()
    assert result.get("hy_oas").axis == "right" and result.missing == ()


# --------------------------------------------------------------------------- 10 JGB hedged


def jgb_data(**override: pd.Series) -> dict[str, pd.Series]:
    days = ("2026-02-16", "2026-03-06")
    data = {
        "jgb30y": const(*days, 3.366),
        "sofr": const(*days, 3.67),
        "tona": const(*days, 0.73),
        "ust30y": const(*days, 4.67),
    }
    data.update(override)
    return data


def test_jgb_hedged_yield_pickup_and_the_seed_point() -> None:
    result = assemble("jgb", jgb_data())
    assert result.get("pickup").values[-1] == pytest.approx(163.6)
    assert result.get("jgb_hedged").values[-1] == pytest.approx(6.306)
    assert result.get("pickup").axis == "right"
    assert [(m.date, m.value) for m in result.markers] == [(dt.date(2026, 2, 26), 175.0)]
    assert result.reading.text == (
        "Hedged 30Y JGB over 30Y UST: +164 bp (2026-03-06); +164 bp on 2026-02-26 (seed: +175): consistent with the note"
    )
    assert result.missing == ()


def test_jgb_falls_back_to_jpy3m_and_says_so() -> None:
    result = assemble(
        "jgb", jgb_data(tona=pd.Series(dtype="float64"), jpy3m=pd.Series([0.9], index=pd.DatetimeIndex(["2026-02-01"])))
    )
    assert result.get("pickup").values[-1] == pytest.approx(146.6)
    assert [m.input_id for m in result.missing] == ["tona"]
    assert any("jpy3m" in n for n in result.notes)


def test_jgb_without_february_2026_has_no_seed_mark_and_negative_is_not_consistent() -> None:
    days = ("2025-06-02", "2025-06-13")
    data = {
        "jgb30y": const(*days, 2.9),
        "sofr": const(*days, 4.3),
        "tona": const(*days, 0.5),
        "ust30y": const(*days, 4.9),
    }
    result = assemble("jgb", data)
    assert result.markers == ()
    assert result.reading.text == "Hedged 30Y JGB over 30Y UST: +180 bp (2025-06-13): consistent with the note"
    data["jgb30y"] = const(*days, 0.5)
    assert assemble("jgb", data).reading.verdict == "not consistent"


def test_jgb_inputs_that_never_meet_are_na_without_inventing_a_value() -> None:
    result = assemble("jgb", jgb_data(tona=const("2025-01-06", "2025-01-17", 0.25)))
    assert result.reading.verdict == "n/a"
    assert "never share a date" in result.reading.text
    assert result.series == ()


def test_to_json_has_the_contract_keys() -> None:
    spec = exhibits.get("jgb")
    doc = to_json(spec, assemble(spec, jgb_data()))
    assert {"id", "title", "claim", "reading", "as_of", "sources"} <= set(doc)
    assert doc["as_of"] == "2026-03-06"
    assert doc["sources"] == [catalog.CATALOG[i].sources[0].tag for i in ("jgb30y", "sofr", "tona", "ust30y")]
