"""``AlertMonitor``: the evaluation ``triffin watch`` and the TUI share."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pandas as pd

from datafeed.alerts import AlertMonitor, parse_rule
from datafeed.formulas import evaluate_all, parse_formula

T0 = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


def series(*values: float, start: str = "2026-11-02") -> pd.Series:
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype="float64")


def data(ust: float, bund: float = 2.5) -> dict[str, pd.Series]:
    return {"ust10y": series(4.0, 4.1, ust), "bund10y": series(2.6, 2.5, bund)}


SPREAD = parse_formula("us_de_10y", "(ust10y - bund10y) * 100", "bp")


def test_precomputed_formula_values_give_the_same_firings() -> None:
    """The TUI hands in the formula rows it already evaluated; watch lets the monitor evaluate them."""
    rule = parse_rule("us_de_10y crosses 200", formulas=["us_de_10y"])
    own, given = AlertMonitor([rule], formulas=[SPREAD]), AlertMonitor([rule], formulas=[SPREAD])
    fired = 0
    for minute, ust in enumerate((4.2, 4.6, 4.3, 4.8)):
        now = T0 + dt.timedelta(minutes=minute)
        values = evaluate_all([SPREAD], data(ust))
        a = own.check(data(ust), now)
        b = given.check(data(ust), now, formula_values=values)
        assert [(f.value, f.detail) for f in a] == [(f.value, f.detail) for f in b]
        fired += len(a)
    assert fired == 3  # 170 → 210 → 180 → 230 bp: three crosses of 200
    assert own.engine.evaluations == given.engine.evaluations == 4


def test_line_labels_demo_and_replay() -> None:
    rule = parse_rule("ust10y > 4")
    for mode, suffix in (("live", ""), ("demo", " DEMO"), ("replay", " REPLAY")):
        monitor = AlertMonitor([rule], mode=mode)
        (firing,) = monitor.check(data(4.5), T0)
        assert monitor.line(firing) == "2026-11-20T15:00:00Z ust10y > 4 4.5 2026-11-04" + suffix
        monitor.close()


def test_reset_forgets_the_side_of_a_cross() -> None:
    """After a store switch the first value is a side, not a cross."""
    monitor = AlertMonitor([parse_rule("ust10y crosses 5")])
    assert monitor.check(data(4.5), T0) == []
    monitor.reset()
    assert monitor.check(data(5.5), T0) == []  # would have been a cross without the reset
    (firing,) = monitor.check(data(4.5), T0 + dt.timedelta(minutes=1))
    assert firing.detail == "crossed below 5"


def test_submit_sends_the_mode_to_the_command(tmp_path: Path) -> None:
    out = tmp_path / "payload.json"
    script = f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())"
    rule = parse_rule("ust10y > 4", command=[sys.executable, "-c", script])
    monitor = AlertMonitor([rule], mode="live")
    monitor.mode = "demo"  # the TUI's offline fallback switches to the demo market
    (firing,) = monitor.check(data(4.5), T0)
    future = monitor.submit(firing)
    assert future is not None and future.result(timeout=20).ok
    monitor.close()
    payload = json.loads(out.read_text())
    assert payload["mode"] == "demo" and payload["rule"] == "ust10y > 4" and payload["value"] == 4.5


def test_crisis_live_rule_is_about_the_day_it_is_checked() -> None:
    """A stress spell months old is no live crisis today; checked on its days, it fires."""
    days = pd.bdate_range("2026-03-02", periods=30)
    stress = {
        "vix": pd.Series([15.0] * 25 + [22.0] * 5, index=days),
        "ust10y": pd.Series([4.0] * 26 + [4.3] * 4, index=days),
    }
    on_the_day = dt.datetime(2026, 4, 10, 21, 0, tzinfo=dt.UTC)
    fired = AlertMonitor([parse_rule("crisis live fail")]).check(stress, on_the_day)
    assert [f.rule.text for f in fired] == ["crisis live fail"] and "ust10y" in str(fired[0].value)
    assert AlertMonitor([parse_rule("crisis live fail")]).check(stress, T0) == []


def test_a_rule_on_a_signal_is_dated_held_back_when_late_and_not_repeated(tmp_path: Path) -> None:
    """QA finding 3, for signals: a rule on ``stock_bond_corr_1y`` fired undated, on any data
    age. Now its firing carries the signal's as-of date, a live run holds it back when the
    signal's inputs are late (as the signals panel marks them), and a restart does not fire
    it again on the same reading. On the demo market's history (ending 2026-11-20)."""
    from datafeed.alert_memory import FiredMemory
    from datafeed.demo import DemoMarket, load_demo
    from datafeed.store import SeriesStore

    end = dt.date(2026, 11, 20)
    store = SeriesStore(today=lambda: end)
    load_demo(store, DemoMarket(end=end))
    history = store.all_series()
    rule = parse_rule("stock_bond_corr_1y > -5")

    def check(day: dt.date, memory: Path | None = None) -> tuple[list[str], list[str]]:
        monitor = AlertMonitor([rule], memory=FiredMemory(memory) if memory else None)
        try:
            fired = monitor.check(history, dt.datetime.combine(day, dt.time(15), dt.UTC), held={})
            return [monitor.line(f) for f in fired], [h.text() for h in monitor.late]
        finally:
            monitor.close()

    fired, late = check(dt.date(2026, 11, 23), tmp_path / "fired.json")  # the Monday after: on time
    assert len(fired) == 1 and fired[0].endswith(" 2026-11-20") and late == []
    assert check(dt.date(2026, 11, 23), tmp_path / "fired.json") == ([], [])  # a restart: the same reading
    fired, late = check(dt.date(2027, 3, 23))  # four months on, nothing newer: late inputs
    assert fired == [] and len(late) == 1
    assert " 2026-11-20 LATE — stock_bond_corr_1y is 123 days old, its inputs are late (spx, ust10y)" in late[0]
