"""Provides ``triffin export IDS... [--since DATE] [--format csv|json] [--aligned] [--demo]``
and ``triffin export --exhibit ID [--since DATE] [--format csv|json|svg] [--demo]``.

Reads what is held — the disk cache (no network: export must be fast and scriptable), or
the demo history with ``--demo`` — and writes the series as CSV or JSON to stdout (the
shapes are documented in :mod:`datafeed.export`). Ids may be instrument ids, formula
ids from the config, or auction series ids (``auction_indirect_10y``: a measure of a security
line on its auction days, read from the auction book kept in the cache, or the demo's
synthetic book), separated by spaces or commas. Only official end-of-day values are
exported, never provisional intraday quotes.

``--exhibit ID`` (a number 1–10 or an id such as ``credit``) writes one of the seed's
exhibits instead: CSV (``date`` then one column per chart series), JSON (the snapshot's
``exhibits`` entry plus every series with its points) or SVG (the chart and the lines under
it, as the Exhibits screen draws them). The reading goes to stderr as well.

Exit codes: 0 every id had data (an exhibit: it has a reading); 1 some id had none (the
output is still written, its column empty, and stderr says which), or the exhibit lacks an
input (stderr names it and why); 2 usage or config error, such as an unknown id.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from datafeed import __version__
from datafeed.store import SeriesStore
from tui.config import Config

if TYPE_CHECKING:
    import pandas as pd

    from datafeed.exhibit_types import ExhibitResult


def split_ids(raw: Sequence[str]) -> list[str]:
    """``["ust10y,vix", "spx"]`` → ``["ust10y", "vix", "spx"]`` (duplicates dropped, order kept)."""
    out: list[str] = []
    for item in raw:
        for part in item.split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def _held_store(config: Config, demo: bool) -> tuple[SeriesStore, str]:
    """The store export reads (the demo history, or the cache without network) and its mode."""
    store = SeriesStore(config.catalog)
    if demo:
        from datafeed.demo import load_demo
        from datafeed.labels import DEMO_MODE, DEMO_NOTICE

        load_demo(store)
        print(f"triffin export: {DEMO_NOTICE}", file=sys.stderr)  # the person at the terminal
        return store, DEMO_MODE
    from datafeed.cache import DiskCache

    cache = DiskCache(config.cache_dir)
    cache.load_into(store)
    for warning in cache.warnings:
        print(f"triffin: warning: {warning}", file=sys.stderr)
    return store, "cache"


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
    store, mode = _held_store(config, demo)
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


def run_export_exhibit(
    config: Config,
    exhibit: str,
    *,
    since: dt.date | None = None,
    fmt: str = "csv",
    demo: bool = False,
) -> int:
    """Write one exhibit to stdout; returns the exit code."""
    from dataclasses import replace

    from datafeed.exhibits import get, to_json
    from datafeed.exhibits_store import assemble_from_store
    from datafeed.sanitize import clean_line

    try:
        spec = get(exhibit)
    except KeyError as exc:
        print(f"triffin export: {clean_line(str(exc.args[0]), 300)}", file=sys.stderr)
        return 2
    store, mode = _held_store(config, demo)
    result = assemble_from_store(spec, store)
    if since is not None:
        kept = []
        for s in result.series:
            pairs = [(d, v) for d, v in zip(s.dates, s.values, strict=True) if d >= since]
            kept.append(replace(s, dates=tuple(d for d, _ in pairs), values=tuple(v for _, v in pairs)))
        result = replace(result, series=tuple(kept))
    try:
        if fmt == "json":
            json.dump(exhibit_json(result, mode, to_json(spec, result)), sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
        elif fmt == "svg":
            from tui.exhibit_svg import exhibit_svg
            from tui.exhibit_view import exhibit_view

            view = exhibit_view(spec, result, demo=mode == "demo")
            sys.stdout.write(exhibit_svg(view, demo=mode == "demo", theme=config.theme, ascii=config.ascii))
        else:
            from tui.exhibit_view import exhibit_csv

            sys.stdout.write(exhibit_csv(result, mode=mode))
        sys.stdout.flush()
    except BrokenPipeError:
        return 0
    print(
        f"triffin export: exhibit {spec.number} ({spec.id}): {clean_line(result.reading.text, None)}", file=sys.stderr
    )
    if result.reading.verdict == "n/a":
        if mode != "demo":
            where = clean_line(str(config.cache_dir), None)
            print(f"triffin export: read from the cache ({where}); run triffin once to fill it", file=sys.stderr)
        return 1
    return 0


def exhibit_json(result: ExhibitResult, mode: str, entry: dict[str, object]) -> dict[str, object]:
    """The snapshot's ``exhibits`` entry, the mode (and DEMO notice), and every chart series' points."""
    from datafeed.labels import demo_notice

    doc: dict[str, object] = {"triffin": __version__, "mode": mode}
    if notice := demo_notice(mode):
        doc["notice"] = notice
    doc["exhibit"] = entry
    doc["series"] = {
        s.id: {
            "label": s.label,
            "unit": s.unit,
            "axis": s.axis,
            "computed": s.computed,
            "source": s.source,
            "points": [[d.isoformat(), round(v, 10)] for d, v in zip(s.dates, s.values, strict=True)],
        }
        for s in result.series
    }
    return doc
