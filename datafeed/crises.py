"""Provides the crisis scorecard of DESIGN.md §4: did Treasuries act as a haven in each episode?

For every episode and check, v0 is the last observation on or before the episode's start
and v1 the last on or before its end; the change v1 − v0 is quoted in bp for yields and
spreads, points for the VIX and percent for prices and FX. A haven episode has Treasury
yields down, the dollar up and Treasuries outperforming Bunds (the three *core* checks);
VIX, S&P 500, IG OAS and gold are context that show stress was really there.

Choices made where the specification leaves room:

- **Staleness.** An as-of value must be at most ``max_stale_days`` (10) calendar days older
  than the date it stands for (45 for monthly/quarterly series); otherwise the check is
  ``n/a``. Without this, a series that ended years ago would score a stale "flat".
- **No observation inside the window.** When v0 and v1 are the same observation nothing was
  measured, so the check is ``n/a`` rather than ``flat``.
- **usd fallback.** ``usd_broad`` (FRED DTWEXBGS) starts in 2006. When it has no usable
  value at the start or end, the check uses −% change of ``eurusd`` (USD per EUR, so a
  falling EUR/USD is a rising dollar) and says so in ``note``.
- **Monthly Bund.** When only the OECD monthly Bund series (a monthly *average* dated the
  1st) is held, the ``ust_bund_10y`` spread takes that average carried forward at most
  45 days, per the as-of rule, but only for episodes of at least
  ``bund_monthly_min_days`` (60) days. A shorter window starts and ends in the same month
  (the Bund leg cancels and the check merely repeats ``ust10y``, counting one piece of
  evidence twice in the verdict) or straddles two monthly averages whose difference has
  little to do with the days in question; it is ``n/a`` with that reason. With daily
  Bund data every episode is scored.
- **Live episode.** It is about now: it opens only when the last trigger fell within
  ``recent`` business days (US calendar) before today, starts on the first trigger of
  that stress spell (triggers at most ``merge_gap`` observations apart belong to one
  spell) and ends today. It is scored only when the core series have data within the
  window; a core check that cannot be measured because its series is old (or has nothing
  inside the window yet) means no live row at all rather than a verdict on old data. A
  core check whose series is not held, or held only monthly, stays ``n/a`` with its note.

Checks and episodes are data: a :class:`CheckSpec` per column (its series, unit, expected
sign, default threshold, core or context, how it is measured and charted) and one line per
built-in episode in :data:`_BUILTIN_LINES`. Adding an episode is one line there (or one
``[[episodes]]`` table in the config): ``docs/extending-signals.md``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from datafeed.frame import (
    aligned_frame,
    carried_dates,
    carry,
    clean,
    date_index,
    is_daily,
    sorted_union,
)
from datafeed.market_calendar import business_days_between
from datafeed.registry import Registry
from datafeed.sanitize import clean_line
from datafeed.signals.freshness import facts_from_series
from datafeed.signals.serialize import round_value
from datafeed.thresholds import Overrides, Thresholds, resolve_thresholds

CheckOutcome = Literal["pass", "fail", "flat", "n/a"]
EpisodeVerdict = Literal["haven", "mixed", "broken", "n/a"]
Expected = Literal["up", "down"]


# --------------------------------------------------------------------------- episodes


@dataclass(frozen=True, slots=True)
class Episode:
    """A stress window to score.

    Attributes:
        id: short unique id (``covid-2020``; ``live`` for the live row).
        name: display name.
        start: first day of the window (v0 is read on or before it).
        end: last day of the window (v1 is read on or before it).
        builtin: True for the episodes of DESIGN.md §4.
        live: True for the detector's row, which re-scores on every update.
    """

    id: str
    name: str
    start: dt.date
    end: dt.date
    builtin: bool
    live: bool = False

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"episode {self.id!r}: end {self.end} is before start {self.start}")


_BUILTIN_LINES: tuple[tuple[str, str, str, str], ...] = (
    # id,              name,                  start,        end
    ("gfc-2008", "GFC: Lehman", "2008-09-12", "2008-12-31"),
    ("downgrade-2011", "US downgrade", "2011-07-29", "2011-08-10"),
    ("china-2015", "China deval", "2015-08-17", "2015-08-25"),
    ("brexit-2016", "Brexit vote", "2016-06-23", "2016-06-27"),
    ("covid-2020", "COVID dash for cash", "2020-03-09", "2020-03-18"),
    ("svb-2023", "SVB", "2023-03-08", "2023-03-17"),
    ("carry-2024", "Yen carry unwind", "2024-07-31", "2024-08-05"),
    ("tariff-2025", "Tariff shock", "2025-04-02", "2025-04-11"),
)
"""The built-in episodes, oldest first: one line each (id, name, start, end)."""


def builtin_episode(line: tuple[str, str, str, str]) -> Episode:
    """An :class:`Episode` from one line of :data:`_BUILTIN_LINES`."""
    episode_id, name, start, end = line
    return Episode(episode_id, name, dt.date.fromisoformat(start), dt.date.fromisoformat(end), builtin=True)


EPISODES: Registry[Episode] = Registry("episode", (builtin_episode(line) for line in _BUILTIN_LINES))
"""Built-in episodes by id, in display order (the demo market keys its shocks by these ids)."""


def builtin_episodes() -> tuple[Episode, ...]:
    """Every built-in episode, in display order (registrations included)."""
    return tuple(EPISODES.values())


def __getattr__(name: str) -> Any:
    """``BUILTIN_EPISODES``: :func:`builtin_episodes` under its old name, as of now."""
    if name == "BUILTIN_EPISODES":
        return builtin_episodes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_EPISODE_KEYS = frozenset({"id", "name", "start", "end"})
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _parse_date(value: Any, what: str, episode_id: str) -> dt.date:
    """A date from a TOML date, a datetime or an ISO ``YYYY-MM-DD`` string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"episode {episode_id!r}: {what} {value!r} is not a date (use YYYY-MM-DD)")


