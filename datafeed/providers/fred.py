"""Provides FRED (Federal Reserve Bank of St. Louis) series, keyless or keyed.

Keyless (default): ``GET {base_url}/graph/fredgraph.csv?id=ID&cosd=YYYY-MM-DD`` returns a
CSV whose header is ``observation_date,ID`` (``DATE,ID`` before late 2024) and whose
missing values are empty fields (``.`` in the old form). ``id=A,B,C`` (comma-separated,
as FRED's own multi-line graphs download) answers one column per series,
``observation_date,A,B,C``, a row per date any of them has, blank where one has none: the
series of one frequency are asked together, up to :data:`MAX_IDS` a request (a cold
start's 35 FRED series cost 6 requests instead of 35, each 100 ms or more away). A
batch that fails for good (an unknown id answered 404, a column missing) is split by the
feed into one request per series for the rest of the run (:attr:`Provider.separable`), so
one bad series fails alone. Keyed, when ``FRED_API_KEY`` or
config gives a key: ``GET {api_base_url}/fred/series/observations?series_id=ID&api_key=K
&file_type=json&observation_start=YYYY-MM-DD`` returns JSON whose ``value`` is a string
and ``"."`` when missing. FRED documents a limit of 120 requests a minute per key; the
source gate keeps us under it (see ``datafeed.settings``).

FRED now serves ICE BofA OAS history over a rolling ~3-year window only. Nothing here
deletes anything: the store merges, so observations FRED stops serving stay in the cache.

Terms: FRED data is provided by the Federal Reserve Bank of St. Louis; some series are
owned by third parties (ICE, S&P, Cboe, Moody's) and carry their own terms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from datafeed.catalog import SourceRef
from datafeed.errors import FetchError, ParseError
from datafeed.providers.base import ExtraKey, Provider, Target

if TYPE_CHECKING:  # the network stack and the parsing records load only when they are used
    from datafeed.http import HttpContext
    from datafeed.models import Fetched, RawPoint

MISSING = frozenset({"", "."})
"""FRED's missing-value markers: empty (current CSV) and ``.`` (old CSV, JSON)."""

DATE_HEADERS = frozenset({"observation_date", "date"})

MAX_IDS = 10
"""Most series in one keyless request: public code asks fredgraph for up to ten at once;
more series of one frequency go out as several requests (together, within the gate)."""


def _parse_value(text: str) -> float | None:
    text = text.strip()
    if text in MISSING:
        return None
    # 'nan' / 'inf' are not FRED's missing markers: they go on to the store, which refuses
    # and counts them (dropping them here would hide a broken answer).
    return float(text)


def parse_fredgraph_csv(body: str, series_id: str | None = None) -> list[RawPoint]:
    """Parse a keyless ``fredgraph.csv`` body.

    Args:
        body: the CSV text.
        series_id: the requested id; when the body has several value columns, this picks
            the column (otherwise the first value column is used).

    Returns:
        points in file order with missing values dropped.

    Raises:
        ParseError: not a FRED CSV (an HTML page, garbage, a wrong header, a bad row).
    """
    from datafeed.models import RawPoint  # parsing records load when a parse runs

    days, values = fredgraph_columns(body, series_id)
    return [RawPoint(d, v) for d, v in zip(days, values, strict=True)]


def fredgraph_columns(body: str, series_id: str | None = None) -> tuple[list[dt.date], list[float]]:
    """:func:`parse_fredgraph_csv` as two parallel lists (dates, values), without a point object
    per row: a cold start parses 25 years of ~15 series, ~100,000 rows."""
    text = body.lstrip("\ufeff")
    if not text.strip():
        raise ParseError("FRED returned an empty body")
    if text.lstrip()[:1] == "<":
        raise ParseError("FRED returned an HTML page instead of CSV")
    fast = _plain_two_columns(text, series_id)
    if fast is not None:
        return fast
    import csv  # parsing modules load when a parse needs them, not with the registry
    import io

    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if not header or len(header) < 2 or header[0].strip().lower() not in DATE_HEADERS:
        raise ParseError(f"FRED CSV has an unexpected header: {','.join(header or [])[:60]!r}")
    names = [h.strip() for h in header]
    col = names.index(series_id) if series_id and series_id in names else 1
    days: list[dt.date] = []
    values: list[float] = []
    fromisoformat = dt.date.fromisoformat
    for lineno, row in enumerate(rows, start=2):
        if not row or not "".join(row).strip():  # blank line, or only blank fields
            continue
        if len(row) <= col:
            raise ParseError(f"FRED CSV line {lineno} has {len(row)} fields, expected {col + 1}")
        try:
            day = fromisoformat(row[0].strip())
            cell = row[col].strip()
            if cell in MISSING:
                continue
            # 'nan' / 'inf' are not FRED's missing markers: they go on to the store, which
            # refuses and counts them (dropping them here would hide a broken answer).
            value = float(cell)
        except ValueError:
            raise ParseError(f"FRED CSV line {lineno} is not 'date,value': {','.join(row)[:40]!r}") from None
        days.append(day)
        values.append(value)
    return days, values


