"""Provides :class:`CurvesScreen`: the UST, Bund and JGB curves, today against a past date, and their spreads.

A safe-asset question is a curve-and-spread question: whether Treasuries still trade rich
to Bunds and JGBs, and how the US curve is shaped, is read here at a glance. Keys ``1``
``2`` ``3`` compare today's curves with 1W, 1M or 1Y ago (1M first); the chart's cursor
(left/right or h/l, the mouse) reads every curve at one tenor. Under the chart: every
tenor's value now and then with the change in bp (blank where a market publishes no such
tenor, ``n/a`` where it does but nothing is held for that date, each such case listed),
and the curve and cross-market spreads in bp with their 1D / 1W / 1M changes.
Nothing is interpolated: a point is a held value on or before its date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.events import Resize
from textual.widgets import Static

from datafeed.curves import CURVE_SPREADS, CURVES, LOOKBACKS
from tui.screens.base import NARROW_BELOW, DetailScreen, KeyBar
from widgets.glyphs import ascii_text
from widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui.messages import DataUpdate

_INSTRUMENTS: tuple[str, ...] = (*(i for c in CURVES for _t, i in c.tenors), *CURVE_SPREADS)
"""Every instrument the screen reads: a change to any of them repaints it."""

LOOKBACK_KEYS: tuple[tuple[str, str], ...] = tuple((str(i), label) for i, (label, _d) in enumerate(LOOKBACKS, 1))
"""(key, look-back label): 1 → 1W, 2 → 1M, 3 → 1Y."""


def lookback_strip(current: str) -> Text:
    """``vs  1:1W [2:1M] 3:1Y``: the look-back in force bracketed and reversed."""
    text = Text("vs ")
    for key, label in LOOKBACK_KEYS:
        if label == current:
            text.append(f"[{key}:{label} ago]", style="bold reverse")
        else:
            text.append(f" {key}:{label} ago ")
        text.append(" ")
    return text


class CurvesScreen(DetailScreen):
    """The three curves now and at a past date, the tenor grid, and the spreads."""

    BINDING_GROUP_TITLE = "Curves"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            key,
            f"set_lookback('{label}')",
            f"vs {label} ago",
            id=f"curves-vs-{label.lower()}",
            show=False,
            tooltip=f"Compare today's curves with {label} ago",
        )
        for key, label in LOOKBACK_KEYS
    ]
    """1–3: the past date the curves are compared with."""

    KEEP: ClassVar[bool] = True
    """The app installs this screen at its first open and resumes it afterwards (``TriffinApp._toggle``):
    no compose, no styles to apply, and a chart whose data did not change is not rebuilt."""

    def __init__(self, lookback: str | None = None) -> None:
        super().__init__(classes="curves-detail")
        self.lookback = lookback or ""
        self._painted: tuple[object, ...] | None = None
        """What the screen shows was computed from (see :meth:`_paint_key`); equal: nothing to do."""

    def compose(self) -> ComposeResult:
        """Title, chart, tenor grid and spreads, status bar, key bar."""
        from widgets.chart import SeriesChart

        # The look-back chosen last in this session, else 1M.
        self.lookback = self.lookback or self.triffin.remembered.get("curves-lookback", "1M")
        yield Static(id="detail-title", classes="detail-title")
        with ScrollableContainer(classes="curves-body", id="detail-body"):
            yield SeriesChart(id="curves-chart", classes="curves-chart", ascii=self.triffin.ascii, cursor=True)
            yield Static(id="curves-grid", classes="curves-grid")
        yield StatusBar(mode=self.triffin.monitor.status_mode, ascii=self.triffin.ascii)
        yield KeyBar()

    def on_mount(self) -> None:
        """Paint, and give the chart the keys (its cursor)."""
        self._paint()
        self.query_one("#curves-chart").focus()

    def on_resize(self, event: Resize) -> None:
        """Re-lay out; the tenor grid is repainted only when it changes form (narrow or not)."""
        super().on_resize(event)
        if self.is_mounted:
            self._paint()

    def on_screen_resume(self) -> None:
        """Opened again: repaint only what changed while it was away (often nothing)."""
        self.lookback = self.triffin.remembered.get("curves-lookback", self.lookback)
        self._paint()

    def action_set_lookback(self, lookback: str) -> None:
        """Compare with another past date (remembered for this session)."""
        self.lookback = lookback
        self.triffin.remembered["curves-lookback"] = lookback
        self._paint()

    def on_data(self, update: DataUpdate) -> None:
        """Repaint when a tenor or a spread changed, or everything did; not while hidden
        (the screen stays installed after its first open: its next resume repaints)."""
        if self.is_current:
            self._paint()

    def _paint_key(self) -> tuple[object, ...]:
        """Everything the screen's content depends on: the store, the date, the look-back, the
        form, and the version at which each tenor and spread last changed."""
        monitor = self.triffin.monitor
        store = monitor.store
        versions = () if store is None else tuple(store.version_of(i) for i in _INSTRUMENTS)
        compact = self.size.width < NARROW_BELOW
        return (id(store), monitor.today, self.lookback, compact, self.triffin.ascii, monitor.showing_demo, versions)

    def _paint(self) -> None:
        from tui import curve_presenters as cp
        from widgets.chart import SeriesChart

        key = self._paint_key()
        if key == self._painted:
            return
        self._painted = key
        monitor = self.triffin.monitor
        store = monitor.store

        def fold(text: str) -> str:  # --ascii: names such as UST−Bund 10Y, and the dots
            return ascii_text(text) if self.triffin.ascii else text

        title = Text()
        title.append("Curves", style="bold")
        title.append(fold("  UST · Bund · JGB par yields (%), spreads in bp  "))
        if monitor.showing_demo:
            title.append(fold(" DEMO — synthetic "), style="bold reverse")
            title.append("  ")
        title.append_text(lookback_strip(self.lookback))
        self.query_one("#detail-title", Static).update(title)
        if store is None:
            self.query_one("#curves-grid", Static).update(Text("loading…"))
            return
        curves = cp.curve_set(store, monitor.today, self.lookback)
        self.query_one("#curves-chart", SeriesChart).set_data(cp.curve_chart(curves))
        header, rows = cp.tenor_grid(curves, compact=self.size.width < NARROW_BELOW)
        spread_header, spread_rows = cp.spread_table_rows(cp.spread_quotes(store))
        spread_rows = [[fold(cell) for cell in row] for row in spread_rows]
        parts: list[object] = [
            cp.grid_table(header, rows),
            Text("\n".join(cp.curve_dates(curves)), style="dim"),
        ]
        notes = cp.missing_notes(curves)
        if notes:
            shown = notes[:6] + ([f"... and {len(notes) - 6} more"] if len(notes) > 6 else [])
            parts.append(Text("missing (not interpolated): " + "; ".join(shown), style="italic"))
        parts += [Text(""), cp.grid_table(spread_header, spread_rows)]
        self.query_one("#curves-grid", Static).update(Group(*parts))  # type: ignore[arg-type]

    def view_data(self) -> tuple[str, tuple[list[str], list[list[str]]]]:
        """(file name part, (header, rows)): the tenor grid for ``s``, every value with its date
        and source and each curve's as-of (:func:`tui.curve_presenters.tenor_csv`)."""
        from tui import curve_presenters as cp

        store = self.triffin.monitor.store
        if store is None:
            return f"curves-vs-{self.lookback.lower()}", (["Tenor"], [])
        curves = cp.curve_set(store, self.triffin.monitor.today, self.lookback)
        return f"curves-vs-{self.lookback.lower()}", cp.tenor_csv(curves)
