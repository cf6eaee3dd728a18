"""The demand-side crisis checks (issue 16): foreign official custody across the window (weekly
levels, as of weeks) and the indirect bidders' share at 10- and 30-year auctions inside it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from datafeed.crises import EPISODES, Episode, crises_to_json, score_episode

COVID = EPISODES["covid-2020"]  # 2020-03-09 → 2020-03-18


def wednesdays(levels: list[float], start: str = "2020-02-05") -> pd.Series:
    return pd.Series(levels, index=pd.date_range(start, periods=len(levels), freq="W-WED"), dtype="float64")


def test_covid_custody_reads_the_wednesday_before_the_start_and_the_one_at_the_end() -> None:
    # Wednesdays 02-05, 02-12, 02-19, 02-26, 03-04, 03-11, 03-18, 03-25.
    custody = wednesdays([3440, 3445, 3450, 3452, 3450, 3420, 3380, 3300])
    cell = score_episode({"custody_official": custody}, COVID).checks["custody"]
    assert (cell.date0, cell.date1) == (dt.date(2020, 3, 4), dt.date(2020, 3, 18))
    assert cell.change == pytest.approx(100 * (3380 / 3450 - 1))  # -2.03 %: foreigners sold
    assert (cell.result, cell.unit, cell.series) == ("fail", "%", "custody_official")


def test_custody_within_one_week_is_na_and_a_gap_over_ten_days_is_na() -> None:
    short = Episode("x", "x", dt.date(2020, 3, 12), dt.date(2020, 3, 17), builtin=False)
    custody = wednesdays([3440, 3445, 3450, 3452, 3450, 3420, 3380, 3300])
    cell = score_episode({"custody_official": custody}, short).checks["custody"]
    assert cell.result == "n/a" and "inside the window" in (cell.note or "")
    gappy = custody.drop(pd.Timestamp("2020-03-04")).drop(pd.Timestamp("2020-02-26"))
    cell = score_episode({"custody_official": gappy}, COVID).checks["custody"]
    assert cell.result == "n/a" and "> 10 days old" in (cell.note or "")


def test_the_custody_check_is_context_and_never_moves_the_verdict() -> None:
    custody = wednesdays([3440, 3445, 3450, 3452, 3450, 3420, 3380, 3300])
    assert score_episode({"custody_official": custody}, COVID).verdict == "n/a"  # no core input held


def test_indirect_share_at_long_auctions_inside_the_window() -> None:
    ten = pd.Series(
        [60.0, 62.0, 64.0, 55.0], index=pd.DatetimeIndex(["2019-06-12", "2019-09-11", "2019-12-11", "2020-03-10"])
    )
    thirty = pd.Series([70.0, 70.0, 70.0], index=pd.DatetimeIndex(["2019-06-13", "2019-09-12", "2019-12-12"]))
    data = {"auction_indirect_10y": ten, "auction_indirect_30y": thirty}
    cell = score_episode(data, COVID).checks["auction_indirect"]
    # Only the 10-year auction of 2020-03-10 fell inside: 55 against its 2-year mean of 62.
    assert cell.change == pytest.approx(-7.0)
    assert (cell.v0, cell.v1, cell.date0, cell.date1) == (62.0, 55.0, dt.date(2020, 3, 10), dt.date(2020, 3, 10))
    assert (cell.result, cell.unit) == ("fail", "pp")
    assert "1 auction(s) vs 2y mean" in (cell.note or "")
    brexit = score_episode(data, EPISODES["brexit-2016"]).checks["auction_indirect"]
    assert brexit.result == "n/a" and "no 10Y/30Y auction inside the window" in (brexit.note or "")
    none = score_episode({}, COVID).checks["auction_indirect"]
    assert none.result == "n/a" and "no auction results held" in (none.note or "")


def test_the_new_checks_are_in_the_json_rows() -> None:
    custody = wednesdays([3440, 3445, 3450, 3452, 3450, 3420, 3380, 3300])
    (row,) = crises_to_json([score_episode({"custody_official": custody}, COVID)])
    assert row["checks"]["custody"]["change"] == pytest.approx(-2.029, abs=1e-3)
    assert row["checks"]["auction_indirect"]["result"] == "n/a"
