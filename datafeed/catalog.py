"""Provides the instrument catalog of DESIGN.md §2 as data.

Each instrument has one canonical id, a unit, how its changes are quoted, and an ordered
list of sources: end-of-day history from official keyless sources first, fallbacks after,
and optionally an intraday quote that extends the series past the last official close.
Sources that have no provider yet are simply skipped by the scheduler.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ChangeUnit = Literal["bp", "%", "pts", "pp"]
Frequency = Literal["daily", "monthly", "quarterly"]


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One place an instrument's values come from.

    Attributes:
        source: a registered source name (:func:`datafeed.providers.source_names`).
        series: the source's own series code (``DGS10``, ``30Y``, ``^TNX``).
        frequency: how often the source publishes this series.
        lag_days: business days after the observation date within which a new value is
            normally published; beyond that the value is ``late``.
        scale: multiply the source's number by this to get the catalog unit.
    """

    source: str
    series: str
    frequency: Frequency = "daily"
    lag_days: int = 2
    scale: float = 1.0

    @property
    def tag(self) -> str:
        """The JSON ``source`` field: ``<source>:<series>``."""
        return f"{self.source}:{self.series}"


@dataclass(frozen=True, slots=True)
class Instrument:
    """One row of the catalog.

    Attributes:
        id: canonical id used everywhere (config, JSON, signals).
        name: short display name.
        unit: unit of the stored values (``%``, ``index``, ``USD bn`` ...).
        change: how a change is quoted: ``bp`` for rates and spreads, ``%`` for prices.
        sources: end-of-day sources in priority order.
        intraday: optional intraday quote source.
        lo: lowest plausible value (validation rejects below).
        hi: highest plausible value (validation rejects above).
        group: display grouping.
    """

    id: str
    name: str
    unit: str
    change: ChangeUnit
    sources: tuple[SourceRef, ...]
    lo: float
    hi: float
    intraday: SourceRef | None = None
    group: str = "rates"

    @property
    def frequency(self) -> Frequency:
        """Frequency of the primary source (``daily`` when there is none)."""
        return self.sources[0].frequency if self.sources else "daily"


def _fred(code: str, frequency: Frequency = "daily", lag: int | None = None) -> SourceRef:
    default_lag = {"daily": 2, "monthly": 45, "quarterly": 130}[frequency]
    return SourceRef("fred", code, frequency, default_lag if lag is None else lag)


def _yahoo(symbol: str) -> SourceRef:
    return SourceRef("yahoo", symbol, "daily", 1)


def _ust(tenor: str, fred: str, treasury: str, yahoo: str | None) -> Instrument:
    return Instrument(
        id=f"ust{tenor.lower()}",
        name=f"UST {tenor}",
        unit="%",
        change="bp",
        sources=(SourceRef("treasury", treasury, "daily", 1), _fred(fred)),
        intraday=_yahoo(yahoo) if yahoo else None,
        lo=-2.0,
        hi=25.0,
        group="treasuries",
    )


