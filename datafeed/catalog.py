"""Provides the instrument catalog as data (docs/extending-instruments.md), and the catalog value in force.

Each instrument has one canonical id, a unit, how its changes are quoted, how it is shown
(decimals, group, the unit label next to its value, the horizon of its change), and an
ordered list of sources: end-of-day history from official keyless sources first, fallbacks
after, and optionally an intraday quote that extends the series past the last official
close. Sources that have no provider installed are simply skipped by the scheduler.

The built-in instruments are :data:`INSTRUMENTS`; users add their own in the config file
(``[[instruments]]``, parsed by :func:`instrument_from_mapping`). The catalog in force is a
:class:`Catalog` value built once from both and handed to the store, the feed, the cache,
exports and screens, which read it rather than the built-in :data:`CATALOG`
(docs/extending-instruments.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Literal, TypeGuard

from datafeed.records import record

ChangeUnit = Literal["bp", "%", "pts", "pp"]
Frequency = Literal["daily", "weekly", "monthly", "quarterly", "annual"]

CHANGE_UNITS: tuple[str, ...] = ("bp", "%", "pts", "pp")
"""How a change may be quoted: basis points, percent, points, percentage points."""

FREQUENCIES: tuple[Frequency, ...] = ("daily", "weekly", "monthly", "quarterly", "annual")
"""Every frequency, highest first (the order frame and feed rank them in)."""

HORIZONS: dict[str, str] = {"daily": "1D", "weekly": "1W", "monthly": "1M", "quarterly": "1Q", "annual": "1Y"}
"""The horizon of "the change since the previous observation" by frequency, as labelled on screen."""

HORIZON_DAYS: dict[str, int] = {"1D": 1, "1W": 7, "1M": 30, "1Q": 91, "1Y": 365}
"""Calendar days a change horizon spans: which look-backs say something beyond it, and how far
back a derived instrument's change reaches when a leg is not daily."""


def coarsest_horizon(horizons: Iterable[str]) -> str:
    """The longest of ``horizons`` (``1D`` when there is none).

    Why: a spread of a daily and a monthly leg moves, between two of its values, only by the
    daily leg; a change that includes the monthly leg's move spans a month (docs/contract.md).
    """
    return max(horizons, key=lambda h: HORIZON_DAYS.get(h, 1), default="1D")


DEFAULT_LAG: dict[Frequency, int] = {"daily": 2, "weekly": 8, "monthly": 45, "quarterly": 130, "annual": 600}
"""FRED's usual lag by frequency, in business days after the observation date within which the
*next* value is normally out. A Wednesday level (H.4.1) is out the next day, so the following
Wednesday's is out eight business days after the first. A fiscal-year ratio is dated 1 January
of its fiscal year and published with the budget about fourteen months after that; the next
year's follows twelve months later (~26 months, ~570 business days, plus a margin)."""

GROUP_TITLES: dict[str, str] = {
    "treasuries": "Treasuries",
    "funding": "Funding & hedge legs",
    "abroad": "Bunds & JGBs",
    "spreads": "Spreads",
    "dollar": "Dollar & FX",
    "risk": "Risk",
    "credit": "Credit",
    "fiscal": "Fiscal",
    "holders": "Holders",
    "supply": "Supply",
    "history": "Long history",
    "user": "Your instruments",
}
"""Built-in group ids and the heading each is shown under; any other group is shown as written."""


def group_title(group: str) -> str:
    """The heading of a group: a built-in group's title, else the group as written."""
    return GROUP_TITLES.get(group, group)


@record
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


DERIVED_SOURCE = "derived"
"""Tag prefix of a derived instrument's values: ``derived:ust10y-ust2y``."""


