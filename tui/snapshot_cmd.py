"""Provides ``triffin snapshot``: collect once, print as table, JSON, CSV or Markdown, exit.

Every text cell may quote outside text (an upstream error, a config name): the table
renders cells as ``rich.text.Text`` (never markup), CSV and Markdown cells pass through
:func:`datafeed.sanitize.clean_line`, and Markdown also escapes what would make a link or
HTML. JSON needs nothing: ``json.dump`` escapes every control character.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from datafeed.labels import demo_notice
from datafeed.monitor import Monitor
from datafeed.sanitize import clean_line
from datafeed.snapshot import build_document, collect
from tui.config import Config
from tui.safe_text import plain_cells
from tui.session import build_monitor

if TYPE_CHECKING:
    from rich.console import Console, JustifyMethod


def run_snapshot(config: Config, *, fmt: str, demo: bool, offline: bool, timeout: float) -> int:
    """Run the snapshot pipeline and print it; returns the exit code (0 or 1)."""
    # The document evaluates formulas and measures the thesis itself: the monitor only fills the store.
    monitor: Monitor[None] = build_monitor(config, run="demo" if demo else "live", rules=(), formulas=())
    collected = asyncio.run(collect(monitor, offline=offline, timeout=timeout))
    doc = build_document(collected, formulas=config.formulas, thresholds=config.thresholds, episodes=config.episodes)
    try:
        if fmt == "json":
            json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
            sys.stdout.write("\n")
        elif fmt == "csv":
            write_csv(doc)
        elif fmt == "markdown":
            sys.stdout.write(markdown(doc))
        else:
            print_tables(doc)
        sys.stdout.flush()
    except BrokenPipeError:  # `triffin snapshot | head` is fine; no traceback, no flush error at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    for warning in doc.get("warnings", []):
        print(f"triffin: warning: {warning}", file=sys.stderr)
    if collected.empty:
        print(
            f"triffin snapshot: --offline and nothing is held in the cache ({clean_line(str(config.cache_dir), None)})",
            file=sys.stderr,
        )
    return 1 if collected.failed else 0


CSV_FIELDS = (
    "id",
    "name",
    "unit",
    "source",
    "date",
    "value",
    "change",
    "change_unit",
    "status",
    "late",
    "error",
    "mode",
)
"""Columns of ``snapshot --format csv``. ``mode`` (0.2) is the document's ``mode`` on every
row (``live``, ``offline``, ``demo``): a parser and a spreadsheet both see synthetic rows
for what they are, where a comment line would trip CSV readers."""


def write_csv(doc: dict[str, Any]) -> None:
    """One row per series, columns ``CSV_FIELDS``."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for inst_id, s in doc["series"].items():
        row = {"id": inst_id, **s, "mode": doc["mode"]}
        writer.writerow([_csv(row.get(f)) for f in CSV_FIELDS])


def demo_tag(doc: dict[str, Any], template: str = "  [{}]") -> str:
    """The demo label to add to a title or heading (empty for live data)."""
    notice = demo_notice(str(doc.get("mode", "")))
    return template.format(notice) if notice else ""


def _csv(value: object) -> object:
    """A CSV cell: numbers as they are, text as one sanitised line."""
    if value is None:
        return ""
    return clean_line(value, None) if isinstance(value, str) else value


def status_text(series: dict[str, Any]) -> str:
    """The status cell: ``fresh``, or ``LATE (fetch ok)`` when the fetch worked but the value
    is older than its source's usual lag (``fresh`` beside old data would read as current),
    ``stale LATE`` when both went wrong; then ``; treasury:10 Yr behind (2024-06-25)`` while
    the primary lags and another source filled the dates after it."""
    status = str(series.get("status", ""))
    if status == "fresh" and series.get("value") is None and series.get("rejected_reason"):
        # The source answered but validation refused every value: "fresh" beside no value
        # would read as "nothing published"; the reason is in :func:`problem_text`.
        status = "REFUSED (fetch ok)"
    if series.get("late"):
        status = "LATE (fetch ok)" if status == "fresh" else f"{status} LATE"
    behind = series.get("behind")
    if isinstance(behind, dict) and behind.get("source"):
        # The primary answers but lags: say so, or the fallback's tag in the source column
        # reads as if the primary were gone.
        status += f"; {behind['source']} behind ({behind.get('last') or 'no data'})"
    return status


