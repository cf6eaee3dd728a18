"""Provides :class:`StatusBar`: per-source health and the DEMO / OFFLINE banner.

The banner is a full-width, reverse-video line with the mode spelled out (``DEMO —
synthetic data, not market prices``), so it cannot be mistaken for market data even
without colour (reverse video survives ``NO_COLOR``). Below it, one entry per source:
state in words (``ok``, ``STALE``, ``ERROR``, ``off``), data age and next retry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from widgets.data import SourceView
from widgets.glyphs import app_wants_ascii, ascii_text

__all__ = ["BANNERS", "MODES", "StatusBar", "source_text"]

MODES: tuple[str, ...] = ("live", "demo", "offline")
"""Values of :attr:`StatusBar.mode`."""

BANNERS: dict[str, str] = {
    "demo": "DEMO — synthetic data, not market prices",
    "offline": "OFFLINE — live sources unreachable; showing kept data, not live prices",
}
"""Default banner per mode (``live`` has none)."""

_STATE_WORDS: dict[str, str] = {
    "connecting": "connecting…",
    "ok": "ok",
    "stale": "STALE",
    "error": "ERROR",
    "off": "off",
}


def _fetch_text(view: SourceView) -> str:
    """What the fetch did, after the state word: `` 2m retry 45s (timeout)``."""
    parts = [""]
    if view.age:
        parts.append(view.age)
    if view.next_retry:
        parts.append(f"retry {view.next_retry}")
    if view.detail:
        parts.append(f"({view.detail})")
    return " ".join(parts) if len(parts) > 1 else ""


def source_text(view: SourceView) -> str:
    """One source as plain text, e.g. ``treasury ok 2m · data 894d old`` or
    ``boj ERROR 3h retry 45s (timeout)``: what the fetch did, then how old the data is."""
    text = f"{view.source} {_STATE_WORDS[view.state]}{_fetch_text(view)}"
    return f"{text} · {view.data}" if view.data else text


_PARTIAL_STYLE_KEY = "-status-bar-partial-style-"
"""First item of the keys of :meth:`StatusBar.partial_style` in Textual's component-style
cache (no component class is named like it)."""


class StatusBar(Widget):
    """Per-source state with data age and next retry, under a DEMO / OFFLINE banner.

    The banner shows only in ``demo`` and ``offline`` modes; ``live`` shows sources only.
    The source list wraps onto more lines rather than hiding a failing source.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-bar--banner-demo",
        "status-bar--banner-offline",
        "status-bar--ok",
        "status-bar--stale",
        "status-bar--error",
        "status-bar--off",
        "status-bar--connecting",
        "status-bar--late",
        "status-bar--dim",
    }
    """Style hooks: the two banners, the five source states, late data, secondary text."""

    DEFAULT_CSS = """
    StatusBar {
        layout: vertical;
        height: auto;
        width: 1fr;
        background: $panel;
        color: $foreground;
    }
    StatusBar > .status-bar--banner-demo { color: $banner-demo; text-style: bold reverse; }
    StatusBar > .status-bar--banner-offline { color: $banner-offline; text-style: bold reverse; }
    StatusBar > .status-bar--ok { color: $feed-ok; }
    StatusBar > .status-bar--stale { color: $feed-stale; text-style: bold; }
    StatusBar > .status-bar--error { color: $feed-error; text-style: bold; }
    StatusBar > .status-bar--off { color: $feed-off; }
    StatusBar > .status-bar--connecting { color: $text-muted; text-style: italic; }
    StatusBar > .status-bar--late { color: $late; text-style: bold; }
    StatusBar > .status-bar--dim { color: $text-muted; }
    StatusBar:nocolor > .status-bar--error { text-style: bold reverse; }
    StatusBar:nocolor > .status-bar--stale { text-style: bold; }
    """
    """Structure and colours, by theme variable only. Under ``NO_COLOR`` (Textual's
    ``:nocolor``) a failing source is bold reverse video, the loudest entry."""

    def __init__(
        self,
        sources: Iterable[SourceView] = (),
        *,
        mode: str = "live",
        banner: str | None = None,
        ascii: bool = False,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's parameter name
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Initialise the status bar.

        Args:
            sources: Sources in display order.
            mode: ``live``, ``demo`` or ``offline``.
            banner: Banner text replacing the mode's default (ignored in ``live``).
            ascii: ASCII only (``-`` instead of ``—``, ``|`` between sources).
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
            disabled: Start disabled.

        Raises:
            ValueError: on an unknown mode.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._sources: tuple[SourceView, ...] = tuple(sources)
        self._mode = self._check_mode(mode)
        self._banner = banner
        # Set before mounting, not in on_mount: a class added to a mounted widget restyles
        # it and its children once more in front of the first frame.
        self.set_class(self._mode != "live", "-banner", update=False)
        self._ascii = ascii

    @staticmethod
    def _check_mode(mode: str) -> str:
        if mode not in MODES:
            raise ValueError(f"StatusBar mode must be one of {MODES}, got {mode!r}")
        return mode

    # -- public API -----------------------------------------------------------------

    @property
    def mode(self) -> str:
        """``live``, ``demo`` or ``offline``."""
        return self._mode

    @property
    def sources(self) -> tuple[SourceView, ...]:
        """Sources shown, in order."""
        return self._sources

    @property
    def ascii(self) -> bool:
        """True when drawing with ASCII characters only (also when the app has ``-ascii``)."""
        return self._ascii

    @property
    def banner_text(self) -> str | None:
        """The banner as shown, or None in live mode."""
        if self._mode == "live":
            return None
        text = self._banner or BANNERS[self._mode]
        return ascii_text(text) if self._ascii else text

    @property
    def sources_text(self) -> str:
        """The source line as plain text (what a screen reader or a test would read)."""
        return self.separator.join(source_text(view) for view in self._sources)

    def set_sources(self, sources: Iterable[SourceView]) -> None:
        """Show these sources (repaints only if anything changed)."""
        sources = tuple(sources)
        if sources != self._sources:
            self._sources = sources
            for line in self.query(_SourcesLine):
                line.refresh(layout=True)

    def set_mode(self, mode: str, banner: str | None = None) -> None:
        """Switch between ``live``, ``demo`` and ``offline``.

        Args:
            mode: The mode.
            banner: Banner text replacing the mode's default.

        Raises:
            ValueError: on an unknown mode.
        """
        mode = self._check_mode(mode)
        if (mode, banner) != (self._mode, self._banner):
            self._mode, self._banner = mode, banner
            if self.is_mounted:
                self._sync_banner()

    # -- rendering ------------------------------------------------------------------

    def partial_style(self, name: str) -> Style:
        """The partial Rich style of one of the bar's component classes.

        The same style as ``get_component_rich_style(name, partial=True)``, without the full
        style Textual works out beside it (a walk over every ancestor's styles, once per
        class the bar's lines use, in the first frame and after every style change). Kept
        in Textual's own component-style cache, so it is cleared when that is.
        """
        key = (_PARTIAL_STYLE_KEY, name)
        cached = self._rich_style_cache.get(key)
        if cached is None:
            style = self.get_component_styles(name).partial_rich_style
            cached = self._rich_style_cache[key] = (style, style)
        return cached[0]

    @property
    def separator(self) -> str:
        """What goes between two sources."""
        return " | " if self._ascii else " │ "

    def compose(self) -> ComposeResult:
        """A one-line banner above the (wrapping) source list."""
        banner = _BannerLine(self)
        banner.display = self._mode != "live"
        yield banner
        yield _SourcesLine(self)

    def on_mount(self) -> None:
        """Follow the app's ASCII mode (the banner's class and display were set before)."""
        if not self._ascii and app_wants_ascii(self):
            self._ascii = True

    def _sync_banner(self) -> None:
        """Toggle the banner child and the ``-banner`` class (for app CSS)."""
        self.set_class(self._mode != "live", "-banner")
        for banner in self.query(_BannerLine):
            banner.display = self._mode != "live"
            banner.refresh()
        for line in self.query(_SourcesLine):
            line.refresh(layout=True)


class _BannerLine(Widget):
    """The full-width reverse-video banner (padding included, so the bar is solid)."""

    DEFAULT_CSS = """
    _BannerLine { height: 1; width: 1fr; }
    """

    def __init__(self, bar: StatusBar) -> None:
        super().__init__()
        self._bar = bar

    def render_line(self, y: int) -> Strip:
        """Render the banner centred on a line filled with the banner style."""
        width = self.size.width
        text = self._bar.banner_text or ""
        style = self.rich_style + self._bar.partial_style(f"status-bar--banner-{self._bar.mode}")
        if cell_len(text) > width:
            text = set_cell_size(text, max(width - 1, 0)) + ("~" if self._bar.ascii else "…")
        left = (width - cell_len(text)) // 2
        line = " " * left + text
        return Strip([Segment(line + " " * (width - cell_len(line)), style)], width)


class _SourcesLine(Widget):
    """Sources, one entry each, wrapping between entries (never inside one)."""

    DEFAULT_CSS = """
    _SourcesLine { height: auto; width: 1fr; }
    """

    def __init__(self, bar: StatusBar) -> None:
        super().__init__()
        self._bar = bar

    def _entries(self) -> list[list[tuple[str, str]]]:
        """Each source as (text, component class) parts."""
        entries: list[list[tuple[str, str]]] = []
        fold = ascii_text if self._bar.ascii else str
        for view in self._bar.sources:
            entry = [(fold(view.source) + " ", ""), (fold(_STATE_WORDS[view.state]), f"status-bar--{view.state}")]
            if rest := fold(_fetch_text(view)):
                entry.append((rest, "status-bar--dim"))
            if view.data:
                entry.append((fold(f" · {view.data}"), "status-bar--late" if view.data_late else "status-bar--dim"))
            entries.append(entry)
        return entries or [[("no sources", "status-bar--dim")]]

    def _pack(self, width: int) -> list[list[tuple[str, str]]]:
        """Pack entries into lines of at most ``width`` cells."""
        separator = (self._bar.separator, "status-bar--dim")
        lines: list[list[tuple[str, str]]] = [[]]
        used = 0
        for entry in self._entries():
            size = sum(cell_len(text) for text, _ in entry)
            if lines[-1] and used + cell_len(separator[0]) + size > width:
                lines.append([])
                used = 0
            if lines[-1]:
                lines[-1].append(separator)
                used += cell_len(separator[0])
            lines[-1].extend(entry)
            used += size
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many lines as the entries need at this width."""
        return len(self._pack(max(width, 1)))

    def render_line(self, y: int) -> Strip:
        """Render one packed line with the bar's component styles."""
        width = self.size.width
        base = self.rich_style
        lines = self._pack(max(width, 1))
        if y >= len(lines):
            return Strip.blank(width, base)
        partial = self._bar.partial_style
        segments = [Segment(text, base + partial(name)) if name else Segment(text, base) for text, name in lines[y]]
        return Strip(segments).adjust_cell_length(width, base)
