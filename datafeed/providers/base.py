"""Provides the provider interface every source implements.

A provider turns one HTTP answer into observations. It knows its URLs and its wire
format; the scheduler decides when to ask, and :class:`datafeed.http.HttpContext` decides
how politely. Parsing is a pure function per module (body in, points out), so each format
is tested on small handmade bodies without any network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from datafeed.catalog import SourceRef
from datafeed.http import HttpContext
from datafeed.models import Observation
from datafeed.settings import SourceSettings


@dataclass(frozen=True, slots=True)
class Target:
    """One instrument to fetch from one source."""

    instrument: str
    ref: SourceRef


class Provider:
    """Base class of a source's provider.

    Subclasses set ``name`` and implement :meth:`fetch`. Targets with the same
    :meth:`batch_key` are fetched together in one call (a Treasury or MOF CSV carries every
    tenor at once; FRED needs one request per series).

    Attributes:
        name: the source name (``fred``), one of ``catalog.SOURCE_NAMES``.
        intraday: True for quote sources whose values are provisional.
    """

    name: ClassVar[str] = ""
    intraday: ClassVar[bool] = False

    def __init__(self, settings: SourceSettings) -> None:
        self.settings = settings

    def batch_key(self, ref: SourceRef) -> str:
        """Targets sharing a key are fetched in one :meth:`fetch` call."""
        return ref.series

    def history_start(self, ref: SourceRef) -> dt.date:
        """First date asked for on a cold start (no cached data)."""
        return dt.date(2000, 1, 1)

    def incremental_start(self, last: dt.date, ref: SourceRef) -> dt.date:
        """First date asked for once data up to ``last`` is held (revisions included)."""
        back = {"daily": 10, "monthly": 120, "quarterly": 400}[ref.frequency]
        return last - dt.timedelta(days=back)

    async def fetch(
        self,
        http: HttpContext,
        targets: Sequence[Target],
        since: dt.date,
    ) -> list[Observation]:
        """Fetch every target from ``since`` on and return their observations.

        Raises:
            FetchError: the request failed.
            ParseError: the body was not in the expected format.
        """
        raise NotImplementedError