def problem_text(series: dict[str, Any]) -> str:
    """What went wrong with a series, in one line: the last error with the source that
    gave it (``fred:DGS1MO: fred: HTTP 404 …``), or why its values were refused; empty
    when nothing did."""
    error = series.get("error")
    if error:
        failed = series.get("error_source")
        if not failed:
            return str(error)
        own = str(failed).partition(":")[0] + ": "  # "fred: HTTP 404 …" from fred:DGS1MO
        return f"{failed}: {str(error).removeprefix(own)}"
    reason = series.get("rejected_reason")
    if reason:
        n = int(series.get("rejected") or 0)
        return f"{n:,} value{'' if n == 1 else 's'} refused; last: {reason}"
    return ""


def clip_words(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with ``…`` when cut.

    Why not a plain slice: ``HTTP 500 Internal Server Error fro`` reads as a garbled
    message; a cut between words with an ellipsis says the rest was left out."""
    if len(text) <= limit:
        return text
    head = text[: max(1, limit - 1)]
    space = head.rfind(" ")
    if space >= limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:.(") + "…"


REASON_WIDTH = 120
"""Characters of an error or a reason the snapshot table keeps (the cell wraps): enough for
FRED's ``… The value for variable api_key is not registered …`` to keep its cause."""


def horizon_tag(series: dict[str, Any]) -> str:
    """`` 1M`` after a change that spans more than a day (the screen's rule); empty otherwise."""
    horizon = series.get("change_horizon")
    return f" {horizon}" if horizon and horizon != "1D" else ""


def regime_text(regime: dict[str, Any]) -> str:
    """``MIXED (4/8 signals eroding · 6 n/a · 8 late · 2 stale) as of 2026-07-02``.

    Why the coverage: a count alone hides how much of the evidence is missing or old (the
    screen's header says the same; zero counts are left out).
    """
    parts = [f"{regime.get('eroding', 0)}/{regime.get('available', 0)} signals eroding"]
    stale = regime.get("stale") or []
    for n, word in ((regime.get("na", 0), "n/a"), (regime.get("late", 0), "late"), (len(stale), "stale")):
        if n:
            parts.append(f"{n} {word}")
    text = f"{regime.get('verdict', '')} ({' · '.join(parts)})"
    if regime.get("as_of"):
        text += f" as of {regime['as_of']}"
    return text


def freshness_text(signal: dict[str, Any]) -> str:
    """A signal's age and marks: ``149bd LATE STALE`` (empty when n/a)."""
    if signal.get("age") is None:
        return "LATE" if signal.get("late") and signal.get("value") is not None else ""
    marks = [f"{signal['age']}bd"]
    if signal.get("late"):
        marks.append("LATE")
    if signal.get("stale"):
        marks.append("STALE")
    return " ".join(marks)


def print_tables(doc: dict[str, Any]) -> None:
    """Rich tables; meaning never rides on colour alone (NO_COLOR is respected by Rich)."""
    from rich.console import Console
    from rich.table import Table

    # Piped output is not a terminal: give the tables room rather than wrapping every cell.
    console = Console(width=None if sys.stdout.isatty() else 160)
    title = f"triffin {doc['triffin']} — {doc['mode'].upper()} — as of {doc['as_of']}" + demo_tag(doc)
    table = Table(title=title, title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("id", "left"),
        ("name", "left"),
        ("last", "right"),
        ("chg", "right"),
        ("date", "left"),
        ("status", "left"),
        ("source", "left"),
    )
    for col, justify in columns:
        table.add_column(col, justify=justify)
    for inst_id, s in doc["series"].items():
        value = "—" if s["value"] is None else f"{s['value']:,.4g}" if abs(s["value"]) >= 1000 else f"{s['value']:.3f}"
        change = ""
        if s.get("change") is not None:
            mark = "▲" if s["change"] > 0 else "▼" if s["change"] < 0 else "="
            change = f"{mark}{s['change']:+.2f}{s.get('change_unit', '')}" + horizon_tag(s)
        status = status_text(s)
        problem = problem_text(s)
        if problem:
            status += f" ({clip_words(clean_line(problem, None), REASON_WIDTH)})"
        table.add_row(
            *plain_cells(
                inst_id, s["name"], value, change, s["date"] or "—", status, s["source"] or s.get("error_source") or "—"
            )
        )
    console.print(table)
    print_signals(console, doc)
    print_crises(console, doc)


VERDICT_MARK = {"eroding": "▼ eroding", "intact": "▲ intact", "neutral": "= neutral", "n/a": "– n/a"}
RESULT_MARK = {"pass": "✓", "fail": "✗", "flat": "·", "n/a": "–"}


def print_signals(console: Console, doc: dict[str, Any]) -> None:
    """The signals with verdicts; marks carry the meaning without colour."""
    from rich.table import Table

    regime = doc.get("regime")
    if not regime:
        return
    table = Table(
        title=f"Regime: {regime_text(regime)}" + demo_tag(doc),
        title_justify="left",
    )
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("signal", "left"),
        ("value", "right"),
        ("verdict", "left"),
        ("as of", "left"),
        ("age", "left"),
        ("note", "left"),
    )
    for col, justify in columns:
        table.add_column(col, justify=justify)
    for sid, sig in doc["signals"].items():
        value = (
            "—"
            if sig["value"] is None
            else f"{sig['value']:+.2f} {sig['unit']}".replace("+", "" if sig["unit"] == "%" else "+")
        )
        note = sig.get("reason") or ""
        table.add_row(
            *plain_cells(
                sid,
                value,
                VERDICT_MARK.get(sig["verdict"], sig["verdict"]),
                sig.get("as_of") or sig["date"] or "—",
                freshness_text(sig),
                clip_words(clean_line(note, None), REASON_WIDTH),
            )
        )
    console.print(table)


