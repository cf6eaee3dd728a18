"""Bad input from the user: every mistake is one clear line, exit code 2, no traceback.

Adds what ``tests/test_config.py`` and ``tests/test_cli.py`` do not already cover, and runs
each case through ``tui.cli.main`` (the console script's entry point) so the exit code and
the one stderr line are what a user sees. A few go through a real subprocess to prove no
traceback reaches the terminal. Hostile formulas and alert rules (:data:`EXPRESSIONS`:
deep nesting, long chains, non-ASCII letters, duplicated keywords, control characters)
go through the config file and through ``watch --alert``. :func:`test_count_of_bad_inputs`
asserts how many cases this module ran.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def toml_string(text: str) -> str:
    """A TOML basic string holding ``text`` exactly (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=True)


def _one_line(capsys: pytest.CaptureFixture[str], rc: int) -> str:
    out, err = capsys.readouterr()
    assert rc == 2 and out == "", (rc, out)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, lines[:5]
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in lines[0]), f"control character in {lines[0]!r}"
    return lines[0]


# (config text, fragments the one line must contain: besides the file path, which always is)
CONFIG_CASES: list[tuple[str, list[str]]] = [
    # malformed TOML
    ("[sources.fred\nenabled = true\n", ["invalid TOML", ":1:", "line 1"]),
    ("refresh = 900\nrefresh = 60\n", ["invalid TOML", ":2:", "line 2"]),
    ("theme = 'unterminated\n", ["invalid TOML", ":1:"]),
    ("refresh = 9 00\n", ["invalid TOML"]),
    ("\x00\x01 = 1\n", ["invalid TOML"]),
    ("[[sources.fred]]\nenabled = true\n", ["'sources.fred' must be a table"]),
    # unknown keys and wrong types
    ("Theme = 'triffin-dark'\n", ["unknown key 'Theme'", ":1:"]),
    (
        "[sources.fred]\nbase_url = 'http://127.0.0.1:1'\napikey = 'k'\n",
        ["unknown key 'apikey' in [sources.fred]", ":3:"],
    ),
    ("[sources]\nfred = 1\n", ["'sources.fred' must be a table", ":2:"]),
    ("ascii = 'yes'\n", ["'ascii' must be bool", ":1:"]),
    ("cache_dir = 5\n", ["'cache_dir' must be str", ":1:"]),
    ("timeout = inf\n", ["'timeout' must be a finite number, not inf", ":1:"]),
    ("refresh = nan\n", ["'refresh' must be a finite number, not nan", ":1:"]),
    ("[sources.fred]\nmax_connections = 2.5\n", ["must be int", ":2:"]),
    ("[sources.fred]\napi_base_url = 'ftp://x'\n", ["must start with http:// or https://", ":2:"]),
    ("episodes = [1]\n", ["episodes[0] must be a table", ":1:"]),
    ("alerts = 'ust10y > 5'\n", ["'alerts' must be list", ":1:"]),
    ("[keymap]\nquit = ''\n", ["keymap.quit", ":2:"]),
    # unknown instrument / signal ids
    ("\n[thresholds.ig_cushion]\neroding = 0\n[thresholds.nope]\neroding = 1\n", ["unknown signal 'nope'", ":4:"]),
    ("[thresholds]\nnope = {eroding = 1}\n", ["unknown signal 'nope'", ":2:"]),
    ("[thresholds.stock_bond_corr_1y]\nwindow = 300\nfrobs = 1\n", ["unknown key 'frobs'", ":3:"]),
    ("[thresholds.ig_cushion]\neroding = 30\nintact = 10\n", ["must be ≤ intact", ":1:"]),
    ("[thresholds.ig_cushion]\neroding = true\n", ["must be int or float", ":2:"]),
    ("[[formulas]]\nid = 'x'\nexpr = 'ust10y - nope'\nunit = 'bp'\n", ["unknown instrument 'nope'", ":3:"]),
    ("[[alerts]]\nrule = 'ust99y > 5'\n", ["unknown id 'ust99y'", ":2:"]),
    # bad dates in episodes
    ("[[episodes]]\nid = 'x'\nstart = 20200309\nend = 2020-03-18\n", ["episodes[0].start must be a date", ":3:"]),
    ("[[episodes]]\nid = 'x'\nstart = 10:30:00\nend = 2020-03-18\n", ["episodes[0].start must be a date", ":3:"]),
    ("[[episodes]]\nid = 'x'\nstart = '09/03/2020'\nend = 2020-03-18\n", ["is not a date", ":3:"]),
    ("[[episodes]]\nid = 'x'\nstart = 2020-03-09\nend = '2020-02-30'\n", ["is not a date", ":4:"]),
    (
        "[[episodes]]\nid = 'x'\nstart = 2020-03-09\nend = 2020-03-18\n[[episodes]]\nid = 'x'\nstart = 2021-03-09\nend = 2021-03-18\n",
        ["duplicate id 'x'"],
    ),
]


