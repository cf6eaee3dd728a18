"""Provides the markets table's rows for the minute's clock tick, rebuilt only where it moves them.

Why: the app ticks once a minute so that ages move on (``<1m`` → ``1m``). Rebuilding every
row for that tick (~80 instruments, each a few pandas look-ups: 45-75 ms of the UI thread's
CPU) was most of what an idle live app spent beyond a bare Textual app (issue 20: 0.274 %
of a core against hello.py's 0.196 % over a 60 s window). A row depends on the clock only
through its age (an intraday quote: now − its quote time, to the minute) and through
``today`` (ages in days, the late mark, YTD). So a row is kept until its instrument's data
or fetch status changes (the store's version of it), the day changes or another store is
shown; a kept intraday row only gets its age worked out again from its quote time. The
config's formula rows likewise (with 270 formulas they cost 60-75 ms a tick): kept while the
Monitor's values and errors (replaced with each recompute), the fetch statuses of the
store's instruments and the day are the same.

No pandas here: the dashboard builds this before the first frame (rows themselves come from
:func:`tui.presenters.table_row`, imported when the first row is built).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from tui.rows import format_age

if TYPE_CHECKING:
    import pandas as pd

    from datafeed.formulas import Formula
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
        self._formulas: tuple[tuple[object, ...], list[TableRow]] | None = None
        self.formulas_built = 0
        """Times the formula rows were built (the rest were kept)."""

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

    def formulas(
        self,
        formulas: Sequence[Formula],
        values: Mapping[str, pd.Series],
        errors: Mapping[str, str],
        store: SeriesStore,
        today: dt.date,
        rebuild: bool = False,
    ) -> list[TableRow]:
        """Every formula's row, as :func:`tui.presenters.formula_rows` builds them.

        Kept while the same values and errors (the Monitor replaces both with each
        recompute), the same store with the same fetch statuses (a formula is as fresh as
        its inputs) and the same day are shown; ``rebuild`` builds them anew.
        """
        statuses = tuple(store.state[i].status for i in store.catalog)
        kept = self._formulas
        if not rebuild and kept is not None:
            (k_formulas, k_values, k_errors, k_store, k_today, k_statuses), rows = kept
            if (
                k_formulas is formulas
                and k_values is values
                and k_errors is errors
                and k_store is store
                and k_today == today
                and k_statuses == statuses
            ):
                return rows
        from tui.presenters import formula_rows

        rows = formula_rows(formulas, values, store, today, errors)
        self.formulas_built += 1
        self._formulas = ((formulas, values, errors, store, today, statuses), rows)
        return rows

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
