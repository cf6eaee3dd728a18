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