@pytest.mark.parametrize(("text", "fragments"), CONFIG_CASES)
def test_config_mistake_is_one_line_naming_file_key_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragments: list[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    rc = main(["snapshot", "--config", str(path), "--offline", "--format", "json"])
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"triffin: {path}") and "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


CLI_CASES: list[list[str]] = [
    ["--theme", "nope"],
    ["snapshot", "--timeout", "0"],
    ["snapshot", "--timeout", "-3"],
    ["snapshot", "--timeout", "nan"],
    ["sources", "--timeout", "nan"],
    ["snapshot", "--format"],
    ["snapshot", "extra"],
    ["--refresh", "fast"],
    ["--refresh", "5"],
    ["--refresh", "nan"],
    ["--config"],
    ["export"],
    ["export", "ust10y", "--since", "2020-13-01"],
    ["watch", "--max-seconds", "-1"],
    ["--replay", "/nonexistent/recording"],
    ["--demo", "--replay", "/tmp"],
    ["snapshot", "--offline", "--demo", "--format", "yaml"],
    ["-x"],
    ["--refresh", "inf"],
    ["--refresh", "1e999"],
    ["snapshot", "--timeout", "inf"],
    ["snapshot", "--timeout", "1e999"],
    ["watch", "--max-seconds", "inf"],
    ["serve", "--max-sessions", "0"],
    ["serve", "--max-sessions", "99999"],
    ["serve", "--port", "99999"],
    ["serve", "--port", "-1"],
    ["serve", "--host", "0.0.0.0"],
    ["export", "ust10y", "--since", "99999-01-01"],
    ["export", "nope", "--demo"],
]


@pytest.mark.parametrize("args", CLI_CASES, ids=lambda a: " ".join(a) or "none")
def test_cli_mistake_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    rc = main(args)
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("triffin") and "Traceback" not in err, lines