CRISIS_TITLE = "Crisis scorecard (✓ pass  ✗ fail  · flat  – n/a)"
"""Title of the crisis grid (the marks are its legend: meaning never rides on colour)."""


def crisis_grid(crises: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of the crisis grid: one row per episode (name, window, a change and a
    mark per check, the verdict), as the table and the Markdown both show it."""
    from datafeed.crises import CHECKS

    checks = list(crises[0]["checks"])
    rows: list[list[str]] = []
    for row in crises:
        cells = []
        for check in checks:
            c = row["checks"].get(check) or {"result": "n/a", "change": None}
            mark = RESULT_MARK.get(c["result"], "?")
            cells.append(mark if c["change"] is None else f"{c['change']:+.1f}{c['unit']} {mark}")
        end = row["end"][5:] if row["end"][:4] == row["start"][:4] else row["end"]  # 2020-03-09→03-18
        rows.append([row["name"], f"{row['start']}→{end}", *cells, row["verdict"].upper()])
    labels = [CHECKS[c].label if c in CHECKS else c for c in checks]
    return ["episode", "window", *labels, "verdict"], rows


def crisis_notes(crises: list[dict[str, Any]]) -> list[str]:
    """``GFC: Lehman · S&P 500: n/a — no spx observation on or before start 2008-09-12``: why
    each ``n/a`` check of the grid is n/a (and the notes behind a carried value)."""
    from datafeed.crises import CHECKS

    out: list[str] = []
    for row in crises:
        for check, c in row["checks"].items():
            if not c.get("note"):
                continue
            label = CHECKS[check].label if check in CHECKS else check
            out.append(f"{row['name']} · {label}: {c['result']} — {c['note']}")
    return out


def print_crises(console: Console, doc: dict[str, Any]) -> None:
    """The crisis grid: one row per episode, the change and a pass/fail mark per check."""
    from rich.table import Table

    crises = doc.get("crises")
    if not crises:
        return
    table = Table(title=f"{CRISIS_TITLE}" + demo_tag(doc), title_justify="left")
    headers, rows = crisis_grid(crises)
    # Nine checks: cells keep their line (a header may wrap) so a row reads across.
    for i, header in enumerate(headers):
        widest = max(len(r[i]) for r in rows)
        justify = "right" if 2 <= i < len(headers) - 1 else "left"
        table.add_column(header, justify=justify, min_width=widest)  # type: ignore[arg-type]
    for cells in rows:
        table.add_row(*plain_cells(*cells))
    console.print(table)


_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`|[]<>"})
"""Backslash-escaped in Markdown cells: pipes (cell breaks), brackets (links), angle
brackets (autolinks and HTML), backticks (code spans) and the backslash itself."""


def _md(text: object) -> str:
    """A table cell: sanitised, one line (GitHub tables are one line a row), link/HTML syntax escaped."""
    return clean_line(text, None).translate(_MD_ESCAPES)


def _md_number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.4g}" if abs(value) >= 1000 else f"{value:.3f}"


def markdown(doc: dict[str, Any]) -> str:
    """The snapshot as GitHub-flavoured Markdown tables, for pasting into chat or an issue.

    Why its own renderer: Rich tables use box-drawing characters that chat apps mangle; a
    pipe table renders everywhere GFM does and stays readable as plain text. Demo output
    says DEMO in the title and in every section (the regime line and a line over each
    table), so a table pasted on its own still carries its label.
    """
    mode = str(doc.get("mode", "")).upper()
    tag = demo_tag(doc, " _({})_")
    title = f"**triffin {doc.get('triffin', '')} — {mode} — as of {doc.get('as_of', '')}**" + tag
    out = [title, ""]
    regime = doc.get("regime")
    if isinstance(regime, dict) and regime.get("verdict"):
        out += [
            "Regime: " + _md(regime_text(regime)).replace(str(regime["verdict"]), f"**{regime['verdict']}**", 1) + tag,
            "",
        ]
    if tag:
        out += [f"Series{tag}", ""]
    out += ["| id | name | last | chg | date | status | source | note |", "|---|---|--:|--:|---|---|---|---|"]
    for inst_id, s in doc.get("series", {}).items():
        change = ""
        if s.get("change") is not None:
            change = f"{s['change']:+.2f} {s.get('change_unit', '')}".rstrip() + horizon_tag(s)
        status = status_text(s)
        cells = [
            inst_id,
            s.get("name", ""),
            _md_number(s.get("value")),
            change,
            s.get("date") or "—",
            status,
            s.get("source") or s.get("error_source") or "—",
            problem_text(s),
        ]
        out.append("| " + " | ".join(_md(c) for c in cells) + " |")
    signals = doc.get("signals")
    if isinstance(signals, dict) and signals:
        out += [""] + ([f"Signals{tag}", ""] if tag else [])
        out += ["| signal | value | unit | verdict | as of | age | note |", "|---|--:|---|---|---|---|---|"]
        for sid, g in signals.items():
            value = g.get("value")
            cells = [
                sid,
                "—" if value is None else f"{value:g}",
                g.get("unit", ""),
                g.get("verdict", ""),
                g.get("as_of") or g.get("date") or "—",
                freshness_text(g),
                g.get("reason") or "",  # why n/a (the missing or too-old input), or how computed
            ]
            out.append("| " + " | ".join(_md(c) for c in cells) + " |")
    crises = doc.get("crises")
    if isinstance(crises, list) and crises:
        headers, rows = crisis_grid(crises)
        out += ["", _md(CRISIS_TITLE) + tag, ""]
        out.append("| " + " | ".join(_md(h) for h in headers) + " |")
        out.append(
            "|" + "|".join("---" if i < 2 or i == len(headers) - 1 else "--:" for i in range(len(headers))) + "|"
        )
        for cells in rows:
            out.append("| " + " | ".join(_md(c) for c in cells) + " |")
        notes = crisis_notes(crises)
        if notes:  # one block under its own label (so it carries the demo notice too)
            out += ["", f"Why a check is n/a or carried{tag}:"] + [f"- {_md(note)}" for note in notes]
    return "\n".join(out) + "\n"
