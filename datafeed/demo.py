"""Provides the DEMO feed: a deterministic, seeded, **SYNTHETIC** market (DESIGN.md §6).

!!! SYNTHETIC DATA: NOT MARKET PRICES !!!
Every number produced here is invented by a random generator. The generator is calibrated
so that levels, volatilities and cross-market structure look plausible, and so that the
thesis of the seed note can be demonstrated end to end, but none of it is a copy of real
data and none of it may be read as a market price. It exists for offline use,
screenshots and tests.

Rules for callers, which the rest of triffin relies on:

- every observation carries the source tag ``demo:<id>`` (see :func:`is_demo_source`);
- anything showing it must say ``DEMO`` (:data:`DEMO_LABEL`) on screen, and snapshot
  output must say ``"mode": "demo"``;
- it is **never** written to the disk cache and **never** mixed into a store that holds
  live data.

How the synthetic market is built, and why:

- *Anchors.* Each instrument follows a slow piecewise-linear path through coarse,
  hand-calibrated knots (a few per year). The knots set the macro regime (rate cycles,
  the dollar cycle, Debt/GDP rising from about 33 % to above 100 %), so screens show
  familiar orders of magnitude.
- *Noise.* Around the anchors, mean-reverting AR(1) deviations driven by fat-tailed
  Student-t shocks (5 degrees of freedom) give realistic daily moves: a few bp for
  yields, about 1 % for the S&P 500 with volatility clustering tied to the synthetic
  VIX, fractions of a percent for FX. Shocks come from a handful of common factors
  (risk, US rates, global rates, dollar ...) so the cross-structure holds together:
  the curve moves as a curve, EUR/USD falls when the broad dollar rises, the VIX jumps
  when stocks fall.
- *Regimes.* The loading of Treasury yields on the risk factor flips sign around
  2021–2022, so the stock-bond correlation is negative in 2000–2020 and positive after;
  the dollar's risk-off loading fades, so the dollar-VIX correlation weakens; the dollar's
  response to US-relative rates flips after April 2025.
- *Crisis windows.* Inside each built-in episode of DESIGN.md §4 (plus the COVID
  onset that precedes the scored window) the random path is bridged so that the move
  from the episode's start to its end equals a calibrated target exactly (a Brownian
  bridge: the day-to-day noise stays, only its net drift is replaced), and the
  adjustment then decays. That is what makes the crisis grid read like the thesis
  (GFC a haven, COVID and the April 2025 tariff shock broken) for any seed.

Everything is vectorised numpy; the only Python loop over time runs over 64-day blocks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import math
import re
import zlib
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import numpy.typing as npt
import pandas as pd

from datafeed.catalog import CATALOG, INSTRUMENTS
from datafeed.demo_identity import DEMO_SEED
from datafeed.models import Observation
from datafeed.store import SeriesStore

__all__ = [
    "DEMO_LABEL",
    "DEMO_SOURCE_PREFIX",
    "NO_DEMO_SERIES",
    "SPECS",
    "DemoMarket",
    "DemoSpec",
    "is_demo_source",
    "load_demo",
]

DEMO_LABEL = "DEMO"
"""Label every screen and output showing demo data must carry."""

NO_DEMO_SERIES = "no demo series: the demo market invents only the built-in instruments"
"""Why an instrument shows no value in demo mode (``[[instruments]]`` from the config)."""

DEMO_SOURCE_PREFIX = "demo:"
"""Prefix of the ``source`` tag of every demo observation (``demo:ust10y``)."""


def is_demo_source(tag: str | None) -> bool:
    """Tell whether a ``<source>:<series>`` tag comes from the demo feed.

    Why: the cache and the live store must refuse synthetic values, and the UI must label
    them; one predicate keeps those checks identical everywhere.

    Args:
        tag: an observation's ``source`` field (None is accepted and is not demo).

    Returns:
        True for ``demo:<id>`` tags.
    """
    return isinstance(tag, str) and tag.startswith(DEMO_SOURCE_PREFIX)


# --------------------------------------------------------------------------- calibration
#
# Knot strings: "YYYY-MM[-DD] value" pairs separated by commas. A month alone means its
# first day. Values are in the instrument's catalog unit. Between knots the anchor is
# linear; before the first and after the last knot it is flat, so a demo run in a later
# year simply extends today's regime.

_KnotSpec = tuple[np.ndarray, np.ndarray]


def _knots(spec: str) -> _KnotSpec:
    """Parse a knot string into (day numbers, values), sorted by date."""
    days: list[int] = []
    values: list[float] = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        when, value = item.split()
        if re.fullmatch(r"\d{4}-\d{2}", when):
            when += "-01"
        days.append(int(np.datetime64(when, "D").astype(np.int64)))
        values.append(float(value))
    order = np.argsort(days, kind="stable")
    return np.asarray(days, dtype=np.float64)[order], np.asarray(values, dtype=np.float64)[order]


# Fed policy stance; also the anchor of the 3-month bill (before the soft zero floor).
_FED = _knots("""
    2000-01 5.4, 2000-06 6.4, 2000-12-15 6.1, 2001-01-15 5.3, 2001-06 3.7, 2001-09-20 2.8,
    2001-12-15 1.7, 2002-10-15 1.6, 2002-12 1.2, 2003-06-30 0.9, 2004-06 1.2, 2005-01 2.3,
    2006-01 4.1, 2006-07 5.0, 2007-07-15 4.95, 2007-09 4.0, 2008-01-15 3.0, 2008-04 1.3,
    2008-09 1.7, 2008-12 0.05, 2015-10 0.05, 2015-12-20 0.3, 2016-12-15 0.55, 2017-06-15 1.05,
    2017-12-15 1.4, 2018-06-15 1.95, 2018-12-20 2.45, 2019-05 2.4, 2019-08 2.05, 2019-11 1.6,
    2020-02-28 1.5, 2020-03-16 0.1, 2020-06 0.12, 2021-12-31 0.05, 2022-03-16 0.4,
    2022-06-15 1.6, 2022-09-21 3.2, 2022-12-15 4.35, 2023-05 5.2, 2023-07-26 5.45,
    2024-09 5.2, 2024-09-18 4.9, 2024-12-18 4.35, 2025-09-17 4.1, 2025-12-10 3.65, 2026-06 3.6
""")
_UST10 = _knots("""
    2000-01 6.4, 2000-05-15 6.4, 2000-12-31 5.1, 2001-06 5.3, 2001-11 4.4, 2002-04 5.3,
    2002-10 3.8, 2003-06-13 3.2, 2003-09 4.4, 2004-03-15 3.8, 2004-06-14 4.8, 2005-06 4.0,
    2006-06-28 5.2, 2007-06-12 5.2, 2007-12-31 4.0, 2008-03-17 3.4, 2008-06-13 4.2,
    2008-09-12 3.7, 2008-12-31 2.3, 2009-06-10 3.9, 2010-04-05 3.9, 2010-10-08 2.4,
    2011-02-08 3.7, 2011-07-28 2.9, 2011-09-22 1.8, 2012-07-25 1.45, 2013-05 1.65,
    2013-09-05 2.95, 2014-12-31 2.2, 2015-01-30 1.7, 2015-06-10 2.5, 2016-07-08 1.4,
    2016-12-15 2.6, 2018-11-08 3.2, 2019-09-03 1.45, 2019-12-31 1.9, 2020-02-20 1.5,
    2020-03-09 0.55, 2020-04 0.65, 2020-08-04 0.55, 2021-03-31 1.75, 2021-12-31 1.5,
    2022-06-14 3.45, 2022-08 2.6, 2022-10-21 4.25, 2023-04-06 3.3, 2023-10-19 4.95,
    2023-12-27 3.8, 2024-04-25 4.7, 2024-09-16 3.6, 2025-01-14 4.8, 2025-04-04 4.0,
    2025-05-21 4.6, 2025-10-22 4.0, 2026-03 4.2, 2026-07 4.45, 2026-11 4.25
""")
# 30Y − 10Y and 20Y − 10Y, %.
_S30 = _knots("""
    2000-01 -0.05, 2001-06 0.4, 2002-06 0.8, 2004-06 0.8, 2006-06 0.1, 2007-06 0.15,
    2008-06 0.5, 2009-06 0.9, 2010-10 1.4, 2012-06 1.1, 2014-06 0.8, 2016-06 0.75,
    2018-06 0.25, 2019-06 0.45, 2020-08 0.8, 2021-06 0.55, 2022-10 0.1, 2023-07 0.0,
    2024-06 0.2, 2025-05 0.5, 2026-06 0.6
""")
_S20 = _knots("""
    2000-01 0.15, 2002-06 0.6, 2004-06 0.6, 2006-06 0.1, 2008-06 0.45, 2009-06 0.8,
    2012-06 0.95, 2014-06 0.55, 2016-06 0.5, 2018-06 0.15, 2020-08 0.6, 2021-06 0.5,
    2023-07 0.2, 2024-06 0.35, 2025-05 0.55, 2026-06 0.5
""")
# Daily standard deviation of 10Y yield changes, bp (before VIX-linked clustering).
_RATES_VOL = _knots("""
    2000-06 5.5, 2001-06 7.0, 2003-06 7.0, 2004-06 5.8, 2005-06 4.6, 2006-06 3.9,
    2007-06 5.2, 2008-06 8.5, 2009-06 8.5, 2010-06 6.5, 2011-06 6.5, 2012-06 4.6,
    2013-06 4.9, 2014-06 4.0, 2015-06 5.2, 2016-06 4.4, 2017-06 3.6, 2018-06 3.6,
    2019-06 4.3, 2020-06 5.3, 2021-06 4.4, 2022-06 7.8, 2023-06 7.6, 2024-06 5.9,
    2025-06 5.0, 2026-06 4.6
""")
# Kim-Wright style 10Y term premium, %.
_TP = _knots("""
    2000-01 1.1, 2001-06 1.3, 2002-06 1.8, 2003-09 1.9, 2004-06 1.5, 2005-06 0.5,
    2006-06 0.3, 2007-06 0.4, 2008-06 1.0, 2009-06 1.8, 2010-06 1.5, 2011-06 1.1,
    2012-07 0.2, 2013-09 1.0, 2014-12 0.4, 2016-07 -0.3, 2017-06 0.1, 2018-11 0.3,
    2019-08 -0.6, 2020-03 -0.5, 2020-12 -0.1, 2021-06 0.1, 2022-10 0.6, 2023-10 1.0,
    2024-06 0.45, 2025-05 0.7, 2025-11 0.6, 2026-11 0.9
