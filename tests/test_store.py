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
    d1 = store.apply([obs(18, 4.2), obs(16, 4.0), obs(17, 4.1), obs(17, 4.15)])
    assert d1.changed == {"ust10y"} and d1.added == 3 and d1.version == 1
    s = store.series("ust10y")
    assert list(s.index.day) == [16, 17, 18]
    assert s.loc["2026-11-17"] == 4.15  # the later row of a repeated date wins
    assert s.index.is_monotonic_increasing and not s.index.has_duplicates


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
