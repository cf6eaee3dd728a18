"""Provides market calendars so that "late" means late, not "it is Sunday".

Three calendars, each a set of full-close dates on top of Saturday/Sunday:

``us`` — the US Treasury cash market per SIFMA's recommendations
    SIFMA (the fixed-income trade association) recommends full and early closes for
    trading US-dollar fixed income; dealers follow them, and FRED/H.15/Treasury publish no
    yields on its full-close days (every weekday without a DGS10 value since 2000 is a full
    close here, and vice versa). The rules below reproduce SIFMA's published pattern:

    Full closes: New Year's Day, Martin Luther King Jr. Day (bond markets since 1998),
    Presidents Day, Good Friday, Memorial Day, Juneteenth (from 2022: SIFMA skipped 2021
    because the law passed two days before), Independence Day, Labor Day, Columbus Day,
    Veterans Day, Thanksgiving, Christmas.

    Weekend observance: a Sunday holiday is observed on the Monday. A Saturday holiday is
    *not* moved to Friday — SIFMA's stated policy is not to recommend a close while Fedwire
    operates, and the Federal Reserve Banks stay open on the Friday before a Saturday
    holiday (New Year's Day 2022 and 2011, Veterans Day 2017 and 2023 were normal Fridays).
    The exceptions SIFMA makes every time are Independence Day and Christmas, which it
    closes on the Friday (2020-07-03, 2021-12-24, 2026-07-03).

    Juneteenth on a Saturday (2027-06-19, 2032-06-19) is UNCONFIRMED: SIFMA published its
    2027 schedule on 17 Dec 2025 (press release "SIFMA Issues 2026 and 2027 Fixed Income
    Recommendations"), but its table could not be read here. Until it can, the Friday is
    treated like the Fedwire days, i.e. open (the Federal Reserve does not move Saturday
    holidays; SIFMA said in 2021 it would not close while Fedwire is open). NYSE closes
    that Friday, and python-holidays' SIFMA calendar does too; check before June 2027.

    Good Friday: a full close, except in years when the Bureau of Labor Statistics
    publishes the employment report that day; SIFMA then recommends a 12:00 ET early
    close instead (2010, 2012, 2015, 2021, 2023, 2026; 11:00 in 2007). The report comes out
    on the third Friday after the week (Sunday–Saturday) that contains the 12th of the
    month, which this module uses to decide future years (next: 2034).

    Early closes at 14:00 ET. Since SIFMA's policy change of 3 April 2009 ("SIFMA Changes
    Early Close Recommendation Policy": twelve standing early closes cut to five): the
    Thursday before Good Friday — only when Good Friday itself is a full close; in the
    employment-report years SIFMA names just the Good Friday noon close (its 20 March 2026
    confirmation recommends "an early close at 12:00 p.m. ... on Friday, April 3, 2026" and
    nothing for Thursday 2 April) — the Friday before Memorial Day, the day after
    Thanksgiving, the business day before the observed Christmas and the last weekday of
    the year; the business day before the observed Independence Day was added back from
    2014. Before 3 April 2009 SIFMA also closed early on the Friday before Martin Luther
    King Jr. Day, Presidents Day, Labor Day and Columbus Day, the day before Independence
    Day, the day before the observed Veterans Day and the day before Thanksgiving.

    One-off decisions are listed in :data:`US_ADHOC_CLOSES` and :data:`US_ADHOC_EARLY`
    (11 and 12 September 2001, the Reagan, Ford, Bush and Carter days of mourning,
    Hurricane Sandy 2012).

    Trading hours: cash Treasuries trade electronically almost around the clock, but the
    New York session that SIFMA's early-close times refer to runs 08:00–17:00 ET; triffin
    calls the market open in that window (to 14:00 on an early close, 12:00 on an early-close
    Good Friday).

``de`` — TARGET2 (the euro payment system's closing days, which €STR and the Bundesbank
    daily yields follow): New Year's Day, Good Friday, Easter Monday, 1 May, 25 and 26
    December, plus the additional closing day 31 December 2001 (the euro cash changeover;
    ECB press release of 14 December 2000). German regional holidays are not TARGET2
    closing days.

``jp`` — Japanese bank holidays (TONA, MOF JGB yields): 31 December to 3 January plus the
    national holidays under the Act on National Holidays as in force each year: fixed
    dates, the "Happy Monday" moves (Coming of Age and Sports Day from 2000, Marine Day and
    Respect for the Aged Day from 2003), the two equinoxes from the standard astronomical
    approximation, substitute holidays for Sundays (the next day until 2006, the next
    non-holiday from 2007) and the sandwiched "citizens' holiday" (which was 4 May itself
    until 2006), with the 2019 enthronement and 2020/2021 Olympic one-offs.

A test (tests/test_calendar_crosscheck.py) compares all three with python-holidays for
2000–2035 and lists every accepted difference with its reason; the runtime never imports
that package: building 2000–2035 for all three markets takes ~2 ms here against ~60 ms with
python-holidays (measured on the 2-core development machine), plus ~40 ms to import it.

All dates are local dates in the market's own time zone.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from zoneinfo import ZoneInfo

    from datafeed.catalog import Instrument

MARKETS: tuple[str, ...] = ("us", "de", "jp")
"""Calendars this module knows."""


def source_market(source: str) -> str:
    """The calendar whose business days ``source``'s publication lag is counted in.

    Each provider declares it (``Provider.market``); an unknown source counts in ``us``.
    Reading it loads the provider registry, which imports no network code.
    """
    from datafeed.providers import provider_class

    provider = provider_class(source)
    return provider.market if provider is not None else "us"


@lru_cache(maxsize=1)
def new_york() -> ZoneInfo:
    """New York time (``ET``): SIFMA quotes its closes in it.

    Built on first use, not at import: :mod:`zoneinfo` (with the ``sysconfig`` it reads for
    the time-zone path) and the zone file cost ~2 ms, and the dashboard's first frame, which
    imports this module for lateness, never asks for a wall-clock time in New York (issue 20).
    """
    from zoneinfo import ZoneInfo

    return ZoneInfo("America/New_York")


def __getattr__(name: str) -> ZoneInfo:
    """``ET`` (New York time) for ``from datafeed.market_calendar import ET``, built on first use."""
    if name == "ET":
        return new_york()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


US_OPEN = dt.time(8, 0)
"""Start of the New York cash Treasury session triffin uses (ET)."""

US_CLOSE = dt.time(17, 0)
"""End of the New York cash Treasury session triffin uses (ET)."""

US_EARLY_CLOSE = dt.time(14, 0)
"""SIFMA's standard early close (ET)."""

