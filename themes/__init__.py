"""Provides triffin's colour themes: Textual ``Theme`` objects and nothing else.

This package is the only place in the project with colour literals. It imports
``textual.theme`` / ``textual.color`` only (no ``datafeed``, ``widgets`` or ``tui``).

Typical App wiring::

    for theme in BUILTIN_THEMES.values():
        self.register_theme(theme)
    self.theme = DEFAULT_THEME

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variable_defaults(self.current_theme)  # or THEME_VARIABLE_DEFAULTS
"""

from __future__ import annotations

from themes.builtin import (
    APP_VARIABLES,
    BUILTIN_THEMES,
    DEFAULT_THEME,
    THEME_VARIABLE_DEFAULTS,
    theme_names,
    theme_variable_defaults,
)
from themes.user import ThemeError, theme_from_mapping

__all__ = [
    "APP_VARIABLES",
    "BUILTIN_THEMES",
    "DEFAULT_THEME",
    "THEME_VARIABLE_DEFAULTS",
    "ThemeError",
    "theme_from_mapping",
    "theme_names",
    "theme_variable_defaults",
]