def test_unknown_theme_from_the_file_names_file_line_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('refresh = 900\ntheme = "nope"\n')
    assert main(["--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"triffin: {path}:2: 'theme': unknown theme 'nope'") and "\n" not in err


def _unreadable(tmp_path: Path) -> list[tuple[Path, str]]:
    a_file = tmp_path / "plain.toml"
    a_file.write_text("refresh = 900\n")
    loop = tmp_path / "loop.toml"
    os.symlink(loop, loop)
    dangling = tmp_path / "dangling.toml"
    os.symlink(tmp_path / "gone.toml", dangling)
    return [
        (a_file / "config.toml", "Not a directory"),  # a path under a file
        (tmp_path, "is a directory"),
        (loop, "symbolic links"),
        (dangling, "not found"),
        (tmp_path / "missing.toml", "not found"),
    ]


UNREADABLE = 5 + 1  # the five paths above, plus permission denied


def test_unreadable_config_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = _unreadable(tmp_path)
    assert len(cases) + 1 == UNREADABLE
    for path, fragment in cases:
        assert main(["snapshot", "--config", str(path), "--offline"]) == 2, path
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and str(path) in err and fragment in err, err


def test_permission_denied_config_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests run as root, where chmod 000 does not deny; the error path is forced instead."""
    path = tmp_path / "config.toml"
    path.write_text("refresh = 900\n")
    path.chmod(0)

    def denied(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", denied)
    assert main(["snapshot", "--config", str(path), "--offline"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"triffin: {path}: permission denied reading the config file"


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["snapshot", "--offline"], "[thresholds.nope]\neroding = 1\n"),
        (["snapshot", "--offline"], "[[episodes]]\nid = 'x'\nstart = 10:30:00\nend = 2020-03-18\n"),
        (["--theme", "nope"], ""),
        (["snapshot", "--timeout", "nan"], ""),
    ],
)
def test_no_traceback_from_a_real_process(tmp_path: Path, args: list[str], text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    env = dict(os.environ, TRIFFIN_CONFIG=str(path), NO_COLOR="1")
    r = subprocess.run(
        [sys.executable, "-m", "tui", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


# --------------------------------------------------------------------------- config guards

_BIG = "9" * 400


def _url_cases(key: str) -> list[tuple[str, str, list[str]]]:
    """Hostile source URLs: each refused with its own reason, on the line of the key."""
    bad = [
        ("port 99999", "http://127.0.0.1:99999", "port outside 1-65535"),
        ("port 0", "http://127.0.0.1:0", "port outside 1-65535"),
        ("port not a number", "http://127.0.0.1:http", "port outside 1-65535"),
        ("unclosed IPv6", "http://[::1", "is not a URL"),
        ("bad IPv6", "http://[::zz]:80", "does not appear to be an IPv4 or IPv6 address"),
        ("control character", "http://a\u0001b.org", "control character"),
        ("NUL", "http://ab.org/\u0000", "control character"),
        ("DEL", "http://ab.org/\u007f", "control character"),
        ("C1 CSI", "http://ab.org/\u009b2J", "control character"),
        ("ESC sequence", "http://ab.org/\u001b]0;x\u0007", "control character"),
        ("newline", "http://ab.org/\nHost: evil", "control character"),
        ("space", "http://ab .org", "a space"),
        ("empty label", "http://a..b", "invalid host name"),
        ("leading hyphen label", "http://-a.org", "invalid host name"),
        ("64-letter label", "http://" + "a" * 64 + ".org", "invalid host name"),
        ("bad IDNA", "http://xn--.org", "invalid host name"),
        ("underscore host", "http://a_b.org", "invalid host name"),
        ("64 KB", "http://" + "a" * 65536 + ".org", "a URL is at most 2048"),
        ("credentials", "http://user:pw@127.0.0.1:1", "user name or password"),
        ("user name", "http://user@127.0.0.1:1", "user name or password"),
        ("query string", "http://127.0.0.1:1/?api_key=x", "query string"),
        ("fragment", "http://127.0.0.1:1/#x", "fragment"),
        ("ftp scheme", "ftp://127.0.0.1", "must start with http:// or https://"),
        ("file scheme", "file:///etc/passwd", "must start with http:// or https://"),
        ("javascript scheme", "javascript:alert(1)", "must start with http:// or https://"),
        ("no host", "http:///path", "no host name"),
        ("empty", "", "is empty"),
        ("backslash path", "http://127.0.0.1:1/a\\b", "malformed path"),
        ("bad percent escape", "http://127.0.0.1:1/%zz", "malformed path"),
    ]
    return [
        (f"{key}: {name}", f"[sources.fred]\n{key} = {toml_string(url)}\n", [f"'sources.fred.{key}'", fragment, ":2:"])
        for name, url, fragment in bad
    ]


GUARD_CASES: list[tuple[str, str, list[str]]] = [
    # TOML shape: depth and 64-bit integers (tracebacks before: RecursionError, ValueError, OverflowError)
    ("5000 nested arrays", "x = " + "[" * 5000 + "]" * 5000 + "\n", ["nested too deeply"]),
    ("5000 nested inline tables", "x = " + "{a=" * 5000 + "1" + "}" * 5000 + "\n", ["nested too deeply"]),
    ("1000 nested arrays in alerts", "alerts = " + "[" * 1000 + "]" * 1000 + "\n", ["nested too deeply"]),
    ("20 nested arrays", "alerts = " + "[" * 20 + "]" * 20 + "\n", ["nested more than 8 levels", ":1:"]),
    ("9 nested inline tables", "serve = " + "{a=" * 9 + "1" + "}" * 9 + "\n", ["nested more than 8 levels"]),
    ("5000-deep dotted table", "[" + ".".join(["a"] * 5000) + "]\n", ["nested more than 8 levels", ":1:"]),
    ("deep command list", '[[alerts]]\nrule = "vix > 5"\ncommand = [[[[[["x"]]]]]]\n', ["nested more than 8 levels"]),
    ("5000-digit integer", "refresh = " + "9" * 5000 + "\n", ["a number of more than 4300 digits"]),
    ("400-digit integer", f"refresh = {_BIG}\n", ["'refresh' is out of the 64-bit integer range", ":1:"]),
    ("2**63", f"timeout = {2**63}\n", ["'timeout' is out of the 64-bit integer range", ":1:"]),
    ("-2**63 - 1", f"timeout = {-(2**63) - 1}\n", ["out of the 64-bit integer range", ":1:"]),
    ("huge max_connections", f"[sources.fred]\nmax_connections = {_BIG}\n", ["64-bit integer range", ":2:"]),
    ("huge max_sessions", f"[serve]\nmax_sessions = {_BIG}\n", ["'serve.max_sessions' is out of the 64-bit", ":2:"]),
    ("huge threshold", f"[thresholds.ig_cushion]\neroding = {_BIG}\n", ["64-bit integer range", ":2:"]),
    ("huge cooldown", f'[[alerts]]\nrule = "vix > 5"\ncooldown = {_BIG}\n', ["64-bit integer range", ":3:"]),
    ("huge lo of an instrument", f"[[instruments]]\nid = 'x1'\nlo = {_BIG}\n", ["64-bit integer range"]),
    # inf, nan and out-of-range numbers
    ("timeout = -inf", "timeout = -inf\n", ["'timeout' must be a finite number, not -inf", ":1:"]),
    ("intraday_refresh = nan", "intraday_refresh = nan\n", ["'intraday_refresh' must be a finite number", ":1:"]),
    ("intraday_refresh = inf", "intraday_refresh = inf\n", ["'intraday_refresh' must be a finite number", ":1:"]),
    (
        "min_interval = inf",
        "[sources.fred]\nmin_interval = inf\n",
        ["'sources.fred.min_interval' must be a finite", ":2:"],
    ),
    (
        "min_interval = nan",
        "[sources.boj]\nmin_interval = nan\n",
        ["'sources.boj.min_interval' must be a finite", ":2:"],
    ),
    ("min_interval = -1", "[sources.fred]\nmin_interval = -1\n", ["between 0 and 3600, not -1", ":2:"]),
    ("min_interval = 3601", "[sources.fred]\nmin_interval = 3601\n", ["between 0 and 3600, not 3601", ":2:"]),
    (
        "max_per_minute = -1",
        "[sources.fred]\nmax_per_minute = -1\n",
        ["'sources.fred.max_per_minute' must be between 0", ":2:"],
    ),
    ("max_per_minute = 10001", "[sources.ecb]\nmax_per_minute = 10001\n", ["between 0 and 10000", ":2:"]),
    ("max_connections = 0", "[sources.fred]\nmax_connections = 0\n", ["between 1 and 64, not 0", ":2:"]),
    ("max_connections = -5", "[sources.fred]\nmax_connections = -5\n", ["between 1 and 64, not -5", ":2:"]),
    ("max_connections = 65", "[sources.yahoo]\nmax_connections = 65\n", ["between 1 and 64, not 65", ":2:"]),
    ("timeout = 0.1", "timeout = 0.1\n", ["'timeout' must be between 0.5 and 300", ":1:"]),
    ("timeout = 301", "timeout = 301\n", ["'timeout' must be between 0.5 and 300", ":1:"]),
    ("refresh = 5", "refresh = 5\n", ["'refresh' must be between 10 and 86400", ":1:"]),
    ("refresh = 86401", "refresh = 86401\n", ["'refresh' must be between 10 and 86400", ":1:"]),
    ("intraday_refresh = 1", "intraday_refresh = 1\n", ["'intraday_refresh' must be between 5 and 3600", ":1:"]),
    (
        "threshold nan",
        "[thresholds.ig_cushion]\neroding = nan\n",
        ["'thresholds.ig_cushion.eroding' must be a finite", ":2:"],
    ),
    ("threshold inf", "[thresholds.ig_cushion]\nintact = inf\n", ["must be a finite number, not inf", ":2:"]),
    (
        "threshold -inf",
        "[thresholds.stock_bond_corr_1y]\neroding = -inf\n",
        ["must be a finite number, not -inf", ":2:"],
    ),
    (
        "cooldown inf",
        '[[alerts]]\nrule = "vix > 5"\ncooldown = inf\n',
        ["'alerts[0].cooldown' must be a finite", ":3:"],
    ),
    (
        "cooldown 10^20 days",
        '[[alerts]]\nrule = "vix > 5"\ncooldown = "99999999999999999999d"\n',
        ["at most 366d", ":3:"],
    ),
    ("cooldown 367 days", '[[alerts]]\nrule = "vix > 5"\ncooldown = "367d"\n', ["at most 366d", ":3:"]),
    (
        "max_age not a duration",
        '[[alerts]]\nrule = "vix > 5"\nmax_age = "forever"\n',
        ["max_age must be a number and a unit", ":3:"],
    ),
    ("max_age negative", '[[alerts]]\nrule = "vix > 5"\nmax_age = -1\n', ["max_age must not be negative", ":3:"]),
    ("cooldown 1e10 s", '[[alerts]]\nrule = "vix > 5"\ncooldown = 1e10\n', ["at most 366d", ":3:"]),
    # source URLs
    *_url_cases("base_url"),
    *_url_cases("api_base_url")[:12],
    # episodes: id pattern, name, date range (tracebacks before: ValueError, OverflowError)
    (
        "episode id with a space",
        "[[episodes]]\nid = 'a b'\nstart = 2020-01-01\nend = 2020-02-01\n",
        ["episodes[0].id 'a b' is invalid", ":2:"],
    ),
    (
        "episode id a table",
        "[[episodes]]\nid = {x = 1}\nstart = 2020-01-01\nend = 2020-02-01\n",
        ["episodes[0].id", "is invalid"],
    ),
    (
        "episode id an integer",
        "[[episodes]]\nid = 2020\nstart = 2020-01-01\nend = 2020-02-01\n",
        ["episodes[0].id '2020' is invalid"],
    ),
    (
        "episode id empty",
        "[[episodes]]\nid = ''\nstart = 2020-01-01\nend = 2020-02-01\n",
        ["episodes[0].id '' is invalid"],
    ),
    ("episode id leading hyphen", "[[episodes]]\nid = '-x'\nstart = 2020-01-01\nend = 2020-02-01\n", ["is invalid"]),
    (
        "episode id 41 characters",
        f"[[episodes]]\nid = '{'a' * 41}'\nstart = 2020-01-01\nend = 2020-02-01\n",
        ["is invalid"],
    ),
    ("episode id with a slash", "[[episodes]]\nid = '../x'\nstart = 2020-01-01\nend = 2020-02-01\n", ["is invalid"]),
    ("episode id with ESC", '[[episodes]]\nid = "x\\u001b[2J"\nstart = 2020-01-01\nend = 2020-02-01\n', ["is invalid"]),
    ("episode id non-ASCII", "[[episodes]]\nid = 'crise-é'\nstart = 2020-01-01\nend = 2020-02-01\n", ["is invalid"]),
    ("episode id with markup", "[[episodes]]\nid = '[/x]'\nstart = 2020-01-01\nend = 2020-02-01\n", ["is invalid"]),
    (
        "episode name a table",
        "[[episodes]]\nid = 'x'\nname = {a = 1}\nstart = 2020-01-01\nend = 2020-02-01\n",
        ["episodes[0].name must be a non-empty string", ":3:"],
    ),
    (
        "episode name blank",
        "[[episodes]]\nid = 'x'\nname = '  '\nstart = 2020-01-01\nend = 2020-02-01\n",
        ["name must be a non-empty string"],
    ),
    (
        "episode name a number",
        "[[episodes]]\nid = 'x'\nname = 5\nstart = 2020-01-01\nend = 2020-02-01\n",
        ["name must be a non-empty string"],
    ),
    (
        "episode start 1600",
        "[[episodes]]\nid = 'x'\nstart = 1600-01-01\nend = 2020-02-01\n",
        ["start 1600-01-01 is outside 1800-01-01..2199-12-31", ":3:"],
    ),
    (
        "episode end 2300",
        "[[episodes]]\nid = 'x'\nstart = 2020-01-01\nend = 2300-02-01\n",
        ["end 2300-02-01 is outside", ":4:"],
    ),
    ("episode start year 1", "[[episodes]]\nid = 'x'\nstart = 0001-01-01\nend = 2020-02-01\n", ["is outside", ":3:"]),
    (
        "episode end 9999",
        "[[episodes]]\nid = 'x'\nstart = 2020-01-01\nend = '9999-12-31'\n",
        ["end 9999-12-31 is outside", ":4:"],
    ),
    (
        "episode start 1677 as datetime",
        "[[episodes]]\nid = 'x'\nstart = 1677-09-21T00:00:00\nend = 2020-02-01\n",
        ["is outside"],
    ),
    # [keymap]: rebinding a key another binding holds, unknown ids, odd values
    (
        "refresh-now takes q",
        "[keymap]\nrefresh-now = 'q'\n",
        ["'keymap.refresh-now' binds 'q', which 'quit' already uses", ":2:"],
    ),
    ("pause takes q", "[keymap]\npause = 'q'\n", ["'keymap.pause' binds 'q', which 'quit'"]),
    ("help takes r", "[keymap]\nhelp = 'r'\n", ["binds 'r', which 'refresh-now' already uses"]),
    ("quit takes ?", "[keymap]\nquit = '?'\n", ["'keymap.quit' binds 'question_mark', which 'help'"]),
    ("quit takes question_mark", "[keymap]\nquit = 'question_mark'\n", ["binds 'question_mark'"]),
    ("refresh-now takes ctrl+q", "[keymap]\nrefresh-now = 'ctrl+q'\n", ["binds 'ctrl+q', which 'quit-now'"]),
    ("save-view takes ctrl+p", "[keymap]\nsave-view = 'ctrl+p'\n", ["which 'command-palette' already uses"]),
    ("cycle-theme takes 1", "[keymap]\ncycle-theme = '1'\n", ["binds '1', which 'show-markets' already uses"]),
    ("refresh-now takes escape", "[keymap]\nrefresh-now = 'escape'\n", ["binds 'escape'"]),
    ("filter takes t in a list", "[keymap]\nfilter = 'f,t'\n", ["binds 't', which 'cycle-theme' already uses"]),
    ("two rebound to one key", "[keymap]\npause = 'x'\ncycle-theme = 'x'\n", ["binds 'x', which"]),
    ("unknown binding id", "[keymap]\nfoo = 'x'\n", ["unknown binding id 'foo'", ":2:"]),
    ("binding id in capitals", "[keymap]\nQuit = 'x'\n", ["unknown binding id 'Quit'"]),
    ("key with ESC", '[keymap]\nquit = "\\u001b[2J"\n', ["'keymap.quit' must be key names", ":2:"]),
    ("key 200 long", f"[keymap]\nquit = '{'x' * 200}'\n", ["'keymap.quit' must be key names"]),
]
"""(case id, config text, fragments of the one line): the guards added for issue 18."""


@pytest.mark.parametrize(("name", "text", "fragments"), GUARD_CASES, ids=[c[0] for c in GUARD_CASES])
def test_config_guard_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, fragments: list[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    line = _one_line(capsys, main(["snapshot", "--config", str(path), "--offline", "--format", "json"]))
    assert line.startswith(f"triffin: {path}") and len(line) < 600, line
    for fragment in fragments:
        assert fragment in line, (fragment, line)


def _special_files(tmp_path: Path) -> list[tuple[str, Path, str]]:
    """Config paths that are not a regular file of sane size (a FIFO hung, /dev/zero ran out of memory)."""
    import socket

    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    sock_path = tmp_path / "s.toml"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    sock.close()
    big = tmp_path / "big.toml"
    big.write_text("# padding\n" * 110_000)
    just_over = tmp_path / "over.toml"
    just_over.write_bytes(b"#" * (1024 * 1024) + b"\n")
    to_fifo = tmp_path / "to_fifo.toml"
    to_fifo.symlink_to(fifo)
    to_zero = tmp_path / "to_zero.toml"
    to_zero.symlink_to("/dev/zero")
    return [
        ("FIFO", fifo, "is a FIFO (named pipe), not a regular file"),
        ("/dev/zero", Path("/dev/zero"), "is a character device, not a regular file"),
        ("/dev/urandom", Path("/dev/urandom"), "is a character device"),
        ("unix socket", sock_path, "is a socket"),
        ("1.1 MB file", big, "1,100,000 bytes; a config file is at most 1 MB"),
        ("1 MB + 1 byte", just_over, "1,048,577 bytes"),
        ("symlink to a FIFO", to_fifo, "is a FIFO"),
        ("symlink to /dev/zero", to_zero, "is a character device"),
    ]


SPECIAL_FILES = 8


def _unblock_later(fifo: Path, after: float = 3.0) -> None:
    """If a reader still waits on ``fifo`` after ``after`` seconds, give it an end of file.

    A regression (the FIFO read again) then fails the test on an empty config instead of
    hanging the suite."""
    import threading
    import time

    def poke() -> None:
        deadline = time.monotonic() + after + 10
        time.sleep(after)
        while time.monotonic() < deadline:
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # no reader (the refusal came first, as it should)
                time.sleep(0.5)

    threading.Thread(target=poke, daemon=True).start()


def test_special_files_as_config_are_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = _special_files(tmp_path)
    assert len(cases) == SPECIAL_FILES
    _unblock_later(tmp_path / "fifo.toml")
    for name, path, fragment in cases:
        line = _one_line(capsys, main(["snapshot", "--config", str(path), "--offline"]))
        assert line.startswith(f"triffin: {path}: ") and fragment in line, (name, line)


def test_dev_null_as_config_means_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    """``--config /dev/null`` is the usual way to say "no config": it is read as empty."""
    from tui.config import load_config

    assert load_config("/dev/null", env={}).path == Path("/dev/null")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("fifo", None),
        ("deep", "x = " + "[" * 5000 + "]" * 5000 + "\n"),
        ("digits", "refresh = " + "9" * 5000 + "\n"),
        ("overflow", f"refresh = {_BIG}\n"),
        ("episode", "[[episodes]]\nid = 'a b'\nstart = 2020-01-01\nend = 2020-02-01\n"),
    ],
)
def test_config_guards_from_a_real_process(tmp_path: Path, name: str, text: str | None) -> None:
    """The console entry point: one line, exit 2, no traceback, and no hang on a FIFO."""
    path = tmp_path / "config.toml"
    if text is None:
        os.mkfifo(path)
    else:
        path.write_text(text)
    env = dict(os.environ, TRIFFIN_CONFIG=str(path), NO_COLOR="1")
    r = subprocess.run(
        [sys.executable, "-m", "tui", "snapshot", "--offline"], cwd=ROOT, env=env, capture_output=True, timeout=60
    )
    assert r.returncode == 2 and r.stdout == b""
    assert len(r.stderr.strip().splitlines()) == 1 and b"Traceback" not in r.stderr, r.stderr[-500:]


def test_values_at_the_guards_edges_are_accepted(tmp_path: Path) -> None:
    """What the guards still let through: the ranges' ends, 2**63 - 1, a swap of two keys, 8 levels."""
    from tui.config import load_config

    path = tmp_path / "c.toml"
    path.write_text(
        f"timeout = 300\n[sources.fred]\nmin_interval = 3600\nmax_per_minute = 10000\nmax_connections = 64\n"
        f"base_url = 'https://xn--bcher-kva.example:65535/fred/'\n"
        f"[keymap]\nrefresh-now = 'q'\nquit = 'r'\n"
        f"[[episodes]]\nid = '{'a' * 40}'\nstart = 1800-01-01\nend = 2199-12-31\n"
        f"[[alerts]]\nrule = 'vix > 5'\ncooldown = '366d'\n"
    )
    c = load_config(path, env={})
    open_bounds = tmp_path / "i.toml"
    open_bounds.write_text(
        "[[instruments]]\nid = 'walcl'\nname = 'Fed'\nunit = 'USD mn'\nsources = ['fred:WALCL']\nlo = -inf\nhi = inf\n"
    )
    walcl = load_config(open_bounds, env={}).catalog["walcl"]
    assert (walcl.lo, walcl.hi) == (float("-inf"), float("inf"))  # an open range, as when omitted
    fred = c.feed.sources["fred"]
    assert (fred.min_interval, fred.max_per_minute, fred.max_connections) == (3600, 10000, 64)
    assert fred.base_url == "https://xn--bcher-kva.example:65535/fred"
    assert c.keymap == {"refresh-now": "q", "quit": "r"} and c.episodes[0]["end"].year == 2199
    assert c.alerts[0].cooldown == 366 * 86400


# --------------------------------------------------------------------------- hostile expressions

EXPRESSIONS: list[tuple[str, str, str]] = [
    # (case id, expression, fragment of the one line)
    ("300 nested parentheses", "(" * 300 + "ust10y" + ")" * 300, "nested too deeply"),
    ("51 nested parentheses", "(" * 51 + "ust10y" + ")" * 51, "nested too deeply"),
    ("999 unary minus", "-" * 999 + "ust10y", "longer than 1000 characters"),
    ("990 unary minus", "-" * 990 + "ust10y", "nested too deeply"),
    ("990 unary plus", "+" * 990 + "ust10y", "nested too deeply"),
    ("alternating signs", "+-" * 400 + "ust10y", "nested too deeply"),
    ("400 times one", "ust10y" + "*1" * 400, "nested too deeply"),
    ("400 divided by one", "ust10y" + "/1" * 400, "nested too deeply"),
    ("400 plus one", "ust10y" + "+1" * 400, "nested too deeply"),
    ("200 nested abs", "abs(" * 150 + "ust10y" + ")" * 150, "nested too deeply"),
    ("nested means", "mean(" * 60 + "ust10y" + ", 2)" * 60, "nested too deeply"),
    ("1002 characters", "ust10y" + "+1" * 498, "longer than 1000 characters"),
    ("e acute", "é", "non-ASCII character 'é'"),
    ("superscript two", "ust10y²", "non-ASCII character '²'"),
    ("full-width id", "ｕｓｔ10y", "full-width character"),
    ("full-width digit", "ust１0y", "non-ASCII character '１'"),
    ("arabic-indic digit", "٣ * ust10y", "non-ASCII character '٣'"),
    ("cyrillic u", "ust10у", "non-ASCII character 'у'"),
    ("greek mu", "µ * ust10y", "non-ASCII character 'µ'"),
    ("minus sign", "ust10y − 1", "non-ASCII character '−'"),
    ("division sign", "ust10y ÷ 2", "non-ASCII character '÷'"),
    ("no-break space", "ust10y\u00a0+ 1", "non-ASCII character"),
    ("zero-width space", "ust10y\u200b", "U+200B"),
    ("bidi override", "ust10y\u202e", "U+202E"),
    ("escape sequence", "ust10y\x1b]0;pwned\x07", "unexpected character 'U+001B'"),
    ("C1 CSI", "ust10y\x9b2J", "U+009B"),
    ("NUL byte", "ust10y\x00", "unexpected character 'U+0000'"),
    ("duplicate n in mean", "mean(ust10y, n=5, n=6)", "n= given twice"),
    ("duplicate n in diff", "diff(ust10y, n=1, n=2)", "n= given twice"),
    ("duplicate n in corr", "corr(ust10y, vix, n=5, n=5)", "n= given twice"),
    ("positional after n", "lag(ust10y, n=1, 2)", "positional argument after n="),
    ("window and n", "mean(ust10y, 5, n=6)", "mean() takes mean(x, n)"),
]
"""Hostile expressions: each is a formula's ``expr`` and the left side of an alert rule."""

_IDS = [case[0] for case in EXPRESSIONS]


@pytest.mark.parametrize(("name", "expr", "fragment"), EXPRESSIONS, ids=_IDS)
def test_hostile_formula_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, expr: str, fragment: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[[formulas]]\nid = "f"\nexpr = {toml_string(expr)}\nunit = "%"\n', encoding="utf-8")
    line = _one_line(capsys, main(["snapshot", "--config", str(path), "--offline", "--format", "json"]))
    assert line.startswith(f"triffin: {path}:3:") and fragment in line, line
    assert len(line) < 400, "the message quotes the expression, cut short"


@pytest.mark.parametrize(("name", "expr", "fragment"), EXPRESSIONS, ids=_IDS)
def test_hostile_alert_rule_in_the_config_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, expr: str, fragment: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[[alerts]]\nrule = {toml_string(expr + ' > 5')}\n", encoding="utf-8")
    line = _one_line(capsys, main(["snapshot", "--config", str(path), "--offline", "--format", "json"]))
    expected = "longer than" if len(expr) + 4 > 1040 else fragment
    assert line.startswith(f"triffin: {path}:2:") and expected in line, line
    assert len(line) < 400


@pytest.mark.parametrize(("name", "expr", "fragment"), EXPRESSIONS, ids=_IDS)
def test_hostile_alert_on_the_command_line_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], name: str, expr: str, fragment: str
) -> None:
    line = _one_line(capsys, main(["watch", "--demo", "--once", "--alert", expr + " crosses 5"]))
    assert line.startswith("triffin: alert '") and fragment in line, line