""")
_BUND10 = _knots("""
    2000-01 5.4, 2000-12 5.0, 2001-11 4.4, 2002-05 5.2, 2002-10 4.4, 2003-06 3.6,
    2004-06 4.3, 2005-09 3.1, 2006-07 4.0, 2007-07 4.6, 2008-06 4.6, 2008-09-12 4.15,
    2008-12-31 2.95, 2009-06 3.6, 2010-08 2.2, 2011-04 3.4, 2011-07-29 2.55, 2011-09 1.8,
    2012-07 1.25, 2013-09 2.0, 2014-12 0.55, 2015-04 0.1, 2015-06 0.9, 2016-07 -0.15,
    2016-12 0.25, 2017-12 0.4, 2018-02 0.75, 2019-08-28 -0.7, 2019-12 -0.2,
    2020-03-09 -0.8, 2020-03-18 -0.35, 2020-04 -0.45, 2020-12 -0.6, 2021-12 -0.2,
    2022-06 1.6, 2022-08 0.8, 2022-10 2.3, 2023-03-02 2.7, 2023-10 2.95, 2023-12 2.0,
    2024-05 2.6, 2024-12 2.1, 2025-03-12 2.9, 2025-04-02 2.7, 2025-06 2.55, 2025-12 2.8,
    2026-11 2.75
""")
_JGB10 = _knots("""
    2000-01 1.75, 2001-06 1.2, 2002-12 0.9, 2003-06-13 0.5, 2003-09 1.5, 2004-06 1.8,
    2005-06 1.2, 2006-05 1.95, 2007-06 1.9, 2008-06 1.8, 2008-12 1.2, 2009-06 1.5,
    2010-10 0.85, 2011-03 1.3, 2012-12 0.75, 2013-04 0.45, 2013-05 0.9, 2014-12 0.3,
    2016-02 -0.05, 2016-07 -0.25, 2016-12 0.05, 2018-07 0.05, 2019-08 -0.25, 2020-06 0.02,
    2021-12 0.07, 2022-12 0.4, 2023-01 0.5, 2023-10 0.85, 2024-05 1.05, 2024-12 1.08,
    2025-03 1.55, 2025-06 1.45, 2025-12 2.0, 2026-06 2.25, 2026-11 2.2
""")
# JGB 20Y − 10Y and 30Y − 10Y, %.
_J20S = _knots("""
    2000-01 0.45, 2003-06 0.55, 2005-06 0.7, 2008-06 0.5, 2010-06 1.0, 2012-06 1.0,
    2014-06 1.0, 2016-07 0.35, 2018-06 0.5, 2021-06 0.4, 2022-06 0.8, 2023-06 0.65,
    2024-06 0.8, 2025-05 1.1, 2026-06 1.15
""")
_J30S = _knots("""
    2000-01 0.6, 2003-06 0.8, 2005-06 0.95, 2008-06 0.75, 2010-06 1.2, 2012-06 1.2,
    2014-06 1.3, 2016-07 0.35, 2018-06 0.75, 2021-06 0.6, 2022-06 1.2, 2023-06 0.85,
    2024-06 1.2, 2025-05 1.65, 2026-06 1.35
""")
# Daily standard deviation of JGB 10Y changes, bp (low under yield-curve control).
_JGB_VOL = _knots("""
    2000-06 3.0, 2003-06 3.5, 2006-06 3.0, 2010-06 2.5, 2013-06 3.2, 2015-06 2.3,
    2016-07 2.5, 2017-06 1.0, 2021-06 1.0, 2022-06 1.6, 2023-06 2.5, 2024-06 3.0,
    2025-06 3.5
""")
# Policy rates as step functions (value holds from its date until the next).
_BOJ_STEPS = _knots("""
    2000-01 0.02, 2000-08-11 0.25, 2001-03-19 0.001, 2006-07-14 0.25, 2007-02-21 0.5,
    2008-10-31 0.3, 2008-12-19 0.1, 2016-02-16 -0.05, 2024-03-19 0.08, 2024-07-31 0.23,
    2025-01-24 0.48, 2025-12-19 0.73
""")
_ECB_DFR_STEPS = _knots("""
    2019-09-18 -0.5, 2022-07-27 0.0, 2022-09-14 0.75, 2022-11-02 1.5, 2022-12-21 2.0,
    2023-02-08 2.5, 2023-03-22 3.0, 2023-05-10 3.25, 2023-06-21 3.5, 2023-08-02 3.75,
    2023-09-20 4.0, 2024-06-12 3.75, 2024-09-18 3.5, 2024-10-23 3.25, 2024-12-18 3.0,
    2025-02-05 2.75, 2025-03-12 2.5, 2025-04-23 2.25, 2025-06-11 2.0
""")
_VIX = _knots("""
    2000-01 23, 2001-06 24, 2001-09-21 35, 2002-01 22, 2002-07-24 38, 2002-10-10 36,
    2003-04 24, 2004-01 16, 2005-01 13, 2006-12 11.5, 2007-02-26 12, 2007-08-16 26,
    2008-03-17 28, 2008-09-12 24, 2008-10-27 50, 2008-11-20 54, 2008-12-31 40, 2009-03-09 44,
    2009-12-31 22, 2010-05-20 36, 2010-12-31 18, 2011-07-29 22, 2011-08-10 40, 2011-10-03 40,
    2012-06 20, 2012-12 16, 2013-12 14, 2014-12 15, 2015-08-17 14, 2015-08-25 30, 2015-10 18,
    2016-06 17, 2016-12 12, 2017-12 10.5, 2018-02-05 28, 2018-03 18, 2018-12-24 30,
    2019-12 13, 2020-02-20 15, 2020-03-09 45, 2020-03-16 62, 2020-04-15 38, 2020-12 22,
    2021-12 19, 2022-03 30, 2022-10 31, 2023-03-13 24, 2023-12 12.5, 2024-07-31 16,
    2024-08-05 32, 2024-09 17, 2024-12 16, 2025-04-08 36, 2025-06 17, 2025-12 16, 2026-06 17
""")
_SPX = _knots("""
    2000-01 1450, 2000-03-24 1530, 2000-09 1510, 2001-04-04 1100, 2001-05-21 1310,
    2001-09-21 960, 2002-01-04 1170, 2002-07-23 800, 2002-10-09 780, 2003-03-11 810,
    2004-01 1110, 2005-01 1200, 2006-01 1260, 2007-01 1420, 2007-10-09 1560, 2008-03-10 1275,
    2008-05-19 1425, 2008-09-12 1250, 2008-11-20 760, 2008-12-31 900, 2009-03-09 680,
    2009-12-31 1115, 2010-04-23 1215, 2010-07-02 1020, 2011-04-29 1360, 2011-07-29 1290,
    2011-10-03 1100, 2012-12-31 1430, 2013-12-31 1850, 2014-12-31 2060, 2015-08-17 2100,
    2015-08-25 1870, 2016-02-11 1830, 2016-12-31 2240, 2017-12-31 2670, 2018-01-26 2870,
    2018-12-24 2350, 2019-12-31 3230, 2020-02-19 3380, 2020-03-23 2240, 2020-06-08 3230,
    2020-12-31 3750, 2021-12-31 4770, 2022-06-16 3670, 2022-08-16 4300, 2022-10-12 3580,
    2023-07-31 4590, 2023-10-27 4120, 2023-12-31 4770, 2024-07-16 5670, 2024-08-05 5190,
    2024-12-31 5880, 2025-02-19 6140, 2025-04-08 4980, 2025-06-30 6200, 2025-12-31 6850,
    2026-06-30 7150, 2026-11 7000
""")
_IG = _knots("""
    2000-01 1.45, 2000-12 2.0, 2001-09 2.0, 2002-10-10 2.9, 2003-06 1.4, 2004-06 0.95,
    2005-06 0.9, 2007-02 0.8, 2007-08 1.3, 2008-03-17 2.5, 2008-09-12 2.9, 2008-12-05 6.0,
    2008-12-31 5.7, 2009-06 3.3, 2009-12 1.8, 2010-06 2.0, 2011-01 1.5, 2011-10 2.4,
    2012-06 2.1, 2012-12 1.5, 2013-12 1.2, 2014-06 1.0, 2015-12 1.7, 2016-02-11 2.15,
    2016-12 1.3, 2017-12 0.95, 2018-12 1.55, 2019-12 1.0, 2020-02-20 0.95, 2020-03-23 3.6,
    2020-06 1.7, 2020-12 1.0, 2021-12 0.95, 2022-07 1.6, 2022-12 1.4, 2023-06 1.35,
    2023-12 1.05, 2024-06 0.9, 2024-12 0.8, 2025-04-08 1.15, 2025-06 0.9, 2025-09 0.75,
    2026-01 0.77, 2026-03 0.82, 2026-11 0.84
""")
_HY = _knots("""
    2000-01 5.3, 2000-12 8.5, 2001-09 9.5, 2002-10-10 10.5, 2003-06 6.0, 2004-06 3.8,
    2005-06 3.5, 2007-06 2.6, 2007-12 5.8, 2008-03-17 8.0, 2008-09-12 8.5, 2008-12-15 19.0,
    2009-03 17.0, 2009-12 6.4, 2010-06 6.8, 2011-04 4.7, 2011-10 8.8, 2012-12 5.4,
    2013-12 4.0, 2014-06 3.4, 2015-12 6.7, 2016-02-11 8.4, 2016-12 4.2, 2017-12 3.5,
    2018-10 3.2, 2018-12 5.3, 2019-12 3.6, 2020-02-20 3.4, 2020-03-23 10.5, 2020-06 6.5,
    2020-12 3.9, 2021-12 3.1, 2022-07 5.8, 2022-12 4.8, 2023-06 4.0, 2023-12 3.4,
    2024-12 2.9, 2025-04-08 4.5, 2025-06 3.0, 2025-12 2.9, 2026-11 2.9
""")
# Moody's Aaa − 10Y, %: the convenience proxy; falls toward ~0.6 % recently.
_AAA = _knots("""
    2000-01 1.5, 2001-01 2.1, 2002-06 1.8, 2003-06 1.9, 2004-06 1.4, 2005-06 1.0,
    2006-06 0.75, 2007-06 0.8, 2008-09-12 1.8, 2008-12-31 2.6, 2009-06 1.9, 2010-06 1.7,
    2011-09 2.2, 2012-06 1.95, 2013-12 1.65, 2014-12 1.7, 2015-06 1.7, 2016-02 1.95,
    2016-12 1.6, 2017-12 1.25, 2018-06 1.0, 2019-09 1.45, 2020-03-20 2.2, 2020-06 1.7,
    2021-06 1.25, 2021-12 1.2, 2022-06 1.05, 2023-06 0.9, 2023-12 0.78, 2024-12 0.66,
    2025-12 0.6, 2026-11 0.56
