"""Provides the Deutsche Bundesbank SDMX web service provider (``[sources.bundesbank]``).

Endpoint (keyless), one series per request in the Bank's own CSV dialect (BBK-CSV)::

    {base_url}/rest/data/{flow}/{key}?format=csv&lang=en&startPeriod=YYYY-MM-DD

The catalog stores a series as ``flow.key`` (``BBSIS.D.I.ZST.ZI.EUR.S1311.B.A604.R10XX.R.A.A._Z._Z.A``
is the daily 10-year yield of listed Federal securities from the Svensson term structure);
the flow is everything before the first dot.

Format quirks handled by :func:`parse_bbk_csv` (see the wire notes, section B):

- UTF-8 **with a BOM**, which breaks naive header matching;
- the German default is **semicolon**-separated with a **decimal comma** (``3;2,75``);
  ``lang=en`` has been reported as comma-separated with a decimal point — both are read;
- a **variable preamble** (series key, title, decimals, unit, time format, last update)
  whose length changes, so the data start at the first row whose first cell is a period;
- periods are ``YYYY-MM-DD`` (daily) or ``YYYY-MM`` (monthly; dated the 1st, as FRED does);
- daily series list weekends and holidays with the value ``.`` and the flag
  ``No value available`` / ``Kein Wert vorhanden``; those are missing, not zero;
- rows are oldest first;
- the preamble declares the period (``Format der Zeitangabe;P1M`` / ``Time format code,P1D``):
  a body whose period is not the catalog's frequency for the target is refused, never stored
  as daily (the monthly series has the same layout).

Units: percent per annum.

Licence: Deutsche Bundesbank statistics may be reused under the Bundesbank's terms of use
with the source credited: "Source: Deutsche Bundesbank".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote

from datafeed.catalog import SourceRef
from datafeed.errors import ParseError
from datafeed.lazy_re import LazyPattern
from datafeed.providers.base import Provider, Target
from datafeed.sanitize import clean_line

if TYPE_CHECKING:  # the network stack and the parsing records load only when they are used
    from datafeed.http import HttpContext
    from datafeed.models import Fetched, RawPoint

MISSING_VALUES = frozenset({"", ".", "-", "NaN"})
"""Value cells that mean "no value" (``.`` is what the service writes on non-trading days)."""

MISSING_FLAGS = ("no value available", "kein wert vorhanden")
"""Flag texts that mark a value as absent whatever the value cell says."""

_PERIOD = LazyPattern(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")

PERIOD_LABELS = ("format der zeitangabe", "time format code")
"""Preamble labels (German, English) of the row declaring the series' period (``P1D`` ...)."""

FREQUENCY_OF_PERIOD = {"P1D": "daily", "P1W": "weekly", "P1M": "monthly", "P3M": "quarterly", "P1Y": "annual"}
"""The catalog frequency an ISO 8601 period code declares."""


def split_series(code: str) -> tuple[str, str]:
    """Split a catalog code ``FLOW.KEY`` into the flow and the series key.

    Raises:
        ValueError: the code has no dot.
    """
    flow, sep, key = code.partition(".")
    if not sep or not flow or not key:
        raise ValueError(f"bundesbank series {code!r} is not FLOW.KEY")
    return flow, key


def _period(text: str) -> dt.date | None:
    """The date of a period cell, or None when the cell is not a period (a preamble row)."""
    m = _PERIOD.match(text.strip())
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _number(cell: str) -> float:
    """Read ``2,75`` (German) or ``2.75`` (English); a comma is always the decimal mark."""
    cell = cell.strip()
    if "," in cell:
        cell = cell.replace(".", "").replace(",", ".")
    return float(cell)


