"""``triffin export`` of auction series: read from the auction book kept in the cache (or the
demo's synthetic book with ``--demo``), one value per auction day, in the measure's unit."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from datafeed.demand.auctions import Auction, SecurityKind
from datafeed.demand.book import AuctionBook
from tests.test_cli import run


def auction(day: str, indirect: int, competitive: int = 40_000_000_000) -> Auction:
    return Auction(
        cusip=f"91282X{day[5:7]}{day[8:9]}",
        kind=SecurityKind.NOTE,
        auction_date=dt.date.fromisoformat(day),
        term="10-Year",
        original_term="10-Year",
        tenor="10y",
        bid_to_cover=2.5,
        competitive_accepted=competitive,
        indirect_bidder_accepted=indirect,
        primary_dealer_accepted=competitive - indirect - 5_000_000_000,
        direct_bidder_accepted=5_000_000_000,
    )


def test_export_reads_auction_series_from_the_cached_book(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    book = AuctionBook([auction("2026-09-09", 28_000_000_000), auction("2026-10-08", 26_000_000_000)])
    book.save(cache)
    env = {"TRIFFIN_CACHE_DIR": str(cache)}
    r = run(["export", "auction_indirect_10y,auction_bid_to_cover_10y", "--format", "csv"], env)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(x["date"], float(x["auction_indirect_10y"])) for x in rows] == [("2026-09-09", 70.0), ("2026-10-08", 65.0)]
    assert {x["auction_bid_to_cover_10y"] for x in rows} == {"2.5"}
    doc = json.loads(run(["export", "auction_indirect_10y", "--format", "json"], env).stdout)
    assert "%" in json.dumps(doc)  # the measure's unit rides along
    missing = run(["export", "auction_dealer_30y"], env)
    assert missing.returncode == 1 and "auction_dealer_30y" in missing.stderr
    unknown = run(["export", "auction_bogus_10y"], env)
    assert unknown.returncode == 2 and "unknown id 'auction_bogus_10y'" in unknown.stderr


def test_export_demo_auction_series_is_labelled(tmp_path: Path) -> None:
    r = run(["export", "--demo", "auction_indirect_30y"], {"TRIFFIN_CACHE_DIR": str(tmp_path / "cache")})
    assert r.returncode == 0, r.stderr
    assert "DEMO" in r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) > 20 and {x["mode"] for x in rows} == {"demo"}