def episode_from_mapping(d: Mapping[str, Any]) -> Episode:
    """Build a user episode from one config ``[[episodes]]`` table.

    Args:
        d: keys ``id`` (letters, digits, ``-_.``), ``start``, ``end`` (TOML dates or
            ``YYYY-MM-DD`` strings) and optionally ``name`` (defaults to the id).

    Raises:
        ValueError: a missing or unknown key, a bad id, a bad date, or end before start;
            the message names the episode and the problem.
    """
    if not isinstance(d, Mapping):
        # ValueError, not TypeError: config loading reports every bad value alike.
        raise ValueError(f"episode must be a table, got {type(d).__name__}")  # noqa: TRY004
    raw_id = d.get("id")
    if not isinstance(raw_id, str) or not _ID_RE.match(raw_id):
        raise ValueError(f"episode id {raw_id!r} is invalid: use letters, digits, '-', '_' or '.'")
    if raw_id == "live":
        raise ValueError("episode id 'live' is reserved for the live stress row")
    unknown = sorted(set(d) - _EPISODE_KEYS)
    if unknown:
        raise ValueError(f"episode {raw_id!r}: unknown key(s) {', '.join(unknown)} (allowed: id, name, start, end)")
    for key in ("start", "end"):
        if key not in d:
            raise ValueError(f"episode {raw_id!r}: missing {key}")
    name = d.get("name", raw_id)
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"episode {raw_id!r}: name must be a non-empty string")
    start = _parse_date(d["start"], "start", raw_id)
    end = _parse_date(d["end"], "end", raw_id)
    if end < start:
        raise ValueError(f"episode {raw_id!r}: end {end} is before start {start}")
    # Shown on the grid and in every snapshot format: strip controls and escape sequences.
    return Episode(raw_id, clean_line(name, 80) or raw_id, start, end, builtin=False)


# --------------------------------------------------------------------------- checks

MeasureFn = Callable[["CheckSpec", "Inputs", Episode, Mapping[str, float]], "CheckResult"]
"""(the check, the inputs, the episode, the ``crises`` thresholds) → one cell of the grid."""