def _delimiter(text: str) -> str:
    """``;`` for the German dialect, ``,`` for the English one, judged on the header line."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") >= first.count(",") and ";" in first else ","


def _check_period(rows: list[list[str]], expected: str, series: str | None) -> None:
    """Refuse a body whose period is not the ``expected`` catalog frequency.

    Why: the monthly series has the daily one's layout; stored as daily, a month-on-month
    move would read as a one-day change and 63 months as "the last 63 days". The body's
    own ``Format der Zeitangabe``/``Time format code`` row decides; without one, periods
    written ``YYYY-MM`` are monthly and cannot serve a daily or weekly series.

    Raises:
        ParseError: ``bundesbank: answer is monthly (P1M), expected daily for <series>``.
    """
    declared: str | None = None
    for row in rows:
        if len(row) >= 2 and row[0].strip().lower() in PERIOD_LABELS:
            declared = row[1].strip().upper()
            break
    if declared is not None:
        got = FREQUENCY_OF_PERIOD.get(declared, declared)
        shown = f"{got} ({declared})" if got != declared else f"of period {declared}"
    else:
        monthly = any(len(r) and _PERIOD.match(r[0].strip()) and r[0].strip().count("-") == 1 for r in rows)
        if not monthly or expected not in ("daily", "weekly"):
            return
        got, shown = "monthly", "monthly (YYYY-MM periods)"
    if got != expected:
        what = f" for {clean_line(series)}" if series else ""
        raise ParseError(f"bundesbank: answer is {clean_line(shown, 60)}, expected {expected}{what}")


def parse_bbk_csv(body: bytes | str, series: str | None = None, frequency: str | None = None) -> list[RawPoint]:
    """Parse a BBK-CSV body into the points of one series.

    Args:
        body: the response body (bytes are decoded as UTF-8, BOM stripped).
        series: the series key whose column to read, as in the first header row
            (``BBSIS.D.I...``); the first value column when None or not found.
        frequency: the catalog frequency the caller expects (``daily`` ...); a body
            declaring another period is refused. None skips the check.

    Returns:
        Points sorted oldest first; ``.``/empty values and rows flagged
        ``No value available`` are left out. A body with a preamble but no rows gives ``[]``.

    Raises:
        ParseError: the body is not BBK-CSV (HTML, XML or JSON error pages, no
            separator), its period is not ``frequency``, or a value cell is neither a
            number nor a missing marker.
    """
    import csv  # parsing modules load when a parse runs, not with the registry
    import io

    from datafeed.models import RawPoint

    text = body.decode("utf-8-sig", errors="replace") if isinstance(body, bytes) else body
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError("bundesbank: empty body")
    head = text.lstrip()[:1]
    if head in "<{":
        raise ParseError("bundesbank: got XML/HTML/JSON instead of BBK-CSV (unknown series key?)")
    delimiter = _delimiter(text)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows or len(rows[0]) < 2:
        raise ParseError("bundesbank: no separator in the header line; not BBK-CSV")
    if frequency is not None:
        _check_period(rows, frequency, series)

    column = 1
    if series:
        header = [c.strip() for c in rows[0]]
        for i, cell in enumerate(header):
            if i and (cell == series or cell.endswith(series)) and not cell.endswith("_FLAGS"):
                column = i
                break
    points: list[RawPoint] = []
    for line, row in enumerate(rows, start=1):
        if not row:
            continue
        day = _period(row[0])
        if day is None:
            continue  # preamble (title, decimals, unit, last update ...) or a footer
        value = row[column].strip() if len(row) > column else ""
        flag = row[column + 1].strip().lower() if len(row) > column + 1 else ""
        if value in MISSING_VALUES or any(f in flag for f in MISSING_FLAGS):
            continue
        try:
            points.append(RawPoint(day, _number(value)))
        except ValueError:
            raise ParseError(f"bundesbank: line {line}: value {value!r} is not a number") from None
    points.sort(key=lambda p: p.date)
    return points


def series_url(base_url: str, code: str) -> str:
    """``{base}/rest/data/{flow}/{key}`` for a catalog code ``FLOW.KEY``."""
    flow, key = split_series(code)
    return f"{base_url}/rest/data/{quote(flow, safe='')}/{quote(key, safe='._')}"


class BundesbankProvider(Provider):
    """Daily Bund yields from the Bundesbank time-series service, one request per series.

    The daily 10Y is what makes the UST–Bund spread and its correlation with the dollar
    (the April 2025 signature) measurable; FRED only has a monthly average.
    """

    name = "bundesbank"
    short = "BBK"
    title = "Deutsche Bundesbank"
    base_url = "https://api.statistiken.bundesbank.de"
    market = "de"
    min_cadence = 3600.0

    def history_start(self, ref: SourceRef) -> dt.date:
        """2007-01-01: the whole series is one request, and this covers every crisis window."""
        return dt.date(2007, 1, 1)

    def incremental_start(self, last: dt.date, ref: SourceRef) -> dt.date:
        """Fourteen days back (monthly: four months), enough to always include published
        days across Christmas/Easter closures and to pick up revisions."""
        return last - dt.timedelta(days=14 if ref.frequency == "daily" else 120)

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Fetched]:
        """Fetch each target's series from ``since`` on.

        The service is reported to sometimes ignore ``startPeriod``; points before
        ``since`` are dropped here either way.

        Raises:
            FetchError: a request failed (an unknown key answers HTTP 404).
            ParseError: the body was not BBK-CSV.
        """
        from datafeed.models import Batch

        out: list[Fetched] = []
        for target in targets:
            code = target.ref.series
            try:
                url = series_url(self.settings.base_url, code)
            except ValueError as exc:
                raise ParseError(str(exc)) from None
            response = await http.get(
                self.settings,
                url,
                params={"format": "csv", "lang": "en", "startPeriod": since.isoformat()},
            )
            points = parse_bbk_csv(response.content, series=code, frequency=target.ref.frequency)
            out.append(Batch.from_points(target, points, since))
        return out


__all__ = ["BundesbankProvider", "parse_bbk_csv", "series_url", "split_series"]