US_GOOD_FRIDAY_EARLY_CLOSE = dt.time(12, 0)
"""SIFMA's early close on a Good Friday with an employment report (ET)."""

US_ADHOC_CLOSES: frozenset[dt.date] = frozenset(
    {
        dt.date(2001, 9, 11),  # Attacks on the World Trade Center: markets shut; no H.15 yields.
        dt.date(2001, 9, 12),  # The Bond Market Association kept the market closed.
        dt.date(2004, 6, 11),  # National day of mourning, President Reagan.
        dt.date(2012, 10, 30),  # Hurricane Sandy: SIFMA recommended a full close.
        dt.date(2018, 12, 5),  # National day of mourning, President G. H. W. Bush.
    }
)
"""Unscheduled full closes (H.15 / FRED DGS10 has no value on any of them)."""

US_ADHOC_EARLY: dict[dt.date, dt.time | None] = {
    dt.date(2004, 1, 2): dt.time(14, 0),  # Day after New Year's Day (SIFMA's 2004 schedule).
    dt.date(2007, 1, 2): dt.time(14, 0),  # National day of mourning, President Ford.
    dt.date(2007, 4, 6): dt.time(11, 0),  # Good Friday with the jobs report: 11:00, not 12:00.
    dt.date(2010, 12, 31): None,  # SIFMA recommended a full trading day (last day of 2010).
    dt.date(2012, 10, 29): dt.time(12, 0),  # Hurricane Sandy.
    dt.date(2025, 1, 9): dt.time(14, 0),  # National day of mourning, President Carter.
}
"""Unscheduled early closes (None removes a rule-based early close).

The 2004 and 2007 entries follow SIFMA's archive of its 1996–2019 recommendations as
transcribed by python-holidays (the cross-check test's reference); the others follow
SIFMA's press releases of the time.
"""

