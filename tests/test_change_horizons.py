"""What each change spans: a spread follows its coarsest leg, period columns say n/a rather
than show a month's move under 1W, YTD is about today's year (docs/contract.md).

Handmade data: a daily UST 10Y (FRED DGS10 tag) and the monthly FRED Bund average
(IRLTLT01DEM156N, dated the 1st of its month), 1 January a US holiday.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from datafeed.cache import DiskCache
from datafeed.catalog import CATALOG, Derivation
from datafeed.curves import spread_quote
from datafeed.derived import derive_values
from datafeed.models import Observation
from datafeed.snapshot import series_json
from datafeed.store import SeriesStore
from datafeed.summary import read_summary
from tui import presenters
from tui.rows import period_changes, summary_rows

D = dt.date
TODAY = D(2026, 2, 20)
UST, BUND = "fred:DGS10", "fred:IRLTLT01DEM156N"


def ust_level(day: dt.date) -> float:
    """Nov 4.00, Dec 4.10 (31 Dec 4.15), Jan 4.20 (30 Jan 4.26), Feb 4.30."""
    special = {D(2025, 12, 31): 4.15, D(2026, 1, 30): 4.26}
    return special.get(day, {11: 4.00, 12: 4.10, 1: 4.20, 2: 4.30}[day.month])


def filled_store(today: dt.date = TODAY) -> SeriesStore:
    store = SeriesStore(today=lambda: today)
    days = [d.date() for d in pd.bdate_range("2025-11-03", "2026-02-13")]
    holidays = {D(2025, 12, 25), D(2026, 1, 1)}
    store.apply([Observation("ust10y", d, ust_level(d), UST) for d in days if d not in holidays])
    store.apply(
        [
            Observation("bund10y", D(2025, 11, 1), 2.60, BUND),
            Observation("bund10y", D(2025, 12, 1), 2.70, BUND),
            Observation("bund10y", D(2026, 1, 1), 2.80, BUND),
        ]
    )
    return store


def test_a_monthly_leg_stands_for_its_month_on_the_daily_legs_dates() -> None:
    store = filled_store()
    spread = store.official("ust_bund10y")
    # As new as the legs allow: the last UST date within the Bund's January (not 1 Dec,
    # the only date both legs share), and never carried into February.
    assert spread.index[-1].date() == D(2026, 1, 30)
    assert spread.iloc[-1] == pytest.approx(146.0)  # 4.26 - 2.80
    assert D(2026, 1, 1) not in {d.date() for d in spread.index}  # a date with one real leg only
    assert spread[pd.Timestamp("2026-01-02")] == pytest.approx(140.0)  # 4.20 - 2.80, dated by UST
    assert not any(d.month == 2 for d in spread.index)
    assert spread.index[0].date() == D(2025, 11, 3)  # the Bund's November covers 3 November


def test_daily_legs_still_meet_only_on_shared_dates() -> None:
    spec = Derivation((("a", 1.0), ("b", -1.0)))
    a = pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2026-01-05", "2026-01-06", "2026-01-07"]))
    b = pd.Series([0.5, 0.5], index=pd.to_datetime(["2026-01-05", "2026-01-07"]))
    assert derive_values(spec, [a, b], ["daily", "daily"]).index.day.tolist() == [5, 7]  # 6 Jan not filled


def test_period_ends() -> None:
    from datafeed.derived import period_ends

    days = pd.to_datetime(["2026-01-01", "2026-02-15", "2026-11-30"]).to_numpy().astype("datetime64[D]")
    assert [str(d) for d in period_ends(days, "monthly")] == ["2026-01-31", "2026-02-28", "2026-11-30"]
    assert [str(d) for d in period_ends(days, "quarterly")] == ["2026-03-31", "2026-03-31", "2026-12-31"]
    assert [str(d) for d in period_ends(days, "annual")] == ["2026-12-31"] * 3
    assert [str(d) for d in period_ends(days, "weekly")] == ["2026-01-07", "2026-02-21", "2026-12-06"]


def test_a_spread_with_a_monthly_leg_changes_over_a_month_everywhere() -> None:
    store = filled_store()
    latest = store.latest("ust_bund10y")
    assert latest is not None and latest.horizon == "1M"
    assert latest.previous_date == D(2025, 12, 31) and latest.previous == pytest.approx(145.0)  # 4.15 - 2.70
    now = dt.datetime(2026, 2, 20, 12, tzinfo=dt.UTC)
    row = presenters.table_row(store, "ust_bund10y", TODAY, now)
    assert row.change_horizon == "1M" and row.change == pytest.approx(1.0)
    assert row.change_1w is None  # never a month's move (nor the UST's alone) under 1W
    assert row.change_1m == pytest.approx(1.0) and row.change_ytd == pytest.approx(1.0)
    entry = series_json(store, TODAY)["ust_bund10y"]
    assert entry["change_horizon"] == "1M" and entry["change"] == pytest.approx(1.0) and entry["date"] == "2026-01-30"
    stats = {s.label: s.value for s in presenters.series_stats(store, "ust_bund10y", "1Y", TODAY, now)}
    assert stats["chg 1M"] == "+1.0bp" and "chg 1D" not in stats and "chg 1W" not in stats
    quote = dict(spread_quote(store, "ust_bund10y").changes)
    assert quote["1D"] is None and quote["1W"] is None and quote["1M"] == pytest.approx(1.0)
    # The daily leg keeps its daily change and its 1W.
    ust = presenters.table_row(store, "ust10y", TODAY, now)
    assert ust.change_horizon == "1D" and ust.change_1w == pytest.approx(0.0)


def test_a_spread_of_daily_legs_keeps_its_day() -> None:
    store = SeriesStore(today=lambda: TODAY)
    store.apply([Observation("ust10y", D(2026, 2, d), 4.0 + d / 100, UST) for d in (9, 10, 11)])
    store.apply([Observation("ust2y", D(2026, 2, d), 3.5, "fred:DGS2") for d in (9, 10, 11)])
    latest = store.latest("ust2s10s")
    assert latest is not None and latest.horizon == "1D" and latest.previous_date == D(2026, 2, 10)


def test_a_monthly_series_has_no_1w_and_ytd_is_about_this_year() -> None:
    store = filled_store()
    now = dt.datetime(2026, 2, 20, 12, tzinfo=dt.UTC)
    bund = presenters.table_row(store, "bund10y", TODAY, now)
    assert bund.change_horizon == "1M" and bund.change_1w is None
    assert bund.change_1m == pytest.approx(10.0) and bund.change_ytd == pytest.approx(10.0)
    # A year later nothing is dated this year: no YTD (not last year's YTD under this year's header).
    later = D(2027, 1, 10)
    for inst_id in ("bund10y", "ust_bund10y", "ust10y"):
        assert presenters.table_row(store, inst_id, later, now).change_ytd is None


def test_period_changes_need_a_base_within_one_more_span() -> None:
    inst = CATALOG["ust10y"]
    dates = [D(2026, 1, 2), D(2026, 3, 2), D(2026, 3, 9)]
    values = [4.00, 4.10, 4.30]
    w1, m1, ytd = period_changes(inst, dates, values, 4.30, D(2026, 3, 9), D(2026, 3, 10))
    assert w1 == pytest.approx(20.0)
    assert m1 is None  # on or before 7 Feb is 2 January: a two-month move, not 1M
    assert ytd is None  # no value of last year held
    # A monthly horizon blanks 1W whatever the history holds.
    assert period_changes(inst, dates, values, 4.30, D(2026, 3, 9), D(2026, 3, 10), "1M")[0] is None


def test_the_first_frame_shows_the_spread_as_the_loaded_store_does(tmp_path: Path) -> None:
    DiskCache(tmp_path).save(filled_store())
    loaded = SeriesStore(today=lambda: TODAY)
    DiskCache(tmp_path).load_into(loaded)
    now = dt.datetime.combine(TODAY, dt.time(21), dt.UTC)
    first = {r.id: r for r in summary_rows(read_summary(tmp_path), TODAY)}
    rows = {r.id: r for r in presenters.table_rows(loaded, TODAY, now)}
    for inst_id in ("ust_bund10y", "bund10y", "ust10y"):
        assert first[inst_id] == rows[inst_id]
    assert first["ust_bund10y"].change_horizon == "1M" and first["ust_bund10y"].change_1w is None


def test_a_spread_as_new_as_its_monthly_leg_allows_is_not_late(tmp_path: Path) -> None:
    """17 Feb 2026: the UST's newest (13 Feb, 16 Feb a US holiday) and FRED's January Bund are
    both on schedule, so the spread dated 30 January is not late (it was: judged on 30 Jan
    by the daily UST's two-day lag), in the table, the JSON and the first frame alike."""
    today = D(2026, 2, 17)
    store = filled_store(today)
    now = dt.datetime(2026, 2, 17, 12, tzinfo=dt.UTC)
    assert not presenters.table_row(store, "ust10y", today, now).late
    assert not presenters.table_row(store, "bund10y", today, now).late
    assert not presenters.table_row(store, "ust_bund10y", today, now).late
    assert series_json(store, today)["ust_bund10y"]["late"] is False
    DiskCache(tmp_path).save(store)
    first = {r.id: r for r in summary_rows(read_summary(tmp_path), today)}
    assert not first["ust_bund10y"].late
    # Ten business days on, the UST leg is late, and so is the spread.
    later = D(2026, 3, 3)
    assert presenters.table_row(store, "ust_bund10y", later, now).late
