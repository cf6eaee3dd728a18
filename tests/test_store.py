"""SeriesStore: merge, de-duplicate, order, revisions, never drop, intraday, validation."""

from __future__ import annotations

import datetime as dt

from datafeed.models import Observation, Status
from datafeed.store import SeriesStore

D = dt.date
TODAY = D(2026, 11, 26)


def obs(day: int, value: float, inst: str = "ust10y", src: str = "fred:DGS10", **kw: object) -> Observation:
    return Observation(inst, D(2026, 11, day), value, src, **kw)  # type: ignore[arg-type]


def make() -> SeriesStore:
    return SeriesStore(today=lambda: TODAY)


def test_apply_merges_sorts_and_deduplicates() -> None:
    store = make()
    d1 = store.apply([obs(18, 4.2), obs(16, 4.0), obs(17, 4.1), obs(19, 4.3), obs(17, 4.1)])
    assert d1.changed == {"ust10y"} and d1.added == 4 and d1.version == 1 and d1.rejected == 0
    s = store.series("ust10y")
    assert list(s.index.day) == [16, 17, 18, 19]  # an identical copy of the 17th is one value
    assert s.index.is_monotonic_increasing and not s.index.has_duplicates


def test_a_date_given_twice_with_different_values_is_refused_and_counted() -> None:
    """Issue 18: 1.111 / 9.999 / 2.222 for one date in one answer kept the last silently."""
    store = make()
    d = store.apply([obs(16, 4.0), obs(17, 1.111), obs(17, 9.999), obs(18, 4.2), obs(17, 2.222)])
    assert d.rejected == 3 and d.added == 2
    assert list(store.series("ust10y").index.day) == [16, 18]
    st = store.state["ust10y"]
    assert st.rejected == 3
    assert st.notes == ["ust10y: 2026-11-17 given 3 times in one answer with different values (1.111, 9.999, 2.222)"]
    # Another source's value for that date is no conflict (sources are reconciled elsewhere),
    # and a later answer with one value for the date is taken.
    d2 = store.apply([obs(17, 4.1, src="treasury:10 Yr"), obs(17, 4.1, src="treasury:10 Yr")])
    assert d2.rejected == 0 and store.series("ust10y").loc["2026-11-17"] == 4.1


def test_impossible_zero_and_weekend_closes_are_refused() -> None:
    """Issue 18: a 10Y of 0.0 and an S&P 500 close dated a Saturday passed validation."""
    store = make()
    saturday = dict(inst="spx", src="fred:SP500")
    d = store.apply(
        [
            obs(20, 0.0),  # a Friday, but a 10-year yield of exactly 0
            obs(20, 4.1),
            obs(21, 4000.0, **saturday),  # 2026-11-21 is a Saturday
            obs(22, 4000.0, inst="vix", src="fred:VIXCLS"),  # a Sunday, and out of range
            obs(22, 18.0, inst="vix", src="fred:VIXCLS"),  # a Sunday
            obs(20, 4010.0, **saturday),
            obs(20, 0.0, inst="ust3m", src="fred:DGS3MO"),  # the 3-month bill has printed 0.00
        ]
    )
    assert d.rejected == 4
    assert store.series("ust10y").tolist() == [4.1] and store.series("ust3m").tolist() == [0.0]
    assert store.series("spx").tolist() == [4010.0] and store.series("vix").empty
    notes = store.state["ust10y"].notes + store.state["spx"].notes + store.state["vix"].notes
    assert "ust10y: value 0 on 2026-11-20 is not plausible (a placeholder, not a quote)" in notes
    assert "spx: date 2026-11-21 is a Saturday; it has no weekend closes" in notes
    assert "vix: date 2026-11-22 is a Sunday; it has no weekend closes" in notes
    # An intraday quote struck on a Saturday is not a close: the weekday rule leaves it alone.
    quote = obs(21, 4020.0, inst="spx", src="yahoo:^GSPC", intraday=True, time=dt.datetime(2026, 11, 21, tzinfo=dt.UTC))
    assert store.apply([quote]).rejected == 0


def test_revision_replaces_and_unchanged_is_no_delta() -> None:
    store = make()
    store.apply([obs(16, 4.0), obs(17, 4.1)])
    same = store.apply([obs(16, 4.0), obs(17, 4.1)])
    assert not same and same.version == 1
    rev = store.apply([obs(17, 4.12)])
    assert rev.updated == 1 and rev.added == 0 and rev.version == 2
    assert store.series("ust10y").iloc[-1] == 4.12


def test_never_drops_dates_a_provider_stopped_serving() -> None:
    store = make()
    store.apply([obs(d, 1.0 + d / 100, inst="ig_oas", src="fred:BAMLC0A0CM") for d in range(2, 20)])
    # The provider now serves only the last three days.
    store.apply([obs(d, 1.0 + d / 100, inst="ig_oas", src="fred:BAMLC0A0CM") for d in range(17, 21)])
    assert len(store.series("ig_oas")) == 19