SIFMA_EARLY_CLOSE_CUT = dt.date(2009, 4, 3)
"""SIFMA cut its standing early closes from twelve to five, effective this day."""

US_JULY3_EARLY_CLOSE_BACK = 2014
"""First year SIFMA again recommended an early close before Independence Day."""

_MON, _TUE, _WED, _THU, _FRI, _SAT, _SUN = range(7)


# --------------------------------------------------------------------------- helpers


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th ``weekday`` of a month (n = -1 for the last one)."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _weekday_before(d: dt.date) -> dt.date:
    """The last Monday–Friday date strictly before ``d``."""
    d -= dt.timedelta(days=1)
    while d.weekday() >= _SAT:
        d -= dt.timedelta(days=1)
    return d


def _sunday_to_monday(d: dt.date) -> dt.date | None:
    """SIFMA/Fedwire observance: Sunday moves to Monday, Saturday is not observed."""
    if d.weekday() == _SUN:
        return d + dt.timedelta(days=1)
    if d.weekday() == _SAT:
        return None
    return d


def _nearest_weekday(d: dt.date) -> dt.date:
    """Observance SIFMA uses for Independence Day and Christmas: Sat→Fri, Sun→Mon."""
    if d.weekday() == _SAT:
        return d - dt.timedelta(days=1)
    if d.weekday() == _SUN:
        return d + dt.timedelta(days=1)
    return d


def _weekdays_through(d: dt.date) -> int:
    """Number of Monday–Friday dates from 0001-01-01 (a Monday) through ``d``."""
    n = d.toordinal()
    weeks, rest = divmod(n, 7)
    return weeks * 5 + min(rest, 5)


# --------------------------------------------------------------------------- US (SIFMA)


def us_employment_report_day(year: int, month: int) -> dt.date:
    """The BLS employment report day for the previous month's data, by BLS's usual rule.

    The Employment Situation is normally released on the third Friday after the end of
    the reference week (the Sunday–Saturday week containing the 12th). For the March
    report this lands on the first Friday of April in the years SIFMA turned Good Friday
    into an early close (2010-04-02, 2015-04-03, 2021-04-02, 2023-04-07, 2026-04-03).
    """
    twelfth = dt.date(year, month - 1, 12) if month > 1 else dt.date(year - 1, 12, 12)
    week_end = twelfth + dt.timedelta(days=(_SAT - twelfth.weekday()) % 7)
    first_friday = week_end + dt.timedelta(days=(_FRI - week_end.weekday()) % 7)
    return first_friday + dt.timedelta(days=14)


def _good_friday_is_early_close(good_friday: dt.date) -> bool:
    """True when the March employment report falls on Good Friday (SIFMA: 12:00 close)."""
    return us_employment_report_day(good_friday.year, 4) == good_friday


