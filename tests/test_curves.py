"""The curves (datafeed.curves) and the curves screen's inputs (tui.curve_presenters): held values
only, each with its date; a missing tenor says so; spreads in bp with their changes."""

from __future__ import annotations

import datetime as dt

from datafeed.catalog import CATALOG
from datafeed.curves import CURVE_SPREADS, CURVES, MAX_GAP_DAYS, all_tenors, curve_points, spread_quote
from datafeed.models import Observation
from datafeed.store import SeriesStore
from tui import curve_presenters as cp

D = dt.date
TODAY = D(2026, 11, 20)
UST = CURVES[0]


def obs(inst: str, day: dt.date, value: float) -> Observation:
    return Observation(inst, day, value, "fred:X")


def test_every_tenor_and_spread_is_a_catalog_instrument() -> None:
    for curve in CURVES:
        assert all(inst in CATALOG and CATALOG[inst].unit == "%" for _t, inst in curve.tenors), curve.id
    assert [t for t, _i in UST.tenors] == ["1M", "3M", "6M", "1Y", "2Y", "3Y", "5Y", "7Y", "10Y", "20Y", "30Y"]
    assert all(CATALOG[s].unit == "bp" and CATALOG[s].derived is not None for s in CURVE_SPREADS)
    assert all_tenors() == tuple(t for t, _i in UST.tenors)  # Bund and JGB tenors are UST tenors


def test_a_past_curve_is_held_values_on_or_before_its_date() -> None:
    store = SeriesStore(today=lambda: TODAY)
    store.apply([obs("ust2y", D(2026, 10, 19), 4.0), obs("ust2y", D(2026, 10, 22), 4.1), obs("ust2y", TODAY, 4.3)])
    store.apply([obs("ust10y", D(2026, 9, 1), 4.5), obs("ust10y", TODAY, 4.7)])
    points = {p.tenor: p for p in curve_points(store, UST, D(2026, 10, 21))}
    assert (points["2Y"].value, points["2Y"].date) == (4.0, D(2026, 10, 19))  # not 4.05, not the 22nd
    assert points["2Y"].source == "fred:X"
    # 50 days before the date asked for: not that date's value.
    assert points["10Y"].value is None and points["10Y"].note == f"no value within {MAX_GAP_DAYS} days"
    assert points["1M"].value is None and points["1M"].note == "no data by 2026-10-21"
    now = {p.tenor: p for p in curve_points(store, UST)}
    assert (now["10Y"].value, now["10Y"].date) == (4.7, TODAY) and now["3M"].note == "no data"


def test_spread_quote_in_bp_with_1d_1w_1m_changes() -> None:
    store = SeriesStore(today=lambda: TODAY)
    days = [D(2026, 10, 19), D(2026, 11, 12), D(2026, 11, 19), D(2026, 11, 20)]
    tens, twos = [4.5, 4.6, 4.7, 4.8], [4.2, 4.2, 4.3, 4.3]
    store.apply([obs("ust10y", d, v) for d, v in zip(days, tens, strict=True)])
    store.apply([obs("ust2y", d, v) for d, v in zip(days, twos, strict=True)])
    q = spread_quote(store, "ust2s10s")
    assert q.value == 50.0 and q.date == TODAY and q.source == "derived:ust10y-ust2y"
    assert dict(q.changes) == {"1D": 10.0, "1W": 10.0, "1M": 20.0}
    assert spread_quote(store, "ust_bund10y").value is None  # no Bund: nothing, not a guess


def test_presenters_say_which_points_are_missing() -> None:
    store = SeriesStore(today=lambda: TODAY)
    for inst in ("ust2y", "ust10y", "bund10y"):
        store.apply([obs(inst, D(2026, 10, 20), 3.0), obs(inst, D(2026, 11, 19), 3.5)])
    curves = cp.curve_set(store, TODAY, "1M")
    assert curves.then == D(2026, 10, 21)
    chart = cp.curve_chart(curves)
    assert chart.x_labels == all_tenors() and len(chart.lines) == 4
    ust_now = chart.lines[0]
    # The legend names the published tenors without a value (the first three, then a count).
    assert ust_now.name == "UST 2026-11-19 (1M, 3M, 6M +6 n/a)" and ust_now.y[all_tenors().index("2Y")] == 3.5
    assert ust_now.y[0] is None  # 1M: a gap, never a value made up between neighbours
    assert all(line.breaks for line in chart.lines)  # and never a line drawn across one
    assert chart.lines[1].name == "UST 1M ago (2026-10-21) (1M, 3M, 6M +6 n/a)"
    assert chart.lines[2].name == "Bund (2Y, 5Y, 30Y n/a)"  # not 1M: Bunds have no 1M
    header, rows = cp.tenor_grid(curves)
    assert header[:4] == ["Tenor", "UST now", "1M ago", "chg bp"]
    ten = next(r for r in rows if r[0] == "10Y")
    assert ten[1:4] == ["3.500", "3.000", "+50.0"] and ten[4:7] == ["3.500", "3.000", "+50.0"]
    one_month = next(r for r in rows if r[0] == "1M")
    assert one_month[1] == cp.NO_VALUE and one_month[4] == cp.NOT_PUBLISHED  # no Bund 1M at all
    notes = cp.missing_notes(curves)
    assert "UST 1M now: no data (ust1m)" in notes and not any(n.startswith("Bund 1M") for n in notes)
    assert cp.curve_dates(curves)[0].startswith("UST: now 2026-11-19; 1M ago 2026-10-20")
    sh, srows = cp.spread_table_rows(cp.spread_quotes(store))
    assert sh[:5] == ["Spread", "bp", "1D", "1W", "1M"]
    assert srows[0][:2] == ["2s10s", "0.0"] and srows[3][:2] == ["UST−Bund 10Y", "0.0"]
    assert srows[4][1] == cp.NO_VALUE  # UST−JGB 10Y: no JGB held


def test_compact_grid_keeps_values_and_changes() -> None:
    store = SeriesStore(today=lambda: TODAY)
    store.apply([obs("ust10y", D(2026, 10, 20), 3.0), obs("ust10y", D(2026, 11, 19), 3.5)])
    header, rows = cp.tenor_grid(cp.curve_set(store, TODAY, "1W"), compact=True)
    assert header == ["Tenor", "UST", "chg 1W", "Bund", "chg 1W", "JGB", "chg 1W"]
    assert next(r for r in rows if r[0] == "10Y")[1:3] == ["3.500", cp.NO_VALUE]  # nothing held by Nov 13