""")
_EUR = _knots("""
    2000-01 1.02, 2000-10-25 0.84, 2001-01 0.94, 2001-07 0.85, 2002-01 0.88, 2002-12 1.04,
    2003-06 1.16, 2004-02 1.27, 2004-05 1.20, 2004-12 1.35, 2005-11 1.17, 2006-12 1.32,
    2007-12 1.46, 2008-07-15 1.58, 2008-09-12 1.42, 2008-10-27 1.25, 2008-12-31 1.40,
    2009-03 1.28, 2009-11 1.50, 2010-06 1.20, 2010-11 1.40, 2011-05 1.46, 2011-12 1.30,
    2012-07 1.21, 2013-12 1.38, 2014-05 1.39, 2015-03 1.06, 2015-08-24 1.15, 2016-06-23 1.13,
    2016-12 1.04, 2018-02 1.24, 2019-09 1.09, 2020-03-09 1.14, 2020-03-19 1.07, 2020-12 1.22,
    2021-12 1.13, 2022-09-27 0.96, 2023-07 1.12, 2023-10 1.05, 2024-09 1.12, 2025-01-13 1.02,
    2025-04-02 1.08, 2025-04-21 1.15, 2025-07 1.17, 2026-01 1.17, 2026-11 1.16
""")
_JPY = _knots("""
    2000-01 105, 2001-04 124, 2002-02 134, 2003-06 118, 2004-03 106, 2005-12 120,
    2007-06 123, 2008-09-12 108, 2008-12-31 90, 2009-12 90, 2010-12 82, 2011-10 77,
    2012-10 79, 2013-05 102, 2014-12 120, 2015-06 124, 2016-06-23 105, 2016-09 101,
    2016-12 117, 2018-03 106, 2018-10 113, 2019-12 109, 2020-03-09 102, 2020-03-24 111,
    2020-12 103, 2021-12 115, 2022-10-21 150, 2023-01 128, 2023-10 150, 2024-06 160,
    2024-07-31 150, 2024-08-05 143, 2024-09 141, 2025-01 157, 2025-04 143, 2025-06 145,
    2025-12 156, 2026-06 158, 2026-11 156
""")
_CHF = _knots("""
    2000-01 1.60, 2000-10 1.80, 2001-06 1.78, 2002-12 1.40, 2004-12 1.14, 2005-11 1.32,
    2007-12 1.12, 2008-03 0.98, 2008-10 1.17, 2008-12-31 1.07, 2009-03 1.17, 2009-11 1.01,
    2010-06 1.15, 2011-08-09 0.74, 2011-09 0.89, 2012-06 0.96, 2014-12 0.98, 2015-01-16 0.86,
    2015-12 1.00, 2016-12 1.02, 2018-02 0.93, 2018-12 0.99, 2019-12 0.97, 2020-12 0.88,
    2021-12 0.92, 2022-10 1.00, 2023-07 0.86, 2023-10 0.91, 2023-12 0.84, 2024-05 0.92,
    2024-12 0.90, 2025-01 0.91, 2025-04-02 0.88, 2025-04-21 0.81, 2025-12 0.80, 2026-11 0.79
""")
# Broad trade-weighted dollar (January 2006 = 100 scale).
_BROAD = _knots("""
    2000-01 104, 2001-07 113, 2002-02 115, 2004-12 100, 2005-11 104, 2008-04 88,
    2008-09-12 94, 2008-12-31 102, 2009-03 105, 2011-07-29 89, 2012-06 96, 2014-06 95,
    2015-03 110, 2016-01 117, 2016-12 122, 2018-01 110, 2018-12 117, 2019-09 118,
    2020-03-09 117, 2020-03-23 126, 2021-01 111, 2022-10 128, 2023-07 118, 2024-06 124,
    2025-01 129, 2025-04-02 126, 2025-06 120, 2026-01 119, 2026-11 120
""")
_GOLD = _knots("""
    2000-01 285, 2001-04 260, 2002-06 320, 2003-12 410, 2005-06 430, 2006-05 700,
    2006-10 580, 2007-12 830, 2008-03-17 1000, 2008-09-12 760, 2008-10-24 720,
    2008-12-31 870, 2009-12 1120, 2010-12 1400, 2011-09-06 1880, 2012-10 1770, 2013-06 1230,
    2013-12 1210, 2014-12 1200, 2015-12 1060, 2016-07 1360, 2016-12 1150, 2017-12 1290,
    2018-08 1180, 2019-09 1520, 2020-03-09 1670, 2020-03-19 1480, 2020-08 2060, 2021-03 1690,
    2021-12 1800, 2022-03 2040, 2022-10 1630, 2023-05 2020, 2023-10 1820, 2023-12 2060,
    2024-04 2380, 2024-10 2740, 2025-01 2650, 2025-04 3200, 2025-06 3350, 2025-09 3700,
    2025-10 4200, 2025-12 4350, 2026-06 4500, 2026-11 4600
""")
# Fiscal: debt held by the public % GDP, nominal GDP (USD mn, annualised), foreign share %.
_DEBT_GDP = _knots("""
    2000-01 33.8, 2001-06 31.5, 2003-01 33.5, 2005-01 35.8, 2007-06 35.0, 2008-07 38.0,
    2009-01 44, 2009-07 52, 2010-07 60, 2011-07 66, 2012-07 70, 2014-01 72, 2016-01 76,
    2018-01 76.5, 2019-10 79, 2020-01 79, 2020-05 99, 2020-10 98, 2021-10 95, 2022-10 94,
    2023-10 96, 2024-10 97.8, 2025-07 99.8, 2026-04 101.2, 2026-11 102
""")
_GDP = _knots("""
    2000-01 9.9e6, 2001-01 10.4e6, 2002-01 10.7e6, 2004-01 11.7e6, 2006-01 13.4e6,
    2008-07 14.8e6, 2009-04 14.4e6, 2010-01 14.8e6, 2012-01 16.0e6, 2014-01 17.2e6,
    2016-01 18.4e6, 2018-01 20.2e6, 2019-10 21.9e6, 2020-01 21.7e6, 2020-05 19.9e6,
    2020-10 21.4e6, 2021-10 24.4e6, 2022-10 26.6e6, 2023-10 28.2e6, 2024-10 29.7e6,
    2025-10 31.1e6, 2026-10 32.4e6
""")
_FOREIGN_SHARE = _knots("""
    2000-01 31, 2002-01 35, 2004-01 44, 2006-01 44, 2008-07 50, 2009-07 49, 2011-07 49,
    2012-07 49, 2014-01 47, 2016-01 42, 2018-01 39, 2020-01 40, 2020-07 33.5, 2021-07 33,
    2022-07 31, 2023-07 30, 2024-07 30, 2025-07 29.5, 2026-07 29
""")
# Demand and supply (USD bn unless noted). Shapes follow the published series roughly (TIC,
# H.4.1 custody, Z.1, Debt to the Penny, OMB); the values are synthetic, like the rest.
_DEMAND_LEVELS: dict[str, _KnotSpec] = {
    "tic_official": _knots("""
        2000-01 600, 2004-01 1000, 2008-07 2400, 2011-07 3400, 2014-06 4150, 2016-12 3850,
        2019-12 4100, 2020-03 3950, 2021-06 4150, 2022-10 3600, 2024-06 3850, 2025-12 3890
    """),
    "tic_japan": _knots("""
        2000-01 320, 2004-03 680, 2008-07 590, 2011-07 910, 2014-06 1220, 2016-12 1090,
        2019-12 1150, 2021-06 1280, 2022-10 1080, 2024-06 1120, 2025-12 1185
    """),
    "tic_uk": _knots("""
        2000-01 50, 2008-07 130, 2014-06 200, 2019-12 350, 2022-10 640, 2025-12 866
    """),
    "tic_china": _knots("""
        2000-01 60, 2006-01 320, 2008-07 720, 2011-07 1310, 2013-11 1320, 2016-11 1050,
        2020-06 1070, 2022-10 910, 2024-06 780, 2025-12 684
    """),
    "tic_belgium": _knots("2000-01 30, 2014-06 360, 2019-12 200, 2022-10 330, 2025-12 477"),
    "tic_canada": _knots("2000-01 15, 2014-06 20, 2019-12 80, 2022-10 250, 2025-12 468"),
    "tic_luxembourg": _knots("2000-01 20, 2014-06 180, 2019-12 250, 2022-10 320, 2025-12 435"),
    "tic_cayman": _knots("2000-01 20, 2012-01 180, 2014-06 270, 2019-12 230, 2022-10 300, 2025-12 421"),
    "tic_france": _knots("2000-01 20, 2014-06 60, 2019-12 110, 2022-10 250, 2025-12 369"),
    "custody_official": _knots("""
        2000-01 600, 2004-01 1000, 2008-07 2400, 2011-07 2700, 2014-06 3000, 2019-12 3000,
        2020-03-04 2950, 2020-04-01 2800, 2021-06 2950, 2022-10 2700, 2024-06 2850, 2025-12 2900
    """),
    "z1_fed": _knots("""
        2000-01 510, 2008-07 480, 2009-07 780, 2011-07 1660, 2014-10 2460, 2019-07 2100,
        2020-03-01 2500, 2020-07 4300, 2022-04 5700, 2025-01 4200, 2026-06 4300
    """),
    "z1_households": _knots("2000-01 600, 2008-07 300, 2012-01 900, 2021-01 700, 2023-10 2600, 2026-06 3300"),
    "z1_mutual_funds": _knots("2000-01 200, 2010-01 700, 2019-12 1700, 2023-01 2400, 2026-06 3100"),
    "z1_mmf": _knots("2000-01 100, 2009-01 800, 2015-12 800, 2020-06 2500, 2022-10 1300, 2026-06 3200"),
    "z1_banks": _knots("2000-01 200, 2010-01 300, 2019-12 900, 2021-12 1800, 2023-10 1600, 2026-06 1700"),
    "interest_outlays": _knots("""
        2000-07 223, 2004-07 160, 2008-07 253, 2012-07 220, 2019-07 375, 2021-07 352,
        2022-07 475, 2023-07 658, 2024-07 881, 2025-07 970, 2026-07 1010
    """),
    "interest_gdp": _knots("""
        2000-07 2.2, 2004-07 1.4, 2008-07 1.7, 2012-07 1.4, 2019-07 1.8, 2021-07 1.5,
        2022-07 1.9, 2023-07 2.4, 2024-07 3.1, 2025-07 3.2, 2026-07 3.3
    """),
    "deficit_gdp": _knots("""
        2000-07 -2.3, 2001-07 -1.2, 2003-07 3.3, 2007-07 1.1, 2009-07 9.8, 2012-07 6.7,
        2015-07 2.4, 2019-07 4.6, 2020-07 14.7, 2021-07 12.1, 2022-07 5.3, 2023-07 6.2,
        2024-07 6.3, 2025-07 5.9, 2026-07 6.0
    """),
}
"""Anchors of the demand and supply instruments that have no driver in the model above."""
_DEBT_TOTAL_OVER_PUBLIC = _knots("2000-01 1.65, 2008-07 1.8, 2012-01 1.4, 2020-01 1.3, 2026-06 1.25")
"""Total public debt over debt held by the public (the gap is intragovernmental holdings)."""
_Z1_TOTAL_OVER_PUBLIC = _knots("2000-01 0.97, 2005-01 1.0, 2009-01 1.03, 2012-01 0.99, 2020-01 0.98, 2026-06 0.98")
"""Z.1's total of Treasury holders (at market value) over debt held by the public (face value)."""
_Z1_FLOWS: dict[str, str] = {
    "z1_flow_total": "z1_total",
    "z1_flow_row": "z1_row",
    "z1_flow_fed": "z1_fed",
    "z1_flow_mmf": "z1_mmf",
}
"""Z.1 net purchases (flow id → the level it is the quarterly change of)."""

