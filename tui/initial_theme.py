"""Chooses the app's theme before it runs, without Textual's theme watcher (issue 20).

Assigning ``App.theme`` runs Textual's watcher, which schedules ``refresh_css``: a full
re-parse of every stylesheet right after start-up, in front of the first frame, only to
swap in the new theme's CSS variables. Before the app runs nothing has been parsed yet, so
handing the stylesheet this theme's variables (it was built with the default theme's) does
the same for free; what the watcher does besides (the ``-theme-*`` / ``-dark-mode`` /
``-light-mode`` classes, the ANSI→truecolour filter) is done here too. Once the app runs,
themes change through ``App.theme`` as usual.

:class:`InitialThemeApp` also skips the variables ``App.__init__`` builds for Textual's
default theme (its whole colour system, ~2 ms in front of the first frame): nothing reads
them before :meth:`~InitialThemeApp.set_initial_theme` hands the stylesheet the real ones.
"""

from __future__ import annotations

from textual.app import App


class InitialThemeApp(App[None]):
    """An App that is given its theme by :meth:`set_initial_theme` at the end of ``__init__``."""

    _initial_theme_set = False

    def get_css_variables(self) -> dict[str, str]:
        """The theme's CSS variables; none before :meth:`set_initial_theme` (``App.__init__``'s
        call, for a theme this app never shows)."""
        if not self._initial_theme_set:
            return {}
        return super().get_css_variables()

    def set_initial_theme(self, name: str) -> None:
        """Make ``name`` (a registered theme) the theme this app starts with."""
        self._initial_theme_set = True
        self.set_reactive(App.theme, name)
        theme = self.current_theme
        classes = {c: False for c in self.classes if c.startswith("-theme-")}
        classes.update({f"-theme-{theme.name}": True, "-dark-mode": theme.dark, "-light-mode": not theme.dark})
        self.update_classes(classes, update=False)
        self.stylesheet.set_variables(self.get_css_variables())
        self._refresh_truecolor_filter(self.ansi_theme)  # what the watcher would have done
