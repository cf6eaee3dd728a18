"""Provides the in-memory store: one pandas Series per instrument, plus fetch status.

Why a store and not per-widget state: every consumer (table, signals, crisis grid,
snapshot) reads the same numbers, so they must live in one place with one version
counter. ``apply`` merges observations and returns a :class:`Delta`; consumers ask
``changed_since(version)`` to do only the work an update needs.

Rules the store keeps:
- merge, never drop: a date a provider stops serving stays (FRED's ICE BofA OAS window);
- a revised value for a known date replaces the old one;
- dates are kept sorted and unique;
- an intraday quote is provisional: it is shown after the last official close and dropped
  as soon as an official value for that date (or later) arrives;
- observations that are not finite numbers, outside the instrument's plausible range, or
  dated in the future are rejected and counted, never stored; so are the catalog's
  per-instrument rules (:attr:`Instrument.nonzero`: a 10-year yield of exactly 0;
  :attr:`Instrument.weekdays`: an S&P 500 close dated a Saturday);
- a date one answer gives twice with different values (1.111, 9.999, 2.222) is refused
  for that date, every copy counted: which one is right cannot be told, and keeping the
  last silently (as before) kept a value no one could vouch for. Identical copies are one.
- a derived instrument (a spread, ``Instrument.derived``) is never written directly: it is
  recomputed from its legs whenever one of them changes, on the dates they share, and its
  state follows its weakest leg (:mod:`datafeed.derived`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from datafeed.catalog import CATALOG, HORIZON_DAYS, Instrument, coarsest_horizon
from datafeed.frame import date_index
from datafeed.models import Batch, Behind, Delta, Observation, SeriesState, Status, utcnow


@dataclass(frozen=True, slots=True)
class Latest:
    """The newest value of an instrument and where it came from."""

    instrument: str
    date: dt.date
    value: float
    source: str
    intraday: bool
    time: dt.datetime | None
    previous: float | None
    previous_date: dt.date | None
    horizon: str = "1D"
    """What ``value − previous`` spans (``1D``, ``1W``, ``1M``...): the frequency of the source
    that served the value; for a spread, that of its coarsest leg (docs/contract.md)."""


VECTOR_BATCH = 64
"""Official observations of one instrument from which a batch is checked with numpy."""

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _columns(
    chunks: list[tuple[int, Observation | Batch]],
) -> tuple[Sequence[int], Sequence[dt.date], Sequence[float], Sequence[str]]:
    """One instrument's official values as parallel columns (positions, dates, values, tags).

    The usual case, a single batch, is passed through without copying its columns.
    """
    if len(chunks) == 1:
        start, batch = chunks[0]
        if isinstance(batch, Batch):
            n = len(batch)
            return range(start, start + n), batch.dates, batch.values, [batch.source] * n
    positions: list[int] = []
    dates: list[dt.date] = []
    values: list[float] = []
    sources: list[str] = []
    for start, item in chunks:
        if isinstance(item, Batch):
            n = len(item)
            positions.extend(range(start, start + n))
            dates.extend(item.dates)
            values.extend(item.values)
            sources.extend([item.source] * n)
        else:
            positions.append(start)
            dates.append(item.date)
            values.append(item.value)
            sources.append(item.source)
    return positions, dates, values, sources


_AHEAD_MARKETS = frozenset({"de", "jp"})
"""Markets whose business day starts before the Americas': their values may be dated
"tomorrow" by an American clock (a JGB close, a Bundesbank yield, TONA, €STR)."""


_AHEAD_SOURCES = frozenset({"yahoo"})
"""Sources whose daily bars may carry tomorrow's date by an American clock: Yahoo dates a
futures or FX session that opens in the evening (Globex at 18:00 ET) by the next day."""


def latest_date(source: str | None, today: dt.date, intraday: bool = False) -> dt.date:
    """The newest date a value from ``source`` (a tag, ``mof:10Y``) may carry on ``today``.

    Values from sources in US markets are refused when dated after today: they are
    published after their day ends in New York, which is today or earlier anywhere. Sources
    in markets ahead of the Americas (Frankfurt, Tokyo: the Bundesbank, the ECB, the MOF and
    the Bank of Japan), Yahoo's daily bars (:data:`_AHEAD_SOURCES`), intraday quotes and
    sources no installed provider names (demo, a plug-in) may be dated tomorrow: their day
    may already have begun where they publish.
    """
    name = source.split(":", 1)[0] if source else ""
    market = _market(name) if name and not intraday and name not in _AHEAD_SOURCES else None
    if market is not None and market not in _AHEAD_MARKETS:
        return today
    return today + dt.timedelta(days=1)


@functools.lru_cache(maxsize=64)
def _market(name: str) -> str | None:
    """The market of the provider called ``name`` (None when no installed provider is)."""
    from datafeed.providers import provider_class

    provider = provider_class(name)
    return provider.market if provider is not None else None


def _drop_conflicts(
    inst_id: str,
    days: np.ndarray,
    values: np.ndarray,
    sources: list[str],
    refused: list[tuple[int, Observation, str]],
    position: int,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Refuse every copy of a date one source gave more than once with different values.

    Args:
        days, values, sources: one instrument's accepted values (day numbers since the
            epoch), in arrival order.
        refused: where the refusals go, at ``position`` (after the answer's other notes).

    Returns:
        the columns without the conflicting dates; identical copies stay (the merge keeps one).
    """
    if len(days) < 2:
        return days, values, sources
    ordered = np.sort(days, kind="stable")
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(repeated):
        return days, values, sources
    drop = np.zeros(len(days), dtype=bool)
    for day in repeated.tolist():
        by_source: dict[str, list[int]] = {}
        for i in np.flatnonzero(days == day).tolist():
            by_source.setdefault(sources[i], []).append(i)
        for source, members in by_source.items():
            copies = [float(values[i]) for i in members]
            if len(members) < 2 or len(set(copies)) < 2:
                continue
            drop[members] = True
            date = dt.date.fromordinal(day + _EPOCH_ORDINAL)
            shown = ", ".join(f"{v:g}" for v in copies[:4]) + (", …" if len(copies) > 4 else "")
            reason = f"{inst_id}: {date} given {len(copies)} times in one answer with different values ({shown})"
            refused.extend((position, Observation(inst_id, date, v, source), reason) for v in copies)
    if not drop.any():
        return days, values, sources
    keep = ~drop
    return days[keep], values[keep], [src for src, k in zip(sources, keep.tolist(), strict=True) if k]


