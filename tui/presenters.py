"""Provides the translation from store state to plain display values.

Widgets never see pandas or the store: presenters turn them into strings and tuples.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from datafeed.catalog import Instrument
from datafeed.models import Status, utcnow
from datafeed.snapshot import is_late
from datafeed.store import SeriesStore


def format_value(inst: Instrument, value: float | None) -> str:
    """A value with the decimals its unit deserves."""
    if value is None:
        return "—"
    if inst.unit in ("USD mn", "USD bn"):
        return f"{value:,.0f}"
    if abs(value) >= 1000:
        return f"{value:,.1f}"
    if inst.unit in ("%",):
        return f"{value:.3f}"
    return f"{value:.4f}" if abs(value) < 10 else f"{value:.2f}"


def format_change(inst: Instrument, value: float, previous: float | None) -> tuple[str, int]:
    """Change in the instrument's change unit and its direction (-1, 0, 1)."""
    if previous is None:
        return "", 0
    diff = value - previous
    if inst.change == "bp":
        amount, text = diff * 100.0, f"{diff * 100.0:+.1f}bp"
    elif inst.change == "%":
        amount = 100.0 * diff / previous if previous else 0.0
        text = f"{amount:+.2f}%"
    else:
        amount, text = diff, f"{diff:+.2f}{inst.change}"
    direction = 1 if amount > 1e-9 else -1 if amount < -1e-9 else 0
    return text, direction


def format_age(when: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """Compact age: 45s, 12m, 3h, 2d."""
    if when is None:
        return "—"
    seconds = max(0.0, ((now or utcnow()) - when).total_seconds())
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{seconds / 60:.0f}m"
    if seconds < 86400 * 2:
        return f"{seconds / 3600:.0f}h"
    return f"{seconds / 86400:.0f}d"


@dataclass(frozen=True, slots=True)
class Row:
    """One instrument as display strings (the minimal table's input)."""

    id: str
    name: str
    last: str
    change: str
    direction: int
    date: str
    status: str
    source: str


def status_text(store: SeriesStore, inst_id: str, today: dt.date) -> str:
    """fresh / stale / error / missing, with 'cached', 'late' and 'intraday' notes."""
    st = store.state[inst_id]
    latest = store.latest(inst_id)
    text = st.status.value
    if st.status is Status.STALE and st.last_error is None:
        text = "cached"
    if latest and is_late(inst_id, latest.date, today, latest.source):
        text += " late"
    if latest and latest.intraday:
        text += " live"
    return text


def rows(store: SeriesStore, ids: list[str] | None = None, today: dt.date | None = None) -> list[Row]:
    """Display rows for ``ids`` (default: every instrument in catalog order)."""
    today = today or dt.date.today()
    out = []
    for inst_id in ids or list(store.catalog):
        inst = store.catalog[inst_id]
        latest = store.latest(inst_id)
        if latest is None:
            out.append(Row(inst_id, inst.name, "—", "", 0, "—", status_text(store, inst_id, today), store.state[inst_id].source or "—"))
            continue
        change, direction = format_change(inst, latest.value, latest.previous)
        out.append(
            Row(
                inst_id,
                inst.name,
                format_value(inst, latest.value),
                change,
                direction,
                latest.date.isoformat(),
                status_text(store, inst_id, today),
                latest.source,
            )
        )
    return out
