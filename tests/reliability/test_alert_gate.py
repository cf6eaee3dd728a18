"""Alert commands shared between processes (``triffin serve`` sessions): :class:`SharedCommandGate`.

Each served session is its own process with its own alert engine; the gate (a small JSON
file under an exclusive ``flock``) lets a rule's command run at most once per firing event
and once per cooldown across all of them. Tested here with real runners and with six
processes racing for the same firing.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from datafeed.alerts import CommandRunner, Firing, SharedCommandGate, parse_rule

ROOT = Path(__file__).resolve().parents[2]
T0 = dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC)


def rule(out: Path, cooldown: str = "1h") -> object:
    script = f"import sys; open({str(out)!r}, 'a').write(sys.stdin.read())"
    return parse_rule("vix > 20", cooldown=cooldown, command=[sys.executable, "-c", script])


def fire(r: object, when: dt.datetime, date: dt.date = dt.date(2026, 11, 25), value: float = 21.5) -> Firing:
    return Firing(when, r, value, date, "became true")  # type: ignore[arg-type]


def runs(out: Path) -> int:
    return len(out.read_text().splitlines()) if out.exists() else 0


def submit_all(gate: SharedCommandGate, firings: list[Firing]) -> list[bool]:
    """One runner per firing (as if each were another session), run in order; True = it ran."""
    ran = []
    for firing in firings:
        runner = CommandRunner(gate=gate)
        future = runner.submit(firing)
        assert future is not None
        result = future.result(timeout=30)
        runner.close()
        ran.append(not result.skipped)
        assert result.ok, result
    return ran


def test_the_same_firing_in_several_sessions_runs_the_command_once(tmp_path: Path) -> None:
    out, gate = tmp_path / "out.jsonl", SharedCommandGate(tmp_path / "state" / "alerts.json")
    r = rule(out)
    assert submit_all(gate, [fire(r, T0), fire(r, T0 + dt.timedelta(seconds=3)), fire(r, T0)]) == [True, False, False]
    assert runs(out) == 1
    assert (tmp_path / "state" / "alerts.json").stat().st_mode & 0o777 == 0o600


def test_cooldown_is_shared(tmp_path: Path) -> None:
    out, gate = tmp_path / "out.jsonl", SharedCommandGate(tmp_path / "alerts.json")
    r = rule(out, "1h")
    later = fire(r, T0 + dt.timedelta(minutes=30), dt.date(2026, 11, 26), 22.0)  # a new event, inside the cooldown
    after = fire(r, T0 + dt.timedelta(minutes=61), dt.date(2026, 11, 27), 23.0)  # a new event, after it
    assert submit_all(gate, [fire(r, T0), later, after]) == [True, False, True]
    assert runs(out) == 2


def test_without_cooldown_each_new_event_runs_but_no_event_twice(tmp_path: Path) -> None:
    out, gate = tmp_path / "out.jsonl", SharedCommandGate(tmp_path / "alerts.json")
    r = rule(out, "0s")
    firings = [fire(r, T0), fire(r, T0, dt.date(2026, 11, 26), 22.0), fire(r, T0, dt.date(2026, 11, 26), 22.0)]
    assert submit_all(gate, firings) == [True, True, False]


def test_a_dateless_firing_is_one_event_per_utc_day(tmp_path: Path) -> None:
    out, gate = tmp_path / "out.jsonl", SharedCommandGate(tmp_path / "alerts.json")
    crisis = parse_rule("crisis live fail", command=[sys.executable, "-c", f"open({str(out)!r}, 'a').write('x\\n')"])
    firings = [Firing(T0, crisis, "ust10y"), Firing(T0 + dt.timedelta(hours=1), crisis, "ust10y")]
    firings.append(Firing(T0 + dt.timedelta(days=1), crisis, "ust10y"))
    assert submit_all(gate, firings) == [True, False, True]


def test_an_unreadable_state_file_counts_as_empty(tmp_path: Path) -> None:
    out, path = tmp_path / "out.jsonl", tmp_path / "alerts.json"
    path.write_text("{half a json")
    assert submit_all(SharedCommandGate(path), [fire(rule(out), T0)]) == [True]
    assert len(json.loads(path.read_text())) == 1


def test_no_gate_without_the_environment_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TRIFFIN_ALERT_STATE", raising=False)
    assert CommandRunner().gate is None
    monkeypatch.setenv("TRIFFIN_ALERT_STATE", str(tmp_path / "s.json"))
    gate = CommandRunner().gate
    assert gate is not None and gate.path == tmp_path / "s.json"


def test_six_processes_racing_for_one_firing_run_it_once(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import datetime as dt, json, sys, time
        from datafeed.alerts import Firing, SharedCommandGate, parse_rule
        loads = json.loads
        def slow_loads(*a, **k):  # widen the read-modify-write window: only the lock keeps it safe
            time.sleep(0.3)
            return loads(*a, **k)
        json.loads = slow_loads
        r = parse_rule("vix > 20", cooldown="1h", command=["true"])
        f = Firing(dt.datetime(2026, 11, 26, 18, tzinfo=dt.UTC), r, 21.5, dt.date(2026, 11, 25))
        gate = SharedCommandGate({str(tmp_path / "alerts.json")!r})
        while time.time() < float(sys.argv[1]):
            pass
        print(gate.claim(f))
        """
    )
    import time

    start = time.time() + 2.0  # every process spins until the same instant
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(start)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    answers = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert sorted(answers) == ["False"] * 5 + ["True"], answers
