"""Provides the memory of which observation each alert rule last fired on, kept across runs.

Why: the alert engine fires a threshold when it *becomes* true, but its state lives in one
process. Every restart of the TUI (and every ``triffin watch --once`` from cron) used to start
with every threshold armed, so ``ust10y > 4.5`` fired again, at each start, on the very close
it had already reported. The memory keeps, per rule text, the date and value of the
observation it last fired on; the engine (:class:`datafeed.alerts.AlertEngine`) reads it
until the rule fires in this process: the same observation never fires twice, and a newer
one fires only when the condition was false at some observation in between (the rule
re-armed while nobody was watching), exactly as one long run would have done.

The file is small JSON, ``{"rules": {"<key>": {"rule": ..., "date": ..., "value": ...}}}``,
keyed by a hash of the rule text, read once and rewritten under an exclusive ``flock`` at
each firing (sessions of ``triffin serve`` are separate processes and share it). An
unreadable file counts as empty: the worst case is one repeated firing, never a crash.
Only live runs keep it: demo and replayed firings are about no real observation.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from pathlib import Path

from datafeed.errors import clean_message
from datafeed.records import record

log = logging.getLogger(__name__)

FILE_NAME = "alerts-fired.json"
"""The memory's file name, in ``platformdirs.user_state_dir("triffin")`` (``tui.session``)."""


@record
class Remembered:
    """The observation a rule last fired on.

    Attributes:
        date: its date (None for a value without one, such as a signal).
        value: the value as :func:`datafeed.alert_rules.format_value` writes it.
    """

    date: dt.date | None
    value: str


def rule_key(text: str) -> str:
    """The memory's key for a rule text (a hash: the file never grows with long formulas)."""
    import hashlib  # not at import: nothing in front of the first frame needs OpenSSL

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _parse(doc: object) -> dict[str, Remembered]:
    rules = doc.get("rules") if isinstance(doc, dict) else None
    out: dict[str, Remembered] = {}
    if not isinstance(rules, dict):
        return out
    for key, entry in rules.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("value"), str):
            continue
        raw = entry.get("date")
        try:
            date = dt.date.fromisoformat(raw) if isinstance(raw, str) else None
        except ValueError:
            continue
        out[str(key)] = Remembered(date, entry["value"])
    return out


class FiredMemory:
    """The memory file (see the module docstring).

    Args:
        path: the JSON file (created with its folder, mode 0600, at the first firing).
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def load(self) -> dict[str, Remembered]:
        """Rule key → the observation it last fired on (empty when the file is missing or unreadable)."""
        try:
            return _parse(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    def record(self, fired: Iterable[tuple[str, Remembered]]) -> None:
        """Remember ``(rule text, observation)`` pairs; other rules' entries (other processes') are kept.

        A failure to write is logged once per call and never raised: an alert that fired
        must not be lost because its memory could not be kept.
        """
        items = list(fired)
        if not items:
            return
        from datafeed.locked_json import locked_json

        try:
            with locked_json(self.path) as locked:
                rules = locked.doc.get("rules")
                if not isinstance(rules, dict):
                    rules = {}
                for text, seen in items:
                    rules[rule_key(text)] = {
                        "rule": text,
                        "date": seen.date.isoformat() if seen.date else None,
                        "value": seen.value,
                    }
                locked.write({"rules": rules}, indent=1)
        except OSError as exc:
            log.warning("%s", clean_message(f"alert memory {self.path}: {exc.strerror or exc}; not kept"))