def fredgraph_table(body: str, ids: Sequence[str]) -> dict[str, tuple[list[dt.date], list[float]]]:
    """Every requested series of a keyless body as (dates, values), missing values dropped.

    One id: :func:`fredgraph_columns` (the column named after it, else the first value
    column). Several (``id=A,B,C``): each must have its own column, named after it.

    Raises:
        ParseError: not a FRED CSV, a bad row, or a requested series without a column.
    """
    if len(ids) == 1:
        return {ids[0]: fredgraph_columns(body, ids[0])}
    import csv  # parsing modules load when a parse runs, not with the registry
    import io

    text = body.lstrip("\ufeff")
    if not text.strip():
        raise ParseError("FRED returned an empty body")
    if text.lstrip()[:1] == "<":
        raise ParseError("FRED returned an HTML page instead of CSV")
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if not header or len(header) < 2 or header[0].strip().lower() not in DATE_HEADERS:
        raise ParseError(f"FRED CSV has an unexpected header: {','.join(header or [])[:60]!r}")
    names = [h.strip() for h in header]
    missing = [i for i in ids if i not in names]
    if missing:
        raise ParseError(f"FRED CSV has no column for {', '.join(missing)} (header {','.join(names)[:80]!r})")
    cols = [(sid, names.index(sid)) for sid in ids]
    out: dict[str, tuple[list[dt.date], list[float]]] = {sid: ([], []) for sid in ids}
    fromisoformat = dt.date.fromisoformat
    width = len(names)
    for lineno, row in enumerate(rows, start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) < width:
            raise ParseError(f"FRED CSV line {lineno} has {len(row)} fields, expected {width}")
        try:
            day = fromisoformat(row[0].strip())
            for sid, col in cols:
                cell = row[col].strip()
                if cell in MISSING:
                    continue
                # 'nan' / 'inf' are not FRED's missing markers: the store refuses them
                value = float(cell)
                days, values = out[sid]
                days.append(day)
                values.append(value)
        except ValueError:
            raise ParseError(f"FRED CSV line {lineno} is not 'date,values': {','.join(row)[:40]!r}") from None
    return out


def _plain_two_columns(text: str, series_id: str | None) -> tuple[list[dt.date], list[float]] | None:
    """The common body, ``date,value`` lines and nothing else, parsed without a Python loop.

    None when the body is anything else (quotes, blanks, spaces, a third column, a bad
    row...): the row-by-row parser then gives the same result, or the exact error.
    """
    text = text.replace("\r\n", "\n")
    if '"' in text or " " in text or "\t" in text or "\r" in text:
        return None
    header, _, rest = text.partition("\n")
    names = header.split(",")
    if (
        len(names) != 2
        or names[0].lower() not in DATE_HEADERS
        or (series_id and series_id in names and names[1] != series_id)
    ):
        return None
    if rest.endswith("\n"):
        rest = rest[:-1]
    if not rest:
        return [], []
    lines = rest.count("\n") + 1
    if rest.count(",") != lines or "\n\n" in rest or rest.startswith("\n"):
        return None
    cells = rest.replace("\n", ",").split(",")
    day_cells, value_cells = cells[0::2], cells[1::2]
    try:
        days = list(map(dt.date.fromisoformat, day_cells))  # every row's date is checked
        if "" in value_cells or "." in value_cells:
            kept = [(d, v) for d, v in zip(days, value_cells, strict=True) if v not in MISSING]
            days, value_cells = [d for d, _ in kept], [v for _, v in kept]
        # 'nan' / 'inf' are not FRED's missing markers: float() passes them on to the store,
        # which refuses and counts them.
        return days, list(map(float, value_cells))
    except ValueError:
        return None