@record
class Derivation:
    """How a derived instrument's value is computed from other instruments: a weighted sum
    of its legs times ``scale`` (``(ust10y - ust2y) * 100`` is the 2s10s curve in bp).

    Why data and not a formula: a spread a trader reads every day belongs in the catalog
    with the instruments (drill-down, alerts, export, snapshot), with one provenance per
    value (:attr:`tag`) and the date its legs have in common, not in each user's config.

    Attributes:
        terms: (leg instrument id, weight) pairs, in the order they are written.
        scale: multiply the weighted sum by this (100: percent legs to basis points).
    """

    terms: tuple[tuple[str, float], ...]
    scale: float = 100.0

    @property
    def legs(self) -> tuple[str, ...]:
        """The instrument ids it is computed from."""
        return tuple(leg for leg, _weight in self.terms)

    @property
    def expr(self) -> str:
        """The arithmetic in a few characters: ``ust10y-ust2y`` (weights other than ±1 shown)."""
        out = ""
        for leg, weight in self.terms:
            sign = "-" if weight < 0 else ("+" if out else "")
            size = abs(weight)
            out += sign + (leg if size == 1 else f"{size:g}*{leg}")
        return out

    @property
    def tag(self) -> str:
        """The source tag of every value it gives: ``derived:ust10y-ust2y``."""
        return f"{DERIVED_SOURCE}:{self.expr}"


