"""Provides the Japan Ministry of Finance JGB yield provider (``[sources.mof]``).

Endpoints (keyless), English site, every tenor of every business day in one CSV::

    {base_url}/english/policy/jgbs/reference/interest_rate/jgbcme.csv                 (current month)
    {base_url}/english/policy/jgbs/reference/interest_rate/historical/jgbcme_all.csv  (1974 → end of last month)

The history file lives in a ``historical/`` sub-folder, not next to ``jgbcme.csv`` (wire
notes section C, and every public client found uses that path); both paths can be
overridden with ``current_path`` / ``history_path`` in ``[sources.mof]``. The history
file is about 1.2 MB, so it is fetched only on a cold start or when the data held end
before the current month; steady state reads the small current-month file.

Format quirks handled by :func:`parse_jgbcme_csv` (see the wire notes, section C):

- ASCII in the English files, **Shift_JIS** (cp932) in the Japanese ones; bytes are
  decoded as UTF-8 and fall back to cp932;
- a **title line** (``Interest Rate,,,...,(Unit : %)``) before the header
  ``Date,1Y,2Y,...,30Y,40Y``, which breaks a naive ``DictReader``; the header row is found
  by its first cell (``Date``, or ``基準日`` in the Japanese file, whose ``10年`` labels
  are mapped to ``10Y``);
- dates are ``YYYY/M/D`` **without zero padding**; older and Japanese-site files use
  **era dates** (``S49.9.24`` = 1974-09-24, ``H1.1.4`` = 1989-01-04, ``R7.7.4`` =
  2025-07-04; Meiji/Taisho/Showa/Heisei/Reiwa, letter or kanji, ``元`` for year 1);
- ``-`` (exact string: **negative yields exist**, ``-0.002``) or an empty cell is missing;
  the long tenors are ``-`` before they were first issued;
- CRLF line endings, oldest first.

Units: percent per annum (compound yields of benchmark JGBs).

Licence: MOF Japan website content may be reused under the Ministry's terms of use (the
Government of Japan Standard Terms of Use, compatible with CC BY 4.0) with the source
credited: "Source: Ministry of Finance Japan, JGB interest rates (財務省 国債金利情報)".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from datafeed import __version__
from datafeed.catalog import SourceRef
from datafeed.errors import ParseError
from datafeed.lazy_re import LazyPattern
from datafeed.providers.base import ExtraKey, Provider, Target

if TYPE_CHECKING:  # the network stack and the parsing records load only when they are used
    from datafeed.http import HttpContext
    from datafeed.models import Fetched, RawPoint

CURRENT_PATH = "/english/policy/jgbs/reference/interest_rate/jgbcme.csv"
"""Current-month file under ``base_url`` (config: ``current_path``)."""

HISTORY_PATH = "/english/policy/jgbs/reference/interest_rate/historical/jgbcme_all.csv"
"""Full-history file under ``base_url`` (config: ``history_path``)."""

DEFAULT_USER_AGENT = f"Mozilla/5.0 (compatible; triffin/{__version__}; +terminal safe-asset monitor)"
"""User-Agent for this source (config: ``user_agent``).

Third-party reports say the MOF site serves an error page to tool-like User-Agents; the
``Mozilla/5.0 (compatible; ...)`` form is the conventional way for a program to look
acceptable to such filters while still naming itself (the issue asks for a User-Agent
naming triffin).
"""

MISSING = frozenset({"", "-", "－", "—", "*"})
"""Cells that mean "no value". Compared as whole strings: ``-0.002`` is a real yield."""

ERAS: dict[str, int] = {
    "M": 1867,
    "明治": 1867,
    "T": 1911,
    "大正": 1911,
    "S": 1925,
    "昭和": 1925,
    "H": 1988,
    "平成": 1988,
    "R": 2018,
    "令和": 2018,
}
"""Gregorian year of each era's year 0 (era year N is ``offset + N``; Heisei 1 = 1989)."""