ChartFn = Callable[["CheckSpec", pd.DataFrame, "CheckResult | None"], tuple[pd.Series, str, str]]
"""(the check, the aligned frame of its inputs, its result) → (values, legend label, unit) to chart."""


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One column of the scorecard, declaratively.

    Attributes:
        id: check id (also its key in ``[thresholds.crises]``).
        label: column header.
        unit: ``bp``, ``pts`` or ``%`` (how the change is quoted).
        expected: the direction a haven episode shows.
        core: True for the three checks the verdict is built from (the rest is context
            showing that the stress was real).
        threshold: default smallest move that counts, in ``unit``.
        inputs: instrument ids it reads.
        any_input: True when the inputs are alternatives (the broad dollar or, before
            2006, EUR/USD) rather than all needed.
        measure: how the change is read (:data:`MeasureFn`); default: the first input's
            own observations.
        chart: what its drill-down charts (:data:`ChartFn`); default: the first input.
    """

    id: str
    label: str
    unit: str
    expected: Expected
    core: bool
    threshold: float
    inputs: tuple[str, ...]
    any_input: bool = False
    measure: MeasureFn | None = None
    chart: ChartFn | None = None

    def run(self, data: Inputs, episode: Episode, th: Mapping[str, float]) -> CheckResult:
        """This check's cell for ``episode``."""
        return (self.measure or _simple_check)(self, data, episode, th)

    def chart_series(self, frame: pd.DataFrame, check: CheckResult | None) -> tuple[pd.Series, str, str]:
        """(values, label, unit) of the drill-down chart."""
        return (self.chart or _simple_chart)(self, frame, check)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One cell of the scorecard.

    Attributes:
        id: check id.
        change: v1 − v0 in ``unit``; None when n/a.
        unit: ``bp``, ``pts`` or ``%``.
        expected: direction a haven shows.
        result: ``pass``, ``fail``, ``flat`` or ``n/a``.
        threshold: smallest |change| that counts, in ``unit``.
        series: what was measured (``usd_broad``, ``eurusd``, ``ust10y-bund10y`` ...).
        v0: value at or before the start (catalog unit).
        v1: value at or before the end.
        date0: date of v0.
        date1: date of v1.
        note: a fallback used, or why the check is n/a.
    """

    id: str
    change: float | None
    unit: str
    expected: Expected
    result: CheckOutcome
    threshold: float
    series: str
    v0: float | None = None
    v1: float | None = None
    date0: dt.date | None = None
    date1: dt.date | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ScoredEpisode:
    """An episode with its verdict and every check.

    Attributes:
        episode: the episode scored.
        verdict: ``haven``, ``mixed``, ``broken`` or ``n/a``.
        checks: check id → result, in column order.
    """

    episode: Episode
    verdict: EpisodeVerdict
    checks: dict[str, CheckResult] = field(default_factory=dict)


class _Missing(Exception):
    """A check cannot be measured; the message says why."""


@dataclass(frozen=True, slots=True)
class _Reading:
    v0: float
    v1: float
    d0: dt.date
    d1: dt.date


_DAY_NS = 86_400 * 10**9


@dataclass(frozen=True, slots=True)
class _Arrays:
    """A cleaned series as plain arrays: as-of lookups are one ``searchsorted`` each."""

    stamps: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, s: pd.Series) -> _Arrays:
        return cls(date_index(s).asi8, s.to_numpy())


class Inputs:
    """Series cleaned once, with per-instrument frequency and the UST−Bund spread cached.

    Why: scoring nine episodes re-reads the same few series; cleaning them, guessing their
    frequency and building the spread once per scoring pass keeps a full re-score cheap.
    """

    def __init__(self, series: Mapping[str, pd.Series], frequencies: Mapping[str, str] | None = None) -> None:
        self._raw = series
        self._frequencies = frequencies
        self._clean: dict[str, pd.Series] = {}
        self._arrays: dict[str, _Arrays] = {}
        self._daily: dict[str, bool] = {}
        self._spread: _Arrays | None = None

    def get(self, instrument: str) -> pd.Series:
        """The cleaned series (empty when absent)."""
        if instrument not in self._clean:
            self._clean[instrument] = clean(self._raw.get(instrument))
        return self._clean[instrument]

    def arrays(self, instrument: str) -> _Arrays:
        """The cleaned series as (ns stamps, values) arrays."""
        if instrument not in self._arrays:
            self._arrays[instrument] = _Arrays.of(self.get(instrument))
        return self._arrays[instrument]

    def daily(self, instrument: str) -> bool:
        """True when the instrument is treated as daily (see :func:`datafeed.frame.is_daily`)."""
        if instrument not in self._daily:
            self._daily[instrument] = is_daily(instrument, self.get(instrument), self._frequencies)
        return self._daily[instrument]

    def stale_limit(self, instrument: str, th: Mapping[str, float]) -> int:
        """Days an as-of value of ``instrument`` may lag the date it stands for."""
        return int(th["max_stale_days" if self.daily(instrument) else "max_stale_days_lower"])

    def spread(self) -> _Arrays:
        """ust10y − bund10y on UST dates (daily Bund: shared dates; monthly: carried ≤ 45 days)."""
        if self._spread is None:
            ust, bund = self.get("ust10y"), self.get("bund10y")
            if self.daily("bund10y"):
                spread = (ust - bund).dropna()
            else:
                spread = (ust - carry(bund, date_index(ust))).dropna()
            self._spread = _Arrays.of(spread)
        return self._spread


def _asof(a: _Arrays, when: dt.date, max_stale: int, label: str, what: str) -> tuple[int, float]:
    """Last observation on or before ``when`` (ns stamp, value), at most ``max_stale`` days old."""
    target = pd.Timestamp(when).value
    pos = int(np.searchsorted(a.stamps, target, side="right")) - 1
    if pos < 0:
        raise _Missing(f"no {label} observation on or before {what} {when}")
    stamp = int(a.stamps[pos])
    if target - stamp > max_stale * _DAY_NS:
        raise _Missing(f"{label}: newest observation before {what} {when} is {_date(stamp)} (> {max_stale} days old)")
    return stamp, float(a.values[pos])


def _date(stamp: int) -> dt.date:
    return pd.Timestamp(stamp).date()


def _read(a: _Arrays, episode: Episode, max_stale: int, label: str) -> _Reading:
    """v0 and v1 for ``episode`` per the as-of rule; n/a when both are one observation."""
    if len(a.stamps) == 0:
        raise _Missing(f"missing input: {label}")
    s0, v0 = _asof(a, episode.start, max_stale, label, "start")
    s1, v1 = _asof(a, episode.end, max_stale, label, "end")
    if s0 == s1:
        raise _Missing(f"no {label} observation inside the window")
    return _Reading(v0, v1, _date(s0), _date(s1))


def _change(r: _Reading, unit: str) -> float:
    """v1 − v0 in the check's unit: bp from %, points, or percent change."""
    if unit == "bp":
        return 100.0 * (r.v1 - r.v0)
    if unit == "pts":
        return r.v1 - r.v0
    return 100.0 * (r.v1 / r.v0 - 1.0)


