"""Provides :func:`source_views`: the Monitor's typed source health as status bar inputs.

Why its own module: the status bar is painted in the first frame, before pandas loads, so
this formatting must not live next to the pandas presenters. Only words and numbers are
shaped here (``2m``, ``45s``, the gist of an error); what the health *is* comes from
:func:`datafeed.health.source_health`. See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from datafeed.health import SourceHealth
from tui.rows import format_age
from widgets.data import SourceView


def format_in(seconds: float) -> str:
    """Time until something, e.g. ``45s``, ``3m``, ``2h``."""
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f}s"
    if seconds < 5400:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.0f}h"


def short_error(text: str, width: int = 24) -> str:
    """The gist of an error (``ConnectError``, ``HTTP 503``), cut to ``width`` characters.

    The status bar has room for a word per source; the full text is on the series screen.
    """
    text = text.splitlines()[0] if text else ""
    for cut in (" fetching ", " from ", ": ", " ("):
        if cut in text:
            text = text.split(cut, 1)[0]
    return text if len(text) <= width else text[: width - 1] + "…"


def source_view(health: SourceHealth) -> SourceView:
    """One source in the status bar: its note, or the gist of its error."""
    return SourceView(
        health.source,
        health.state,
        format_age(health.age) if health.age is not None else "",
        format_in(health.retry_in) if health.retry_in is not None else "",
        health.note or short_error(health.error),
    )


def source_views(health: Iterable[SourceHealth]) -> list[SourceView]:
    """Every source in the status bar, in display order."""
    return [source_view(h) for h in health]
