"""Provides the seed note's ten exhibits as data: what each claims, reads, draws and concludes.

An exhibit is an :class:`~datafeed.exhibit_types.ExhibitSpec`: the seed's claim quoted with
its section, the inputs (instrument ids; ``pending`` ones are proposed in
``docs/exhibits.md`` and not in the catalog yet), the rule behind its verdict, and an
``assemble`` function from ``Mapping[str, pd.Series]`` (the store's series by instrument id,
in catalog units) to an :class:`~datafeed.exhibit_types.ExhibitResult`: chart-ready series,
bands, markers, reference lines, and the one-line *reading now*.

A result is never empty: when an input is missing the reading says ``n/a`` and names every
missing input and why (not in the catalog yet, or no data from its source), and the chart
keeps whatever could be drawn. Numbers triffin derives (shares, the primary deficit, hedged
pickups, trailing means, correlations) are marked ``computed`` with their formula.

Use :func:`assemble` for one exhibit, :func:`assemble_all` for the ten, :func:`get` to find
one by id or number, :func:`to_json` for the snapshot's ``exhibits`` entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from datafeed.catalog import CATALOG
from datafeed.exhibit_math import (
    TEN_YEARS_DAYS,
    between,
    change_over_years,
    chart_series,
    daily_stock_bond_changes,
    day,
    held_days,
    monthly_mean,
    neg_diffs,
    pct_changes,
    rolling_corr,
    shares,
    splice,
    trailing_mean,
    trailing_sum,
    value_asof,
)
from datafeed.exhibit_types import (
    NO_FACTS,
    VERDICT_TEXT,
    Band,
    ChartSeries,
    ExhibitResult,
    ExhibitSpec,
    InputFacts,
    InputRef,
    Marker,
    MissingInput,
    Reading,
    RefLine,
    Verdict,
)
from datafeed.frame import clean, is_daily
from datafeed.signals import pickup_series

SEED_DATE = dt.date(2026, 2, 26)
"""The day the seed's credit and JGB numbers were quoted (BlackRock, 26 Feb 2026)."""

MAX_STALE_DAYS = 10
"""An episode's start or end value may be at most this many days older than the date."""


# --------------------------------------------------------------------------- helpers


def _signed(value: float, decimals: int = 1) -> str:
    """``+3.1`` / ``−3.1`` with a real minus sign, as the dashboard prints changes."""
    return f"{value:+.{decimals}f}".replace("-", "−")


def _line(body: str, verdict: Verdict) -> str:
    return f"{body}: {VERDICT_TEXT[verdict]}"


class _Inputs:
    """The exhibit's inputs as cleaned series, and the words for the ones that are missing."""

    def __init__(self, spec: ExhibitSpec, data: Mapping[str, pd.Series], facts: InputFacts = NO_FACTS) -> None:
        self.spec = spec
        self._data = data
        self._facts = facts
        self._cache: dict[str, pd.Series] = {}

    def get(self, input_id: str) -> pd.Series:
        if input_id not in self._cache:
            self.spec.input(input_id)  # an id the spec does not list is a programming error
            self._cache[input_id] = clean(self._data.get(input_id))
        return self._cache[input_id]

    def has(self, input_id: str) -> bool:
        return not self.get(input_id).empty

    def why(self, input_id: str) -> str:
        ref = self.spec.input(input_id)
        if ref.pending:
            return f"not in the catalog yet; proposed source {ref.source}"
        reason = self._facts.why.get(input_id)
        return f"no data from {ref.source}: {reason}" if reason else f"no data from {ref.source}"

    def source_of(self, input_id: str) -> str:
        """The source that served the input's newest value (the catalog's primary without facts)."""
        return self._facts.sources.get(input_id) or self.spec.input(input_id).source

    def missing(self, *ids: str) -> tuple[MissingInput, ...]:
        return tuple(MissingInput(i, self.why(i)) for i in ids if not self.has(i))

    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.source_of(ref.id) for ref in self.spec.inputs if self.has(ref.id)))

    def result(self, series: Iterable[ChartSeries], reading: Reading, **kw: Any) -> ExhibitResult:
        kw.setdefault("missing", ())
        return ExhibitResult(self.spec.id, tuple(series), reading, sources=self.sources(), **kw)

    def unavailable(
        self,
        subject: str,
        missing: tuple[MissingInput, ...],
        series: Iterable[ChartSeries] = (),
        also: tuple[MissingInput, ...] = (),
        **kw: Any,
    ) -> ExhibitResult:
        """The n/a result: the reading names every required missing input and why.

        ``also`` lists inputs that are missing too but were not needed for the reading
        (extra sectors); they go into ``missing`` without lengthening the line.
        """
        if not missing:
            raise ValueError(f"exhibit {self.spec.id}: an n/a reading must name what is missing")
        text = f"{subject}: n/a, missing {self.describe(missing)}"
        return self.result(series, Reading(text, "n/a"), missing=missing + also, **kw)

    def describe(self, missing: tuple[MissingInput, ...]) -> str:
        """Missing inputs in few words: ids grouped by reason, proposed sources listed once."""
        listed = {ref.id: ref for ref in self.spec.inputs}
        pending = [listed[m.input_id] for m in missing if m.input_id in listed and listed[m.input_id].pending]
        absent = [listed[m.input_id] for m in missing if m.input_id in listed and not listed[m.input_id].pending]
        other = [m.text for m in missing if m.input_id not in listed]
        parts = []
        if pending:
            ids = ", ".join(r.id for r in pending)
            parts.append(f"{ids} (not in the catalog yet; proposed {', '.join(r.source for r in pending)})")
        plain = [r for r in absent if not self._facts.why.get(r.id)]
        if plain:
            parts.append(f"{', '.join(r.id for r in plain)} (no data from {', '.join(r.source for r in plain)})")
        by_reason: dict[str, list[str]] = {}
        for r in absent:
            if self._facts.why.get(r.id):
                by_reason.setdefault(self._facts.why[r.id], []).append(r.id)
        parts += [f"{', '.join(ids)} ({reason})" for reason, ids in by_reason.items()]
        return "; ".join(parts + other)

    def not_computable(self, subject: str, reason: str, series: Iterable[ChartSeries] = (), **kw: Any) -> ExhibitResult:
        """The n/a result when every input is there but the data cannot answer (too short...)."""
        return self.result(series, Reading(f"{subject}: n/a, {reason}", "n/a"), **kw)


