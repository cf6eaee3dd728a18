"""Cross-checks the own market calendars against python-holidays, 2000–2035.

``datafeed/market_calendar.py`` is triffin's only calendar at run time (no data files, no
dependency, ~30x quicker to build than python-holidays). To know it is right, this test
compares every date of 2000–2035 with an independent implementation:

* US bond market: ``holidays.financial_holidays("XSIF")``, python-holidays' SIFMA calendar
  (full closes = category ``public``, early closes with their times = ``half_day``). The
  NYSE calendar (``XNYS``) is not the reference: the bond market closes on Columbus Day and
  Veterans Day and stays open on days the stock exchange shuts (2007-01-02, ...).
* TARGET2: ``holidays.financial_holidays("XECB")``, every date including weekends.
* Japanese banks: ``holidays.Japan`` (national holidays, every date including weekends)
  plus the bank holidays 31 December, 2 and 3 January.

Every difference the two disagree on is listed below with the reason it is accepted; the
tests fail on any new difference *and* on a listed one that went away, so a broken rule in
``market_calendar.py`` and a stale entry here are both caught.

python-holidays is a test-only dependency (pyproject ``test`` extra, pinned so that the
reference does not move under the list); the last test proves the runtime never imports it.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import holidays
import pytest
from holidays.constants import HALF_DAY, PUBLIC

from datafeed import market_calendar as mc

D = dt.date
YEARS = range(2000, 2036)
FIRST, LAST = D(YEARS[0], 1, 1), D(YEARS[-1], 12, 31)
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Deviation:
    """One accepted disagreement: what we say, what the reference says, and why."""

    ours: object
    reference: object
    reason: str


# --------------------------------------------------------------------------- accepted deviations

US_FULL_CLOSE_DEVIATIONS: dict[dt.date, Deviation] = {
    D(2001, 9, 11): Deviation(
        ours="closed",
        reference="open",
        reason="The bond market shut on the morning of the attacks and H.15 published no "
        "Treasury yields that day (FRED DGS10 is blank on 2001-09-11); the reference lists "
        "only the 12th.",
    ),
    D(2027, 6, 18): Deviation(
        ours="open",
        reference="closed",
        reason="Juneteenth 2027 is a Saturday. SIFMA's 2027 schedule (issued 2025-12-17) could "
        "not be read here, so this is UNCONFIRMED: we keep the Fedwire rule (the Fed does not "
        "move Saturday holidays; SIFMA said in 2021 it does not close while Fedwire runs); the "
        "reference moves it to Friday as NYSE does. Check before June 2027.",
    ),
    D(2032, 6, 18): Deviation(
        ours="open",
        reference="closed",
        reason="Juneteenth 2032 is a Saturday: same unconfirmed rule as 2027-06-18.",
    ),
    D(2034, 4, 7): Deviation(
        ours="open",
        reference="closed",
        reason="Good Friday 2034 falls on the BLS employment-report day (third Friday after "
        "the reference week of March), so our rule predicts SIFMA's 12:00 early close; the "
        "reference only knows the years SIFMA has announced (last: 2026).",
    ),
}
"""Weekdays where the US full-close status differs (``ours``/``reference``: closed/open)."""

US_EARLY_CLOSE_DEVIATIONS: dict[dt.date, Deviation] = {
    D(2004, 11, 10): Deviation(
        ours=dt.time(14, 0),
        reference=None,
        reason="Before SIFMA's 3 April 2009 policy change the day before Veterans Day was one "
        "of its twelve standing early closes (named in that press release); the reference's "
        "year list for it skips 2004 (and 1997-1999) without a stated reason, so the rule stays.",
    ),
    D(2034, 4, 6): Deviation(
        ours=None,
        reference=dt.time(14, 0),
        reason="Follows from 2034-04-07: in an employment-report year SIFMA names only the "
        "Good Friday noon close, no Thursday early close (as in 2021, 2023, 2026).",
    ),
    D(2034, 4, 7): Deviation(
        ours=dt.time(12, 0),
        reference=None,
        reason="Predicted employment-report Good Friday (see the full-close list).",
    ),
}
"""Weekdays where the US early-close time differs (None = no early close)."""

TARGET2_DEVIATIONS: dict[dt.date, Deviation] = {}
"""None: the own TARGET2 calendar matches python-holidays' ECB calendar on every date."""

JP_DEVIATIONS: dict[dt.date, Deviation] = {}
"""None: the own Japanese calendar matches python-holidays on every date, weekends included."""


# --------------------------------------------------------------------------- helpers


def _days(weekdays_only: bool) -> list[dt.date]:
    out, d = [], FIRST
    while d <= LAST:
        if not weekdays_only or d.weekday() < 5:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def _close_time(name: str) -> dt.time:
    """``"... (markets close at 2:00pm)"`` → 14:00 (python-holidays' half-day labels)."""
    m = re.search(r"close at (\d{1,2}):(\d{2})\s*([ap]m)", name)
    assert m, f"unexpected half-day label {name!r}"
    hour = int(m[1]) % 12 + (12 if m[3] == "pm" else 0)
    return dt.time(hour, int(m[2]))


def _expected(deviations: dict[dt.date, Deviation]) -> dict[dt.date, tuple[object, object]]:
    return {d: (v.ours, v.reference) for d, v in deviations.items()}