def judge(change: float, threshold: float, expected: Expected) -> CheckOutcome:
    """``pass`` / ``fail`` / ``flat`` of one change against its threshold.

    The change is rounded to 1e-9 first, so 100·(4.05 − 4.00) = 4.9999999 does not turn a
    5 bp move into "flat" through binary floating point.
    """
    change = round(change, 9)
    if change == 0 or abs(change) < threshold - 1e-9:
        return "flat"
    rising = change > 0
    return "pass" if rising == (expected == "up") else "fail"


def _result(
    spec: CheckSpec, th: float, series_label: str, reading: _Reading, change: float, note: str | None
) -> CheckResult:
    return CheckResult(
        spec.id,
        change,
        spec.unit,
        spec.expected,
        judge(change, th, spec.expected),
        th,
        series_label,
        reading.v0,
        reading.v1,
        reading.d0,
        reading.d1,
        note,
    )


def _na(spec: CheckSpec, th: float, series_label: str, note: str) -> CheckResult:
    return CheckResult(spec.id, None, spec.unit, spec.expected, "n/a", th, series_label, note=note)


def _simple_check(spec: CheckSpec, data: Inputs, episode: Episode, th: Mapping[str, float]) -> CheckResult:
    """A check on its first input's own observations."""
    instrument = spec.inputs[0]
    try:
        reading = _read(data.arrays(instrument), episode, data.stale_limit(instrument, th), instrument)
    except _Missing as exc:
        return _na(spec, th[spec.id], instrument, str(exc))
    return _result(spec, th[spec.id], instrument, reading, _change(reading, spec.unit), None)


def _usd_check(spec: CheckSpec, data: Inputs, episode: Episode, th: Mapping[str, float]) -> CheckResult:
    """Broad dollar % change, or −% change of EUR/USD where the broad index has no data."""
    try:
        reading = _read(data.arrays("usd_broad"), episode, data.stale_limit("usd_broad", th), "usd_broad")
        return _result(spec, th[spec.id], "usd_broad", reading, _change(reading, "%"), None)
    except _Missing as exc:
        why = str(exc)
    try:
        reading = _read(data.arrays("eurusd"), episode, data.stale_limit("eurusd", th), "eurusd")
    except _Missing as exc:
        return _na(spec, th[spec.id], "usd_broad", f"{why}; fallback: {exc}")
    change = -100.0 * (reading.v1 / reading.v0 - 1.0)
    return _result(spec, th[spec.id], "eurusd", reading, change, f"−% change of eurusd used ({why})")


