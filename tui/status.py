"""Provides :func:`source_views`: the Monitor's typed source health as status bar inputs.

Why its own module: the status bar is painted in the first frame, before pandas loads, so
this formatting must not live next to the pandas presenters. Only words and numbers are
shaped here (``2m``, ``45s``, the gist of an error); what the health *is* comes from
:func:`datafeed.health.source_health`. See docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
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


def short_error(text: str, width: int = 24, source: str = "") -> str:
    """The gist of an error (``ConnectError``, ``HTTP 503``), cut to ``width`` characters.

    The status bar has room for a word per source; the full text is on the series screen.
    The ``<source>: `` prefix most errors carry is dropped first: the entry already names
    the source, and cutting at that colon left nothing but the name (``fred ERROR (fred)``
    under an HTTP 500). An HTTP status longer than ``width`` keeps its code (``HTTP 503``).
    """
    text = text.splitlines()[0] if text else ""
    if source and text.startswith(f"{source}: "):
        text = text[len(source) + 2 :]
    for cut in (" fetching ", " from ", ": ", " ("):
        if cut in text:
            text = text.split(cut, 1)[0]
    if len(text) > width and text.startswith("HTTP "):
        text = " ".join(text.split()[:2])
    return text if len(text) <= width else text[: width - 1] + "…"


def data_text(health: SourceHealth, today: dt.date, now: dt.datetime) -> tuple[str, bool]:
    """How old a source's data is, and whether that is late: (``data 894d old``, True).

    ``data 1d`` when every series is on time, ``data 894d old`` when all of them are late,
    ``data 1d · 2 late`` when some are (FRED serves daily and quarterly series alike).
    Days are calendar days from the newest observation to today; quotes are aged in time.
    """
    if health.data_date is not None:
        days = max((today - health.data_date).days, 0)
        text = "data today" if days == 0 else f"data {days}d"
    elif health.data_time is not None:
        text = f"data {format_age((now - health.data_time).total_seconds())}"
    else:
        return "", False
    if not health.late:
        return text, False
    if health.late >= health.series:
        return f"{text} old", True
    return f"{text} · {health.late} late", True


def source_view(health: SourceHealth, today: dt.date | None = None, now: dt.datetime | None = None) -> SourceView:
    """One source in the status bar: the fetch (state, when, note or the gist of its error),
    then how old its data is (with ``today`` and ``now``; the first frame has neither)."""
    data, late = data_text(health, today, now) if today is not None and now is not None else ("", False)
    return SourceView(
        health.source,
        health.state,
        format_age(health.age) if health.age is not None else "",
        format_in(health.retry_in) if health.retry_in is not None else "",
        health.note or short_error(health.error, source=health.source),
        data,
        late,
    )


def source_views(
    health: Iterable[SourceHealth], today: dt.date | None = None, now: dt.datetime | None = None
) -> list[SourceView]:
    """Every source in the status bar, in display order."""
    return [source_view(h, today, now) for h in health]