# The long stock-bond history (exhibit 8), monthly, before the factor model's first day. One
# equity path (S&P composite-like points) and one yield deviation path drive the five series;
# the correlation of stock and bond returns follows _LONG_RHO: mostly positive in the 20th
# century, as the seed note says, so the 2000-2020 negative era of the daily model stands out.
_LONG_START = dt.date(1871, 1, 1)
_LONG_EQUITY = _knots("""
    1871-01 4.4, 1881-06 6.5, 1893-08 4.5, 1906-01 9.8, 1914-12 7.3, 1919-11 9.0, 1921-08 6.5,
    1929-09 31, 1932-06 4.8, 1937-03 18, 1942-04 8.0, 1946-05 18.7, 1949-06 14, 1956-07 48,
    1962-06 55, 1966-01 93, 1970-06 75, 1973-01 118, 1974-10 73, 1980-11 137, 1982-08 108,
    1987-08 330, 1987-12 245, 1990-10 307, 1995-01 465, 1999-12 1430
""")
_LONG_EQUITY_VOL = _knots(
    "1871-01 0.035, 1929-06 0.06, 1932-06 0.12, 1938-01 0.06, 1950-01 0.035, 1974-06 0.05, 1999-12 0.045"
)
_LONG_YIELD_VOL = _knots(
    "1871-01 0.10, 1940-01 0.05, 1955-01 0.08, 1968-01 0.15, 1980-01 0.45, 1986-01 0.30, 1999-12 0.22"
)
_LONG_RHO = _knots(
    "1871-01 0.1, 1919-01 0.2, 1929-01 0.3, 1940-01 0.1, 1955-01 -0.1, 1966-01 0.3, 1980-01 0.5, 1995-01 0.45, 1998-01 0.1, 1999-12 -0.1"
)
_LONG_HISTORY: dict[str, tuple[str, dt.date, dt.date | None, _KnotSpec | None]] = {
    "equity_nber": ("equity", dt.date(1871, 1, 1), dt.date(1956, 12, 1), None),
    "equity_oecd": ("equity", dt.date(1957, 1, 1), None, None),
    "ust_long_1919": (
        "yield",
        dt.date(1919, 1, 1),
        dt.date(1944, 12, 1),
        _knots("""
        1919-01 4.7, 1920-05 5.6, 1923-01 4.4, 1925-01 3.9, 1928-01 3.3, 1931-06 3.2, 1932-01 4.2,
        1935-01 2.8, 1940-01 2.2, 1944-12 1.9
    """),
    ),
    "ust_long_1941": (
        "yield",
        dt.date(1941, 1, 1),
        dt.date(1967, 12, 1),
        _knots("""
        1941-01 2.0, 1945-01 2.4, 1950-01 2.3, 1953-06 3.1, 1957-01 3.5, 1960-01 4.0, 1965-01 4.2,
        1967-12 5.4
    """),
    ),
    "ust10y_monthly": (
        "yield",
        dt.date(1953, 4, 1),
        None,
        _knots("""
        1953-04 2.8, 1957-01 3.6, 1960-01 4.7, 1965-01 4.2, 1970-06 7.9, 1972-01 6.0, 1974-09 8.0,
        1979-12 10.4, 1981-09 15.3, 1986-08 7.2, 1990-09 8.9, 1993-10 5.3, 1994-11 8.0, 1998-10 4.5,
        1999-12 6.3
    """),
    ),
}
"""Long-history series: (kind, first month, last month or None when the factor model carries
it on from its first day, yield anchor). Stock indexes are the one equity path rescaled: the
NBER index to 1935-39 = 100, the OECD index to meet its post-start values."""
_OECD_PER_SPX = 100.0 / 2050.0
"""The OECD US share price index (2015 = 100) from the S&P 500's level (about 2,050 in 2015)."""

# Regime loadings (dimensionless). _RHO_SB: correlation of 10Y yield shocks with equity
# returns (positive = the old hedge: yields fall when stocks fall). _KAPPA: the dollar's
# loading on risk-off. _LAMBDA: the dollar's loading on US-relative rate shocks.
_RHO_SB = _knots(
    "2000-01 0.3, 2002-01 0.45, 2008-06 0.5, 2013-06 0.45, 2019-06 0.4, "
    "2020-06 0.3, 2021-06 0.1, 2022-03 -0.3, 2026-06 -0.35"
)
_KAPPA = _knots("2000-01 0.35, 2007-01 0.45, 2020-01 0.45, 2022-06 0.3, 2024-06 0.0, 2025-04 -0.25")
_LAMBDA = _knots("2000-01 0.8, 2024-12 0.75, 2025-03-15 0.6, 2025-04-30 -0.4")

_PUBLICATION_DELAY_DAYS: dict[str, int] = {"weekly": 1, "monthly": 25, "quarterly": 60, "annual": 75}
"""Calendar days after a period ends before its value appears (mimics FRED)."""


@dataclass(frozen=True, slots=True)
class DemoSpec:
    """How the demo market publishes one instrument (one row of :data:`SPECS`).

    The paths of the built-in instruments come from the factor model in
    :meth:`DemoMarket._build` (they must move together: a curve, a dollar, a risk-off);
    an instrument the model does not drive gets a path from ``anchor`` and ``vol`` alone.
    An instrument without a spec (a user's ``[[instruments]]``) has no demo series.

    Attributes:
        decimals: decimals of each published value, as the real source quotes it.
        first_day: no value before this date (the series did not exist).
        last_period: no period after this one (a discontinued series).
        tick: per-tick loadings (risk factor, dollar factor) of an intraday instrument
            that is not a yield (yields load on risk as the stock-bond regime says).
        anchor: knots of the anchor path, for an instrument the model does not drive.
        vol: daily standard deviation of the deviations around ``anchor`` (relative for
            instruments whose changes are in %, in the catalog unit otherwise).
    """

    decimals: int = 4
    first_day: dt.date | None = None
    last_period: dt.date | None = None
    tick: tuple[float, float] | None = None
    anchor: _KnotSpec | None = None
    vol: float = 0.0


SPECS: dict[str, DemoSpec] = {
    "ust3m": DemoSpec(2),
    "ust2y": DemoSpec(2),
    "ust5y": DemoSpec(2),
    "ust10y": DemoSpec(2),
    "ust20y": DemoSpec(2),
    "ust30y": DemoSpec(2),
    "tbill3m": DemoSpec(2),
    "sofr": DemoSpec(2, first_day=dt.date(2018, 4, 2)),  # SOFR was first published for 2 April 2018
    "bund10y": DemoSpec(3),
    "estr": DemoSpec(3, first_day=dt.date(2019, 10, 1)),  # €STR starts on 1 October 2019
    "jgb10y": DemoSpec(3),
    "jgb20y": DemoSpec(3),
    "jgb30y": DemoSpec(3),
    "tona": DemoSpec(3),
    "jpy3m": DemoSpec(3, last_period=dt.date(2024, 12, 1)),  # the OECD/FRED JPY 3M series stopped updating
    "usd_broad": DemoSpec(4),
    "dxy": DemoSpec(3),
    "eurusd": DemoSpec(4, tick=(0.0, -0.8)),
    "usdjpy": DemoSpec(2, tick=(0.2, 0.5)),
    "usdchf": DemoSpec(4, tick=(0.1, 0.7)),
    "vix": DemoSpec(2, tick=(-0.7, 0.0)),
    "spx": DemoSpec(2, tick=(0.8, 0.0)),
    "ig_oas": DemoSpec(2),
    "hy_oas": DemoSpec(2),
    "aaa10y": DemoSpec(2),
    "term_premium_10y": DemoSpec(4),
    "gold": DemoSpec(2, tick=(-0.1, -0.3)),
    "debt_gdp": DemoSpec(5),
    "debt_public": DemoSpec(0),
    "foreign_holdings": DemoSpec(1),
    "custody_official": DemoSpec(3),
    "debt_total_daily": DemoSpec(3),
    "debt_public_daily": DemoSpec(3),
    "interest_outlays": DemoSpec(3),
    "interest_gdp": DemoSpec(1),
    "deficit_gdp": DemoSpec(1),
    **{f"tic_{key}": DemoSpec(1) for key in ("total", "official", "japan", "uk", "china", "belgium", "canada")},
    **{f"tic_{key}": DemoSpec(1) for key in ("luxembourg", "cayman", "france")},
    **{f"z1_{key}": DemoSpec(3) for key in ("row", "fed", "households", "mutual_funds", "mmf", "banks")},
    "z1_total": DemoSpec(3),
    **{flow: DemoSpec(3) for flow in _Z1_FLOWS},  # the quarterly change of a level (_Z1_FLOWS)
    # The long history (_LONG_HISTORY): starts before the factor model; the NBER series ended.
    "equity_nber": DemoSpec(2, first_day=dt.date(1871, 1, 1), last_period=dt.date(1956, 12, 1)),
    "equity_oecd": DemoSpec(2, first_day=dt.date(1957, 1, 1)),
    "ust_long_1919": DemoSpec(2, first_day=dt.date(1919, 1, 1), last_period=dt.date(1944, 12, 1)),
    "ust_long_1941": DemoSpec(2, first_day=dt.date(1941, 1, 1), last_period=dt.date(1967, 12, 1)),
    "ust10y_monthly": DemoSpec(2, first_day=dt.date(1953, 4, 1)),
}
"""Every demo instrument and how it is published; the factor model draws the paths of these."""