def _ust_bund_check(spec: CheckSpec, data: Inputs, episode: Episode, th: Mapping[str, float]) -> CheckResult:
    """Change of ust10y − bund10y (see the module docstring on monthly-only Bund data)."""
    label = "ust10y-bund10y"
    missing = [i for i in ("ust10y", "bund10y") if data.get(i).empty]
    if missing:
        return _na(spec, th[spec.id], label, f"missing input: {', '.join(missing)}")
    note = None
    if not data.daily("bund10y"):
        days = (episode.end - episode.start).days
        if days < th["bund_monthly_min_days"]:
            return _na(
                spec,
                th[spec.id],
                label,
                f"bund10y is monthly only: a {days}-day window cannot be measured on monthly averages",
            )
        note = "bund10y monthly averages carried forward"
    try:
        reading = _read(data.spread(), episode, int(th["max_stale_days"]), label)
    except _Missing as exc:
        return _na(spec, th[spec.id], label, str(exc))
    if note:
        used = carried_dates(data.get("bund10y"), pd.DatetimeIndex([reading.d0, reading.d1]).as_unit("ns"))
        note += f" (Bund of {used.iloc[0].date()} → {used.iloc[1].date()})"
    return _result(spec, th[spec.id], label, reading, _change(reading, "bp"), note)


AUCTION_CHECK_LINES: tuple[str, ...] = ("auction_indirect_10y", "auction_indirect_30y")
"""The auction series the crisis auction check reads: indirect bidders at 10- and 30-year auctions."""


def _custody_check(spec: CheckSpec, data: Inputs, episode: Episode, th: Mapping[str, float]) -> CheckResult:
    """% change of the weekly custody level, as of weeks: the Wednesday level on or before the
    start and the one on or before the end (each at most 10 days old); n/a when both are one week."""
    instrument = spec.inputs[0]
    try:
        reading = _read(data.arrays(instrument), episode, int(th["max_stale_days"]), instrument)
    except _Missing as exc:
        return _na(spec, th[spec.id], instrument, str(exc))
    return _result(spec, th[spec.id], instrument, reading, _change(reading, "%"), None)


def _auction_check(spec: CheckSpec, data: Inputs, episode: Episode, th: Mapping[str, float]) -> CheckResult:
    """Indirect bidders' share at the 10- and 30-year auctions held inside the window, against each
    line's mean over the two years before the auction (pp; the lines' deviations averaged).

    v0 is the mean of the trailing averages, v1 the mean of the shares at those auctions; n/a
    when no such auction fell inside the window.
    """
    from datafeed.signals.demand import line_deviation

    label = "indirect_10y/30y"
    start, end = pd.Timestamp(episode.start), pd.Timestamp(episode.end)
    rows = []
    held = False
    for sid in spec.inputs:
        s = data.get(sid)
        if s.empty:
            continue
        held = True
        table = line_deviation(s, 2.0, 3).dropna(subset=["deviation"])
        rows.append(table[(table.index >= start) & (table.index <= end)])
    if not held:
        return _na(spec, th[spec.id], label, "no auction results held")
    inside = pd.concat(rows) if rows else pd.DataFrame()
    if inside.empty:
        return _na(spec, th[spec.id], label, "no 10Y/30Y auction inside the window")
    dates = sorted(inside.index)
    reading = _Reading(
        float(inside["trailing"].mean()), float(inside["value"].mean()), dates[0].date(), dates[-1].date()
    )
    note = f"{len(inside)} auction(s) vs 2y mean"
    return _result(spec, th[spec.id], label, reading, float(inside["deviation"].mean()), note)


def _auction_chart(spec: CheckSpec, frame: pd.DataFrame, check: CheckResult | None) -> tuple[pd.Series, str, str]:
    column = next((c for c in spec.inputs if c in frame.columns), spec.inputs[0])
    return frame[column], column, "%"


