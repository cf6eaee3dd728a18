"""Provides the built-in signals: one :class:`SignalSpec` per claim of the thesis, in display order.

Adding a signal is one more entry here (and its test); ``docs/extending-signals.md``
walks through one. Texts in braces are rendered with the thresholds in force.
"""

from __future__ import annotations

from datafeed.signals.baselines import convenience, convenience_history, cushion
from datafeed.signals.correlations import correlation, needs_daily
from datafeed.signals.demand import (
    COUPON_LINES,
    LONG_LINES,
    auction_ids,
    auction_vs_trailing,
    custody_change,
    custody_history,
    holders_change,
    holders_history,
    interest_burden,
    interest_history,
)
from datafeed.signals.fiscal import (
    debt_gdp,
    debt_gdp_history,
    foreign_share,
    foreign_share_history,
    term_premium_history,
    term_premium_trend,
)
from datafeed.signals.pickups import HEDGE_NOTE, hedged_pickup
from datafeed.signals.spec import NAN, SignalSpec, trailing_median

_HEDGED = "rolling overnight-rate-hedged pickup, not the Du–Im–Schreger Treasury basis"
_PICKUP = {"eroding": 0.0, "intact": -25.0}


def _jgb_pickup(tenor: str) -> SignalSpec:
    t = tenor.upper()
    compute, history = hedged_pickup(f"jgb{tenor}", f"ust{tenor}", ("tona", "jpy3m"))
    return SignalSpec(
        f"jgb_hedged_pickup_{tenor}",
        f"Hedged JGB pickup {t}",
        "bp",
        "price",
        (f"jgb{tenor}", "sofr", "tona", "jpy3m", f"ust{tenor}"),
        "high_bad",
        _PICKUP,
        compute,
        history,
        label="overnight-rate-hedged, not the Treasury basis",
        describe=f"JGB {t} + SOFR − TONA − UST {t}: {_HEDGED}; above 0 = hedged JGBs out-yield Treasuries",
        note=HEDGE_NOTE,
    )


