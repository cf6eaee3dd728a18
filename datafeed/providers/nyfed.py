"""Provides SOFR (the USD hedge leg) from the New York Fed Markets Data API.

Endpoint (keyless, JSON)::

    {base}/api/rates/secured/sofr/search.json?startDate=YYYY-MM-DD&endDate=YYYY-MM-DD
    {base}/api/rates/secured/sofr/last/{N}.json

Body: ``{"refRates": [{"effectiveDate": "2024-06-06", "type": "SOFR", "percentRate": 5.33,
..., "revisionIndicator": ""}, ...]}``, newest first. Quirks handled here:

- the server's whitespace is odd (``"type": "SOFR" ,"percentRate": 5.33 ,...``), so the
  body is read with a real JSON parser, never with regular expressions;
- rows are newest first; points are returned oldest first;
- ``revisionIndicator`` is ``"r"`` on a revised rate: the revised value simply replaces
  the old one in the store, which is why :meth:`NyFedProvider.incremental_start` looks
  back over the last days;
- a range without publications (weekends, SIFMA holidays) gives ``"refRates": []``.

SOFR for business day T is published at about 08:00 ET on T+1 (US business days).
Terms: keyless and free; any use of the NY Fed reference rates is subject to the New York
Fed's "Terms of Use" for them (newyorkfed.org/markets/reference-rates). triffin names the
administrator next to the value (:data:`CREDIT`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from datafeed.catalog import SourceRef
from datafeed.errors import FetchError, ParseError
from datafeed.providers.base import Provider, Target

if TYPE_CHECKING:  # the network stack and the parsing records load only when they are used
    from datafeed.http import HttpContext
    from datafeed.models import Batch, Fetched, RawPoint

CREDIT = "Source: Federal Reserve Bank of New York."
"""Attribution line for SOFR shown with the data."""

RATE_GROUPS: dict[str, str] = {
    "SOFR": "secured",
    "BGCR": "secured",
    "TGCR": "secured",
    "EFFR": "unsecured",
    "OBFR": "unsecured",
}
"""Reference rates the API serves, by the path segment they live under."""

FIRST_PUBLICATION: dict[str, dt.date] = {
    "SOFR": dt.date(2018, 4, 2),
    "BGCR": dt.date(2018, 4, 2),
    "TGCR": dt.date(2018, 4, 2),
    "OBFR": dt.date(2016, 3, 1),
    "EFFR": dt.date(2000, 7, 3),
}
"""First effective date of each rate: asking earlier only costs the server time."""

INCEPTION = frozenset({"SOFR", "BGCR", "TGCR", "OBFR"})
"""Rates whose :data:`FIRST_PUBLICATION` is their first value anywhere."""

MAX_SPAN_DAYS = 730
"""Longest window asked in one request; longer histories are split (about 500 rows each)."""


def rate_path(code: str) -> str:
    """API path prefix of a reference rate (``api/rates/secured/sofr``).

    Raises:
        FetchError: the code is not a rate the NY Fed API serves (a config error, so not
            transient).
    """
    group = RATE_GROUPS.get(code.upper())
    if group is None:
        raise FetchError(f"nyfed: unknown reference rate {code!r} (known: {', '.join(RATE_GROUPS)})", transient=False)
    return f"api/rates/{group}/{code.lower()}"


def parse_rates(body: bytes | str, rate_type: str = "SOFR") -> list[RawPoint]:
    """Parse a ``search.json`` or ``last/N.json`` body into points, oldest first.

    Args:
        body: the response body.
        rate_type: keep only rows whose ``type`` matches (case-insensitive); rows without
            a ``type`` are kept, since the path already selected the rate.

    Raises:
        ParseError: not JSON, no ``refRates`` list, or a row without a usable date/rate.
    """
    import json  # parsing modules load when a parse runs, not with the registry

    from datafeed.models import RawPoint

    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"nyfed: body is not JSON ({exc.__class__.__name__}: {str(exc)[:80]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("refRates"), list):
        raise ParseError("nyfed: no 'refRates' list in the body")
    wanted = rate_type.upper()
    points: dict[dt.date, float] = {}
    for row in data["refRates"]:
        if not isinstance(row, dict):
            raise ParseError("nyfed: a 'refRates' entry is not an object")
        kind = row.get("type")
        if isinstance(kind, str) and kind.strip().upper() != wanted:
            continue
        raw_date, raw_rate = row.get("effectiveDate"), row.get("percentRate")
        if raw_rate is None or raw_rate == "":
            continue
        try:
            day = dt.date.fromisoformat(str(raw_date).strip())
            value = float(raw_rate)
        except (TypeError, ValueError):
            raise ParseError(f"nyfed: bad row effectiveDate={raw_date!r} percentRate={raw_rate!r}") from None
        # Newest first on the wire: the first row seen for a date is the current one.
        points.setdefault(day, value)
    return [RawPoint(d, points[d]) for d in sorted(points)]


def _today_ny() -> dt.date:
    from datafeed.market_calendar import ET  # a module of zones; none is held here

    return dt.datetime.now(ET).date()


class NyFedProvider(Provider):
    """SOFR (and the other NY Fed reference rates) from the Markets Data API."""

    name = "nyfed"
    short = "NYFED"
    title = "Federal Reserve Bank of New York"
    credit = CREDIT
    base_url = "https://markets.newyorkfed.org"
    market = "us"
    max_per_minute = 30
    min_cadence = 3600.0

    def history_start(self, ref: SourceRef) -> dt.date:
        """SOFR starts on 2018-04-02; nothing earlier exists."""
        return FIRST_PUBLICATION.get(ref.series.upper(), super().history_start(ref))

    def starts_at_inception(self, ref: SourceRef) -> bool:
        """SOFR, BGCR, TGCR (2018-04-02) and OBFR (2016-03-01) begin with the NY Fed's
        first publication; EFFR is older than the API's history."""
        return ref.series.upper() in INCEPTION

    def search_url(self, code: str) -> str:
        """URL of the date-range search for one rate."""
        return f"{self.settings.base_url}/{rate_path(code)}/search.json"

    def last_url(self, code: str, n: int) -> str:
        """URL of the latest ``n`` publications of one rate."""
        return f"{self.settings.base_url}/{rate_path(code)}/last/{max(1, int(n))}.json"

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Fetched]:
        """Fetch each target's rate from ``since`` to today (New York date).

        Long ranges are split into windows of :data:`MAX_SPAN_DAYS` so no single answer
        is huge. Raises FetchError/ParseError as documented on :class:`Provider`.
        """
        out: list[Fetched] = []
        end = _today_ny()
        for target in targets:
            code = target.ref.series
            url = self.search_url(code)
            points: dict[dt.date, float] = {}
            windows: list[tuple[dt.date, dt.date]] = []
            start = max(since, FIRST_PUBLICATION.get(code.upper(), since))
            while start <= end:
                stop = min(end, start + dt.timedelta(days=MAX_SPAN_DAYS - 1))
                windows.append((start, stop))
                start = stop + dt.timedelta(days=1)
            for content in await self._windows(http, url, windows):
                for p in parse_rates(content, code):
                    points[p.date] = p.value
            out.append(self._batch(target, points))
        return out

    async def _windows(self, http: HttpContext, url: str, windows: list[tuple[dt.date, dt.date]]) -> list[bytes]:
        """The answers for each window, in order; the requests go out together.

        Why together: a cold SOFR history is five windows, and one after another they cost
        five round trips. The source's limits (connections, spacing) still hold: every
        request goes through ``http.get``. The first failure is raised once every request
        ended: a request cancelled half-sent can hold a server's connection.
        """
        import asyncio

        answers = await asyncio.gather(
            *(
                http.get(self.settings, url, params={"startDate": a.isoformat(), "endDate": b.isoformat()})
                for a, b in windows
            ),
            return_exceptions=True,
        )
        out = []
        for answer in answers:
            if isinstance(answer, BaseException):
                raise answer
            out.append(answer.content)
        return out

    async def fetch_last(self, http: HttpContext, target: Target, n: int = 5) -> Batch:
        """Fetch the latest ``n`` publications of one target (the API's ``last/N``)."""
        response = await http.get(self.settings, self.last_url(target.ref.series, n))
        points = {p.date: p.value for p in parse_rates(response.content, target.ref.series)}
        return self._batch(target, points)

    @staticmethod
    def _batch(target: Target, points: dict[dt.date, float]) -> Batch:
        from datafeed.models import Batch

        days = sorted(points)
        return Batch.of(target, days, [points[d] for d in days])
