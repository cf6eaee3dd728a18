"""Provides triffin's built-in Textual themes and the app-specific theme variables.

This module (with the rest of ``themes/``) is the only place in the project that spells
out colours. Widgets refer to colours by variable name only (``$tick-up``,
``$verdict-broken``...); each theme sets every app variable, and
:data:`THEME_VARIABLE_DEFAULTS` / :func:`theme_variable_defaults` give values for themes
that do not (Textual's own ``textual-dark``, ``nord``... picked from the command palette).
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.theme import Theme

DEFAULT_THEME = "triffin-dark"
"""The theme used when neither the command line nor the config names one."""

APP_VARIABLES: tuple[str, ...] = (
    "tick-up",
    "tick-down",
    "tick-flat",
    "verdict-haven",
    "verdict-mixed",
    "verdict-broken",
    "verdict-na",
    "signal-eroding",
    "signal-neutral",
    "signal-intact",
    "stale",
    "late",
    "intraday",
    "feed-ok",
    "feed-stale",
    "feed-error",
    "feed-off",
    "banner-demo",
    "banner-offline",
    "sparkline",
    "chart-1",
    "chart-2",
    "chart-3",
    "chart-4",
    "chart-threshold",
    "chart-window",
    "chart-eroding",
    "chart-intact",
    "chart-zero",
    "chart-cursor",
)
"""Every app-specific theme variable, in a stable order (all are colours).

- ``tick-up`` / ``tick-down`` / ``tick-flat``: sign of a change in the live table.
- ``verdict-haven`` / ``-mixed`` / ``-broken`` / ``-na``: crisis-scorecard verdicts, and the
  pass / fail marks of single checks (pass = haven colour, fail = broken colour).
- ``signal-eroding`` / ``-neutral`` / ``-intact``: signal verdicts and the regime line.
- ``stale`` / ``late`` / ``intraday``: data-quality flags on a table row.
- ``feed-ok`` / ``-stale`` / ``-error`` / ``-off``: per-source state in the status bar.
- ``banner-demo`` / ``banner-offline``: the reverse-video DEMO / OFFLINE banner.
- ``sparkline``, ``chart-1`` .. ``chart-4``, ``chart-threshold``, ``chart-window``: plots.
- ``chart-eroding`` / ``chart-intact``: a signal's two threshold lines (distinct from each
  other and from the series colours), ``chart-zero``: the zero line, ``chart-cursor``: the
  chart cursor's vertical line.
