"""Provides :class:`HelpScreen`: every key binding as it is *now* bound, marks, and data credits.

The key list is generated from the bindings of the app, the dashboard, the panels and the
drill-downs with the user's ``[keymap]`` applied, so a remapped key shows as remapped.
Every enabled source whose terms ask for a credit line (``Provider.credit``: the Bank of Japan,
the ECB, the New York Fed ...) has it shown here, read from the provider registry, so a new
source's credit appears without editing this screen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tui.host import host_of
from tui.screens.base import KeyBar

if TYPE_CHECKING:
    from datafeed.settings import SourceSettings
    from tui.host import Host


def binding_groups() -> list[tuple[str, list[BindingType]]]:
    """(section title, bindings) of every place keys are bound, in reading order."""
    from tui.keys import APP_BINDINGS
    from tui.screens.auctions import AuctionsScreen
    from tui.screens.base import DetailScreen
    from tui.screens.crisis_detail import CrisisDetailScreen
    from tui.screens.curves import CurvesScreen
    from tui.screens.dashboard import DashboardScreen
    from tui.screens.exhibits import ExhibitsScreen
    from tui.screens.holders import HoldersScreen
    from tui.screens.series_detail import SeriesDetailScreen
    from widgets.live_table import LineListView, LiveTable
    from widgets.scorecard import ScorecardGrid

    return [
        ("Everywhere", list(APP_BINDINGS)),
        ("Dashboard", list(DashboardScreen.BINDINGS)),
        ("Table, signals and crisis grid", [*LineListView.BINDINGS, *LiveTable.BINDINGS, *ScorecardGrid.BINDINGS]),
        ("Drill-down screens", [*DetailScreen.BINDINGS, *SeriesDetailScreen.BINDINGS, *CrisisDetailScreen.BINDINGS]),
        ("Exhibits (e)", list(ExhibitsScreen.BINDINGS)),
        ("Curves (y)", list(CurvesScreen.BINDINGS)),
        ("Auctions (u)", list(AuctionsScreen.BINDINGS)),
        ("Holders (f)", list(HoldersScreen.BINDINGS)),
    ]


def key_rows(app: App[object], bindings: Iterable[BindingType], keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """(keys, description, binding id) per binding, keys as bound after the keymap."""
    bmap = BindingsMap(bindings)
    if keymap:
        bmap.apply_keymap(keymap)
    grouped: dict[tuple[str, str], list[str]] = {}
    ids: dict[tuple[str, str], str] = {}
    for key, binding in bmap:
        ident = (binding.id or binding.action, binding.description or binding.action)
        shown = app.get_key_display(dataclasses.replace(binding, key=key, key_display=None))
        grouped.setdefault(ident, [])
        if shown not in grouped[ident]:
            grouped[ident].append(shown)
        ids[ident] = binding.id or ""
    return [(" / ".join(keys), ident[1], ids[ident]) for ident, keys in grouped.items()]


class HelpScreen(Screen[None]):
    """Every key, what the marks mean, and where the data comes from."""

    DEFAULT_CSS = """
    HelpScreen #help-body {
        padding: 0 1;
        background: $surface;
    }
    """
    """Parsed when the help first opens (not in the dashboard's first frame)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace,question_mark", "app.pop_screen", "Back", id="help-back"),
    ]
    """Esc, backspace or ? closes the help."""

    def compose(self) -> ComposeResult:
        """The help text in one scroll."""
        with VerticalScroll(id="help-scroll"):
            yield Static(id="help-body")
        yield KeyBar()

    def on_mount(self) -> None:
        """Build the text from the live bindings."""
        self.query_one("#help-body", Static).update(self.render_help())
        self.query_one("#help-scroll").focus()

    def render_help(self) -> Group:
        """The whole help as Rich renderables."""
        app = host_of(self.app)
        # Textual keeps the normalised keymap privately; reading it shows exactly what is bound.
        keymap: dict[str, str] = dict(getattr(app, "_keymap", {}) or {})
        parts: list[RenderableType] = [
            Text("triffin — are US Treasuries still the world's safe asset?", style="bold"),
            Text("Keys as bound now (remap any binding id under [keymap] in the config file).\n", style="italic"),
        ]
        for title, bindings in binding_groups():
            table = Table(box=None, padding=(0, 2), show_header=False)
            table.add_column("keys", no_wrap=True, style="bold", min_width=12)
            table.add_column("does")
            table.add_column("id", style="dim")
            for keys, description, ident in key_rows(self.app, bindings, keymap):
                table.add_row(keys, description, ident)
            parts += [Text(title, style="bold underline"), table, Text("")]
        parts.append(
            Text(
                "Enter opens the drill-down of the row, signal or crisis cell under the cursor.\n"
                "Mouse: click a row, signal or cell to move there, click it again (or double click) to open it; "
                "click the tab strip on small terminals.\n"
            )
        )
        ascii = app.ascii
        parts.append(Text("Marks (they read without colour)", style="bold underline"))
        marks = Table(box=None, padding=(0, 2), show_header=False)
        marks.add_column(no_wrap=True, style="bold", min_width=12)
        marks.add_column()
        for mark, meaning in (
            (
                "^ v" if ascii else "▲ ▼",
                "up / down since the previous close (bp for rates and spreads, % for prices, pts for VIX)",
            ),
            ("= ", "unchanged at the shown precision"),
            (
                "1W 1M 1Q 1Y",
                "after a change: it spans the series' own period (weekly ... annual data; a spread, its coarsest"
                " leg's: UST-Bund on FRED's monthly Bund is 1M); unmarked, since the previous close",
            ),
            (
                "1W 1M YTD",
                "columns: against the last value 7 / 30 days back (n/a when none within one more such span, or when"
                " the row's own period is longer); YTD against last year's last value, n/a with no value this year",
            ),
            (
                "% bp USD bn",
                "each value's unit; OAS shown in bp (x100), JSON and export keep the catalog unit (%);"
                " s saves values as shown, with a unit column",
            ),
            ("~ ! ?", "row status: stale (kept data) / error (no data) / missing (no source enabled)"),
            ("late", "older than the source's usual publication lag (counted in its market's business days)"),
            ("intra", "a provisional intraday quote, replaced by the official close"),
            (
                "+ x . -" if ascii else "✓ ✗ · –",
                "crisis check: pass (haven-like) / fail / flat (below threshold) / n/a",
            ),
            ("ERODING neutral intact", "signal verdicts; the regime counts eroding signals among those available"),
            ("DEMO / OFFLINE", "reverse-video banner: synthetic or kept data, never live market prices"),
        ):
            marks.add_row(mark, meaning)
        parts += [marks, Text("")]
        parts.append(
            Text(
                "Hedged pickups are overnight-rate-hedged pickups (SOFR minus €STR or TONA as the hedge), "
                "not the maturity-matched Treasury basis of Du, Im and Schreger.\n"
            )
        )
        parts += [exhibit_rules_text(), Text("")]
        parts.append(self._sources_text(app))
        return Group(*parts)

    def _sources_text(self, app: Host) -> Text:
        # A source enabled in the config that the status bar shows as off (no instrument
        # in force reads it, or its market is closed) is said so here too (issue 17: the
        # help listed Bank of Japan as enabled while the status bar said it was off).
        idle = {v.source: v.detail or "off" for v in app.source_views() if v.state == "off"}
        return sources_text(app.config.feed.sources, demo=app.demo, idle=idle)