@record
class Instrument:
    """One row of the catalog.

    Attributes:
        id: canonical id used everywhere (config, JSON, signals).
        name: short display name.
        unit: unit of the stored values (``%``, ``index``, ``USD bn`` ...); JSON and exports
            always use it.
        change: how a change is quoted: ``bp`` for rates and spreads, ``%`` for prices.
        sources: end-of-day sources in priority order.
        lo: lowest plausible value (validation rejects below).
        hi: highest plausible value (validation rejects above).
        intraday: optional intraday quote source.
        group: display group (a key of :data:`GROUP_TITLES`, or a heading of its own).
        decimals: decimals shown on screen, in the display unit.
        display_unit: the unit label shown next to the value ("" = ``unit``).
        display_scale: multiply a stored value by this to show it in ``display_unit``
            (IG OAS is stored in % as FRED publishes it and shown in bp as traders quote it).
        user: True for an instrument defined in the config file.
        nonzero: a value of exactly 0 is impossible (a 10-year yield, an equity index):
            validation refuses it as a placeholder, not a price.
        weekdays: official values are dated Monday to Friday only (closes of markets that
            do not trade at weekends): a Saturday or Sunday date is refused.
        derived: how it is computed from other instruments (a spread); such an instrument
            has no source of its own, its values are tagged ``derived:<expr>``.
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
    decimals: int = 2
    display_unit: str = ""
    display_scale: float = 1.0
    user: bool = False
    nonzero: bool = False
    weekdays: bool = False
    derived: Derivation | None = None

    @property
    def frequency(self) -> Frequency:
        """Frequency of the primary source (``daily`` when there is none)."""
        return self.sources[0].frequency if self.sources else "daily"

    @property
    def horizon(self) -> str:
        """What the change since the previous observation spans: ``1D``, ``1W``, ``1M``, ``1Q``."""
        return HORIZONS[self.frequency]

    def horizon_of(self, tag: str | None) -> str:
        """The horizon of a change between two values from the source ``tag`` (``fred:ID``).

        Why not :attr:`horizon`: the primary's frequency is not always the one on screen;
        ``bund10y`` is daily from the Bundesbank but the FRED fallback is a monthly average,
        whose change since the previous value spans a month. Unknown tags (a demo tag, a
        source no longer in the catalog) fall back to the primary's.
        """
        return HORIZONS[self.frequency_of(tag)]

    def frequency_of(self, tag: str | None) -> Frequency:
        """The frequency of the source ``tag`` (the primary's for an unknown tag): how long a
        value from it stands for (a monthly average stands for its month)."""
        ref = next((r for r in self.sources if tag is not None and r.tag == tag), None)
        return ref.frequency if ref is not None else self.frequency

    @property
    def bp_scale(self) -> float:
        """Basis points in one stored unit: 100 for a rate stored in %, 1 for a spread in bp."""
        return 1.0 if self.unit == "bp" else 100.0

    @property
    def label(self) -> str:
        """The unit shown next to a value on screen."""
        return self.display_unit or self.unit

    def shown(self, value: float) -> float:
        """A stored value in the display unit (display only: JSON keeps the catalog unit)."""
        return value * self.display_scale

    def format(self, value: float | None, *, unit: bool = True) -> str:
        """A value as shown on screen: display unit, decimals, thousands separators."""
        if value is None or not math.isfinite(value):
            return "n/a"
        text = f"{self.shown(value):,.{self.decimals}f}"
        return f"{text} {self.label}" if unit and self.label else text

    @property
    def group_title(self) -> str:
        """The heading this instrument is shown under."""
        return group_title(self.group)


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
        decimals=3,
        # The 3-month bill has printed 0.00 (2011, 2020); notes and bonds never have.
        nonzero=tenor != "3M",
        weekdays=True,
    )


def _rate(
    id: str,
    name: str,
    sources: tuple[SourceRef, ...],
    lo: float,
    hi: float,
    group: str,
    display_unit: str = "",
    display_scale: float = 1.0,
) -> Instrument:
    """A rate or spread stored in %, its changes in bp, shown with three decimals (0 in bp)."""
    decimals = 0 if display_unit == "bp" else 3
    return Instrument(
        id,
        name,
        "%",
        "bp",
        sources,
        lo,
        hi,
        group=group,
        decimals=decimals,
        display_unit=display_unit,
        display_scale=display_scale,
    )


def _spread(id: str, name: str, long: str, short: str) -> Instrument:
    """A spread between two rates, stored and quoted in bp (``long − short``)."""
    return Instrument(
        id,
        name,
        "bp",
        "bp",
        (),
        -3000.0,
        3000.0,
        group="spreads",
        decimals=1,
        derived=Derivation(((long, 1.0), (short, -1.0))),
    )


def _bund(tenor: str, years: str) -> Instrument:
    """A Bund par yield from the Bundesbank's daily term structure (Svensson, residual maturity)."""
    key = f"BBSIS.D.I.ZST.ZI.EUR.S1311.B.A604.R{years}XX.R.A.A._Z._Z.A"
    return _rate(
        f"bund{tenor.lower()}", f"Bund {tenor}", (SourceRef("bundesbank", key, "daily", 2),), -3.0, 20.0, "abroad"
    )


def _jgb(tenor: str) -> Instrument:
    """A JGB yield from the Ministry of Finance's daily curve file (every tenor in one file)."""
    return _rate(f"jgb{tenor.lower()}", f"JGB {tenor}", (SourceRef("mof", tenor, "daily", 2),), -2.0, 15.0, "abroad")


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

Z1_TOTAL = "BOGZ1FL893061105Q"
"""Z.1 L.210 line 4, all sectors' Treasury holdings: the denominator of the holders' shares
(docs/exhibits.md, exhibit 1)."""

Z1_FLOWS: tuple[tuple[str, str, str], ...] = (
    ("total", "BOGZ1FU313161105Q", "Z.1 net issuance"),
    ("row", "BOGZ1FU263061105Q", "Z.1 buys foreign"),
    ("fed", "BOGZ1FU713061103Q", "Z.1 buys Fed"),
    ("mmf", "BOGZ1FU633061105Q", "Z.1 buys MMF"),
)
"""(id suffix, FRED id, display name) of the Z.1 Treasury transactions (net purchases in the
quarter, not seasonally adjusted, USD mn on FRED; the total is the federal government's net
issuance, F.210 line 1; docs/exhibits.md, exhibit 7)."""

DISCONTINUED_LAG = 30_000
"""The lag of a series that ended decades ago (about 115 years of business days): no newer value
is expected, so it is not late; small enough for the calendars to count back through."""


def _tic(key: str, series: str, name: str, lo: float, hi: float) -> Instrument:
    """A TIC major-foreign-holders row, monthly, USD bn to one decimal as published (1185.5)."""
    return Instrument(
        f"tic_{key}",
        name,
        "USD bn",
        "%",
        (SourceRef("tic", series, "monthly", TIC_LAG),),
        lo,
        hi,
        group="holders",
        decimals=1,
    )


def _z1(code: str) -> SourceRef:
    """A Z.1 level on FRED, quarterly, scaled from USD mn to USD bn."""
    return _fred(code, "quarterly", Z1_LAG, scale=0.001)


def _history(inst_id: str, name: str, code: str, unit: str, lo: float, hi: float, *, ended: bool) -> Instrument:
    """A monthly series of the long stock-bond history (exhibit 8), on FRED.

    Yields are stored in % with changes in bp like every yield; stock indexes in their
    index points with changes in %. The NBER Macrohistory series ended decades ago
    (``ended``): they are never late.
    """
    ref = _fred(code, "monthly", DISCONTINUED_LAG if ended else None)
    if unit == "%":
        return Instrument(inst_id, name, "%", "bp", (ref,), lo, hi, group="history", decimals=2)
    return Instrument(inst_id, name, unit, "%", (ref,), lo, hi, group="history", decimals=2)


INSTRUMENTS: tuple[Instrument, ...] = (
    # The par curve as the Treasury publishes it (FRED republishes each tenor as DGS*).
    _ust("1M", "DGS1MO", "1 Mo", None),
    _ust("3M", "DGS3MO", "3 Mo", "^IRX"),
    _ust("6M", "DGS6MO", "6 Mo", None),
    _ust("1Y", "DGS1", "1 Yr", None),
    _ust("2Y", "DGS2", "2 Yr", None),
    _ust("3Y", "DGS3", "3 Yr", None),
    _ust("5Y", "DGS5", "5 Yr", "^FVX"),
    _ust("7Y", "DGS7", "7 Yr", None),
    _ust("10Y", "DGS10", "10 Yr", "^TNX"),
    _ust("20Y", "DGS20", "20 Yr", None),
    _ust("30Y", "DGS30", "30 Yr", "^TYX"),
    _rate("tbill3m", "T-bill 3M", (_fred("DTB3"),), -2.0, 25.0, "treasuries"),
    _rate("sofr", "SOFR", (SourceRef("nyfed", "SOFR", "daily", 2), _fred("SOFR")), -2.0, 25.0, "funding"),
    _bund("2Y", "02"),
    _bund("5Y", "05"),
    _rate(
        "bund10y",
        "Bund 10Y",
        (
            SourceRef("bundesbank", "BBSIS.D.I.ZST.ZI.EUR.S1311.B.A604.R10XX.R.A.A._Z._Z.A", "daily", 2),
            _fred("IRLTLT01DEM156N", "monthly", 60),
        ),
        -3.0,
        20.0,
        "abroad",
    ),
    _rate(
        "estr",
        "€STR",
        (SourceRef("ecb", "EST.B.EU000A2X2A25.WT", "daily", 2), _fred("ECBESTRVOLWGTTRMDMNRT")),
        -3.0,
        20.0,
        "funding",
    ),
    _bund("30Y", "30"),
    _jgb("2Y"),
    _jgb("5Y"),
    _rate(
        "jgb10y",
        "JGB 10Y",
        (SourceRef("mof", "10Y", "daily", 2), _fred("IRLTLT01JPM156N", "monthly", 60)),
        -2.0,
        15.0,
        "abroad",
    ),
    _jgb("20Y"),
    _jgb("30Y"),
    _rate("tona", "TONA", (SourceRef("boj", "FM01'STRDCLUCON", "daily", 2),), -2.0, 15.0, "funding"),
    _rate("jpy3m", "JPY 3M (stale)", (_fred("IR3TIB01JPM156N", "monthly", 60),), -2.0, 15.0, "funding"),
    # ---- spreads: computed from the rows above on the dates their legs share (DERIVED_SOURCE)
    _spread("ust2s10s", "2s10s", "ust10y", "ust2y"),
    _spread("ust5s30s", "5s30s", "ust30y", "ust5y"),
    _spread("ust3m10y", "3M10Y", "ust10y", "ust3m"),
    _spread("ust_bund10y", "UST−Bund 10Y", "ust10y", "bund10y"),
    _spread("ust_jgb10y", "UST−JGB 10Y", "ust10y", "jgb10y"),
    _spread("ust_jgb30y", "UST−JGB 30Y", "ust30y", "jgb30y"),
    _spread("sofr_estr", "SOFR−€STR", "sofr", "estr"),  # the hedged Bund pickup's funding leg
    _spread("sofr_tona", "SOFR−TONA", "sofr", "tona"),  # the hedged JGB pickups' funding leg
    Instrument("usd_broad", "USD broad", "index", "%", (_fred("DTWEXBGS", lag=7),), 50.0, 250.0, group="dollar"),
    Instrument("dxy", "DXY (ICE)", "index", "%", (), 50.0, 200.0, intraday=_yahoo("DX-Y.NYB"), group="dollar"),
    # FX: stored as the pair is quoted; the label is the quote currency (EUR/USD 1.16 = 1.16 USD per EUR).
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
        decimals=4,
        display_unit="USD",
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
        display_unit="JPY",
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
        decimals=4,
        display_unit="CHF",
    ),
    Instrument(
        "vix", "VIX", "pts", "pts", (_fred("VIXCLS"),), 5.0, 150.0, intraday=_yahoo("^VIX"), group="risk", weekdays=True
    ),
    Instrument(
        "spx",
        "S&P 500",
        "index",
        "%",
        (_fred("SP500"),),
        100.0,
        50000.0,
        intraday=_yahoo("^GSPC"),
        group="risk",
        weekdays=True,
    ),
    # OAS: FRED publishes % (0.84); traders quote bp (84 bp). Shown in bp, stored in %.
    _rate("ig_oas", "IG OAS", (_fred("BAMLC0A0CM"),), 0.1, 10.0, "credit", display_unit="bp", display_scale=100.0),
    _rate("hy_oas", "HY OAS", (_fred("BAMLH0A0HYM2"),), 1.0, 30.0, "credit", display_unit="bp", display_scale=100.0),
    _rate("aaa10y", "Aaa − 10Y", (_fred("AAA10Y"),), -3.0, 10.0, "credit"),
    _rate("term_premium_10y", "Term prem 10Y", (_fred("THREEFYTP10"),), -5.0, 10.0, "treasuries"),
    Instrument("gold", "Gold", "USD/oz", "%", (), 100.0, 20000.0, intraday=_yahoo("GC=F"), group="risk", decimals=1),
    Instrument(
        "debt_gdp",
        "Debt/GDP",
        "%",
        "pp",
        (_fred("FYGFGDQ188S", "quarterly"),),
        10.0,
        300.0,
        group="fiscal",
        decimals=1,
    ),
    Instrument(
        "debt_public",
        "Debt (public)",
        "USD mn",
        "%",
        (_fred("FYGFDPUN", "quarterly"),),
        1e5,
        1e9,
        group="fiscal",
        decimals=0,
        # Stored in USD mn as FRED publishes it; shown in USD bn like every other debt row
        # (ten digits widened the Last column until Age no longer fitted at 120x40).
        display_unit="USD bn",
        display_scale=0.001,
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
        decimals=0,
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
        decimals=0,
    ),
    *(
        # Z.1's tables print billions to one decimal (rest of the world 2025:Q4 = 9,224.4).
        Instrument(f"z1_{key}", f"Z.1 {name}", "USD bn", "%", (_z1(code),), 0.0, 50000.0, group="holders", decimals=1)
        for key, code, name in Z1_HOLDERS
    ),
    Instrument(
        "z1_total", "Z.1 all holders", "USD bn", "%", (_z1(Z1_TOTAL),), 1.0, 100000.0, group="holders", decimals=1
    ),
    *(
        # Net purchases in the quarter: they change sign, so changes are in USD bn (pts), not %.
        Instrument(
            f"z1_flow_{key}",
            name,
            "USD bn",
            "pts",
            (_z1(code),),
            -20000.0,
            20000.0,
            group="holders",
            decimals=1,
        )
        for key, code, name in Z1_FLOWS
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
        decimals=0,
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
        decimals=0,
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
        decimals=0,
    ),
    Instrument(
        "interest_gdp",
        "Interest/GDP",
        "%",
        "pp",
        (_fred("FYOIGDA188S", "annual"),),
        0.0,
        30.0,
        group="supply",
        decimals=1,  # OMB's historical tables print percent of GDP to a tenth
    ),
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
        decimals=1,
    ),
    # ---- the long stock-bond history (docs/exhibits.md, exhibit 8) ------------------------
    _history("equity_nber", "Stocks NBER", "M1125AUSM343NNBR", "index", 0.1, 5000.0, ended=True),
    _history("equity_oecd", "Stocks OECD US", "SPASTT01USM661N", "index", 0.1, 50000.0, ended=False),
    _history("ust_long_1919", "UST long 1919-44", "M1333AUSM156NNBR", "%", -2.0, 25.0, ended=True),
    _history("ust_long_1941", "UST long 1941-67", "M1333BUSM156NNBR", "%", -2.0, 25.0, ended=True),
    _history("ust10y_monthly", "UST 10Y monthly", "GS10", "%", -2.0, 25.0, ended=False),
)
"""Every built-in instrument, in display order."""