RULE_CASES: list[tuple[str, str]] = [
    ("ust10y > 5" + " " * 1100, "the rule is longer than 1040 characters"),
    ("(" * 2000 + "ust10y) > 5", "the rule is longer than 1040 characters"),
    ("ust10y > 1e999", "the level must be a finite number"),
    ("crisis live fail \x1b[2J", "crisis rules read"),
    ("\x9b2J > 5", "U+009B"),
]


@pytest.mark.parametrize(("rule", "fragment"), RULE_CASES)
def test_hostile_rule_text_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], rule: str, fragment: str) -> None:
    line = _one_line(capsys, main(["watch", "--demo", "--once", "--alert", rule]))
    assert fragment in line, line


@pytest.mark.parametrize(
    "expr",
    ["(" * 300 + "ust10y" + ")" * 300, "ust10y" + "*1" * 400, "-" * 990 + "ust10y", "ｕｓｔ10y"],
    ids=["parentheses", "chain", "signs", "full-width"],
)
def test_hostile_formula_from_a_real_process_is_one_line(tmp_path: Path, expr: str) -> None:
    """The real console entry point: one line on stderr, exit 2, no traceback (once 3,000 lines)."""
    path = tmp_path / "config.toml"
    path.write_text(f'[[formulas]]\nid = "f"\nexpr = {toml_string(expr)}\nunit = "%"\n', encoding="utf-8")
    env = dict(os.environ, TRIFFIN_CONFIG=str(path), NO_COLOR="1")
    r = subprocess.run(
        [sys.executable, "-m", "tui", "snapshot", "--offline"], cwd=ROOT, env=env, capture_output=True, timeout=60
    )
    assert r.returncode == 2 and r.stdout == b""
    assert len(r.stderr.strip().splitlines()) == 1 and b"Traceback" not in r.stderr, r.stderr[-500:]


