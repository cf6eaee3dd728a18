"""Provides :class:`ExhibitsScreen`: the seed note's ten exhibits, redrawn from the data held.

A list on the left (number, verdict mark, title), the chart on the right, and under it the
lines that make a chart an argument: the reading with its data date (agrees / disagrees with the note),
the newest point of every series with its date, the sources that served them, the seed's
claim with its section, every missing input and why, and the rule behind the reading.

Keys: up/down (or k/j) walk the exhibits, Enter goes to the next one (the note's order, so
a reader can walk the argument), 1–9 and 0 jump to an exhibit, left/right (h/l), home/end
move the chart's cursor, PgUp/PgDn page the lines under the chart, Esc goes back, ``s`` saves the screen as SVG and the exhibit's
numbers as CSV. Below 100 columns the list is hidden and the title says which exhibit of
ten is shown.

Why a worker: the ten exhibits take a few hundred milliseconds to assemble (a 252-day
rolling correlation over the daily history, a spliced monthly history from 1871); that
runs in a thread, and again at most every :data:`RECOMPUTE_SECONDS`, only when an input's newest
official value, status or error changed (intraday quotes do not count: exhibits read closes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from tui.screens.base import DetailScreen, KeyBar
from widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from datafeed.exhibit_types import ExhibitResult, ExhibitSpec
    from datafeed.store import SeriesStore
    from tui.exhibit_view import ExhibitView
    from tui.messages import DataUpdate

RECOMPUTE_SECONDS = 5.0
"""At most one re-assembly of the exhibits per this many seconds while their inputs change."""

_NUMBER_KEYS: tuple[tuple[str, int], ...] = tuple((str(n % 10), n) for n in range(1, 11))
"""(key, exhibit number): 1–9, and 0 for the tenth."""


class ExhibitsScreen(DetailScreen):
    """The ten exhibits: list, chart, and the reading with its claim, source and date."""

    BINDING_GROUP_TITLE = "Exhibits"

    DEFAULT_CSS = """
    #exhibits-body { height: 1fr; }
    #exhibit-list {
        width: 38;
        height: 1fr;
        border: round $foreground 30%;
        background: $surface;
    }
    App.-ascii #exhibit-list { border: ascii $foreground 30%; }
    #exhibit-main { width: 1fr; height: 1fr; }
    #exhibit-chart { height: 1fr; min-height: 8; }
    #exhibit-notes {
        height: auto;
        max-height: 45%;
        padding: 0 1;
        background: $panel;
    }
    #exhibit-text { height: auto; }
    /* Below 100 columns the list is hidden: the title says which exhibit of ten is shown. */
    ExhibitsScreen.-narrow #exhibit-list { display: none; }
    ExhibitsScreen #detail-title { text-wrap: nowrap; text-overflow: ellipsis; }
    ExhibitsScreen.-narrow #exhibit-notes { max-height: 7; }
    #exhibit-empty {
        display: none;
        height: 1fr;
        padding: 1 2;
        background: $surface;
    }
    App.-ascii ExhibitsScreen #detail-title { text-overflow: clip; }
    """
    """Parsed when the exhibits first open; unscoped like the drill-downs' (``App.-ascii``)."""

    SCOPED_CSS: ClassVar[bool] = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "walk(-1)", "Previous", id="exhibit-previous", show=False, tooltip="Previous exhibit"),
        Binding("down,j", "walk(1)", "Next", id="exhibit-next", show=False, tooltip="Next exhibit"),
        Binding(
            "enter",
            "walk_on",
            "Next exhibit",
            key_display="Enter",
            id="exhibit-walk",
            tooltip="Walk on to the next exhibit",
        ),
        Binding("pagedown", "scroll_notes(1)", "Notes down", id="exhibit-notes-down", show=False),
        Binding("pageup", "scroll_notes(-1)", "Notes up", id="exhibit-notes-up", show=False),
        *(
            Binding(key, f"go({number})", f"Exhibit {number}", id=f"exhibit-{number}", show=False)
            for key, number in _NUMBER_KEYS
        ),
    ]
    """Walk and jump; the chart's cursor keys are the chart's own (it holds the focus)."""

    def __init__(self, exhibit: str | int = 1, *, recompute_seconds: float = RECOMPUTE_SECONDS) -> None:
        super().__init__(classes="exhibits")
        self._recompute_seconds = recompute_seconds
        from datafeed.exhibits import EXHIBITS, get

        self._specs: tuple[ExhibitSpec, ...] = EXHIBITS
        self.index = self._specs.index(get(exhibit))
        """Position of the exhibit on screen in the note's order (0 = exhibit 1)."""
        self.pairs: tuple[tuple[ExhibitSpec, ExhibitResult], ...] | None = None
        """Every exhibit's spec and result, once assembled."""
        self.views: tuple[ExhibitView, ...] | None = None
        """Every exhibit's view, once assembled."""
        self._dirty = False
        self._demo = False
        self._fingerprint: tuple[object, ...] | None = None
        self.assemblies = 0
        """How many times the ten were assembled (tests: an intraday tick costs none)."""
        self.notes = Text()
        """The lines under the chart as last painted (tests read them; the screen wraps them)."""

    def compose(self) -> ComposeResult:
        """Title, list | chart over notes, status bar, keys."""
        from widgets.chart import SeriesChart

        yield Static(id="detail-title", classes="detail-title")
        with Horizontal(id="exhibits-body"):
            option_list = OptionList(
                *(Option(self._label(spec.number, spec.title, None), id=spec.id) for spec in self._specs),
                id="exhibit-list",
            )
            option_list.can_focus = False  # the chart holds the focus; up/down are the screen's
            yield option_list
            with Vertical(id="exhibit-main"):
                yield SeriesChart(id="exhibit-chart", cursor=True, ascii=self.triffin.ascii)
                yield Static(id="exhibit-empty")
                with VerticalScroll(id="exhibit-notes"):
                    yield Static(id="exhibit-text")
        yield StatusBar(mode=self.triffin.monitor.status_mode, ascii=self.triffin.ascii)
        yield KeyBar()

    def on_mount(self) -> None:
        """Paint the frame, start the assembly, re-assemble at most every few seconds."""
        self.query_one("#exhibit-list", OptionList).highlighted = self.index
        if self.triffin.ascii:
            from widgets.glyphs import use_ascii_scrollbars

            for scrolling in (self.query_one("#exhibit-list"), self.query_one("#exhibit-notes")):
                use_ascii_scrollbars(scrolling, True)
        self._paint()
        self.query_one("#exhibit-chart").focus()
        self._start()
        self.set_interval(self._recompute_seconds, self._recompute_if_dirty)

    # ------------------------------------------------------------------ walking

    def action_walk(self, delta: int) -> None:
        """The next (or previous) exhibit, stopping at either end of the list."""
        self.show(self.index + delta)

    def action_walk_on(self) -> None:
        """Enter: the next exhibit in the note's order; after the tenth, the first again."""
        self.show(self.index + 1, wrap=True)

    def action_scroll_notes(self, direction: int) -> None:
        """Page the lines under the chart (they scroll when the terminal is short)."""
        notes = self.query_one("#exhibit-notes", VerticalScroll)
        if direction > 0:
            notes.scroll_page_down(animate=False)
        else:
            notes.scroll_page_up(animate=False)

    def action_go(self, number: int) -> None:
        """Exhibit ``number`` (1–10)."""
        self.show(number - 1)

    def show(self, index: int, *, wrap: bool = False) -> None:
        """Show the exhibit at ``index`` (clamped to the list, or wrapped round)."""
        count = len(self._specs)
        index = index % count if wrap else max(0, min(count - 1, index))
        if index == self.index:
            return
        self.index = index
        self.query_one("#exhibit-list", OptionList).highlighted = index
        self._paint()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click on the list shows that exhibit."""
        event.stop()
        self.show(event.option_index)

    @property
    def spec(self) -> ExhibitSpec:
        """The exhibit on screen."""
        return self._specs[self.index]

    # ------------------------------------------------------------------- data

    def on_data(self, update: DataUpdate) -> None:
        """Mark the exhibits for re-assembly when one of their inputs changed."""
        from datafeed.exhibits import input_ids

        if update.everything:
            self._start()
        elif update.changed & frozenset(input_ids()):
            self._dirty = True
        if update.status or update.everything:
            self._paint_title()

    def _recompute_if_dirty(self) -> None:
        if self._dirty:
            self._start(force=False)

    def _inputs_fingerprint(self) -> tuple[object, ...]:
        """What the exhibits read of the store: each input's newest official date and source,
        status and last error (a couple of milliseconds). Demo and live intraday quotes change
        none of it, so they cost no re-assembly: exhibits read end-of-day values only."""
        from datafeed.exhibits import input_ids

        store = self.triffin.monitor.store
        if store is None:
            return ()
        out: list[object] = [id(store), self.triffin.monitor.showing_demo]
        for inst_id in input_ids():
            if inst_id in store.catalog:
                state = store.state[inst_id]
                out.append((inst_id, store.last_official(inst_id), state.status, state.last_error))
        return tuple(out)

    def _start(self, *, force: bool = True) -> None:
        monitor = self.triffin.monitor
        store = monitor.store
        if store is None:
            return
        self._dirty = False
        fingerprint = self._inputs_fingerprint()
        if not force and fingerprint == self._fingerprint:
            return
        self._fingerprint = fingerprint
        self.assemblies += 1
        self._assemble(store, monitor.showing_demo)

    @work(thread=True, exclusive=True, group="exhibits", exit_on_error=False, description="exhibits")
    def _assemble(
        self, store: SeriesStore, demo: bool
    ) -> tuple[tuple[tuple[ExhibitSpec, ExhibitResult], ...], tuple[ExhibitView, ...], bool]:
        """Every exhibit's result and view (in a thread: pandas work)."""
        from datafeed.exhibits_store import assemble_store
        from tui.exhibit_view import exhibit_views

        pairs = assemble_store(store)
        return pairs, exhibit_views(pairs, demo=demo), demo

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Show the exhibits when they arrive."""
        if event.worker.group == "exhibits" and event.state is WorkerState.SUCCESS:
            result = event.worker.result
            if result is None:
                return
            self.pairs, self.views, self._demo = result
            option_list = self.query_one("#exhibit-list", OptionList)
            for i, view in enumerate(self.views):
                option_list.replace_option_prompt_at_index(i, self._label(view.number, view.title, view))
            self._paint()

    # ------------------------------------------------------------------ paint

    def _label(self, number: int, title: str, view: ExhibitView | None) -> Text:
        """A list entry: the number, the verdict mark (· while assembling) and the title."""
        label = view.list_label(self.triffin.ascii) if view is not None else f"{number:>2} · {title}"
        if self.triffin.ascii:
            from widgets.glyphs import ascii_text

            label = ascii_text(label)
        return Text(label)

    def _paint_title(self) -> None:
        monitor = self.triffin.monitor
        spec = self.spec
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(f"Exhibit {spec.number}/{len(self._specs)}", style="bold")
        title.append(f"  {spec.title}  ")
        if monitor.showing_demo:
            title.append(" DEMO — synthetic ", style="bold reverse")
            title.append("  ")
        title.append("↑↓ walk  ←→ cursor  s save", style="dim")
        if self.triffin.ascii:
            from widgets.glyphs import ascii_text

            title = Text(ascii_text(title.plain), no_wrap=True, overflow="crop")
        self.query_one("#detail-title", Static).update(title)

    def _paint(self) -> None:
        from widgets.chart import SeriesChart

        self._paint_title()
        chart = self.query_one("#exhibit-chart", SeriesChart)
        text = self.query_one("#exhibit-text", Static)
        if self.views is None:
            chart.set_data(None)
            self.notes = Text("Assembling the exhibits from the data held…", style="italic")
            text.update(self.notes)
            return
        view = self.views[self.index]
        chart.set_data(view.chart)
        empty = self.query_one("#exhibit-empty", Static)
        chart.display = view.chart is not None
        empty.display = view.chart is None
        if view.chart is None:  # never an empty box: say what is missing where the chart would be
            empty.update(self._no_chart(view))
        self.notes = self._notes(view)
        text.update(self.notes)
        self.query_one("#exhibit-notes", VerticalScroll).scroll_home(animate=False)

    def _no_chart(self, view: ExhibitView) -> Text:
        """What stands where the chart would be when no series has a value."""
        text = Text(f"No chart for exhibit {view.number}: no input has data.\n\n", style="bold")
        for line in view.lines:
            if line.label == "Missing":
                text.append("missing ", style="bold")
                text.append(line.text + "\n")
        if self.triffin.ascii:
            from widgets.glyphs import ascii_text

            text = Text(ascii_text(text.plain))
        return text

    def _notes(self, view: ExhibitView) -> Text:
        """The lines under the chart; outside text is Text, never markup."""
        from tui.exhibit_view import notes_text

        return notes_text(view, ascii=self.triffin.ascii)

    def view_data(self) -> tuple[str, tuple[list[str], list[list[str]]] | None]:
        """(file name part, (header, rows)) of the exhibit's chart numbers, for ``s``."""
        from tui.exhibit_view import exhibit_table

        name = f"exhibit-{self.spec.number}-{self.spec.id}"
        if self.pairs is None:
            return name, None
        header, rows = exhibit_table(self.pairs[self.index][1])
        if self._demo:
            from datafeed.labels import DEMO_MODE

            header = [*header, "mode"]
            rows = [[*row, DEMO_MODE] for row in rows]
        return name, (header, rows)