def _fred(series_id: str) -> str:
    return f"fred:{series_id}"


# --------------------------------------------------------------------------- 1 holders

_SECTORS: tuple[tuple[str, str, str], ...] = (
    ("z1_row", "row", "Rest of the world"),
    ("z1_fed", "fed", "Federal Reserve"),
    ("z1_mutual_funds", "mutual_funds", "Mutual funds"),
    ("z1_mmf", "mmf", "Money market funds"),
    ("z1_households", "households", "Households"),
    ("z1_banks", "banks", "Banks (US-chartered)"),
)

PLATEAU_PP = 1.0
"""Exhibit 1: a rise of the RoW share up to this many pp over 5 years still reads as a plateau."""


def _holders(spec: ExhibitSpec, data: Mapping[str, pd.Series], facts: InputFacts = NO_FACTS) -> ExhibitResult:
    ins = _Inputs(spec, data, facts)
    need = ins.missing("z1_total", "z1_row")
    absent = ins.missing(*(i for i, _, _ in _SECTORS[1:]))
    if need:
        return ins.unavailable("RoW share of Treasuries", need, also=absent)
    labels = {key: label for _, key, label in _SECTORS}
    parts = {key: ins.get(i) for i, key, _ in _SECTORS if ins.has(i)}
    table = shares(ins.get("z1_total"), parts)
    if table.empty:
        return ins.not_computable("RoW share of Treasuries", "no quarter where the total and every held sector meet")
    total_src = ins.source_of("z1_total")
    series = [
        chart_series(
            key,
            labels[key],
            "%",
            table[key],
            kind="area",
            computed=True,
            source=f"computed: {ins.source_of(i)} / {total_src}",
        )
        for i, key, _ in _SECTORS
        if key in table
    ]
    series.append(
        chart_series(
            "others", "Others", "%", table["others"], kind="area", computed=True, source="computed: 100 − named shares"
        )
    )
    notes = [f"shares of the Z.1 total of holders ({total_src}); others = 100 − the named sectors"]
    if absent:
        notes.append("others include " + ", ".join(m.input_id for m in absent) + " (no data)")
    if float(table["others"].min()) < -0.5:
        notes.append("the named sectors exceed the total on some dates (mixed valuation bases)")
    latest = table.iloc[-1]
    named = latest.drop("others")
    largest = str(named.idxmax())
    row_share = table["row"]
    when = day(table.index[-1])
    change = change_over_years(row_share, 5)
    who = "largest holder" if largest == "row" else f"second to {labels[largest].lower()}"
    if change is None:
        text = f"RoW share of Treasuries: {latest['row']:.1f} % ({who}); 5-year change n/a, less than 5 years held"
        reading = Reading(text, "n/a", float(latest["row"]), "%", when)
    else:
        now, then, _ = change
        delta = now - then
        verdict: Verdict = "consistent" if delta <= PLATEAU_PP else "not consistent"
        body = f"RoW share of Treasuries: {now:.1f} %, {_signed(delta)} pp over 5 years ({who})"
        reading = Reading(_line(body, verdict), verdict, now, "%", when)
    return ins.result(series, reading, missing=absent, notes=tuple(notes))


# --------------------------------------------------------------------------- 2 debt

PRE_GFC = dt.date(2007, 12, 31)
DEBT_THRESHOLD = 100.0
"""Exhibit 2: the seed's "100 %+ now"."""

_CBO_WHY = (
    "CBO publishes its debt projection only in Excel workbooks "
    "(51118-2026-02-Budget-Projections.xlsx, Table 1-1); triffin does not read them yet"
)


def _debt(spec: ExhibitSpec, data: Mapping[str, pd.Series], facts: InputFacts = NO_FACTS) -> ExhibitResult:
    ins = _Inputs(spec, data, facts)
    if not ins.has("debt_gdp"):
        return ins.unavailable("Debt held by the public", ins.missing("debt_gdp"))
    debt = ins.get("debt_gdp")
    series = [chart_series("debt_gdp", "Debt held by the public", "% of GDP", debt, source=ins.source_of("debt_gdp"))]
    missing: tuple[MissingInput, ...] = ()
    if ins.has("cbo_debt_gdp"):
        series.append(
            chart_series(
                "cbo_debt_gdp",
                "CBO projection",
                "% of GDP",
                ins.get("cbo_debt_gdp"),
                source=ins.source_of("cbo_debt_gdp"),
            )
        )
    else:
        missing = (MissingInput("cbo_debt_gdp", _CBO_WHY),)
    now = float(debt.iloc[-1])
    when = day(debt.index[-1])
    pre = value_asof(debt, PRE_GFC, 100)
    multiple = f", {now / pre[1]:.1f}× pre-GFC ({pre[1]:.1f} % in 2007 Q4)" if pre and pre[1] > 0 else ""
    verdict: Verdict = "consistent" if now >= DEBT_THRESHOLD else "not consistent"
    body = f"Debt held by the public: {now:.1f} % of GDP ({when.isoformat()}){multiple}"
    lines = (RefLine(DEBT_THRESHOLD, "seed: 100 %+ now"),)
    return ins.result(
        series, Reading(_line(body, verdict), verdict, now, "% of GDP", when), missing=missing, lines=lines
    )


# --------------------------------------------------------------------------- 3 GFC

GFC_WINDOW = (dt.date(2008, 9, 12), dt.date(2008, 12, 31))
"""The crisis scorecard's GFC window: the Friday before Lehman to the year end."""
GFC_VIEW = (dt.date(2008, 6, 2), dt.date(2009, 3, 31))


