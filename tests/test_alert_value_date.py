"""A formula alert is dated, and judged late, by the value it evaluated (QA re-audit finding).

Before: ``watch --alert "ust10y - bund10y > 1"`` printed ``1.27579 2026-01-01 LATE``: the
value was December's (the last date both legs share: DGS10 has no 2026-01-01, a US holiday)
but the line carried the monthly Bund's newest date. Now the held-back line, its age and the
lateness test use the date of the value evaluated. Small handmade series shaped like the
real ones: a daily UST 10Y without New Year's Day and a monthly Bund dated the 1st.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from datafeed.alerts import AlertMonitor, Held, parse_rule

DEC, JAN = dt.date(2025, 12, 1), dt.date(2026, 1, 1)


def _inputs() -> dict[str, pd.Series]:
    days = [d for d in pd.bdate_range("2025-11-24", "2026-01-30") if d != pd.Timestamp(JAN)]
    ust = pd.Series([4.09] * len(days), index=pd.DatetimeIndex(days), dtype="float64")
    ust.iloc[-1] = 4.26
    bund = pd.Series([2.8142, 2.8067], index=pd.DatetimeIndex([DEC, JAN]), dtype="float64")
    return {"ust10y": ust, "bund10y": bund}


def _held() -> dict[str, Held]:
    return {
        "ust10y": Held("ust10y", dt.date(2026, 1, 30), "fred:DGS10", True),
        "bund10y": Held("bund10y", JAN, "fred:IRLTLT01DEM156N", True),
    }


def test_a_held_back_formula_alert_carries_the_date_of_its_value() -> None:
    monitor = AlertMonitor([parse_rule("ust10y - bund10y > 1")])
    now = dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)
    fired = monitor.check(_inputs(), now, held=_held())
    assert fired == []
    [late] = monitor.late
    assert late.firing.date == DEC and round(late.firing.value, 4) == round(4.09 - 2.8142, 4)
    assert late.date == DEC, late.text()
    assert late.days == (now.date() - DEC).days
    assert f"{late.firing.value:g}"[:4] in late.text() and " 2025-12-01 LATE" in late.text(), late.text()
    assert "2026-01-01 LATE" not in late.text()
    assert "it holds 2026-01-01" in late.text(), late.text()  # the Bund's newest, named as such


def test_a_formula_value_older_than_its_inputs_is_judged_late_by_its_own_date() -> None:
    """Early February both legs are on time (DGS10 of Jan 30, January's Bund) but the value
    evaluated is December's: it is not news, so it is held back instead of firing as fresh."""
    monitor = AlertMonitor([parse_rule("ust10y - bund10y > 1")])
    now = dt.datetime(2026, 2, 2, 15, 0, tzinfo=dt.UTC)
    fired = monitor.check(_inputs(), now, held=_held())
    assert fired == [], [f.text() for f in fired]
    [late] = monitor.late
    assert late.date == DEC and " 2025-12-01 LATE" in late.text(), late.text()
    # DGS10 itself is on time: the line says the value is of the last date both legs share.
    assert late.instrument == "ust10y" and "it holds 2026-01-30" in late.text(), late.text()