_DXY_WEIGHTS = {"eurusd": -0.576, "usdjpy": 0.136, "usdchf": 0.036, "usd_broad": 0.252}
"""ICE-style geometric weights; the broad index stands in for GBP, CAD and SEK."""

_DXY_K = 98.5 / (1.17**-0.576 * 157.0**0.136 * 0.80**0.036 * 1.19**0.252)
"""Scale so that EUR 1.17, JPY 157, CHF 0.80, broad 119 give a DXY near 98.5."""

_BROAD_WEIGHTS = {"eurusd": -0.19, "usdjpy": 0.06, "usdchf": 0.025, "other": 0.725}
"""Rough trade weights of the broad dollar; ``other`` is CNY, CAD, MXN and the rest."""

_T_DF = 5.0
"""Degrees of freedom of the Student-t shocks: fat tails with a finite kurtosis."""


# --------------------------------------------------------------------------- episodes


@dataclass(frozen=True, slots=True)
class _Shock:
    """A calibrated stress window: net moves from start to end, plus a mid-window hump.

    Attributes:
        moves: instrument -> change over the window in §4 units (bp for yields and
            spreads, points for the VIX, percent for prices and FX).
        peak: instrument -> extra hump at mid-window, same units, zero at both ends
            (e.g. the VIX peaking inside the window).
        decay: business days over which the pinned adjustment fades after the end.
        window: (start, end) of a window that is not a built-in episode; an episode's
            shock takes the episode's own dates (``datafeed.crises``), never a copy.
    """

    moves: Mapping[str, float]
    peak: Mapping[str, float] = field(default_factory=dict)
    decay: float = 15.0
    window: tuple[dt.date, dt.date] | None = None


_SHOCKS: dict[str, _Shock] = {
    # GFC, Lehman: the textbook haven (yields down, dollar up, Treasuries beat Bunds).
    "gfc-2008": _Shock(
        {
            "ust10y": -140,
            "bund10y": -95,
            "usd_broad": 8.0,
            "eurusd": -2.0,
            "usdjpy": -16.0,
            "usdchf": -4.0,
            "spx": -27.0,
            "vix": 16.0,
            "ig_oas": 290,
            "hy_oas": 1000,
            "gold": 14.0,
        },
        decay=40.0,
    ),
    # US downgrade: haven despite being about US credit.
    "downgrade-2011": _Shock(
        {
            "ust10y": -70,
            "bund10y": -25,
            "usd_broad": 1.2,
            "eurusd": -0.6,
            "usdchf": -4.0,
            "spx": -12.0,
            "vix": 17.0,
            "ig_oas": 35,
            "hy_oas": 180,
            "gold": 10.0,
        },
        {"vix": 6.0},
        decay=20.0,
    ),
    # China devaluation: yields down, but the dollar slipped (mixed).
    "china-2015": _Shock(
        {
            "ust10y": -15,
            "bund10y": 10,
            "usd_broad": -0.9,
            "eurusd": 4.0,
            "usdjpy": -4.0,
            "spx": -11.0,
            "vix": 15.0,
            "ig_oas": 12,
            "hy_oas": 70,
            "gold": 1.5,
        },
        {"vix": 14.0},
        decay=20.0,
    ),
    # Brexit vote: haven.
    "brexit-2016": _Shock(
        {
            "ust10y": -28,
            "bund10y": -20,
            "usd_broad": 2.5,
            "eurusd": -3.0,
            "usdjpy": -3.5,
            "spx": -5.3,
            "vix": 8.0,
            "ig_oas": 10,
            "hy_oas": 50,
            "gold": 5.0,
        },
        decay=15.0,
    ),
    # COVID onset, before the scored window: the classic rally into the crash.
    "covid-onset": _Shock(
        {"ust10y": -100, "bund10y": -45, "spx": -17.0, "vix": 38.0, "ig_oas": 45, "hy_oas": 170},
        decay=25.0,
        window=(dt.date(2020, 2, 20), dt.date(2020, 3, 9)),
    ),
    # COVID dash for cash: Treasuries sold with everything else (broken).
    "covid-2020": _Shock(
        {
            "ust10y": 62,
            "bund10y": 47,
            "usd_broad": 5.0,
            "eurusd": -5.0,
            "usdjpy": 5.0,
            "spx": -13.0,
            "vix": 22.0,
            "ig_oas": 150,
            "hy_oas": 400,
            "gold": -6.0,
        },
        {"vix": 6.0, "ust10y": 10},
        decay=12.0,
    ),
    # SVB: yields down but the dollar slipped and Bunds rallied as much (mixed).
    "svb-2023": _Shock(
        {
            "ust10y": -55,
            "bund10y": -53,
            "usd_broad": -0.9,
            "eurusd": 1.2,
            "spx": -2.5,
            "vix": 6.0,
            "ig_oas": 25,
            "hy_oas": 60,
            "gold": 6.0,
        },
        {"vix": 8.0},
        decay=15.0,
    ),
    # Yen carry unwind: yields down, dollar down with the yen surge (mixed).
    "carry-2024": _Shock(
        {
            "ust10y": -25,
            "bund10y": -12,
            "usd_broad": -1.6,
            "usdjpy": -5.0,
            "eurusd": 0.9,
            "spx": -6.0,
            "vix": 20.0,
            "ig_oas": 10,
            "hy_oas": 55,
            "gold": -1.5,
        },
        decay=10.0,
    ),
    # Tariff shock: VIX up, dollar down, Treasury yields up against Bunds (broken).
    "tariff-2025": _Shock(
        {
            "ust10y": 35,
            "bund10y": -15,
            "usd_broad": -3.2,
            "eurusd": 5.0,
            "usdchf": -7.0,
            "usdjpy": -4.5,
            "spx": -5.5,
            "vix": 16.0,
            "ig_oas": 25,
            "hy_oas": 110,
            "gold": 7.0,
        },
        {"vix": 12.0, "spx": -6.0},
        decay=15.0,
    ),
}
"""Calibrated crisis windows by built-in episode id (``datafeed.crises``), plus the COVID onset
that precedes the scored window. An episode without a shock here is simply not calibrated."""


def _shock_windows() -> list[tuple[dt.date, dt.date, _Shock]]:
    """(start, end, shock) of every calibrated window, oldest first.

    An episode's dates are read from ``datafeed.crises`` (one place); a shock keyed by an
    id that is no built-in episode must carry its own ``window``.
    """
    from datafeed import crises

    episodes = {e.id: e for e in crises.BUILTIN_EPISODES}
    out: list[tuple[dt.date, dt.date, _Shock]] = []
    for key, shock in _SHOCKS.items():
        if shock.window is not None:
            out.append((*shock.window, shock))
        elif key in episodes:
            out.append((episodes[key].start, episodes[key].end, shock))
        else:
            raise ValueError(f"demo shock {key!r} is no built-in episode and has no window of its own")
    out.sort(key=lambda w: w[0])
    return out


def _to_space(inst_id: str, change: float) -> float:
    """Convert a §4-unit change into the space the adjustment is applied in: percent moves
    act on log levels, bp on levels in %, points as they are."""
    unit = CATALOG[inst_id].change
    if unit == "%":
        return math.log1p(change / 100.0)
    if unit == "bp":
        return change / 100.0
    return change


# --------------------------------------------------------------------------- helpers


def _interp(days: npt.NDArray[np.float64], knots: _KnotSpec) -> npt.NDArray[np.float64]:
    """Anchor values on ``days`` (day numbers), linear between knots, flat outside."""
    return np.interp(days, knots[0], knots[1])


def _steps(days: npt.NDArray[np.float64], knots: _KnotSpec) -> npt.NDArray[np.float64]:
    """Step function: each knot's value holds until the next knot (policy rates)."""
    idx = np.searchsorted(knots[0], days, side="right") - 1
    return knots[1][np.clip(idx, 0, len(knots[1]) - 1)]


def _phi(half_life: float) -> float:
    """AR(1) coefficient whose deviations halve in ``half_life`` steps."""
    return math.pow(0.5, 1.0 / half_life)


def _ar1(
    shocks: Sequence[np.ndarray] | np.ndarray, phi: Sequence[float] | np.ndarray, block: int = 64
) -> npt.NDArray[np.float64]:
    """Run x[t] = phi * x[t-1] + e[t] along the last axis of a (m, n) array.

    Why blocks: a plain time loop costs one numpy call per day; here each 64-day block
    is one batched matrix product with the impulse-response kernel, and only the carry
    between blocks is looped (n/64 steps). The first shock is scaled to the stationary
    standard deviation so each path starts in equilibrium rather than at zero.

    Args:
        shocks: innovations, shape (m, n).
        phi: one AR coefficient per row, each in [0, 1).

    Returns:
        The filtered paths, shape (m, n).
    """
    e = np.array(shocks, dtype=np.float64, copy=True)
    m, n = e.shape
    ph = np.asarray(phi, dtype=np.float64).reshape(m)
    if n == 0:
        return e
    e[:, 0] /= np.sqrt(1.0 - ph**2)
    nb = -(-n // block)
    padded = np.zeros((m, nb * block))
    padded[:, :n] = e
    blocks = padded.reshape(m, nb, block)
    k = np.arange(block)
    lag = k[:, None] - k[None, :]
    kernel = np.where(lag >= 0, ph[:, None, None] ** np.maximum(lag, 0), 0.0)  # (m, B, B)
    local = np.matmul(blocks, kernel.transpose(0, 2, 1))  # (m, nb, B)
    carry_in = np.empty((m, nb))
    carry = np.zeros(m)
    decay_block = ph**block
    for b in range(nb):
        carry_in[:, b] = carry
        carry = local[:, b, -1] + decay_block * carry
    out: npt.NDArray[np.float64] = local + carry_in[:, :, None] * (ph[:, None] ** (k + 1))[:, None, :]
    return out.reshape(m, nb * block)[:, :n]


def _soft_floor(x: np.ndarray, floor: float, softness: float) -> np.ndarray:
    """Smoothly keep ``x`` above ``floor`` (rates near zero, the VIX's practical floor).

    A hard clip would create flat runs and kinks; softplus compresses moves near the floor
    the way rates behaved at the zero lower bound.
    """
    return floor + softness * np.logaddexp(0.0, (x - floor) / softness)


def _student_t(seed: int, stream: int, n: int) -> np.ndarray:
    """``n`` unit-variance Student-t shocks from an independent stream.

    One generator per stream means the first k draws of a stream do not depend on how
    many are drawn, so a later ``end`` extends history instead of rewriting it.
    """
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 0x7D3E, stream])))
    return rng.standard_t(_T_DF, n) * math.sqrt((_T_DF - 2.0) / _T_DF)