def _episode_change(s: pd.Series, window: tuple[dt.date, dt.date]) -> tuple[float, float, dt.date] | None:
    """(start value, end value, end observation date) of an episode, or None when stale."""
    a = value_asof(s, window[0], MAX_STALE_DAYS)
    b = value_asof(s, window[1], MAX_STALE_DAYS)
    if a is None or b is None:
        return None
    return a[1], b[1], b[0]


def _gfc(spec: ExhibitSpec, data: Mapping[str, pd.Series], facts: InputFacts = NO_FACTS) -> ExhibitResult:
    ins = _Inputs(spec, data, facts)
    subject = "GFC 2008-09-12→12-31"
    band = (Band(*GFC_WINDOW, "GFC: Lehman to year end"),)
    series = []
    if ins.has("usd_broad"):
        series.append(
            chart_series(
                "usd_broad",
                "Broad dollar",
                "index",
                between(ins.get("usd_broad"), *GFC_VIEW),
                source=ins.source_of("usd_broad"),
            )
        )
    if ins.has("aaa10y"):
        aaa_path = between(ins.get("aaa10y"), *GFC_VIEW) * 100.0
        series.append(chart_series("aaa10y", "Aaa − 10Y", "bp", aaa_path, axis="right", source=ins.source_of("aaa10y")))
    need = ins.missing("usd_broad", "aaa10y")
    if need:
        return ins.unavailable(subject, need, series, bands=band)
    usd = _episode_change(ins.get("usd_broad"), GFC_WINDOW)
    aaa = _episode_change(ins.get("aaa10y"), GFC_WINDOW)
    if usd is None or aaa is None:
        reason = f"no observation within {MAX_STALE_DAYS} days of the window's start and end"
        return ins.not_computable(subject, reason, series, bands=band)
    usd_pct = 100.0 * (usd[1] / usd[0] - 1.0)
    aaa_bp = 100.0 * (aaa[1] - aaa[0])
    verdict: Verdict = "consistent" if usd_pct > 0 and aaa_bp > 0 else "not consistent"
    body = f"{subject}: broad dollar {_signed(usd_pct)} %, Aaa−10Y {_signed(aaa_bp, 0)} bp"
    reading = Reading(_line(body, verdict), verdict, usd_pct, "%", max(usd[2], aaa[2]))
    return ins.result(series, reading, bands=band)


# --------------------------------------------------------------------------- 4 deficits


def _deficits(spec: ExhibitSpec, data: Mapping[str, pd.Series], facts: InputFacts = NO_FACTS) -> ExhibitResult:
    ins = _Inputs(spec, data, facts)
    need = ins.missing("deficit_gdp", "interest_gdp")
    if need:
        return ins.unavailable("Deficit and net interest", need)
    frame = pd.concat([ins.get("deficit_gdp"), ins.get("interest_gdp")], axis=1, join="inner")
    frame.columns = ["deficit", "interest"]
    if frame.empty:
        return ins.not_computable("Deficit and net interest", "the two series share no year")
    deficit = frame["deficit"]
    interest = frame["interest"]
    primary = deficit - interest
    series = [
        chart_series("deficit", "Deficit", "% of GDP", deficit, kind="bar", source=ins.source_of("deficit_gdp")),
        chart_series("net_interest", "Net interest", "% of GDP", interest, source=ins.source_of("interest_gdp")),
        chart_series(
            "primary_deficit",
            "Primary deficit (computed)",
            "% of GDP",
            primary,
            computed=True,
            source="computed: deficit − net interest",
        ),
    ]
    when = day(frame.index[-1])
    body = (
        f"FY{when.year}: deficit {deficit.iloc[-1]:.1f} %, net interest {interest.iloc[-1]:.1f} %, "
        f"primary deficit {primary.iloc[-1]:.1f} % of GDP (computed)"
    )
    change = change_over_years(interest, 5, tolerance_days=5)
    if change is None:
        reading = Reading(f"{body}; net interest 5-year change n/a, less than 5 years held", "n/a", None, "", when)
    else:
        verdict: Verdict = "consistent" if change[0] > change[1] else "not consistent"
        body += f"; net interest {_signed(change[0] - change[1])} pp over 5 years"
        reading = Reading(_line(body, verdict), verdict, float(interest.iloc[-1]), "% of GDP", when)
    notes = (
        "deficit = −FYFSGDA188S (FRED publishes the surplus); primary deficit = deficit − net interest, "
        "both over calendar-year GDP",
    )
    return ins.result(series, reading, notes=notes)


# --------------------------------------------------------------------------- 5 basis analogue

_TENORS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("bund10y", "ust10y", ("estr",), "Bund 10Y"),
    ("jgb10y", "ust10y", ("tona", "jpy3m"), "JGB 10Y"),
    ("jgb20y", "ust20y", ("tona", "jpy3m"), "JGB 20Y"),
    ("jgb30y", "ust30y", ("tona", "jpy3m"), "JGB 30Y"),
)


def _pickup_missing(ins: _Inputs, foreign: str, ust: str, legs: tuple[str, ...]) -> list[MissingInput]:
    """Missing inputs of one hedged pickup: each required leg, and the hedge when no leg is held."""
    out = list(ins.missing(foreign, "sofr", ust))
    if not any(ins.has(leg) for leg in legs):
        if len(legs) == 1:
            out += ins.missing(legs[0])
        else:
            out.append(MissingInput(" or ".join(legs), "; ".join(f"{leg}: {ins.why(leg)}" for leg in legs)))
    return out


def _dedupe(items: Iterable[MissingInput]) -> tuple[MissingInput, ...]:
    seen: dict[str, MissingInput] = {}
    for m in items:
        seen.setdefault(m.input_id, m)
    return tuple(seen.values())


