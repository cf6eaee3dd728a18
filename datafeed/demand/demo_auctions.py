"""Provides the demo market's auction book: synthetic Treasury auctions, labelled as such.

SYNTHETIC: every record is invented, its ``source`` is ``demo`` and its CUSIP starts with
``DEMO``, so it can never pass for a TreasuryDirect result; screens and JSON say DEMO as for
every demo value. Why a demo book at all: ``triffin --demo`` must show every screen (the
Auctions screen, the auction signals and the crisis check) working without a network.

The calendar is a simplified version of Treasury's: 13- and 26-week bills every Monday,
52-week bills every fourth week, 2/5/7-year notes near the month's end, 3/10/30-year notes and
bonds in the second week (20-year in the third), a 10-year TIPS and a 2-year FRN every month,
for three years up to ``end``. Values are deterministic in (seed, date).
"""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np

from datafeed.demand.auctions import Auction, SecurityKind
from datafeed.demand.book import AuctionBook

DEMO_SOURCE = "demo"

_COUPONS: tuple[tuple[SecurityKind, str, str, int, int, float, float], ...] = (
    # kind, original term, tenor, day of month, offering USD bn, indirect mean, base yield %
    (SecurityKind.NOTE, "2-Year", "2y", 24, 69, 0.66, 4.0),
    (SecurityKind.NOTE, "3-Year", "3y", 8, 58, 0.64, 3.9),
    (SecurityKind.NOTE, "5-Year", "5y", 25, 70, 0.68, 3.95),
    (SecurityKind.NOTE, "7-Year", "7y", 26, 44, 0.69, 4.1),
    (SecurityKind.NOTE, "10-Year", "10y", 10, 42, 0.70, 4.3),
    (SecurityKind.BOND, "20-Year", "20y", 18, 16, 0.66, 4.7),
    (SecurityKind.BOND, "30-Year", "30y", 11, 25, 0.65, 4.8),
    (SecurityKind.TIPS, "10-Year", "10y", 17, 19, 0.72, 1.9),
    (SecurityKind.FRN, "2-Year", "2y", 23, 28, 0.60, 0.15),
)

_BILLS: tuple[tuple[str, str, int, int, float], ...] = (
    # original term, tenor, every n weeks, offering USD bn, base investment rate %
    ("13-Week", "13w", 1, 82, 3.7),
    ("26-Week", "26w", 1, 72, 3.65),
    ("52-Week", "52w", 4, 48, 3.55),
)


