"""Provides :func:`save_view`: ``s`` saves an SVG screenshot and the current view's data as CSV.

Both files go to the config's ``screenshot_dir`` (default
``platformdirs.user_data_dir("triffin")/screenshots``), named after the view and the local
time, e.g. ``triffin-dashboard-20261120-210005.svg`` and ``.csv``; a name already taken gets
``-2``, ``-3`` ... The CSV holds what the screen shows:

- dashboard: the table rows (filter applied) — ``id,name,value,change,change_unit,date,source,status``
  then ``late,change_horizon,unit,reason``: the value as the screen shows it in ``unit`` (IG OAS in
  bp, where ``export`` and ``snapshot`` keep the catalog's %), ``late`` (``True`` when the value is
  older than its source's usual lag: ``fresh`` says the fetch worked, not that the data is
  recent), what ``change`` spans (``1D``, ``1M`` ...), and why a row has a problem (the last
  error, or why the source's values were refused); an error row's ``source`` is the source
  that failed, not the catalog's first one;
- series or formula drill-down: the chart's range — ``date,<id>``;
- crisis drill-down: the episode's window frame (±20 trading days) — ``date,<instrument ids>``;
- signal drill-down: the signal's history — ``date,<signal id>``;
- alert log: every logged firing — ``time,rule,value,mode,detail,date``.

Under ``triffin serve`` both files are also delivered to the browser as downloads (the folder
is on the server). Numbers are written like ``triffin export`` writes them (rounded to 10 decimals, shortest
round-trip form, empty when missing). A screen without data (help) saves the SVG only.
Errors (a folder that cannot be created, a full disk) become a notification, never a crash.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from datafeed.sanitize import clean_line

if TYPE_CHECKING:
    import pandas as pd
    from textual.app import App

    from datafeed.store import SeriesStore
    from widgets.data import TableRow

DASHBOARD_HEADER = (
    "id",
    "name",
    "value",
    "change",
    "change_unit",
    "date",
    "source",
    "status",
    "late",
    "change_horizon",
    "unit",
    "reason",
)
"""Columns of the dashboard's CSV: the first eight as they always were, then the ones that
say how old the value is, what the change spans, the value's unit and what went wrong."""

ALERT_HEADER = ("time", "rule", "value", "mode", "detail", "date")
"""Columns of the alert log's CSV."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if not math.isfinite(value) else repr(round(value, 10))
    return str(value)


def table_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """CSV text of a header and rows (floats as ``triffin export`` writes them)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def frame_csv(frame: pd.DataFrame) -> str:
    """CSV text of a date-indexed frame: ``date`` then one column per id."""
    from datafeed.export import write_csv

    out = io.StringIO()
    write_csv(frame.astype("float64"), out)
    return out.getvalue()


def dashboard_rows(app: App[None], store: SeriesStore | None) -> list[list[object]]:
    """The live table's rows as shown (filter applied), with full source tags from ``store``."""
    from widgets.live_table import LiveTable

    table = app.screen.query_one(LiveTable)
    shown = [row for row in (table.get_row(key) for key in table.visible_keys) if row is not None]
    return csv_rows(shown, store)


def csv_rows(shown: Sequence[TableRow], store: SeriesStore | None) -> list[list[object]]:
    """The dashboard CSV's cells (:data:`DASHBOARD_HEADER`) of the rows ``shown``.

    Why the store: the table cuts source tags to fit and keeps no error text; the CSV
    gives the full tag, and for an error row the source that failed (the catalog's first
    source may be disabled), with the reason.
    """
    rows: list[list[object]] = []
    for row in shown:
        source, reason = row.source, ""
        if store is not None and row.id in store.catalog:
            latest = store.latest(row.id)
            state = store.state[row.id]
            # nothing held: the source that last served or failed, else none (the table's
            # tag is the catalog's primary, perhaps disabled, cut to fit)
            source = latest.source if latest is not None else (state.source or state.error_source or "")
            reason = clean_line(state.last_error or state.rejection or "", None)
        rows.append(
            [
                row.id,
                row.name,
                row.value,
                row.change,
                row.change_unit,
                row.date,
                source,
                row.status,
                row.late,
                (row.change_horizon or "1D") if row.change is not None else "",
                row.unit,
                reason,
            ]
        )
    return rows


def view_data(app: App[None], store: SeriesStore | None) -> tuple[str, str | None]:
    """(file name part, CSV text or None) of the screen on top."""
    from tui.screens.dashboard import DashboardScreen

    screen = app.screen
    if isinstance(screen, DashboardScreen):
        return "dashboard", table_csv(DASHBOARD_HEADER, dashboard_rows(app, store))
    getter = getattr(screen, "view_data", None)
    if getter is None:
        name = type(screen).__name__.removesuffix("Screen").lower() or "screen"
        return name, None
    name, data = getter()
    if data is None:
        return name, None
    if isinstance(data, tuple):
        header, rows = data
        return name, table_csv(header, rows)
    return name, frame_csv(data)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:80]


def _free_stem(folder: Path, stem: str) -> str:
    """``stem``, or ``stem-2``, ``stem-3`` ... so neither the SVG nor the CSV overwrites a file."""
    candidate, n = stem, 1
    while (folder / f"{candidate}.svg").exists() or (folder / f"{candidate}.csv").exists():
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def save_view(
    app: App[None], store: SeriesStore | None, folder: Path, when: dt.datetime | None = None
) -> tuple[Path, Path | None] | None:
    """Save the screen as SVG and its data as CSV in ``folder``; notify the paths (or the error).

    Args:
        app: the running app (its top screen is saved).
        store: the store shown (full source tags for the dashboard's rows).
        folder: the config's ``screenshot_dir``.
        when: the time in the file names (default now).

    Returns:
        (svg path, csv path or None), or None when nothing could be written.
    """
    folder = Path(folder)
    try:
        name, text = view_data(app, store)
    except Exception as exc:  # noqa: BLE001 - a view without data still gets its screenshot
        name, text = "view", None
        app.notify(f"Could not collect this view's data: {exc}", severity="warning", timeout=8)
    stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stem = _free_stem(folder, f"triffin-{_safe(name)}-{stamp}")
        svg = Path(app.save_screenshot(f"{stem}.svg", str(folder)))
        csv_path = None
        if text is not None:
            csv_path = folder / f"{stem}.csv"
            tmp = csv_path.with_suffix(".csv.tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, csv_path)
    except OSError as exc:
        app.notify(f"Could not save to {folder}: {exc.strerror or exc}", severity="error", timeout=10)
        return None
    message = f"{svg}" + (f"\n{csv_path}" if csv_path is not None else "\n(no data to save on this screen)")
    if app.is_web:  # triffin serve: the files are on the server; hand them to the browser too
        for path in (svg, csv_path):
            if path is not None:
                app.deliver_text(path, open_method="download", encoding="utf-8")
        message += "\n(also sent to this browser as downloads)"
    app.notify(message, title="Saved", timeout=10)
    return svg, csv_path
