"""Provides TONA (the JPY hedge leg) from the Bank of Japan Time-Series Data Search API.

Endpoint (keyless, JSON; launched 2026-02-18)::

    {base}/api/v1/getDataCode?format=json&lang=en&db=FM01&code=STRDCLUCON
        &startDate=YYYYMM&endDate=YYYYMM[&startPosition=N]

A catalog series ``FM01'STRDCLUCON`` is ``<db>'<code>`` as on the Bank's site; the API
wants them apart and rejects a code that still carries the ``FM01'`` prefix (M181001E).
Quirks handled here:

- for daily (and weekly) series ``startDate``/``endDate`` are **months** (``YYYYMM``);
  quarterly ones are ``YYYYQQ``; the answer's ``SURVEY_DATES`` are integers whose shape
  depends on ``FREQUENCY`` (``20250106`` daily, ``202501`` monthly *and* quarterly Q1);
- daily series list **every calendar day**, with ``null`` on weekends and Japanese
  holidays: nulls are dropped, never read as zero;
- errors come in the body, often with HTTP 200: ``STATUS``/``MESSAGEID`` decide.
  ``M181030I`` (200) is "no data" → no observations; ``M1810xxE`` (400: bad db, unknown
  code, bad date...) → a non-transient :class:`FetchError`; ``M181090S``/``M181091S``
  (500/503, database error) → a transient one, so the scheduler retries later. An HTTP
  4xx/5xx (the manual and a public run log disagree on whether it happens) is mapped by
  :class:`datafeed.http.HttpContext` in the same spirit;
- a request may hold up to 250 codes of one frequency and 60,000 data points; above that
  the answer is cut and ``NEXTPOSITION`` (1-based index into the code list) says where to
  go on via ``startPosition``. Long daily histories are also split into month windows
  that stay under the point cap, so no single answer is ever cut mid-series;
- the Bank asks for no high-frequency access (connections may be blocked) and wrappers
  keep one second between requests: ``[sources.boj] min_interval`` defaults to 1.0 s,
  enforced by the shared HTTP context.

The data are updated daily at about 08:50 JST. Terms: the Bank's API notice
(stat-search.boj.or.jp/info/api_notice_en.pdf) asks every service using the API to show
:data:`CREDIT` and to tell the Bank (post.rsd17@boj.or.jp) when the service is released.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from datafeed.catalog import SourceRef
from datafeed.errors import FetchError, ParseError
from datafeed.providers.base import Provider, Target

if TYPE_CHECKING:  # the network stack and the parsing records load only when they are used
    from zoneinfo import ZoneInfo

    from datafeed.http import HttpContext
    from datafeed.models import Fetched, RawPoint
    from datafeed.providers._parsed import BojPage

CREDIT = (
    'This service uses the API provided by the "Bank of Japan Time-Series Data Search." '
    "The Bank of Japan does not guarantee the content of the service."
)
"""The credit line the Bank asks every service using its API to display (English)."""

CREDIT_JA = (
    "このサービスは、日本銀行時系列統計データ検索サイトの API 機能を使用しています。"
    "サービスの内容は日本銀行によって保証されたものではありません。"
)
"""The same credit line in Japanese, as the Bank words it."""

MAX_CODES = 250
"""Most series codes one ``getDataCode`` request may carry."""

MAX_POINTS = 60_000
"""Most data points (series × periods) one request may return."""

NO_DATA = "M181030I"
"""MESSAGEID of a successful request that matched no data."""

_POINTS_PER_MONTH = {"daily": 31, "monthly": 1, "quarterly": 1}
"""Worst-case periods per month: daily series list every calendar day."""


@cache
def _tokyo() -> ZoneInfo:
    """The Bank's time zone, built on first use (the registry imports this module before
    the first frame, which needs no zone file read)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Tokyo")


def __getattr__(name: str) -> object:
    """``TOKYO`` and ``BojPage`` (:mod:`datafeed.providers._parsed`), made on first use."""
    if name == "TOKYO":
        return _tokyo()
    if name == "BojPage":
        from datafeed.providers._parsed import BojPage

        return BojPage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def split_series(series: str) -> tuple[str, str]:
    """Split ``FM01'STRDCLUCON`` into db ``FM01`` and code ``STRDCLUCON``.

    Raises:
        FetchError: no apostrophe in the code (a config error, so not transient).
    """
    db, sep, code = series.partition("'")
    if not sep or not db.strip() or not code.strip():
        raise FetchError(f"boj: series {series!r} is not \"<db>'<code>\" (e.g. FM01'STRDCLUCON)", transient=False)
    return db.strip().upper(), code.strip().upper()