@lru_cache(maxsize=256)
def _us_year(year: int) -> tuple[frozenset[dt.date], dict[dt.date, dt.time]]:
    """Full closes and early closes (date → close time) of one calendar year."""
    closes: set[dt.date] = set()
    early: dict[dt.date, dt.time] = {}

    def add(d: dt.date | None) -> None:
        if d is not None and d.year == year:
            closes.add(d)

    add(_sunday_to_monday(dt.date(year, 1, 1)))
    mlk = _nth_weekday(year, 1, _MON, 3) if year >= 1998 else None
    add(mlk)
    presidents = _nth_weekday(year, 2, _MON, 3)
    add(presidents)
    good_friday = easter_sunday(year) - dt.timedelta(days=2)
    if _good_friday_is_early_close(good_friday):
        # Only the Good Friday noon close: SIFMA names no early close for the Thursday.
        early[good_friday] = US_GOOD_FRIDAY_EARLY_CLOSE
    else:
        add(good_friday)
        early[good_friday - dt.timedelta(days=1)] = US_EARLY_CLOSE
    memorial = _nth_weekday(year, 5, _MON, -1)
    add(memorial)
    early[memorial - dt.timedelta(days=3)] = US_EARLY_CLOSE
    if year >= 2022:
        add(_sunday_to_monday(dt.date(year, 6, 19)))
    independence = _nearest_weekday(dt.date(year, 7, 4))
    add(independence)
    july3 = _weekday_before(independence)
    if july3 < SIFMA_EARLY_CLOSE_CUT or year >= US_JULY3_EARLY_CLOSE_BACK:
        early[july3] = US_EARLY_CLOSE
    labor = _nth_weekday(year, 9, _MON, 1)
    add(labor)
    columbus = _nth_weekday(year, 10, _MON, 2)
    add(columbus)
    veterans = _sunday_to_monday(dt.date(year, 11, 11))
    add(veterans)
    thanksgiving = _nth_weekday(year, 11, _THU, 4)
    add(thanksgiving)
    early[thanksgiving + dt.timedelta(days=1)] = US_EARLY_CLOSE
    christmas = _nearest_weekday(dt.date(year, 12, 25))
    add(christmas)
    early[_weekday_before(christmas)] = US_EARLY_CLOSE
    early[_weekday_before(dt.date(year + 1, 1, 1))] = US_EARLY_CLOSE
    # The seven standing early closes SIFMA dropped on 3 April 2009.
    standing = [presidents, labor, columbus, thanksgiving, mlk, veterans]
    before = [_weekday_before(d) for d in standing if d is not None]
    for d in before:
        if d < SIFMA_EARLY_CLOSE_CUT:
            early[d] = US_EARLY_CLOSE

    closes |= {d for d in US_ADHOC_CLOSES if d.year == year}
    for d, t in US_ADHOC_EARLY.items():
        if d.year != year:
            continue
        if t is None:
            early.pop(d, None)
        else:
            early[d] = t
    early = {d: t for d, t in early.items() if d not in closes and d.weekday() < _SAT}
    return frozenset(closes), early


def us_holidays(year: int) -> frozenset[dt.date]:
    """SIFMA full-close weekdays of ``year``."""
    return _us_year(year)[0]


def is_trading_day(d: dt.date) -> bool:
    """True when the US Treasury cash market trades on ``d`` (early closes included)."""
    return d.weekday() < _SAT and d not in _us_year(d.year)[0]


def early_close(d: dt.date) -> dt.time | None:
    """SIFMA's early close time (ET) on ``d``, or None for a normal day or a full close."""
    return _us_year(d.year)[1].get(d)


def is_open(now_utc: dt.datetime) -> bool:
    """True while the New York cash Treasury session is open.

    Args:
        now_utc: an aware datetime (any zone); a naive one is taken as UTC.

    The session is 08:00–17:00 ET on trading days, ending at the early close where SIFMA
    recommends one.
    """
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=dt.UTC)
    local = now_utc.astimezone(new_york())
    day = local.date()
    if not is_trading_day(day):
        return False
    close = early_close(day) or US_CLOSE
    return US_OPEN <= local.time() < close


# --------------------------------------------------------------------------- DE (TARGET2)


TARGET2_ADHOC_CLOSES: frozenset[dt.date] = frozenset(
    {
        dt.date(2001, 12, 31),  # Euro cash changeover (ECB press release, 14 December 2000).
    }
)
"""Additional TARGET closing days the ECB announced."""


@lru_cache(maxsize=256)
def target2_holidays(year: int) -> frozenset[dt.date]:
    """TARGET2 closing days of ``year`` (weekend dates included; harmless)."""
    easter = easter_sunday(year)
    days = {
        dt.date(year, 1, 1),
        easter - dt.timedelta(days=2),
        easter + dt.timedelta(days=1),
        dt.date(year, 5, 1),
        dt.date(year, 12, 25),
        dt.date(year, 12, 26),
    }
    return frozenset(days | {d for d in TARGET2_ADHOC_CLOSES if d.year == year})


# --------------------------------------------------------------------------- JP


