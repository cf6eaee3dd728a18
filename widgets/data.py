"""Provides the plain, frozen value types that triffin's widgets take as input.

Widgets never see pandas objects, providers or the store: ``tui.presenters`` turns store
snapshots into these dataclasses. They are frozen (hashable, comparable), so a widget can
diff old against new input cheaply and repaint only what changed. Sequences are stored
as tuples; lists passed in are converted. The chart's types live in
:mod:`widgets.chart_data` (a drill-down's, not the dashboard's: the first frame does not
create them, issue 20).
"""

from __future__ import annotations

from dataclasses import dataclass

TABLE_STATUSES: tuple[str, ...] = ("fresh", "stale", "error", "missing")
"""Values of :attr:`TableRow.status` (DESIGN §5: the state of the last fetch)."""

SIGNAL_VERDICTS: tuple[str, ...] = ("eroding", "neutral", "intact", "n/a")
"""Values of :attr:`SignalView.verdict`."""

REGIME_VERDICTS: tuple[str, ...] = ("ERODING", "MIXED", "INTACT", "N/A")
"""Values of :attr:`RegimeView.verdict` (upper case)."""

THRESHOLD_KINDS: tuple[str, ...] = ("", "eroding", "intact", "neutral")
"""Values of :attr:`ChartThreshold.kind` (each drawn in its own theme colour)."""

CHART_AXES: tuple[str, ...] = ("left", "right")
"""Values of :attr:`ChartLine.axis`."""

CHECK_RESULTS: tuple[str, ...] = ("pass", "fail", "flat", "n/a")
"""Values of :attr:`ScoreCell.result`."""

EPISODE_VERDICTS: tuple[str, ...] = ("haven", "mixed", "broken", "n/a")
"""Values of :attr:`ScoreRow.verdict`."""

SOURCE_STATES: tuple[str, ...] = ("connecting", "ok", "stale", "error", "off")
"""Values of :attr:`SourceView.state`."""


def _check(owner: str, attr: str, value: str, allowed: tuple[str, ...]) -> None:
    """Raise ValueError when ``value`` is not one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{owner}.{attr} must be one of {allowed}, got {value!r}")


@dataclass(frozen=True)
class TableRow:
    """One instrument in the :class:`~widgets.live_table.LiveTable`.

    Example::

        TableRow("ust10y", "UST 10Y", 4.123, 3, change=3.2, change_unit="bp",
                 spark=(4.05, 4.08, 4.12), date="2026-11-24", age="2h",
                 source="fred:DGS10", group="Rates")
    """

    id: str
    """Row key (the canonical instrument id, e.g. ``ust10y``)."""
    name: str
    """Display name (``UST 10Y``)."""
    value: float | None
    """Last value in the instrument's unit; None when there is none."""
    decimals: int = 2
    """Decimals shown for :attr:`value`."""
    change: float | None = None
    """Change since the previous close, already in :attr:`change_unit`; None if unknown."""
    change_unit: str = ""
    """Unit of the change: ``bp`` (rates, spreads), ``%`` (prices, FX), ``pts`` (vix), ``pp``."""
    spark: tuple[float, ...] = ()
    """Recent history, oldest first, drawn as a text sparkline (NaN leaves a gap)."""
    date: str = ""
    """Date (or date and time) of the newest observation, ISO formatted."""
    age: str = ""
    """How old that observation is, already formatted (``2h``, ``3d``)."""
    source: str = ""
    """Source tag, ``<source>:<series>`` (``fred:DGS10``)."""
    status: str = "fresh"
    """State of the last fetch: one of :data:`TABLE_STATUSES`."""
    late: bool = False
    """True when the newest observation is older than its source's usual lag allows."""
    intraday: bool = False
    """True when :attr:`value` is a provisional intraday quote."""
    group: str = ""
    """Section the row is shown under (``Rates``, ``FX``...); empty for none."""
    change_decimals: int | None = None
    """Decimals for :attr:`change`; None picks a default for the unit (bp: 1, else 2)."""
    unit: str = ""
    """Unit label shown after :attr:`value` (``%``, ``bp``, ``USD bn``); empty for none."""
    change_horizon: str = ""
    """What :attr:`change` spans when it is not one trading day (``1W``, ``1M``, ``1Q`` for a
    monthly or quarterly series); shown after the change. Empty: since the previous close."""
    change_1w: float | None = None
    """Change over one week, in :attr:`change_unit` (the table's ``1W`` column); None if unknown."""
    change_1m: float | None = None
    """Change over one month, in :attr:`change_unit` (``1M`` column); None if unknown."""
    change_ytd: float | None = None
    """Change since the last close of the previous year, in :attr:`change_unit` (``YTD``)."""
    source_label: str = ""
    """Short source name for the table's Source column (``FRED``, ``UST``, ``MOF``); empty:
    the provider part of :attr:`source`, upper-cased (``fred:DGS10`` gives ``FRED``)."""

    def __post_init__(self) -> None:
        """Validate enumerated fields and store sequences as tuples."""
        _check("TableRow", "status", self.status, TABLE_STATUSES)
        if not isinstance(self.spark, tuple):
            object.__setattr__(self, "spark", tuple(self.spark))


