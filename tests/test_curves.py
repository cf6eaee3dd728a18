"""The curves (datafeed.curves) and the curves screen's inputs (tui.curve_presenters): held values
only, each with its date; a missing tenor says so; spreads in bp with their changes."""

from __future__ import annotations

import datetime as dt

from datafeed.catalog import CATALOG
from datafeed.curves import (
    CURVE_SPREADS,
    CURVES,
    MAX_GAP_DAYS,
    all_tenors,
    curve_as_of,
    curve_points,
    spread_quote,
)
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
    assert points["10Y"].value is None and points["10Y"].date == D(2026, 9, 1)  # its own date, not drawn
    assert points["10Y"].note == f"no value within {MAX_GAP_DAYS} days of 2026-10-21 (last 2026-09-01)"
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
    # The past curve is a month before the curve's own date (the 19th), not before today.
    assert curves.as_of["ust"] == D(2026, 11, 19) and curves.then["ust"] == D(2026, 10, 20)
    chart = cp.curve_chart(curves)
    assert chart.x_labels == all_tenors() and len(chart.lines) == 4
    ust_now = chart.lines[0]
    # The legend names the published tenors without a value (the first three, then a count).
    assert ust_now.name == "UST 2026-11-19 (1M, 3M, 6M +6 n/a)" and ust_now.y[all_tenors().index("2Y")] == 3.5
    assert ust_now.y[0] is None  # 1M: a gap, never a value made up between neighbours
    assert all(line.breaks for line in chart.lines)  # and never a line drawn across one
    assert chart.lines[1].name == "UST 1M ago (2026-10-20) (1M, 3M, 6M +6 n/a)"
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


def _audit_store() -> SeriesStore:
    """The audit's case, in small: 2Y/5Y last updated in April, 10Y/30Y in July, a year of
    history before; Bund monthly (the 1st of each month)."""
    store = SeriesStore(today=lambda: D(2026, 12, 7))
    history = {
        "ust2y": [(D(2025, 7, 28), 3.90), (D(2025, 12, 5), 3.56), (D(2026, 4, 17), 3.71)],
        "ust5y": [(D(2025, 7, 28), 3.96), (D(2026, 4, 17), 3.84)],
        "ust10y": [(D(2025, 7, 25), 4.42), (D(2025, 12, 5), 4.14), (D(2026, 7, 21), 4.55), (D(2026, 7, 28), 4.61)],
        "ust30y": [(D(2025, 7, 28), 4.96), (D(2026, 7, 28), 5.09)],
        "bund10y": [(D(2025, 1, 1), 2.48), (D(2025, 12, 1), 2.81), (D(2026, 1, 1), 2.81)],
    }
    for inst, values in history.items():
        store.apply([obs(inst, d, v) for d, v in values])
    return store


def test_the_current_curve_has_one_date_and_leaves_out_stale_tenors() -> None:
    """A curve "now" is the values of ONE date: a tenor whose newest value is months older
    is not drawn on it (n/a, with its own date said), never under the newer date."""
    store = _audit_store()
    assert curve_as_of(store, UST) == D(2026, 7, 28)
    now = {p.tenor: p for p in curve_points(store, UST)}
    assert (now["10Y"].value, now["10Y"].date) == (4.61, D(2026, 7, 28))
    assert now["2Y"].value is None and now["2Y"].date == D(2026, 4, 17) and now["2Y"].source == "fred:X"
    assert now["2Y"].note == f"no value within {MAX_GAP_DAYS} days of 2026-07-28 (last 2026-04-17)"
    curves = cp.curve_set(store, D(2026, 12, 7), "1Y")
    chart = cp.curve_chart(curves)
    ust = chart.lines[0]
    assert ust.name.startswith("UST 2026-07-28 ") and ust.y[all_tenors().index("2Y")] is None
    assert ust.y[all_tenors().index("10Y")] == 4.61
    assert chart.lines[2].name.startswith("Bund 2026-01-01 ")  # its own date, not the UST one
    notes = cp.missing_notes(curves)
    assert "UST 2Y now: no value within 10 days of 2026-07-28 (last 2026-04-17) (ust2y)" in notes
    dates = cp.curve_dates(curves)
    assert dates[0] == "UST: now 2026-07-28; 1Y ago 2025-07-28 (points 2025-07-25..2025-07-28)"


