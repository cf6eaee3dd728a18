"""Themes, the sparkline helper, and the widgets' import hygiene."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from textual.color import Color
from textual.theme import BUILTIN_THEMES as TEXTUAL_THEMES
from widget_hosts import (
    REGIME,
    WidgetHost,
    sample_rows,
    sample_scores,
    sample_signals,
    sample_sources,
)

from themes import (
    APP_VARIABLES,
    BUILTIN_THEMES,
    DEFAULT_THEME,
    THEME_VARIABLE_DEFAULTS,
    ThemeError,
    theme_from_mapping,
    theme_names,
    theme_variable_defaults,
)
from widgets import LiveTable, ScorecardGrid, SignalsPanel, StatusBar
from widgets.sparkline import sparkline

ROOT = Path(__file__).resolve().parents[2]


def test_builtin_theme_names() -> None:
    assert theme_names()[0] == DEFAULT_THEME == "triffin-dark"
    assert set(theme_names()) >= {"triffin-dark", "triffin-light", "triffin-amber", "triffin-cb"}
    assert not BUILTIN_THEMES["triffin-light"].dark


@pytest.mark.parametrize("name", sorted(BUILTIN_THEMES))
def test_every_theme_sets_every_app_variable_as_a_colour(name: str) -> None:
    theme = BUILTIN_THEMES[name]
    assert theme.name == name
    for variable in APP_VARIABLES:
        Color.parse(theme.variables[variable])
    assert set(THEME_VARIABLE_DEFAULTS) == set(APP_VARIABLES)


def test_colour_blind_theme_is_blue_orange_not_red_green() -> None:
    variables = BUILTIN_THEMES["triffin-cb"].variables
    for good in ("tick-up", "verdict-haven", "signal-intact", "feed-ok"):
        r, g, b = Color.parse(variables[good]).rgb
        assert b > r and b > g, good  # blue
    for bad in ("tick-down", "verdict-broken", "signal-eroding", "feed-error"):
        r, g, b = Color.parse(variables[bad]).rgb
        assert r > g > b and r - b > 150, bad  # orange


def test_amber_theme_is_monochrome_amber() -> None:
    theme = BUILTIN_THEMES["triffin-amber"]
    for value in (*theme.variables.values(), theme.primary, theme.foreground):
        r, g, b = Color.parse(value).rgb
        assert r >= g >= b, value


def test_variable_defaults_follow_a_foreign_theme() -> None:
    nord = TEXTUAL_THEMES["nord"]
    values = theme_variable_defaults(nord)
    assert set(values) >= set(APP_VARIABLES)
    assert values["tick-up"] == nord.success and values["tick-down"] == nord.error
    assert theme_variable_defaults(None) == THEME_VARIABLE_DEFAULTS
    assert (
        theme_variable_defaults(BUILTIN_THEMES["triffin-cb"])["tick-up"]
        == (BUILTIN_THEMES["triffin-cb"].variables["tick-up"])
    )


def test_theme_from_mapping_builds_and_inherits() -> None:
    theme = theme_from_mapping(
        "desk",
        {
            "base": "triffin-dark",
            "background": "#000000",
            "tick-up": "#00AAFF",
            "variables": {"tick-down": "#FF8800", "block-cursor-text-style": "bold"},
        },
    )
    assert theme.name == "desk" and theme.background == "#000000"
    assert theme.primary == BUILTIN_THEMES["triffin-dark"].primary
    assert theme.variables["tick-up"] == "#00AAFF" and theme.variables["tick-down"] == "#FF8800"
    assert theme.variables["stale"] == BUILTIN_THEMES["triffin-dark"].variables["stale"]
    assert BUILTIN_THEMES["triffin-dark"].variables["tick-up"] != "#00AAFF"  # not mutated
    plain = theme_from_mapping("plain", {"primary": "#336699", "dark": False})
    assert not plain.dark and plain.variables == {}


@pytest.mark.parametrize(
    ("name", "mapping", "message"),
    [
        ("Bad Name", {"primary": "#fff"}, "invalid theme name"),
        ("x", {"primary": "not-a-colour"}, "primary"),
        ("x", {"primary": "#fff", "shiny": True}, "unknown key 'shiny'"),
        ("x", {"base": "solarized"}, "unknown base"),
        ("x", {"background": "#000"}, "needs 'primary'"),
        ("x", {"primary": "#fff", "dark": "yes"}, "dark"),
        ("x", {"primary": "#fff", "variables": {"tick-up": "blurple"}}, "variables.tick-up"),
        ("x", {"primary": "#fff", "text_alpha": 3}, "between 0 and 1"),
    ],
)
def test_theme_from_mapping_rejects_bad_input(name: str, mapping: dict[str, object], message: str) -> None:
    with pytest.raises(ThemeError, match=message):
        theme_from_mapping(name, mapping)


@pytest.mark.parametrize("theme", [*sorted(BUILTIN_THEMES), "textual-light"])
async def test_all_widgets_mount_under_every_theme(theme: str) -> None:
    """Every widget's CSS resolves under each theme (a missing variable fails to parse)."""
    from textual.containers import Vertical

    box = Vertical(
        StatusBar(sample_sources(), mode="demo"),
        LiveTable(sample_rows()),
        SignalsPanel(sample_signals(), REGIME),
        ScorecardGrid(sample_scores()),
    )
    app = WidgetHost(box, theme=theme)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        assert app.theme == theme
        table = app.query_one(LiveTable)
        assert table.get_component_rich_style("live-table--down").color is not None


def test_sparkline_ramps_gaps_and_width() -> None:
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert sparkline([0.0, None, 1.0, float("nan")]) == "▁ █ "
    assert sparkline([5, 5, 5]) == "▄▄▄"
    assert sparkline(range(100), width=4) == "▁▃▆█"
    assert sparkline([1.0, 2.0, 3.0], ascii=True) == "_~#"
    assert sparkline([], width=5) == "" and sparkline([1.0], width=0) == ""
    assert sparkline([None, None]) == "  "


def test_widgets_and_themes_load_no_data_layer() -> None:
    """Importing every widget (and the themes) loads neither datafeed, tui, pandas nor httpx."""
    code = (
        "import sys, widgets, themes\n"
        "from widgets import *\n"
        "import widgets.chart, widgets.live_table, widgets.scorecard\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.split()
    for banned in ("datafeed", "tui", "pandas", "httpx"):
        assert banned not in out, banned


def test_import_widgets_is_lazy_about_plotext() -> None:
    code = "import sys, widgets; from widgets import LiveTable; print('plotext' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.strip()
    assert out == "False"