class Catalog(Mapping[str, Instrument]):
    """The instruments in force, by id, in display order: a value, not a global.

    Why a value: users add instruments in the config file, so the set of instruments is
    known only once the config is read. The store, feed, cache, exports and screens are
    handed the one in force (``Config.catalog``; the built-in :data:`CATALOG` when there is
    no config) instead of reading a module-level table.
    """

    __slots__ = ("_items",)

    def __init__(self, instruments: Iterable[Instrument] = ()) -> None:
        items: dict[str, Instrument] = {}
        for inst in instruments:
            if inst.id in items:
                raise ValueError(f"duplicate instrument id {inst.id!r}")
            items[inst.id] = inst
        self._items = items

    def __getitem__(self, instrument_id: str) -> Instrument:
        return self._items[instrument_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, instrument_id: object) -> bool:
        return instrument_id in self._items

    def __repr__(self) -> str:
        return f"Catalog({len(self)} instruments: {', '.join(self._items)})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Catalog):
            return list(self._items.items()) == list(other._items.items())
        return super().__eq__(other)

    def __hash__(self) -> int:
        """Immutable, so hashable (a frozen config holds it)."""
        return hash(tuple(self._items.values()))

    @property
    def instruments(self) -> tuple[Instrument, ...]:
        """Every instrument, in display order."""
        return tuple(self._items.values())

    @property
    def user(self) -> tuple[Instrument, ...]:
        """The instruments defined in the config file."""
        return tuple(i for i in self._items.values() if i.user)

    def extended(self, extra: Iterable[Instrument]) -> Catalog:
        """This catalog plus ``extra``: each goes after the last instrument of its group
        (so the table shows it under that group's heading), or at the end for a new group.

        Raises:
            ValueError: an id that is already taken.
        """
        order = list(self._items.values())
        for inst in extra:
            if inst.id in self._items or any(o.id == inst.id for o in order):
                raise ValueError(f"duplicate instrument id {inst.id!r}")
            last = max((n for n, o in enumerate(order) if o.group == inst.group), default=len(order) - 1)
            order.insert(last + 1, inst)
        return Catalog(order)

    def get_instrument(self, instrument_id: str) -> Instrument:
        """The instrument with this id.

        Raises:
            KeyError: with a message listing the known ids.
        """
        try:
            return self._items[instrument_id]
        except KeyError:
            raise KeyError(f"unknown instrument {instrument_id!r} (known: {', '.join(self._items)})") from None


