"""Provides :class:`AlertLogScreen`: every alert that fired since start, newest first, and the rules.

Each entry shows the evaluation time (UTC; the recorded time in a replay), the mode (LIVE,
DEMO, REPLAY, OFFLINE: a firing on synthetic or recorded data says so), the rule, the value,
what happened and the date of the data behind it. ``a`` (or Esc) closes it; ``s`` saves it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from datafeed.alert_rules import format_value
from tui.safe_text import plain_cells
from tui.screens.base import DetailScreen, KeyBar
from widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from datafeed.updates import AlertEntry

EXAMPLE = """[[alerts]]
rule = "ust10y > 5"                 # or "stock_bond_corr_1y crosses 0", "pct_change(vix, 5) > 30",
cooldown = "30m"                    #    "crisis live fail"
command = ["notify-send", "triffin"]   # optional; no shell, the alert as JSON on stdin"""
"""Shown when no rule is configured."""


def _cooldown(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


class AlertLogScreen(DetailScreen):
    """The alert log: firings (newest first), then the configured rules."""

    BINDING_GROUP_TITLE = "Alert log"

    DEFAULT_CSS = """
    AlertLogScreen #alert-body { height: 1fr; padding: 0 1; background: $surface; }
    AlertLogScreen #alert-log-table { height: auto; }
    """

    def __init__(self) -> None:
        super().__init__(classes="alert-log")

    def compose(self) -> ComposeResult:
        """Title, the log and the rules in one scroll, status bar, footer."""
        yield Static(id="detail-title", classes="detail-title")
        with VerticalScroll(id="alert-body"):
            yield Static(id="alert-log-table")
        yield StatusBar(mode=self.triffin.monitor.status_mode, ascii=self.triffin.ascii)
        yield KeyBar()

    def on_mount(self) -> None:
        """Paint, follow new firings, focus the scroll."""
        self.triffin.alert_logged.subscribe(self, self._logged)
        self._paint()
        self.query_one("#alert-body").focus()

    def _logged(self, entry: AlertEntry) -> None:
        self._paint()

    def refresh_rules(self) -> None:
        """A rule was added (``A``): list it."""
        self._paint()

    def entries(self) -> list[AlertEntry]:
        """The log, newest first."""
        return list(reversed(self.triffin.monitor.alert_log))

    def _paint(self) -> None:
        monitor = self.triffin.monitor
        rules = monitor.options.rules
        title = Text()
        title.append("Alert log", style="bold")
        title.append(f"  {len(monitor.alert_log)} firing(s) · {len(rules)} rule(s) · times in UTC  ")
        if monitor.showing_demo:
            title.append(" DEMO — synthetic ", style="bold reverse")
        title.append("\na or esc: back · s: save as CSV", style="dim")
        self.query_one("#detail-title", Static).update(title)
        parts: list[RenderableType] = []
        entries = self.entries()
        if entries:
            table = Table(box=None, padding=(0, 1), pad_edge=False, expand=False)
            for column in ("time", "mode", "rule", "value", "what", "data of"):
                table.add_column(column, no_wrap=column != "what", overflow="fold")
            for e in entries:
                mode = Text(e.label, style="bold reverse" if e.mode != "live" else "bold")
                table.add_row(
                    *plain_cells(e.stamp, mode, e.rule, e.value, e.detail, e.date.isoformat() if e.date else "—")
                )
            parts.append(table)
        else:
            parts.append(Text("No alert has fired since triffin started.", style="italic"))
        parts.append(Text(""))
        parts.append(Text("Rules", style="bold underline"))
        if rules:
            listed = Table(box=None, padding=(0, 1), pad_edge=False, show_header=False)
            listed.add_column(no_wrap=True)
            listed.add_column(style="dim")
            for rule in rules:
                extra = []
                late = monitor.held_alerts.get(rule.text)
                if late is not None:  # true on data too old to be news: said here, not only in a toast
                    value = format_value(late.firing.value)
                    extra.append(f"not fired: {value} of {late.date.isoformat()} LATE, {late.days} days old")
                if rule.cooldown:
                    extra.append(f"cooldown {_cooldown(rule.cooldown)}")
                if rule.command:
                    extra.append("runs " + " ".join(rule.command))
                listed.add_row(*plain_cells(rule.text, " · ".join(extra)))  # the command is config text
            parts.append(listed)
        else:
            parts.append(Text("No alert rules configured. Add tables like this to the config file:", style="italic"))
            parts.append(Text(EXAMPLE))
        self.query_one("#alert-log-table", Static).update(Group(*parts))

    def view_data(self) -> tuple[str, tuple[list[str], list[list[str]]]]:
        """(file name part, (header, rows)): the log, oldest first (``s``)."""
        from tui.save import ALERT_HEADER

        rows = [
            [e.stamp, e.rule, e.value, e.label, e.detail, e.date.isoformat() if e.date else ""]
            for e in self.triffin.monitor.alert_log
        ]
        return "alerts", (list(ALERT_HEADER), rows)