def _unit_of(inst_id: str) -> str:
    from datafeed.catalog import CATALOG

    inst = CATALOG.get(inst_id)
    return inst.unit if inst else ""


def _simple_chart(spec: CheckSpec, frame: pd.DataFrame, check: CheckResult | None) -> tuple[pd.Series, str, str]:
    inst_id = spec.inputs[0]
    return frame[inst_id], inst_id, _unit_of(inst_id)


def _usd_chart(spec: CheckSpec, frame: pd.DataFrame, check: CheckResult | None) -> tuple[pd.Series, str, str]:
    """The series the check measured (the broad dollar, or EUR/USD where it fell back)."""
    used = check.series if check is not None and check.series in frame.columns else spec.inputs[0]
    return frame[used], used, _unit_of(used)


def _spread_chart(spec: CheckSpec, frame: pd.DataFrame, check: CheckResult | None) -> tuple[pd.Series, str, str]:
    return (frame["ust10y"] - frame["bund10y"]) * 100.0, "UST 10Y − Bund 10Y", "bp"


CHECKS: dict[str, CheckSpec] = {
    c.id: c
    for c in (
        #         id              label       unit   haven  core        threshold  inputs
        CheckSpec("ust10y", "UST 10Y", "bp", "down", core=True, threshold=5.0, inputs=("ust10y",)),
        CheckSpec(
            "usd",
            "USD",
            "%",
            "up",
            core=True,
            threshold=0.5,
            inputs=("usd_broad", "eurusd"),
            any_input=True,
            measure=_usd_check,
            chart=_usd_chart,
        ),
        CheckSpec(
            "ust_bund_10y",
            "UST−Bund",
            "bp",
            "down",
            core=True,
            threshold=5.0,
            inputs=("ust10y", "bund10y"),
            measure=_ust_bund_check,
            chart=_spread_chart,
        ),
        CheckSpec("vix", "VIX", "pts", "up", core=False, threshold=1.0, inputs=("vix",)),
        CheckSpec("spx", "S&P 500", "%", "down", core=False, threshold=0.5, inputs=("spx",)),
        CheckSpec("ig_oas", "IG OAS", "bp", "up", core=False, threshold=5.0, inputs=("ig_oas",)),
        CheckSpec("gold", "Gold", "%", "up", core=False, threshold=0.5, inputs=("gold",)),
        CheckSpec(
            "custody",
            "Custody",
            "%",
            "up",
            core=False,
            threshold=0.5,
            inputs=("custody_official",),
            measure=_custody_check,
        ),
        CheckSpec(
            "auction_indirect",
            "Indirect",
            "pp",
            "up",
            core=False,
            threshold=1.0,
            inputs=AUCTION_CHECK_LINES,
            any_input=True,
            measure=_auction_check,
            chart=_auction_chart,
        ),
    )
}
"""The checks in column order (three core, six context: the last two are the demand side,
foreign official custody holdings and the indirect bidders at long auctions)."""

CORE_CHECKS: tuple[str, ...] = tuple(c for c, s in CHECKS.items() if s.core)

CHECK_INPUTS: dict[str, tuple[str, ...]] = {c.id: c.inputs for c in CHECKS.values()}
"""Check id → instrument ids it reads (for the drill-down charts and incremental re-scoring)."""

_CRISIS_EXTRA: Mapping[str, float] = MappingProxyType(
    {"max_stale_days": 10.0, "max_stale_days_lower": 45.0, "bund_monthly_min_days": 60.0}
)

LIVE_DEFAULTS: Mapping[str, float] = MappingProxyType(
    {"vix_jump": 30.0, "vix_obs": 5.0, "spx_drawdown": 5.0, "spx_window": 20.0, "recent": 10.0, "merge_gap": 3.0}
)
"""``[thresholds.live]`` defaults (see :func:`detect_live`)."""


def crisis_defaults() -> dict[str, float]:
    """``[thresholds.crises]`` defaults: each check's threshold plus the as-of limits."""
    return {**{c.id: c.threshold for c in CHECKS.values()}, **_CRISIS_EXTRA}


def score_checks(
    series: Mapping[str, pd.Series] | Inputs,
    episode: Episode,
    th: Mapping[str, float],
    frequencies: Mapping[str, str] | None = None,
) -> dict[str, CheckResult]:
    """Every check of one episode, in column order (``th`` is the ``crises`` section)."""
    data = series if isinstance(series, Inputs) else Inputs(series, frequencies)
    return {cid: spec.run(data, episode, th) for cid, spec in CHECKS.items()}