CATALOG: Catalog = Catalog(INSTRUMENTS)
"""The built-in instruments, by id (the catalog in force when no config adds any)."""


def get(instrument_id: str) -> Instrument:
    """Return the built-in instrument with this id.

    Raises:
        KeyError: with a message listing the known ids.
    """
    return CATALOG.get_instrument(instrument_id)


# --------------------------------------------------------------------------- user instruments

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
"""An instrument id: lower-case letters, digits and ``_``, starting with a letter."""

USER_KEYS: dict[str, str] = {
    "id": "canonical id (lower case, digits, _), unique among instruments",
    "name": "display name (default: the id)",
    "unit": "unit of the values, as the source publishes them after `scale`",
    "sources": 'end-of-day sources in priority order, each "source:SERIES"',
    "change": "how a change is quoted: bp (values in %), %, pts or pp",
    "frequency": "daily, weekly, monthly, quarterly or annual (every source of the instrument)",
    "lag_days": "business days within which a new value is normally published",
    "scale": "multiply the source's numbers by this to get `unit`",
    "lo": "lowest plausible value (lower ones are refused and counted)",
    "hi": "highest plausible value",
    "group": "table group: a built-in one (treasuries, funding, abroad, dollar, risk, credit, fiscal) or a heading",
    "decimals": "decimals shown on screen",
}
"""The keys of an ``[[instruments]]`` table, with one line of documentation each."""

