"""The drill-down's comparison overlay (``c``) keeps its own dates: a foreign series quoted
on a US holiday, a Saturday or the 1st of a month is drawn there, and its last value is its
newest (audit finding: Bund on 2025-09-01, 2025-11-01 and 2026-01-01 vanished)."""

from __future__ import annotations

import pandas as pd
import pytest

from datafeed.catalog import CATALOG
from tui import presenters


def _series(points: dict[str, float]) -> pd.Series:
    return pd.Series(list(points.values()), index=pd.DatetimeIndex(list(points)), dtype=float)


UST = _series({"2025-08-29": 4.23, "2025-09-02": 4.26, "2025-10-31": 4.11, "2025-11-03": 4.13, "2025-12-31": 4.17})
"""UST 10Y on US business days (no Labor Day, no Saturday, no New Year's Day)."""

BUND = _series(
    {
        "2025-08-01": 2.60,  # before the chart's first date: not drawn
        "2025-09-01": 2.72,  # Labor Day
        "2025-11-01": 2.65,  # a Saturday (a monthly series' date)
        "2025-12-01": 2.81,
        "2026-01-01": 2.807,  # after the UST's newest
    }
)


def test_the_overlay_keeps_its_own_dates_and_its_newest_value() -> None:
    data = presenters.series_chart(CATALOG["ust10y"], UST, "1Y")
    out = presenters.with_comparison(data, CATALOG["bund10y"], BUND)
    ust, bund = out.lines
    assert bund.axis == "right" and out.y_label_right == CATALOG["bund10y"].label
    overlay = {d: v for d, v in zip(out.x, bund.y, strict=True) if v is not None}
    assert overlay == {"2025-09-01": 2.72, "2025-11-01": 2.65, "2025-12-01": 2.81, "2026-01-01": 2.807}
    assert [v for v in bund.y if v is not None][-1] == 2.807  # the right-edge label: its newest
    # The first series is where it was: its own dates and values, nothing added.
    primary = {d: v for d, v in zip(out.x, ust.y, strict=True) if v is not None}
    assert primary == {d.strftime("%Y-%m-%d"): v for d, v in UST.items()}
    assert list(out.x) == sorted(out.x) and len(set(out.x)) == len(out.x)


def test_an_overlay_on_the_same_dates_is_unchanged() -> None:
    data = presenters.series_chart(CATALOG["ust10y"], UST, "1Y")
    out = presenters.with_comparison(data, CATALOG["ust2y"], UST - 0.3)
    assert out.x == data.x and out.lines[0].y == data.lines[0].y
    assert out.lines[1].y == pytest.approx(tuple(UST - 0.3))


def _weekly(first: str, last: str, start: float) -> pd.Series:
    index = pd.date_range(first, last, freq="7D")
    return pd.Series([start + 0.01 * i for i in range(len(index))], index=index, dtype=float)


USD_BROAD = _weekly("2023-01-06", "2025-07-18", 120.0)
"""A main series that stopped on 2025-07-18 (the audit's USD broad drill-down)."""

BUND_MONTHLY = _series(
    {f"{y}-{m:02d}-01": 2.0 + m / 100 for y in (2024, 2025) for m in range(1, 13)} | {"2026-01-01": 2.81}
)


@pytest.mark.parametrize("range_key", ["1M", "3M", "1Y", "5Y"])
def test_a_range_is_one_window_for_both_series_ending_at_the_newest_of_the_pair(range_key: str) -> None:
    """Audit: USD broad (to 2025-07-18) with Bund (to 2026-01-01) on 1Y ran 2024-07-17 →
    2026-01-01, 17.5 months under ``[1Y]``. The window is now the range's length, ending at
    the newer series' newest date, and both series are clipped to it."""
    data = presenters.series_chart(CATALOG["usd_broad"], USD_BROAD, range_key)
    out = presenters.with_comparison(data, CATALOG["bund10y"], BUND_MONTHLY, range_key)
    days = presenters.RANGES[range_key]
    assert days is not None
    end = pd.Timestamp("2026-01-01")
    start = end - pd.Timedelta(days=days)
    assert out.x[-1] == "2026-01-01"
    assert pd.Timestamp(out.x[0]) >= start
    assert (pd.Timestamp(out.x[-1]) - pd.Timestamp(out.x[0])).days <= days
    main, bund = out.lines
    primary = {d: v for d, v in zip(out.x, main.y, strict=True) if v is not None}
    expected = USD_BROAD[USD_BROAD.index >= start]
    assert primary == {d.strftime("%Y-%m-%d"): v for d, v in expected.items()}
    overlay = {d: v for d, v in zip(out.x, bund.y, strict=True) if v is not None}
    inside = BUND_MONTHLY[BUND_MONTHLY.index >= start]
    assert overlay == pytest.approx({d.strftime("%Y-%m-%d"): v for d, v in inside.items()})


def test_max_keeps_the_first_series_whole_and_the_overlay_from_its_first_date() -> None:
    data = presenters.series_chart(CATALOG["usd_broad"], USD_BROAD, "MAX")
    out = presenters.with_comparison(data, CATALOG["bund10y"], BUND_MONTHLY, "MAX")
    assert out.x[0] == "2023-01-06" and out.x[-1] == "2026-01-01"
    assert sum(v is not None for v in out.lines[0].y) == len(USD_BROAD)