def test_changes_are_between_the_curve_date_and_a_look_back_before_it() -> None:
    """1Y ago is a year before the curve's date (2025-07-28), not before today: the 10Y
    change is +19.0 bp over a year, not +47.0 over 7.7 months; a tenor with no value on
    the curve has no change; Bund's 1Y is from its own date (2026-01-01)."""
    curves = cp.curve_set(_audit_store(), D(2026, 12, 7), "1Y")
    assert curves.then == {"ust": D(2025, 7, 28), "bund": D(2025, 1, 1), "jgb": D(2025, 12, 7)}
    header, rows = cp.tenor_grid(curves)
    by_tenor = {r[0]: r for r in rows}
    assert by_tenor["10Y"][1:4] == ["4.610", "4.420", "+19.0"]  # 2025-07-25 → 2026-07-28
    assert by_tenor["2Y"][1:4] == [cp.NO_VALUE, "3.900", cp.NO_VALUE]
    assert by_tenor["10Y"][4:7] == ["2.810", "2.480", "+33.0"]  # Bund 2025-01-01 → 2026-01-01


def test_a_change_whose_dates_are_not_a_look_back_apart_is_not_shown() -> None:
    """1W: the 10Y's newest value (Jul 20) is 8 days before the curve's date (Jul 28), so
    drawn; the 1W-ago curve (Jul 21) takes that same observation: a zero-day "change" under
    "chg 1W" is n/a, and said so."""
    store = SeriesStore(today=lambda: D(2026, 12, 7))
    store.apply([obs("ust10y", D(2026, 7, 10), 4.40), obs("ust10y", D(2026, 7, 20), 4.55)])
    store.apply([obs("ust30y", D(2026, 7, 21), 5.00), obs("ust30y", D(2026, 7, 28), 5.09)])
    curves = cp.curve_set(store, D(2026, 12, 7), "1W")
    header, rows = cp.tenor_grid(curves)
    by_tenor = {r[0]: r for r in rows}
    assert by_tenor["30Y"][1:4] == ["5.090", "5.000", "+9.0"]
    assert by_tenor["10Y"][1:4] == ["4.550", "4.550", cp.NO_VALUE]
    assert "UST 10Y chg 1W: change not shown: 2026-07-20 to 2026-07-20 is 0 days (ust10y)" in cp.missing_notes(curves)


def test_the_curves_file_carries_every_date_and_each_curves_as_of() -> None:
    header, rows = cp.tenor_csv(cp.curve_set(_audit_store(), D(2026, 12, 7), "1Y"))
    col = {name: i for i, name in enumerate(header)}
    ten = next(r for r in rows if r[0] == "10Y")
    assert ten[col["UST as of"]] == "2026-07-28" and ten[col["UST now"]] == "4.610"
    assert ten[col["UST now date"]] == "2026-07-28" and ten[col["UST now source"]] == "fred:X"
    assert ten[col["UST 1Y ago as of"]] == "2025-07-28" and ten[col["UST 1Y ago date"]] == "2025-07-25"
    assert ten[col["UST chg 1Y bp"]] == "+19.0"
    assert ten[col["Bund as of"]] == "2026-01-01" and ten[col["Bund now date"]] == "2026-01-01"
    two = next(r for r in rows if r[0] == "2Y")
    assert two[col["UST now"]] == cp.NO_VALUE and two[col["UST now date"]] == ""
    assert "last 2026-04-17" in two[col["UST note"]]
    assert ten[col["JGB as of"]] == "" and ten[col["JGB 1Y ago as of"]] == ""  # nothing held: no made-up date


def test_spread_changes_span_their_label_or_are_na() -> None:
    """A spread whose previous value is 49 days old has no 1D, 1W or 1M change (it would be
    a 7-week change under each label); a daily one keeps them."""
    store = SeriesStore(today=lambda: D(2026, 11, 30))
    for inst, (old, new) in {"ust10y": (4.5, 4.7), "ust2y": (4.2, 4.3)}.items():
        store.apply([obs(inst, D(2026, 10, 1), old), obs(inst, D(2026, 11, 19), new)])
    q = spread_quote(store, "ust2s10s")
    assert q.value == 40.0 and dict(q.changes) == {"1D": None, "1W": None, "1M": None}
    # Over a long week-end the 1D is still the previous observation.
    store.apply([obs("ust10y", D(2026, 11, 23), 4.8), obs("ust2y", D(2026, 11, 23), 4.3)])
    assert dict(spread_quote(store, "ust2s10s").changes)["1D"] == 10.0
