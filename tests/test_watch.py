"""``triffin watch`` end to end in subprocesses: demo and live feeds, one line per firing,
commands with JSON on stdin, clean exit on SIGTERM, one-line errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from datafeed.market_calendar import is_business_day, previous_business_day
from tests.conftest import write_config
from tests.fredgraph import fredgraph_join
from tests.test_cli import fred, run  # noqa: F401 - fred is a fixture

LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (?P<rule>.+) (?P<value>-?[\d.]+|[a-z0-9_,]+)"
    r"(?: (?P<date>\d{4}-\d\d-\d\d))?(?P<tag> DEMO| REPLAY)?$"
)


def test_demo_alert_fires_once_and_exits_on_max_seconds(tmp_path: Path) -> None:
    started = time.monotonic()
    r = run(
        ["watch", "--demo", "--alert", "ust10y > 0", "--alert", "vix < 1", "--tick", "0.3", "--max-seconds", "3"],
        {"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    # True from the start and on every tick after: it fires once, not once per tick.
    assert len(lines) == 1, lines
    m = LINE.match(lines[0])
    assert m and m["rule"] == "ust10y > 0" and float(m["value"]) > 0 and m["tag"] == " DEMO"
    assert "DEMO" in r.stderr and time.monotonic() - started < 20
    assert not (tmp_path / "cache").exists()


def test_config_alert_runs_its_command_with_json(tmp_path: Path) -> None:
    out = tmp_path / "fired.json"
    cfg = tmp_path / "c.toml"
    code = "import sys, pathlib; pathlib.Path(sys.argv[1]).write_bytes(sys.stdin.buffer.read())"
    cfg.write_text(
        '[[formulas]]\nid = "curve"\nexpr = "(ust10y - ust2y) * 100"\nunit = "bp"\n\n'
        f'[[alerts]]\nrule = "curve > -1000"\ncooldown = "30m"\ncommand = {json.dumps([sys.executable, "-c", code, str(out)])}\n'
    )
    r = run(["watch", "--demo", "--once"], {"TRIFFIN_CONFIG": str(cfg)})
    assert r.returncode == 0, r.stderr
    (line,) = r.stdout.splitlines()
    assert " curve > -1000 " in line and line.endswith(" DEMO")
    doc = json.loads(out.read_text())
    assert doc["rule"] == "curve > -1000" and doc["mode"] == "demo" and doc["line"] + " DEMO" == line
    assert isinstance(doc["value"], float) and doc["kind"] == "threshold"


def recent_fred(httpserver: HTTPServer, ust: list[tuple[dt.date, str]], vix: str = "18.25") -> str:
    """A FRED stand-in serving the 10Y rows ``ust`` and VIX on the 10Y's last date (the URL to configure)."""
    rows = "".join(f"{d},{v}\n" for d, v in ust)
    body = {"DGS10": f"observation_date,DGS10\n{rows}", "VIXCLS": f"DATE,VIXCLS\n{ust[-1][0]},{vix}\n"}

    def handler(request: Request) -> Response:
        text = fredgraph_join(request.args.get("id", ""), body.get)
        return Response(text, content_type="text/csv") if text is not None else Response("Not Found", status=404)

    httpserver.clear()
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(handler)
    return httpserver.url_for("/").rstrip("/")


# watch runs on the real clock: the data must be recent to be news. The last three US
# business days up to today (B0 is today on a business day).
_today = dt.datetime.now(dt.UTC).date()
B0 = _today if is_business_day(_today) else previous_business_day(_today)
B1 = previous_business_day(B0)
B2 = previous_business_day(B1)


