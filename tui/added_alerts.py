"""Provides the alert rules added from the TUI (``A``), kept in a state file of their own.

Why not in the config file: the config is the user's text (comments, order, layout);
rewriting it from a program loses what only a person put there. Rules added with ``A``
go to ``<user data dir>/alerts.json`` instead, as ``{"rules": ["ust10y > 5", ...]}``, are
read at start-up and checked like ``[[alerts]]`` (they are parsed by the same
``datafeed.alerts.parse_rule``, against the catalog, formulas and signals in force).
A stored rule that no longer parses (an instrument removed from the config) is skipped
with a warning, never a crash; the file is written atomically.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from tui.config import APP_NAME, Config

if TYPE_CHECKING:
    from datafeed.alert_rules import AlertRule
    from tui.app import TriffinApp

FILE_NAME = "alerts.json"


def rules_path() -> Path:
    """``platformdirs.user_data_dir("triffin")/alerts.json``."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / FILE_NAME


def parse(config: Config, text: str) -> AlertRule:
    """One rule as the config would parse it (instruments, formulas and signals in force).

    Raises:
        AlertError: one line saying what is wrong.
    """
    from datafeed.alert_rules import parse_rule  # no pandas; loaded only when there is a rule to read

    return parse_rule(text, formulas=[f.id for f in config.formulas], instruments=config.catalog)


def stored_texts(path: Path | None = None) -> list[str]:
    """The rule texts in the state file (none when it is missing or unreadable)."""
    path = path or rules_path()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    rules = doc.get("rules") if isinstance(doc, dict) else None
    return [r for r in rules if isinstance(r, str)] if isinstance(rules, list) else []


def load(config: Config, path: Path | None = None) -> tuple[list[AlertRule], list[str]]:
    """(rules parsed from the state file, a warning per rule that no longer parses)."""
    rules: list[AlertRule] = []
    warnings: list[str] = []
    texts = stored_texts(path)
    if not texts:  # the usual start: no rule parser in front of the first frame
        return rules, warnings
    from datafeed.alert_rules import AlertError

    for text in texts:
        try:
            rules.append(parse(config, text))
        except AlertError as exc:
            warnings.append(f"added alert skipped ({path or rules_path()}): {exc}")
    return rules, warnings


def save(text: str, path: Path | None = None) -> Path:
    """Append one rule text to the state file (written to a temporary file, then renamed).

    Raises:
        OSError: the folder or file cannot be written.
    """
    path = path or rules_path()
    texts = stored_texts(path)
    if text not in texts:
        texts.append(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"rules": texts}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


__all__ = ["FILE_NAME", "load", "parse", "rules_path", "save", "stored_texts"]


def add_to_app(app: TriffinApp, text: str) -> str | None:
    """Parse ``text`` as the config would, check it in ``app`` from now on and keep it in the state file.

    Returns:
        None when added, else the one-line reason (the rule is not added).
    """
    from datafeed.alert_rules import AlertError

    try:
        rule = parse(app.config, text)
    except AlertError as exc:
        return str(exc)
    try:
        path = save(rule.text)
    except OSError as exc:
        return f"could not save the rule: {exc.strerror or exc}"
    app.monitor.add_rule(rule)
    app.notify(f"Alert added: {rule.text}\nkept in {path}", title="Alert", timeout=8)
    app.alert_rules_changed()
    return None
