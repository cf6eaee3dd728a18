"""Derived instruments (spreads): computed by the store from their legs, one provenance per value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from datafeed.catalog import CATALOG, Derivation
from datafeed.derived import derive_state
from datafeed.models import Observation, SeriesState, Status
from datafeed.store import SeriesStore

D = dt.date
TODAY = D(2026, 11, 26)
SPREADS = ("ust2s10s", "ust5s30s", "ust3m10y", "ust_bund10y", "ust_jgb10y", "ust_jgb30y", "sofr_estr", "sofr_tona")


def obs(inst: str, day: int, value: float, src: str = "fred:X", **kw: object) -> Observation:
    return Observation(inst, D(2026, 11, day), value, src, **kw)  # type: ignore[arg-type]


def make() -> SeriesStore:
    return SeriesStore(today=lambda: TODAY)


def test_the_catalog_defines_the_issue_spreads_in_bp() -> None:
    for sid in SPREADS:
        inst = CATALOG[sid]
        assert inst.derived is not None and inst.unit == "bp" and inst.change == "bp" and inst.bp_scale == 1.0
        assert inst.group_title == "Spreads" and not inst.sources and inst.intraday is None
        assert all(leg in CATALOG for leg in inst.derived.legs)
    assert CATALOG["ust2s10s"].derived.tag == "derived:ust10y-ust2y"  # type: ignore[union-attr]
    assert CATALOG["ust_bund10y"].name == "UST−Bund 10Y"
    assert Derivation((("a", 2.0), ("b", -0.5))).expr == "2*a-0.5*b"


def test_a_spread_exists_only_on_dates_both_legs_have() -> None:
    store = make()
    store.apply([obs("ust10y", 16, 4.10), obs("ust10y", 17, 4.20), obs("ust10y", 18, 4.25)])
    assert store.latest("ust2s10s") is None  # no 2Y yet: nothing, not a guess
    delta = store.apply([obs("ust2y", 17, 3.80), obs("ust2y", 18, 3.90), obs("ust2y", 19, 3.95)])
    assert "ust2s10s" in delta.changed and "ust5s30s" not in delta.changed
    spread = store.official("ust2s10s")
    assert [d.day for d in spread.index] == [17, 18]  # 16 and 19 have one leg only
    assert spread.tolist() == [40.0, 35.0]  # rounded: no 34.99999999999997
    latest = store.latest("ust2s10s")
    assert latest is not None and latest.source == "derived:ust10y-ust2y" and latest.date == D(2026, 11, 18)
    assert latest.previous == 40.0 and set(store.sources("ust2s10s")) == {"derived:ust10y-ust2y"}


def test_a_revised_leg_revises_the_spread() -> None:
    store = make()
    store.apply([obs("ust10y", 17, 4.20), obs("ust2y", 17, 3.80)])
    version = store.official_version_of("ust2s10s")
    store.apply([obs("ust10y", 17, 4.30)])
    assert store.official("ust2s10s").tolist() == [50.0]
    assert store.official_version_of("ust2s10s") > version


def test_a_spread_is_never_written_directly() -> None:
    store = make()
    delta = store.apply([obs("ust2s10s", 17, 12.0, src="fred:T10Y2Y")])
    assert not delta.changed and delta.rejected == 1 and store.latest("ust2s10s") is None
    assert "derived from ust10y, ust2y" in store.state["ust2s10s"].notes[0]


def test_a_quote_needs_every_leg_on_its_day() -> None:
    store = make()
    store.apply([obs("ust10y", 17, 4.20), obs("ust2y", 17, 3.80), obs("ust30y", 17, 4.60), obs("ust5y", 17, 4.00)])
    t1 = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)
    store.apply([obs("ust10y", 18, 4.25, src="yahoo:^TNX", intraday=True, time=t1)])
    latest = store.latest("ust2s10s")
    assert latest is not None and not latest.intraday and latest.date == D(2026, 11, 17)  # the 2Y has no 18th
    t2 = dt.datetime(2026, 11, 18, 15, 5, tzinfo=dt.UTC)
    store.apply([obs("ust30y", 18, 4.70, src="yahoo:^TYX", intraday=True, time=t2)])
    store.apply([obs("ust5y", 18, 4.02, src="yahoo:^FVX", intraday=True, time=t1)])
    quote = store.latest("ust5s30s")
    assert quote is not None and quote.intraday and quote.date == D(2026, 11, 18)
    assert quote.value == 68.0 and quote.time == t1 and quote.previous == 60.0  # the older stamp
    store.apply([obs("ust5y", 18, 4.01), obs("ust30y", 18, 4.69)])  # closes replace the quotes
    latest = store.latest("ust5s30s")
    assert latest is not None and not latest.intraday and latest.value == 68.0


def test_state_follows_the_weakest_leg() -> None:
    store = make()
    t0 = dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC)
    store.apply([obs("ust10y", 17, 4.20), obs("bund10y", 17, 2.60)])
    store.mark_success("ust10y", "treasury:10 Yr", when=t0 + dt.timedelta(hours=1))
    store.mark_success("bund10y", "bundesbank:X", when=t0)
    st = store.state["ust_bund10y"]
    assert st.status is Status.FRESH and st.last_success == t0 and st.source == "derived:ust10y-bund10y"
    store.mark_failure("bund10y", "HTTP 503")
    st = store.state["ust_bund10y"]
    assert st.status is Status.STALE and st.last_error == "bund10y: HTTP 503"
    assert "ust_bund10y" in store.changed_since(0)
    store.mark_success("bund10y", "bundesbank:X", when=t0)
    assert store.state["ust_bund10y"].status is Status.FRESH and store.state["ust_bund10y"].last_error is None


def test_state_without_values_names_the_missing_leg() -> None:
    spec = Derivation((("a", 1.0), ("b", -1.0)))
    fresh, failed = SeriesState(Status.FRESH), SeriesState(Status.ERROR, last_error="timeout")
    assert derive_state(spec, [("a", fresh), ("b", failed)], has_data=False).status is Status.ERROR
    missing = derive_state(spec, [("a", fresh), ("b", SeriesState())], has_data=False)
    assert missing.status is Status.MISSING and "(b)" in (missing.last_error or "")


def test_spread_lateness_follows_its_legs() -> None:
    from datafeed.market_calendar import instrument_is_late

    spread = CATALOG["ust_bund10y"]
    assert not instrument_is_late(spread, D(2026, 11, 25), TODAY)
    assert instrument_is_late(spread, D(2026, 11, 16), TODAY)


def test_cache_keeps_legs_and_the_summary_the_spread(tmp_path: Path) -> None:
    from datafeed.cache import DiskCache
    from datafeed.summary import read_summary

    store = make()
    store.apply([obs("ust10y", 17, 4.20), obs("ust2y", 17, 3.80), obs("ust10y", 18, 4.3), obs("ust2y", 18, 3.8)])
    for inst in ("ust10y", "ust2y"):
        store.mark_success(inst, "fred:X")
    cache = DiskCache(tmp_path)
    written = cache.save(store)
    assert "ust2s10s" not in written and not (tmp_path / "ust2s10s.json").exists()
    entry = read_summary(tmp_path)["ust2s10s"]  # the first frame shows it before pandas loads
    assert entry.values == (40.0, 50.0) and entry.source == "derived:ust10y-ust2y"
    again = make()
    DiskCache(tmp_path).load_into(again)
    assert again.official("ust2s10s").tolist() == [40.0, 50.0]
    assert again.state["ust2s10s"].status is Status.STALE  # its legs are kept data, not refreshed


@pytest.mark.parametrize("sid", SPREADS)
def test_the_demo_shows_every_spread(sid: str) -> None:
    from datafeed.demo import DemoMarket, load_demo

    store = make()
    load_demo(store, DemoMarket(end=D(2026, 11, 19)))
    latest = store.latest(sid)
    spec = CATALOG[sid].derived
    assert spec is not None and latest is not None and latest.source == spec.tag
    legs = [store.latest(leg) for leg in spec.legs]
    assert all(leg is not None and leg.date == latest.date for leg in legs)
    assert latest.value == pytest.approx(100 * (legs[0].value - legs[1].value), abs=1e-6)  # type: ignore[union-attr]
    assert store.state[sid].status is Status.FRESH


def test_snapshot_json_gives_a_spread_in_bp_with_its_derivation() -> None:
    from datafeed.snapshot import series_json

    store = make()
    store.apply([obs("ust10y", 24, 4.20), obs("ust2y", 24, 3.80), obs("ust10y", 25, 4.25), obs("ust2y", 25, 3.81)])
    entry = series_json(store, TODAY)["ust2s10s"]
    assert entry["unit"] == "bp" and entry["value"] == 44.0 and entry["change"] == 4.0
    assert entry["source"] == "derived:ust10y-ust2y" and entry["change_unit"] == "bp" and not entry["late"]