def _equinox_day(year: int, base: float) -> int:
    """Day of month of an equinox by the standard approximation (valid 1980–2099)."""
    k = year - 1980
    return int(base + 0.242194 * k - k // 4)


_JP_ONE_OFF: dict[int, tuple[set[dt.date], set[dt.date]]] = {
    # year: (added, removed)
    2019: ({dt.date(2019, 4, 30), dt.date(2019, 5, 1), dt.date(2019, 5, 2), dt.date(2019, 10, 22)}, set()),
    2020: (
        {dt.date(2020, 7, 23), dt.date(2020, 7, 24), dt.date(2020, 8, 10)},
        {dt.date(2020, 7, 20), dt.date(2020, 10, 12), dt.date(2020, 8, 11)},
    ),
    2021: (
        {dt.date(2021, 7, 22), dt.date(2021, 7, 23), dt.date(2021, 8, 8)},
        {dt.date(2021, 7, 19), dt.date(2021, 10, 11), dt.date(2021, 8, 11)},
    ),
}
"""Enthronement (2019) and Tokyo Olympics (2020, 2021) moves of national holidays."""


@lru_cache(maxsize=256)
def jp_national_holidays(year: int) -> frozenset[dt.date]:
    """Japanese national holidays of ``year`` (substitute and citizens' holidays included)."""
    happy_monday = year >= 2000  # Coming of Age Day and Sports Day moved to Mondays
    happy_monday_2 = year >= 2003  # ... then Marine Day and Respect for the Aged Day
    law_2007 = year >= 2007  # 4 May a holiday of its own; substitutes skip holidays
    days = {
        dt.date(year, 1, 1),
        _nth_weekday(year, 1, _MON, 2) if happy_monday else dt.date(year, 1, 15),  # Coming of Age
        dt.date(year, 2, 11),  # National Foundation Day
        dt.date(year, 3, _equinox_day(year, 20.8431)),  # Vernal Equinox Day
        dt.date(year, 4, 29),  # Showa Day (Greenery Day until 2006)
        dt.date(year, 5, 3),  # Constitution Memorial Day
        dt.date(year, 5, 5),  # Children's Day
        dt.date(year, 9, _equinox_day(year, 23.2488)),  # Autumnal Equinox Day
        _nth_weekday(year, 10, _MON, 2) if happy_monday else dt.date(year, 10, 10),  # Sports Day
        dt.date(year, 11, 3),  # Culture Day
        dt.date(year, 11, 23),  # Labour Thanksgiving Day
    }
    if law_2007:
        days.add(dt.date(year, 5, 4))  # Greenery Day
    if year >= 1996:
        days.add(_nth_weekday(year, 7, _MON, 3) if happy_monday_2 else dt.date(year, 7, 20))  # Marine Day
    days.add(_nth_weekday(year, 9, _MON, 3) if happy_monday_2 else dt.date(year, 9, 15))  # Respect for the Aged
    if year >= 2016:
        days.add(dt.date(year, 8, 11))  # Mountain Day
    if year >= 2020:
        days.add(dt.date(year, 2, 23))  # Emperor's Birthday (Reiwa)
    elif year <= 2018:
        days.add(dt.date(year, 12, 23))  # Emperor's Birthday (Heisei)
    added, removed = _JP_ONE_OFF.get(year, (set(), set()))
    days = (days - removed) | added
    # Citizens' holiday: a weekday squeezed between two holidays (4 May until 2006).
    for d in sorted(days):
        gap = d + dt.timedelta(days=2)
        middle = d + dt.timedelta(days=1)
        if gap in days and middle not in days and middle.weekday() != _SUN:
            days.add(middle)
    # Substitute holiday for a holiday on a Sunday: the next day (until 2006), the next
    # day that is not a holiday (from 2007).
    for d in sorted(days):
        if d.weekday() == _SUN:
            sub = d + dt.timedelta(days=1)
            while law_2007 and sub in days:
                sub += dt.timedelta(days=1)
            days.add(sub)
    return frozenset(d for d in days if d.year == year)


@lru_cache(maxsize=256)
def jp_bank_holidays(year: int) -> frozenset[dt.date]:
    """Days Japanese banks and the money market are closed (national + 31 Dec–3 Jan)."""
    extra = {dt.date(year, 1, 2), dt.date(year, 1, 3), dt.date(year, 12, 31)}
    return jp_national_holidays(year) | extra


# --------------------------------------------------------------------------- generic


def _holidays(year: int, market: str) -> frozenset[dt.date]:
    if market == "us":
        return us_holidays(year)
    if market == "de":
        return target2_holidays(year)
    if market == "jp":
        return jp_bank_holidays(year)
    raise ValueError(f"unknown market {market!r} (known: {', '.join(MARKETS)})")


def is_business_day(d: dt.date, market: str = "us") -> bool:
    """True when ``market`` is open on ``d`` (weekday and not a closing day)."""
    return d.weekday() < _SAT and d not in _holidays(d.year, market)


def previous_business_day(d: dt.date, market: str = "us") -> dt.date:
    """The last business day of ``market`` strictly before ``d``."""
    d -= dt.timedelta(days=1)
    while not is_business_day(d, market):
        d -= dt.timedelta(days=1)
    return d


def business_days_between(a: dt.date, b: dt.date, market: str = "us") -> int:
    """Business days ``d`` with ``a < d <= b`` (negative when ``b`` is before ``a``).

    So Friday → Monday is 1 and Friday → Friday is 0: the number of business days that
    have *begun* since ``a``, which is what a publication lag is counted in.
    """
    if b < a:
        return -business_days_between(b, a, market)
    if b == a:
        return 0
    _holidays(a.year, market)  # validate market early
    count = _weekdays_through(b) - _weekdays_through(a)
    for year in range(a.year, b.year + 1):
        count -= sum(1 for h in _holidays(year, market) if a < h <= b and h.weekday() < _SAT)
    return count


def is_late(last_obs: dt.date, today: dt.date, lag_days: int, market: str = "us") -> bool:
    """The ``late`` flag (docs/contract.md): the newest observation is older than the lag allows.

    Late when more than ``lag_days`` business days of ``market`` have begun since
    ``last_obs``. A Monday showing Friday's close is one business day old, so it is not
    late with any lag of 1 or more; a closed Monday (a holiday) does not count either.

    Args:
        last_obs: date of the newest observation held.
        today: the current date in the market's time zone.
        lag_days: business days within which a new value is normally published
            (``SourceRef.lag_days``).
        market: ``us``, ``de`` or ``jp`` (see :func:`source_market`).
    """
    return business_days_between(last_obs, today, market) > lag_days


def instrument_is_late(
    inst_id: str | Instrument,
    last: dt.date,
    today: dt.date,
    source_tag: str | None = None,
    legs: Sequence[tuple[Instrument, dt.date, str | None]] | None = None,
) -> bool:
    """True when ``last`` is older than the usual publication lag of the instrument's source.

    The source is the one that tagged the value (``source_tag``), else the instrument's
    first; counted in that source's market's business days (:func:`source_market`), so a
    Monday showing Friday's close is not late and neither is a holiday.

    Args:
        inst_id: the instrument (from the catalog in force), or a built-in's id.
        legs: for a spread, each leg with its newest value's date and source: the spread
            is late when a leg is (a UST−Bund dated at the end of FRED's last monthly Bund
            average is as new as that leg's schedule allows, not late). Without them each leg
            is judged on ``last`` by its primary source.
    """
    if legs:
        return any(instrument_is_late(leg, day, today, tag) for leg, day, tag in legs)
    if isinstance(inst_id, str):
        from datafeed.catalog import CATALOG

        found = CATALOG.get(inst_id)
        if found is None:  # not a built-in: pass the Instrument from the catalog in force
            return is_late(last, today, 2, "us")
        inst = found
    else:
        inst = inst_id
    if inst.derived is not None:
        # A spread is dated on the day its legs share: late when that day is late for a leg.
        from datafeed.catalog import CATALOG

        return any(leg in CATALOG and instrument_is_late(CATALOG[leg], last, today) for leg in inst.derived.legs)
    refs = list(inst.sources) + ([inst.intraday] if inst.intraday else [])
    ref = next((r for r in refs if source_tag and r.tag == source_tag), None)
    if ref is None and refs:
        ref = refs[0]
    lag = ref.lag_days if ref else 2
    market = source_market(ref.source) if ref else "us"
    return is_late(last, today, lag, market)


__all__ = [
    "MARKETS",
    "US_ADHOC_CLOSES",
    "US_ADHOC_EARLY",
    "US_CLOSE",
    "US_EARLY_CLOSE",
    "US_GOOD_FRIDAY_EARLY_CLOSE",
    "US_OPEN",
    "business_days_between",
    "early_close",
    "new_york",
    "easter_sunday",
    "instrument_is_late",
    "is_business_day",
    "is_late",
    "is_open",
    "is_trading_day",
    "jp_bank_holidays",
    "jp_national_holidays",
    "previous_business_day",
    "source_market",
    "target2_holidays",
    "us_employment_report_day",
    "us_holidays",
]