def _basis(spec: ExhibitSpec, data: Mapping[str, pd.Series], facts: InputFacts = NO_FACTS) -> ExhibitResult:
    ins = _Inputs(spec, data, facts)
    inputs = {ref.id: ins.get(ref.id) for ref in spec.inputs}
    series: list[ChartSeries] = []
    latest: list[tuple[str, float, dt.date]] = []
    missing: list[MissingInput] = []
    notes: list[str] = []
    for foreign, ust, legs, label in _TENORS:
        pickup = pickup_series(inputs, foreign, ust, legs)
        if pickup.empty:
            lacking = _pickup_missing(ins, foreign, ust, legs)
            missing += lacking
            if not lacking:
                notes.append(f"{label}: {foreign}, sofr, {ust} and the {'/'.join(legs)} leg never share a date")
            continue
        formula = f"computed: ({foreign} + sofr − {'/'.join(legs)} − {ust}) × 100"
        series.append(chart_series(foreign, f"{label} hedged − UST", "bp", pickup, computed=True, source=formula))
        latest.append((label, float(pickup.iloc[-1]), day(pickup.index[-1])))
    lines = (RefLine(0.0, "0: no pickup"),)
    missing_t = _dedupe(missing)
    if not latest:
        if not missing_t:
            return ins.not_computable("Overnight-hedged pickups", "; ".join(notes), lines=lines, notes=tuple(notes))
        return ins.unavailable("Overnight-hedged pickups", missing_t, lines=lines, notes=tuple(notes))
    above = sum(1 for _, v, _ in latest if v > 0)
    verdict: Verdict = "consistent" if 2 * above > len(latest) else "not consistent"
    listed = ", ".join(f"{label} {_signed(v, 0)}" for label, v, _ in latest)
    body = f"Overnight-hedged pickup over Treasuries: {listed} bp ({above} of {len(latest)} above 0)"
    reading = Reading(_line(body, verdict), verdict, float(above), "tenors above 0", max(d for _, _, d in latest))
    return ins.result(series, reading, missing=missing_t, lines=lines, notes=tuple(notes))


# --------------------------------------------------------------------------- 6 tariff shock

TARIFF_WINDOW = (dt.date(2025, 4, 2), dt.date(2025, 4, 11))
"""The crisis scorecard's tariff-shock window."""
TARIFF_VIEW = (dt.date(2024, 4, 1), dt.date(2025, 4, 30))
TARIFF_MONTHS = (dt.date(2025, 3, 1), dt.date(2025, 4, 1))
"""With a monthly Bund only: the month before and the month of the shock."""


def _tariff(spec: ExhibitSpec, data: Mapping[str, pd.Series], facts: InputFacts = NO_FACTS) -> ExhibitResult:
    ins = _Inputs(spec, data, facts)
    band = (Band(*TARIFF_WINDOW, "Tariff shock"),)
    need = ins.missing("ust10y", "bund10y", "eurusd")
    if need:
        return ins.unavailable("Tariff shock", need, bands=band)
    ust, bund, fx = ins.get("ust10y"), ins.get("bund10y"), ins.get("eurusd")
    daily = is_daily("bund10y", bund)
    notes: tuple[str, ...] = ()
    if not daily:
        ust, bund, fx = monthly_mean(ust), monthly_mean(bund), monthly_mean(fx)
        notes = ("Bund 10Y is monthly only (OECD average): monthly averages compared, March → April 2025",)
    both = pd.concat([ust, bund], axis=1, join="inner")
    spread = (both.iloc[:, 0] - both.iloc[:, 1]) * 100.0
    # Monthly averages are dated by their month's first day: the labels say they are
    # averages, or "EUR/USD 1.1232 (2025-04-01)" reads as that day's rate.
    avg = "" if daily else " (monthly avg)"
    series = [
        chart_series(
            "spread",
            f"UST − Bund 10Y{avg}",
            "bp",
            between(spread, *TARIFF_VIEW),
            computed=True,
            source="computed: (ust10y − bund10y) × 100",
        ),
        chart_series(
            "eurusd",
            f"EUR/USD{avg}",
            "USD per EUR",
            between(fx, *TARIFF_VIEW),
            axis="right",
            source=ins.source_of("eurusd"),
        ),
    ]
    if daily:
        subject = "Tariff shock 2025-04-02→04-11"
        s_chg, f_chg = _episode_change(spread, TARIFF_WINDOW), _episode_change(fx, TARIFF_WINDOW)
    else:
        subject = "Tariff shock (March → April 2025 averages)"
        s_chg, f_chg = _month_change(spread), _month_change(fx)
    if s_chg is None or f_chg is None:
        return ins.not_computable(subject, "the data do not cover the shock", series, bands=band, notes=notes)
    spread_bp = s_chg[1] - s_chg[0]
    dollar_pct = 100.0 * (f_chg[0] / f_chg[1] - 1.0)
    verdict: Verdict = "consistent" if spread_bp > 0 and dollar_pct < 0 else "not consistent"
    body = f"{subject}: UST−Bund 10Y {_signed(spread_bp, 0)} bp, dollar {_signed(dollar_pct)} % vs euro"
    reading = Reading(_line(body, verdict), verdict, spread_bp, "bp", max(s_chg[2], f_chg[2]))
    return ins.result(series, reading, bands=band, notes=notes)


def _month_change(s: pd.Series) -> tuple[float, float, dt.date] | None:
    a = value_asof(s, TARIFF_MONTHS[0], 0)
    b = value_asof(s, TARIFF_MONTHS[1], 0)
    if a is None or b is None:
        return None
    return a[1], b[1], b[0]


# --------------------------------------------------------------------------- 7 net purchases

_BUYERS: tuple[tuple[str, str, str], ...] = (
    ("z1_flow_row", "row", "Rest of the world"),
    ("z1_flow_fed", "fed", "Federal Reserve"),
    ("z1_flow_mmf", "mmf", "Money market funds"),
)
RECENT_QUARTERS = 8
BASE_PERIOD = (dt.date(2000, 1, 1), dt.date(2009, 10, 1))


