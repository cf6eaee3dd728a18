"""Units and horizons on screen: each value with its unit, each change with its horizon.

Display only: IG and HY OAS are shown in bp (×100) as traders quote them, while JSON and
exports keep the catalog unit (% as FRED publishes it).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from datafeed.catalog import CATALOG
from datafeed.models import Batch
from datafeed.snapshot import series_json
from datafeed.store import SeriesStore
from datafeed.summary import SummaryEntry
from tui import presenters
from tui.rows import summary_row

TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 21, 0, tzinfo=dt.UTC)


def store_with(values: dict[str, list[tuple[str, float]]]) -> SeriesStore:
    store = SeriesStore(today=lambda: TODAY)
    for inst_id, points in values.items():
        tag = CATALOG[inst_id].sources[0].tag
        store.apply([Batch(inst_id, tag, [dt.date.fromisoformat(d) for d, _ in points], [v for _, v in points])])
    return store


@pytest.fixture
def store() -> SeriesStore:
    return store_with(
        {
            "ust10y": [("2026-11-24", 4.10), ("2026-11-25", 4.12)],
            "ig_oas": [("2026-11-24", 0.84), ("2026-11-25", 0.86)],
            "debt_public": [("2026-04-01", 36_000_000.0), ("2026-07-01", 36_500_000.0)],
            "foreign_holdings": [("2026-04-01", 9_000.0), ("2026-07-01", 9_100.0)],
            "jpy3m": [("2024-11-01", 0.40), ("2024-12-01", 0.41)],
            "custody_official": [("2026-11-11", 2900.0), ("2026-11-18", 2910.0)],
            "interest_outlays": [("2024-01-01", 880.0), ("2025-01-01", 970.0)],
        }
    )


@pytest.mark.parametrize(
    ("inst_id", "shown", "unit", "horizon", "change"),
    [
        ("ust10y", "4.120 %", "%", "1D", 2.0),
        ("ig_oas", "86 bp", "bp", "1D", 2.0),
        ("debt_public", "36,500,000 USD mn", "USD mn", "1Q", 100 * 0.5 / 36),
        ("foreign_holdings", "9,100 USD bn", "USD bn", "1Q", 100 * 100 / 9000),
        ("jpy3m", "0.410 %", "%", "1M", 1.0),
        ("custody_official", "2,910 USD bn", "USD bn", "1W", 100 * 10 / 2900),
        ("interest_outlays", "970 USD bn", "USD bn", "1Y", 100 * 90 / 880),
    ],
)
def test_table_rows_carry_unit_and_horizon(
    store: SeriesStore, inst_id: str, shown: str, unit: str, horizon: str, change: float
) -> None:
    row = presenters.table_row(store, inst_id, TODAY, NOW)
    assert f"{row.value:,.{row.decimals}f} {row.unit}" == shown
    assert (row.unit, row.change_horizon) == (unit, horizon)
    assert row.change == pytest.approx(change)


def test_oas_is_shown_in_bp_but_json_keeps_percent(store: SeriesStore) -> None:
    row = presenters.table_row(store, "ig_oas", TODAY, NOW)
    assert (row.value, row.decimals, row.unit, row.change_unit) == (86.0, 0, "bp", "bp")
    assert row.spark == pytest.approx((84.0, 86.0))
    doc = series_json(store, TODAY)["ig_oas"]
    assert (doc["value"], doc["unit"], doc["change"], doc["change_unit"]) == (0.86, "%", 2.0, "bp")


def test_the_first_frame_row_is_the_stores_row(store: SeriesStore) -> None:
    """The row painted from the cache summary equals the row of the loaded store."""
    for inst_id in ("ig_oas", "debt_public", "jpy3m"):
        s, tags = store.official(inst_id), store.sources(inst_id)
        entry = SummaryEntry(inst_id, tuple(d.date() for d in s.index), tuple(s.tolist()), str(tags.iloc[-1]), None)
        expected = presenters.table_row(store, inst_id, TODAY, NOW)
        store.state[inst_id].status = store.state[inst_id].status.STALE
        stale = presenters.table_row(store, inst_id, TODAY, NOW)
        assert summary_row(CATALOG[inst_id], entry, TODAY) == stale
        assert (stale.value, stale.unit, stale.change_horizon) == (
            expected.value,
            expected.unit,
            expected.change_horizon,
        )


def test_series_drill_down_labels_the_change_by_its_horizon(store: SeriesStore) -> None:
    monthly = {s.label: s.value for s in presenters.series_stats(store, "jpy3m", "MAX", TODAY, NOW)}
    assert monthly["chg 1M"] == "+1.0bp" and "chg 1D" not in monthly and "chg 1W" not in monthly
    assert monthly["last"] == "0.410 %"
    daily = {s.label: s.value for s in presenters.series_stats(store, "ig_oas", "MAX", TODAY, NOW)}
    assert daily["chg 1D"] == "+2.0bp" and "chg 1W" in daily and daily["last"] == "86 bp"
    chart = presenters.series_chart(CATALOG["ig_oas"], store.series("ig_oas"), "MAX")
    assert chart.y_label == "bp" and chart.lines[0].y == pytest.approx((84.0, 86.0))


def test_every_instrument_has_a_horizon_and_a_label() -> None:
    for inst in CATALOG.values():
        assert inst.horizon in ("1D", "1W", "1M", "1Q", "1Y") and inst.label, inst.id
    assert pd.Series(dtype="float64").empty


def test_the_drill_down_says_when_the_primary_is_behind(store: SeriesStore) -> None:
    from datafeed.models import Behind

    store.set_behind("ust10y", Behind("treasury:10 Yr", dt.date(2024, 6, 25), "fred:DGS10"))
    stats = {s.label: s.value for s in presenters.series_stats(store, "ust10y", "MAX", TODAY, NOW)}
    assert stats["behind"] == "treasury:10 Yr (newest 2024-06-25); newer from fred:DGS10"
    store.set_behind("ust10y", None)
    assert "behind" not in {s.label for s in presenters.series_stats(store, "ust10y", "MAX", TODAY, NOW)}


def test_the_horizon_follows_the_source_that_served_the_value() -> None:
    """bund10y is daily from the Bundesbank; from FRED's monthly fallback its change spans a month."""
    bundesbank, fred = (r.tag for r in CATALOG["bund10y"].sources[:2])
    assert CATALOG["bund10y"].horizon_of(fred) == "1M" and CATALOG["bund10y"].horizon_of(bundesbank) == "1D"
    store = SeriesStore(today=lambda: TODAY)
    days = [dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
    store.apply([Batch("bund10y", fred, days, [2.70, 2.75])])
    row = presenters.table_row(store, "bund10y", TODAY, NOW)
    assert (row.change_horizon, row.change) == ("1M", pytest.approx(5.0))
    stats = {s.label: s.value for s in presenters.series_stats(store, "bund10y", "MAX", TODAY, NOW)}
    assert stats["chg 1M"] == "+5.0bp" and "chg 1D" not in stats
    entry = SummaryEntry("bund10y", tuple(days), (2.70, 2.75), fred, None)
    assert summary_row(CATALOG["bund10y"], entry, TODAY).change_horizon == "1M"
    doc = series_json(store, TODAY)["bund10y"]
    assert (doc["change"], doc["change_unit"], doc["change_horizon"]) == (5.0, "bp", "1M")
    daily = store_with({"bund10y": [("2026-11-24", 2.70), ("2026-11-25", 2.72)]})
    assert presenters.table_row(daily, "bund10y", TODAY, NOW).change_horizon == "1D"
    assert series_json(daily, TODAY)["bund10y"]["change_horizon"] == "1D"
