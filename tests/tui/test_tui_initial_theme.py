"""The configured theme is in place from the first parse, with no second CSS parse (issue 20)."""

from __future__ import annotations

import dataclasses

import pytest
from textual.app import App
from tui_helpers import demo_app, demo_config, wait_ready

from themes import BUILTIN_THEMES


@pytest.mark.parametrize("theme", ["triffin-light", "triffin-dark"])
async def test_start_up_parses_the_css_once(theme: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    refresh_css = App.refresh_css

    def counted(self: App[None], animate: bool = True) -> None:
        calls.append(animate)
        refresh_css(self, animate)

    monkeypatch.setattr(App, "refresh_css", counted)
    app = demo_app(dataclasses.replace(demo_config(), theme=theme))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        assert app.theme == theme and app.current_theme is BUILTIN_THEMES[theme]
        dark = BUILTIN_THEMES[theme].dark
        assert app.has_class(f"-theme-{theme}") and app.has_class("-dark-mode") == dark
        assert app.has_class("-light-mode") == (not dark)
        assert not [c for c in app.classes if c.startswith("-theme-") and c != f"-theme-{theme}"]
        assert calls == [], "no re-parse of the stylesheets at start-up"
        app.theme = "triffin-dark" if theme == "triffin-light" else "triffin-light"
        await pilot.pause()
        assert calls, "a theme chosen while running still re-parses"


def test_only_the_chosen_themes_colour_system_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """``App.__init__`` builds the CSS variables of Textual's default theme, which the app
    never shows (~2 ms in front of the first frame); only the configured theme's are built,
    and the stylesheet and ``theme_variables`` hold them."""
    from textual.design import ColorSystem

    want = BUILTIN_THEMES["triffin-light"].to_color_system().generate()["primary"]
    built: list[str] = []
    generate = ColorSystem.generate

    def counted(self: ColorSystem) -> dict[str, str]:
        out = generate(self)
        built.append(out["primary"])
        return out

    monkeypatch.setattr(ColorSystem, "generate", counted)
    app = demo_app(dataclasses.replace(demo_config(), theme="triffin-light"))
    assert built == [want]
    assert app.theme_variables["primary"] == want
    assert app.stylesheet._variables["primary"] == want  # noqa: SLF001 - what the first parse will read