def verdict(checks: Mapping[str, CheckResult]) -> EpisodeVerdict:
    """DESIGN.md §4: haven when every available core check passes, broken when ust10y
    fails or two core checks fail, mixed otherwise; n/a without ust10y."""
    core = [checks[c] for c in CORE_CHECKS if c in checks]
    ust = checks.get("ust10y")
    if ust is None or ust.result == "n/a":
        return "n/a"
    fails = sum(1 for c in core if c.result == "fail")
    if ust.result == "fail" or fails >= 2:
        return "broken"
    if all(c.result == "pass" for c in core if c.result != "n/a"):
        return "haven"
    return "mixed"


def score_episode(
    series: Mapping[str, pd.Series],
    episode: Episode,
    thresholds: Overrides | Thresholds | None = None,
    *,
    frequencies: Mapping[str, str] | None = None,
) -> ScoredEpisode:
    """Score one episode on ``series`` (instrument id → series in catalog units)."""
    th = resolve_thresholds(thresholds)["crises"]
    checks = score_checks(series, episode, th, frequencies)
    return ScoredEpisode(episode, verdict(checks), checks)


# --------------------------------------------------------------------------- live detector


def stress_triggers(series: Mapping[str, pd.Series], th: Mapping[str, float]) -> pd.Series:
    """Boolean series on the union of VIX and S&P dates: True where either trigger fires.

    VIX fires when it is ≥ ``vix_jump`` % above its value ``vix_obs`` observations earlier;
    the S&P fires when it is ≥ ``spx_drawdown`` % below the highest close of its last
    ``spx_window`` observations (today included). Each is computed on its own
    observations, then both are put on the union of dates.
    """
    vix, spx = clean(series.get("vix")), clean(series.get("spx"))
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    lag = int(th["vix_obs"])
    if len(vix) > lag:
        v = vix.to_numpy()
        fired = np.zeros(len(v), dtype=bool)
        fired[lag:] = v[lag:] / v[:-lag] - 1.0 >= th["vix_jump"] / 100.0 - 1e-9
        parts.append((date_index(vix).asi8, fired))
    if not spx.empty:
        high = spx.rolling(int(th["spx_window"]), min_periods=1).max().to_numpy()
        fired = spx.to_numpy() <= high * (1.0 - th["spx_drawdown"] / 100.0) + 1e-9
        parts.append((date_index(spx).asi8, fired))
    if not parts:
        return pd.Series(dtype=bool)
    stamps = sorted_union(s for s, _ in parts)
    flags = np.zeros(len(stamps), dtype=bool)
    for s, fired in parts:
        flags[np.searchsorted(stamps, s[fired])] = True
    return pd.Series(flags, index=pd.DatetimeIndex(stamps.astype("datetime64[ns]"), name="date"))


def detect_live(
    series: Mapping[str, pd.Series],
    thresholds: Overrides | Thresholds | None = None,
    *,
    today: dt.date | None = None,
) -> Episode | None:
    """The live stress episode, or None when no trigger fell within ``recent`` business days of today.

    Args:
        series: instrument id → series.
        thresholds: the thresholds in force, or overrides (``[thresholds.live]``).
        today: the current date: recency is counted back from it in US business days and
            the window ends on it. Without it the newest date of vix, spx or ust10y stands
            in (scripts over a recorded history); live callers always pass it.

    Returns:
        ``Episode(id="live", start=first trigger of the current spell, end=today)``.
    """
    th = resolve_thresholds(thresholds)["live"]
    fired = stress_triggers(series, th)
    if fired.empty or not fired.any():
        return None
    end = today or _newest_date(series, ("vix", "spx", "ust10y"))
    positions = np.flatnonzero(fired.to_numpy())
    last = positions[-1]
    if business_days_between(fired.index[last].date(), end, "us") > int(th["recent"]):
        return None
    first = last
    for pos in positions[::-1][1:]:
        if first - pos > int(th["merge_gap"]):
            break
        first = pos
    start = fired.index[first].date()
    return Episode("live", f"Live stress since {start.isoformat()}", start, max(end, start), builtin=False, live=True)


def _newest_date(series: Mapping[str, pd.Series], ids: Iterable[str]) -> dt.date:
    return max(f.last for f in facts_from_series(series, ids).values())