@pytest.fixture(scope="module")
def sifma() -> tuple[holidays.HolidayBase, holidays.HolidayBase]:
    full = holidays.financial_holidays("XSIF", years=YEARS, categories=(PUBLIC,))
    half = holidays.financial_holidays("XSIF", years=YEARS, categories=(HALF_DAY,))
    return full, half


# --------------------------------------------------------------------------- the reference is real


def test_the_reference_calendars_are_populated(sifma: tuple[holidays.HolidayBase, holidays.HolidayBase]) -> None:
    # Guards against a reference that silently returns nothing (which would make every
    # comparison below pass for the wrong reason).
    full, half = sifma
    for year in YEARS:
        assert sum(1 for d in full if d.year == year and d.weekday() < 5) >= 9, year
        assert sum(1 for d in half if d.year == year) >= 3, year
    assert len(holidays.financial_holidays("XECB", years=YEARS)) >= 6 * len(YEARS)
    assert len(holidays.Japan(years=YEARS)) >= 15 * len(YEARS)


# --------------------------------------------------------------------------- US (SIFMA)


def test_us_full_closes_match_sifma_reference(sifma: tuple[holidays.HolidayBase, holidays.HolidayBase]) -> None:
    full, _ = sifma
    found = {}
    for d in _days(weekdays_only=True):
        ours = "open" if mc.is_trading_day(d) else "closed"
        ref = "closed" if d in full else "open"
        if ours != ref:
            found[d] = (ours, ref)
    assert found == _expected(US_FULL_CLOSE_DEVIATIONS)


def test_us_early_closes_match_sifma_reference(sifma: tuple[holidays.HolidayBase, holidays.HolidayBase]) -> None:
    _, half = sifma
    found = {}
    for d in _days(weekdays_only=True):
        ours = mc.early_close(d)
        ref = _close_time(half[d]) if d in half else None
        if ours != ref:
            found[d] = (ours, ref)
    assert found == _expected(US_EARLY_CLOSE_DEVIATIONS)


def test_the_thursdays_before_an_early_close_good_friday_are_full_days(
    sifma: tuple[holidays.HolidayBase, holidays.HolidayBase],
) -> None:
    # The three dates issue 14 named, checked against the reference directly as well.
    _, half = sifma
    for thursday in (D(2021, 4, 1), D(2023, 4, 6), D(2026, 4, 2)):
        assert thursday not in half
        assert mc.early_close(thursday) is None and mc.is_trading_day(thursday)


# --------------------------------------------------------------------------- TARGET2


def test_target2_matches_the_ecb_reference() -> None:
    ref = holidays.financial_holidays("XECB", years=YEARS)
    found = {}
    for d in _days(weekdays_only=False):
        ours = d in mc.target2_holidays(d.year)
        if ours != (d in ref):
            found[d] = ("closed" if ours else "open", "closed" if d in ref else "open")
    assert found == _expected(TARGET2_DEVIATIONS)


# --------------------------------------------------------------------------- Japan


def test_japanese_national_holidays_match_the_reference() -> None:
    ref = holidays.Japan(years=YEARS)
    found = {}
    for d in _days(weekdays_only=False):
        ours = d in mc.jp_national_holidays(d.year)
        if ours != (d in ref):
            found[d] = ("closed" if ours else "open", "closed" if d in ref else "open")
    assert found == _expected(JP_DEVIATIONS)


def test_japanese_bank_holidays_add_the_year_end_closure() -> None:
    ref = holidays.Japan(years=YEARS)
    bank_only = {(12, 31), (1, 2), (1, 3)}
    found = {}
    for d in _days(weekdays_only=True):
        ref_closed = d in ref or (d.month, d.day) in bank_only
        if mc.is_business_day(d, "jp") == ref_closed:
            found[d] = ("open" if mc.is_business_day(d, "jp") else "closed", "closed" if ref_closed else "open")
    assert found == _expected(JP_DEVIATIONS)


# --------------------------------------------------------------------------- runtime


RUNTIME_PACKAGES = ("datafeed", "tui", "widgets", "themes")


def test_no_runtime_module_imports_holidays() -> None:
    pattern = re.compile(r"^\s*(import\s+holidays\b|from\s+holidays\b)", re.MULTILINE)
    offenders = [
        str(path.relative_to(ROOT))
        for package in RUNTIME_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_runtime_never_loads_holidays() -> None:
    # A fresh interpreter: this test module itself has imported holidays.
    code = (
        "import sys, datetime as dt\n"
        "import tui.cli, tui.app, datafeed.feed, datafeed.snapshot\n"
        "from datafeed import market_calendar as mc\n"
        "d = dt.date(2026, 4, 2)\n"
        "mc.is_open(dt.datetime(2026, 4, 2, 15, tzinfo=dt.UTC)); mc.early_close(d)\n"
        "for m in mc.MARKETS: mc.business_days_between(dt.date(2000, 1, 1), dt.date(2035, 12, 31), m)\n"
        "mc.is_late(dt.date(2026, 4, 1), d, 1)\n"
        "print(sorted(n for n in sys.modules if n == 'holidays' or n.startswith('holidays.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
