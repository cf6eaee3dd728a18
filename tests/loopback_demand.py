"""The demand-side sources of the loopback market, in their real wire formats.

:class:`tests.loopback_market.LoopbackMarket` routes TIC, Fiscal Data and TreasuryDirect
requests here (:func:`route`). The numbers are the demo market's (synthetic, for tests and
benchmarks only); the formats are the real ones: SLT Table 5 text for TIC (served for the
history path too: the parser reads either layout), the Fiscal Data envelope for Debt to the
Penny (dollars with cents as strings, newest first), and TA_WS JSON records for auctions.

Auctions follow a simple weekly calendar (a 13-week bill every Monday, a 10-year note every
Wednesday, a 30-year bond on the second Thursday of the month), held on business days up to
what the market has published, so a client polling for results sees new ones appear.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import TYPE_CHECKING

import pandas as pd

from datafeed.catalog import TIC_HOLDERS
from datafeed.market_calendar import is_business_day

if TYPE_CHECKING:
    from tests.loopback_market import LoopbackMarket

TIC_ROWS: tuple[tuple[str, str], ...] = (
    *((name if name != "Cayman Is." else "Cayman Islands", f"tic_{key}") for key, _, name in TIC_HOLDERS),
    ("Grand Total", "tic_total"),
    ("Of Which: Foreign Official", "tic_official"),
)
"""(row label as Treasury prints it, demo instrument) of the TIC table."""

MARKERS: tuple[tuple[str, str], ...] = (
    ("/TA_WS/", "treasurydirect"),
    ("/fiscal_service/", "fiscaldata"),
    ("/Publish/", "tic"),
    ("/tic/Documents/", "tic"),
)
"""Path fragments telling the demand sources apart (for request counts)."""


def tic_table(market: LoopbackMarket) -> str:
    """SLT Table 5: one header of ISO months (newest first), one row per holder."""
    frame = pd.DataFrame({label: market.series(inst) for label, inst in TIC_ROWS}).dropna(how="all")
    frame = frame.sort_index(ascending=False).iloc[:12]
    lines = [
        "Table 5: Major Foreign Holders of Treasury Securities",
        "",
        "Country\t" + "\t".join(f"{d:%Y-%m}" for d in frame.index),
    ]
    for label, _ in TIC_ROWS:
        cells = ["" if pd.isna(v) else f"{v:.1f}" for v in frame[label]]
        lines.append(f'"{label}"\t' + "\t".join(cells) if "," in label else f"{label}\t" + "\t".join(cells))
    return "\r\n".join(lines)


def debt_json(market: LoopbackMarket, query: dict[str, str]) -> str:
    """Debt to the Penny from ``filter=record_date:gte:...``, newest first, one page."""
    start = query.get("filter", "record_date:gte:1900-01-01").rsplit(":", 1)[1]
    total = market.series("debt_total_daily").loc[pd.Timestamp(start) :]
    public = market.series("debt_public_daily").reindex(total.index)
    rows = [
        {
            "record_date": f"{d:%Y-%m-%d}",
            "tot_pub_debt_out_amt": f"{t * 1e9:.2f}",
            "debt_held_public_amt": "null" if pd.isna(p) else f"{p * 1e9:.2f}",
            "intragov_hold_amt": "null" if pd.isna(p) else f"{(t - p) * 1e9:.2f}",
        }
        for d, t, p in zip(total.index[::-1], total.to_numpy()[::-1], public.to_numpy()[::-1], strict=True)
    ]
    meta = {"count": len(rows), "total-count": len(rows), "total-pages": 1}
    links = {"self": "&page%5Bnumber%5D=1", "next": None}
    return json.dumps({"data": rows, "meta": meta, "links": links}, separators=(",", ":"))


def _auction(day: dt.date, kind: str, term: str) -> dict[str, str]:
    wave = math.sin(day.toordinal() / 7.0)
    competitive = 40_000_000_000 if kind != "Bill" else 80_000_000_000
    indirect = int(competitive * (0.65 + 0.05 * wave)) // 1000 * 1000
    dealer = int(competitive * (0.15 - 0.03 * wave)) // 1000 * 1000
    rate = f"{4.2 + 0.1 * wave:.6f}"
    record = {
        "cusip": f"9128{kind[0]}{day.toordinal() % 100000:05d}"[:9],
        "type": kind,
        "securityType": "Bill" if kind == "Bill" else kind,
        "securityTerm": term,
        "originalSecurityTerm": term,
        "auctionDate": f"{day:%Y-%m-%d}T00:00:00",
        "issueDate": f"{day + dt.timedelta(days=7):%Y-%m-%d}T00:00:00",
        "reopening": "No",
        "bidToCoverRatio": f"{2.5 + 0.2 * wave:.6f}",
        "competitiveAccepted": str(competitive),
        "indirectBidderAccepted": str(indirect),
        "primaryDealerAccepted": str(dealer),
        "directBidderAccepted": str(competitive - indirect - dealer),
        "offeringAmount": str(competitive),
        "totalAccepted": str(competitive),
        "totalTendered": str(int(competitive * 2.5)),
        "highYield": "" if kind == "Bill" else rate,
        "highDiscountRate": rate if kind == "Bill" else "",
        "highInvestmentRate": rate if kind == "Bill" else "",
    }
    return record


def auctions(first: dt.date, last: dt.date) -> list[dict[str, str]]:
    """The calendar's auctions held from ``first`` to ``last``, newest first."""
    out: list[dict[str, str]] = []
    day = last
    while day >= first:
        if is_business_day(day, "us"):
            if day.weekday() == 0:
                out.append(_auction(day, "Bill", "13-Week"))
            if day.weekday() == 2:
                out.append(_auction(day, "Note", "10-Year"))
            if day.weekday() == 3 and 8 <= day.day <= 14:
                out.append(_auction(day, "Bond", "30-Year"))
        day -= dt.timedelta(days=1)
    return out


def treasurydirect_json(market: LoopbackMarket, path: str, query: dict[str, str]) -> str:
    """``auctioned?type=&days=`` or ``search?startDate=&endDate=``, up to what is published."""
    last = market.published_through
    if path.endswith("/auctioned"):
        days = int(query.get("days", "30"))
        records = [r for r in auctions(last - dt.timedelta(days=days), last) if r["type"] == query.get("type")]
    else:
        first = dt.date.fromisoformat(query.get("startDate", "2000-01-01"))
        end = min(last, dt.date.fromisoformat(query.get("endDate", "2999-12-31")))
        records = auctions(first, end)
    return json.dumps(records)


def route(market: LoopbackMarket, path: str, query: dict[str, str]) -> tuple[int, str, str] | None:
    """The demand sources' answer to one GET, or None when the path is not theirs."""
    if path.startswith("/TA_WS/securities/"):
        return 200, "application/json", treasurydirect_json(market, path, query)
    if path.endswith("/od/debt_to_penny"):
        return 200, "application/json", debt_json(market, query)
    if path.endswith("slt_table5.txt") or path.endswith("/mfhhis01.txt") or path.endswith("/mfh.txt"):
        return 200, "text/plain", tic_table(market)
    return None