def parse_observations_json(body: str) -> list[RawPoint]:
    """Parse a keyed ``fred/series/observations`` JSON body.

    Raises:
        FetchError: the body is FRED's error JSON (bad key, unknown series, rate limit).
        ParseError: the body is not FRED's JSON.
    """
    import json  # parsing modules load when a parse runs, not with the registry

    from datafeed.models import RawPoint

    try:
        doc = json.loads(body)
    except ValueError:
        raise ParseError("FRED returned a body that is not JSON") from None
    if not isinstance(doc, dict):
        raise ParseError("FRED JSON is not an object")
    if "error_code" in doc:
        code = doc.get("error_code")
        message = " ".join(str(doc.get("error_message", "")).split())
        raise FetchError(f"FRED error {code}: {message}", transient=code in (429, 500, 503))
    observations = doc.get("observations")
    if not isinstance(observations, list):
        raise ParseError("FRED JSON has no 'observations' list")
    points: list[RawPoint] = []
    for item in observations:
        try:
            day = dt.date.fromisoformat(str(item["date"]))
            value = _parse_value(str(item["value"]))
        except (KeyError, TypeError, ValueError):
            raise ParseError(f"FRED JSON observation is malformed: {str(item)[:60]!r}") from None
        if value is not None:
            points.append(RawPoint(day, value))
    return points


class FredProvider(Provider):
    """FRED: keyless, the series of one frequency together; keyed (JSON API), one request
    per series."""

    name = "fred"
    short = "FRED"
    title = "FRED (Federal Reserve Bank of St. Louis)"
    terms = (
        "FRED series belong to their publishers (ICE, S&P Dow Jones Indices, Cboe, Moody's, OECD) "
        "and carry their terms."
    )
    base_url = "https://fred.stlouisfed.org"
    api_base_url = "https://api.stlouisfed.org"
    market = "us"
    # FRED documents 120 requests per minute per key; a sliding window of 100 keeps a
    # margin while letting a full refresh (about 25 series) go out at once.
    max_per_minute = 100
    separable = True
    extra_keys = (
        ExtraKey("batch", bool, True, "keyless: ask the series of one frequency in one request (false: one each)"),
    )

    def batch_key(self, ref: SourceRef) -> str:
        """Keyless: one batch per frequency (``fredgraph.csv`` takes several ids; one
        frequency, so the rows line up); keyed, or ``batch = false``: one per series."""
        if self.settings.api_key or not self.option("batch"):
            return ref.series
        return f"fredgraph:{ref.frequency}"

    def history_start(self, ref: SourceRef) -> dt.date:
        """Daily history from 1999 (ten-year baselines plus the 2008 episode); low-frequency
        series from 1990 (five-year changes of quarterly fiscal data)."""
        return dt.date(1999, 1, 1) if ref.frequency == "daily" else dt.date(1990, 1, 1)

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Fetched]:
        """Fetch the targets' FRED series from ``since`` on: keyless, up to :data:`MAX_IDS`
        series a request (the requests go out together); keyed, one series (the targets
        share its id)."""
        import asyncio

        from datafeed.models import Batch

        if self.settings.api_key:
            return await self._fetch_keyed(http, targets, since)
        ids = list(dict.fromkeys(t.ref.series for t in targets))
        chunks = [ids[i : i + MAX_IDS] for i in range(0, len(ids), MAX_IDS)]
        # Every request runs to its end even when another fails: a request cancelled
        # half-sent can hold a server's connection (a single-threaded one, all of it).
        answers = await asyncio.gather(
            *(self._fetch_csv(http, chunk, since) for chunk in chunks), return_exceptions=True
        )
        tables = []
        for answer in answers:
            if isinstance(answer, BaseException):
                raise answer
            tables.append(answer)
        columns = {sid: col for table in tables for sid, col in table.items()}
        return [Batch.of(t, *columns[t.ref.series]) for t in targets]

    async def _fetch_csv(
        self, http: HttpContext, ids: list[str], since: dt.date
    ) -> dict[str, tuple[list[dt.date], list[float]]]:
        response = await http.get(
            self.settings,
            f"{self.settings.base_url}/graph/fredgraph.csv",
            params={"id": ",".join(ids), "cosd": since.isoformat()},
        )
        return fredgraph_table(response.text, ids)

    async def _fetch_keyed(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Fetched]:
        """One series from the keyed JSON API (the targets share its id, :meth:`batch_key`)."""
        from datafeed.models import Batch

        response = await http.get(
            self.settings,
            f"{self.settings.api_base_url}/fred/series/observations",
            params={
                "series_id": targets[0].ref.series,
                "api_key": self.settings.api_key,
                "file_type": "json",
                "observation_start": since.isoformat(),
            },
        )
        points = parse_observations_json(response.text)
        days, values = [p.date for p in points], [p.value for p in points]
        return [Batch.of(t, days, values) for t in targets]
