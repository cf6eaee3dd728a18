"""Alert rules: parsing, fire-once semantics, cooldown, re-arming, crisis rows and commands."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from datafeed.alerts import (
    AlertEngine,
    AlertError,
    CommandRunner,
    Firing,
    collect_inputs,
    live_checks_from,
    parse_cooldown,
    parse_rule,
    run_command,
)
from datafeed.formulas import parse_formula

T0 = dt.datetime(2026, 11, 24, 22, 0, 0, tzinfo=dt.UTC)


def series(*values: float) -> pd.Series:
    idx = pd.bdate_range("2026-11-02", periods=len(values)).as_unit("ns")
    return pd.Series(values, index=idx, dtype="float64")


def run(engine: AlertEngine, key: str, values: list[float], step: float = 60.0) -> list[Firing]:
    """Evaluate once per value (as successive ticks); returns every firing."""
    fired: list[Firing] = []
    for i, v in enumerate(values):
        fired += engine.evaluate({key: series(v)}, T0 + dt.timedelta(seconds=i * step))
    return fired


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "kind", "op", "level", "subject"),
    [
        ("ust10y > 5", "threshold", ">", 5.0, "ust10y"),
        ("ust10y <= 3.5", "threshold", "<=", 3.5, "ust10y"),
        ("vix>=40", "threshold", ">=", 40.0, "vix"),
        ("stock_bond_corr_1y crosses 0", "cross", "crosses", 0.0, "stock_bond_corr_1y"),
        ("stock_bond_corr_1y crosses  above -0.2", "cross", "crosses above", -0.2, "stock_bond_corr_1y"),
        ("hy_oas crosses below 3", "cross", "crosses below", 3.0, "hy_oas"),
        ("pct_change(vix, 5) > 30", "threshold", ">", 30.0, "pct_change(vix, 5)"),
        ("(ust10y - bund10y) * 100 < -50", "threshold", "<", -50.0, "(ust10y - bund10y) * 100"),
        ("crisis live fail", "crisis", "fail", None, "core"),
        ("crisis live fail usd", "crisis", "fail", None, "usd"),
    ],
)
def test_parse_rules(text: str, kind: str, op: str, level: float | None, subject: str) -> None:
    rule = parse_rule(text)
    assert (rule.kind, rule.op, rule.level, rule.subject) == (kind, op, level, subject)


def test_parse_rule_reads_formula_ids_and_options() -> None:
    rule = parse_rule(
        "us_de_10y crosses 150", formulas=["us_de_10y"], cooldown="30m", command=["notify-send", "triffin"]
    )
    assert rule.refs == {"us_de_10y"} and rule.cooldown == 1800.0 and rule.command == ("notify-send", "triffin")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("ust10y > five", "expected '<id or expression> <op> <number>'"),
        ("bund10 > 2", "unknown id 'bund10' at column 1"),
        ("ust10y.real > 2", "attribute access"),
        ("__import__(vix) > 1", "dunder names"),
        ("diff(stock_bond_corr_1y, 1) > 0.1", "needs a series with history"),
        ("crisis live fail bonds", "unknown crisis check 'bonds'"),
        ("crisis live", "crisis rules read"),
        ("3 > 2", "reads no instrument"),
        ("", "non-empty"),
    ],
)
def test_bad_rules_are_one_line_naming_the_rule(text: str, fragment: str) -> None:
    with pytest.raises(AlertError) as info:
        parse_rule(text)
    assert fragment in str(info.value) and "\n" not in str(info.value)
    if text:
        assert str(info.value).startswith(f"alert '{text}': ")


@pytest.mark.parametrize(
    ("value", "seconds"), [("30m", 1800), ("90s", 90), ("2h", 7200), ("1d", 86400), ("1.5h", 5400), (45, 45)]
)
def test_parse_cooldown(value: object, seconds: float) -> None:
    assert parse_cooldown(value) == seconds


@pytest.mark.parametrize("value", ["30", "5 minutes", "-1m", -5, True, "m"])
def test_bad_cooldown(value: object) -> None:
    with pytest.raises(AlertError):
        parse_cooldown(value)


def test_command_must_be_a_list() -> None:
    with pytest.raises(AlertError, match="argument list"):
        parse_rule("vix > 30", command="notify-send triffin")


# --------------------------------------------------------------------------- engine


def test_threshold_fires_when_it_becomes_true_then_rearms() -> None:
    engine = AlertEngine([parse_rule("ust10y > 5")])
    fired = run(engine, "ust10y", [4.9, 5.1, 5.2, 5.3, 4.8, 5.05, 5.1])
    assert [f.value for f in fired] == [5.1, 5.05]
    assert all(f.detail == "became true" for f in fired)


def test_threshold_true_at_start_fires_once() -> None:
    engine = AlertEngine([parse_rule("ust10y >= 5")])
    assert [f.value for f in run(engine, "ust10y", [5.0, 5.0, 5.5])] == [5.0]


def test_cross_fires_once_per_cross_and_needs_a_previous_value() -> None:
    engine = AlertEngine([parse_rule("stock_bond_corr_1y crosses 0", signals=["stock_bond_corr_1y"])])
    values = [0.1, 0.2, -0.1, -0.2, -0.3, 0.0, 0.05, 0.3, -0.01]
    fired = []
    for i, v in enumerate(values):
        fired += engine.evaluate({"stock_bond_corr_1y": v}, T0 + dt.timedelta(minutes=i))
    assert [(f.value, f.detail) for f in fired] == [
        (-0.1, "crossed below 0"),
        (0.05, "crossed above 0"),  # touching 0 exactly does not count as a side
        (-0.01, "crossed below 0"),
    ]


def test_cross_direction_filters() -> None:
    up = AlertEngine([parse_rule("hy_oas crosses above 3")])
    down = AlertEngine([parse_rule("hy_oas crosses below 3")])
    path = [2.5, 3.5, 2.5, 3.5]
    assert [f.value for f in run(up, "hy_oas", path)] == [3.5, 3.5]
    assert [f.value for f in run(down, "hy_oas", path)] == [2.5]


def test_cooldown_drops_crosses_inside_it() -> None:
    engine = AlertEngine([parse_rule("vix crosses 30", cooldown="30m")])
    # one tick per 10 minutes: crosses at t=10, 20, 30, 40 and 50 min
    fired = run(engine, "vix", [29, 31, 29, 31, 29, 31], step=600)
    assert [(f.time - T0).total_seconds() / 60 for f in fired] == [10, 40]


def test_cooldown_holds_an_armed_threshold_until_it_ends() -> None:
    engine = AlertEngine([parse_rule("vix > 30", cooldown="15m")])
    # true at 0 (fires), false at 5, true again at 10 (cooling: held), still true at 20 (fires)
    fired = run(engine, "vix", [31, 29, 32, 33, 34], step=300)
    assert [(f.time - T0).total_seconds() / 60 for f in fired] == [0, 15]


def test_missing_values_change_nothing() -> None:
    engine = AlertEngine([parse_rule("ust10y > 5"), parse_rule("(ust10y - bund10y) * 100 > 100")])
    assert engine.evaluate({}, T0) == []
    assert engine.evaluate({"ust10y": series(), "bund10y": series(3.0)}, T0) == []
    fired = engine.evaluate({"ust10y": series(6.0), "bund10y": series(3.0)}, T0)
    assert [f.rule.text for f in fired] == ["ust10y > 5", "(ust10y - bund10y) * 100 > 100"]
    assert fired[1].value == pytest.approx(300.0) and fired[1].date == dt.date(2026, 11, 2)


def test_expression_on_the_left_uses_history() -> None:
    engine = AlertEngine([parse_rule("pct_change(vix, 5) > 30")])
    calm = series(15, 15, 16, 15, 16, 16)
    spike = series(15, 15, 16, 15, 16, 21)
    assert engine.evaluate({"vix": calm}, T0) == []
    fired = engine.evaluate({"vix": spike}, T0 + dt.timedelta(minutes=1))
    assert len(fired) == 1 and fired[0].value == pytest.approx(40.0)


def test_firing_line_format() -> None:
    engine = AlertEngine([parse_rule("ust10y > 5")])
    (firing,) = engine.evaluate({"ust10y": series(5.0123456)}, T0.replace(microsecond=123))
    assert firing.line() == "2026-11-24T22:00:00Z ust10y > 5 5.01235 2026-11-02"  # the data date last
    doc = firing.to_json(mode="demo")
    assert doc["rule"] == "ust10y > 5" and doc["value"] == 5.0123456 and doc["mode"] == "demo"
    assert doc["date"] == "2026-11-02" and doc["time"] == "2026-11-24T22:00:00Z"


def test_crisis_live_fail_fires_when_a_core_check_turns_fail() -> None:
    engine = AlertEngine([parse_rule("crisis live fail"), parse_rule("crisis live fail vix")])
    steps: list[dict[str, str] | None] = [
        None,
        {"ust10y": "flat", "usd": "pass", "ust_bund_10y": "n/a", "vix": "pass"},
        {"ust10y": "fail", "usd": "pass", "ust_bund_10y": "n/a", "vix": "pass"},
        {"ust10y": "fail", "usd": "pass", "ust_bund_10y": "n/a", "vix": "fail"},
        {"ust10y": "fail", "usd": "fail", "ust_bund_10y": "fail", "vix": "fail"},
        None,
        {"ust10y": "fail", "usd": "pass", "ust_bund_10y": "pass", "vix": "pass"},
    ]
    lines = []
    for i, live in enumerate(steps):
        lines += [
            (i, f.rule.text, f.value) for f in engine.evaluate({}, T0 + dt.timedelta(minutes=i), live_checks=live)
        ]
    assert lines == [
        (2, "crisis live fail", "ust10y"),
        (3, "crisis live fail vix", "vix"),
        (4, "crisis live fail", "usd,ust_bund_10y"),
        (6, "crisis live fail", "ust10y"),
    ]


def test_a_crisis_rule_may_name_every_scorecard_check() -> None:
    """``crisis live fail CHECK`` takes every column of the scorecard (A on any crisis cell
    offers one), the demand-side checks too; the parser's list is spelled out apart from
    datafeed.crises (pandas) and must not drift from it."""
    from datafeed.alert_rules import CHECK_IDS
    from datafeed.crises import CHECKS

    assert CHECK_IDS == tuple(CHECKS)
    for check_id in CHECKS:
        rule = parse_rule(f"crisis live fail {check_id}")
        assert rule.kind == "crisis" and rule.check == check_id


def test_live_checks_from_scored_rows() -> None:
    from datafeed.crises import CheckResult, Episode, ScoredEpisode

    ep = Episode("live", "Live stress", dt.date(2026, 11, 20), dt.date(2026, 11, 24), builtin=False, live=True)
    check = CheckResult("ust10y", 12.0, "bp", "down", "fail", 5.0, "ust10y")
    assert live_checks_from([ScoredEpisode(ep, "broken", {"ust10y": check})]) == {"ust10y": "fail"}
    assert live_checks_from([]) is None


def test_collect_inputs_computes_only_what_rules_read() -> None:
    formula = parse_formula("curve", "(ust10y - ust2y) * 100", "bp")
    engine = AlertEngine([parse_rule("curve crosses 0", formulas=["curve"])])
    values, live = collect_inputs(engine, {"ust10y": series(4.0), "ust2y": series(4.5)}, [formula])
    assert values["curve"].iloc[-1] == pytest.approx(-50.0) and live is None
    assert "stock_bond_corr_1y" not in values


def test_one_broken_rule_does_not_silence_others(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = AlertEngine([parse_rule("ust10y > 5"), parse_rule("vix > 30")])
    fired = engine.evaluate({"ust10y": "not a series", "vix": series(40.0)}, T0)
    assert [f.rule.text for f in fired] == ["vix > 30"]


# --------------------------------------------------------------------------- commands


def _writer(target: Path) -> list[str]:
    code = "import sys, pathlib; pathlib.Path(sys.argv[1]).write_bytes(sys.stdin.buffer.read())"
    return [sys.executable, "-c", code, str(target)]


def test_command_runs_without_shell_and_gets_json_on_stdin(tmp_path: Path) -> None:
    out = tmp_path / "alert.json"
    # A shell would expand this; without one it is a literal file name argument.
    target = tmp_path / "$(touch pwned)"
    rule = parse_rule("ust10y > 5", command=_writer(target))
    (firing,) = AlertEngine([rule]).evaluate({"ust10y": series(5.5)}, T0)
    result = run_command(rule.command, firing.to_json(mode="live"))
    assert result.ok and target.exists() and not (tmp_path / "pwned").exists()
    doc = json.loads(target.read_text())
    assert doc["rule"] == "ust10y > 5" and doc["value"] == 5.5 and doc["mode"] == "live"
    assert not out.exists()


def test_command_failures_are_logged_never_raised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    payload = {"rule": "x"}
    missing = run_command([str(tmp_path / "no-such-program")], payload)
    assert not missing.ok and "not found" in (missing.error or "")
    failing = run_command([sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"], payload)
    assert failing.returncode == 3 and "boom" in (failing.error or "")
    started = time.monotonic()
    hung = run_command([sys.executable, "-c", "import time; time.sleep(30)"], payload, timeout=0.5)
    assert not hung.ok and "timed out" in (hung.error or "") and time.monotonic() - started < 5
    assert sum("alert command" in r.getMessage() for r in caplog.records) == 3


def test_command_runner_runs_in_background(tmp_path: Path) -> None:
    target = tmp_path / "bg.json"
    rule = parse_rule("vix > 30", command=_writer(target))
    runner = CommandRunner(extra={"mode": "demo"})
    (firing,) = AlertEngine([rule]).evaluate({"vix": series(35.0)}, T0)
    assert runner.submit(firing) is not None
    runner.close(wait=True)
    assert json.loads(target.read_text())["mode"] == "demo" and runner.results[0].ok


# ------------------------------------------------------------------ memory across runs (QA finding 3)


def _memory_run(path: Path, *values: float) -> list[str]:
    """One run (a fresh engine, as after a restart) over ``values`` with the memory file at ``path``."""
    from datafeed.alert_memory import FiredMemory
    from datafeed.alerts import AlertMonitor

    monitor = AlertMonitor([parse_rule("ust10y > 5")], memory=FiredMemory(path))
    try:
        return [monitor.line(f) for f in monitor.check({"ust10y": series(*values)}, T0)]
    finally:
        monitor.close()


def test_a_restart_does_not_fire_again_on_the_observation_that_fired(tmp_path: Path) -> None:
    path = tmp_path / "fired.json"
    assert _memory_run(path, 4.9, 5.1) == ["2026-11-24T22:00:00Z ust10y > 5 5.1 2026-11-03"]
    assert _memory_run(path, 4.9, 5.1) == []  # the same close: not news
    assert _memory_run(path, 4.9, 5.1, 5.3) == []  # a newer close, true at every close since: never re-armed
    # 5.1 fired, then 4.8 re-armed it while nobody watched: 5.2 fires, on its own date.
    assert _memory_run(path, 4.9, 5.1, 5.3, 4.8, 5.2) == ["2026-11-24T22:00:00Z ust10y > 5 5.2 2026-11-06"]
    assert _memory_run(path, 4.9, 5.1, 5.3, 4.8, 5.2) == []


def test_without_memory_every_run_fires_and_a_broken_file_is_no_memory(tmp_path: Path) -> None:
    """The control: the engine alone fires on every start; an unreadable memory file counts as empty."""
    assert [f.value for f in AlertEngine([parse_rule("ust10y > 5")]).evaluate({"ust10y": series(5.1)}, T0)] == [5.1]
    path = tmp_path / "fired.json"
    path.write_text("{not json")
    assert len(_memory_run(path, 5.1)) == 1
    assert _memory_run(path, 5.1) == []  # and it was rewritten whole


def test_a_restart_within_the_same_live_spell_does_not_report_its_checks_again() -> None:
    """``crisis live fail`` fired at every start while the live row kept failing. With the
    memory of the spell (its first trigger) and the checks reported for it, a restart reports
    only a check that is new; a new spell reports afresh."""
    from datafeed.alert_memory import Remembered, rule_key
    from datafeed.alerts import AlertMonitor

    rule = parse_rule("crisis live fail")
    spell, later = dt.date(2026, 11, 2), dt.date(2026, 11, 16)
    failing = {"ust10y": "fail", "usd": "fail", "ust_bund_10y": "pass"}
    memory = {rule_key(rule.text): Remembered(spell, "ust10y,usd")}

    def first_look(checks: dict[str, str], start: dt.date) -> list[str]:
        engine = AlertEngine([rule], memory)  # a fresh engine: a restart
        return [str(f.value) for f in engine.evaluate({}, T0, live_checks=checks, live_start=start)]

    assert first_look(failing, spell) == []  # the same spell, the same checks: reported already
    assert first_look({**failing, "ust_bund_10y": "fail"}, spell) == ["ust_bund_10y"]  # new to the spell
    assert first_look(failing, later) == ["ust10y,usd"]  # another spell is news
    assert AlertEngine([rule]).evaluate({}, T0, live_checks=failing, live_start=spell)[0].value == "ust10y,usd"
    # What is kept after reporting ust_bund_10y: every check reported for the spell.
    monitor = AlertMonitor([rule])
    monitor._remembered.update(memory)  # noqa: SLF001 - as loaded from the file
    (fired,) = AlertEngine([rule], memory).evaluate(
        {}, T0, live_checks={**failing, "ust_bund_10y": "fail"}, live_start=spell
    )
    assert monitor._memo(fired, spell) == (rule.text, Remembered(spell, "usd,ust10y,ust_bund_10y"))  # noqa: SLF001
    monitor.close()
