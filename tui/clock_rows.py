"""Provides the markets table's rows for the minute's clock tick, rebuilt only where it moves them.

Why: the app ticks once a minute so that ages move on (``<1m`` → ``1m``). Rebuilding every
row for that tick (~80 instruments, each a few pandas look-ups: 45-75 ms of the UI thread's
CPU) was most of what an idle live app spent beyond a bare Textual app (issue 20: 0.274 %
of a core against hello.py's 0.196 % over a 60 s window). A row depends on the clock only
through its age (an intraday quote: now − its quote time, to the minute) and through
``today`` (ages in days, the late mark, YTD). So a row is kept until its instrument's data
or fetch status changes (the store's version of it), the day changes or another store is
shown; a kept intraday row only gets its age worked out again from its quote time.

No pandas here: the dashboard builds this before the first frame (rows themselves come from
:func:`tui.presenters.table_row`, imported when the first row is built).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import replace
from typing import TYPE_CHECKING

from tui.rows import format_age

if TYPE_CHECKING:
    from datafeed.models import Status
    from datafeed.store import SeriesStore
    from widgets.data import TableRow

_Key = tuple[int, "Status", dt.date]
"""What a kept row was built from: the store's version of its instrument, its status, today."""


class ClockRows:
    """Every instrument's table row, kept between clock ticks while nothing it shows moved."""

    def __init__(self) -> None:
        self._store: SeriesStore | None = None
        self._kept: dict[str, tuple[_Key, TableRow, dt.datetime | None]] = {}
        self.built = 0
        """Rows built from the store so far (the rest were kept): what a test counts."""

    def rows(
        self,
        store: SeriesStore,
        today: dt.date,
        now: dt.datetime,
        rebuild: bool = False,
        changed: Collection[str] = (),
    ) -> list[TableRow]:
        """Rows in catalog order, as :func:`tui.presenters.table_rows` builds them.

        Args:
            rebuild: build every row from the store (a repaint of everything), keeping them
                for the ticks after it.
            changed: only these instruments' rows, each built from the store (an update
                took them in); without it every instrument's row.
        """
        if rebuild or store is not self._store:
            self._store, self._kept = store, {}
        out: list[TableRow] = []
        for inst_id in store.catalog:
            if changed and inst_id not in changed:
                continue
            key: _Key = (store.version_of(inst_id), store.state[inst_id].status, today)
            kept = None if changed else self._kept.get(inst_id)
            if kept is not None and kept[0] == key:
                row, quoted = kept[1], kept[2]
                if quoted is not None:
                    age = format_age((now - quoted).total_seconds())
                    if age != row.age:
                        row = replace(row, age=age)
                        self._kept[inst_id] = (key, row, quoted)
                out.append(row)
                continue
            out.append(self._build(store, inst_id, key, today, now))
        return out

    def _build(self, store: SeriesStore, inst_id: str, key: _Key, today: dt.date, now: dt.datetime) -> TableRow:
        from tui.presenters import table_row

        row = table_row(store, inst_id, today, now)
        self.built += 1
        quoted = None
        if row.intraday:
            latest = store.latest(inst_id)
            quoted = latest.time if latest is not None and latest.intraday else None
        self._kept[inst_id] = (key, row, quoted)
        return row


__all__ = ["ClockRows"]