def _flows(spec: ExhibitSpec, data: Mapping[str, pd.Series], facts: InputFacts = NO_FACTS) -> ExhibitResult:
    ins = _Inputs(spec, data, facts)
    need = ins.missing("z1_flow_total", "z1_flow_row")
    absent = ins.missing("z1_flow_fed", "z1_flow_mmf")
    subject = "RoW share of net Treasury purchases"
    if need:
        return ins.unavailable(subject, need, also=absent)
    held = {key: ins.get(i) for i, key, _ in _BUYERS if ins.has(i)}
    frame = pd.concat({"total": ins.get("z1_flow_total"), **held}, axis=1, join="inner")
    if frame.empty:
        return ins.not_computable(subject, "the flows share no quarter")
    frame["others"] = frame["total"] - frame[list(held)].sum(axis=1)
    labels = {key: label for _, key, label in _BUYERS} | {"others": "Others"}
    series = [
        chart_series(
            key,
            labels[key],
            "USD bn",
            trailing_sum(frame[key], 4),
            kind="bar",
            computed=True,
            source="computed: 4-quarter sum",
        )
        for key in (*held, "others")
    ]
    notes = ["bars are trailing 4-quarter sums of Z.1 unadjusted quarterly flows; others = total − named buyers"]
    if absent:
        notes.append("others include " + ", ".join(m.input_id for m in absent) + " (no data)")
    recent = frame.iloc[-RECENT_QUARTERS:]
    base = frame[(frame.index >= pd.Timestamp(BASE_PERIOD[0])) & (frame.index <= pd.Timestamp(BASE_PERIOD[1]))]
    when = day(frame.index[-1])
    if len(recent) < RECENT_QUARTERS or len(base) < RECENT_QUARTERS:
        reason = f"needs {RECENT_QUARTERS} recent quarters and {RECENT_QUARTERS} in 2000–2009"
        return ins.not_computable(subject, reason, series, missing=absent, notes=tuple(notes))
    if recent["total"].sum() <= 0 or base["total"].sum() <= 0:
        return ins.not_computable(subject, "net issuance was not positive", series, missing=absent, notes=tuple(notes))
    now = 100.0 * recent["row"].sum() / recent["total"].sum()
    then = 100.0 * base["row"].sum() / base["total"].sum()
    verdict: Verdict = "consistent" if now < then else "not consistent"
    body = f"{subject}: {now:.0f} % over the last {RECENT_QUARTERS} quarters vs {then:.0f} % in 2000–2009"
    reading = Reading(_line(body, verdict), verdict, now, "%", when)
    return ins.result(series, reading, missing=absent, notes=tuple(notes))


# --------------------------------------------------------------------------- 8 stock-bond

DAILY_WINDOW = 252
MONTHLY_WINDOW = 36
NEGATIVE_ERA = (dt.date(2000, 1, 1), dt.date(2020, 12, 31))
_EQUITY_SEGMENTS = ("equity_nber", "equity_oecd")
_BOND_SEGMENTS = ("ust_long_1919", "ust_long_1941", "ust10y_monthly")


def _span(s: pd.Series) -> str:
    return f"{s.index[0]:%Y-%m}–{s.index[-1]:%Y-%m}"


def _monthly_splice(ins: _Inputs) -> tuple[pd.Series, pd.Series, list[str]]:
    """Spliced monthly equity % changes and −Δyield, with one note per segment used."""
    eq_parts = [(i, pct_changes(ins.get(i))) for i in _EQUITY_SEGMENTS if ins.has(i)]
    bd_parts = [(i, neg_diffs(ins.get(i))) for i in _BOND_SEGMENTS if ins.has(i)]
    equity = splice([s for _, s in eq_parts])
    bonds = splice([s for _, s in bd_parts])
    notes = []
    for name, parts, joined in (("equity % change", eq_parts, equity), ("−Δ long-term yield", bd_parts, bonds)):
        used = [
            f"{i} {_span(joined[joined.index.isin(s.index)])}" for i, s in parts if joined.index.isin(s.index).any()
        ]
        if used:
            notes.append(f"{name}: " + ", then ".join(used))
    return equity, bonds, notes


def _stock_bond(spec: ExhibitSpec, data: Mapping[str, pd.Series], facts: InputFacts = NO_FACTS) -> ExhibitResult:
    ins = _Inputs(spec, data, facts)
    band = (Band(*NEGATIVE_ERA, "2000–2020: Treasuries hedged equities"),)
    lines = (RefLine(0.0, "0"),)
    series: list[ChartSeries] = []
    eq_m, bd_m, notes = _monthly_splice(ins)
    monthly = rolling_corr(eq_m, bd_m, MONTHLY_WINDOW)
    if not monthly.empty:
        series.append(
            chart_series(
                "corr_monthly",
                f"{MONTHLY_WINDOW}-month correlation (monthly splice)",
                "corr",
                monthly,
                computed=True,
                source="computed: corr(equity % change, −Δ long-term yield)",
            )
        )
    daily = clean(None)
    if ins.has("spx") and ins.has("ust10y"):
        eq_d, bd_d = daily_stock_bond_changes(ins.get("spx"), ins.get("ust10y"))
        daily = rolling_corr(eq_d, bd_d, DAILY_WINDOW)
    if not daily.empty:
        series.append(
            chart_series(
                "corr_daily",
                f"{DAILY_WINDOW}-day correlation (S&P 500, UST 10Y)",
                "corr",
                daily,
                computed=True,
                source="computed: corr(spx % change, −Δust10y)",
            )
        )
    missing = ins.missing("spx", "ust10y", *_EQUITY_SEGMENTS, *_BOND_SEGMENTS)
    subject = "Stock–bond correlation"
    if monthly.empty and daily.empty:
        return ins.unavailable(subject, missing, series, bands=band, lines=lines, notes=tuple(notes))
    if not daily.empty:
        now, when, window = float(daily.iloc[-1]), day(daily.index[-1]), f"{DAILY_WINDOW} days"
    else:
        now, when, window = float(monthly.iloc[-1]), day(monthly.index[-1]), f"{MONTHLY_WINDOW} months"
    era = between(monthly, *NEGATIVE_ERA)
    era_text = f"; 2000–2020 average {_signed(float(era.mean()), 2)}" if len(era) else ""
    verdict: Verdict = "consistent" if now > 0 else "not consistent"
    body = f"{subject} ({window} to {when.isoformat()}): {_signed(now, 2)}{era_text}"
    reading = Reading(_line(body, verdict), verdict, now, "corr", when)
    return ins.result(series, reading, bands=band, lines=lines, missing=missing, notes=tuple(notes))


