"""Provides €STR (the EUR hedge leg) from the ECB Data Portal API.

Endpoint (keyless, SDMX REST, CSV)::

    {base}/service/data/EST/B.EU000A2X2A25.WT?format=csvdata&startPeriod=YYYY-MM-DD&detail=dataonly

A catalog series ``EST.B.EU000A2X2A25.WT`` is ``<flow>.<key>``: the flow is everything
before the first dot. Quirks handled here:

- the CSV carries a ``KEY`` column, the dimension columns (for EST: ``FREQ,
  BENCHMARK_ITEM, DATA_TYPE_EST``), then ``TIME_PERIOD, OBS_VALUE`` and a dataflow-specific
  set of attribute columns (EST uses ``CONF_STATUS``/``PRE_BREAK_VALUE``, not the EXR-style
  ``OBS_CONF``); so columns are read **by name**, never by position, and ``detail=dataonly``
  is asked for to drop most of the attributes;
- attribute fields such as ``TITLE_COMPL`` are double-quoted because they contain commas,
  so the body goes through :mod:`csv`, never ``str.split``;
- an empty result is **HTTP 404** (body "No results found"), not an empty CSV: that maps to
  "no new data", not to an error (the API answers a mistyped key the same way, so a
  misconfigured series shows up as "no data" in ``triffin sources``, not as a failure);
- rows are oldest first; €STR has 3 decimals and was negative in 2019–2022.

€STR for TARGET2 day T is published at 08:00 CET on T+1.
Terms: ESCB statistics may be reused free of charge provided the source is cited and the
statistics are not modified (ESCB policy on the reuse of statistics): :data:`CREDIT`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from datafeed.catalog import SourceRef
from datafeed.errors import FetchError, ParseError
from datafeed.lazy_re import LazyPattern
from datafeed.providers.base import Provider, Target

if TYPE_CHECKING:  # the network stack and the parsing records load only when they are used
    from datafeed.http import HttpContext
    from datafeed.models import Fetched, RawPoint

CREDIT = "Source: ECB statistics."
"""Attribution the ESCB reuse policy asks for."""

ESTR_START = dt.date(2019, 10, 1)
"""First €STR publication date (pre-€STR used a different series key)."""

_MISSING = {"", "NaN", "nan", "NA", "-"}
_QUARTER = LazyPattern(r"^(\d{4})-Q([1-4])$")
_MONTH = LazyPattern(r"^(\d{4})-(\d{2})$")
_NOT_FOUND = LazyPattern(r"\bHTTP 404\b")


def split_series(series: str) -> tuple[str, str]:
    """Split ``EST.B.EU000A2X2A25.WT`` into flow ``EST`` and key ``B.EU000A2X2A25.WT``.

    Raises:
        FetchError: no dot in the code (a config error, so not transient).
    """
    flow, sep, key = series.partition(".")
    if not sep or not flow or not key:
        raise FetchError(f"ecb: series {series!r} is not '<flow>.<key>'", transient=False)
    return flow, key


def parse_period(text: str) -> dt.date:
    """Date of an SDMX ``TIME_PERIOD``: ``2024-06-03``, ``2024-06`` (1st), ``2024-Q2`` (1st)."""
    text = text.strip()
    m = _QUARTER.match(text)
    if m:
        return dt.date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)
    m = _MONTH.match(text)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), 1)
    return dt.date.fromisoformat(text)


def parse_csvdata(text: str, key: str | None = None) -> list[RawPoint]:
    """Parse an SDMX ``csvdata`` body into points, oldest first.

    Args:
        text: the body (a UTF-8 BOM is tolerated).
        key: when given and the body has a ``KEY`` column, keep only rows of this series
            (``EST.B.EU000A2X2A25.WT``), so a multi-series answer cannot mix series.

    Raises:
        ParseError: no header with ``TIME_PERIOD`` and ``OBS_VALUE``, or a bad date/value.
    """
    import csv  # parsing modules load when a parse runs, not with the registry
    import io

    from datafeed.models import RawPoint

    text = text.lstrip("\ufeff")
    if not text.strip():
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = [f.strip() for f in (reader.fieldnames or [])]
    if "TIME_PERIOD" not in fields or "OBS_VALUE" not in fields:
        head = text.strip().splitlines()[0][:80]
        raise ParseError(f"ecb: no TIME_PERIOD/OBS_VALUE columns in the CSV header ({head!r})")
    reader.fieldnames = fields
    points: dict[dt.date, float] = {}
    for row in reader:
        if key is not None and row.get("KEY") not in (None, "", key):
            continue
        raw_period, raw_value = (row.get("TIME_PERIOD") or ""), (row.get("OBS_VALUE") or "").strip()
        if not raw_period.strip() or raw_value in _MISSING:
            continue
        try:
            points[parse_period(raw_period)] = float(raw_value)
        except ValueError:
            raise ParseError(f"ecb: bad row TIME_PERIOD={raw_period!r} OBS_VALUE={raw_value!r}") from None
    return [RawPoint(d, points[d]) for d in sorted(points)]


def _is_not_found(exc: FetchError) -> bool:
    """True when the request failed with HTTP 404 (the ECB's "no data" answer)."""
    status = getattr(exc, "status", None)
    if status is not None:
        return bool(status == 404)
    return bool(_NOT_FOUND.search(exc.message))


class EcbProvider(Provider):
    """Series of the ECB Data Portal (€STR by default) via SDMX ``csvdata``."""

    name = "ecb"
    short = "ECB"
    title = "European Central Bank"
    credit = CREDIT
    base_url = "https://data-api.ecb.europa.eu"
    market = "de"
    min_cadence = 3600.0

    def history_start(self, ref: SourceRef) -> dt.date:
        """€STR starts on 2019-10-01; other flows use the default start."""
        return ESTR_START if ref.series.upper().startswith("EST.") else super().history_start(ref)

    def starts_at_inception(self, ref: SourceRef) -> bool:
        """€STR's first publication (2019-10-01) is its first value anywhere."""
        return ref.series.upper().startswith("EST.")

    def data_url(self, series: str) -> str:
        """URL of one series (``{base}/service/data/{flow}/{key}``)."""
        flow, key = split_series(series)
        return f"{self.settings.base_url}/service/data/{flow}/{key}"

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Fetched]:
        """Fetch each target from ``since`` on; HTTP 404 means no observations.

        Raises FetchError/ParseError as documented on :class:`Provider`.
        """
        from datafeed.models import Batch

        out: list[Fetched] = []
        for target in targets:
            ref = target.ref
            params = {"format": "csvdata", "startPeriod": since.isoformat(), "detail": "dataonly"}
            try:
                response = await http.get(self.settings, self.data_url(ref.series), params=params)
            except FetchError as exc:
                if _is_not_found(exc):
                    continue
                raise
            out.append(Batch.from_points(target, parse_csvdata(response.text, ref.series), since))
        return out