def _empty() -> pd.Series:
    return pd.Series([], index=pd.DatetimeIndex([], dtype="datetime64[ns]"), dtype="float64")


class SeriesStore:
    """Per-instrument pandas Series, their sources, and fetch status, with a version.

    Args:
        catalog: the instruments known to the store.
        today: callable returning today's date (patched in tests); used to reject
            observations dated in the future.
    """

    def __init__(
        self,
        catalog: Mapping[str, Instrument] = CATALOG,
        today: Callable[[], dt.date] | None = None,
    ) -> None:
        self.catalog = dict(catalog)
        self._values: dict[str, pd.Series] = {}
        self._sources: dict[str, pd.Series] = {}
        self._intraday: dict[str, Observation] = {}
        self._changed_at: dict[str, int] = {}
        self._official_at: dict[str, int] = {}
        self.state: dict[str, SeriesState] = {i: SeriesState() for i in self.catalog}
        self.version = 0
        self._today: Callable[[], dt.date] = today or (lambda: dt.date.today())
        self._dependents: dict[str, tuple[str, ...]] = {}
        """Leg id → the derived instruments computed from it (those whose legs are all known)."""
        for inst in self.catalog.values():
            if inst.derived is not None and all(leg in self.catalog for leg in inst.derived.legs):
                for leg in dict.fromkeys(inst.derived.legs):
                    self._dependents[leg] = (*self._dependents.get(leg, ()), inst.id)
        for derived_ids in self._dependents.values():
            for derived_id in derived_ids:
                self._restate(derived_id)  # "missing", naming the legs it waits for

    # ------------------------------------------------------------------ writes
    def validate(self, obs: Observation) -> str | None:
        """Return why ``obs`` is refused, or None when it is acceptable."""
        return self._refusal(obs, self._today())

    def _refusal(self, obs: Observation, today: dt.date) -> str | None:
        """:meth:`validate` with today's date worked out once per batch."""
        inst = self.catalog.get(obs.instrument)
        if inst is None:
            return f"unknown instrument {obs.instrument!r}"
        if inst.derived is not None:
            return f"{obs.instrument}: derived from {', '.join(inst.derived.legs)}, never written directly"
        value = obs.value
        if not isinstance(value, (int, float)) or math.isnan(value) or math.isinf(value):
            return f"{obs.instrument}: value {value!r} is not a number"
        if not inst.lo <= value <= inst.hi:
            return f"{obs.instrument}: value {value:g} outside plausible range {inst.lo:g}..{inst.hi:g}"
        if inst.nonzero and value == 0:
            return f"{obs.instrument}: value 0 on {obs.date} is not plausible (a placeholder, not a quote)"
        if obs.date > latest_date(obs.source, today, obs.intraday):
            return f"{obs.instrument}: date {obs.date} is in the future"
        if inst.weekdays and not obs.intraday and obs.date.weekday() >= 5:
            return f"{obs.instrument}: date {obs.date} is a {obs.date:%A}; it has no weekend closes"
        return None

    def apply(self, items: Iterable[Observation | Batch]) -> Delta:
        """Merge observations and batches into the store.

        A large batch of one instrument's official values (a cold start reads 25 years of
        history, ~7,000 points per series) is checked and merged with numpy; small batches
        and intraday quotes one by one. Both give the same result: the same refusals (and
        notes, in the order the values came, a batch's values counting one position each),
        the same merge, whether the values came as one :class:`Batch` or as observations.

        Returns:
            what changed; falsy when nothing did (so callers can skip repaints).
        """
        today: dt.date = self._today()
        official: dict[str, list[tuple[int, Observation | Batch]]] = {}
        quotes: list[tuple[int, Observation]] = []
        position = 0
        for item in items:
            if isinstance(item, Batch):
                official.setdefault(item.instrument, []).append((position, item))
                position += len(item)
            elif item.intraday:
                quotes.append((position, item))
                position += 1
            else:
                official.setdefault(item.instrument, []).append((position, item))
                position += 1
        refused: list[tuple[int, Observation, str]] = []
        accepted: dict[str, tuple[np.ndarray, np.ndarray, list[str]]] = {}
        for inst_id, chunks in official.items():
            checked = self._check_columns(inst_id, *_columns(chunks), today, refused)
            accepted[inst_id] = _drop_conflicts(inst_id, *checked, refused, position)
        intraday: dict[str, Observation] = {}
        for position, obs in quotes:
            reason = self._refusal(obs, today)
            if reason is not None:
                refused.append((position, obs, reason))
                continue
            prev = intraday.get(obs.instrument)
            if prev is None or (obs.date, obs.time or dt.datetime.min.replace(tzinfo=dt.UTC)) >= (
                prev.date,
                prev.time or dt.datetime.min.replace(tzinfo=dt.UTC),
            ):
                intraday[obs.instrument] = obs
        refused.sort(key=lambda r: r[0])
        for _position, obs, reason in refused:
            state = self.state.get(obs.instrument)
            if state is not None:
                state.rejected += 1
                if len(state.notes) < 20 and reason not in state.notes[-1:]:
                    state.notes.append(reason)
        rejected = len(refused)

        changed: set[str] = set()
        official_changed: list[str] = []
        added = updated = 0
        for inst_id, (days, values, sources) in accepted.items():
            if not len(days):
                continue
            a, u = self._merge(inst_id, days, values, sources)
            if a or u:
                changed.add(inst_id)
                official_changed.append(inst_id)
                added += a
                updated += u
            quote = self._intraday.get(inst_id)
            last = self._values[inst_id].index[-1].date() if len(self._values.get(inst_id, ())) else None
            if quote is not None and last is not None and last >= quote.date:
                del self._intraday[inst_id]
                changed.add(inst_id)
        for inst_id, quote in intraday.items():
            series = self._values.get(inst_id)
            if series is not None and len(series) and series.index[-1].date() >= quote.date:
                continue  # the official close for that day is already here
            old = self._intraday.get(inst_id)
            if old is None or old.value != quote.value or old.date != quote.date:
                changed.add(inst_id)
                added += old is None or old.date != quote.date
                updated += old is not None and old.date == quote.date
            self._intraday[inst_id] = quote
        if self._dependents and changed:
            derived, derived_official = self._rederive(set(official_changed), changed)
            changed |= derived
            official_changed += derived_official
        if not changed:
            return Delta(self.version, rejected=rejected)
        self.version += 1
        for inst_id in changed:
            self._changed_at[inst_id] = self.version
        for inst_id in official_changed:
            self._official_at[inst_id] = self.version
        return Delta(self.version, frozenset(changed), added, updated, rejected)

    def _check_columns(
        self,
        inst_id: str,
        positions: Sequence[int],
        dates: Sequence[dt.date],
        values: Sequence[float],
        sources: Sequence[str],
        today: dt.date,
        refused: list[tuple[int, Observation, str]],
    ) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """One instrument's official values: the acceptable ones as arrays, in order.

        Args:
            positions: where each value came in the whole input (orders the notes).
            dates, values, sources: parallel columns.

        Returns:
            (day numbers since the epoch, values, source tags) of the accepted values, in
            the order they came; refusals are added to ``refused``.
        """
        inst = self.catalog.get(inst_id)
        fast = (
            inst is not None
            and len(dates) >= VECTOR_BATCH
            and ((isinstance(values, np.ndarray) and values.dtype == np.float64) or set(map(type, values)) == {float})
            and set(map(type, dates)) == {dt.date}
        )
        if not fast:
            keep: list[int] = []
            for index, (position, day, value, source) in enumerate(zip(positions, dates, values, sources, strict=True)):
                obs = Observation(inst_id, day, value, source)
                reason = self._refusal(obs, today)
                if reason is None:
                    keep.append(index)
                else:
                    refused.append((position, obs, reason))
            days = np.fromiter((dates[i].toordinal() - _EPOCH_ORDINAL for i in keep), dtype="int64", count=len(keep))
            kept_values = np.fromiter((values[i] for i in keep), dtype="float64", count=len(keep))
            return days, kept_values, [sources[i] for i in keep]
        assert inst is not None
        array = np.array(values, dtype="float64")
        days = np.array(list(map(dt.date.toordinal, dates)), dtype="int64")
        with np.errstate(invalid="ignore"):
            limits = {src: latest_date(src, today).toordinal() for src in set(sources)}
            latest = np.fromiter(map(limits.__getitem__, sources), dtype="int64", count=len(sources))
            good = np.isfinite(array) & (array >= inst.lo) & (array <= inst.hi) & (days <= latest)
        if inst.nonzero:
            good &= array != 0
        if inst.weekdays:
            good &= (days - 1) % 7 < 5  # ordinal 1 is a Monday
        kept_sources = list(sources)
        if not good.all():
            for index in np.flatnonzero(~good).tolist():
                obs = Observation(inst_id, dates[index], float(values[index]), sources[index])
                reason = self._refusal(obs, today)
                if reason is None:  # numpy and Python disagree on nothing here, but be exact
                    good[index] = True
                else:
                    refused.append((positions[index], obs, reason))
            kept_sources = [src for src, ok in zip(kept_sources, good.tolist(), strict=True) if ok]
            array, days = array[good], days[good]
        return days - _EPOCH_ORDINAL, array, kept_sources

    def _merge(self, inst_id: str, days: np.ndarray, values: np.ndarray, sources: list[str]) -> tuple[int, int]:
        """Merge one instrument's accepted official values; returns (added, updated).

        Args:
            days: day numbers since 1970-01-01, in arrival order (duplicates allowed).
            values: the values, parallel to ``days``.
            sources: the source tags, parallel to ``days``.
        """
        # Last one wins for a date repeated inside a batch (later rows are newer revisions):
        # a stable sort keeps arrival order among equal dates; the last of each run stays.
        order = np.argsort(days, kind="stable")
        days = days[order]
        last = np.ones(len(days), dtype=bool)
        last[:-1] = days[1:] != days[:-1]
        pick = order[last]
        index = pd.DatetimeIndex(days[last].astype("datetime64[D]")).astype("datetime64[ns]")
        new = pd.Series(values[pick], index=index, dtype="float64")
        tags = np.empty(len(pick), dtype=object)
        tags[:] = [sources[i] for i in pick.tolist()]
        new_src = pd.Series(tags, index=index, dtype="object")
        old = self._values.get(inst_id)
        if old is None or old.empty:
            self._values[inst_id] = new
            self._sources[inst_id] = new_src
            return len(new), 0
        common = new.index.intersection(old.index)
        if len(common):
            # A point is revised when its value changes, or its source does (a primary that
            # catches up takes over the dates a fallback filled, with the same numbers).
            revised = (old.loc[common] != new.loc[common]).to_numpy() | (
                self._sources[inst_id].loc[common].to_numpy() != new_src.loc[common].to_numpy()
            )
            updated = int(revised.sum())
        else:
            updated = 0
        added = len(new) - len(common)
        if not added and not updated:
            return 0, 0
        if added:
            merged = pd.concat([old.drop(common), new]).sort_index()
            merged_src = pd.concat([self._sources[inst_id].drop(common), new_src]).sort_index()
        else:
            merged = old.copy()
            merged.loc[common] = new.loc[common]
            merged_src = self._sources[inst_id].copy()
            merged_src.loc[common] = new_src.loc[common]
        self._values[inst_id] = merged
        self._sources[inst_id] = merged_src
        return added, updated

    def supersede(self, inst_id: str, source: str, start: dt.date, end: dt.date) -> int:
        """Drop official values from other sources dated within ``[start, end]``.

        Why: within the span a primary source has just answered for, the primary's dates
        are the instrument's history; a fallback's value on a date the primary does not
        publish would otherwise stay mixed in (provenance per value: docs/extending-instruments.md, "Sources, by recency").

        Args:
            source: the source name whose values stay (``treasury``).

        Returns:
            how many values were dropped.
        """
        values = self._values.get(inst_id)
        if values is None or not len(values):
            return 0
        tags = self._sources[inst_id]
        index = values.index
        lo = int(index.searchsorted(pd.Timestamp(start), side="left"))
        hi = int(index.searchsorted(pd.Timestamp(end), side="right"))
        if lo >= hi:
            return 0
        # A source has one tag per instrument, so comparing with the newest tag in the span
        # (vectorised) settles the usual case; only the values that differ are read by prefix.
        span = tags.to_numpy()[lo:hi]
        prefix, newest = source + ":", str(span[-1])
        if newest.startswith(prefix):
            other = span != newest
            for i in np.flatnonzero(other).tolist():
                other[i] = not str(span[i]).startswith(prefix)
        else:
            other = np.array([not str(tag).startswith(prefix) for tag in span], dtype=bool)
        drop = np.zeros(len(index), dtype=bool)
        drop[lo:hi] = other
        dropped = int(drop.sum())
        if dropped:
            self._values[inst_id] = values[~drop]
            self._sources[inst_id] = tags[~drop]
            self.version += 1
            self._changed_at[inst_id] = self.version
            self._official_at[inst_id] = self.version
            self._leg_changed(inst_id)
        return dropped

    def load(self, inst_id: str, values: pd.Series, sources: pd.Series) -> None:
        """Install cached data for an instrument without validation (cache start-up path).

        A derived instrument is not loaded (it is computed from its legs, which are).
        """
        inst = self.catalog.get(inst_id)
        if inst is not None and inst.derived is not None:
            return
        self._values[inst_id] = values
        self._sources[inst_id] = sources
        self.version += 1
        self._changed_at[inst_id] = self.version
        self._official_at[inst_id] = self.version
        self._leg_changed(inst_id)

    # ----------------------------------------------------------------- derived instruments
    def _rederive(self, official_legs: set[str], legs: set[str]) -> tuple[set[str], list[str]]:
        """Recompute the derived instruments reading any of ``legs``.

        Args:
            official_legs: legs whose official values changed (their official series is
                recomputed); for the others only the provisional quote is.
            legs: every leg that changed.

        Returns:
            (derived ids whose values or quote changed, those whose official values did).
        """
        from datafeed.derived import derive_quote, derive_values

        changed: set[str] = set()
        official: list[str] = []
        targets = dict.fromkeys(d for leg in legs for d in self._dependents.get(leg, ()))
        for derived_id in targets:
            spec = self.catalog[derived_id].derived
            assert spec is not None
            if official_legs.intersection(spec.legs):
                new = derive_values(
                    spec, [self._values.get(leg) for leg in spec.legs], [self._frequencies(leg) for leg in spec.legs]
                )
                old = self._values.get(derived_id)
                same = len(new) == 0 if old is None else len(old) == len(new) and old.index.equals(new.index)
                if not (same and (old is None or old.equals(new))):
                    self._values[derived_id] = new
                    tags = np.empty(len(new), dtype=object)
                    tags[:] = spec.tag
                    self._sources[derived_id] = pd.Series(tags, index=new.index, dtype="object")
                    changed.add(derived_id)
                    official.append(derived_id)
            held = self._values.get(derived_id)
            last = held.index[-1].date() if held is not None and len(held) else None
            quote = derive_quote(
                spec, derived_id, [(self._values.get(leg), self._intraday.get(leg)) for leg in spec.legs], last
            )
            if quote != self._intraday.get(derived_id):
                if quote is None:
                    del self._intraday[derived_id]
                else:
                    self._intraday[derived_id] = quote
                changed.add(derived_id)
            if self._restate(derived_id):
                changed.add(derived_id)
        return changed, official

    def _frequencies(self, inst_id: str) -> list[str] | str | None:
        """The frequency of each official value of ``inst_id`` (one string when they share
        one): how long each stands for when a spread reads it (``datafeed.derived``)."""
        inst = self.catalog.get(inst_id)
        tags = self._sources.get(inst_id)
        if inst is None or tags is None or not len(tags):
            return None
        raw = tags.to_numpy()
        first = raw[0]
        if (raw == first).all():  # the usual case: one source
            return inst.frequency_of(str(first))
        by_tag = {tag: inst.frequency_of(str(tag)) for tag in set(raw.tolist())}
        return [by_tag[tag] for tag in raw.tolist()]

    def _restate(self, derived_id: str) -> bool:
        """Set a derived instrument's state from its legs'; True when it changed."""
        from datafeed.derived import derive_state

        spec = self.catalog[derived_id].derived
        assert spec is not None
        if not all(leg in self.state for leg in spec.legs):
            return False
        new = derive_state(spec, [(leg, self.state[leg]) for leg in spec.legs], self.has_data(derived_id))
        old = self.state[derived_id]
        if (new.status, new.source, new.last_success, new.last_attempt, new.last_error, new.next_retry) == (
            old.status,
            old.source,
            old.last_success,
            old.last_attempt,
            old.last_error,
            old.next_retry,
        ):
            return False
        old.status, old.source, old.last_success = new.status, new.source, new.last_success
        old.last_attempt, old.last_error, old.next_retry = new.last_attempt, new.last_error, new.next_retry
        return True

    def _leg_changed(self, inst_id: str) -> None:
        """After a leg's official values changed outside :meth:`apply`: recompute, bump versions."""
        if inst_id not in self._dependents:
            return
        derived, official = self._rederive({inst_id}, {inst_id})
        if derived:
            self.version += 1
            for derived_id in derived:
                self._changed_at[derived_id] = self.version
            for derived_id in official:
                self._official_at[derived_id] = self.version

    def refresh_derived(self) -> set[str]:
        """Re-read every derived instrument's state from its legs; returns those that changed.

        Why public: the cache loader, the demo loader and the Monitor set a leg's status or
        last success on its state object directly, which no store method sees; they call
        this once they are done.
        """
        changed = {
            inst.id
            for inst in self.catalog.values()
            if inst.derived is not None and inst.id in self.state and self._restate(inst.id)
        }
        if changed:
            self.version += 1
            for derived_id in changed:
                self._changed_at[derived_id] = self.version
        return changed

    # ----------------------------------------------------------------- status
    def mark_success(self, inst_id: str, source: str, when: dt.datetime | None = None) -> None:
        """Record a successful fetch of ``inst_id`` from ``source``."""
        st = self.state[inst_id]
        now = when or utcnow()
        changed = st.status is not Status.FRESH or st.last_error is not None
        st.status, st.source, st.last_success, st.last_attempt, st.last_error = Status.FRESH, source, now, now, None
        st.error_source = None
        if changed:
            self._bump(inst_id)

    def mark_failure(
        self,
        inst_id: str,
        error: str,
        next_retry: dt.datetime | None = None,
        when: dt.datetime | None = None,
        source: str | None = None,
    ) -> None:
        """Record a failed fetch: ``stale`` when data is kept, ``error`` when none is;
        ``source`` is the ``<source>:<series>`` that failed (see ``SeriesState.error_source``)."""
        st = self.state[inst_id]
        st.status = Status.STALE if self.has_data(inst_id) else Status.ERROR
        st.last_attempt = when or utcnow()
        st.last_error = error
        st.error_source = source
        st.next_retry = next_retry
        self._bump(inst_id)

    def set_behind(self, inst_id: str, behind: Behind | None) -> None:
        """Record (or clear) that the primary lags and another source fills the gap."""
        st = self.state[inst_id]
        if st.behind != behind:
            st.behind = behind
            self._bump(inst_id)

    def mark_missing(self, inst_id: str, reason: str = "no source enabled") -> None:
        """Record that no enabled source can provide ``inst_id`` (a derived instrument's
        state follows its legs instead)."""
        if inst_id not in self._dependents and self.catalog[inst_id].derived is not None:
            return
        st = self.state[inst_id]
        st.status, st.last_error, st.error_source = Status.MISSING, reason, None
        for derived_id in self._dependents.get(inst_id, ()):
            self._restate(derived_id)

    def _bump(self, inst_id: str) -> None:
        self.version += 1
        self._changed_at[inst_id] = self.version
        for derived_id in self._dependents.get(inst_id, ()):
            if self._restate(derived_id):
                self._changed_at[derived_id] = self.version

    # ------------------------------------------------------------------ reads
    def has_data(self, inst_id: str) -> bool:
        """True when any value (official or intraday) is held."""
        return bool(len(self._values.get(inst_id, ()))) or inst_id in self._intraday

    def official(self, inst_id: str) -> pd.Series:
        """End-of-day values only (no intraday quote)."""
        # Not ``.get(inst_id, _empty())``: that builds an empty series (~0.2 ms) on every call,
        # and a curve one month ago reads twenty series.
        values = self._values.get(inst_id)
        return values if values is not None else _empty()

    def sources(self, inst_id: str) -> pd.Series:
        """The ``<source>:<series>`` tag of every official value."""
        tags = self._sources.get(inst_id)
        return tags if tags is not None else pd.Series([], dtype="object")

    def series(self, inst_id: str, intraday: bool = True) -> pd.Series:
        """Values of ``inst_id``, with today's intraday quote appended when newer."""
        base = self._values.get(inst_id)
        if base is None:
            base = _empty()
        quote = self._intraday.get(inst_id) if intraday else None
        if quote is None:
            return base
        extra = pd.Series([quote.value], index=pd.DatetimeIndex([pd.Timestamp(quote.date)]).astype("datetime64[ns]"))
        return pd.concat([base, extra]) if len(base) else extra.astype("float64")

    def all_series(self, intraday: bool = True) -> dict[str, pd.Series]:
        """Every instrument that has data, by id (the input of signals and crises)."""
        ids = set(self._values) | (set(self._intraday) if intraday else set())
        return {i: self.series(i, intraday).rename(i) for i in self.catalog if i in ids}

    def intraday_quote(self, inst_id: str) -> Observation | None:
        """The provisional intraday quote, if one is shown."""
        return self._intraday.get(inst_id)

    def latest(self, inst_id: str) -> Latest | None:
        """Newest value with its source and the value its change is measured from.

        That value is the previous observation, except for a spread with a leg that is not
        daily: its values between two of that leg's observations move by the daily leg only,
        so its change is measured from its value one horizon back (the coarsest leg's
        frequency, :attr:`Latest.horizon`), the last on or before that date.
        """
        base = self._values.get(inst_id)
        quote = self._intraday.get(inst_id)
        inst = self.catalog.get(inst_id)
        if quote is not None:
            date, value, source, intraday, time = quote.date, quote.value, quote.source, True, quote.time
            held = base if base is not None else _empty()
        elif base is None or not len(base):
            return None
        else:
            date, value, source, intraday, time = base.index[-1].date(), float(base.iloc[-1]), "", False, None
            source = str(self._sources[inst_id].iloc[-1])
            held = base.iloc[:-1]
        if inst is not None and inst.derived is not None:
            horizon = self.derived_horizon(inst_id)
        else:
            horizon = inst.horizon_of(source) if inst is not None else "1D"
        if inst is not None and inst.derived is not None and horizon != "1D":
            cut = pd.Timestamp(date - dt.timedelta(days=HORIZON_DAYS[horizon]))
            held = held.iloc[: int(held.index.searchsorted(cut, side="right"))]
            if len(held) and held.index[-1] <= cut - pd.Timedelta(days=HORIZON_DAYS[horizon]):
                held = held.iloc[:0]  # a gap in the history: no value one horizon back
        prev = float(held.iloc[-1]) if len(held) else None
        prev_date = held.index[-1].date() if len(held) else None
        return Latest(inst_id, date, value, source, intraday, time, prev, prev_date, horizon)

    def leg_facts(self, inst_id: str) -> tuple[tuple[Instrument, dt.date, str], ...] | None:
        """For a derived instrument, each leg with its newest value's date and source (what
        its lateness is judged on, ``market_calendar.instrument_is_late``); None otherwise or
        when a leg holds nothing."""
        inst = self.catalog.get(inst_id)
        if inst is None or inst.derived is None:
            return None
        out = []
        for leg in inst.derived.legs:
            latest = self.latest(leg) if leg in self.catalog else None
            if latest is None:
                return None
            out.append((self.catalog[leg], latest.date, latest.source))
        return tuple(out)

    def derived_horizon(self, inst_id: str) -> str:
        """The change horizon of a derived instrument: its coarsest leg's, read from the source
        of each leg's newest official value (FRED's monthly Bund makes UST−Bund a ``1M``)."""
        inst = self.catalog[inst_id]
        assert inst.derived is not None
        horizons = []
        for leg in inst.derived.legs:
            leg_inst = self.catalog.get(leg)
            tags = self._sources.get(leg)
            if leg_inst is not None:
                horizons.append(leg_inst.horizon_of(str(tags.iloc[-1]) if tags is not None and len(tags) else None))
        return coarsest_horizon(horizons)

    def version_of(self, inst_id: str) -> int:
        """Store version at which ``inst_id`` last changed (0 if never)."""
        return self._changed_at.get(inst_id, 0)

    def official_version_of(self, inst_id: str) -> int:
        """Store version at which the official values or sources of ``inst_id`` last changed
        (0 if never); status changes and intraday quotes leave it alone."""
        return self._official_at.get(inst_id, 0)

    def changed_since(self, version: int) -> set[str]:
        """Instruments whose values or status changed after ``version``."""
        return {i for i, v in self._changed_at.items() if v > version}

    def last_official_date(self, inst_id: str, source: str | None = None) -> dt.date | None:
        """Date of the newest official value, optionally only among values from ``source``
        (a ``<source>:`` prefix or full tag)."""
        base = self._values.get(inst_id)
        if base is None or not len(base):
            return None
        if source is None:
            return date_index(base)[-1].date()
        src = self._sources[inst_id]
        if str(src.iloc[-1]).startswith(source):  # the usual case, without a pass over every tag
            return date_index(base)[-1].date()
        mask = src.astype(str).str.startswith(source)
        if not mask.any():
            return None
        return date_index(base)[mask.to_numpy()][-1].date()

    def today(self) -> dt.date:
        """The store's "today" (patched in tests): the date lateness is counted to."""
        return self._today()

    def last_official(self, inst_id: str) -> tuple[dt.date, str] | None:
        """(date, source tag) of the newest official value, or None when none is held."""
        base = self._values.get(inst_id)
        if base is None or not len(base):
            return None
        return base.index[-1].date(), str(self._sources[inst_id].iloc[-1])

    def source_spans(self, inst_id: str) -> list[tuple[str, dt.date, dt.date, int]]:
        """(tag, first date, last date, count) of each source the official values come from,
        oldest first: which source contributed which span (snapshot JSON ``sources``)."""
        base = self._values.get(inst_id)
        if base is None or not len(base):
            return []
        days = base.index
        raw = self._sources[inst_id].to_numpy()
        if (raw == raw[0]).all():  # the usual case: one source
            return [(str(raw[0]), days[0].date(), days[-1].date(), len(raw))]
        codes, tags = pd.factorize(self._sources[inst_id].astype(str), sort=False)
        out: list[tuple[str, dt.date, dt.date, int]] = []
        for code, tag in enumerate(tags):
            where = np.flatnonzero(codes == code)
            out.append((str(tag), days[where[0]].date(), days[where[-1]].date(), len(where)))
        out.sort(key=lambda span: span[1])
        return out

    def __len__(self) -> int:
        return sum(len(s) for s in self._values.values())