def _session_date(d: dt.date) -> dt.date:
    """The trading session a calendar day belongs to: itself, or Friday on a weekend."""
    return d - dt.timedelta(days=max(0, d.weekday() - 4))


def _previous_business_day(d: dt.date) -> dt.date:
    """The weekday strictly before ``d``."""
    d -= dt.timedelta(days=1)
    while d.weekday() >= 5:
        d -= dt.timedelta(days=1)
    return d


_OBS_FIELDS = ("instrument", "date", "value", "source", "intraday", "time")


def _fast_observations_ok() -> bool:
    """Whether Observation is still the frozen, slotted 6-field dataclass we know."""
    try:
        names = tuple(f.name for f in dataclasses.fields(Observation))
    except TypeError:
        return False
    return names == _OBS_FIELDS and all(
        type(Observation.__dict__.get(n)).__name__ == "member_descriptor" for n in names
    )


_FAST_OBS = _fast_observations_ok()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while allocating many acyclic objects.

    Why: building ~200 000 observations triggers repeated full collections that scan the
    whole heap (pandas included) and would double the cost of ``history()``. The objects
    hold no reference cycles, so nothing is lost by collecting once afterwards instead.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _make_observations(inst_id: str, dates: list[dt.date], values: list[float]) -> list[Observation]:
    """Build one instrument's end-of-day observations.

    Why the fast path: ``history()`` emits about 200 000 observations, and the frozen
    dataclass ``__init__`` costs more than generating the whole market. When Observation
    has exactly the expected slots, instances are allocated and their slots filled by
    C-level ``map`` calls, which gives objects equal to the normal constructor's (a test
    checks this); otherwise the normal constructor is used.
    """
    source = DEMO_SOURCE_PREFIX + inst_id
    n = len(values)
    if not _FAST_OBS:
        return [Observation(inst_id, d, v, source) for d, v in zip(dates, values, strict=True)]
    objs: list[Observation] = list(map(object.__new__, repeat(Observation, n)))
    slots = Observation.__dict__
    sink = deque[object](maxlen=0).extend  # drains a map at C speed
    sink(map(slots["instrument"].__set__, objs, repeat(inst_id, n)))
    sink(map(slots["date"].__set__, objs, dates))
    sink(map(slots["value"].__set__, objs, values))
    sink(map(slots["source"].__set__, objs, repeat(source, n)))
    sink(map(slots["intraday"].__set__, objs, repeat(False, n)))
    sink(map(slots["time"].__set__, objs, repeat(None, n)))
    return objs


# --------------------------------------------------------------------------- the market

_STREAMS = (
    "risk",
    "vix",
    "us_rel",
    "slope",
    "global_rates",
    "bund",
    "jgb",
    "jgb_curve",
    "usd",
    "eur",
    "jpy",
    "chf",
    "other_fx",
    "credit",
    "hy",
    "gold",
    "term_premium",
    "aaa",
    "idio_3m",
    "idio_2y",
    "idio_5y",
    "idio_20y",
    "idio_30y",
    "tbill",
    "sofr",
    "estr",
    "tona",
    "jpy3m",
    "debt_gdp",
    "gdp",
    "foreign",
    "sofr_spikes",
    *(f"demand_{inst_id}" for inst_id in _DEMAND_LEVELS),
    "tic_total",
    "z1_row",
    "debt_daily",
)
"""Independent shock streams; the order is part of the seed contract (append only)."""


