"""Provides alert rules: their syntax and parsing (``[[alerts]]``, ``--alert``), without pandas.

Why apart from :mod:`datafeed.alerts` (which evaluates rules and runs their commands): the
config parses its rules before the first frame, and evaluation needs pandas, whose import
takes longer than that whole frame. Nothing here imports numpy or pandas (a test keeps it
that way); the rule language is described in :mod:`datafeed.alerts`.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from datafeed.catalog import CATALOG
from datafeed.formula_syntax import MAX_LENGTH, FormulaError, Node, parse_expression
from datafeed.sanitize import clean_line

Kind = Literal["threshold", "cross", "crisis"]

CORE_CHECKS: tuple[str, ...] = ("ust10y", "usd", "ust_bund_10y")
"""The three core crisis checks (the verdict is built from them)."""

CHECK_IDS: tuple[str, ...] = (*CORE_CHECKS, "vix", "spx", "ig_oas", "gold", "custody", "auction_indirect")
"""Every crisis check id a ``crisis live fail CHECK`` rule may name: every column of the
scorecard (``datafeed.crises.CHECKS``, spelled out here because that module needs pandas;
a test keeps the two equal), so ``A`` on any crisis cell offers a rule the parser takes."""

COMMAND_TIMEOUT = 10.0
"""Seconds an alert command may run before it is killed."""

OUTPUT_CAP = 64 * 1024
"""Bytes of an alert command's stdout and of its stderr kept; the rest is read and dropped."""

EXCERPT = 200
"""Characters of a failing command's stderr shown in its one-line log message."""

MAX_RULE_LENGTH = MAX_LENGTH + 40
"""Longest rule accepted: an expression of :data:`datafeed.formulas.MAX_LENGTH` plus its operator and level."""

STATE_ENV = "TRIFFIN_ALERT_STATE"
"""Environment variable naming the file that processes share alert-command state in."""

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RULE = re.compile(r"^(?P<lhs>.+?)\s*(?P<op>>=|<=|>|<|\bcrosses(?:\s+(?:above|below))?)\s*(?P<level>" + _NUMBER + r")$")
_CRISIS = re.compile(r"^crisis\s+live\s+fail(?:\s+(?P<check>[a-z0-9_]+))?$")
_COOLDOWN = re.compile(r"^(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>[smhd])$")
_UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


