"""``triffin`` end to end in subprocesses: snapshot JSON/CSV/table, exit codes, bounds."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from datafeed.catalog import CATALOG
from tests.conftest import write_config
from tests.fredgraph import fredgraph_join

DATA = {
    "DGS10": "observation_date,DGS10\n2026-11-19,4.09\n2026-11-20,\n2026-11-23,4.11\n",
    "VIXCLS": "DATE,VIXCLS\n2026-11-19,17.50\n2026-11-20,.\n2026-11-23,18.25\n",
}


def run(
    args: list[str], env_extra: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, env=env, timeout=timeout
    )


@pytest.fixture
def fred(httpserver: HTTPServer) -> HTTPServer:
    def handler(request: Request) -> Response:
        body = fredgraph_join(request.args.get("id", ""), DATA.get)
        if body is not None:
            return Response(body, content_type="text/csv")
        return Response("Not Found", status=404)

    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(handler)
    return httpserver


def test_version() -> None:
    r = run(["--version"])
    assert r.returncode == 0 and r.stdout.strip() == "triffin 0.1.0"


@pytest.mark.parametrize(
    "args", [["--bogus"], ["snapshot", "--format", "xml"], ["snapshot", "--timeout", "soon"], ["frobnicate"]]
)
def test_usage_errors_are_one_line_exit_2(args: list[str]) -> None:
    r = run(args)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_config_error_is_one_line_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[sources.fred]\nenabled = maybe\n")
    r = run(["snapshot"], {"TRIFFIN_CONFIG": str(path)})
    assert r.returncode == 2 and str(path) in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_snapshot_json_against_loopback_fred(fred: HTTPServer, tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", fred.url_for("/").rstrip("/"))
    env = {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}
    r = run(["snapshot", "--format", "json", "--timeout", "20"], env)
    doc = json.loads(r.stdout)
    assert r.returncode == 1  # most FRED ids are unknown to this small server
    assert doc["triffin"] == "0.1.0" and doc["mode"] == "live" and doc["as_of"].endswith("Z")
    assert list(doc["series"]) == list(CATALOG)
    ust = doc["series"]["ust10y"]
    assert (ust["date"], ust["value"], ust["source"], ust["status"]) == ("2026-11-23", 4.11, "fred:DGS10", "fresh")
    assert ust["error"] is None and isinstance(ust["late"], bool)
    assert doc["series"]["vix"]["value"] == 18.25
    assert doc["series"]["ust2y"]["status"] == "error" and "404" in doc["series"]["ust2y"]["error"]
    assert doc["series"]["jgb30y"]["status"] == "missing"
    # Second run: the cache holds the data; offline mode reads it without a network.
    r2 = run(["snapshot", "--format", "json", "--offline"], env)
    doc2 = json.loads(r2.stdout)
    assert r2.returncode == 0 and doc2["mode"] == "offline"
    assert doc2["series"]["ust10y"]["value"] == 4.11 and doc2["series"]["ust10y"]["status"] == "stale"


def test_snapshot_csv_and_table(fred: HTTPServer, tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", fred.url_for("/").rstrip("/"))
    env = {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}
    r = run(["snapshot", "--format", "csv"], env)
    lines = r.stdout.splitlines()
    assert lines[0].startswith("id,name,unit,source,date,value")
    assert any(line.startswith("ust10y,UST 10Y,%,fred:DGS10,2026-11-23,4.11") for line in lines)
    t = run(["snapshot", "--format", "table"], env)
    assert "ust10y" in t.stdout and "4.110" in t.stdout and "\x1b[" not in t.stdout


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def test_snapshot_timeout_is_a_bound(silent_server: str, tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", silent_server)
    env = {"TRIFFIN_CONFIG": str(cfg), "TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}
    started = time.monotonic()
    r = run(["snapshot", "--format", "json", "--timeout", "2"], env)
    elapsed = time.monotonic() - started
    doc = json.loads(r.stdout)
    assert r.returncode == 1
    assert doc["series"]["ust10y"]["status"] == "error"
    # 2 s budget plus interpreter start-up and imports; generous for a loaded CI box.
    assert elapsed < 2 + 6, elapsed


def test_snapshot_demo_has_every_instrument_and_no_cache(tmp_path: Path) -> None:
    env = {"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}
    r = run(["snapshot", "--format", "json", "--demo"], env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["mode"] == "demo" and list(doc["series"]) == list(CATALOG)
    # Every value is synthetic: the demo's own, or a spread derived from demo legs.
    assert all(s["value"] is not None for s in doc["series"].values())
    for sid, s in doc["series"].items():
        spec = CATALOG[sid].derived
        assert s["source"] == (spec.tag if spec else f"demo:{sid}"), sid
    assert not (tmp_path / "cache").exists()


def test_sources_command_reports_each_source(fred: HTTPServer, tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", fred.url_for("/").rstrip("/"))
    r = run(["sources", "--format", "json"], {"TRIFFIN_CONFIG": str(cfg)})
    rows = {row["source"]: row for row in json.loads(r.stdout)}
    # The representative FRED series (DGS1MO) is unknown to this small server: a failure.
    assert r.returncode == 1 and not rows["fred"]["ok"] and "404" in rows["fred"]["detail"]
    assert rows["yahoo"]["enabled"] is False and rows["yahoo"]["ok"]
    table = run(["sources"], {"TRIFFIN_CONFIG": str(cfg)})
    assert table.returncode == 1 and "FAIL" in table.stdout and "off" in table.stdout


def test_sources_command_ok_when_every_source_answers(fred: HTTPServer, tmp_path: Path) -> None:
    DATA["DGS1MO"] = "observation_date,DGS1MO\n2026-11-20,3.61\n"
    try:
        cfg = write_config(tmp_path / "c.toml", fred.url_for("/").rstrip("/"))
        r = run(["sources", "--format", "json"], {"TRIFFIN_CONFIG": str(cfg)})
    finally:
        del DATA["DGS1MO"]
    fred_row = next(row for row in json.loads(r.stdout) if row["source"] == "fred")
    assert r.returncode == 0 and fred_row["ok"] and fred_row["latency_ms"] is not None


def test_snapshot_demo_carries_signals_regime_and_crises(tmp_path: Path) -> None:
    r = run(["snapshot", "--format", "json", "--demo"], {"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")})
    doc = json.loads(r.stdout)
    assert set(doc["regime"]) >= {"verdict", "eroding", "available"}
    assert doc["regime"]["verdict"] in ("ERODING", "MIXED", "INTACT")
    sig = doc["signals"]["stock_bond_corr_1y"]
    assert set(sig) >= {"value", "unit", "verdict", "date"} and sig["unit"] == "corr"
    ids = [c["id"] for c in doc["crises"]]
    assert ids[:8] == [
        "gfc-2008",
        "downgrade-2011",
        "china-2015",
        "brexit-2016",
        "covid-2020",
        "svb-2023",
        "carry-2024",
        "tariff-2025",
    ]
    covid = next(c for c in doc["crises"] if c["id"] == "covid-2020")
    assert covid["verdict"] == "broken"
    assert set(covid["checks"]["ust10y"]) >= {"change", "unit", "expected", "result"}


def test_snapshot_table_has_signals_and_crisis_grid_without_colour(tmp_path: Path) -> None:
    r = run(["snapshot", "--demo"], {"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")})
    assert r.returncode == 0
    assert "Regime:" in r.stdout and "Crisis scorecard" in r.stdout and "COVID dash for cash" in r.stdout
    assert "✗" in r.stdout and "✓" in r.stdout and "\x1b[" not in r.stdout


# --- common options before or after the command -------------------------------------------
#
# One definition (tui/cli.py _COMMON_OPTIONS) serves both positions: `triffin --demo watch`
# and `triffin watch --demo` are the same command, and an option given on both sides ends
# with the later value (the one after the command). The in-process tests below replace each
# command's runner with a recorder, so they check what reached the command without running
# it; the subprocess tests after them check the visible effect end to end.

COMMANDS: dict[str, list[str]] = {
    "snapshot": ["snapshot"],
    "sources": ["sources"],
    "watch": ["watch", "--once"],
    "export": ["export", "ust10y"],
    "record": ["record", "REC"],
    "serve": ["serve"],
    "tui": [],  # the bare TUI: there is no "after the command"
}
POSITIONS = ("before", "after")
MATRIX = [(c, p) for c in COMMANDS for p in POSITIONS if not (c == "tui" and p == "after")]


def argv(command: str, position: str, options: list[str], tmp_path: Path) -> list[str]:
    cmd = [str(tmp_path / "rec") if a == "REC" else a for a in COMMANDS[command]]
    return [*options, *cmd] if position == "before" else [*cmd, *options]


@pytest.fixture
def reached(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Replace every command's runner by a recorder of what ``main`` handed it."""
    import tui.export_cmd
    import tui.run
    import tui.serve_cmd
    import tui.snapshot_cmd
    import tui.sources_cmd
    import tui.watch_cmd

    calls: list[dict[str, object]] = []

    def recorder(name: str):  # noqa: ANN202 - a stand-in with the runners' loose signatures
        def record(*args: object, **kwargs: object) -> int:
            config = args[0] if args else None
            calls.append({"command": name, "config": config, **kwargs})
            return 0

        return record

    monkeypatch.setattr(tui.snapshot_cmd, "run_snapshot", recorder("snapshot"))
    monkeypatch.setattr(tui.sources_cmd, "run_sources", recorder("sources"))
    monkeypatch.setattr(tui.watch_cmd, "run_watch", recorder("watch"))
    monkeypatch.setattr(tui.watch_cmd, "run_record", recorder("record"))
    monkeypatch.setattr(tui.export_cmd, "run_export", recorder("export"))
    monkeypatch.setattr(tui.serve_cmd, "run_serve", recorder("serve"))
    monkeypatch.setattr(tui.run, "run_app", recorder("tui"))
    return calls


