"""Provides the ``auctions`` and ``holders`` objects of ``triffin snapshot --format json``.

Both are additions to the document's contract (README, docs/contract.md): existing keys keep
their meaning. Every number carries its date and source, like a ``series`` entry.

``auctions``
    The auction book's state (``status``, ``source``, ``last_success``, ``error``, ``count``)
    and ``latest``: the newest auction of every kind held (bills, CMBs, notes, bonds, TIPS,
    FRNs), every published field plus the derived shares and spreads.
``holders``
    The newest month of the TIC major foreign holders kept as instruments, largest first,
    with the 1- and 12-month changes, the foreign total and the foreign official sector, and
    the weekly custody holdings of the New York Fed for foreign official accounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from datafeed.catalog import TIC_HOLDERS
from datafeed.demand.auction_measures import (
    bid_to_cover,
    dealer_share,
    direct_share,
    high_minus_median_bp,
    indirect_share,
)
from datafeed.demand.auctions import Auction, SecurityKind

if TYPE_CHECKING:
    from datafeed.demand.auction_feed import AuctionStatus
    from datafeed.demand.book import AuctionBook
    from datafeed.store import SeriesStore

KIND_ORDER: tuple[SecurityKind, ...] = (
    SecurityKind.BILL,
    SecurityKind.CMB,
    SecurityKind.NOTE,
    SecurityKind.BOND,
    SecurityKind.TIPS,
    SecurityKind.FRN,
)
"""Order of the ``latest`` list: bills first, as Treasury's own tables go."""


def _plain(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, SecurityKind):
        return value.value
    return value


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def auction_json(auction: Auction) -> dict[str, Any]:
    """One auction: every field of the record (amounts in whole USD, rates in %), then the
    derived ``indirect_share`` / ``direct_share`` / ``dealer_share`` (0–1 of competitive
    accepted), ``bid_to_cover`` (tendered / accepted when not published),
    ``high_rate`` with ``high_rate_measure``, and ``high_minus_median_bp``."""
    out: dict[str, Any] = {f.name: _plain(getattr(auction, f.name)) for f in fields(Auction)}
    out["date"] = out["auction_date"]
    out["high_rate"] = auction.high_rate
    out["high_rate_measure"] = auction.high_rate_measure
    out["bid_to_cover"] = _round(bid_to_cover(auction), 6)
    out["indirect_share"] = _round(indirect_share(auction), 6)
    out["direct_share"] = _round(direct_share(auction), 6)
    out["dealer_share"] = _round(dealer_share(auction), 6)
    out["high_minus_median_bp"] = _round(high_minus_median_bp(auction), 4)
    return out


def _unrefreshed_status(book: AuctionBook) -> str:
    """Status of a book nobody refreshed in this run: the demo's is as fresh as the demo
    market; a kept one is ``stale``; an empty one ``missing``."""
    from datafeed.demand.demo_auctions import DEMO_SOURCE

    if not len(book):
        return "missing"
    return "fresh" if book.last_source == DEMO_SOURCE else "stale"


AUCTION_LAG_DAYS = 5
"""US business days after which the newest auction held is ``late``. Treasury auctions bills
every week (and notes most weeks), so a book whose newest auction is more than a week of
business days old has missed auctions: its ``fresh`` (the fetch worked) must not read as
current data."""


def auctions_late(book: AuctionBook, today: dt.date) -> bool:
    """True when the newest auction held is older than :data:`AUCTION_LAG_DAYS` business days
    (SIFMA calendar); an empty book is not late, it is ``missing``."""
    from datafeed.market_calendar import is_late

    newest = book.newest_date
    return newest is not None and is_late(newest, today, AUCTION_LAG_DAYS, "us")


def auctions_json(
    book: AuctionBook | None, state: AuctionStatus | None, today: dt.date | None = None
) -> dict[str, Any]:
    """The ``auctions`` object (see the module docstring); ``today`` (default: today in UTC)
    dates the ``late`` flag."""
    if book is None:
        return {
            "status": "missing",
            "source": None,
            "count": 0,
            "latest": [],
            "error": "no auction book in this run",
            "late": False,
        }
    latest = book.latest_by_kind()
    when = today or dt.datetime.now(dt.UTC).date()
    out: dict[str, Any] = {
        "status": state.status.value if state is not None else _unrefreshed_status(book),
        "source": (state.source if state is not None else None) or book.last_source,
        "last_success": book.last_success.isoformat(timespec="seconds") if book.last_success else None,
        "error": state.last_error if state is not None else None,
        "count": len(book),
        "newest_date": book.newest_date.isoformat() if book.newest_date else None,
        "latest": [auction_json(latest[k]) for k in KIND_ORDER if k in latest],
        "late": auctions_late(book, when),
    }
    if state is not None and state.notes:
        out["notes"] = list(state.notes)
    return out


def _months_before(store: SeriesStore, inst_id: str, day: dt.date, months: int) -> float | None:
    """The value of the month ``months`` before ``day`` (monthly series dated the 1st), or None."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    target = dt.date(year, month + 1, 1)
    series = store.series(inst_id)
    if not len(series):
        return None
    import pandas as pd

    ts = pd.Timestamp(target)
    if ts not in series.index:
        return None
    value = float(series[ts])
    return None if value != value else value


def _level(store: SeriesStore, inst_id: str, today: dt.date, *, monthly: bool) -> dict[str, Any] | None:
    from datafeed.market_calendar import instrument_is_late

    latest = store.latest(inst_id)
    st = store.state[inst_id]
    if latest is None:
        return {"id": inst_id, "date": None, "value": None, "status": st.status.value, "error": st.last_error}
    entry: dict[str, Any] = {
        "id": inst_id,
        "name": store.catalog[inst_id].name,
        "date": latest.date.isoformat(),
        "value": round(latest.value, 3),
        "unit": store.catalog[inst_id].unit,
        "source": latest.source,
        "status": st.status.value,
        "late": instrument_is_late(inst_id, latest.date, today, latest.source),
    }
    if monthly:
        for months, key in ((1, "change_1m"), (12, "change_12m")):
            before = _months_before(store, inst_id, latest.date, months)
            entry[key] = None if before is None else round(latest.value - before, 3)
    return entry


def holders_json(store: SeriesStore, today: dt.date) -> dict[str, Any]:
    """The ``holders`` object: countries (largest first), totals and custody, each dated and sourced.

    Changes are in USD bn against the month 1 and 12 months before the country's own newest
    month (None when that month is not held).
    """
    countries = []
    for key, _row, name in TIC_HOLDERS:
        inst_id = f"tic_{key}"
        if inst_id not in store.catalog:
            continue
        entry = _level(store, inst_id, today, monthly=True)
        if entry is not None and entry["value"] is not None:
            entry["country"] = name
            countries.append(entry)
    countries.sort(key=lambda e: -e["value"])
    dates = [e["date"] for e in countries]
    out: dict[str, Any] = {
        "unit": "USD bn",
        "month": max(dates) if dates else None,
        "countries": countries,
    }
    for key, inst_id, monthly in (
        ("total", "tic_total", True),
        ("official", "tic_official", True),
        ("custody", "custody_official", False),
    ):
        out[key] = _level(store, inst_id, today, monthly=monthly) if inst_id in store.catalog else None
    return out


__all__ = ["KIND_ORDER", "auction_json", "auctions_json", "holders_json"]
