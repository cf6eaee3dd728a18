"""Provides the exhibits as the screen, ``s``, ``export --exhibit`` and the report show them.

Why a presenter of its own: an :class:`~datafeed.exhibit_types.ExhibitResult` is data-layer
types (dates, series, bands, markers); the chart widget takes plain
:class:`~widgets.chart_data.ChartData` and must not import the data layer. This module turns one
result into the chart, the lines written under it (the reading, the newest point and its
source, the claim it tests, what is missing and why, the rule), a CSV of the chart's numbers
and a markdown section, so the screen, the saved files, the export and the report say the
same thing in the same words. It needs no pandas.

The chart shows what plain lines can: every series (shares, flows and bars as lines), the
first band as the marked window (its label is written under the chart), each marker as a
one-point series in the legend (``seed: IG 82 bp (2026-02-26)``), and reference lines on
the left axis as thresholds (a right-axis reference is written under the chart instead:
the widget draws thresholds on the left scale only).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.text import Text

from datafeed.exhibit_types import ExhibitResult, ExhibitSpec, Verdict
from datafeed.labels import DEMO_MODE, DEMO_NOTICE
from datafeed.sanitize import clean_line
from widgets.chart_data import ChartData, ChartLine, ChartThreshold

VERDICT_MARK: dict[Verdict, tuple[str, str]] = {
    "consistent": ("✓", "+"),
    "not consistent": ("✗", "x"),
    "n/a": ("–", "-"),
}
"""(unicode, ASCII) mark of a reading's verdict, as the crisis grid marks pass / fail / n/a."""

VERDICT_STYLE: dict[Verdict, str] = {
    "consistent": "bold",
    "not consistent": "bold reverse",
    "n/a": "dim",
}
"""How the reading's verdict is set off; the mark and the words carry it without colour."""

VERDICT_WORDS: dict[Verdict, str] = {
    "consistent": "agrees with the note",
    "not consistent": "disagrees with the note",
    "n/a": "no reading (an input is missing)",
}
"""The verdict in the words the list and the summary use."""


@dataclass(frozen=True, slots=True)
class ExhibitLine:
    """One labelled line written under the chart.

    Attributes:
        label: ``Reading``, ``Newest``, ``Source``, ``Claim`` ... (bold on screen).
        text: the line; outside text (sources' errors) already sanitised.
        kind: ``reading`` for the verdict line (styled by verdict), else ``info``.
    """

    label: str
    text: str
    kind: str = "info"


@dataclass(frozen=True, slots=True)
class ExhibitView:
    """One exhibit ready to draw: list entry, chart and the lines under it."""

    number: int
    id: str
    title: str
    verdict: Verdict
    chart: ChartData | None
    lines: tuple[ExhibitLine, ...]
    as_of: dt.date | None

    def list_label(self, ascii: bool = False) -> str:
        """``3 ✓ The GFC: dollar up, convenience up`` for the list on the left."""
        mark = VERDICT_MARK[self.verdict][ascii]
        return f"{self.number:>2} {mark} {self.title}"


def _number(value: float, unit: str, kind: str = "line") -> str:
    """A value as the exhibit's unit reads: bp and USD bn whole, shares and indexes to one
    decimal, yields to two, exchange rates to four, correlations signed to two."""
    if unit == "bp" or unit == "USD bn":
        text = f"{value:,.0f}"
    elif unit == "corr":
        text = f"{value:+.2f}"
    elif unit.startswith("USD per") or unit.endswith(" per USD"):
        text = f"{value:.4f}"
    elif unit.startswith("% of") or unit == "index" or kind == "area" or abs(value) >= 1000:
        text = f"{value:,.1f}"
    else:
        text = f"{value:.2f}"
    return text.replace("-", "−")


def _with_unit(value: float, unit: str, kind: str = "line") -> str:
    number = _number(value, unit, kind)
    if not unit or unit == "corr":
        return number
    return f"{number} {unit}"