def _settings(call: dict[str, object]) -> dict[str, object]:
    """theme / refresh / ascii / config file as the command received them."""
    if call["command"] == "serve":  # serve hands the raw options to each browser session's TUI
        return {
            "theme": call["theme"],
            "refresh": call["refresh"],
            "ascii": call["ascii"],
            "config": call["config_path"],
        }
    config = call["config"]
    return {
        "theme": config.theme,
        "refresh": config.feed.refresh,
        "ascii": config.ascii,
        "config": str(config.path) if config.path else None,
    }


@pytest.mark.parametrize(("command", "position"), MATRIX)
def test_theme_refresh_ascii_and_config_reach_the_command_in_either_position(
    command: str, position: str, tmp_path: Path, reached: list[dict[str, object]]
) -> None:
    from tui.cli import main

    cfg = tmp_path / "good.toml"
    cfg.write_text("intraday_refresh = 300\n")
    opts = ["--config", str(cfg), "--theme", "triffin-light", "--refresh", "60", "--ascii"]
    assert main(argv(command, position, opts, tmp_path)) == 0
    (call,) = reached
    assert call["command"] == command
    assert _settings(call) == {"theme": "triffin-light", "refresh": 60.0, "ascii": True, "config": str(cfg)}


@pytest.mark.parametrize(("command", "position"), MATRIX)
def test_without_options_the_defaults_apply_in_either_position(
    command: str, position: str, tmp_path: Path, reached: list[dict[str, object]]
) -> None:
    from tui.cli import main

    assert main(argv(command, position, [], tmp_path)) == 0
    (call,) = reached
    settings = _settings(call)
    if command == "serve":
        assert settings == {"theme": None, "refresh": None, "ascii": None, "config": None}
    else:
        assert (settings["theme"], settings["refresh"], settings["ascii"]) == ("triffin-dark", 900.0, False)
    assert call.get("demo", False) is False


