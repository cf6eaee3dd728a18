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
Frequency = Literal["daily", "weekly", "monthly", "quarterly", "annual"]

FREQUENCIES: tuple[Frequency, ...] = ("daily", "weekly", "monthly", "quarterly", "annual")
"""Every frequency, highest first (the order frame and feed rank them in)."""


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


DEFAULT_LAG: dict[Frequency, int] = {"daily": 2, "weekly": 8, "monthly": 45, "quarterly": 130, "annual": 600}
"""FRED's usual lag by frequency, in business days after the observation date within which the
*next* value is normally out. A Wednesday level (H.4.1) is out the next day, so the following
Wednesday's is out eight business days after the first. A fiscal-year ratio is dated 1 January
of its fiscal year and published with the budget about fourteen months after that; the next
year's follows twelve months later (~26 months, ~570 business days, plus a margin)."""


def _fred(code: str, frequency: Frequency = "daily", lag: int | None = None, scale: float = 1.0) -> SourceRef:
    return SourceRef("fred", code, frequency, DEFAULT_LAG[frequency] if lag is None else lag, scale)


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


TIC_LAG = 85
"""Business days a TIC month is normally followed by the next one: month M (dated the 1st)
is released around the 18th of M+2, M+1 a month later (~77 business days), plus a margin."""

TIC_HOLDERS: tuple[tuple[str, str, str], ...] = (
    ("japan", "japan", "Japan"),
    ("uk", "uk", "UK"),
    ("china", "china", "China"),
    ("belgium", "belgium", "Belgium"),
    ("canada", "canada", "Canada"),
    ("luxembourg", "luxembourg", "Luxembourg"),
    ("cayman", "cayman_islands", "Cayman Is."),
    ("france", "france", "France"),
)
"""(id suffix, TIC row key, display name) of the holders kept as instruments: the eight largest
in December 2025 (Belgium and Luxembourg hold custody accounts of others; the Cayman Islands
are mostly hedge funds). Every other row of the table stays available to the TIC parser."""

Z1_LAG = 195
"""Business days between a Z.1 quarter's first day and the next quarter's release (a quarter
is published about ten weeks after it ends; Q3, dated 1 July, in December, Q4 in March)."""

Z1_HOLDERS: tuple[tuple[str, str, str], ...] = (
    ("row", "BOGZ1LM263061105Q", "foreign"),
    ("fed", "BOGZ1FL713061103Q", "Fed"),
    ("households", "BOGZ1LM153061105Q", "households"),
    ("mutual_funds", "BOGZ1FL653061105Q", "mutual funds"),
    ("mmf", "BOGZ1FL633061105Q", "money funds"),
    ("banks", "BOGZ1FL763061100Q", "banks"),
)
"""(id suffix, FRED id, display name) of the Z.1 Treasury holdings by sector (USD mn on FRED;
how each id was verified is in docs/demand-sources.md)."""


def _tic(key: str, series: str, name: str, lo: float, hi: float) -> Instrument:
    """A TIC major-foreign-holders row, monthly, USD bn as published."""
    return Instrument(
        f"tic_{key}", name, "USD bn", "%", (SourceRef("tic", series, "monthly", TIC_LAG),), lo, hi, group="holders"
    )


def _z1(code: str) -> SourceRef:
    """A Z.1 level on FRED, quarterly, scaled from USD mn to USD bn."""
    return _fred(code, "quarterly", Z1_LAG, scale=0.001)


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
    # ---- who holds Treasuries (docs/demand-sources.md) -------------------------------
    _tic("total", "grand_total", "TIC total", 100.0, 50000.0),
    _tic("official", "foreign_official", "TIC official", 50.0, 30000.0),
    *(_tic(key, series, f"TIC {name}", 0.0, 10000.0) for key, series, name in TIC_HOLDERS),
    Instrument(
        "custody_official",
        "Official custody",
        "USD bn",
        "%",
        (_fred("WMTSECL1", "weekly", scale=0.001),),  # FRED: USD mn
        100.0,
        20000.0,
        group="holders",
    ),
    *(
        Instrument(f"z1_{key}", f"Z.1 {name}", "USD bn", "%", (_z1(code),), 0.0, 50000.0, group="holders")
        for key, code, name in Z1_HOLDERS
    ),
    # ---- how much there is to buy, and what it costs -------------------------------------
    Instrument(
        "debt_total_daily",
        "Debt total daily",
        "USD bn",
        "%",
        (SourceRef("fiscaldata", "tot_pub_debt_out_amt", "daily", 2),),  # the provider gives USD bn
        1000.0,
        500000.0,
        group="supply",
    ),
    Instrument(
        "debt_public_daily",
        "Debt pub. daily",
        "USD bn",
        "%",
        (SourceRef("fiscaldata", "debt_held_public_amt", "daily", 2),),
        1000.0,
        500000.0,
        group="supply",
    ),
    Instrument(
        "interest_outlays",
        "Interest outlays",
        "USD bn",
        "%",
        (_fred("FYOINT", "annual", scale=0.001),),  # FRED: USD mn
        0.0,
        20000.0,
        group="supply",
    ),
    Instrument("interest_gdp", "Interest/GDP", "%", "pp", (_fred("FYOIGDA188S", "annual"),), 0.0, 30.0, group="supply"),
    Instrument(
        "deficit_gdp",
        "Deficit/GDP",
        "%",
        "pp",
        # FRED publishes the surplus (negative in deficit years); the sign is turned so that
        # a larger deficit reads as a larger number.
        (_fred("FYFSGDA188S", "annual", scale=-1.0),),
        -20.0,
        50.0,
        group="supply",
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
