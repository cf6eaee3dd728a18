"""Provides the ids of the signals in force, without importing the signal engine (pandas).

Why: the config reserves signal ids (a formula may not be called like a signal) and alert
rules may read them, and both are parsed before the first frame. The registry
(:mod:`datafeed.signals.registry`) imports every signal's computation, hence pandas. When
something has imported the registry already (a package that registered signals of its
own, or any earlier computation), it is the answer; otherwise no signal can have been
registered yet and the built-in ids are.
"""

from __future__ import annotations

import sys

BUILTIN_SIGNAL_IDS: tuple[str, ...] = (
    "convenience_aaa_10y",
    "bund_hedged_pickup_10y",
    "jgb_hedged_pickup_10y",
    "jgb_hedged_pickup_20y",
    "jgb_hedged_pickup_30y",
    "stock_bond_corr_1y",
    "stock_bond_corr_3y",
    "dollar_vix_corr_1y",
    "ust_bund_fx_corr_3m",
    "ig_cushion",
    "hy_cushion",
    "term_premium_trend",
    "debt_gdp",
    "foreign_share",
    "auction_indirect_share",
    "auction_dealer_share",
    "auction_bid_to_cover",
    "auction_tail",
    "foreign_official_custody_13w",
    "foreign_holders_12m",
    "interest_burden",
)
"""``datafeed.signals.builtin.BUILTIN``'s ids, in order (a test keeps the two equal)."""


def signal_ids() -> tuple[str, ...]:
    """Every signal id in force: the registry's when it is loaded, else the built-ins."""
    registry = sys.modules.get("datafeed.signals.registry")
    if registry is not None:
        return tuple(registry.SIGNALS.ids())
    return BUILTIN_SIGNAL_IDS