@pytest.mark.parametrize(("command", "position"), MATRIX)
def test_demo_reaches_the_command_in_either_position(
    command: str, position: str, tmp_path: Path, reached: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    code = main(argv(command, position, ["--demo"], tmp_path))
    if command in ("sources", "record"):  # they check / store live sources: --demo is refused, not ignored
        assert code == 2 and reached == []
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
        return
    assert code == 0
    (call,) = reached
    assert call["demo"] is True


@pytest.mark.parametrize(("command", "position"), MATRIX)
def test_a_bad_config_file_is_named_in_either_position(
    command: str, position: str, tmp_path: Path, reached: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text("[sources.fred]\nenabled = maybe\n")
    assert main(argv(command, position, ["--config", str(bad)], tmp_path)) == 2
    err = capsys.readouterr().err.strip()
    assert str(bad) in err and len(err.splitlines()) == 1
    assert reached == []


def test_an_option_given_on_both_sides_ends_with_the_later_one(reached: list[dict[str, object]]) -> None:
    from tui.cli import main
    from tui.cli_args import build_parser

    assert build_parser().parse_args(["--theme", "a", "snapshot", "--theme", "b"]).theme == "b"
    assert build_parser().parse_args(["--refresh", "60", "watch", "--refresh", "120"]).refresh == 120.0
    assert main(["--theme", "nope", "serve", "--theme", "triffin-amber"]) == 0
    assert reached[-1]["theme"] == "triffin-amber"
    # ... and the later one is the one that is validated.
    assert main(["--theme", "triffin-amber", "serve", "--theme", "nope"]) == 2
    assert len(reached) == 1


def test_replay_before_watch_reaches_watch(tmp_path: Path, reached: list[dict[str, object]]) -> None:
    from tui.cli import main

    assert main(["--replay", str(tmp_path), "--speed", "0", "watch", "--once"]) == 0
    assert main(["watch", "--once", "--replay", str(tmp_path), "--speed", "0"]) == 0
    assert [(c["replay"], c["speed"]) for c in reached] == [(str(tmp_path), 0.0)] * 2


@pytest.mark.parametrize(
    "args",
    [
        ["--replay", "DIR", "snapshot"],
        ["--replay", "DIR", "export", "ust10y"],
        ["--demo", "sources"],
        ["sources", "--demo"],
    ],
)
def test_common_options_a_command_cannot_use_are_refused(
    args: list[str], reached: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    assert main(args) == 2 and reached == []
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.parametrize("position", POSITIONS)
def test_demo_before_or_after_watch_watches_the_demo_feed(position: str, tmp_path: Path) -> None:
    opts = ["--demo"]
    cmd = ["watch", "--once", "--alert", "vix > 0"]
    r = run([*opts, *cmd] if position == "before" else [*cmd, *opts], {"TRIFFIN_CACHE_DIR": str(tmp_path / "c")})
    assert r.returncode == 0, r.stderr
    assert "DEMO feed" in r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines and all(line.endswith(" DEMO") for line in lines)


@pytest.mark.parametrize("position", POSITIONS)
def test_demo_before_or_after_snapshot_and_export_uses_the_demo_feed(position: str, tmp_path: Path) -> None:
    env = {"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")}  # empty: live data could not answer
    for cmd in (["snapshot", "--format", "json"], ["export", "ust10y"]):
        r = run(["--demo", *cmd] if position == "before" else [*cmd, "--demo"], env)
        assert r.returncode == 0, r.stderr
        if cmd[0] == "snapshot":
            assert json.loads(r.stdout)["mode"] == "demo"
        else:
            assert len(r.stdout.splitlines()) > 100  # years of synthetic history, not an empty cache
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("position", POSITIONS)
def test_config_before_or_after_snapshot_is_read(position: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("theme = 42\n")
    r = run(["--config", str(bad), "snapshot"] if position == "before" else ["snapshot", "--config", str(bad)])
    assert r.returncode == 2 and str(bad) in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_help_says_options_go_on_either_side() -> None:
    r = run(["watch", "--help"])
    assert r.returncode == 0 and "before or after the command" in " ".join(r.stdout.split())
    assert "--demo" in r.stdout and "--config" in r.stdout


@pytest.mark.parametrize("argv", [[], ["--demo"], ["--ascii"], ["--ascii", "--demo"], ["--demo", "--demo"]])
def test_a_tui_only_command_line_is_read_without_argparse_to_the_parsers_namespace(argv: list[str]) -> None:
    """Plain ``triffin`` (``--demo``, ``--ascii``) is read without importing argparse or
    building a parser (issue 20: ~5 ms in front of the first frame), to the namespace the
    parser gives."""
    from tui.cli import tui_only_args
    from tui.cli_args import build_parser

    assert vars(tui_only_args(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [["--help"], ["snapshot"], ["snapshto"], ["--config", "x.toml"], ["--dem"], ["-h"]])
def test_anything_else_goes_to_the_parser(argv: list[str]) -> None:
    """Help, commands, a mistyped command, options with values, abbreviations: the parser
    (its help lists the commands, a typo is named as an invalid choice)."""
    from tui.cli import tui_only_args

    assert tui_only_args(argv) is None


def test_plain_triffin_imports_no_argparse() -> None:
    """The TUI's command line costs no argparse import (a fresh interpreter; the TUI itself is
    replaced so nothing starts)."""
    code = (
        "import sys, tui.run\n"
        "tui.run.run_app = lambda config, demo=False, **kw: print('argparse' in sys.modules, demo)\n"
        "from tui.cli import main\n"
        "sys.exit(main(['--demo']))\n"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert out.stdout.split() == ["False", "True"], out.stdout + out.stderr