JST = dt.timezone(dt.timedelta(hours=9), "JST")
"""Japan Standard Time (no daylight saving), the calendar the files are dated in."""

_WESTERN = LazyPattern(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$")
_ERA = LazyPattern(
    r"^(明治|大正|昭和|平成|令和|[MTSHR])\s*(\d{1,2}|元)\s*[./年]\s*(\d{1,2})\s*[./月]\s*(\d{1,2})\s*日?$"
)
_DIGIT = LazyPattern(r"\d")
_TENOR = LazyPattern(r"^(\d+)\s*(?:Y|YR|YEAR|YEARS|年)$", re.IGNORECASE)


def parse_mof_date(text: str) -> dt.date:
    """Read a MOF date: ``2026/4/30``, or an era date ``S49.9.24`` / ``H1.1.4`` / ``R7.7.4``.

    Why eras: the Japanese-site files and older English exports date rows in the Japanese
    calendar. ``H31.4.30`` and ``R1.5.1`` are consecutive days (the Reiwa era began on
    2019-05-01); the conversion is the era offset plus the era year.

    Raises:
        ParseError: not a date in either form, or not a calendar date.
    """
    raw = text.strip()
    m = _WESTERN.match(raw)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        e = _ERA.match(raw.upper() if raw[:1].isascii() else raw)
        if not e:
            raise ParseError(f"mof: date {text!r} is neither YYYY/M/D nor an era date like H1.1.4")
        era_year = 1 if e.group(2) == "元" else int(e.group(2))
        year, month, day = ERAS[e.group(1)] + era_year, int(e.group(3)), int(e.group(4))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ParseError(f"mof: {text!r} is not a calendar date") from None


def normalize_tenor(label: str) -> str:
    """``10Y`` for ``10Y``, ``10y`` or ``10年`` (the Japanese file's label); else the label."""
    m = _TENOR.match(label.strip())
    return f"{int(m.group(1))}Y" if m else label.strip()


def decode(body: bytes | str) -> str:
    """Decode as UTF-8 (BOM tolerated), falling back to Shift_JIS (cp932) as MOF serves it."""
    if isinstance(body, str):
        return body.lstrip("\ufeff")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("cp932", errors="replace")


def parse_jgbcme_csv(body: bytes | str, labels: Collection[str] | None = None) -> dict[str, list[RawPoint]]:
    """Parse ``jgbcme.csv`` / ``jgbcme_all.csv`` into points per tenor.

    Args:
        body: the response body, bytes (ASCII, UTF-8 or Shift_JIS) or text.
        labels: read only these (normalised) tenor columns (the history file has 15 tenors
            over 50 years; the feed wants three); None reads every column.

    Returns:
        ``{"1Y": [...], ..., "40Y": [...]}`` (labels normalised to ``NY``), points oldest
        first, missing cells left out. A header without rows gives empty lists (the
        current-month file on the first day of a month before the first fix).

    Raises:
        ParseError: no ``Date`` header row (an HTML error page, a changed layout), a
            date that cannot be read, or a value that is neither a number nor ``-``.
    """
    import csv  # parsing modules load when a parse runs, not with the registry
    import io

    from datafeed.models import RawPoint

    text = decode(body)
    if not text.strip():
        raise ParseError("mof: empty body")
    if text.lstrip().startswith("<"):
        raise ParseError("mof: got an HTML page instead of the JGB CSV (blocked User-Agent or moved file?)")
    rows = csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")))
    columns: list[str] | None = None
    out: dict[str, list[RawPoint]] = {}
    for line, row in enumerate(rows, start=1):
        if not row or not row[0].strip():
            continue
        first = row[0].strip()
        if columns is None:
            if first.lower() == "date" or first == "基準日":
                columns = [normalize_tenor(c) for c in row[1:]]
                out = {c: [] for c in columns if c}
                wanted = [(i, c) for i, c in enumerate(columns, 1) if c and (labels is None or c in labels)]
            continue  # the title line(s) before the header
        if not _DIGIT.search(first):
            continue  # a note or footer line ("※ ..."), not data
        day = parse_mof_date(first)
        for index, label in wanted:
            if index >= len(row):
                break
            cell = row[index].strip()
            if cell in MISSING:
                continue
            try:
                value = float(cell)
            except ValueError:
                raise ParseError(f"mof: line {line}: {label} value {cell!r} is not a number") from None
            out[label].append(RawPoint(day, value))
    if columns is None:
        raise ParseError("mof: no 'Date,1Y,2Y,...' header row found")
    for points in out.values():
        points.sort(key=lambda p: p.date)
    return out


def _today_jst() -> dt.date:
    return dt.datetime.now(JST).date()


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


class MofProvider(Provider):
    """Daily JGB yields (10Y, 20Y, 30Y and the rest of the curve) from MOF Japan.

    The 20Y and 30Y points are what the hedged-JGB pickup signals need; FRED has only a
    monthly 10Y.
    """

    name = "mof"
    short = "MOF"
    title = "Ministry of Finance Japan"
    base_url = "https://www.mof.go.jp"
    market = "jp"
    min_cadence = 3600.0
    extra_keys = (
        ExtraKey("user_agent", str, DEFAULT_USER_AGENT, "User-Agent sent to mof.go.jp (it refuses some clients)"),
        ExtraKey("current_path", str, CURRENT_PATH, "path of the current-month JGB yield file"),
        ExtraKey("history_path", str, HISTORY_PATH, "path of the JGB yield history file"),
    )

    def batch_key(self, ref: SourceRef) -> str:
        """One constant key: each file carries every tenor."""
        return "jgbcme"

    def history_start(self, ref: SourceRef) -> dt.date:
        """2000-01-01: the history file is one request whatever the start, so keep a long span."""
        return dt.date(2000, 1, 1)

    def incremental_start(self, last: dt.date, ref: SourceRef) -> dt.date:
        """Start so that :meth:`fetch` needs the history file only when it must.

        When ``last`` is already in the current (JST) month, the current-month file holds
        everything newer, so the start is clamped to the 1st of the month. When ``last``
        is in an earlier month, the final days of that month are only in the history file,
        and the start stays ten days before ``last`` so :meth:`fetch` reads both files.
        """
        first = _month_start(_today_jst())
        back = last - dt.timedelta(days=10)
        return max(back, first) if last >= first else back

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Fetched]:
        """Fetch the current-month file, plus the history file when ``since`` precedes this month.

        The two files overlap at month turns; the current-month value wins for a day in both.

        Raises:
            FetchError: a request failed.
            ParseError: a body was not the JGB CSV.
        """
        from datafeed.models import Batch

        base = self.settings.base_url
        headers = {"User-Agent": str(self.option("user_agent"))}
        paths: list[str] = []
        if since < _month_start(_today_jst()):
            paths.append(str(self.option("history_path")))
        paths.append(str(self.option("current_path")))
        merged: dict[str, dict[dt.date, float]] = {}
        wanted = {normalize_tenor(t.ref.series) for t in targets}  # not all 15 tenors since 1974
        for path in paths:
            response = await http.get(self.settings, f"{base}/{path.lstrip('/')}", headers=headers)
            for label, points in parse_jgbcme_csv(response.content, wanted).items():
                bucket = merged.setdefault(label, {})
                for p in points:
                    bucket[p.date] = p.value
        out: list[Fetched] = []
        for target in targets:
            label = normalize_tenor(target.ref.series)
            if merged and label not in merged:
                raise ParseError(f"mof: no column {target.ref.series!r} (file has {', '.join(merged)})")
            column = merged.get(label, {})
            days = sorted(column)
            out.append(Batch.of(target, days, [column[d] for d in days], since))
        return out


__all__ = ["MofProvider", "decode", "normalize_tenor", "parse_jgbcme_csv", "parse_mof_date"]