BUILTIN: tuple[SignalSpec, ...] = (
    SignalSpec(
        "convenience_aaa_10y",
        "Convenience (Aaa−10Y)",
        "bp",
        "price",
        ("aaa10y",),
        "low_bad",
        {"eroding": 0.0, "intact": 0.0, "years": 10.0, "min_obs": 252.0},
        convenience,
        convenience_history,
        label="Aaa−10Y vs {years:g}y median; {cut} = premium fading",
        describe="Moody's Aaa minus 10Y Treasury (Krishnamurthy–Vissing-Jorgensen convenience proxy); "
        "below its trailing median = the safety premium is shrinking",
        judged_on="its distance from the trailing {years:g}-year median (drawn)",
        overlays=(trailing_median,),
    ),
    SignalSpec(
        "bund_hedged_pickup_10y",
        "Hedged Bund pickup 10Y",
        "bp",
        "price",
        ("bund10y", "sofr", "estr", "ust10y"),
        "high_bad",
        _PICKUP,
        *hedged_pickup("bund10y", "ust10y", ("estr",)),
        label="overnight-rate-hedged, not the Treasury basis",
        describe=f"Bund 10Y + SOFR − €STR − UST 10Y: {_HEDGED}; above 0 = hedged Bunds out-yield Treasuries",
        note=HEDGE_NOTE,
    ),
    *(_jgb_pickup(t) for t in ("10y", "20y", "30y")),
    *(
        SignalSpec(
            f"stock_bond_corr_{span}",
            f"Stock–bond corr {span.upper()}",
            "corr",
            "price",
            ("spx", "ust10y"),
            "high_bad",
            {"eroding": 0.2, "intact": -0.2, "window": window},
            *correlation(("spx", "ust10y"), ("pct", "neg_diff")),
            label="S&P vs UST, {window:.0f}d; {cut} = bonds don't hedge",
            describe="Correlation of daily S&P 500 returns with Treasury returns (−Δ10Y yield), "
            "last {window:.0f} paired days; positive = bonds no longer hedge equities",
        )
        for span, window in (("1y", 252.0), ("3y", 756.0))
    ),
    SignalSpec(
        "dollar_vix_corr_1y",
        "Dollar–VIX corr 1Y",
        "corr",
        "price",
        ("usd_broad", "vix"),
        "low_bad",
        {"eroding": 0.0, "intact": 0.2, "window": 252.0},
        *correlation(("usd_broad", "vix"), ("pct", "diff")),
        label="broad $ vs ΔVIX, {window:.0f}d; {cut} = $ falls on fear",
        describe="Correlation of daily broad-dollar % changes with VIX changes, last {window:.0f} paired days; "
        "negative = the dollar falls when fear rises",
    ),
    SignalSpec(
        "ust_bund_fx_corr_3m",
        "UST−Bund vs $ corr 3M",
        "corr",
        "price",
        ("ust10y", "bund10y", "eurusd"),
        "low_bad",
        {"eroding": 0.0, "intact": 0.2, "window": 63.0},
        *needs_daily(
            "bund10y",
            correlation(("ust10y", "bund10y", "eurusd"), ("diff", "inv_pct")),
            "bund10y is monthly only (OECD average); the 3-month correlation needs daily Bund yields",
        ),
        label="Δ(UST−Bund) vs $/€, {window:.0f}d; {cut} = yields up, $ down",
        describe="Correlation of daily Δ(UST 10Y − Bund 10Y) with the dollar's % change against the euro, "
        "last {window:.0f} days; negative = US yields rise relative to Bunds while the dollar falls",
    ),
    *(
        SignalSpec(
            f"{grade.lower()}_cushion",
            f"{grade} spread cushion",
            "bp",
            "price",
            (f"{grade.lower()}_oas",),
            "low_bad",
            {"eroding": 0.0, "intact": 25.0, "years": 10.0, "reference": reference},
            *cushion(f"{grade.lower()}_oas"),
            label=grade + " OAS − long-run baseline; {cut} = no cushion",
            describe=f"ICE BofA US {grade} OAS minus its long-run baseline (trailing {{years:g}}-year mean once "
            "held); below 0 = spreads too tight to absorb a shock",
        )
        for grade, reference in (("IG", 119.0), ("HY", NAN))
    ),
    SignalSpec(
        "term_premium_trend",
        "Term premium Δ1Y",
        "bp",
        "price",
        ("term_premium_10y",),
        "high_bad",
        {"eroding": 0.0, "intact": -25.0, "lag": 252.0},
        term_premium_trend,
        term_premium_history,
        label="Kim–Wright term premium, {lag:.0f}-obs Δ; {cut} = eroding",
        describe="Change of the Kim–Wright 10Y term premium over {lag:.0f} observations; "
        "rising = buyers want more to hold duration",
    ),
    SignalSpec(
        "debt_gdp",
        "Debt/GDP",
        "%",
        "supply",
        ("debt_gdp",),
        "high_bad",
        {"eroding": 100.0, "intact": 70.0},
        debt_gdp,
        debt_gdp_history,
        label="federal debt held by the public, % of GDP",
        describe="Federal debt held by the public, % of GDP: the supply side of the Triffin dilemma",
        inclusive=True,
    ),
    SignalSpec(
        "foreign_share",
        "Foreign share",
        "%",
        "demand",
        ("foreign_holdings", "debt_public"),
        "low_bad",
        {"eroding": -2.0, "intact": 0.0, "years": 5.0},
        foreign_share,
        foreign_share_history,
        label="foreign share of public debt; judged on {years:g}y Δ",
        describe="Foreign holders' share of Treasury debt held by the public; falling = the rest of the world "
        "is no longer the marginal buyer",
        judged_on="its {years:g}-year change in percentage points",
        score_unit="pp",
        overlays=(),
    ),
    SignalSpec(
        "auction_indirect_share",
        "Indirect bid 10Y/30Y",
        "pp",
        "demand",
        auction_ids("indirect", LONG_LINES),
        "low_bad",
        {"eroding": -3.0, "intact": 0.0, "years": 2.0, "min_obs": 3.0},
        *auction_vs_trailing("indirect", LONG_LINES),
        label="indirect bidders at 10Y/30Y vs {years:g}y avg; {cut} = foreign demand fading",
        describe="Indirect bidders' share of competitive accepted at the newest 10- and 30-year auctions minus "
        "each line's mean over the {years:g} years before (at least {min_obs:.0f} auctions), averaged over the "
        "two lines, in percentage points; indirect bidders include foreign central banks bidding through the "
        "New York Fed, the usual (imperfect) proxy for foreign official demand",
        note="Indirect bidders also include domestic and foreign investment funds bidding through dealers: "
        "a proxy for foreign official demand, not a measure of it.",
    ),
    SignalSpec(
        "auction_dealer_share",
        "Dealer take-down",
        "pp",
        "demand",
        auction_ids("dealer", COUPON_LINES),
        "high_bad",
        {"eroding": 3.0, "intact": 0.0, "years": 2.0, "min_obs": 3.0},
        *auction_vs_trailing("dealer", COUPON_LINES),
        label="dealers' take-down at coupons vs {years:g}y avg; {cut} = dealers absorb",
        describe="Primary dealers' share of competitive accepted at the newest auction of each nominal coupon "
        "line (2Y to 30Y) minus that line's mean over the {years:g} years before, averaged over the lines, in "
        "percentage points; above = dealers had to take down what other bidders would not",
    ),
    SignalSpec(
        "auction_bid_to_cover",
        "Auction bid-to-cover",
        "x",
        "demand",
        auction_ids("bid_to_cover", COUPON_LINES),
        "low_bad",
        {"eroding": -0.1, "intact": 0.0, "years": 2.0, "min_obs": 3.0},
        *auction_vs_trailing("bid_to_cover", COUPON_LINES),
        label="coupon bid-to-cover vs {years:g}y avg; {cut} = thinner cover",
        describe="Bid-to-cover (tendered / accepted) at the newest auction of each nominal coupon line (2Y to "
        "30Y) minus that line's mean over the {years:g} years before, averaged over the lines",
    ),
    SignalSpec(
        "auction_tail",
        "Auction high−median",
        "bp",
        "demand",
        auction_ids("high_minus_median", COUPON_LINES),
        "high_bad",
        {"eroding": 0.5, "intact": 0.0, "years": 2.0, "min_obs": 3.0},
        *auction_vs_trailing("high_minus_median", COUPON_LINES),
        label="high minus median yield vs {years:g}y avg; {cut} = wider stop",
        describe="High yield minus the median accepted yield (averageMedianYield) at the newest auction of each "
        "nominal coupon line, minus that line's mean over the {years:g} years before, averaged over the lines, "
        "in bp; not the market's tail (high minus the 1 pm when-issued yield, which no keyless source "
        "publishes) but how far the stop sat above the middle of the accepted bids",
        note="A tail in the market's sense needs the when-issued yield at the 1 pm deadline, which no keyless "
        "source publishes; this is the dispersion of the accepted bids, named for what it is.",
    ),
    SignalSpec(
        "foreign_official_custody_13w",
        "Official custody Δ13W",
        "%",
        "demand",
        ("custody_official",),
        "low_bad",
        {"eroding": -1.0, "intact": 0.0, "weeks": 13.0},
        custody_change,
        custody_history,
        label="Fed custody for foreign officials, {weeks:.0f}-week Δ; {cut} = selling",
        describe="Change of the marketable Treasuries the New York Fed holds in custody for foreign official and "
        "international accounts (H.4.1, Wednesday level) over {weeks:.0f} weeks, %; falling = foreign central "
        "banks are selling or moving their Treasuries elsewhere",
    ),
    SignalSpec(
        "foreign_holders_12m",
        "Foreign holders Δ12M",
        "%",
        "demand",
        ("tic_total", "tic_official"),
        "low_bad",
        {"eroding": 0.0, "intact": 5.0, "months": 12.0},
        holders_change,
        holders_history,
        label="TIC foreign holdings, {months:.0f}-month Δ; {cut} = foreigners sell",
        describe="Change of foreign holdings of Treasuries (TIC major foreign holders, grand total) over "
        "{months:.0f} months, %, with the foreign official sector's change alongside; below the debt's own "
        "growth the rest of the world is no longer the marginal buyer, below 0 it sells",
    ),
    SignalSpec(
        "interest_burden",
        "Interest burden",
        "%",
        "supply",
        ("interest_gdp",),
        "high_bad",
        {"eroding": 0.5, "intact": 0.0, "years": 5.0},
        interest_burden,
        interest_history,
        label="net interest % of GDP; judged on {years:g}y Δ",
        describe="Federal net interest outlays, % of GDP (fiscal year, OMB via FRED); rising = the cost of the "
        "debt is a growing structural part of the budget",
        judged_on="its {years:g}-year change in percentage points",
        score_unit="pp",
    ),
)
"""Every built-in signal, in display order."""
