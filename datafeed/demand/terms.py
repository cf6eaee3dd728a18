"""Provides security terms and the canonical tenor keys auctions are grouped by.

Treasury writes terms as ``"10-Year"``, ``"13-Week"``, ``"42-Day"`` and, for a reopening,
the *remaining* term: ``"9-Year 11-Month"``, ``"29-Year 10-Month"``, ``"8-Week"`` (a
17-week bill reopened). Demand measures compare an auction with earlier auctions *of the
same security line*, so auctions are grouped by the original term (``originalSecurityTerm``)
and the remaining term is only shown. :func:`tenor_key` turns either into a short key
(``10y``, ``13w``, ``9y11m``) that sorts and compares without string games.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PART = re.compile(r"(\d+)\s*-?\s*(year|yr|month|mo|week|wk|day)s?\b", re.I)
_UNIT = {"year": "y", "yr": "y", "month": "m", "mo": "m", "week": "w", "wk": "w", "day": "d"}

PAR_CURVE_COLUMNS: dict[str, str] = {
    "4w": "1 Mo",
    "6w": "1.5 Month",
    "8w": "2 Mo",
    "13w": "3 Mo",
    "17w": "4 Mo",
    "26w": "6 Mo",
    "52w": "1 Yr",
    "2y": "2 Yr",
    "3y": "3 Yr",
    "5y": "5 Yr",
    "7y": "7 Yr",
    "10y": "10 Yr",
    "20y": "20 Yr",
    "30y": "30 Yr",
}
"""Par yield curve column (Treasury's daily CSV) nearest each standard original tenor.

Bills are matched to the curve point of the same length (a 13-week bill to ``3 Mo``); the
par curve is bond-equivalent, so it is compared with a bill's investment rate, not its
discount rate.
"""


@dataclass(frozen=True, slots=True)
class Term:
    """A parsed term: whole years, months, weeks and days (most are one non-zero part)."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    @property
    def key(self) -> str:
        """Compact key: ``10y``, ``9y11m``, ``13w``, ``42d`` (``0d`` for an empty term)."""
        parts = [
            f"{n}{u}" for n, u in ((self.years, "y"), (self.months, "m"), (self.weeks, "w"), (self.days, "d")) if n
        ]
        return "".join(parts) or "0d"

    @property
    def in_years(self) -> float:
        """Approximate length in years (52 weeks and 364 days count as one year)."""
        return self.years + self.months / 12 + self.weeks / 52 + self.days / 364


def parse_term(text: str) -> Term | None:
    """Parse ``"9-Year 11-Month"``, ``"13-Week"``, ``"42-Day"``; None if nothing matches.

    Zero parts (``"10-Year 0-Month"``, as in ``securityTermDayMonth``) are allowed.
    """
    found = _PART.findall(text or "")
    if not found:
        return None
    total = {"y": 0, "m": 0, "w": 0, "d": 0}
    for number, unit in found:
        total[_UNIT[unit.lower()]] += int(number)
    return Term(years=total["y"], months=total["m"], weeks=total["w"], days=total["d"])


def tenor_key(text: str) -> str | None:
    """The canonical key of a term text (``"30-Year"`` → ``"30y"``), or None if unreadable."""
    term = parse_term(text)
    return term.key if term else None


def par_curve_column(tenor: str) -> str | None:
    """The par-curve column label for a tenor key (``"10y"`` → ``"10 Yr"``), or None."""
    return PAR_CURVE_COLUMNS.get(tenor)