class DemoMarket:
    """A deterministic synthetic market with every catalog instrument (DESIGN.md §6).

    SYNTHETIC: values are invented, tagged ``demo:<id>`` and must be labelled DEMO.

    The same (seed, start, end) always gives identical history, and a later ``end``
    extends it without changing earlier values (crisis windows that the shorter history
    cuts in half aside). ``tick`` then walks the intraday instruments onward from the
    last close, deterministically in the number of ticks taken.

    Args:
        seed: random seed; any int.
        end: last day of history, inclusive. Defaults to the last business day before
            today's session, so that today's ``tick`` quotes extend it the way live
            intraday quotes extend the last official close (the store drops an intraday
            quote once a close for its date exists).
        start: first day of history.

    Raises:
        ValueError: when ``end`` is before ``start``.
    """

    def __init__(self, seed: int = DEMO_SEED, end: dt.date | None = None, start: dt.date = dt.date(2000, 1, 3)) -> None:
        if end is None:
            end = _previous_business_day(_session_date(dt.date.today()))
        if end < start:
            raise ValueError(f"demo end {end} is before start {start}")
        self.seed = int(seed)
        self.start = start
        self.end = end
        self._key = self.seed & 0xFFFF_FFFF_FFFF_FFFF
        self._series: dict[str, pd.Series] | None = None
        self._history: list[Observation] | None = None
        self._ticks = 0
        self._tick_state: dict[str, float] = {}
        self._tick_open: dict[str, float] = {}
        self._tick_sigma: dict[str, float] = {}
        self._tick_rho = 0.0

    # ------------------------------------------------------------------ public API

    @property
    def ticks_taken(self) -> int:
        """Number of ``tick`` calls so far (the tick sequence is a function of it)."""
        return self._ticks

    def history_series(self) -> dict[str, pd.Series]:
        """Every catalog instrument as a pandas Series (SYNTHETIC, label DEMO).

        Returns:
            id -> float64 Series named ``id`` with an ascending ``datetime64[ns]`` index:
            business days for daily instruments, first-of-month/quarter dates for
            monthly/quarterly ones. Copies, so callers may modify them.
        """
        if self._series is None:
            self._series = self._build()
        return {k: s.copy() for k, s in self._series.items()}

    def history(self) -> list[Observation]:
        """Every catalog instrument's end-of-day history as observations tagged ``demo:<id>``.

        Returns:
            a new list (observations are immutable and shared between calls), grouped by
            instrument in catalog order, each ascending by date.
        """
        if self._history is None:
            if self._series is None:
                self._series = self._build()
            out: list[Observation] = []
            day_cache: dict[int, list[dt.date]] = {}
            with _gc_paused():
                for inst_id, s in self._series.items():
                    idx = s.index
                    dates = day_cache.get(id(idx))
                    if dates is None:  # daily series share one index: convert it once
                        dates = idx.values.astype("datetime64[D]").tolist()
                        day_cache[id(idx)] = dates
                    out.extend(_make_observations(inst_id, dates, s.to_numpy().tolist()))
            self._history = out
        return list(self._history)

    def tick(self, now: dt.datetime) -> list[Observation]:
        """One round of synthetic intraday quotes for the instruments with an intraday source.

        Why this shape: the TUI polls it every few seconds to show a moving demo. Moves are
        small (about a twelfth of a daily standard deviation per tick), share a risk and a
        dollar factor so the tape stays coherent, and mean-revert gently toward the last
        close so a long session cannot drift away. The k-th call always draws the same
        shocks for a given seed, whatever ``now`` is.

        Args:
            now: when the quotes are struck (stored as ``time``); the quotes are dated
                ``now.date()``, or the Friday before on a weekend.

        Returns:
            one ``intraday=True`` observation per intraday instrument.
        """
        if not self._tick_state:
            self._init_ticks()
        k = self._ticks
        self._ticks += 1
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([self._key, 0x71C4, k])))
        ids = list(self._tick_state)
        z = rng.standard_normal(len(ids) + 2)
        z_risk, z_usd = float(z[-2]), float(z[-1])
        date = _session_date(now.date())
        out: list[Observation] = []
        moves: dict[str, float] = {}
        for i, inst_id in enumerate(ids):
            if inst_id == "dxy":
                continue
            spec = SPECS.get(inst_id, DemoSpec())
            if CATALOG[inst_id].unit == "%":  # yields load on risk as the regime says
                a, b = 0.8 * self._tick_rho, 0.0
            else:
                a, b = spec.tick or (0.0, 0.0)
            c = math.sqrt(max(0.0, 1.0 - a * a - b * b))
            moves[inst_id] = self._tick_sigma[inst_id] * (a * z_risk + b * z_usd + c * float(z[i]))
        if "dxy" in self._tick_state:
            i = ids.index("dxy")
            moves["dxy"] = sum(
                w * moves.get(j, 0.0) for j, w in _DXY_WEIGHTS.items() if j != "usd_broad"
            ) + 0.3 * self._tick_sigma["dxy"] * float(z[i])
        for inst_id in ids:
            inst = CATALOG[inst_id]
            log = _is_log(inst_id)
            cur, open_ = self._tick_state[inst_id], self._tick_open[inst_id]
            if log:
                x = math.log(open_) + 0.98 * (math.log(cur) - math.log(open_)) + moves[inst_id]
                value = math.exp(x)
            else:
                value = open_ + 0.98 * (cur - open_) + moves[inst_id]
            value = min(max(value, inst.lo), inst.hi)
            self._tick_state[inst_id] = value
            shown = round(value, SPECS.get(inst_id, DemoSpec()).decimals + 1)
            out.append(Observation(inst_id, date, shown, DEMO_SOURCE_PREFIX + inst_id, True, now))
        return out

    # ------------------------------------------------------------------ internals

    def _init_ticks(self) -> None:
        """Start every intraday instrument at its last close, with a per-tick volatility."""
        if self._series is None:
            self._series = self._build()
        series = self._series
        end_day = float(np.datetime64(self.end, "D").astype(np.int64))
        self._tick_rho = float(_interp(np.array([end_day]), _RHO_SB)[0])
        for inst in INSTRUMENTS:
            if inst.intraday is None or inst.id not in series or series[inst.id].empty:
                continue
            s = series[inst.id].to_numpy()
            tail = s[-64:]
            diffs = np.diff(np.log(tail)) if _is_log(inst.id) else np.diff(tail)
            daily = float(np.std(diffs)) if len(diffs) > 1 else 0.0
            fallback = 0.01 if _is_log(inst.id) else 0.03
            self._tick_sigma[inst.id] = (daily if daily > 0 else fallback) / 12.0
            self._tick_state[inst.id] = float(s[-1])
            self._tick_open[inst.id] = float(s[-1])

    def _build(self) -> dict[str, pd.Series]:
        """Generate the whole synthetic market (see the module docstring for the model)."""
        bdays = pd.bdate_range(self.start, self.end).values.astype("datetime64[D]")
        n = len(bdays)
        days = bdays.astype(np.int64).astype(np.float64)
        z = {name: _student_t(self._key, i, n) for i, name in enumerate(_STREAMS)}
        # Windows the history fully covers, as (shock, index of v0, index of v1).
        windows = [
            (
                shock,
                int(np.searchsorted(bdays, np.datetime64(start), "right")) - 1,
                int(np.searchsorted(bdays, np.datetime64(end), "right")) - 1,
            )
            for start, end, shock in _shock_windows()
            if n and bdays[0] <= np.datetime64(start) and np.datetime64(end) <= bdays[-1]
        ]

        def pin(inst_id: str, x: np.ndarray) -> np.ndarray:
            """Bridge ``x`` through every window that moves ``inst_id``; returns the adjustment."""
            total = np.zeros(n)
            for shock, i0, i1 in windows:
                if inst_id not in shock.moves or i1 <= i0:
                    continue
                target = _to_space(inst_id, shock.moves[inst_id])
                peak = _to_space(inst_id, shock.peak.get(inst_id, 0.0))
                amp = target - (x[i1] - x[i0])
                ramp = np.arange(i1 - i0 + 1) / (i1 - i0)
                adj = np.zeros(n)
                adj[i0 : i1 + 1] = amp * ramp + peak * np.sin(np.pi * ramp)
                tail = min(n - i1 - 1, int(10 * shock.decay))
                adj[i1 + 1 : i1 + 1 + tail] = amp * np.exp(-np.arange(1, tail + 1) / shock.decay)
                x += adj
                total += adj
            return total

        out: dict[str, np.ndarray] = {}

        # --- risk: VIX first (its lagged level sets equity and clustering volatility).
        vix_a = _interp(days, _VIX)
        (v_dev,) = _ar1([0.07 * (-0.75 * z["risk"] + 0.66 * z["vix"])], [_phi(8)])
        vix = _soft_floor(vix_a * np.exp(v_dev), 9.0, 0.6)
        pin("vix", vix)
        out["vix"] = vix
        vix_lag = np.concatenate([vix[:1], vix[:-1]])
        cluster = np.clip(vix_lag / vix_a, 0.5, 3.0)

        spx_sigma = 0.8 * vix_lag / 100.0 / math.sqrt(252.0)
        (s_dev,) = _ar1([spx_sigma * z["risk"]], [_phi(60)])
        log_spx = np.log(_interp(days, _SPX)) + s_dev
        pin("spx", log_spx)
        out["spx"] = np.exp(log_spx)

        # --- Treasuries: one 10Y driver, a slope factor, small tenor noise.
        rho = _interp(days, _RHO_SB)
        a_rel = 0.45
        a_glob = np.sqrt(np.maximum(1.0 - rho**2 - a_rel**2, 0.0))
        sig10 = _interp(days, _RATES_VOL) / 100.0 * cluster**0.35
        fed = _interp(days, _FED)
        y10_a = _interp(days, _UST10)
        d10, slope, i3, i2, i5, i20, i30 = _ar1(
            [
                sig10 * (rho * z["risk"] + a_rel * z["us_rel"] + a_glob * z["global_rates"]),
                0.45 * sig10 * z["slope"],
                0.25 * sig10 * z["idio_3m"],
                0.12 * sig10 * z["idio_2y"],
                0.10 * sig10 * z["idio_5y"],
                0.10 * sig10 * z["idio_20y"],
                0.12 * sig10 * z["idio_30y"],
            ],
            [_phi(45), _phi(40), _phi(5), _phi(5), _phi(5), _phi(5), _phi(5)],
        )
        ust10 = y10_a + d10
        a10 = pin("ust10y", ust10)
        d10 = d10 + a10
        out["ust10y"] = ust10
        zlb = np.clip(fed / 1.0, 0.15, 1.0)
        steep = np.clip(fed / 1.5, 0.0, 1.0)
        out["ust3m"] = _soft_floor(fed + zlb * (0.12 * d10 - 0.3 * slope + i3), 0.0, 0.03)
        y2_a = fed + (0.12 + 0.3 * steep) * (y10_a - fed)
        out["ust2y"] = _soft_floor(y2_a + (0.35 + 0.65 * zlb) * (0.85 * d10 - 0.9 * slope + i2), 0.02, 0.04)
        y5_a = fed + (0.55 + 0.2 * steep) * (y10_a - fed)
        out["ust5y"] = _soft_floor(y5_a + 1.02 * d10 - 0.45 * slope + i5, 0.05, 0.05)
        out["ust20y"] = y10_a + _interp(days, _S20) + 0.93 * d10 + 0.35 * slope + i20
        out["ust30y"] = y10_a + _interp(days, _S30) + 0.88 * d10 + 0.5 * slope + i30
        (tb,) = _ar1([0.004 * z["tbill"]], [_phi(3)])
        out["tbill3m"] = _soft_floor(out["ust3m"] * 0.99 - 0.03 + tb, -0.02, 0.02)
        (tp_dev,) = _ar1([0.008 * z["term_premium"]], [_phi(30)])
        out["term_premium_10y"] = _interp(days, _TP) + 0.6 * d10 + tp_dev

        # --- Policy rates: steps, not random walks (short rates move when central banks do).
        lower = np.floor((fed + 0.02) / 0.25) * 0.25
        (sofr_noise,) = _ar1([0.006 * z["sofr"]], [_phi(2)])
        next_bday = np.busday_offset(bdays, 1, roll="forward")
        month_end = next_bday.astype("datetime64[M]") != bdays.astype("datetime64[M]")
        quarter_end = month_end & np.isin(bdays.astype("datetime64[M]").astype(np.int64) % 12, (2, 5, 8, 11))
        spikes = np.abs(z["sofr_spikes"]) * (0.02 * month_end + 0.06 * quarter_end)
        out["sofr"] = _soft_floor(lower + 0.06 + sofr_noise + spikes * (lower > 0.1), 0.01, 0.01)
        (estr_noise,) = _ar1([0.002 * z["estr"]], [_phi(3)])
        out["estr"] = _steps(days, _ECB_DFR_STEPS) - 0.085 + estr_noise
        (tona_noise,) = _ar1([0.002 * z["tona"]], [_phi(3)])
        boj = _steps(days, _BOJ_STEPS)
        out["tona"] = boj - 0.02 * (boj > 0.05) + tona_noise
        (j3_noise,) = _ar1([0.004 * z["jpy3m"]], [_phi(20)])
        out["jpy3m"] = out["tona"] + 0.08 + 0.35 * np.maximum(boj, 0.0) + j3_noise

        # --- Bunds and JGBs: share a global-rates factor with Treasuries.
        sig_b = 0.72 * sig10
        b_idio = np.sqrt(np.maximum(1.0 - 0.09 * rho**2 - 0.82**2, 0.0))
        sig_j = _interp(days, _JGB_VOL) / 100.0
        db, dj, djc = _ar1(
            [
                sig_b * (0.3 * rho * z["risk"] + 0.82 * z["global_rates"] + b_idio * z["bund"]),
                sig_j * (0.4 * z["global_rates"] + 0.92 * z["jgb"]),
                0.5 * sig_j * z["jgb_curve"],
            ],
            [_phi(45), _phi(40), _phi(40)],
        )
        bund = _soft_floor(_interp(days, _BUND10) + db, -1.0, 0.08)
        pin("bund10y", bund)
        out["bund10y"] = bund
        j10_a = _interp(days, _JGB10)
        out["jgb10y"] = _soft_floor(j10_a + dj, -0.35, 0.04)
        out["jgb20y"] = _soft_floor(j10_a + _interp(days, _J20S) + 1.1 * dj + 0.6 * djc, -0.3, 0.04)
        out["jgb30y"] = _soft_floor(j10_a + _interp(days, _J30S) + 1.2 * dj + 1.0 * djc, -0.25, 0.04)

        # --- Dollar: one dollar factor (risk-off and US-relative-rate loadings by regime).
        kappa = _interp(days, _KAPPA)
        lam = _interp(days, _LAMBDA)
        c_fx = cluster**0.3
        own = np.sqrt(np.maximum(1.0 - kappa**2 - lam**2, 0.0))
        z_dollar = kappa * -z["risk"] + lam * z["us_rel"] + own * z["usd"]
        f = 0.0042 * c_fx * z_dollar
        dev_eur, dev_jpy, dev_chf, dev_oth = _ar1(
            [
                -f + 0.003 * c_fx * z["eur"],
                0.6 * f + 0.0045 * c_fx * (0.35 * z["risk"] + 0.937 * z["jpy"]),
                0.85 * f + 0.0035 * c_fx * (0.2 * z["risk"] + 0.98 * z["chf"]),
                0.65 * f + 0.0018 * c_fx * z["other_fx"],
            ],
            [_phi(120)] * 4,
        )
        fx_devs = {"other": dev_oth}
        legs = (("eurusd", _EUR, dev_eur), ("usdjpy", _JPY, dev_jpy), ("usdchf", _CHF, dev_chf))
        for inst_id, knots, dev in legs:
            log_x = np.log(_interp(days, knots)) + dev
            fx_devs[inst_id] = dev + pin(inst_id, log_x)
            out[inst_id] = np.exp(log_x)
        log_broad = np.log(_interp(days, _BROAD)) + sum(w * fx_devs[k] for k, w in _BROAD_WEIGHTS.items())
        pin("usd_broad", log_broad)
        out["usd_broad"] = np.exp(log_broad)
        out["dxy"] = _DXY_K * np.exp(
            sum(w * np.log(out[k] if k != "usd_broad" else out[k] / 100.0) for k, w in _DXY_WEIGHTS.items())
        )

        # --- Gold: falls with the dollar factor, a little bid in risk-off.
        (g_dev,) = _ar1([0.011 * c_fx * (-0.35 * z_dollar - 0.1 * z["risk"] + 0.93 * z["gold"])], [_phi(60)])
        log_gold = np.log(_interp(days, _GOLD)) + g_dev
        pin("gold", log_gold)
        out["gold"] = np.exp(log_gold)

        # --- Credit: spreads widen when stocks fall; Aaa−10Y rises when Treasuries rally.
        c_cr = cluster**0.6
        ig_dev, hy_dev, aaa_dev = _ar1(
            [
                0.012 * c_cr * (-0.55 * z["risk"] + 0.835 * z["credit"]),
                0.015 * c_cr * (-0.65 * z["risk"] + 0.45 * z["credit"] + 0.61 * z["hy"]),
                0.012 * z["aaa"],
            ],
            [_phi(40), _phi(40), _phi(20)],
        )
        ig_a = _interp(days, _IG)
        ig = ig_a * np.exp(ig_dev)
        pin("ig_oas", ig)
        out["ig_oas"] = ig
        hy = _interp(days, _HY) * np.exp(hy_dev)
        pin("hy_oas", hy)
        out["hy_oas"] = hy
        out["aaa10y"] = _interp(days, _AAA) - 0.22 * d10 + 0.2 * (ig - ig_a) + aaa_dev

        # --- Fiscal: smooth paths with small persistent noise, averaged per period below.
        dg_dev, gdp_dev, fs_dev = _ar1([0.03 * z["debt_gdp"], 0.0004 * z["gdp"], 0.03 * z["foreign"]], [_phi(60)] * 3)
        debt_gdp = _interp(days, _DEBT_GDP) + dg_dev
        out["debt_gdp"] = debt_gdp
        out["debt_public"] = debt_gdp / 100.0 * _interp(days, _GDP) * np.exp(gdp_dev)
        share = (_interp(days, _FOREIGN_SHARE) + fs_dev) / 100.0
        out["foreign_holdings"] = share * out["debt_public"] / 1000.0  # USD mn -> USD bn

        # --- Demand and supply: anchors with persistent noise; TIC's and Z.1's foreign
        # totals follow the foreign holdings above, daily debt follows debt held by the public.
        for inst_id, knots in _DEMAND_LEVELS.items():
            (dev,) = _ar1([0.004 * z[f"demand_{inst_id}"]], [_phi(60)])
            level = _interp(days, knots)
            out[inst_id] = level + np.abs(level) * dev if inst_id.endswith("_gdp") else level * np.exp(dev)
        for inst_id in ("tic_total", "z1_row"):
            (dev,) = _ar1([0.002 * z[inst_id]], [_phi(40)])
            out[inst_id] = out["foreign_holdings"] * np.exp(dev)
        (dev,) = _ar1([0.002 * _student_t(self._key, _own_stream("z1_total"), n)], [_phi(40)])
        out["z1_total"] = out["debt_public"] / 1000.0 * _interp(days, _Z1_TOTAL_OVER_PUBLIC) * np.exp(dev)
        # Monthly averages of the daily model carry the long history on from its first day.
        out["equity_oecd"] = out["spx"] * _OECD_PER_SPX
        out["ust10y_monthly"] = out["ust10y"]
        (dev,) = _ar1([0.0005 * z["debt_daily"]], [_phi(20)])
        out["debt_public_daily"] = out["debt_public"] / 1000.0 * np.exp(dev)  # USD mn -> USD bn
        out["debt_total_daily"] = out["debt_public_daily"] * _interp(days, _DEBT_TOTAL_OVER_PUBLIC)

        # --- Anything else with a spec: its anchor plus mean-reverting noise, one stream each.
        for inst in INSTRUMENTS:
            spec = SPECS.get(inst.id)
            if inst.id in out or spec is None or spec.anchor is None:
                continue
            (dev,) = _ar1([spec.vol * _student_t(self._key, _own_stream(inst.id), n)], [_phi(40)])
            anchor = _interp(days, spec.anchor)
            out[inst.id] = anchor * np.exp(dev) if inst.change == "%" else anchor + dev

        result = self._assemble(bdays, out)
        result.update(self._flows(result))
        result.update(self._long_history(result))
        return {inst.id: result[inst.id] for inst in INSTRUMENTS if inst.id in result}

    @staticmethod
    def _flows(levels: Mapping[str, pd.Series]) -> dict[str, pd.Series]:
        """Z.1 net purchases: each quarter's change of the level it belongs to."""
        out: dict[str, pd.Series] = {}
        for flow, level in _Z1_FLOWS.items():
            if level in levels:
                change = levels[level].diff().iloc[1:].round(SPECS[flow].decimals)
                out[flow] = change.rename(flow)
        return out

    def _long_history(self, built: Mapping[str, pd.Series]) -> dict[str, pd.Series]:
        """The monthly series of exhibit 8 before the factor model's first day, joined to what
        the model publishes after it (SYNTHETIC, like everything here)."""
        start_month = np.datetime64(self.start, "M")
        months = np.arange(np.datetime64(_LONG_START, "M"), start_month)
        if len(months) < 2:
            return {}
        m = len(months)
        mdays = months.astype("datetime64[D]").astype(np.int64).astype(np.float64)
        z_eq = _student_t(self._key, _own_stream("long:equity"), m)
        z_y = _student_t(self._key, _own_stream("long:yield"), m)
        rho = _interp(mdays, _LONG_RHO)
        # Bond returns are minus yield changes: a yield shock of -rho * z_eq gives them corr rho.
        y_shock = _interp(mdays, _LONG_YIELD_VOL) * (-rho * z_eq + np.sqrt(1.0 - rho**2) * z_y)
        eq_dev, y_dev = _ar1([_interp(mdays, _LONG_EQUITY_VOL) * z_eq, y_shock], [_phi(24), _phi(12)])
        equity = np.exp(np.log(_interp(mdays, _LONG_EQUITY)) + eq_dev)
        index = pd.DatetimeIndex(months.astype("datetime64[D]").astype("datetime64[ns]"))
        base = (index >= pd.Timestamp(1935, 1, 1)) & (index <= pd.Timestamp(1939, 12, 1))
        out: dict[str, pd.Series] = {}
        for inst_id, (kind, first, last, anchor) in _LONG_HISTORY.items():
            inst = CATALOG[inst_id]
            if kind == "equity":
                values = equity * (100.0 / equity[base].mean())
            else:
                assert anchor is not None
                values = _interp(mdays, anchor) + y_dev
            early = pd.Series(values, index=index, name=inst_id)
            early = early[(early.index >= pd.Timestamp(first)) & (early.index <= pd.Timestamp(last or dt.date.max))]
            later = built.get(inst_id)
            if last is None and later is not None and len(later) and len(early):
                if kind == "equity":  # a rebased index: the early part meets the later one
                    early = early * float(later.iloc[0]) / float(early.iloc[-1])
                early = pd.concat([early, later])
            values = np.clip(np.round(early.to_numpy(), SPECS[inst_id].decimals), inst.lo, inst.hi)
            out[inst_id] = pd.Series(values.astype(np.float64), index=early.index, name=inst_id)
        return out

    def _assemble(self, bdays: np.ndarray, paths: Mapping[str, np.ndarray]) -> dict[str, pd.Series]:
        """Cut, aggregate, round and clip each path into the catalog's shape."""
        result: dict[str, pd.Series] = {}
        daily_index = pd.DatetimeIndex(bdays.astype("datetime64[ns]"))
        end = np.datetime64(self.end, "D")
        for inst in INSTRUMENTS:
            spec = SPECS.get(inst.id)
            path = paths.get(inst.id)
            if spec is None or path is None:  # no demo recipe: no demo series (said on screen)
                continue
            freq = inst.frequency
            if freq == "daily":
                index, values = daily_index, path
                if spec.first_day is not None:
                    keep = bdays >= np.datetime64(spec.first_day, "D")
                    index, values = index[keep], values[keep]
            else:
                index, values = _periodic(bdays, path, freq, end, spec.last_period)
            values = np.clip(np.round(values, spec.decimals), inst.lo, inst.hi)
            result[inst.id] = pd.Series(values.astype(np.float64), index=index, name=inst.id)
        return result


