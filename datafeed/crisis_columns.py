"""The crisis scorecard's columns, in order, importable without pandas.

The dashboard builds its crisis grid in its first frame, before numpy and pandas have loaded
(issue 20: the first screen comes from the saved view). :mod:`datafeed.crises` holds the checks
themselves and imports pandas, so the grid's headers live here; ``tests/test_crises.py`` holds
the two in step (same ids, same labels, same order).
"""

from __future__ import annotations

CHECK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("ust10y", "UST 10Y"),
    ("usd", "USD"),
    ("ust_bund_10y", "UST−Bund"),
    ("vix", "VIX"),
    ("spx", "S&P 500"),
    ("ig_oas", "IG OAS"),
    ("gold", "Gold"),
    ("custody", "Custody"),
    ("auction_indirect", "Indirect"),
)
"""(check id, label) of every check of :data:`datafeed.crises.CHECKS`, in column order."""
