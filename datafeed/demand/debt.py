"""Provides the parser of Fiscal Data's "Debt to the Penny" (daily public debt outstanding).

Endpoint (keyless)::

    {base}/services/api/fiscal_service/v2/accounting/od/debt_to_penny
        ?fields=record_date,tot_pub_debt_out_amt,debt_held_public_amt,intragov_hold_amt
        &sort=-record_date&page[size]=N[&page[number]=K][&filter=record_date:gte:YYYY-MM-DD]

Each row is one business day: ``record_date`` and three amounts in US dollars *with
cents*, as strings (``"38968295059805.35"``); ``null`` or ``"null"`` when a split was not
published. Rows arrive newest first (``sort=-record_date``).

Catalog unit: **USD bn** (``38968.3``), the unit traders read debt in and the unit the
TIC and custody series are shown in, so levels compare at a glance; the cents are not
kept. The envelope (paging, API errors, HTML pages) is read by
:mod:`datafeed.demand.fiscaldata`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from datafeed.demand.fiscaldata import FiscalPage, parse_page
from datafeed.demand.wire import parse_day, parse_decimal, snippet
from datafeed.models import RawPoint

SOURCE = "fiscaldata debt_to_penny"
"""Name used in messages."""

FIELDS = ("record_date", "tot_pub_debt_out_amt", "debt_held_public_amt", "intragov_hold_amt")
"""The fields asked for (``fields=`` keeps the answer small)."""

USD_PER_BN = 1e9

DebtField = Literal["total", "public", "intragov"]


@dataclass(frozen=True, slots=True)
class DebtDay:
    """One day of Debt to the Penny, in US dollars (cents dropped by float rounding only).

    Attributes:
        date: the record date.
        total: total public debt outstanding.
        public: debt held by the public.
        intragov: intragovernmental holdings.
    """

    date: dt.date
    total: float | None
    public: float | None
    intragov: float | None


@dataclass(frozen=True, slots=True)
class DebtBatch:
    """The days one page held (newest first, as sent) and any rows that could not be read."""

    days: tuple[DebtDay, ...]
    page: FiscalPage
    problems: tuple[str, ...] = ()


def days_from_page(page: FiscalPage) -> DebtBatch:
    """Read the rows of a parsed page; a bad row is skipped and reported, not fatal."""
    days: list[DebtDay] = []
    problems: list[str] = []
    for row in page.rows:
        try:
            date = parse_day(row.get("record_date"))
            if date is None:
                raise ValueError("no record_date")
            day = DebtDay(
                date=date,
                total=parse_decimal(row.get("tot_pub_debt_out_amt")),
                public=parse_decimal(row.get("debt_held_public_amt")),
                intragov=parse_decimal(row.get("intragov_hold_amt")),
            )
        except ValueError as exc:
            problems.append(f"{SOURCE}: row {snippet(row.get('record_date'), 12)}: {exc}; skipped")
            continue
        if any(v is not None and v < 0 for v in (day.total, day.public, day.intragov)):
            problems.append(f"{SOURCE}: row {day.date}: a negative amount; skipped")
            continue
        days.append(day)
    return DebtBatch(days=tuple(days), page=page, problems=tuple(problems))


def parse_debt_to_penny(body: bytes | str) -> DebtBatch:
    """Parse one ``debt_to_penny`` answer.

    Raises:
        ParseError: as :func:`datafeed.demand.fiscaldata.parse_page` (HTML, API error, not JSON).
    """
    return days_from_page(parse_page(body, SOURCE))


def debt_points(days: Iterable[DebtDay], which: DebtField = "total") -> list[RawPoint]:
    """One series in **USD bn**, oldest first, days without that amount left out.

    A date seen twice keeps its first row (pages are newest first, so the newest
    publication of a revised day wins).
    """
    chosen: dict[dt.date, float] = {}
    for day in days:
        value = getattr(day, which)
        if value is not None:
            chosen.setdefault(day.date, value / USD_PER_BN)
    return [RawPoint(d, chosen[d]) for d in sorted(chosen)]


def growth(points: Sequence[RawPoint], days: int) -> float | None:
    """Change of the latest level over ``days`` calendar days (as of the nearest earlier
    record), in the points' unit; None without an observation that far back."""
    if not points:
        return None
    latest = points[-1]
    target = latest.date - dt.timedelta(days=days)
    earlier = [p for p in points if p.date <= target]
    return latest.value - earlier[-1].value if earlier else None
