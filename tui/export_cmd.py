"""Provides ``triffin export IDS... [--since DATE] [--format csv|json] [--aligned] [--demo]``.

Reads what is held — the disk cache (no network: export must be fast and scriptable), or
the demo history with ``--demo`` — and writes the series as CSV or JSON to stdout (the
shapes are documented in :mod:`datafeed.export`). Ids may be instrument ids, formula
ids from the config, or auction series ids (``auction_indirect_10y``: a measure of a security
line on its auction days, read from the auction book kept in the cache, or the demo's
synthetic book), separated by spaces or commas. Only official end-of-day values are
exported, never provisional intraday quotes.

Exit codes: 0 every id had data; 1 some id had none (the output is still written, its
column empty, and stderr says which); 2 usage or config error, such as an unknown id.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from datafeed.store import SeriesStore
from tui.config import Config

if TYPE_CHECKING:
    import pandas as pd


def split_ids(raw: Sequence[str]) -> list[str]:
    """``["ust10y,vix", "spx"]`` → ``["ust10y", "vix", "spx"]`` (duplicates dropped, order kept)."""
    out: list[str] = []
    for item in raw:
        for part in item.split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def _auction_series(config: Config, demo: bool) -> dict[str, pd.Series]:
    """Every auction series of the book held: the cache's ``auctions.json``, or the demo's synthetic one."""
    from datafeed.demand.auction_series import auction_series

    if demo:
        from datafeed.demand.demo_auctions import demo_book
        from datafeed.monitor import demo_history_end

        book = demo_book(demo_history_end(dt.date.today()))
    else:
        from datafeed.demand.book import AuctionBook

        warnings: list[str] = []
        book = AuctionBook.load(config.cache_dir, warnings)
        for warning in warnings:
            print(f"triffin: warning: {warning}", file=sys.stderr)
    return auction_series(book.auctions)


def _auction_unit(series_id: str, units: Mapping[str, str]) -> str:
    from datafeed.demand.auction_series import SERIES_PATTERN

    match = SERIES_PATTERN.match(series_id)
    return units.get(match.group("measure"), "") if match else ""


def run_export(
    config: Config,
    ids: Sequence[str],
    *,
    since: dt.date | None = None,
    fmt: str = "csv",
    aligned: bool = False,
    demo: bool = False,
) -> int:
    """Write the export to stdout; returns the exit code."""
    from datafeed.export import export_frame, frame_to_json, write_csv

    wanted = split_ids(ids)
    catalog = config.catalog  # built-ins and the config's [[instruments]]
    formulas = {f.id: f for f in config.formulas}
    from datafeed.demand.auction_series import UNITS, is_auction_series

    known = [*catalog, *formulas, "auction_<measure>_<line>"]
    unknown = [i for i in wanted if i not in catalog and i not in formulas and not is_auction_series(i)]
    if not wanted:
        print("triffin export: name at least one id", file=sys.stderr)
        return 2
    if unknown:
        print(f"triffin export: unknown id '{unknown[0]}' (known: {', '.join(known)})", file=sys.stderr)
        return 2
    store = SeriesStore(catalog)
    if demo:
        from datafeed.demo import load_demo
        from datafeed.labels import DEMO_MODE, DEMO_NOTICE

        load_demo(store)
        mode = DEMO_MODE
        print(f"triffin export: {DEMO_NOTICE}", file=sys.stderr)  # the person at the terminal
    else:
        from datafeed.cache import DiskCache

        cache = DiskCache(config.cache_dir)
        cache.load_into(store)
        for warning in cache.warnings:
            print(f"triffin: warning: {warning}", file=sys.stderr)
        mode = "cache"
    series = {i: store.official(i) for i in store.catalog if store.has_data(i)}
    if any(is_auction_series(i) for i in wanted):
        series.update(_auction_series(config, demo))
    if any(i in formulas for i in wanted):
        from datafeed.formulas import evaluate_all

        series.update(evaluate_all(config.formulas, series))
    # A user instrument's frequency is known only to the catalog in force; built-ins keep
    # the frame's rule (declared or observed, the lower wins: a monthly Bund fallback).
    frequencies = {i: catalog[i].frequency for i in wanted if i in catalog and catalog[i].user}
    frame = export_frame(series, wanted, since=since, aligned=aligned, frequencies=frequencies)
    units = {
        i: catalog[i].unit if i in catalog else formulas[i].unit if i in formulas else _auction_unit(i, UNITS)
        for i in wanted
    }
    try:
        if fmt == "json":
            json.dump(frame_to_json(frame, aligned=aligned, mode=mode, units=units, since=since), sys.stdout)
            sys.stdout.write("\n")
        else:
            write_csv(frame, sys.stdout, mode=mode)
        sys.stdout.flush()
    except BrokenPipeError:  # `triffin export ... | head` is fine
        return 0
    empty = [i for i in wanted if frame[i].isna().all()]
    if empty:
        where = "the demo feed" if demo else f"the cache ({config.cache_dir})"
        print(f"triffin export: no data in {where} for {', '.join(empty)}", file=sys.stderr)
        return 1
    return 0