INSTRUMENTS: tuple[Instrument, ...] = (
    _ust("3M", "DGS3MO", "3 Mo", "^IRX"),
    _ust("2Y", "DGS2", "2 Yr", None),
    _ust("5Y", "DGS5", "5 Yr", "^FVX"),
    _ust("10Y", "DGS10", "10 Yr", "^TNX"),
    _ust("20Y", "DGS20", "20 Yr", None),
    _ust("30Y", "DGS30", "30 Yr", "^TYX"),
    Instrument("tbill3m", "T-bill 3M", "%", "bp", (_fred("DTB3"),), -2.0, 25.0, group="treasuries"),
    Instrument(
        "sofr",
        "SOFR",
        "%",
        "bp",
        (SourceRef("nyfed", "SOFR", "daily", 2), _fred("SOFR")),
        -2.0,
        25.0,
        group="funding",
    ),
    Instrument(
        "bund10y",
        "Bund 10Y",
        "%",
        "bp",
        (
            SourceRef("bundesbank", "BBSIS.D.I.ZST.ZI.EUR.S1311.B.A604.R10XX.R.A.A._Z._Z.A", "daily", 2),
            _fred("IRLTLT01DEM156N", "monthly", 60),
        ),
        -3.0,
        20.0,
        group="abroad",
    ),
    Instrument(
        "estr",
        "€STR",
        "%",
        "bp",
        (SourceRef("ecb", "EST.B.EU000A2X2A25.WT", "daily", 2), _fred("ECBESTRVOLWGTTRMDMNRT")),
        -3.0,
        20.0,
        group="funding",
    ),
    Instrument(
        "jgb10y",
        "JGB 10Y",
        "%",
        "bp",
        (SourceRef("mof", "10Y", "daily", 2), _fred("IRLTLT01JPM156N", "monthly", 60)),
        -2.0,
        15.0,
        group="abroad",
    ),
    Instrument("jgb20y", "JGB 20Y", "%", "bp", (SourceRef("mof", "20Y", "daily", 2),), -2.0, 15.0, group="abroad"),
    Instrument("jgb30y", "JGB 30Y", "%", "bp", (SourceRef("mof", "30Y", "daily", 2),), -2.0, 15.0, group="abroad"),
    Instrument(
        "tona",
        "TONA",
        "%",
        "bp",
        (SourceRef("boj", "FM01'STRDCLUCON", "daily", 2),),
        -2.0,
        15.0,
        group="funding",
    ),
    Instrument(
        "jpy3m", "JPY 3M (stale)", "%", "bp", (_fred("IR3TIB01JPM156N", "monthly", 60),), -2.0, 15.0, group="funding"
    ),
    Instrument(
        "usd_broad",
        "USD broad",
        "index",
        "%",
        (_fred("DTWEXBGS", lag=7),),
        50.0,
        250.0,
        group="dollar",
    ),
    Instrument("dxy", "DXY (ICE)", "index", "%", (), 50.0, 200.0, intraday=_yahoo("DX-Y.NYB"), group="dollar"),
    Instrument(
        "eurusd",
        "EUR/USD",
        "USD per EUR",
        "%",
        (_fred("DEXUSEU", lag=7),),
        0.5,
        2.0,
        intraday=_yahoo("EURUSD=X"),
        group="dollar",
    ),
    Instrument(
        "usdjpy",
        "USD/JPY",
        "JPY per USD",
        "%",
        (_fred("DEXJPUS", lag=7),),
        50.0,
        400.0,
        intraday=_yahoo("JPY=X"),
        group="dollar",
    ),
    Instrument(
        "usdchf",
        "USD/CHF",
        "CHF per USD",
        "%",
        (_fred("DEXSZUS", lag=7),),
        0.3,
        3.0,
        intraday=_yahoo("CHF=X"),
        group="dollar",
    ),
    Instrument("vix", "VIX", "pts", "pts", (_fred("VIXCLS"),), 5.0, 150.0, intraday=_yahoo("^VIX"), group="risk"),
    Instrument(
        "spx", "S&P 500", "index", "%", (_fred("SP500"),), 100.0, 50000.0, intraday=_yahoo("^GSPC"), group="risk"
    ),
    Instrument("ig_oas", "IG OAS", "%", "bp", (_fred("BAMLC0A0CM"),), 0.1, 10.0, group="credit"),
    Instrument("hy_oas", "HY OAS", "%", "bp", (_fred("BAMLH0A0HYM2"),), 1.0, 30.0, group="credit"),
    Instrument("aaa10y", "Aaa − 10Y", "%", "bp", (_fred("AAA10Y"),), -3.0, 10.0, group="credit"),
    Instrument("term_premium_10y", "Term prem 10Y", "%", "bp", (_fred("THREEFYTP10"),), -5.0, 10.0, group="treasuries"),
    Instrument("gold", "Gold", "USD/oz", "%", (), 100.0, 20000.0, intraday=_yahoo("GC=F"), group="risk"),
    Instrument("debt_gdp", "Debt/GDP", "%", "pp", (_fred("FYGFGDQ188S", "quarterly"),), 10.0, 300.0, group="fiscal"),
    Instrument(
        "debt_public", "Debt (public)", "USD mn", "%", (_fred("FYGFDPUN", "quarterly"),), 1e5, 1e9, group="fiscal"
    ),
    Instrument(
        "foreign_holdings",
        "Foreign holdings",
        "USD bn",
        "%",
        (_fred("FDHBFIN", "quarterly"),),
        1.0,
        50000.0,
        group="fiscal",
    ),
)
"""Every instrument of DESIGN.md §2, in display order."""

CATALOG: dict[str, Instrument] = {i.id: i for i in INSTRUMENTS}
"""Instruments by id."""


def get(instrument_id: str) -> Instrument:
    """Return the instrument with this id.

    Raises:
        KeyError: with a message listing the known ids.
    """
    try:
        return CATALOG[instrument_id]
    except KeyError:
        raise KeyError(f"unknown instrument {instrument_id!r} (known: {', '.join(CATALOG)})") from None