# --------------------------------------------------------------------------- 9 credit

SEED_IG_BP = 82.0
SEED_IG_MEAN_BP = 119.0


def _mean_series(s_bp: pd.Series) -> tuple[pd.Series, str]:
    """Trailing ten-year mean, and how it was formed (the mean of what is held if shorter)."""
    mean = trailing_mean(s_bp, TEN_YEARS_DAYS)
    if held_days(s_bp) >= TEN_YEARS_DAYS - 7:
        return mean, "trailing 10-year mean"
    return mean, f"mean since {s_bp.index[0]:%Y-%m-%d} (less than 10 years held)"


def _credit(spec: ExhibitSpec, data: Mapping[str, pd.Series], facts: InputFacts = NO_FACTS) -> ExhibitResult:
    ins = _Inputs(spec, data, facts)
    lines = (RefLine(SEED_IG_MEAN_BP, "seed: IG 10-year average 119 bp (Feb 2026)"),)
    series: list[ChartSeries] = []
    if ins.has("hy_oas"):
        hy = ins.get("hy_oas") * 100.0
        hy_mean, _ = _mean_series(hy)
        series += [
            chart_series("hy_oas", "HY OAS", "bp", hy, axis="right", source=ins.source_of("hy_oas")),
            chart_series(
                "hy_mean",
                "HY 10-year mean",
                "bp",
                hy_mean,
                axis="right",
                computed=True,
                source="computed: trailing 3652-day mean",
            ),
        ]
    if not ins.has("ig_oas"):
        return ins.unavailable("IG OAS", ins.missing("ig_oas", "hy_oas"), series, lines=lines)
    ig = ins.get("ig_oas") * 100.0
    ig_mean, kind = _mean_series(ig)
    series = [
        chart_series("ig_oas", "IG OAS", "bp", ig, source=ins.source_of("ig_oas")),
        chart_series(
            "ig_mean", "IG 10-year mean", "bp", ig_mean, computed=True, source="computed: trailing 3652-day mean"
        ),
        *series,
    ]
    markers: tuple[Marker, ...] = ()
    seed_text = ""
    if ig.index[0] <= pd.Timestamp(SEED_DATE) <= ig.index[-1]:
        markers = (Marker(SEED_DATE, SEED_IG_BP, "seed: IG 82 bp (2026-02-26)", "ig_oas"),)
        on_day = value_asof(ig, SEED_DATE, 0)
        if on_day is not None:
            seed_text = (
                f"; on {SEED_DATE.isoformat()} {on_day[1]:.0f} vs {float(ig_mean.loc[pd.Timestamp(SEED_DATE)]):.0f} bp "
                "(seed: 82 vs 119)"
            )
    now, mean, when = float(ig.iloc[-1]), float(ig_mean.iloc[-1]), day(ig.index[-1])
    verdict: Verdict = "consistent" if now < mean else "not consistent"
    body = f"IG OAS {now:.0f} bp ({when.isoformat()}) vs {kind} {mean:.0f} bp: {_signed(now - mean, 0)} bp{seed_text}"
    reading = Reading(_line(body, verdict), verdict, now, "bp", when)
    return ins.result(series, reading, markers=markers, lines=lines, missing=ins.missing("hy_oas"))


# --------------------------------------------------------------------------- 10 JGB hedged

SEED_JGB_PICKUP_BP = 175.0


def _jgb(spec: ExhibitSpec, data: Mapping[str, pd.Series], facts: InputFacts = NO_FACTS) -> ExhibitResult:
    ins = _Inputs(spec, data, facts)
    legs = ("tona", "jpy3m")
    inputs = {ref.id: ins.get(ref.id) for ref in spec.inputs}
    pickup = pickup_series(inputs, "jgb30y", "ust30y", legs)
    subject = "Hedged 30Y JGB over 30Y UST"
    lines = (RefLine(0.0, "0: no pickup", axis="right"),)
    if pickup.empty:
        lacking = _dedupe(_pickup_missing(ins, "jgb30y", "ust30y", legs))
        if not lacking:
            reason = "jgb30y, sofr, ust30y and the tona/jpy3m leg never share a date"
            return ins.not_computable(subject, reason, lines=lines, missing=ins.missing("tona"))
        return ins.unavailable(subject, lacking, lines=lines)
    ust = ins.get("ust30y")
    hedged = (ust.reindex(pickup.index) + pickup / 100.0).dropna()
    series = [
        chart_series(
            "jgb_hedged",
            "JGB 30Y hedged",
            "%",
            hedged,
            computed=True,
            source="computed: jgb30y + sofr − tona (jpy3m if no tona)",
        ),
        chart_series(
            "ust30y",
            "UST 30Y",
            "%",
            between(ust, day(pickup.index[0]), day(pickup.index[-1])),
            source=ins.source_of("ust30y"),
        ),
        chart_series("pickup", "Pickup", "bp", pickup, axis="right", computed=True, source="computed: hedged − ust30y"),
    ]
    notes: list[str] = ["hedged with overnight rates (SOFR − TONA), not with the FX forwards behind the seed's number"]
    if not ins.has("tona") or ins.get("tona").index[-1] < pickup.index[-1]:
        notes.append("jpy3m (a 3-month interbank rate, monthly) fills the days TONA is missing")
    markers: tuple[Marker, ...] = ()
    seed_text = ""
    feb = pickup[(pickup.index >= pd.Timestamp(2026, 2, 1)) & (pickup.index <= pd.Timestamp(2026, 2, 28))]
    if len(feb):
        markers = (Marker(SEED_DATE, SEED_JGB_PICKUP_BP, "seed: +175 bp (BlackRock, 2026-02-26)", "pickup"),)
        on_day = value_asof(feb, SEED_DATE, 3)
        if on_day is not None:
            seed_text = f"; {_signed(on_day[1], 0)} bp on {on_day[0].isoformat()} (seed: +175)"
    now, when = float(pickup.iloc[-1]), day(pickup.index[-1])
    verdict: Verdict = "consistent" if now > 0 else "not consistent"
    body = f"{subject}: {_signed(now, 0)} bp ({when.isoformat()}){seed_text}"
    reading = Reading(_line(body, verdict), verdict, now, "bp", when)
    return ins.result(series, reading, markers=markers, lines=lines, missing=ins.missing("tona"), notes=tuple(notes))


