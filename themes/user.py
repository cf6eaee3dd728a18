"""Provides :func:`theme_from_mapping`: a user theme (already parsed TOML) to a Textual Theme.

Reading files is ``tui.config``'s job; this function is pure so it can be tested on plain
dicts and reused for any source of theme data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

from themes.builtin import APP_VARIABLES, BUILTIN_THEMES

COLOR_FIELDS: tuple[str, ...] = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
"""Theme fields that take a colour."""

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_VARIABLE_RE = re.compile(r"^[a-z][a-z0-9-]*$")


class ThemeError(ValueError):
    """A user theme mapping is invalid; the message names the theme and the key."""


def _color(name: str, key: str, value: Any) -> str:
    """Validate one colour value and return it unchanged.

    Raises:
        ThemeError: if the value is not a string Textual can parse as a colour.
    """
    if not isinstance(value, str):
        raise ThemeError(f"theme {name!r}: {key} must be a colour string, got {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeError(f"theme {name!r}: {key} = {value!r} is not a colour") from None
    return value


def theme_from_mapping(name: str, mapping: Mapping[str, Any]) -> Theme:
    """Build a Textual Theme from a mapping such as a ``[themes.NAME]`` TOML table.

    Recognised keys: the colour fields of :class:`textual.theme.Theme` (``primary``,
    ``background``...), ``dark`` (bool), ``luminosity_spread`` and ``text_alpha``
    (numbers), ``variables`` (a table of CSS variable overrides, e.g. ``tick-up``), and
    ``base``: the name of a built-in theme to start from, so a user can change only a
    few colours. App variables (``tick-up``...) may also be given at the top level.

    Args:
        name: The new theme's name (lower case, digits, ``-`` or ``_``).
        mapping: The theme table.

    Returns:
        A new Theme; built-in themes are never modified.

    Raises:
        ThemeError: on an invalid name, unknown key, unknown base, bad colour or type,
            or when neither ``primary`` nor ``base`` is given.
    """
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ThemeError(f"invalid theme name {name!r}: use lower case letters, digits, '-'")
    if not isinstance(mapping, Mapping):
        raise ThemeError(f"theme {name!r}: expected a table, got {type(mapping).__name__}")

    fields: dict[str, Any] = {}
    variables: dict[str, str] = {}
    base_name = mapping.get("base")
    if base_name is not None:
        base = BUILTIN_THEMES.get(base_name) if isinstance(base_name, str) else None
        if base is None:
            known = ", ".join(BUILTIN_THEMES)
            raise ThemeError(f"theme {name!r}: unknown base {base_name!r} (known: {known})")
        fields = {key: getattr(base, key) for key in COLOR_FIELDS}
        fields.update(
            dark=base.dark,
            luminosity_spread=base.luminosity_spread,
            text_alpha=base.text_alpha,
        )
        variables = dict(base.variables)

    for key, value in mapping.items():
        if key == "base":
            continue
        if key in COLOR_FIELDS:
            fields[key] = _color(name, key, value)
        elif key == "dark":
            if not isinstance(value, bool):
                raise ThemeError(f"theme {name!r}: dark must be true or false, got {value!r}")
            fields[key] = value
        elif key in ("luminosity_spread", "text_alpha"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ThemeError(f"theme {name!r}: {key} must be a number, got {value!r}")
            if not 0.0 <= float(value) <= 1.0:
                raise ThemeError(f"theme {name!r}: {key} must be between 0 and 1")
            fields[key] = float(value)
        elif key == "variables":
            if not isinstance(value, Mapping):
                raise ThemeError(f"theme {name!r}: variables must be a table")
            for var, var_value in value.items():
                variables[var] = _variable(name, var, var_value)
        elif key in APP_VARIABLES:
            variables[key] = _color(name, key, value)
        else:
            raise ThemeError(f"theme {name!r}: unknown key {key!r}")

    if not fields.get("primary"):
        raise ThemeError(f"theme {name!r}: needs 'primary' (or a 'base' theme)")
    return Theme(name=name, variables=variables, **fields)


def _variable(name: str, var: Any, value: Any) -> str:
    """Validate one entry of a theme's ``variables`` table.

    App variables must be colours; other names (Textual's own such as
    ``block-cursor-background``) take any CSS value string.

    Raises:
        ThemeError: on a malformed name or a non-string / non-colour value.
    """
    if not isinstance(var, str) or not _VARIABLE_RE.match(var):
        raise ThemeError(f"theme {name!r}: invalid variable name {var!r}")
    if var in APP_VARIABLES:
        return _color(name, f"variables.{var}", value)
    if not isinstance(value, str) or not value.strip():
        raise ThemeError(f"theme {name!r}: variables.{var} must be a non-empty string")
    return value
