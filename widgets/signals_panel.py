"""Provides :class:`SignalsPanel`: the regime verdict on top, then every signal.

Each signal shows its value, its verdict spelled out (``ERODING``, ``neutral``,
``intact``, ``n/a``), the date it stands for with ``late`` or ``stale`` after it when its
evidence is old, and a one-line explanation, so the panel reads without colour. The
regime line counts what the verdict rests on (``3/7 eroding · 7 n/a · 2 late``). Like
the live table it is a Line-API widget: an update repaints only the signals whose text
changed, and the regime line only when the regime changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.cells import cell_len
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from widgets.data import RegimeView, SignalView
from widgets.glyphs import ascii_text
from widgets.line_list import LineListView, ListLine, fit

__all__ = ["SignalsPanel", "freshness_mark", "regime_text", "verdict_text"]

_VERDICT_WORDS: dict[str, str] = {
    "eroding": "ERODING",
    "neutral": "neutral",
    "intact": "intact",
    "n/a": "n/a",
}


def verdict_text(verdict: str) -> str:
    """A signal verdict as shown: ``ERODING`` stands out in upper case."""
    return _VERDICT_WORDS.get(verdict, verdict)


def regime_text(regime: RegimeView | None) -> str:
    """The regime line: ``REGIME  ERODING  7/10 signals eroding``, or with its coverage
    ``REGIME  MIXED  3/7 eroding · 7 n/a · 2 late`` when some signals are n/a, late or stale."""
    if regime is None:
        return "REGIME  n/a  no signals yet"
    return f"REGIME  {regime.verdict}  {_count_text(regime)}"


def _count_text(regime: RegimeView) -> str:
    """``7/10 signals eroding``, or ``3/7 eroding · 7 n/a · 2 late`` when some are not counted."""
    count = f"{regime.eroding}/{regime.available}"
    rest = regime.coverage.removeprefix(count)
    return f"{count} eroding{rest}" if rest else f"{count} signals eroding"


def freshness_mark(view: SignalView) -> str:
    """``stale`` (too old to count), ``late`` (an input is behind its schedule) or empty."""
    return "stale" if view.stale else "late" if view.late else ""


class SignalsPanel(LineListView):
    """The regime verdict with its count, then each signal's value, verdict and meaning.

    Keys: up/down or k/j move, Enter posts :class:`SignalChosen`; click moves the cursor,
    clicking the cursor row again or double clicking posts :class:`SignalChosen`.

    Each signal takes two lines (name, value, verdict, date; then the explanation),
    or one with ``compact=True`` (explanation at the end of the line).
    """

    header_height: ClassVar[int] = 2
    """The regime line, then its count by side (price, demand, supply)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "signals-panel--regime",
        "signals-panel--eroding",
        "signals-panel--neutral",
        "signals-panel--intact",
        "signals-panel--na",
        "signals-panel--dim",
        "signals-panel--cursor",
    }
    """Style hooks: regime line, verdicts, secondary text (explanations and dates share
    ``--dim``: Textual restyles each class in every style pass, issue 20), cursor row."""

    cursor_component: ClassVar[str] = "signals-panel--cursor"

    DEFAULT_CSS = """
    SignalsPanel {
        height: auto;
        max-height: 100%;
        width: 1fr;
        background: $surface;
        color: $foreground;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 1;
    }
    SignalsPanel > .signals-panel--regime { text-style: bold; }
    SignalsPanel > .signals-panel--eroding { color: $signal-eroding; text-style: bold; }
    SignalsPanel > .signals-panel--neutral { color: $signal-neutral; }
    SignalsPanel > .signals-panel--intact { color: $signal-intact; }
    SignalsPanel > .signals-panel--na { color: $text-disabled; }
    SignalsPanel > .signals-panel--dim { color: $text-muted; }
    SignalsPanel:nocolor > .signals-panel--eroding { text-style: bold reverse; }
    SignalsPanel:nocolor > .signals-panel--intact { text-style: none; }
    SignalsPanel > .signals-panel--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
        text-style: $block-cursor-blurred-text-style;
    }
    SignalsPanel:focus > .signals-panel--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """
    """Structure and colours, by theme variable only. Under ``NO_COLOR`` (Textual's
    ``:nocolor``, where colours turn to greys) ``ERODING`` is bold reverse video, the most
    emphatic word on screen, and ``intact`` is plain."""

    class SignalHighlighted(Message):
        """The cursor moved to another signal."""

        def __init__(self, panel: SignalsPanel, signal_id: str) -> None:
            """Initialise the message.

            Args:
                panel: The panel that sent it.
                signal_id: Id of the signal now under the cursor.
            """
            super().__init__()
            self.panel = panel
            """The panel that sent it."""
            self.signal_id = signal_id
            """Id of the signal now under the cursor."""

        @property
        def control(self) -> SignalsPanel:
            """The panel that sent it."""
            return self.panel

    class SignalChosen(Message):
        """A signal was chosen (Enter, or a click on the cursor row)."""

        def __init__(self, panel: SignalsPanel, signal_id: str) -> None:
            """Initialise the message.

            Args:
                panel: The panel that sent it.
                signal_id: Id of the chosen signal.
            """
            super().__init__()
            self.panel = panel
            """The panel that sent it."""
            self.signal_id = signal_id
            """Id of the chosen signal."""

        @property
        def control(self) -> SignalsPanel:
            """The panel that sent it."""
            return self.panel

    def __init__(
        self,
        signals: Iterable[SignalView] = (),
        regime: RegimeView | None = None,
        *,
        ascii: bool = False,
        compact: bool = False,
        max_name_width: int = 28,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's parameter name
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Initialise the panel.

        Args:
            signals: Signals in display order.
            regime: The aggregate verdict, or None before the first computation.
            ascii: ASCII only (``>`` cursor, ``~`` for truncation).
            compact: One line per signal instead of two.
            max_name_width: Longest name shown before truncation.
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
            disabled: Start disabled.
        """
        super().__init__(ascii=ascii, name=name, id=id, classes=classes, disabled=disabled)
        self._signals: dict[str, SignalView] = {s.id: s for s in signals}
        self._regime = regime
        self._compact = compact
        self._max_name_width = max_name_width
        self._widths: tuple[int, int] = self._compute_widths()
        self.last_repainted: frozenset[str] = frozenset()
        """Signal ids repainted by the last :meth:`update_signals`."""

    # -- public API -----------------------------------------------------------------

    @property
    def regime(self) -> RegimeView | None:
        """The regime shown on top."""
        return self._regime

    @property
    def signal_ids(self) -> tuple[str, ...]:
        """Signal ids in display order."""
        return tuple(self._signals)

    @property
    def cursor_id(self) -> str | None:
        """Id of the signal under the cursor."""
        return self._cursor_key

    def update_signals(self, signals: Iterable[SignalView], regime: RegimeView | None = None) -> frozenset[str]:
        """Show exactly these signals (in this order), repainting only what changed.

        Args:
            signals: Every signal, in display order.
            regime: The new regime, or None to keep the current one.

        Returns:
            Ids of the signals whose lines were repainted.
        """
        new = {s.id: s for s in signals}
        if regime is not None:
            self.set_regime(regime)
        if list(new) != list(self._signals):
            self._signals = new
            self._widths = self._compute_widths()
            self._rebuild()
            self.last_repainted = frozenset(new)
            return self.last_repainted
        changed = frozenset(key for key, view in new.items() if self._signals[key] != view)
        self._signals = new
        widths = self._compute_widths()
        if widths != self._widths:
            self._widths = widths
            self._rebuild()
        else:
            self._refresh_keys(changed)
        self.last_repainted = changed
        return changed

    def set_regime(self, regime: RegimeView | None) -> None:
        """Show a new regime verdict (repaints the top line only)."""
        if regime != self._regime:
            self._regime = regime
            if self.is_mounted:
                self.refresh(Region(0, 0, self.size.width, self.header_height))

    # -- layout ---------------------------------------------------------------------

    def _text(self, text: str) -> str:
        """Text from outside, folded to ASCII in ASCII mode (``Aaa−10Y`` shows as ``Aaa-10Y``)."""
        return ascii_text(text) if self._ascii else text

    def _compute_widths(self) -> tuple[int, int]:
        """Widths of the name and value columns (measured on the text as shown)."""
        name = max((cell_len(self._text(s.name)) for s in self._signals.values()), default=0)
        value = max((cell_len(self._text(s.value_text)) for s in self._signals.values()), default=0)
        return min(name, self._max_name_width), max(value, 3)

    def _build_lines(self) -> list[ListLine]:
        per_row = 1 if self._compact else 2
        return [ListLine("row", key, sub) for key in self._signals for sub in range(per_row)]

    def _measure(self) -> tuple[int, int]:
        name_w, value_w = self._widths
        width = 2 + name_w + 1 + value_w + 1 + 7 + 1 + 10
        if self._compact:
            explanation = max(
                (
                    cell_len(self._text(s.explanation)) + (cell_len(freshness_mark(s)) + 3 if freshness_mark(s) else 0)
                    for s in self._signals.values()
                ),
                default=0,
            )
            width = 2 + name_w + 1 + value_w + 1 + 7 + 1 + explanation
        return max(width, cell_len(self._text(regime_text(self._regime))) + 1), 0

    # -- rendering ------------------------------------------------------------------

    @staticmethod
    def _verdict_name(verdict: str) -> str:
        """Component class of a verdict (``mixed`` reads as neutral, ``n/a`` as na)."""
        name = {"n/a": "na", "N/A": "na"}.get(verdict, verdict.lower())
        if name == "mixed":
            name = "neutral"
        return f"signals-panel--{name}"

    def _render_header(self, y: int) -> Strip:
        regime = self._regime
        line_style = self._line_style
        style = line_style("signals-panel--regime")
        if y == 1:  # each side of the thesis on its own, so price and demand evidence read apart
            sides = regime.by_side if regime is not None else ""
            return self._segments(
                [(self._text(f"  by side: {sides}" if sides else ""), line_style("signals-panel--dim"))]
            )
        if regime is None:
            return self._segments([(regime_text(None), line_style("signals-panel--regime", "signals-panel--na"))])
        verdict_style = line_style("signals-panel--regime", self._verdict_name(regime.verdict))
        count, _, rest = _count_text(regime).partition(" ")
        return self._segments(
            [
                ("REGIME  ", style),
                (regime.verdict, verdict_style),
                (f"  {count}", style),
                (self._text(f" {rest}"), line_style("signals-panel--dim")),
            ]
        )

    def _render_body(self, line: ListLine, cursor: bool) -> Strip:
        view = self._signals[line.key]
        cursor_name = "signals-panel--cursor" if cursor else ""
        line_style = self._line_style
        name_w, value_w = self._widths
        plain = line_style(cursor_name)
        explanation = line_style("signals-panel--dim", cursor_name)  # explanations read dim
        # How old the evidence is comes first on the explanation, where a cut line loses
        # the end of the sentence, not the mark.
        mark = freshness_mark(view)
        flagged = (
            [
                (
                    self._text(f"{mark} · "),
                    line_style(self._verdict_name("n/a" if view.stale else "neutral"), cursor_name),
                )
            ]
            if mark
            else []
        )
        if line.sub == 1:
            return self._segments([("    ", plain), *flagged, (self._text(view.explanation), explanation)])
        cursor_mark = (">" if self._ascii else "▶") if cursor else " "
        verdict = fit(verdict_text(view.verdict), 7)
        parts = [
            (f"{cursor_mark} ", plain),
            (fit(self._text(view.name), name_w, ascii=self._ascii) + " ", plain),
            (fit(self._text(view.value_text), value_w, "right") + " ", plain),
            (verdict, line_style(self._verdict_name(view.verdict), cursor_name)),
            (" ", plain),
        ]
        if self._compact:
            parts += [*flagged, (self._text(view.explanation), explanation)]
        else:
            parts.append((self._text(view.date), line_style("signals-panel--dim", cursor_name)))
        return self._segments(parts)

    def _post_highlighted(self, key: str) -> None:
        self.post_message(self.SignalHighlighted(self, key))

    def _post_chosen(self, key: str) -> None:
        self.post_message(self.SignalChosen(self, key))