# --------------------------------------------------------------------------- the ten specs


def _ref(input_id: str, label: str, source: str, *, pending: bool = False, optional: bool = False) -> InputRef:
    return InputRef(input_id, label, source, pending, optional)


def _cat(input_id: str, label: str, *, optional: bool = False) -> InputRef:
    """An input already in the catalog; its source is the catalog's primary source."""
    return InputRef(input_id, label, CATALOG[input_id].sources[0].tag, False, optional)


EXHIBITS: tuple[ExhibitSpec, ...] = (
    ExhibitSpec(
        1,
        "holders",
        "Treasury holdings by sector",
        "RoW (red) is the largest holder, though its share has plateaued while Mutual Funds+MMF (blue) "
        "and Households (green) have grown.",
        "The arrangement",
        (
            _cat("z1_total", "all holders (Z.1 L.210)"),
            _cat("z1_row", "rest of the world"),
            _cat("z1_fed", "Federal Reserve"),
            _cat("z1_mutual_funds", "mutual funds"),
            _cat("z1_mmf", "money market funds"),
            _cat("z1_households", "households"),
            _cat("z1_banks", "US-chartered banks"),
        ),
        "Each sector's holdings as a % of the Z.1 total of holders; others = the rest, so shares sum to 100 %. "
        f"Consistent when the rest of the world's share has not risen by more than {PLATEAU_PP:g} pp over 5 years.",
        _holders,
    ),
    ExhibitSpec(
        2,
        "debt",
        "Federal debt held by the public, % of GDP",
        "40% GDP (pre-GFC) → 100%+ now → 120%+ by 2035 (CBO)",
        "The arrangement",
        (
            _cat("debt_gdp", "debt held by the public, % of GDP"),
            _ref(
                "cbo_debt_gdp",
                "CBO baseline projection",
                "cbo:51118-2026-02-Budget-Projections.xlsx",
                pending=True,
                optional=True,
            ),
        ),
        f"Latest quarter against 2007 Q4. Consistent when debt is at least {DEBT_THRESHOLD:g} % of GDP. "
        "The CBO path is drawn only from CBO's own data file, labelled with its vintage.",
        _debt,
        caveat=_CBO_WHY + ".",
    ),
    ExhibitSpec(
        3,
        "gfc",
        "The GFC: dollar up, convenience up",
        "Dollar appreciated, yields fell, convenience yield spiked to >100bps at the short end.",
        "How it used to work",
        (
            _cat("usd_broad", "broad dollar index"),
            _cat("aaa10y", "Aaa − 10Y (convenience proxy)"),
        ),
        "Changes from 2008-09-12 to 2008-12-31 (the crisis scorecard's window). Consistent when the broad dollar "
        "and Aaa − 10Y both rose.",
        _gfc,
        caveat="The note's chart is the Jiang–Krishnamurthy–Lustig Treasury basis, built from cross-currency swaps "
        "that no keyless source publishes; Aaa − 10Y is the closest public convenience proxy and also carries "
        "credit risk, which rose in 2008 too.",
    ),
    ExhibitSpec(
        4,
        "deficits",
        "Deficit, net interest and primary deficit, % of GDP",
        "Net interest outlays (light pink) now a growing structural component.",
        "How it used to work",
        (
            _cat("deficit_gdp", "deficit, % of GDP (FRED's surplus × −1)"),
            _cat("interest_gdp", "interest outlays, % of GDP"),
        ),
        "Annual (fiscal years over calendar GDP). Primary deficit = deficit − net interest, computed. "
        "Consistent when net interest is higher than 5 years earlier.",
        _deficits,
    ),
    ExhibitSpec(
        5,
        "basis",
        "Treasury basis by tenor (closest public analogue)",
        "At 5Y and 10Y, Treasuries now trade at a discount to G-10 peers.",
        "What's breaking: 1. Treasury basis has turned negative",
        (
            _cat("bund10y", "Bund 10Y"),
            _cat("estr", "€STR"),
            _cat("jgb10y", "JGB 10Y"),
            _cat("jgb20y", "JGB 20Y"),
            _cat("jgb30y", "JGB 30Y"),
            _cat("tona", "TONA"),
            _cat("jpy3m", "JPY 3M interbank (fallback leg)", optional=True),
            _cat("sofr", "SOFR"),
            _cat("ust10y", "UST 10Y"),
            _cat("ust20y", "UST 20Y"),
            _cat("ust30y", "UST 30Y"),
        ),
        "Overnight-hedged pickups (foreign yield + SOFR − foreign overnight rate − UST of the same tenor). "
        "Consistent when more than half of the computable tenors are above 0 (hedged foreign bonds out-yield "
        "Treasuries, i.e. Treasuries trade at a discount).",
        _basis,
        caveat="The Treasury basis needs cross-currency basis swaps at each tenor, which no keyless source "
        "publishes. An overnight hedge ignores the term cross-currency basis, so its level differs from the "
        "published basis; its sign answers the same question.",
    ),
    ExhibitSpec(
        6,
        "tariff",
        "US 10Y − Bund 10Y against EUR/USD, April 2024 – April 2025",
        "The April 2025 tariff shock produced the opposite of the historical pattern: yields rose relative to "
        "Bunds while the dollar weakened.",
        "What's breaking: 2. Flight-to-safety mechanism is broken",
        (
            _cat("ust10y", "UST 10Y"),
            _cat("bund10y", "Bund 10Y"),
            _cat("eurusd", "EUR/USD"),
        ),
        "Changes over 2025-04-02 → 2025-04-11 (daily), or March → April 2025 monthly averages when only the "
        "monthly Bund is held. Consistent when the spread rose and the dollar fell against the euro.",
        _tariff,
    ),
    ExhibitSpec(
        7,
        "flows",
        "Net purchases of Treasuries by sector",
        "RoW (red) dominated through the 2000s, then retreated. COVID and post-COVID: RoW no longer the "
        "reliable marginal buyer.",
        "What's breaking: 2. Flight-to-safety mechanism is broken",
        (
            _cat("z1_flow_total", "net issuance (all holders)"),
            _cat("z1_flow_row", "rest of the world"),
            _cat("z1_flow_fed", "Federal Reserve"),
            _cat("z1_flow_mmf", "money market funds"),
        ),
        f"Z.1 quarterly flows. Consistent when the rest of the world's share of all net purchases over the last "
        f"{RECENT_QUARTERS} quarters is below its share in 2000–2009.",
        _flows,
    ),
    ExhibitSpec(
        8,
        "stock_bond",
        "Stock–bond correlation over the long run",
        "Deeply negative from ~2000-2020 (Treasuries as hedge), then sharply positive post-pandemic.",
        "What's breaking: 3. Stock-bond correlation turned positive",
        (
            _cat("spx", "S&P 500 (daily, about 10 years on FRED)"),
            _cat("ust10y", "UST 10Y"),
            _cat("equity_nber", "NBER common stock price index 1871–1956"),
            _cat("equity_oecd", "OECD US share prices 1957–"),
            _cat("ust_long_1919", "NBER long-term US bond yield 1919–1944"),
            _cat("ust_long_1941", "NBER long-term US bond yield 1941–1967"),
            _cat("ust10y_monthly", "10Y Treasury, monthly average 1953–"),
        ),
        f"Correlation of equity % changes with minus the change of a long-term Treasury yield: {DAILY_WINDOW} "
        f"daily pairs when available, else {MONTHLY_WINDOW} monthly pairs of the spliced history. "
        "Consistent when the latest correlation is above 0.",
        _stock_bond,
        caveat="The monthly history splices sources by change, never by level: NBER and OECD stock indexes; "
        "NBER long-term bond yields, then GS10. The bonds behind the yields differ in maturity, and monthly "
        "averages smooth both sides.",
    ),
    ExhibitSpec(
        9,
        "credit",
        "Credit spreads against their ten-year average",
        "Hit multi-decade lows, now widened ~8bps in last month to 82bps (still below 10Y avg of 119bps)",
        "Credit market echoes (Feb 2026)",
        (
            _cat("ig_oas", "ICE BofA US IG OAS"),
            _cat("hy_oas", "ICE BofA US HY OAS", optional=True),
        ),
        "IG OAS against its trailing 3,652-day mean (the ig_cushion baseline). Consistent when below.",
        _credit,
    ),
    ExhibitSpec(
        10,
        "jgb",
        "Hedged 30Y JGB yield against the 30Y Treasury",
        "30Y JGBs offer +175bps pickup.",
        "The smart money is already moving",
        (
            _cat("jgb30y", "JGB 30Y"),
            _cat("sofr", "SOFR"),
            _cat("tona", "TONA"),
            _cat("jpy3m", "JPY 3M interbank (fallback leg)", optional=True),
            _cat("ust30y", "UST 30Y"),
        ),
        "Hedged JGB 30Y = JGB 30Y + SOFR − TONA; pickup = hedged − UST 30Y. Consistent when the pickup is above 0.",
        _jgb,
        caveat="BlackRock's +175 bp hedges with FX forwards; triffin hedges with overnight rates, so the levels differ.",
    ),
)
"""The seed's ten exhibits, in the note's order."""

