"""Provides :class:`AddAlertScreen`: the small input ``A`` opens, prefilled with the row's id.

Alerts from where you look (issue 17): on a table row or a signal, ``A`` opens this with
``ust10y > 4.73`` (the id and its last value) ready to edit; on a crisis scorecard cell
with ``crisis live fail usd`` (that check failing in a live crisis, see :func:`crisis_alert`).
Enter parses the rule with the config's parser; a mistake is shown under the input in one
line and nothing is added; a good rule is checked from then on, listed in the alert log and
kept in the state file (``tui.added_alerts``). Esc cancels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.host import host_of

if TYPE_CHECKING:
    from datafeed.monitor import Monitor
    from tui.presenters import MetricsViews


def alert_prefill_value(monitor: Monitor[MetricsViews], row_id: str) -> float | None:
    """The last value of an instrument or formula row, in the unit alert rules compare (as stored)."""
    store = monitor.store
    if store is not None and row_id in store.catalog:
        latest = store.latest(row_id)
        return latest.value if latest is not None else None
    values = monitor.formula_values.get(row_id)
    if values is not None and len(values.dropna()):
        return float(values.dropna().iloc[-1])
    return None


def prefill_text(target: str, value: float | None) -> str:
    """``ust10y > 4.73``: the id and its last value (four significant digits), or ``ust10y >``."""
    if value is None:
        return f"{target} >"
    shown = f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"
    return f"{target} > {shown}"


def crisis_alert(check_id: str, label: str) -> tuple[str, str]:
    """(what the input is about, its prefilled rule) for ``A`` on a crisis scorecard cell.

    A cell says how one check behaved in one past episode; the episode is over, so there is
    nothing about it to watch. What a trader looking at the cell can be told from now on is
    the same check failing again: ``crisis live fail <check>`` fires when that check turns
    ``fail`` in the live crisis row (the row the stress detector adds when VIX jumps or the
    S&P draws down). The Verdict column is made of the core checks, so its rule is
    ``crisis live fail`` (any core check). The rule text is the config's own syntax.
    """
    from datafeed.alert_rules import CHECK_IDS

    if check_id in CHECK_IDS:
        return f"the {label} check of a live crisis", f"crisis live fail {check_id}"
    return "the core checks of a live crisis (the verdict)", "crisis live fail"


class AddAlertScreen(ModalScreen[str | None]):
    """One line to write an alert rule; dismissed with the rule's text, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="add-alert-cancel"),
    ]

    DEFAULT_CSS = """
    AddAlertScreen { align: center middle; }
    AddAlertScreen > Vertical {
        width: 72;
        height: auto;
        padding: 0 1;
        border: round $accent;
        background: $surface;
    }
    App.-ascii AddAlertScreen > Vertical { border: ascii $accent; }
    AddAlertScreen #add-alert-error { color: $error; height: auto; }
    AddAlertScreen #add-alert-help { color: $text-muted; height: auto; }
    """

    SCOPED_CSS: ClassVar[bool] = False
    """Every rule names the screen itself; scoped, Textual would put ``AddAlertScreen`` in front
    of ``App.-ascii`` too, and the ASCII border would never apply."""

    def __init__(self, target: str, prefill: str) -> None:
        super().__init__()
        self.target = target
        self.prefill = prefill

    def compose(self) -> ComposeResult:
        """Title, the input, the error line and a hint."""
        with Vertical():
            yield Static(Text(f"New alert on {self.target}", style="bold"))
            yield Input(value=self.prefill, id="add-alert-input")
            yield Static("", id="add-alert-error")
            yield Static("e.g. ust10y > 5 · pct_change(vix, 5) > 30 · Enter adds, Esc cancels", id="add-alert-help")

    def on_mount(self) -> None:
        """Focus the input with the cursor at its end."""
        box = self.query_one(Input)
        box.focus()
        box.cursor_position = len(box.value)

    @on(Input.Submitted, "#add-alert-input")
    def _submitted(self, event: Input.Submitted) -> None:
        error = host_of(self.app).add_alert(event.value)
        if error is not None:
            self.query_one("#add-alert-error", Static).update(Text(error))  # Text: never markup
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Close without adding anything."""
        self.dismiss(None)