class AlertError(ValueError):
    """A rule that cannot be parsed, as one line naming the rule."""


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One parsed ``[[alerts]]`` entry.

    Attributes:
        text: the rule as written (what a firing line shows).
        kind: ``threshold``, ``cross`` or ``crisis``.
        op: ``>``, ``>=``, ``<``, ``<=``, ``crosses``, ``crosses above``,
            ``crosses below`` or ``fail`` (crisis).
        level: the number on the right (None for crisis rules).
        subject: the left side as written (the check id, or ``core``, for crisis rules).
        check: the crisis check watched (None: any core check).
        cooldown: seconds of silence after a firing.
        command: argument list to run on firing (empty: none).
        refs: ids the left side reads.
        max_age: seconds: a firing on values older than this (read from the cache or just
            fetched) is held back; None: older than their instrument's publication lag
            (late) is held back.
    """

    text: str
    kind: Kind
    op: str
    level: float | None = None
    subject: str = ""
    check: str | None = None
    cooldown: float = 0.0
    command: tuple[str, ...] = ()
    refs: frozenset[str] = frozenset()
    node: Node | None = field(default=None, repr=False, compare=False)
    max_age: float | None = None


def parse_cooldown(value: Any, what: str = "cooldown") -> float:
    """Seconds from ``"30m"`` / ``"90s"`` / ``"2h"`` / ``"1d"`` or a plain number of seconds.

    Args:
        what: the setting's name in messages (``cooldown``, ``max_age``).

    Raises:
        AlertError: anything else, a negative duration, or more than :data:`MAX_COOLDOWN`.
    """
    if isinstance(value, bool):
        raise AlertError(f'{what} must be like "30m", not {value!r}')
    if isinstance(value, (int, float)):
        if value < 0 or not math.isfinite(value):
            raise AlertError(f"{what} must not be negative, not {value!r}")
        return _capped_cooldown(float(value), value, what)
    if isinstance(value, str):
        m = _COOLDOWN.match(value.strip().lower())
        if m:
            return _capped_cooldown(float(m.group("n")) * _UNIT_SECONDS[m.group("unit")], value, what)
    raise AlertError(f'{what} must be a number and a unit s, m, h or d (like "30m"), not {value!r}')


MAX_COOLDOWN = 366 * 86400.0
"""Longest cooldown or ``max_age`` (a year and a day): ``99999999999999999999d`` is a typo,
and a timestamp that far ahead overflows every date type."""


def _capped_cooldown(seconds: float, value: object, what: str = "cooldown") -> float:
    if seconds > MAX_COOLDOWN:
        raise AlertError(f"{what} must be at most 366d, not {str(value)[:40]!r}")
    return seconds


def _command(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        raise AlertError('command must be an argument list like ["notify-send", "triffin"] (it runs without a shell)')
    if not isinstance(value, (list, tuple)) or not value or not all(isinstance(a, str) and a for a in value):
        raise AlertError("command must be a non-empty list of non-empty strings")
    return tuple(value)


def parse_rule(
    text: str,
    *,
    cooldown: Any = 0,
    command: Any = None,
    formulas: Iterable[str] = (),
    signals: Iterable[str] | None = None,
    instruments: Iterable[str] | None = None,
    max_age: Any = None,
) -> AlertRule:
    """Parse one rule.

    Args:
        text: the rule, e.g. ``"pct_change(vix, 5) > 30"``.
        cooldown: ``"30m"`` or seconds.
        max_age: ``"3d"`` or seconds: the data age limit for firings
            (None: the instrument's publication lag; see ``AlertMonitor.check``).
        command: argument list run on firing.
        formulas: formula ids the left side may read (as series).
        signals: signal ids the left side may read (as numbers); default every signal of
            :mod:`datafeed.signals`.
        instruments: instrument ids the left side may read (default: the built-in
            catalog; the config passes its catalog, user instruments included).

    Raises:
        AlertError: ``alert '<rule>': <problem>``.
    """
    if not isinstance(text, str) or not text.strip():
        raise AlertError("alert: 'rule' must be a non-empty string")
    if len(text) > MAX_RULE_LENGTH:
        raise AlertError(f"alert '{clean_line(text, 40)}': the rule is longer than {MAX_RULE_LENGTH} characters")
    rule = " ".join(text.split()) if "\n" in text else text.strip()
    shown = clean_line(rule, 120)  # the rule as an error message may quote it (no controls)
    try:
        parsed = _parse_rule(rule, shown, cooldown, command, formulas, signals, instruments)
        if max_age is None:
            return parsed
        try:
            return dataclasses.replace(parsed, max_age=parse_cooldown(max_age, "max_age"))
        except AlertError as exc:
            raise AlertError(f"alert '{shown}': {exc}") from None
    except RecursionError:  # pragma: no cover - the parser's depth limit comes first
        raise AlertError(f"alert '{shown}': the rule is nested too deeply") from None


def _parse_rule(
    rule: str,
    shown: str,
    cooldown: Any,
    command: Any,
    formulas: Iterable[str],
    signals: Iterable[str] | None,
    instruments: Iterable[str] | None = None,
) -> AlertRule:
    try:
        cool = parse_cooldown(cooldown)
        cmd = _command(command)
    except AlertError as exc:
        raise AlertError(f"alert '{shown}': {exc}") from None
    m = _CRISIS.match(rule)
    if m:
        check = m.group("check")
        if check is not None and check not in CHECK_IDS:
            raise AlertError(f"alert '{shown}': unknown crisis check '{check}' (known: {', '.join(CHECK_IDS)})")
        return AlertRule(rule, "crisis", "fail", None, check or "core", check, cool, cmd)
    if rule.startswith("crisis"):
        raise AlertError(f"alert '{shown}': crisis rules read 'crisis live fail' or 'crisis live fail CHECK'")
    m = _RULE.match(rule)
    if not m:
        raise AlertError(
            f"alert '{shown}': expected '<id or expression> <op> <number>' with op one of "
            "> >= < <= crosses, 'crosses above', 'crosses below', or 'crisis live fail'"
        )
    lhs, op, level = m.group("lhs"), " ".join(m.group("op").split()), float(m.group("level"))
    if not math.isfinite(level):
        raise AlertError(f"alert '{shown}': the level must be a finite number")
    if signals is None:
        from datafeed.signal_ids import signal_ids

        signals = signal_ids()
    formula_ids = list(formulas)
    try:
        node = parse_expression(lhs, [*(CATALOG if instruments is None else instruments), *formula_ids], signals)
    except FormulaError as exc:
        msg = str(exc).replace("unknown instrument", "unknown id")
        if "unknown id" in msg:
            msg += " (not an instrument, formula or signal)"
        raise AlertError(f"alert '{shown}': {msg}") from None
    if not node.refs():
        raise AlertError(f"alert '{shown}': the left side reads no instrument, formula or signal")
    kind: Kind = "cross" if op.startswith("crosses") else "threshold"
    return AlertRule(rule, kind, op, level, lhs, None, cool, cmd, node.refs(), node)


def format_value(value: float | str | None) -> str:
    """A compact number for a firing line (six significant digits, no exponent for big values)."""
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    if abs(value) >= 1e5:
        return f"{value:.2f}"
    text = f"{value:.6g}"
    return text if "e" not in text else f"{value:.8f}".rstrip("0").rstrip(".")
