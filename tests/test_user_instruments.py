"""Tests ``[[instruments]]``: user instruments from the config file, validated to one line each.

The catalog in force is the built-ins plus these, in display order (a user instrument in a
built-in group sits after that group's last built-in); formulas and alert rules may read them.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from datafeed.catalog import CATALOG, Catalog
from tui.config import ConfigError, load_config

WALCL = """
[[instruments]]
id = "walcl"
name = "Fed balance sheet"
unit = "USD mn"
sources = ["fred:WALCL"]
frequency = "weekly"
group = "fiscal"
decimals = 0

[[instruments]]
id = "tips10y"
unit = "%"
sources = ["fred:DFII10"]
group = "treasuries"
lo = -2
hi = 25

[[instruments]]
id = "btc"
name = "Bitcoin"
unit = "USD"
sources = ["fred:CBBTCUSD"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_user_instruments_join_the_catalog_in_force(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, WALCL), env={})
    catalog = config.catalog
    assert isinstance(catalog, Catalog) and len(catalog) == len(CATALOG) + 3
    assert set(CATALOG) < set(catalog) and CATALOG is not catalog
    ids = list(catalog)
    assert ids.index("tips10y") == ids.index("term_premium_10y") + 1  # last of the treasuries group
    assert ids.index("walcl") == ids.index("foreign_holdings") + 1
    assert ids[-1] == "btc"
    walcl, tips10y, btc = catalog["walcl"], catalog["tips10y"], catalog["btc"]
    assert walcl.user and walcl.name == "Fed balance sheet" and walcl.unit == "USD mn"
    assert walcl.frequency == "weekly" and walcl.horizon == "1W" and walcl.sources[0].tag == "fred:WALCL"
    assert walcl.sources[0].lag_days == 8 and walcl.change == "%" and walcl.decimals == 0
    assert walcl.group_title == "Fiscal"
    assert tips10y.change == "bp" and tips10y.decimals == 3 and (tips10y.lo, tips10y.hi) == (-2.0, 25.0)
    assert tips10y.horizon == "1D"
    assert btc.name == "Bitcoin" and btc.group_title == "Your instruments" and btc.change == "%"
    assert math.isinf(btc.lo) and math.isinf(btc.hi) and btc.decimals == 2


def test_no_instruments_is_the_builtin_catalog(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, 'theme = "triffin-dark"\n'), env={}).catalog is CATALOG


def test_formulas_and_alerts_may_read_a_user_instrument(tmp_path: Path) -> None:
    text = WALCL + '[[formulas]]\nid = "walcl_bn"\nexpr = "walcl / 1000"\nunit = "USD bn"\n'
    text += '[[alerts]]\nrule = "walcl > 9000000"\n'
    config = load_config(write(tmp_path, text), env={})
    assert config.formulas[0].inputs == frozenset({"walcl"})
    assert config.alerts[0].refs == frozenset({"walcl"})
    # and a formula may not take a user instrument's id
    clash = WALCL + '[[formulas]]\nid = "btc"\nexpr = "ust10y * 2"\nunit = "%"\n'
    with pytest.raises(ConfigError, match="collides with the instrument 'btc'"):
        load_config(write(tmp_path, clash), env={})


@pytest.mark.parametrize(
    ("table", "line", "message"),
    [
        (
            'id = "ust10y"\nunit = "%"\nsources = ["fred:DGS10"]',
            2,
            "instruments[0].id: id 'ust10y' is already an instrument",
        ),
        ('id = "Bad-Id"\nunit = "%"\nsources = ["fred:X"]', 2, "instruments[0].id: id 'Bad-Id' must be lower-case"),
        (
            'id = "x1"\nunit = "%"\nsources = ["frd:X"]',
            4,
            "instruments[0].sources: unknown source 'frd' in 'frd:X' (known: ",
        ),
        (
            'id = "x1"\nunit = "%"\nsources = ["DGS10"]',
            4,
            "instruments[0].sources: sources entry 'DGS10' must be \"source:SERIES\"",
        ),
        ('id = "x1"\nunit = "%"\nsources = []', 4, "instruments[0].sources: 'sources' must be a list like"),
        ('id = "x1"\nunit = "%"', 1, "instruments[0]: needs 'sources'"),
        (
            'id = "x1"\nunit = "%"\nsources = ["fred:X"]\nfrequency = "hourly"',
            5,
            "instruments[0].frequency: 'frequency' must be one of daily, weekly, monthly, quarterly, annual, not 'hourly'",
        ),
        (
            'id = "x1"\nunit = "bp"\nsources = ["fred:X"]\nchange = "bp"',
            5,
            "instruments[0].change: change 'bp' reads values in % (x100); unit is 'bp'",
        ),
        (
            'id = "x1"\nunit = "%"\nsources = ["fred:X"]\nlo = 5\nhi = 1',
            5,
            "instruments[0].lo: 'lo' (5) must be below 'hi' (1)",
        ),
        (
            'id = "x1"\nunit = "%"\nsources = ["fred:X"]\ndecimals = 12',
            5,
            "instruments[0].decimals: 'decimals' must be a whole number from 0 to 8, not 12",
        ),
        (
            'id = "x1"\nunit = "%"\nsources = ["fred:X"]\nname = "a\\u001b[31mred"',
            5,
            "instruments[0].name: 'name' must be 1 to 40 printable characters",
        ),
        (
            'id = "x1"\nunit = "%"\nsources = ["fred:X"]\ncolour = "red"',
            5,
            "instruments[0].colour: unknown key 'colour' (known: id, name, unit, sources,",
        ),
        (
            'id = "x1"\nunit = "%"\nsources = ["fred:X"]\nlag_days = true',
            5,
            "instruments[0].lag_days: 'lag_days' must be a whole number",
        ),
    ],
)
def test_a_bad_instrument_is_one_line_with_file_line_and_key(
    tmp_path: Path, table: str, line: int, message: str
) -> None:
    path = write(tmp_path, "[[instruments]]\n" + table + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    text = str(info.value)
    assert text.startswith(f"{path}:{line}: {message}"), text
    assert "\n" not in text and "\x1b" not in text


def test_the_second_table_is_located_too(tmp_path: Path) -> None:
    text = '[[instruments]]\nid = "a1"\nunit = "%"\nsources = ["fred:A"]\n\n[[instruments]]\nid = "a1"\nunit = "%"\nsources = ["fred:B"]\n'
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=rf"^{path}:7: instruments\[1\]\.id: id 'a1' is already an instrument"):
        load_config(path, env={})


def test_config_error_from_the_cli_exits_2_with_one_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    path = write(tmp_path, '[[instruments]]\nid = "x1"\nunit = "%"\nsources = ["nowhere:X"]\n')
    for args in (["snapshot", "--offline"], ["export", "x1"]):
        r = subprocess.run(
            [sys.executable, "-m", "tui", *args, "--config", str(path)],
            capture_output=True,
            text=True,
            env=dict(os.environ, NO_COLOR="1"),
            timeout=60,
        )
        assert r.returncode == 2, (args, r.stderr)
        assert r.stderr.count("\n") == 1 and f"{path}:4: instruments[0].sources: unknown source 'nowhere'" in r.stderr


def test_watch_alert_rules_may_read_a_user_instrument(tmp_path: Path) -> None:
    from tui.watch_cmd import _rules

    config = load_config(write(tmp_path, WALCL), env={})
    rules = _rules(config, ["walcl crosses 6500000"])
    assert [r.refs for r in rules] == [frozenset({"walcl"})]