USER_GROUP = "user"
"""The group of a user instrument that names none."""


class InstrumentError(ValueError):
    """A bad ``[[instruments]]`` table: the message, and the key it is about (for file:line)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


def _text(d: Mapping[str, object], key: str, default: str | None, limit: int) -> str:
    value = d.get(key, default)
    if not isinstance(value, str):
        raise InstrumentError(f"'{key}' must be a string", key)
    value = value.strip()
    if not value or len(value) > limit or not value.isprintable():
        raise InstrumentError(f"'{key}' must be 1 to {limit} printable characters, not {value!r}", key)
    return value


def _number(d: Mapping[str, object], key: str, default: float) -> float:
    value = d.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise InstrumentError(f"'{key}' must be a number", key)
    return float(value)


def _is_frequency(value: object) -> TypeGuard[Frequency]:
    """True for one of :data:`FREQUENCIES` (narrows a config value to the Literal type)."""
    return value in FREQUENCIES


def _is_change_unit(value: object) -> TypeGuard[ChangeUnit]:
    """True for one of :data:`CHANGE_UNITS` (narrows a config value to the Literal type)."""
    return value in CHANGE_UNITS


def _integer(d: Mapping[str, object], key: str, default: int, lo: int, hi: int) -> int:
    value = d.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InstrumentError(f"'{key}' must be a whole number from {lo} to {hi}, not {value!r}", key)
    return value


def instrument_from_mapping(
    d: Mapping[str, object],
    *,
    sources: Iterable[str],
    taken: Iterable[str] = (),
) -> Instrument:
    """Build a user instrument from one config ``[[instruments]]`` table.

    Args:
        d: the table (keys in :data:`USER_KEYS`; ``id``, ``unit`` and ``sources`` required).
        sources: the installed source names (``source:SERIES`` must name one of them).
        taken: ids already used (built-in instruments, earlier tables).

    Raises:
        InstrumentError: one line naming the problem and the key it is about.
    """
    unknown = [k for k in d if k not in USER_KEYS]
    if unknown:
        raise InstrumentError(f"unknown key '{unknown[0]}' (known: {', '.join(USER_KEYS)})", unknown[0])
    for key in ("id", "unit", "sources"):
        if key not in d:
            raise InstrumentError(f"needs '{key}' ({USER_KEYS[key]})", None)
    raw_id = d["id"]
    if not isinstance(raw_id, str) or not ID_PATTERN.match(raw_id):
        raise InstrumentError(f"id {raw_id!r} must be lower-case letters, digits and '_', starting with a letter", "id")
    if raw_id in set(taken):
        raise InstrumentError(f"id {raw_id!r} is already an instrument", "id")
    name = _text(d, "name", raw_id, 40)
    unit = _text(d, "unit", None, 16)
    frequency = d.get("frequency", "daily")
    if not _is_frequency(frequency):
        raise InstrumentError(f"'frequency' must be one of {', '.join(FREQUENCIES)}, not {frequency!r}", "frequency")
    change = d.get("change", "bp" if unit == "%" else "%")
    if not _is_change_unit(change):
        raise InstrumentError(f"'change' must be one of {', '.join(CHANGE_UNITS)}, not {change!r}", "change")
    if change == "bp" and unit != "%":
        raise InstrumentError(
            f"change 'bp' reads values in % (x100); unit is {unit!r}: use change = \"pts\" for a series in bp",
            "change",
        )
    lag = _integer(d, "lag_days", DEFAULT_LAG[frequency], 0, 400)
    scale = _number(d, "scale", 1.0)
    if scale == 0 or not math.isfinite(scale):
        raise InstrumentError("'scale' must be a finite number other than 0", "scale")
    lo, hi = _number(d, "lo", -math.inf), _number(d, "hi", math.inf)
    if not lo < hi:
        raise InstrumentError(f"'lo' ({lo:g}) must be below 'hi' ({hi:g})", "lo" if "lo" in d else "hi")
    group = _text(d, "group", USER_GROUP, 32)
    decimals = _integer(d, "decimals", 3 if unit == "%" else 2, 0, 8)
    raw_sources = d["sources"]
    if isinstance(raw_sources, str):
        raw_sources = [raw_sources]
    if not isinstance(raw_sources, list) or not raw_sources:
        raise InstrumentError("'sources' must be a list like [\"fred:DGS10\"]", "sources")
    known = tuple(sources)
    refs: list[SourceRef] = []
    for item in raw_sources:
        source, sep, series = item.partition(":") if isinstance(item, str) else ("", "", "")
        series = series.strip()
        if not sep or not series or not series.isprintable():
            raise InstrumentError(f'sources entry {item!r} must be "source:SERIES", like "fred:DGS10"', "sources")
        if source not in known:
            raise InstrumentError(f"unknown source {source!r} in {item!r} (known: {', '.join(known)})", "sources")
        refs.append(SourceRef(source, series, frequency, lag, scale))
    return Instrument(
        raw_id,
        name,
        unit,
        change,
        tuple(refs),
        lo,
        hi,
        group=group,
        decimals=decimals,
        user=True,
    )