@dataclass(frozen=True)
class SignalView:
    """One signal in the :class:`~widgets.signals_panel.SignalsPanel`."""

    id: str
    """Signal id (``stock_bond_corr_1y``)."""
    name: str
    """Display name (``Stock-bond corr 1Y``)."""
    value_text: str
    """The value, formatted with its unit (``+0.31``, ``-42 bp``, ``n/a``)."""
    verdict: str
    """One of :data:`SIGNAL_VERDICTS`."""
    explanation: str = ""
    """One line saying what the value means."""
    date: str = ""
    """Date of the newest input (ISO)."""
    late: bool = False
    """True when an input is older than its source's usual publication lag."""
    stale: bool = False
    """True when the value is too old to count in the regime (it is shown, not counted)."""
    age: str = ""
    """How old :attr:`date` is, formatted (``3bd``: business days); empty when unknown."""

    def __post_init__(self) -> None:
        """Validate enumerated fields and store sequences as tuples."""
        _check("SignalView", "verdict", self.verdict, SIGNAL_VERDICTS)


@dataclass(frozen=True)
class RegimeView:
    """The aggregate verdict shown on top of the signals panel (``MIXED 3/7 · 7 n/a · 2 late``)."""

    verdict: str
    """One of :data:`REGIME_VERDICTS` (lower case is accepted and upper-cased)."""
    eroding: int
    """How many available signals are eroding."""
    available: int
    """How many signals were counted: a verdict other than n/a, and not stale."""
    na: int = 0
    """How many signals read n/a."""
    late: int = 0
    """How many signals have a late input."""
    stale: int = 0
    """How many signals were left out of the count as too old."""
    as_of: str = ""
    """Date of the newest evidence behind the verdict (ISO); empty when none."""
    groups: tuple[tuple[str, int, int], ...] = ()
    """(side of the thesis, eroding, counted) per group (``price``, ``demand``, ``supply``), so
    price and demand evidence read apart; empty when not known."""

    @property
    def by_side(self) -> str:
        """``price 11/12 · demand 3/7 · supply 2/2`` (eroding / counted per side); empty without groups."""
        return " · ".join(f"{name} {eroding}/{counted}" for name, eroding, counted in self.groups)

    @property
    def coverage(self) -> str:
        """``3/7 · 7 n/a · 2 late · 1 stale`` (zero counts left out)."""
        parts = [f"{self.eroding}/{self.available}"]
        parts += [f"{n} {word}" for n, word in ((self.na, "n/a"), (self.late, "late"), (self.stale, "stale")) if n]
        return " · ".join(parts)

    def __post_init__(self) -> None:
        """Validate enumerated fields and store sequences as tuples."""
        if self.verdict != self.verdict.upper():
            object.__setattr__(self, "verdict", self.verdict.upper())
        _check("RegimeView", "verdict", self.verdict, REGIME_VERDICTS)
        # Read back from JSON (a saved view) the groups arrive as lists.
        groups = tuple((str(name), int(eroding), int(counted)) for name, eroding, counted in self.groups)
        object.__setattr__(self, "groups", groups)


@dataclass(frozen=True)
class ScoreCell:
    """One check of one crisis episode in the :class:`~widgets.scorecard.ScorecardGrid`."""

    check: str
    """Check id (``ust10y``, ``usd``, ``ust_bund_10y``, ``vix``, ``spx``, ``ig_oas``, ``gold``)."""
    change: float | None
    """Change over the window in :attr:`unit`; None when data is missing."""
    unit: str
    """``bp``, ``%`` or ``pts``."""
    result: str
    """One of :data:`CHECK_RESULTS`."""

    def __post_init__(self) -> None:
        """Validate enumerated fields and store sequences as tuples."""
        _check("ScoreCell", "result", self.result, CHECK_RESULTS)


@dataclass(frozen=True)
class ScoreRow:
    """One crisis episode (a row of the scorecard grid)."""

    episode_id: str
    """Episode id (``covid-2020``; ``live`` for the live stress row)."""
    name: str
    """Display name (``COVID dash for cash``)."""
    start: str
    """Window start (ISO date)."""
    end: str
    """Window end (ISO date)."""
    verdict: str
    """One of :data:`EPISODE_VERDICTS`."""
    cells: tuple[ScoreCell, ...] = ()
    """One cell per check; checks without a cell show as n/a."""
    live: bool = False
    """True for the live stress row (also implied by ``episode_id == "live"``)."""

    def __post_init__(self) -> None:
        """Validate enumerated fields and store sequences as tuples."""
        _check("ScoreRow", "verdict", self.verdict, EPISODE_VERDICTS)
        if not isinstance(self.cells, tuple):
            object.__setattr__(self, "cells", tuple(self.cells))
        if self.episode_id == "live" and not self.live:
            object.__setattr__(self, "live", True)

    def cell(self, check: str) -> ScoreCell | None:
        """Return the cell for ``check``, or None when the row has none."""
        for cell in self.cells:
            if cell.check == check:
                return cell
        return None


@dataclass(frozen=True)
class SourceView:
    """One data source in the :class:`~widgets.status_bar.StatusBar`."""

    source: str
    """Source name (``fred``, ``treasury``...)."""
    state: str
    """One of :data:`SOURCE_STATES`."""
    age: str = ""
    """How long ago its data was last fetched, formatted (``2m``); empty when never."""
    next_retry: str = ""
    """When it will be tried again, formatted (``45s``); empty when not scheduled."""
    detail: str = ""
    """Short error text or note (``timeout``)."""
    data: str = ""
    """How old the data itself is (``data 1d``, ``data 894d old``); empty when none is held.
    Apart from :attr:`age` because a source can answer now with values from years ago."""
    data_late: bool = False
    """True when that data is older than the source's usual publication lag (styled as late)."""

    def __post_init__(self) -> None:
        """Validate enumerated fields and store sequences as tuples."""
        _check("SourceView", "state", self.state, SOURCE_STATES)