def test_valid_expressions_near_the_limits_are_accepted() -> None:
    """What the limits still let through: 50 levels, 1000 characters, a 49-operator chain."""
    from datafeed.formulas import MAX_DEPTH, parse_expression

    assert parse_expression("(" * (MAX_DEPTH - 1) + "ust10y" + ")" * (MAX_DEPTH - 1)).kind == "ref"
    assert parse_expression("+".join(["ust10y"] * MAX_DEPTH)).depth == MAX_DEPTH
    assert parse_expression("--ust10y").depth == 3
    long = "ust10y" + " " * 994
    assert len(long) == 1000 and parse_expression(long).kind == "ref"


PARAMETRIZED = {
    "test_config_mistake_is_one_line_naming_file_key_and_line": lambda: len(CONFIG_CASES),
    "test_cli_mistake_is_one_line_exit_2": lambda: len(CLI_CASES),
    "test_no_traceback_from_a_real_process": lambda: 4,
    "test_hostile_formula_is_one_line_exit_2": lambda: len(EXPRESSIONS),
    "test_hostile_alert_rule_in_the_config_is_one_line_exit_2": lambda: len(EXPRESSIONS),
    "test_hostile_alert_on_the_command_line_is_one_line_exit_2": lambda: len(EXPRESSIONS),
    "test_hostile_rule_text_is_one_line_exit_2": lambda: len(RULE_CASES),
    "test_hostile_formula_from_a_real_process_is_one_line": lambda: 4,
    "test_config_guard_is_one_line_exit_2": lambda: len(GUARD_CASES),
    "test_config_guards_from_a_real_process": lambda: 5,
}
"""Parametrized test -> how many cases it must run."""

