"""Provides the US Treasury daily par yield curve provider (``[sources.treasury]``).

Endpoint (keyless), one CSV per calendar year with every tenor of every business day::

    {base_url}/resource-center/data-chart-center/interest-rates/daily-treasury-rates.csv/{YEAR}/all
        ?type=daily_treasury_yield_curve&field_tdr_date_value={YEAR}&page&_format=csv

The query string is sent exactly as the Treasury's own "Download CSV" link writes it
(including the bare ``page`` flag), so a mirror or cache keyed on the published URL sees
the same request.

Format quirks handled by :func:`parse_treasury_csv` (see the wire notes, section A):

- ``Date`` is unquoted, every tenor label is quoted (``"10 Yr"``); the column *set* changes
  by year (``"4 Mo"`` only from late 2022, no ``"20 Yr"``/``"1 Mo"`` in old years) and
  within 2025 (``"1.5 Month"`` since 18 Feb 2025, spelled ``Month`` not ``Mo``), so
  columns are mapped by header name, never by position;
- dates are ``MM/DD/YYYY`` and rows are **newest first**;
- a missing tenor is an empty field (``,,``); there is no trailing newline;
- a year without rows yet (early January) may come back as a bare header or an empty body,
  which is "no data", not an error.

Units: percent per annum, bond-equivalent par yields (the same numbers FRED republishes a
day later as DGS*).

Licence: US Treasury data is a work of the US federal government and in the public domain
(17 U.S.C. § 105); credit "Source: U.S. Department of the Treasury".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from datafeed.catalog import SourceRef
from datafeed.errors import ParseError
from datafeed.lazy_re import LazyPattern
from datafeed.providers.base import ExtraKey, Provider, Target

if TYPE_CHECKING:  # the network stack and the parsing records load only when they are used
    from datafeed.http import HttpContext
    from datafeed.models import Fetched, RawPoint

CSV_PATH = "/resource-center/data-chart-center/interest-rates/daily-treasury-rates.csv"
"""Path of the yearly CSV files under ``base_url`` (the year is appended)."""

FIRST_YEAR = 1990
"""First year the daily par yield curve is published for."""

DEFAULT_HISTORY_YEARS = 4
"""Calendar years before the current one fetched on a cold start (config: ``history_years``).

Each year is one request of about 30 KB. Four past years plus the current one give more
than the 756 observations the three-year stock-bond correlation needs, in five requests;
deeper history (the 2008 crisis window) comes from the FRED fallback, which serves decades
in one request, so asking the Treasury for 25 year files on every cold start would be
impolite for no gain.
"""

MISSING = frozenset({"", "N/A", "NA", "ND", "."})
"""Cell values that mean "no value" (the CSV uses empty fields; the others are defensive)."""

_DATE = LazyPattern(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TENOR = LazyPattern(r"^\s*(\d+(?:\.\d+)?)\s*(mo|mos|month|months|yr|yrs|year|years|wk|wks|week|weeks)\s*$", re.I)
_UNIT = {"mo": "Mo", "month": "Mo", "yr": "Yr", "year": "Yr", "wk": "Wk", "week": "Wk"}


def normalize_tenor(label: str) -> str:
    """Canonical form of a tenor label, so ``"1.5 Month"`` and ``"1.5 Mo"`` compare equal.

    The Treasury abbreviates most labels (``"3 Mo"``, ``"10 Yr"``) but spelled the tenor
    added in February 2025 out (``"1.5 Month"``); normalising both sides of the lookup keeps
    a relabelled column from silently dropping out.

    Args:
        label: a CSV header cell or a catalog series code.

    Returns:
        ``"<number> Mo|Yr|Wk"``, or the stripped label when it is not a tenor.
    """
    m = _TENOR.match(label)
    if not m:
        return label.strip()
    unit = m.group(2).lower().rstrip("s")
    return f"{m.group(1)} {_UNIT[unit]}"


def _parse_date(text: str, line: int) -> dt.date:
    m = _DATE.match(text.strip())
    if not m:
        raise ParseError(f"treasury: line {line}: date {text!r} is not MM/DD/YYYY")
    month, day, year = (int(g) for g in m.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ParseError(f"treasury: line {line}: {text!r} is not a calendar date") from None


def parse_treasury_csv(body: bytes | str) -> dict[str, list[RawPoint]]:
    """Parse one daily par yield curve CSV into points per tenor column.

    Args:
        body: the response body (bytes are decoded as UTF-8; a BOM is tolerated).

    Returns:
        ``{header label: [RawPoint, ...]}`` with labels as the file spells them (``"10 Yr"``,
        ``"1.5 Month"``), points sorted oldest first, missing cells left out. A column that
        is empty all year is present with an empty list. An empty body or a bare header
        gives ``{}`` / empty lists: a new year has no rows until its first business day.

    Raises:
        ParseError: the body is not this CSV (an HTML maintenance page, a changed layout,
            a date or number that cannot be read).
    """
    import csv  # parsing modules load when a parse runs, not with the registry
    import io

    from datafeed.models import RawPoint

    text = body.decode("utf-8-sig", errors="replace") if isinstance(body, bytes) else body
    text = text.lstrip("\ufeff")
    if not text.strip():
        return {}
    if text.lstrip().startswith("<"):
        raise ParseError("treasury: got an HTML/XML page instead of the yield-curve CSV")
    rows = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(rows)]
    except csv.Error as exc:  # pragma: no cover - csv rarely raises on text
        raise ParseError(f"treasury: unreadable CSV header: {exc}") from None
    if not header or header[0].lower() != "date":
        first = header[0] if header else ""
        raise ParseError(f"treasury: first column is {first!r}, expected 'Date'")
    columns = header[1:]
    out: dict[str, list[RawPoint]] = {c: [] for c in columns if c}
    for line, row in enumerate(rows, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise ParseError(f"treasury: line {line} has {len(row)} fields, the header {len(header)}")
        day = _parse_date(row[0], line)
        for label, cell in zip(columns, row[1:], strict=False):
            cell = cell.strip()
            if not label or cell.upper() in MISSING:
                continue
            try:
                value = float(cell)
            except ValueError:
                raise ParseError(f"treasury: line {line}: {label!r} value {cell!r} is not a number") from None
            out[label].append(RawPoint(day, value))
    for points in out.values():
        points.sort(key=lambda p: p.date)  # the file is newest first
    return out


def find_column(columns: Mapping[str, list[RawPoint]], code: str) -> list[RawPoint] | None:
    """The points of the column whose label matches ``code`` (exactly, then normalised)."""
    if code in columns:
        return columns[code]
    wanted = normalize_tenor(code)
    for label, points in columns.items():
        if normalize_tenor(label) == wanted:
            return points
    return None


def year_url(base_url: str, year: int) -> str:
    """The yearly CSV URL exactly as the Treasury's download link writes it."""
    return (
        f"{base_url}{CSV_PATH}/{year}/all?type=daily_treasury_yield_curve&field_tdr_date_value={year}&page&_format=csv"
    )