def _rng(seed: int, *key: object) -> np.random.Generator:
    digest = hashlib.sha256(repr((seed, *key)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _business(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _split(rng: np.random.Generator, competitive: int, indirect_mean: float) -> tuple[int, int, int]:
    """(dealer, direct, indirect) adding up to ``competitive``, as published results do."""
    indirect = float(np.clip(rng.normal(indirect_mean, 0.05), 0.3, 0.9))
    direct = float(np.clip(rng.normal(0.18, 0.04), 0.02, 0.4))
    dealer = max(0.02, 1.0 - indirect - direct)
    total = indirect + direct + dealer
    ind = round(competitive * indirect / total, -3)
    dirc = round(competitive * direct / total, -3)
    return competitive - int(ind) - int(dirc), int(dirc), int(ind)


def _coupon(seed: int, spec: tuple[SecurityKind, str, str, int, int, float, float], day: dt.date) -> Auction:
    kind, term, tenor, _dom, offering_bn, indirect_mean, base = spec
    rng = _rng(seed, kind.value, tenor, day.isoformat())
    offering = offering_bn * 1_000_000_000
    competitive = int(offering * 0.985)
    dealer, direct, indirect = _split(rng, competitive, indirect_mean)
    btc = round(float(np.clip(rng.normal(2.55, 0.15), 1.9, 3.4)), 2)
    months = (day.year - 2020) * 12 + day.month
    level = base + 0.3 * np.sin(months / 9.0) + float(rng.normal(0, 0.05))
    spread = abs(float(rng.normal(0.03, 0.015)))
    accepted = offering + int(rng.integers(0, 50)) * 1_000_000
    fields: dict[str, object] = {
        "bid_to_cover": btc,
        "offering_amount": offering,
        "total_accepted": accepted,
        "total_tendered": round(accepted * btc, -3),
        "competitive_accepted": competitive,
        "primary_dealer_accepted": dealer,
        "direct_bidder_accepted": direct,
        "indirect_bidder_accepted": indirect,
    }
    if kind is SecurityKind.FRN:
        fields.update(high_discount_margin=round(level, 4), average_median_discount_margin=round(level - spread, 4))
    else:
        fields.update(high_yield=round(level, 3), average_median_yield=round(level - spread, 3))
    cusip = f"DEMO{kind.value[:1]}{tenor.upper()}{day:%y%m}"[:9]
    return Auction(
        cusip=cusip,
        kind=kind,
        auction_date=day,
        term=term,
        original_term=term,
        tenor=tenor,
        issue_date=day + dt.timedelta(days=7),
        source=DEMO_SOURCE,
        **fields,  # type: ignore[arg-type]
    )


def _bill(seed: int, spec: tuple[str, str, int, int, float], day: dt.date) -> Auction:
    term, tenor, _every, offering_bn, base = spec
    rng = _rng(seed, "Bill", tenor, day.isoformat())
    offering = offering_bn * 1_000_000_000
    competitive = int(offering * 0.93)
    dealer, direct, indirect = _split(rng, competitive, 0.62)
    btc = round(float(np.clip(rng.normal(2.9, 0.2), 2.2, 3.8)), 2)
    weeks = (day - dt.date(2020, 1, 6)).days // 7
    investment = base + 0.25 * np.sin(weeks / 40.0) + float(rng.normal(0, 0.02))
    discount = investment - 0.08
    spread = abs(float(rng.normal(0.02, 0.01)))
    accepted = offering + int(rng.integers(0, 200)) * 1_000_000
    return Auction(
        cusip=f"DEMOB{tenor.upper()}{day:%m%d}"[:9],
        kind=SecurityKind.BILL,
        auction_date=day,
        term=term,
        original_term=term,
        tenor=tenor,
        issue_date=day + dt.timedelta(days=3),
        high_discount_rate=round(discount, 3),
        high_investment_rate=round(investment, 3),
        average_median_discount_rate=round(discount - spread, 3),
        bid_to_cover=btc,
        offering_amount=offering,
        total_accepted=accepted,
        total_tendered=int(round(accepted * btc, -3)),
        competitive_accepted=competitive,
        primary_dealer_accepted=dealer,
        direct_bidder_accepted=direct,
        indirect_bidder_accepted=indirect,
        source=DEMO_SOURCE,
    )


def demo_auctions(end: dt.date, years: int = 3, seed: int = 7) -> list[Auction]:
    """Synthetic auctions from ``years`` before ``end`` up to ``end`` (see the module docstring)."""
    start = dt.date(end.year - years, end.month, 1)
    out: list[Auction] = []
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        for spec in _COUPONS:
            day = _business(month.replace(day=min(spec[3], 28)))
            if start <= day <= end:
                out.append(_coupon(seed, spec, day))
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    monday = start + dt.timedelta(days=(7 - start.weekday()) % 7)
    week = 0
    while monday <= end:
        for bill in _BILLS:
            if week % bill[2] == 0:
                out.append(_bill(seed, bill, monday))
        monday += dt.timedelta(days=7)
        week += 1
    return out


def demo_book(end: dt.date, now: dt.datetime | None = None) -> AuctionBook:
    """The demo market's book, its auctions up to ``end`` (SYNTHETIC, source ``demo``)."""
    book = AuctionBook(demo_auctions(end))
    book.last_source = DEMO_SOURCE
    book.last_success = now
    return book


__all__ = ["DEMO_SOURCE", "demo_auctions", "demo_book"]