SINGLE_CASES = {
    "test_unknown_theme_from_the_file_names_file_line_and_key": 1,
    "test_unreadable_config_is_one_line_exit_2": UNREADABLE - 1,  # five paths in one test
    "test_permission_denied_config_is_one_line": 1,
    "test_special_files_as_config_are_one_line_exit_2": SPECIAL_FILES,  # eight paths in one test
}
"""Unparametrized tests -> the bad inputs each one tries."""

EXPECTED_BAD_INPUTS = 305
"""The module's count; change it only together with the cases (the test below fails otherwise)."""


def test_count_of_bad_inputs(request: pytest.FixtureRequest) -> None:
    """The module's bad inputs, counted from its test items as pytest collects them (every one
    runs: none is skipped or marked), asserted against the lists and against the number.

    The module is collected afresh here, so ``-k`` or ``-n`` selecting a part of it does not
    change the count."""
    module = request.node.parent
    assert isinstance(module, pytest.Module)
    items = [i for i in module.collect() if isinstance(i, pytest.Function)]
    counts: dict[str, int] = {}
    for item in items:
        base = item.name.split("[", 1)[0]
        counts[base] = counts.get(base, 0) + 1
        assert not list(item.iter_markers("skip")) and not list(item.iter_markers("xfail")), item.name
    for name, expected in PARAMETRIZED.items():
        assert counts.get(name) == expected(), (name, counts.get(name), expected())
    for name in SINGLE_CASES:
        assert counts.get(name) == 1, name
    total = sum(expected() for expected in PARAMETRIZED.values()) + sum(SINGLE_CASES.values())
    print(f"bad inputs tried here: {total}")
    assert total == EXPECTED_BAD_INPUTS