def chart_data(spec: ExhibitSpec, result: ExhibitResult) -> ChartData | None:
    """The exhibit's chart, or None when it has no series with a value (the text says why)."""
    drawn = [s for s in result.series if s.dates]
    if not drawn:
        return None
    axis_of = {s.id: s.axis for s in drawn}
    markers = [m for m in result.markers if m.series_id in axis_of]
    days: set[dt.date] = {d for s in drawn for d in s.dates}
    days.update(m.date for m in markers)
    x_days = sorted(days)
    index = {d: i for i, d in enumerate(x_days)}
    lines: list[ChartLine] = []
    for s in drawn:
        y: list[float | None] = [None] * len(x_days)
        for d, v in zip(s.dates, s.values, strict=True):
            y[index[d]] = v
        name = s.label if s.unit in (drawn[0].unit, "") or s.axis == "right" else f"{s.label} ({s.unit})"
        lines.append(ChartLine(name, tuple(y), axis=s.axis))
    for m in markers:
        y = [None] * len(x_days)
        y[index[m.date]] = m.value
        lines.append(ChartLine(m.label, tuple(y), axis=axis_of[m.series_id]))
    left_unit = next((s.unit for s in drawn if s.axis == "left"), "")
    right_unit = next((s.unit for s in drawn if s.axis == "right"), "")
    # A reference labelled with its own value ("0") is named by the value the chart prints anyway.
    thresholds = tuple(
        ChartThreshold(r.value, "" if r.label.strip() == f"{r.value:g}" else r.label, "neutral")
        for r in result.lines
        if r.axis == "left"
    )
    window = None
    if result.bands:
        band = result.bands[0]
        window = (band.start.isoformat(), band.end.isoformat())
    return ChartData(
        x=tuple(d.isoformat() for d in x_days),
        lines=tuple(lines),
        thresholds=thresholds,
        window=window,
        title=f"{spec.number}. {spec.title}",
        y_label=left_unit,
        y_label_right=right_unit,
    )


def _newest(result: ExhibitResult) -> str:
    """Each series' newest value and date: ``Rest of the world 29.5 % · Fed 18.0 % (2026-07-01)``."""
    parts: list[str] = []
    by_date: dict[dt.date, list[str]] = {}
    for s in result.series:
        last = s.last
        if last is None:
            continue
        day, value = last
        by_date.setdefault(day, []).append(f"{s.label} {_with_unit(value, s.unit, s.kind)}")
    for day in sorted(by_date, reverse=True):
        parts.append(f"{', '.join(by_date[day])} ({day.isoformat()})")
    return "; ".join(parts)


def view_lines(spec: ExhibitSpec, result: ExhibitResult, *, demo: bool) -> tuple[ExhibitLine, ...]:
    """What is written under the chart, most important first."""
    # "Reading", dated: the newest input may be months old (a quarterly series, a source
    # that stopped), and "now" beside it would present old data as current.
    when = f" (data of {result.as_of.isoformat()})" if result.as_of else ""
    out = [ExhibitLine("Reading", clean_line(result.reading.text, None) + when, "reading")]
    if demo:
        out.append(ExhibitLine("DEMO", "synthetic data, not market prices: this reading describes the demo feed"))
    newest = _newest(result)
    out.append(ExhibitLine("Newest", newest or "no data point: every input is missing (below)"))
    sources = ", ".join(result.sources) if result.sources else "none answered"
    out.append(ExhibitLine("Source", clean_line(sources, None)))
    out.append(ExhibitLine("Claim", f"“{spec.claim}” (seed, {spec.section})"))
    for m in result.missing:
        out.append(ExhibitLine("Missing", clean_line(m.text, None)))
    marked = [f"{b.label} {b.start.isoformat()}→{b.end.isoformat()}" for b in result.bands]
    marked += [r.label + (" (right axis)" if r.axis == "right" else "") for r in result.lines]
    if marked:
        out.append(ExhibitLine("Marked", "; ".join(marked)))
    out.append(ExhibitLine("Rule", spec.rule))
    if spec.caveat:
        out.append(ExhibitLine("Caveat", spec.caveat))
    computed = [f"{s.label} = {s.source.removeprefix('computed: ')}" for s in result.series if s.computed and s.source]
    if computed:
        out.append(ExhibitLine("Computed by triffin", "; ".join(computed)))
    for note in result.notes:
        out.append(ExhibitLine("Note", clean_line(note, None)))
    return tuple(out)


def exhibit_view(spec: ExhibitSpec, result: ExhibitResult, *, demo: bool) -> ExhibitView:
    """The list entry, chart and lines of one exhibit."""
    return ExhibitView(
        number=spec.number,
        id=spec.id,
        title=spec.title,
        verdict=result.reading.verdict,
        chart=chart_data(spec, result),
        lines=view_lines(spec, result, demo=demo),
        as_of=result.as_of,
    )


def exhibit_views(pairs: Iterable[tuple[ExhibitSpec, ExhibitResult]], *, demo: bool) -> tuple[ExhibitView, ...]:
    """Every exhibit's view, in the note's order."""
    return tuple(exhibit_view(spec, result, demo=demo) for spec, result in pairs)