def _own_stream(inst_id: str) -> int:
    """A shock stream of an instrument's own, from its id (not from :data:`_STREAMS`, whose
    order is part of the seed contract): adding one never changes the others' paths."""
    return 1_000_000 + zlib.crc32(inst_id.encode()) % 1_000_000


def _is_log(inst_id: str) -> bool:
    """Whether an instrument moves in percent (prices, FX, indices) rather than in bp/pts."""
    return CATALOG[inst_id].change == "%"


def _periodic(
    bdays: np.ndarray, path: np.ndarray, freq: str, end: np.datetime64, last: dt.date | None
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Turn a daily path into a weekly, monthly, quarterly or annual series.

    Weekly values are Wednesday levels (the last business day of each Thursday-to-Wednesday
    week, dated that Wednesday), as the Fed's H.4.1 reports them; the other frequencies
    average each period and date it on its first day, as FRED dates them. Only periods that
    ended at least the publication delay before ``end`` are kept, as a real release
    calendar would, and none after ``last`` (a discontinued series).
    """
    if len(bdays) == 0:
        return pd.DatetimeIndex([], dtype="datetime64[ns]"), np.array([], dtype=np.float64)
    if freq == "weekly":
        # 1970-01-01 was a Thursday: day numbers // 7 count Thursday-to-Wednesday weeks.
        week = bdays.astype(np.int64) // 7
        ends = np.flatnonzero(np.r_[week[1:] != week[:-1], True])
        values = path[ends]
        period_start = (week[ends] * 7).astype("datetime64[D]")
        period_end = period_start + np.timedelta64(6, "D")
        dated = period_end
    else:
        months = bdays.astype("datetime64[M]").astype(np.int64)
        span = {"monthly": 1, "quarterly": 3, "annual": 12}[freq]
        group = months - months % span
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        sums = np.add.reduceat(path, starts)
        counts = np.diff(np.r_[starts, len(path)])
        values = sums / counts
        first_month = group[starts].astype("datetime64[M]")
        period_start = first_month.astype("datetime64[D]")
        period_end = (first_month + np.timedelta64(span, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
        dated = period_start
    keep = np.asarray(period_end + np.timedelta64(_PUBLICATION_DELAY_DAYS[freq], "D") <= end)
    if last is not None:
        keep = keep & (period_start <= np.datetime64(last, "D"))
    dates = dated[keep].astype("datetime64[ns]")
    return pd.DatetimeIndex(dates), values[keep]


def load_demo(store: SeriesStore, market: DemoMarket | None = None) -> DemoMarket:
    """Fill ``store`` with the demo history, fast (no per-point Observation objects).

    Every instrument is tagged ``demo:<id>`` and marked ``fresh``; returns the market so
    the caller can keep ticking it.
    """
    from datafeed.models import Status

    market = market or DemoMarket()
    history = market.history_series()
    for inst_id in store.catalog:
        values = history.get(inst_id)
        if values is None or values.empty:
            # A user's [[instruments]] (or a built-in without a demo spec): nothing is
            # invented for it, and the row says so instead of showing a number.
            store.mark_missing(inst_id, NO_DEMO_SERIES)
            continue
        # One tag object shared by every point: np.full would cast it through a numpy string
        # and make a str object per point (~12 MB for the demo history).
        tags = pd.Series(f"{DEMO_SOURCE_PREFIX}{inst_id}", index=values.index, dtype=object)
        store.load(inst_id, values.astype("float64"), tags)
        st = store.state[inst_id]
        st.status, st.source, st.last_error = Status.FRESH, f"{DEMO_SOURCE_PREFIX}{inst_id}", None
        st.notes.clear()
    return market