def live_scorable(data: Inputs, checks: Mapping[str, CheckResult]) -> bool:
    """True when the live window's core series have data within it.

    A core check that is ``n/a`` although its series is held daily (it ended before the
    window, or has nothing inside it yet) means the live row would be judged on old or no
    data, so there is none. A core check whose series is not held at all, or only monthly
    (the OECD Bund average), cannot be measured over days in any case: it stays ``n/a``
    with its note and does not hide the row. Without ust10y there is no verdict, so no row.
    """
    if verdict(checks) == "n/a":
        return False
    for cid in CORE_CHECKS:
        if checks[cid].result != "n/a":
            continue
        spec = CHECKS[cid]
        daily = [i for i in spec.inputs if not data.get(i).empty and data.daily(i)]
        measurable = bool(daily) if spec.any_input else len(daily) == len(spec.inputs)
        if measurable:
            return False
    return True


def score_all(
    series: Mapping[str, pd.Series],
    episodes: Sequence[Episode] | None = None,
    thresholds: Overrides | Thresholds | None = None,
    *,
    live: bool = True,
    frequencies: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> list[ScoredEpisode]:
    """Score ``episodes`` (default: the built-ins) and, with ``live``, a detected live row last.

    Args:
        series: instrument id → series.
        episodes: built-ins plus user episodes, in display order.
        thresholds: the thresholds in force, or overrides of the ``crises`` and ``live`` sections.
        live: also run the live detector.
        frequencies: optional id → frequency overrides (``{"bund10y": "daily"}``).
        today: the current date (recency of the live row and its end; see :func:`detect_live`).
    """
    table = resolve_thresholds(thresholds)
    chosen = list(builtin_episodes() if episodes is None else episodes)
    data = Inputs(series, frequencies)
    scored = [ScoredEpisode(ep, verdict(c), c) for ep in chosen for c in (score_checks(data, ep, table["crises"]),)]
    if live:
        found = detect_live(series, table, today=today)
        if found is not None:
            checks = score_checks(data, found, table["crises"])
            if live_scorable(data, checks):
                scored.append(ScoredEpisode(found, verdict(checks), checks))
    return scored


def episode_window(
    series: Mapping[str, pd.Series],
    episode: Episode,
    ids: Iterable[str] | None = None,
    pad: int = 20,
) -> pd.DataFrame:
    """Aligned frame of the check inputs across the episode, ``pad`` trading days either side.

    Why: the drill-down charts each series across the window with some context; trading
    days are counted on the frame's own dates so weekends do not eat the padding.
    """
    wanted = list(ids) if ids is not None else list(dict.fromkeys(i for v in CHECK_INPUTS.values() for i in v))
    frame = aligned_frame(series, wanted)
    if frame.empty:
        return frame
    lo = int(frame.index.searchsorted(pd.Timestamp(episode.start), side="left"))
    hi = int(frame.index.searchsorted(pd.Timestamp(episode.end), side="right"))
    return frame.iloc[max(lo - pad, 0) : hi + pad]


# --------------------------------------------------------------------------- JSON


def _num(value: float | None, decimals: int = 6) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), decimals)


def check_to_json(c: CheckResult) -> dict[str, Any]:
    """One check as in DESIGN.md §5 (``change``, ``unit``, ``expected``, ``result``) plus detail."""
    return {
        "change": round_value(c.change, c.unit),
        "unit": c.unit,
        "expected": c.expected,
        "result": c.result,
        "threshold": c.threshold,
        "series": c.series,
        "v0": _num(c.v0),
        "v1": _num(c.v1),
        "date0": c.date0.isoformat() if c.date0 else None,
        "date1": c.date1.isoformat() if c.date1 else None,
        "note": c.note,
    }


def crises_to_json(scored: Iterable[ScoredEpisode]) -> list[dict[str, Any]]:
    """The ``crises`` array of ``snapshot --format json``."""
    return [
        {
            "id": s.episode.id,
            "name": s.episode.name,
            "start": s.episode.start.isoformat(),
            "end": s.episode.end.isoformat(),
            "verdict": s.verdict,
            "builtin": s.episode.builtin,
            "live": s.episode.live,
            "checks": {cid: check_to_json(c) for cid, c in s.checks.items()},
        }
        for s in scored
    ]