def notes_text(view: ExhibitView, *, ascii: bool = False) -> Text:
    """The lines under the chart as Rich text (labels bold, the verdict set off, DEMO reversed).

    Outside text arrives sanitised in the lines and is appended as Text, never as markup.
    """
    out = Text()
    for line in view.lines:
        if out:
            out.append("\n")
        if line.kind == "reading":
            mark = VERDICT_MARK[view.verdict][ascii]
            out.append(f"{line.label}: ", style="bold")
            out.append(f" {mark} {VERDICT_WORDS[view.verdict]} ", style=VERDICT_STYLE[view.verdict])
            out.append(f"  {line.text}")
        else:
            out.append(f"{line.label}: ", style="bold reverse" if line.label == "DEMO" else "bold")
            out.append(line.text)
    if ascii:
        from widgets.glyphs import ascii_text

        plain = ascii_text(out.plain)
        if len(plain) == len(out.plain):
            out.plain = plain  # same length: the styles stay on their characters
        else:
            out = Text(plain)
    return out


# ----------------------------------------------------------------------------- CSV


def _cell(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return ""
    return repr(round(value, 10))


def exhibit_table(result: ExhibitResult) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the chart's numbers: ``date`` then one column per series id."""
    drawn = [s for s in result.series if s.dates]
    days = sorted({d for s in drawn for d in s.dates})
    index = {d: i for i, d in enumerate(days)}
    columns: list[list[float | None]] = []
    for s in drawn:
        col: list[float | None] = [None] * len(days)
        for d, v in zip(s.dates, s.values, strict=True):
            col[index[d]] = v
        columns.append(col)
    header = ["date", *(s.id for s in drawn)]
    rows = [[d.isoformat(), *(_cell(col[i]) for col in columns)] for i, d in enumerate(days)]
    return header, rows


def exhibit_csv(result: ExhibitResult, *, mode: str) -> str:
    """CSV text of the chart's numbers; demo output adds a ``mode`` column reading ``demo``.

    Same shape as ``triffin export`` (``date`` then one column per series, empty where a
    series has no value that day, and a ``mode`` column on demo rows rather than a comment
    line that would trip CSV readers).
    """
    header, rows = exhibit_table(result)
    demo = mode == DEMO_MODE
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*header, *(["mode"] if demo else [])])
    for row in rows:
        writer.writerow([*row, *([DEMO_MODE] if demo else [])])
    return out.getvalue()


# ------------------------------------------------------------------------- markdown

_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`|[]<>*_"})


def _md(text: str) -> str:
    """One sanitised line with link, HTML, emphasis and code syntax escaped."""
    return clean_line(text, None).translate(_MD_ESCAPES)


def report_markdown(pairs: Sequence[tuple[ExhibitSpec, ExhibitResult]], *, mode: str, as_of: str, version: str) -> str:
    """All the exhibits' readings as one markdown document an analyst can paste into a note.

    Each exhibit gets a heading, the claim it tests (quoted, with its section), the reading
    now with its verdict, the newest data date, the sources, and what is missing and why.
    Demo output says DEMO in the title and under every heading, so a section pasted on its
    own still carries its label.
    """
    demo = mode == DEMO_MODE
    tag = f" — {DEMO_NOTICE}" if demo else ""
    agree = sum(1 for _, r in pairs if r.reading.verdict == "consistent")
    disagree = sum(1 for _, r in pairs if r.reading.verdict == "not consistent")
    na = len(pairs) - agree - disagree
    out = [
        f"# The seed's exhibits, read on the data ({mode.upper()}, {as_of}){tag}",
        "",
        f"triffin {version}: {agree} of {len(pairs)} readings agree with the note, {disagree} disagree, "
        f"{na} cannot be read (an input is missing).",
        "",
        "| # | exhibit | reading | as of |",
        "|--:|---|---|---|",
    ]
    for spec, result in pairs:
        mark = VERDICT_MARK[result.reading.verdict][0]
        when = result.as_of.isoformat() if result.as_of else "—"
        out.append(
            f"| {spec.number} | {_md(spec.title)} | {mark} {_md(VERDICT_WORDS[result.reading.verdict])} | {when} |"
        )
    for spec, result in pairs:
        out += ["", f"## {spec.number}. {_md(spec.title)}", ""]
        if demo:
            out += [f"**{DEMO_NOTICE}.**", ""]
        out.append(f"> {_md(spec.claim)}")
        out += [">", f"> — seed note, *{_md(spec.section)}*", ""]
        mark = VERDICT_MARK[result.reading.verdict][0]
        out.append(f"- **Reading** {mark} {_md(result.reading.text)}")
        out.append(f"- **As of** {result.as_of.isoformat() if result.as_of else '— (no data)'}")
        out.append(f"- **Sources** {_md(', '.join(result.sources)) if result.sources else '— (none answered)'}")
        for m in result.missing:
            out.append(f"- **Missing** {_md(m.text)}")
        out.append(f"- **Rule** {_md(spec.rule)}")
        if spec.caveat:
            out.append(f"- **Caveat** {_md(spec.caveat)}")
    return "\n".join(out) + "\n"
