"""Chooses the app's theme before it runs, without Textual's theme watcher (issue 20).

Assigning ``App.theme`` runs Textual's watcher, which schedules ``refresh_css``: a full
re-parse of every stylesheet right after start-up, in front of the first frame, only to
swap in the new theme's CSS variables. Before the app runs nothing has been parsed yet, so
handing the stylesheet this theme's variables (it was built with the default theme's) does
the same for free; what the watcher does besides (the ``-theme-*`` / ``-dark-mode`` /
``-light-mode`` classes, the ANSI→truecolour filter) is done here too. Once the app runs,
themes change through ``App.theme`` as usual.
"""

from __future__ import annotations

from textual.app import App


def set_initial_theme(app: App[None], name: str) -> None:
    """Make ``name`` (a registered theme) the theme ``app`` starts with."""
    app.set_reactive(App.theme, name)
    theme = app.current_theme
    classes = {c: False for c in app.classes if c.startswith("-theme-")}
    classes.update({f"-theme-{theme.name}": True, "-dark-mode": theme.dark, "-light-mode": not theme.dark})
    app.update_classes(classes, update=False)
    app.stylesheet.set_variables(app.get_css_variables())
    app._refresh_truecolor_filter(app.ansi_theme)  # noqa: SLF001 - what the watcher would have done
