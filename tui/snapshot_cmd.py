"""Provides ``triffin snapshot``: collect once, print as table, JSON or CSV, exit."""

from __future__ import annotations

import asyncio
import csv
import json
import sys
from typing import Any

from datafeed.snapshot import build_document, collect
from tui.config import Config


def run_snapshot(config: Config, *, fmt: str, demo: bool, offline: bool, timeout: float) -> int:
    """Run the snapshot pipeline and print it; returns the exit code (0 or 1)."""
    collected = asyncio.run(
        collect(config.feed, config.cache_dir, demo=demo, offline=offline, timeout=timeout)
    )
    doc = build_document(collected)
    if fmt == "json":
        json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    elif fmt == "csv":
        write_csv(doc)
    else:
        print_tables(doc)
    for warning in doc.get("warnings", []):
        print(f"triffin: warning: {warning}", file=sys.stderr)
    return 1 if collected.failed else 0


CSV_FIELDS = ("id", "name", "unit", "source", "date", "value", "change", "change_unit", "status", "late", "error")


def write_csv(doc: dict[str, Any]) -> None:
    """One row per series, columns ``CSV_FIELDS``."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for inst_id, s in doc["series"].items():
        row = {"id": inst_id, **s}
        writer.writerow(["" if row.get(f) is None else row.get(f) for f in CSV_FIELDS])


def print_tables(doc: dict[str, Any]) -> None:
    """Rich tables; meaning never rides on colour alone (NO_COLOR is respected by Rich)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    title = f"triffin {doc['triffin']} — {doc['mode'].upper()} — as of {doc['as_of']}"
    if doc["mode"] == "demo":
        title += "  [DEMO: synthetic data, not market prices]"
    table = Table(title=title, title_justify="left")
    for col, justify in (("id", "left"), ("name", "left"), ("last", "right"), ("chg", "right"),
                         ("date", "left"), ("status", "left"), ("source", "left")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for inst_id, s in doc["series"].items():
        value = "—" if s["value"] is None else f"{s['value']:,.4g}" if abs(s["value"]) >= 1000 else f"{s['value']:.3f}"
        change = ""
        if s.get("change") is not None:
            mark = "▲" if s["change"] > 0 else "▼" if s["change"] < 0 else "="
            change = f"{mark}{s['change']:+.2f}{s.get('change_unit', '')}"
        status = s["status"] + (" LATE" if s.get("late") else "")
        if s.get("error"):
            status += f" ({s['error'][:40]})"
        table.add_row(inst_id, s["name"], value, change, s["date"] or "—", status, s["source"] or "—")
    console.print(table)
