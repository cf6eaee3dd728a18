"""Provides the records two provider parsers return: a Bank of Japan page, a Yahoo bar.

Why a module of their own: the provider registry imports every provider module while the
config loads, in front of the first frame (issue 20), and a dataclass costs 0.3–1 ms to
create. The parsers import these records when they run; ``datafeed.providers.boj.BojPage``
and ``datafeed.providers.yahoo.IntradayPoint`` still name them (a module ``__getattr__``).
The leading underscore keeps this module out of the built-in provider scan
(:func:`datafeed.providers._builtin_modules`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from datafeed.models import RawPoint


@dataclass(slots=True)
class BojPage:
    """One parsed ``getDataCode`` answer of the Bank of Japan's API.

    Attributes:
        series: points per series code (upper case), oldest first.
        next_position: ``NEXTPOSITION``: where the next page starts, or None on the last.
    """

    series: dict[str, list[RawPoint]] = field(default_factory=dict)
    next_position: int | None = None


@dataclass(frozen=True, slots=True)
class IntradayPoint:
    """One 5-minute bar's last price from Yahoo's chart endpoint.

    Attributes:
        time: bar start time (UTC, timezone-aware).
        date: the exchange-local trading date the bar belongs to.
        value: the close of the bar, in catalog units (yields ×10 undone).
    """

    time: dt.datetime
    date: dt.date
    value: float
