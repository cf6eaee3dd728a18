"""Provides the cache summary: the newest values of every instrument, readable without pandas.

Why: the first frame must not wait for pandas (hundreds of milliseconds to import) or for
the full history files. The cache writes ``_summary.json`` next to them, holding for each
instrument the last :data:`TAIL` observations, their source and when the series was last
fetched. The app paints the live table from it at once and loads the store behind it.

This module imports nothing heavier than ``json``; keep it that way.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import NamedTuple

FORMAT = "triffin-summary"
FORMAT_VERSION = 1
FILENAME = "_summary.json"
TAIL = 64
"""Observations kept per instrument: enough for a sparkline and the day's change."""

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


class SummaryEntry(NamedTuple):
    """The tail of one instrument's series as cached (the last :data:`TAIL` values, and in
    front of them, when they do not reach back to it, the prior year's last value: the base
    of the table's YTD change). A named tuple: read in front of every live first frame,
    where a dataclass costs ~0.6 ms to define (issue 20).

    Attributes:
        instrument: the instrument id.
        dates: observation dates, oldest first.
        values: values in the catalog unit, parallel to ``dates``.
        source: ``<source>:<series>`` of the newest value.
        last_success: when the series was last fetched successfully (UTC), if known.
    """

    instrument: str
    dates: tuple[dt.date, ...]
    values: tuple[float, ...]
    source: str
    last_success: dt.datetime | None


def encode_summary(entries: dict[str, tuple[list[int], list[float], str, str | None]]) -> bytes:
    """Serialise ``{id: (epoch days, values, source, last_success iso)}``."""
    doc = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "instruments": {
            inst_id: {"days": days[-TAIL - 1 :], "values": values[-TAIL - 1 :], "source": source, "last_success": last}
            for inst_id, (days, values, source, last) in entries.items()
        },
    }
    return json.dumps(doc, separators=(",", ":")).encode()


def read_summary(cache_dir: Path) -> dict[str, SummaryEntry]:
    """The summary in ``cache_dir``; empty when absent or unreadable (never raises).

    A broken summary only costs the fast first frame: the full cache files are still
    loaded (and checked) right after.
    """
    try:
        doc = json.loads((Path(cache_dir) / FILENAME).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != FORMAT_VERSION:
        return {}
    out: dict[str, SummaryEntry] = {}
    instruments = doc.get("instruments")
    if not isinstance(instruments, dict):
        return {}
    for inst_id, item in instruments.items():
        try:
            days = [_EPOCH_ORDINAL + int(d) for d in item["days"]]
            values = tuple(map(float, item["values"]))
            if not days or len(days) != len(values):
                continue
            last = item.get("last_success")
            out[str(inst_id)] = SummaryEntry(
                str(inst_id),
                tuple(map(dt.date.fromordinal, days)),
                values,
                str(item["source"]),
                dt.datetime.fromisoformat(last) if last else None,
            )
        except (KeyError, TypeError, ValueError):
            continue
    return out