def period_param(d: dt.date, frequency: str) -> str:
    """``startDate``/``endDate`` value for ``d``: ``YYYYMM`` (daily, monthly) or ``YYYYQQ``."""
    if frequency == "quarterly":
        return f"{d.year:04d}{(d.month - 1) // 3 + 1:02d}"
    return f"{d.year:04d}{d.month:02d}"


def parse_survey_date(value: Any, frequency: str) -> dt.date:
    """Date of one ``SURVEY_DATES`` entry given the answer's ``FREQUENCY``.

    ``DAILY``/``WEEKLY(...)``: ``YYYYMMDD``; ``MONTHLY``: ``YYYYMM``; ``QUARTERLY``:
    ``YYYYQQ`` (first day of the quarter); ``SEMIANNUAL``: ``YYYYHH``; ``ANNUAL``: ``YYYY``.

    Raises:
        ValueError: the value does not fit the frequency.
    """
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError(f"not a date integer: {value!r}")
    freq = frequency.upper()
    if freq.startswith(("DAILY", "WEEKLY")) or (not freq and len(text) == 8):
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    if freq.startswith("MONTHLY") or (not freq and len(text) == 6):
        return dt.date(int(text[:4]), int(text[4:6]), 1)
    if freq.startswith("QUARTERLY"):
        return dt.date(int(text[:4]), 3 * int(text[4:6]) - 2, 1)
    if freq.startswith("SEMIANNUAL"):
        return dt.date(int(text[:4]), 6 * int(text[4:6]) - 5, 1)
    if freq.startswith("ANNUAL") or (not freq and len(text) == 4):
        return dt.date(int(text[:4]), 1, 1)
    raise ValueError(f"unknown FREQUENCY {frequency!r}")


def check_status(data: dict[str, Any]) -> bool:
    """Map the body's ``STATUS``/``MESSAGEID`` to an outcome.

    Returns:
        True when the body carries data, False for ``M181030I`` (no data).

    Raises:
        FetchError: 400-type codes (``M1810xxE``: the request is wrong, retrying will not
            help) are not transient; 500/503 codes (``M181090S``, ``M181091S``) are.
        ParseError: no ``STATUS`` or an unknown one.
    """
    status, message_id = data.get("STATUS"), str(data.get("MESSAGEID") or "")
    message = " ".join(str(data.get("MESSAGE") or "").split())[:160]
    try:
        if not isinstance(status, str | int | float):
            raise TypeError(status)
        code = int(status)
    except (TypeError, ValueError):
        raise ParseError(f"boj: no usable STATUS in the body ({status!r})") from None
    if code == 200:
        return message_id != NO_DATA
    reason = f"boj: {message_id or 'STATUS ' + str(code)} {message}".rstrip()
    if 400 <= code < 500:
        raise FetchError(f"{reason} (request rejected)", transient=False)
    if code >= 500 or message_id.endswith("S"):
        raise FetchError(f"{reason} (server error, will retry)", transient=True)
    raise ParseError(f"boj: unexpected STATUS {code} ({message_id})")


def parse_data_code(body: bytes | str) -> BojPage:
    """Parse one ``getDataCode`` JSON answer.

    Raises:
        ParseError: not JSON, or ``RESULTSET``/``VALUES`` not shaped as documented.
        FetchError: the body reports an error (see :func:`check_status`).
    """
    import json  # parsing modules load when a parse runs, not with the registry

    from datafeed.models import RawPoint
    from datafeed.providers._parsed import BojPage

    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"boj: body is not JSON ({exc.__class__.__name__}: {str(exc)[:80]})") from None
    if not isinstance(data, dict):
        raise ParseError("boj: body is not a JSON object")
    page = BojPage(next_position=_next_position(data.get("NEXTPOSITION")))
    if not check_status(data):
        return page
    results = data.get("RESULTSET")
    if not isinstance(results, list):
        raise ParseError("boj: no RESULTSET list in the body")
    for item in results:
        if not isinstance(item, dict) or not isinstance(item.get("VALUES"), dict):
            raise ParseError("boj: a RESULTSET entry has no VALUES object")
        code = str(item.get("SERIES_CODE") or "").strip().upper()
        dates, values = item["VALUES"].get("SURVEY_DATES"), item["VALUES"].get("VALUES")
        if not code or not isinstance(dates, list) or not isinstance(values, list):
            raise ParseError(f"boj: series {code or '?'} lacks SERIES_CODE/SURVEY_DATES/VALUES")
        if len(dates) != len(values):
            raise ParseError(f"boj: series {code}: {len(dates)} SURVEY_DATES but {len(values)} VALUES")
        frequency = str(item.get("FREQUENCY") or "")
        points: dict[dt.date, float] = {}
        for raw_date, raw_value in zip(dates, values, strict=True):
            if raw_value is None or (isinstance(raw_value, str) and raw_value.strip() in {"", "null"}):
                continue  # weekends and holidays: every calendar day is listed
            try:
                points[parse_survey_date(raw_date, frequency)] = float(raw_value)
            except (TypeError, ValueError):
                raise ParseError(f"boj: series {code}: bad point {raw_date!r}={raw_value!r}") from None
        merged = {p.date: p.value for p in page.series.get(code, [])} | points
        page.series[code] = [RawPoint(d, merged[d]) for d in sorted(merged)]
    return page


