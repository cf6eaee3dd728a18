"""Bad input from the user: every mistake is one clear line, exit code 2, no traceback.

Adds what ``tests/test_config.py`` and ``tests/test_cli.py`` do not already cover, and runs
each case through ``tui.cli.main`` (the console script's entry point) so the exit code and
the one stderr line are what a user sees. A few go through a real subprocess to prove no
traceback reaches the terminal. :data:`CONFIG_CASES` + :data:`CLI_CASES` +
:data:`UNREADABLE` are counted for the closing note.
"""

from __future__ import annotations

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


def test_count_of_bad_inputs() -> None:
    """The closing note's number (these plus the cases in test_config.py / test_cli.py)."""
    print(f"bad inputs tried here: {len(CONFIG_CASES) + len(CLI_CASES) + UNREADABLE + 1 + 4}")