BY_ID: dict[str, ExhibitSpec] = {spec.id: spec for spec in EXHIBITS}


def get(exhibit: str | int) -> ExhibitSpec:
    """The exhibit with this id (``holders``) or number (``1`` or ``"1"``).

    Raises:
        KeyError: with a message listing the known ids.
    """
    key = str(exhibit).strip().lower()
    if key.isdigit():
        for spec in EXHIBITS:
            if spec.number == int(key):
                return spec
    elif key in BY_ID:
        return BY_ID[key]
    known = ", ".join(f"{s.number}/{s.id}" for s in EXHIBITS)
    raise KeyError(f"unknown exhibit {exhibit!r} (known: {known})")


def input_ids() -> tuple[str, ...]:
    """Every instrument id some exhibit reads, once each, in exhibit order."""
    return tuple(dict.fromkeys(ref.id for spec in EXHIBITS for ref in spec.inputs))


def assemble(
    exhibit: ExhibitSpec | str | int, series: Mapping[str, pd.Series], facts: InputFacts = NO_FACTS
) -> ExhibitResult:
    """Assemble one exhibit from the store's series (instrument id → series in catalog units).

    ``facts`` (see :func:`datafeed.exhibits_store.input_facts`) name the source that served
    each input and why a missing one is missing.
    """
    spec = exhibit if isinstance(exhibit, ExhibitSpec) else get(exhibit)
    return spec.assemble(spec, series, facts)


def assemble_all(series: Mapping[str, pd.Series], facts: InputFacts = NO_FACTS) -> tuple[ExhibitResult, ...]:
    """All ten exhibits, in order."""
    return tuple(assemble(spec, series, facts) for spec in EXHIBITS)


def to_json(spec: ExhibitSpec, result: ExhibitResult) -> dict[str, Any]:
    """One entry of the snapshot's ``exhibits`` list (the keys of docs/contract.md, plus verdict and missing)."""
    return {
        "id": spec.id,
        "number": spec.number,
        "title": spec.title,
        "claim": spec.claim,
        "section": spec.section,
        "reading": result.reading.text,
        "verdict": result.reading.verdict,
        "as_of": result.as_of.isoformat() if result.as_of else None,
        "sources": list(result.sources),
        "missing": [{"input": m.input_id, "why": m.why} for m in result.missing],
    }