def _today() -> dt.date:
    """Today in New York (UTC−5 is close enough for choosing which year files to ask)."""
    return (dt.datetime.now(dt.UTC) - dt.timedelta(hours=5)).date()


class TreasuryProvider(Provider):
    """Daily par yield curve from home.treasury.gov, every tenor from one file per year.

    Same-day official Treasury yields (published around 15:30–18:00 New York time), a day
    ahead of FRED's DGS* copies of the same numbers.
    """

    name = "treasury"
    short = "UST"
    title = "U.S. Department of the Treasury"
    base_url = "https://home.treasury.gov"
    market = "us"
    # Official end-of-day sources publish once a day; once an hour (here every half hour,
    # the curve appears late afternoon) finds a new value soon enough.
    min_cadence = 1800.0
    extra_keys = (
        ExtraKey("history_years", int, DEFAULT_HISTORY_YEARS, "years of par-curve files read on a cold start"),
    )

    def batch_key(self, ref: SourceRef) -> str:
        """One constant key: a year file carries every tenor, so all targets share a request."""
        return "daily_treasury_yield_curve"

    def history_start(self, ref: SourceRef) -> dt.date:
        """1 January ``history_years`` (default 4) years before the current year."""
        years = int(self.option("history_years"))
        return dt.date(max(FIRST_YEAR, _today().year - max(0, years)), 1, 1)

    def incremental_start(self, last: dt.date, ref: SourceRef) -> dt.date:
        """Ten days before ``last`` (late revisions), which in early January reaches back into
        the previous year so its file is fetched once more for the final December days."""
        return last - dt.timedelta(days=10)

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Fetched]:
        """Fetch the year files from ``since.year`` to the current year.

        A cold start is ``history_years + 1`` requests, a steady-state refresh one request
        (two in the first days of January). The years go out together, within the source's
        limits (its gate: at most ``max_connections`` at once, 4 by default): one after
        another they were five round trips on the cold start's critical path, and FRED's
        backfill of the older history waited for them. Every request runs to its end
        before a failure is raised. Files are merged oldest first (a later file wins a
        date both carry).

        A tenor absent from every file fetched (``"20 Yr"`` in 1990) simply yields no
        observations; only when *no* requested tenor has a column is that an error, since
        it means the layout changed.

        Raises:
            FetchError: a request failed.
            ParseError: a body was not the yield-curve CSV, or no requested tenor has a column.
        """
        import asyncio

        from datafeed.models import Batch, RawPoint

        first = max(FIRST_YEAR, since.year)
        last = max(first, _today().year)
        columns: dict[str, dict[dt.date, float]] = {}
        years = range(first, last + 1)
        answers = await asyncio.gather(
            *(http.get(self.settings, year_url(self.settings.base_url, year)) for year in years),
            return_exceptions=True,
        )
        for answer in answers:
            if isinstance(answer, BaseException):
                raise answer
        for answer in answers:
            assert not isinstance(answer, BaseException)
            for label, points in parse_treasury_csv(answer.content).items():
                bucket = columns.setdefault(label, {})
                for p in points:
                    bucket[p.date] = p.value
        merged = {label: [RawPoint(d, v) for d, v in sorted(b.items())] for label, b in columns.items()}
        unmatched = [t.ref.series for t in targets if find_column(merged, t.ref.series) is None]
        if merged and len(unmatched) == len(targets):
            # Every requested tenor is absent although the files have columns: the layout
            # changed (or the catalog codes are wrong). Say so instead of returning nothing.
            raise ParseError(
                f"treasury: no column for {', '.join(map(repr, unmatched))} (file has {', '.join(merged)})"
            )
        return [Batch.from_points(t, find_column(merged, t.ref.series) or [], since) for t in targets]


__all__ = ["TreasuryProvider", "find_column", "normalize_tenor", "parse_treasury_csv", "year_url"]
