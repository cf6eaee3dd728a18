"""Provides :class:`Thresholds`: every cut-off in force, resolved once from the defaults and the config.

The defaults live with what they judge: each signal's in its
:class:`~datafeed.signals.spec.SignalSpec`, each crisis check's in its
:class:`~datafeed.crises.CheckSpec`; the few aggregate ones are here. The config's
``[thresholds.<section>]`` tables override single keys. :func:`resolve_thresholds` merges
and validates them once; the frozen result is passed around, and every function that
takes ``thresholds`` accepts either it (used as is) or a mapping of overrides (resolved on
the spot, for scripts and tests).

Sections besides one per signal id:

``regime``
    ``eroding_share`` (0.6) and ``intact_share`` (0.3) of the counted signals.
``freshness``
    ``max_age_daily`` (10 business days) and ``max_age_periods`` (2 publications of a
    weekly, monthly, quarterly or annual series beyond its usual lag): a signal older than that is stale
    and left out of the regime's count.
``crises``
    One minimum move per check id, plus ``max_stale_days``, ``max_stale_days_lower`` and
    ``bund_monthly_min_days`` (see :mod:`datafeed.crises`).
``live``
    ``vix_jump``, ``vix_obs``, ``spx_drawdown``, ``spx_window``, ``recent`` (business days
    of today's calendar a trigger stays live) and ``merge_gap`` (see :mod:`datafeed.crises`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType

REGIME_DEFAULTS: Mapping[str, float] = MappingProxyType({"eroding_share": 0.6, "intact_share": 0.3})
FRESHNESS_DEFAULTS: Mapping[str, float] = MappingProxyType({"max_age_daily": 10.0, "max_age_periods": 2.0})

Overrides = Mapping[str, Mapping[str, float]]


def default_sections() -> dict[str, dict[str, float]]:
    """The default table: one section per registered signal, then the aggregate sections."""
    from datafeed.crises import LIVE_DEFAULTS, crisis_defaults
    from datafeed.signals.registry import SIGNALS

    out = {spec.id: dict(spec.thresholds) for spec in SIGNALS.values()}
    out["regime"] = dict(REGIME_DEFAULTS)
    out["freshness"] = dict(FRESHNESS_DEFAULTS)
    out["crises"] = crisis_defaults()
    out["live"] = dict(LIVE_DEFAULTS)
    return out


class Thresholds(Mapping[str, Mapping[str, float]]):
    """Read-only section → key → value table (build it with :func:`resolve_thresholds`).

    Attributes:
        overrides: the config overrides it was resolved from (for display).
    """

    __slots__ = ("_sections", "overrides")

    def __init__(self, sections: Mapping[str, Mapping[str, float]], overrides: Overrides | None = None) -> None:
        self._sections = MappingProxyType({k: MappingProxyType(dict(v)) for k, v in sections.items()})
        self.overrides: Mapping[str, Mapping[str, float]] = MappingProxyType(
            {k: MappingProxyType(dict(v)) for k, v in (overrides or {}).items()}
        )

    def __getitem__(self, section: str) -> Mapping[str, float]:
        return self._sections[section]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sections)

    def __len__(self) -> int:
        return len(self._sections)

    def signal(self, signal_id: str) -> Mapping[str, float]:
        """A signal's thresholds; the spec's defaults for one registered after resolving."""
        found = self._sections.get(signal_id)
        if found is not None:
            return found
        from datafeed.signals.registry import SIGNALS

        return SIGNALS[signal_id].thresholds

    def __repr__(self) -> str:
        return f"Thresholds(overrides={dict(self.overrides)!r})"


def resolve_thresholds(overrides: Overrides | Thresholds | None = None) -> Thresholds:
    """Merge config overrides into the defaults, validating them; a :class:`Thresholds` is returned as is.

    Raises:
        ValueError: an unknown section or key, a value that is not a number, cut-offs in
            the wrong order (an eroding cut-off on the intact side), or a window, lag,
            span or maximum age that is not positive.
    """
    if isinstance(overrides, Thresholds):
        return overrides
    from datafeed.signals.registry import SIGNALS
    from datafeed.signals.spec import check_thresholds

    merged = default_sections()
    for section, values in (overrides or {}).items():
        if section not in merged:
            raise ValueError(f"thresholds: unknown signal {section!r} (known: {', '.join(merged)})")
        for key, raw in values.items():
            if key not in merged[section]:
                raise ValueError(f"thresholds.{section}: unknown key {key!r} (known: {', '.join(merged[section])})")
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                # ValueError, not TypeError: config loading reports every bad value alike.
                raise ValueError(f"thresholds.{section}.{key}: expected a number, got {raw!r}")  # noqa: TRY004
            merged[section][key] = float(raw)
    for spec in SIGNALS.values():
        check_thresholds(spec, merged[spec.id])
    for key, value in merged["freshness"].items():
        if not value > 0:
            raise ValueError(f"thresholds.freshness.{key}: must be positive, got {value:g}")
    for key in ("vix_obs", "spx_window"):
        if not merged["live"][key] >= 1:
            raise ValueError(f"thresholds.live.{key}: must be at least 1, got {merged['live'][key]:g}")
    return Thresholds(merged, overrides if not isinstance(overrides, Thresholds) else None)


__all__ = ["FRESHNESS_DEFAULTS", "REGIME_DEFAULTS", "Thresholds", "default_sections", "resolve_thresholds"]
