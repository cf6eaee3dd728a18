"""The dashboard's first frame parses and styles only what the dashboard needs (issue 20).

Textual parses every stylesheet it holds before the first frame. ``tui/app.tcss`` used to
hold the rules of every screen (drill-downs, curves, exhibits, help): each screen's rules now
live with that screen as its ``DEFAULT_CSS``, parsed when it is first shown. These tests hold
that split (and that the moved rules still arrive with their screens); the SVG snapshots and
the other screens' tests hold that nothing looks different.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_helpers import demo_app, wait_until

from tests.conftest import ROOT

OTHER_SCREENS = (".detail-title", ".detail-stats", ".crisis-chart", ".curves-body", "#exhibit-list", "#help-body")
"""Selectors of the drill-downs, the curves, the exhibits and the help: none is on the dashboard."""


def _selector_names(app: Any) -> set[str]:
    """Every selector name (``#id``, ``.class``, type) of the rules the app has parsed."""
    return set(app.stylesheet.rules_map)


def _own_sources(app: Any) -> set[tuple[str, str]]:
    """(file, class variable) of every stylesheet source from triffin's own code."""
    own = (str(ROOT / "tui"), str(ROOT / "widgets"))
    return {(path, var) for path, var in app.stylesheet.source if path.startswith(own)}


async def test_first_frame_parses_only_the_dashboards_css() -> None:
    """At the first frame: no other screen's selectors, and every DEFAULT_CSS of triffin's
    parsed so far belongs to a class with a node on the dashboard (``app.tcss`` aside)."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        names = _selector_names(app)
        assert not names & set(OTHER_SCREENS), sorted(names & set(OTHER_SCREENS))
        on_screen = {base.__name__ for node in app.screen.walk_children(with_self=True) for base in type(node).__mro__}
        for path, var in _own_sources(app):
            if var:  # "" is app.tcss (a file read whole)
                owner = var.removesuffix(".DEFAULT_CSS")
                assert owner in on_screen, f"{owner}'s CSS ({Path(path).name}) is parsed for the first frame"
            else:
                assert Path(path).name == "app.tcss"


async def test_each_screens_rules_arrive_with_it() -> None:
    """The help, a drill-down and the exhibits bring their rules when they open, and they apply:
    the help's body is padded, the drill-down's title bar and the exhibit list are sized."""

    async def opened(pilot: Pilot[Any], key: str, name: str) -> None:
        before = pilot.app.screen
        await pilot.press(key)
        await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == name, what=name)
        await pilot.pause()
        assert pilot.app.screen is not before

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await opened(pilot, "question_mark", "HelpScreen")
        assert "#help-body" in _selector_names(app)
        assert app.screen.query_one("#help-body").styles.padding.left == 1
        await pilot.press("escape")
        await opened(pilot, "a", "AlertLogScreen")
        assert {".detail-title", ".crisis-chart", ".curves-body"} <= _selector_names(app)
        assert app.screen.query_one("#detail-title").styles.padding.left == 1
        await pilot.press("escape")
        await opened(pilot, "e", "ExhibitsScreen")
        assert app.screen.query_one("#exhibit-list").styles.width is not None
        assert app.screen.query_one("#exhibit-list").styles.width.value == 38


def test_app_tcss_holds_the_dashboard_alone() -> None:
    """``app.tcss`` names no other screen's selectors (they moved to their screens)."""
    from tui.app import TriffinApp

    css = (Path(inspect.getfile(TriffinApp)).parent / "app.tcss").read_text(encoding="utf-8")
    assert not [s for s in OTHER_SCREENS if s in css]


# ------------------------------------------------------------------ component classes

MAX_COMPONENT_CLASSES = 44
"""Component classes of the nodes on the dashboard (48 before issue 20's merge of the classes
with identical rules). Textual styles each through a virtual node in every style pass."""


async def test_dashboard_component_classes_stay_few() -> None:
    """The dashboard's widgets hold at most MAX_COMPONENT_CLASSES component classes."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        per_widget = {
            type(node).__name__: len(type(node)._get_component_classes())  # noqa: SLF001 - what Textual restyles
            for node in app.screen.walk_children(with_self=True)
        }
        assert sum(per_widget.values()) <= MAX_COMPONENT_CLASSES, per_widget


def _class_rules(widget: type[Any]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each component class of ``widget`` -> its rules as (selector before ``>``, declarations)."""
    rules: dict[str, list[tuple[str, str]]] = {name: [] for name in widget.COMPONENT_CLASSES}
    for selector, body in re.findall(r"([^{}]*?)\{([^{}]*)\}", widget.DEFAULT_CSS):
        head, _, component = selector.strip().partition(">")
        name = component.strip().lstrip(".")
        if name in rules:
            declarations = " ".join(sorted(d.strip() for d in body.split(";") if d.strip()))
            rules[name].append((head.strip().removeprefix(widget.__name__), declarations))
    return {name: tuple(sorted(found)) for name, found in rules.items()}


def test_no_two_component_classes_share_their_rules() -> None:
    """Every component class of the dashboard's widgets has rules of its own (a class with the
    same rules as another is one more virtual node per style pass for the same colours) and
    every one has a rule (a class no rule styles is restyled for nothing)."""
    from tui.screens.base import KeyBar
    from widgets import LiveTable, ScorecardGrid, SignalsPanel, StatusBar

    for widget in (LiveTable, ScorecardGrid, SignalsPanel, StatusBar, KeyBar):
        rules = _class_rules(widget)
        assert all(rules.values()), f"{widget.__name__}: no rule for {[n for n, r in rules.items() if not r]}"
        seen: dict[tuple[tuple[str, str], ...], str] = {}
        for name, found in sorted(rules.items()):
            assert found not in seen, f"{widget.__name__}: {name} has the same rules as {seen[found]}"
            seen[found] = name


# ------------------------------------------------------------------ style passes


def _styles(screen: Any) -> dict[str, str]:
    """Every node's CSS rules and its component classes' rules, as text."""
    out: dict[str, str] = {}
    for index, node in enumerate(screen.walk_children(with_self=True)):
        components = {name: repr(styles.base._rules) for name, styles in sorted(node._component_styles.items())}  # noqa: SLF001
        out[f"{index} {node!r}"] = repr((node.styles.base._rules, components))  # noqa: SLF001
    return out


@pytest.mark.parametrize(
    ("size", "changes"),
    [((120, 40), {}), ((80, 24), {"ascii": True}), ((240, 50), {"theme": "triffin-light"})],
    ids=["120x40", "80x24-ascii", "240x50-light"],
)
async def test_first_frame_styles_are_what_a_full_restyle_gives(size: tuple[int, int], changes: dict[str, Any]) -> None:
    """The dashboard skips Textual's restyle of the whole screen on its first resume: every
    widget was styled as it mounted and the table's focus restyled what it touched. Holds that
    nothing is left stale by it: a full restyle at the first frame changes no node's styles."""
    from dataclasses import replace

    from tui_helpers import demo_config

    app = demo_app(replace(demo_config(), **changes))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        first = _styles(app.screen)
        app.stylesheet.update(app.screen)
        assert _styles(app.screen) == first
        assert app.screen.query_one("#markets-panel").styles.border_top[0] == (
            "ascii" if changes.get("ascii") else "heavy"
        )


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (240, 50)], ids=["120x40", "80x24", "240x50"])
async def test_first_frame_restyles_only_the_focused_panel(
    monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """Before the first frame only the table's focus restyles widgets (the table, then its
    panel for ``:focus-within``), and at most the screen node itself for its layout class
    (``-single`` below 110x28, ``-wide`` from 230x45): no pass over the whole screen (the
    first resume used to restyle all 16 widgets; the layout class set in ``on_mount``, all
    16 again on small and very wide terminals)."""
    from textual.css.stylesheet import Stylesheet

    passes: list[list[str]] = []
    update_nodes = Stylesheet.update_nodes

    def counting(self: Stylesheet, nodes: Any, animate: bool = False) -> None:
        nodes = list(nodes)
        passes.append([type(node).__name__ for node in nodes])
        update_nodes(self, nodes, animate=animate)

    monkeypatch.setattr(Stylesheet, "update_nodes", counting)
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert max(len(nodes) for nodes in passes) <= 2, passes
        assert sum(len(nodes) for nodes in passes) <= 4, passes
        assert app.screen.focused is app.screen.query_one("#live-table")
