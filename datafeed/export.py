"""Provides export of held series as CSV or JSON (``triffin export``).

Why in the data layer: exporting is reading the store, and scripts that use triffin as a
library want the same frame the CLI writes.

Two shapes of frame:

- **raw** — every observation as published: the union of the series' dates, a cell empty
  where a series has no observation that day (a US holiday in a Bund column, the months
  between two quarterly debt figures);
- **aligned** — the daily frame signals are computed on (:func:`datafeed.frame.aligned_frame`):
  the dates of the daily series, lower-frequency series carried forward at most 45 days.

CSV: a ``date`` column (``YYYY-MM-DD``), then one column per id in the order asked; values
are rounded to 10 decimals (what the cache stores) and written with Python's shortest
round-trip representation, so reading the file back gives exactly the cached floats. Demo
output adds a last column, ``mode``, reading ``demo`` on every row. JSON (``notice`` only
in demo output)::

    {"triffin": "0.1.0", "mode": "cache|demo", "notice": "DEMO — synthetic data, not market prices",
     "aligned": false, "since": null,
     "units": {"ust10y": "%"},
     "series": {"ust10y": [["2026-11-20", 4.12], ["2026-11-23", 4.11]]}}

In raw JSON each id lists its own observations; aligned JSON lists every frame date for
every id, with ``null`` where the frame has no value.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import IO, Any

import numpy as np
import pandas as pd

from datafeed import __version__
from datafeed.frame import aligned_frame, clean, date_index
from datafeed.labels import DEMO_MODE, demo_notice

__all__ = ["export_frame", "frame_to_json", "write_csv"]


def export_frame(
    series: Mapping[str, pd.Series],
    ids: Sequence[str],
    *,
    since: dt.date | None = None,
    aligned: bool = False,
    frequencies: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One column per id, indexed by date (named ``date``).

    Args:
        series: id → series (instruments and evaluated formulas).
        ids: the columns, in order; an id without data becomes an empty column.
        since: drop dates before this one.
        aligned: the aligned daily frame instead of the raw union of dates.
        frequencies: id → frequency overrides (a user instrument's, from the catalog in
            force: a weekly series is carried forward, not read as daily).
    """
    if aligned:
        frame = aligned_frame(series, list(ids), frequencies=dict(frequencies) if frequencies else None)
    else:
        cols = {i: clean(series.get(i)) for i in ids}
        non_empty = [s for s in cols.values() if len(s)]
        if non_empty:
            index = non_empty[0].index
            for s in non_empty[1:]:
                index = index.union(s.index)
        else:
            index = pd.DatetimeIndex([], dtype="datetime64[ns]")
        frame = pd.DataFrame({i: s.reindex(index) for i, s in cols.items()}, index=index, columns=list(ids))
    frame.index.name = "date"
    if since is not None and len(frame):
        frame = frame[frame.index >= pd.Timestamp(since)]
    return frame.astype("float64")


DECIMALS = 10
"""Values are written rounded to 10 decimals: what the cache stores, so cached values round-trip
exactly, while formula results lose their float noise (``29.999999999999982`` → ``30.0``)."""


def _cell(value: float) -> str:
    return "" if math.isnan(value) else repr(round(float(value), DECIMALS))


def write_csv(frame: pd.DataFrame, out: IO[str], mode: str = "cache") -> None:
    """Write ``date`` then one column per id; empty cells where a value is missing.

    Demo output ends every row with a ``mode`` column reading ``demo``: a comment line
    would be seen by a person but trips CSV readers that do not expect one, and a file
    copied into a spreadsheet keeps a column on every row. Cache output is unchanged.
    """
    demo = mode == DEMO_MODE
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", *frame.columns, *(["mode"] if demo else [])])
    dates = date_index(frame).strftime("%Y-%m-%d").tolist()
    values = frame.to_numpy(dtype="float64")
    tail = [DEMO_MODE] if demo else []
    for day, row in zip(dates, values, strict=True):
        writer.writerow([day, *(_cell(v) for v in row), *tail])


def frame_to_json(
    frame: pd.DataFrame,
    *,
    aligned: bool,
    mode: str,
    units: Mapping[str, str] | None = None,
    since: dt.date | None = None,
) -> dict[str, Any]:
    """The JSON document described in the module docstring."""
    dates = date_index(frame).strftime("%Y-%m-%d").tolist()
    series: dict[str, list[list[Any]]] = {}
    for col in frame.columns:
        values = frame[col].to_numpy(dtype="float64")
        if aligned:
            series[col] = [
                [d, None if np.isnan(v) else round(float(v), DECIMALS)] for d, v in zip(dates, values, strict=True)
            ]
        else:
            series[col] = [
                [d, round(float(v), DECIMALS)] for d, v in zip(dates, values, strict=True) if not np.isnan(v)
            ]
    doc: dict[str, Any] = {"triffin": __version__, "mode": mode}
    if notice := demo_notice(mode):
        doc["notice"] = notice
    return doc | {
        "aligned": aligned,
        "since": since.isoformat() if since else None,
        "units": {c: (units or {}).get(c, "") for c in frame.columns},
        "series": series,
    }