"""


def _variables(
    *,
    up: str,
    down: str,
    flat: str,
    mixed: str,
    na: str,
    stale: str,
    late: str,
    intraday: str,
    demo: str,
    offline: str,
    spark: str,
    chart: tuple[str, str, str, str],
    threshold: str,
    window: str,
    zero: str,
    cursor: str,
) -> dict[str, str]:
    """Build a complete variables dict from a small palette (keeps the themes consistent)."""
    return {
        "tick-up": up,
        "tick-down": down,
        "tick-flat": flat,
        "verdict-haven": up,
        "verdict-mixed": mixed,
        "verdict-broken": down,
        "verdict-na": na,
        "signal-eroding": down,
        "signal-neutral": mixed,
        "signal-intact": up,
        "stale": stale,
        "late": late,
        "intraday": intraday,
        "feed-ok": up,
        "feed-stale": stale,
        "feed-error": down,
        "feed-off": na,
        "banner-demo": demo,
        "banner-offline": offline,
        "sparkline": spark,
        "chart-1": chart[0],
        "chart-2": chart[1],
        "chart-3": chart[2],
        "chart-4": chart[3],
        "chart-threshold": threshold,
        "chart-window": window,
        "chart-eroding": down,
        "chart-intact": up,
        "chart-zero": zero,
        "chart-cursor": cursor,
    }


TRIFFIN_DARK = Theme(
    name="triffin-dark",
    primary="#4C9AFF",
    secondary="#7D8CA3",
    accent="#E0A030",
    warning="#E3B341",
    error="#F0605A",
    success="#3FB97A",
    foreground="#D6DEE8",
    background="#0E1116",
    surface="#161B22",
    panel="#1F2630",
    dark=True,
    variables=_variables(
        up="#3FB97A",
        down="#F0605A",
        flat="#8B96A5",
        mixed="#E3B341",
        na="#6B7685",
        stale="#C49A45",
        late="#D98E3A",
        intraday="#58A6FF",
        demo="#E3B341",
        offline="#F0605A",
        spark="#58A6FF",
        chart=("#58A6FF", "#E0A030", "#B392F0", "#3FB97A"),
        threshold="#F0605A",
        window="#8B96A5",
        zero="#6B7685",
        cursor="#D6DEE8",
    ),
)
"""Default: dark slate background, green/red ticks, blue accents."""

TRIFFIN_LIGHT = Theme(
    name="triffin-light",
    primary="#1F6FEB",
    secondary="#57606A",
    accent="#B35900",
    warning="#9A6700",
    error="#C62828",
    success="#1A7F37",
    foreground="#1B2430",
    background="#F7F8FA",
    surface="#FFFFFF",
    panel="#E9EDF2",
    dark=False,
    variables={
        **_variables(
            up="#1A7F37",
            down="#C62828",
            flat="#57606A",
            mixed="#9A6700",
            na="#8C959F",
            stale="#8A5A00",
            late="#B35900",
            intraday="#0969DA",
            demo="#9A6700",
            offline="#C62828",
            spark="#0969DA",
            chart=("#0969DA", "#B35900", "#8250DF", "#1A7F37"),
            threshold="#C62828",
            window="#57606A",
            zero="#8C959F",
            cursor="#1B2430",
        ),
        # Textual's "auto N%" text colours resolve to white in a widget's partial component
        # styles (no background to contrast with): white on white here. Spell them out.
        "text": "#1B2430",
        "text-muted": "#57606A",
        "text-disabled": "#8C959F",
    },
)
"""Light background for bright rooms and light terminal profiles."""

TRIFFIN_AMBER = Theme(
    name="triffin-amber",
    primary="#FFB000",
    secondary="#CC8C00",
    accent="#FFCC40",
    warning="#FFCC40",
    error="#FF8000",
    success="#FFD27A",
    foreground="#FFB000",
    background="#0A0700",
    surface="#120D02",
    panel="#1E1604",
    dark=True,
    variables=_variables(
        up="#FFD27A",
        down="#FF8000",
        flat="#A87400",
        mixed="#FFB000",
        na="#7A5500",
        stale="#A87400",
        late="#CC8C00",
        intraday="#FFE0A0",
        demo="#FFB000",
        offline="#FF8000",
        spark="#FFC640",
        chart=("#FFB000", "#FFE0A0", "#CC8C00", "#FF8000"),
        threshold="#FF8000",
        window="#FFE0A0",
        zero="#7A5500",
        cursor="#FFE0A0",
    ),
)
"""Amber phosphor monochrome: every meaning is also carried by a glyph or a word."""

TRIFFIN_CB = Theme(
    name="triffin-cb",
    primary="#56B4E9",
    secondary="#0072B2",
    accent="#E69F00",
    warning="#F0E442",
    error="#E69F00",
    success="#56B4E9",
    foreground="#E6E6E6",
    background="#10141A",
    surface="#171C24",
    panel="#212833",
    dark=True,
    variables=_variables(
        up="#56B4E9",
        down="#E69F00",
        flat="#9AA4B1",
        mixed="#F0E442",
        na="#6B7685",
        stale="#CC79A7",
        late="#CC79A7",
        intraday="#0072B2",
        demo="#F0E442",
        offline="#E69F00",
        spark="#56B4E9",
        chart=("#56B4E9", "#E69F00", "#F0E442", "#CC79A7"),
        threshold="#E69F00",
        window="#9AA4B1",
        zero="#6B7685",
        cursor="#E6E6E6",
    ),
)
"""Colour-blind safe (Okabe-Ito palette): blue for up / haven, orange for down / broken."""

BUILTIN_THEMES: dict[str, Theme] = {
    theme.name: theme for theme in (TRIFFIN_DARK, TRIFFIN_LIGHT, TRIFFIN_AMBER, TRIFFIN_CB)
}
"""Every built-in theme by name; the App registers each with ``App.register_theme``."""

THEME_VARIABLE_DEFAULTS: dict[str, str] = dict(TRIFFIN_DARK.variables)
"""Fallback values of the app variables, for ``App.get_theme_variable_defaults()``.

Textual refuses to parse a stylesheet that names an undefined variable, so an App that
hosts triffin widgets must return at least these (or :func:`theme_variable_defaults`).
"""


def theme_names() -> list[str]:
    """List the built-in theme names, the default first.

    Returns:
        Theme names in a stable order (``triffin-dark`` first).
    """
    return list(BUILTIN_THEMES)


def theme_variable_defaults(theme: Theme | None) -> dict[str, str]:
    """App variables for any theme, derived from its own colours where it has them.

    Built-in triffin themes set every variable themselves; a Textual theme such as
    ``nord`` does not, so its ``success`` / ``error`` / ``warning`` / ``primary`` colours
    stand in for ticks, verdicts and banners. Meant to be returned from
    ``App.get_theme_variable_defaults()``::

        def get_theme_variable_defaults(self) -> dict[str, str]:
            return theme_variable_defaults(self.current_theme)

    Args:
        theme: The theme being applied, or None.

    Returns:
        A complete mapping for every name in :data:`APP_VARIABLES`.
    """
    values = dict(THEME_VARIABLE_DEFAULTS)
    if theme is None:
        return values
    derived: Mapping[str, str | None] = {
        "tick-up": theme.success,
        "tick-down": theme.error,
        "verdict-haven": theme.success,
        "verdict-mixed": theme.warning,
        "verdict-broken": theme.error,
        "signal-eroding": theme.error,
        "signal-neutral": theme.warning,
        "signal-intact": theme.success,
        "stale": theme.warning,
        "late": theme.warning,
        "feed-ok": theme.success,
        "feed-stale": theme.warning,
        "feed-error": theme.error,
        "banner-demo": theme.warning,
        "banner-offline": theme.error,
        "sparkline": theme.primary,
        "intraday": theme.primary,
        "chart-1": theme.primary,
        "chart-2": theme.accent,
        "chart-3": theme.secondary,
        "chart-4": theme.success,
        "chart-threshold": theme.error,
        "chart-window": theme.warning,
        "chart-eroding": theme.error,
        "chart-intact": theme.success,
        "chart-zero": theme.secondary,
        "chart-cursor": theme.foreground,
    }
    values.update({key: value for key, value in derived.items() if value})
    values.update(theme.variables)
    return values
