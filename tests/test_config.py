"""Config: defaults, precedence, and one clear line (file:line, key) for every mistake."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from datafeed.providers import source_names
from tui.config import ConfigError, load_config


def cfg(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_defaults_without_a_file(tmp_path: Path) -> None:
    c = load_config(env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert c.path is None and c.theme == "triffin-dark"
    assert set(c.feed.sources) == set(source_names())
    assert set(c.feed.sources) >= {"fred", "treasury", "bundesbank", "mof", "nyfed", "ecb", "boj", "yahoo"}
    assert all(s.enabled for s in c.feed.sources.values())
    assert c.feed.sources["fred"].base_url == "https://fred.stlouisfed.org"


def test_every_source_section_is_accepted(tmp_path: Path) -> None:
    text = "".join(f'[sources.{s}]\nenabled = false\nbase_url = "http://127.0.0.1:1"\n' for s in source_names())
    c = load_config(cfg(tmp_path, text), env={})
    assert not any(s.enabled for s in c.feed.sources.values())
    assert c.feed.sources["boj"].base_url == "http://127.0.0.1:1"


def test_precedence_flag_over_env_over_file(tmp_path: Path) -> None:
    path = cfg(tmp_path, 'theme = "triffin-light"\nrefresh = 120\n[sources.fred]\napi_key = "filekey1234"\n')
    os.chmod(path, 0o600)
    c = load_config(path, env={"FRED_API_KEY": "envkey5678", "TRIFFIN_CACHE_DIR": str(tmp_path / "cc")})
    assert c.theme == "triffin-light" and c.feed.refresh == 120
    assert c.feed.sources["fred"].api_key == "envkey5678"
    assert c.cache_dir == tmp_path / "cc"
    assert c.warnings == ()
    c = load_config(path, theme="triffin-amber", refresh=60, env={})
    assert c.theme == "triffin-amber" and c.feed.refresh == 60


def test_env_config_path(tmp_path: Path) -> None:
    path = cfg(tmp_path, 'theme = "triffin-cb"\n')
    assert load_config(env={"TRIFFIN_CONFIG": str(path)}).theme == "triffin-cb"


def test_world_readable_key_file_is_warned_about(tmp_path: Path) -> None:
    path = cfg(tmp_path, '[sources.fred]\napi_key = "filekey1234"\n')
    os.chmod(path, 0o644)
    c = load_config(path, env={})
    assert c.warnings and "chmod 600" in c.warnings[0]
    assert "filekey1234" not in c.warnings[0]


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("theme = \n", ["invalid TOML", "line 1"]),
        ("colour = 'x'\n", ["unknown key 'colour'", ":1:"]),
        ("refresh = 'fast'\n", ["'refresh' must be int or float", ":1:"]),
        ("refresh = 1\n", ["between 10"]),
        ("\n[sources.bloomberg]\nenabled = true\n", ["unknown source 'bloomberg'", ":2:"]),
        ("[sources.fred]\nenabeld = false\n", ["unknown key 'enabeld' in [sources.fred]", ":2:"]),
        ("[sources.fred]\nenabled = 'no'\n", ["must be bool", ":2:"]),
        ("[sources.fred]\nbase_url = 'fred.local'\n", ["must start with http:// or https://", ":2:"]),
        ("[[episodes]]\nid = 'x'\nstart = 2020-02-30\nend = 2020-03-01\n", ["invalid TOML"]),
        ("[[episodes]]\nid = 'x'\nstart = '2020-13-01'\nend = 2020-03-01\n", ["not a date", ":3:"]),
        ("[[episodes]]\nid = 'x'\nstart = 2020-03-09\nend = 2020-03-01\n", ["ends before it starts"]),
        ("[[episodes]]\nid = 'x'\nstart = 2020-03-09\n", ["needs 'end'"]),
        ("[[episodes]]\nid = 'x'\nstart = 2020-03-09\nend = 2020-03-18\nwhen = 1\n", ["unknown key 'when'"]),
        ("[keymap]\nquit = 3\n", ["keymap.quit"]),
        ("[thresholds.vix]\neroding = 'high'\n", ["must be int or float"]),
    ],
)
def test_mistakes_are_one_line_naming_file_and_key(tmp_path: Path, text: str, fragments: list[str]) -> None:
    path = cfg(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    for fragment in fragments:
        assert fragment in message


def test_unreadable_or_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", env={})
    with pytest.raises(ConfigError, match="directory"):
        load_config(tmp_path, env={})
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b"theme = '\xe9'\n")
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(bad, env={})


def test_user_episodes_are_parsed(tmp_path: Path) -> None:
    path = cfg(tmp_path, "[[episodes]]\nid = 'gilt-2022'\nname = 'UK gilts'\nstart = 2022-09-23\nend = '2022-10-14'\n")
    c = load_config(path, env={})
    assert c.episodes == (
        {"id": "gilt-2022", "name": "UK gilts", "start": dt.date(2022, 9, 23), "end": dt.date(2022, 10, 14)},
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[thresholds.nope]\neroding = 1\n", "nope"),
        ("[thresholds.stock_bond_corr_1y]\nfrobs = 1\n", "frobs"),
        ("[[episodes]]\nid = 'live'\nstart = 2020-03-09\nend = 2020-03-18\n", "reserved"),
    ],
)
def test_thresholds_and_episode_ids_are_validated(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment) as info:
        load_config(cfg(tmp_path, text), env={})
    assert "\n" not in str(info.value)


def test_valid_threshold_override_is_accepted(tmp_path: Path) -> None:
    c = load_config(cfg(tmp_path, "[thresholds.stock_bond_corr_1y]\neroding = 0.3\n"), env={})
    assert c.thresholds == {"stock_bond_corr_1y": {"eroding": 0.3}}


def test_table_columns_are_validated_and_keep_the_pinned_three(tmp_path: Path) -> None:
    """``[table] columns`` (issue 17): ids or headers; Instrument, Last and Chg always shown."""
    config = load_config(cfg(tmp_path, '[table]\ncolumns = ["Age", "1w", "trend", "source"]\n'), env={})
    assert config.table_columns == ("name", "last", "change", "age", "1w", "spark", "source")
    config = load_config(cfg(tmp_path, '[table]\ncolumns = ["last", "name", "chg", "status"]\n'), env={})
    assert config.table_columns == ("last", "name", "change", "status")
    assert load_config(cfg(tmp_path, ""), env={}).table_columns == ()
    for text, fragment in (
        ('[table]\ncolumns = ["age", "bid"]\n', "unknown column 'bid'"),
        ('[table]\ncolumns = ["age", "AGE"]\n', "'AGE' is listed twice"),
        ('[table]\ncolumns = "age"\n', "'table.columns' must be list"),
        ("[table]\nwidth = 3\n", "unknown key 'width' in [table]"),
    ):
        with pytest.raises(ConfigError) as err:
            load_config(cfg(tmp_path, text), env={})
        assert fragment in str(err.value) and "config.toml:" in str(err.value) and "\n" not in str(err.value)