def test_live_watch_once_against_loopback_fred(httpserver: HTTPServer, tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", recent_fred(httpserver, [(B1, "4.09"), (B0, "4.11")]))
    env = {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}
    r = run(["watch", "--once", "--alert", "ust10y > 4", "--alert", "vix >= 18.25", "--alert", "ust10y > 5"], env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert [ln.split("Z ", 1)[1] for ln in lines] == [f"ust10y > 4 4.11 {B0}", f"vix >= 18.25 18.25 {B0}"]


def test_a_restart_does_not_fire_again_on_the_same_close(httpserver: HTTPServer, tmp_path: Path) -> None:
    """QA finding 3: every start fired ``ust10y > 4`` again on the close it had reported.
    Now the second run is silent, and so is a run on a newer close when the rule held at
    every close since (it never re-armed; tests/test_alerts.py covers one that did)."""
    cfg = write_config(tmp_path / "c.toml", recent_fred(httpserver, [(B2, "4.09"), (B1, "4.11")]))
    env = {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}
    args = ["watch", "--once", "--alert", "ust10y > 4"]
    first, second = run(args, env), run(args, env)
    assert first.returncode == second.returncode == 0, (first.stderr, second.stderr)
    assert [ln.split("Z ", 1)[1] for ln in first.stdout.splitlines()] == [f"ust10y > 4 4.11 {B1}"], first.stderr
    assert second.stdout == "", second.stdout
    # A newer close, and above 4 at every close since the one that fired: it never re-armed.
    recent_fred(httpserver, [(B2, "4.09"), (B1, "4.11"), (B0, "4.2")])
    assert run(args, env).stdout == ""


def test_late_data_does_not_fire_and_says_why(httpserver: HTTPServer, tmp_path: Path) -> None:
    """QA finding 3: a source that answers with a close months old fired as live news.
    Now nothing reaches stdout (no command, no page) and stderr names the value, its date and LATE."""
    old = previous_business_day(B0 - dt.timedelta(days=120))
    cfg = write_config(tmp_path / "c.toml", recent_fred(httpserver, [(old, "4.11")]))
    env = {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}
    r = run(["watch", "--once", "--alert", "ust10y > 4"], env)
    assert r.returncode == 0 and r.stdout == "", r.stdout
    notes = [ln for ln in r.stderr.splitlines() if "alert not fired" in ln]
    assert notes == [
        f"triffin: alert not fired: ust10y > 4 4.11 {old} LATE — ust10y (fred:DGS10) is {(_today - old).days} days"
        " old, late for its series; it fires on the next fresh value"
    ], r.stderr


def test_sigterm_stops_cleanly(tmp_path: Path) -> None:
    env = dict(os.environ, TRIFFIN_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "watch", "--demo", "--alert", "spx > 1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        first = proc.stdout.readline() if proc.stdout else ""
        assert LINE.match(first.strip()), first
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run the CLI in-process (error paths only: no interpreter start-up per case)."""
    from tui.cli import main

    code = main(args)
    return code, capsys.readouterr().err


def test_usage_and_rule_errors_are_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, err = _main(["watch", "--demo", "--once"], capsys)
    assert code == 2 and "no alert rules" in err and len(err.strip().splitlines()) == 1
    code, err = _main(["watch", "--demo", "--alert", "bund10 > 2"], capsys)
    assert code == 2 and "alert 'bund10 > 2': unknown id 'bund10'" in err
    assert len(err.strip().splitlines()) == 1
    cfg = tmp_path / "c.toml"
    monkeypatch.setenv("TRIFFIN_CONFIG", str(cfg))
    cfg.write_text('[[alerts]]\nrule = "vix > 30"\n\n[[alerts]]\nrule = "vix > 30"\ncommand = "notify-send hi"\n')
    code, err = _main(["watch", "--demo"], capsys)
    assert code == 2 and f"{cfg}:6: alert 'vix > 30': command must be an argument list" in err
    cfg.write_text('[[formulas]]\nid = "us_de_10y"\nunit = "bp"\nexpr = "(ust10y - bund10) * 100"\n')
    code, err = _main(["watch", "--demo"], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"{cfg}:4: formula 'us_de_10y': unknown instrument 'bund10' at column 11" in err
    monkeypatch.delenv("TRIFFIN_CONFIG")
    code, err = _main(["watch", "--replay", str(tmp_path / "nope"), "--alert", "vix > 1"], capsys)
    assert code == 2 and "no such recording folder" in err
    code, err = _main(["--replay", str(tmp_path / "nope")], capsys)
    assert code == 2 and "no such recording folder" in err and len(err.strip().splitlines()) == 1
    code, err = _main(["watch", "--demo", "--replay", str(tmp_path), "--alert", "vix > 1"], capsys)
    assert code == 2 and "exclude each other" in err