def exhibit_rules_text() -> Text:
    """The "Exhibits: how each reading is decided" section: per exhibit its rule and caveat.

    Why here as well as under each chart: the issue asks for the rule behind every reading in
    the help, where a reader can compare the ten rules at once.
    """
    from datafeed.exhibits import EXHIBITS

    text = Text("Exhibits: how each reading is decided (consistent / not consistent with the note)\n", style="bold")
    for spec in EXHIBITS:
        text.append(f"{spec.number:>2}. {spec.title}: ", style="bold")
        text.append(spec.rule + "\n")
        if spec.caveat:
            text.append(f"    {spec.caveat}\n", style="dim")
    text.append("A reading is n/a when a required input is missing; it names the input and why.\n")
    return text


def sources_text(sources: Mapping[str, SourceSettings], *, demo: bool, idle: Mapping[str, str] | None = None) -> Text:
    """The "Data sources" section: what is on, each enabled source's credit line and terms.

    In demo mode nothing on screen comes from a source, so no credit is due and none is shown.

    Args:
        sources: the config's sources.
        demo: the demo market is shown.
        idle: enabled sources the status bar shows as off, with why (``unused``).
    """
    from datafeed.providers import credits, terms

    idle = {name: why for name, why in (idle or {}).items() if name in sources and sources[name].enabled}
    text = Text("Data sources\n", style="bold")
    names = [name for name, s in sources.items() if s.enabled]
    off = [name for name, s in sources.items() if not s.enabled]
    fetching = [name for name in names if name not in idle]
    text.append("enabled: " + (", ".join(fetching) or "none") + "\n")
    if idle:
        listed = ", ".join(f"{name} ({why})" for name, why in idle.items())
        text.append(f"enabled but not fetching now (off in the status bar): {listed}\n")
    if demo:
        text.append("DEMO mode: every number on screen is synthetic (tagged demo:<id>).\n")
        return text
    for title, credit in credits(names):
        text.append(f"{title}: ", style="bold")
        text.append(credit + "\n")
    for title, note in terms(names):
        text.append(f"{title}: {note}\n", style="dim")
    if off:
        text.append(
            "off: " + ", ".join(off) + " (their instruments fall back to other sources or show no data)\n", style="dim"
        )
    return text
