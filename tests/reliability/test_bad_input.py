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
    ("timeout = inf\n", ["'timeout' must be between", ":1:"]),
    ("refresh = nan\n", ["'refresh' must be between", ":1:"]),
    ("[sources.fred]\nmax_connections = 2.5\n", ["must be int", ":2:"]),
    ("[sources.fred]\napi_base_url = 'ftp://x'\n", ["http(s) URL", ":2:"]),
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
}
"""Parametrized test -> how many cases it must run."""

SINGLE_CASES = {
    "test_unknown_theme_from_the_file_names_file_line_and_key": 1,
    "test_unreadable_config_is_one_line_exit_2": UNREADABLE - 1,  # five paths in one test
    "test_permission_denied_config_is_one_line": 1,
}
"""Unparametrized tests -> the bad inputs each one tries."""

EXPECTED_BAD_INPUTS = 164
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