def test_validation_rejects_and_counts() -> None:
    store = make()
    delta = store.apply(
        [
            obs(16, 4000.0),  # absurd 10Y yield
            obs(17, float("nan")),
            Observation("ust10y", D(2027, 1, 5), 4.0, "fred:DGS10"),  # future
            Observation("nope", D(2026, 11, 17), 1.0, "x:y"),
            obs(18, 4.1),
        ]
    )
    assert delta.rejected == 4 and delta.added == 1
    assert store.state["ust10y"].rejected == 3
    assert any("plausible" in n for n in store.state["ust10y"].notes)


def test_intraday_is_appended_then_replaced_by_official_close() -> None:
    store = make()
    store.apply([obs(24, 4.10), obs(25, 4.12)])
    t = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)
    d = store.apply([obs(26, 4.20, src="yahoo:^TNX", intraday=True, time=t)])
    assert d.changed == {"ust10y"}
    latest = store.latest("ust10y")
    assert latest is not None and latest.intraday and latest.source == "yahoo:^TNX"
    assert latest.previous == 4.12
    assert store.series("ust10y").iloc[-1] == 4.20
    assert len(store.official("ust10y")) == 2
    # An intraday quote for a day already closed is ignored.
    store.apply([obs(25, 9.99, src="yahoo:^TNX", intraday=True, time=t)])
    assert store.series("ust10y").iloc[-1] == 4.20
    # The official close arrives: the quote yields to it.
    store.apply([obs(26, 4.18)])
    latest = store.latest("ust10y")
    assert latest is not None and not latest.intraday and latest.value == 4.18 and latest.source == "fred:DGS10"
    assert store.intraday_quote("ust10y") is None


def test_status_transitions_and_changed_since() -> None:
    store = make()
    assert store.state["ust10y"].status is Status.MISSING
    store.mark_failure("ust10y", "HTTP 500")
    assert store.state["ust10y"].status is Status.ERROR
    v = store.version
    store.apply([obs(16, 4.0)])
    store.mark_success("ust10y", "fred:DGS10")
    assert store.state["ust10y"].status is Status.FRESH and store.state["ust10y"].last_error is None
    store.mark_failure("ust10y", "HTTP 503")
    assert store.state["ust10y"].status is Status.STALE
    # A spread reading UST 10Y follows its state (datafeed.derived); nothing else moves.
    spreads = {i for i, inst in store.catalog.items() if inst.derived and "ust10y" in inst.derived.legs}
    assert spreads and store.changed_since(v) == {"ust10y"} | spreads
    assert store.last_official_date("ust10y", "fred:") == D(2026, 11, 16)
    assert store.last_official_date("ust10y", "treasury:") is None


def test_all_series_is_the_signals_input() -> None:
    store = make()
    store.apply([obs(16, 4.0), obs(16, 5000.0, inst="spx", src="fred:SP500")])
    series = store.all_series()
    assert set(series) == {"ust10y", "spx"}
    assert series["spx"].name == "spx" and series["spx"].dtype == "float64"


def test_tomorrow_is_the_future_for_sources_in_new_york_only() -> None:
    """Issue 18: a date one day in the future was accepted from every source. A US source
    publishes after its day ends in New York, so its values are never dated after today;
    Tokyo's and Frankfurt's day starts before the Americas', and Yahoo dates an evening
    session by the next day: those may be dated tomorrow, never later."""
    store = make()  # today is 2026-11-26
    tomorrow, after = TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=2)
    d = store.apply(
        [
            Observation("ust10y", tomorrow, 4.1, "fred:DGS10"),
            Observation("ust2y", tomorrow, 3.9, "treasury:2 Yr"),
            Observation("sofr", tomorrow, 4.3, "nyfed:SOFR"),
            Observation("jgb10y", tomorrow, 1.1, "mof:10Y"),
            Observation("bund10y", tomorrow, 2.6, "bundesbank:BBSIS"),
            Observation("jgb20y", after, 1.9, "mof:20Y"),
            Observation("gold", tomorrow, 2650.0, "yahoo:GC=F"),
        ]
    )
    assert d.rejected == 4
    assert store.series("jgb10y").tolist() == [1.1] and store.series("bund10y").tolist() == [2.6]
    assert store.series("gold").tolist() == [2650.0]
    for inst in ("ust10y", "ust2y", "sofr", "jgb20y"):
        assert store.series(inst).empty and any("in the future" in n for n in store.state[inst].notes), inst
    assert store.apply([Observation("ust10y", TODAY, 4.1, "fred:DGS10")]).rejected == 0