def _next_position(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ParseError(f"boj: NEXTPOSITION is not an integer ({value!r})") from None


def _add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_windows(start: dt.date, end: dt.date, n_codes: int, frequency: str) -> list[tuple[dt.date, dt.date]]:
    """Split ``start..end`` into month-aligned windows under :data:`MAX_POINTS`.

    Each window is ``(first day of its first month, first day of its last month)``;
    with ``n_codes`` daily series a window spans at most ``60000 // (31 * n_codes)``
    months, so one answer never needs to be cut.
    """
    first, last = start.replace(day=1), end.replace(day=1)
    if last < first:
        return []
    per_month = _POINTS_PER_MONTH.get(frequency, 31) * max(1, n_codes)
    span = max(1, MAX_POINTS // per_month)
    if frequency == "quarterly":
        span = max(3, span - span % 3)
    windows: list[tuple[dt.date, dt.date]] = []
    while first <= last:
        stop = min(last, _add_months(first, span - 1))
        windows.append((first, stop))
        first = _add_months(stop, 1)
    return windows


def _today_tokyo() -> dt.date:
    return dt.datetime.now(_tokyo()).date()


class BojProvider(Provider):
    """Bank of Japan time series (TONA by default) via ``getDataCode``."""

    name = "boj"
    short = "BOJ"
    title = "Bank of Japan"
    credit = CREDIT
    base_url = "https://www.stat-search.boj.or.jp"
    market = "jp"
    # The Bank asks for no high-frequency access: one second between requests, and
    # low-frequency polling.
    min_interval = 1.0
    min_cadence = 7200.0

    def batch_key(self, ref: SourceRef) -> str:
        """One request serves every code of one database and frequency (up to 250)."""
        db, _ = split_series(ref.series)
        return f"{db}|{ref.frequency}"

    def data_url(self) -> str:
        """URL of the Code API."""
        return f"{self.settings.base_url}/api/v1/getDataCode"

    async def fetch(self, http: HttpContext, targets: Sequence[Target], since: dt.date) -> list[Fetched]:
        """Fetch every target from ``since`` on, grouping codes per database and frequency.

        Raises FetchError/ParseError as documented on :class:`Provider`.
        """
        from datafeed.models import Batch

        groups: dict[tuple[str, str], dict[str, list[Target]]] = {}
        for target in targets:
            db, code = split_series(target.ref.series)
            groups.setdefault((db, target.ref.frequency), {}).setdefault(code, []).append(target)
        end = _today_tokyo()
        out: list[Fetched] = []
        for (db, frequency), by_code in groups.items():
            codes = list(by_code)
            for i in range(0, len(codes), MAX_CODES):
                chunk = codes[i : i + MAX_CODES]
                points = await self._fetch_codes(http, db, chunk, frequency, since, end)
                for code in chunk:
                    for target in by_code[code]:
                        out.append(Batch.from_points(target, points.get(code, []), since))
        return out

    async def _fetch_codes(
        self,
        http: HttpContext,
        db: str,
        codes: list[str],
        frequency: str,
        since: dt.date,
        end: dt.date,
    ) -> dict[str, list[RawPoint]]:
        """All points of ``codes`` between ``since`` and ``end``, window by window, page by page."""
        from datafeed.models import RawPoint

        merged: dict[str, dict[dt.date, float]] = {}
        for first, last in month_windows(since, end, len(codes), frequency):
            position: int | None = None
            for _ in range(len(codes) + 1):
                params: dict[str, str | int] = {
                    "format": "json",
                    # English always: the parser reads the answer's FREQUENCY words.
                    "lang": "en",
                    "db": db,
                    "code": ",".join(codes),
                    "startDate": period_param(first, frequency),
                    "endDate": period_param(last, frequency),
                }
                if position is not None:
                    params["startPosition"] = position
                response = await http.get(self.settings, self.data_url(), params=params)
                page = parse_data_code(response.content)
                for code, points in page.series.items():
                    merged.setdefault(code, {}).update((p.date, p.value) for p in points)
                if page.next_position is None:
                    break
                if position is not None and page.next_position <= position:
                    raise ParseError(f"boj: NEXTPOSITION {page.next_position} does not advance past {position}")
                position = page.next_position
            else:
                raise ParseError(f"boj: more pages than requested codes ({len(codes)})")
        return {code: [RawPoint(d, pts[d]) for d in sorted(pts)] for code, pts in merged.items()}
