"""Provides the provider interface every source implements, with the facts a source carries.

A provider turns one HTTP answer into observations. It knows its URLs and its wire
format; the scheduler decides when to ask, and :class:`datafeed.http.HttpContext` decides
how politely. Parsing is a pure function per module (body in, points out), so each format
is tested on small handmade bodies without any network.

Everything else triffin needs to know about a source is a class attribute here, read
without creating a provider or loading the network stack: where it lives, which market's
calendar its publication lag is counted in, how gently to ask it, which extra config keys
it takes, and the credit line its terms ask for. Config validation, default settings,
lateness and the help screen read these facts from the registry
(:func:`datafeed.providers.registry`), so a new source is one module (docs/extending-sources.md).

This module must stay cheap to import: the network stack (httpx) and the observation
records (:mod:`datafeed.models`, ~4 ms of dataclasses) are imported only for type checking,
because the UI thread reads provider facts before it loads them (issue 20).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import FrozenInstanceError
from typing import TYPE_CHECKING, ClassVar

from datafeed.catalog import SourceRef

if TYPE_CHECKING:  # httpx is heavy; providers are imported for their facts alone
    from datafeed.http import HttpContext
    from datafeed.models import Fetched
    from datafeed.settings import SourceSettings

ConfigValue = str | int | float | bool
"""What a source-specific config key may hold (TOML scalars)."""


class _Value:
    """What ``@dataclass(frozen=True, slots=True)`` gave :class:`ExtraKey` and :class:`Target`
    (equal and hashed by their fields, shown as ``Name(field=value, ...)``, read-only), without
    creating dataclasses at import: this module is imported in front of the first frame, where
    the two cost ~1.2 ms (issue 20)."""

    __slots__ = ()
    __match_args__: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__match_args__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _Value)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{self.__class__.__qualname__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")


class ExtraKey(_Value):
    """One source-specific key of a ``[sources.NAME]`` config section.

    Attributes:
        name: the TOML key (``history_years``).
        kind: the accepted TOML type(s); ``int`` does not accept a bool.
        default: the value used when the key is absent.
        doc: one line for ``docs/`` and error messages.
        choices: the only values accepted, when the key is an enumeration.
    """

    __slots__ = ("choices", "default", "doc", "kind", "name")
    __match_args__ = ("name", "kind", "default", "doc", "choices")

    name: str
    kind: type | tuple[type, ...]
    default: ConfigValue
    doc: str
    choices: tuple[ConfigValue, ...]

    def __init__(
        self,
        name: str,
        kind: type | tuple[type, ...],
        default: ConfigValue,
        doc: str,
        choices: tuple[ConfigValue, ...] = (),
    ) -> None:
        init = object.__setattr__
        init(self, "name", name)
        init(self, "kind", kind)
        init(self, "default", default)
        init(self, "doc", doc)
        init(self, "choices", choices)


class Target(_Value):
    """One instrument to fetch from one source."""

    __slots__ = ("instrument", "ref")
    __match_args__ = ("instrument", "ref")

    instrument: str
    ref: SourceRef

    def __init__(self, instrument: str, ref: SourceRef) -> None:
        object.__setattr__(self, "instrument", instrument)
        object.__setattr__(self, "ref", ref)


class Provider:
    """Base class of a source's provider.

    Subclasses set the class attributes below and implement :meth:`fetch`. Targets with
    the same :meth:`batch_key` are fetched together in one call (a Treasury or MOF CSV
    carries every tenor at once; FRED's CSV takes several series).

    Attributes:
        name: the source name: the ``[sources.NAME]`` config section, the prefix of every
            ``<source>:<series>`` tag, and the entry point's name in ``triffin.providers``.
        title: who publishes the data, for people (``Bank of Japan``).
        short: the few capitals the live table's Source column shows (``BOJ``, ``UST``):
            short enough to fit, and not a word it could be misread as (a tag cut to
            ``fre`` read as "fresh"). Empty: the name upper-cased.
        credit: the attribution the source's terms ask to be shown next to its data
            (help screen, drill-downs); empty when none is required.
        terms: a note about the data's terms, shown on the help screen only.
        base_url: root of the public endpoint (``[sources.NAME] base_url`` overrides it).
        api_base_url: root of a keyed API, where the source has one.
        market: the calendar (``us``, ``de``, ``jp``) its publication lag is counted in
            (:mod:`datafeed.market_calendar`).
        min_interval: seconds between two requests (the source's politeness floor).
        max_per_minute: most requests in any 60-second window (0 = no window limit).
        min_cadence: shortest seconds between two refreshes of a daily series.
        extra_keys: source-specific config keys, passed to the provider in
            ``SourceSettings.extra`` (read them with :meth:`option`).
        intraday: True for quote sources whose values are provisional.
        separable: True when each target of a batch can also be fetched alone (FRED's
            multi-series CSV): a batch that fails for good (not a transient failure) is
            split by the feed into one job per target, so one bad series fails alone.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    short: ClassVar[str] = ""
    credit: ClassVar[str] = ""
    terms: ClassVar[str] = ""
    base_url: ClassVar[str] = ""
    api_base_url: ClassVar[str] = ""
    market: ClassVar[str] = "us"
    min_interval: ClassVar[float] = 0.0
    max_per_minute: ClassVar[int] = 0
    min_cadence: ClassVar[float] = 0.0
    extra_keys: ClassVar[tuple[ExtraKey, ...]] = ()
    intraday: ClassVar[bool] = False
    separable: ClassVar[bool] = False

    def __init__(self, settings: SourceSettings) -> None:
        self.settings = settings

    def option(self, key: str) -> ConfigValue:
        """The source-specific setting ``key``: from config, else its declared default.

        Raises:
            KeyError: ``key`` is not one of :attr:`extra_keys` (a provider bug).
        """
        for extra in self.extra_keys:
            if extra.name == key:
                value: ConfigValue = self.settings.extra.get(key, extra.default)
                return value
        raise KeyError(f"{self.name}: no extra key {key!r}")

    def batch_key(self, ref: SourceRef) -> str:
        """Targets sharing a key are fetched in one :meth:`fetch` call."""
        return ref.series

    def history_start(self, ref: SourceRef) -> dt.date:
        """First date asked for on a cold start (no cached data)."""
        return dt.date(2000, 1, 1)

    def starts_at_inception(self, ref: SourceRef) -> bool:
        """True when :meth:`history_start` is the series' first value anywhere (SOFR at the
        NY Fed, €STR at the ECB): no other source can hold older history, so the feed does
        not ask one (a cold start's backfill request that could only come back empty)."""
        return False

    def incremental_start(self, last: dt.date, ref: SourceRef) -> dt.date:
        """First date asked for once data up to ``last`` is held (revisions included)."""
        back = {"daily": 10, "weekly": 35, "monthly": 120, "quarterly": 400, "annual": 800}[ref.frequency]
        return last - dt.timedelta(days=back)

    async def fetch(
        self,
        http: HttpContext,
        targets: Sequence[Target],
        since: dt.date,
    ) -> list[Fetched]:
        """Fetch every target from ``since`` on.

        Returns:
            one :class:`~datafeed.models.Batch` per target with end-of-day values
            (:meth:`Batch.of <datafeed.models.Batch.of>` binds, tags and scales them), or
            intraday quotes as :class:`~datafeed.models.Observation` objects.

        Raises:
            FetchError: the request failed.
            ParseError: the body was not in the expected format.
        """
        raise NotImplementedError
