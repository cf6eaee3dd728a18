"""The exhibit presenter on handmade results: the chart, the lines under it, CSV and markdown."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd

from datafeed.exhibit_types import Band, ChartSeries, ExhibitResult, Marker, MissingInput, Reading, RefLine
from datafeed.exhibits import assemble, get
from tui.exhibit_view import chart_data, exhibit_csv, exhibit_table, exhibit_view, report_markdown

D = dt.date


def _result(**kw: object) -> ExhibitResult:
    base: dict[str, object] = {
        "exhibit_id": "credit",
        "series": (
            ChartSeries("ig", "IG OAS", "bp", (D(2026, 2, 25), D(2026, 2, 27)), (80.0, 83.0), source="fred:X"),
            ChartSeries("hy", "HY OAS", "bp", (D(2026, 2, 26),), (300.0,), axis="right"),
        ),
        "reading": Reading(
            "IG 83 bp vs mean 119 bp: consistent with the note", "consistent", 83.0, "bp", D(2026, 2, 27)
        ),
        "markers": (Marker(D(2026, 2, 24), 82.0, "seed: 82 bp", "ig"),),
        "lines": (RefLine(119.0, "seed mean"), RefLine(0.0, "zero on the right", axis="right")),
        "bands": (Band(D(2026, 2, 25), D(2026, 2, 26), "window"),),
        "sources": ("fred:BAMLC0A0CM",),
    }
    base.update(kw)
    return ExhibitResult(**base)  # type: ignore[arg-type]


def test_chart_aligns_series_on_the_union_of_dates_and_draws_markers_as_points() -> None:
    data = chart_data(get("credit"), _result())
    assert data is not None
    assert data.x == ("2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27")
    ig, hy, marker = data.lines
    assert ig.y == (None, 80.0, None, 83.0) and ig.axis == "left"
    assert hy.y == (None, None, 300.0, None) and hy.axis == "right"
    assert marker.name == "seed: 82 bp" and marker.y == (82.0, None, None, None) and marker.axis == "left"
    # A reference on the right axis cannot be a threshold (thresholds use the left scale).
    assert [(t.value, t.label) for t in data.thresholds] == [(119.0, "seed mean")]
    assert data.window == ("2026-02-25", "2026-02-26")
    assert data.y_label == "bp" and data.y_label_right == "bp"


def test_lines_under_the_chart_carry_reading_newest_source_claim_and_missing() -> None:
    spec = get("credit")
    result = _result(missing=(MissingInput("hy_oas", "no data from fred:BAMLH0A0HYM2: HTTP 404"),))
    view = exhibit_view(spec, result, demo=True)
    by_label = {line.label: line.text for line in view.lines}
    assert view.lines[0].kind == "reading" and view.lines[0].label == "Reading"
    # dated: the newest input the reading used (old data is never a reading "now")
    assert view.lines[0].text == f"{result.reading.text} (data of {result.as_of})" and result.as_of is not None
    assert "synthetic" in by_label["DEMO"]
    assert by_label["Newest"] == "IG OAS 83 bp (2026-02-27); HY OAS 300 bp (2026-02-26)"
    assert by_label["Source"] == "fred:BAMLC0A0CM"
    assert spec.claim in by_label["Claim"] and spec.section in by_label["Claim"]
    assert by_label["Missing"] == "hy_oas (no data from fred:BAMLH0A0HYM2: HTTP 404)"
    assert "zero on the right (right axis)" in by_label["Marked"]
    assert by_label["Rule"] == spec.rule
    assert "DEMO" not in {line.label for line in exhibit_view(spec, result, demo=False).lines}


def test_outside_text_in_a_missing_reason_is_sanitised() -> None:
    result = _result(missing=(MissingInput("hy_oas", "HTTP 500 \x1b[31mred\x1b[0m\nsecond line"),))
    text = " ".join(line.text for line in exhibit_view(get("credit"), result, demo=False).lines)
    assert "\x1b" not in text and "\n" not in text


def test_an_exhibit_with_no_data_has_no_chart_and_says_what_is_missing() -> None:
    result = assemble("jgb", {})
    view = exhibit_view(get("jgb"), result, demo=False)
    assert view.chart is None and view.verdict == "n/a"
    missing = [line.text for line in view.lines if line.label == "Missing"]
    assert any(m.startswith("jgb30y") for m in missing) and any(m.startswith("tona") for m in missing)
    assert "every input is missing" in next(line.text for line in view.lines if line.label == "Newest")


def test_csv_is_date_then_one_column_per_series_with_a_demo_mode_column() -> None:
    result = _result()
    header, rows = exhibit_table(result)
    assert header == ["date", "ig", "hy"]
    assert rows == [["2026-02-25", "80.0", ""], ["2026-02-26", "", "300.0"], ["2026-02-27", "83.0", ""]]
    demo = list(csv.reader(io.StringIO(exhibit_csv(result, mode="demo"))))
    assert demo[0] == ["date", "ig", "hy", "mode"] and all(r[-1] == "demo" for r in demo[1:])
    live = list(csv.reader(io.StringIO(exhibit_csv(result, mode="cache"))))
    assert live[0] == ["date", "ig", "hy"]


def test_report_lists_every_reading_labels_demo_in_each_section_and_escapes_markdown() -> None:
    ig = pd.Series([0.82, 0.9], index=pd.to_datetime(["2026-02-26", "2026-03-02"]))
    pairs = [(get(n), assemble(n, {"ig_oas": ig})) for n in range(1, 11)]
    text = report_markdown(pairs, mode="demo", as_of="2026-12-06T22:00:00Z", version="0.0")
    assert text.count("\n## ") == 10
    sections = text.split("\n## ")[1:]
    assert all("DEMO" in section for section in sections)
    assert "DEMO" in text.splitlines()[0]
    for spec, result in pairs:
        assert f"## {spec.number}. {spec.title}" in text and result.reading.text[:25] in text
    credit = next(s for s in sections if s.startswith("9. "))
    assert "Reading" in credit and pairs[8][1].reading.text[:30] in credit
    # 9 is the only exhibit with data: it reads, the nine others name what is missing.
    verdict = pairs[8][1].reading.verdict
    agree, disagree = int(verdict == "consistent"), int(verdict == "not consistent")
    assert f"{agree} of 10 readings agree with the note, {disagree} disagree, 9 cannot be read" in text
    assert "**Missing** jgb30y" in text
    live = report_markdown(pairs, mode="live", as_of="x", version="0.0")
    assert "DEMO" not in live
    hostile = [(get(9), _result(reading=Reading("a | b [x](http://e) <b>", "n/a")))]
    line = next(
        li for li in report_markdown(hostile, mode="live", as_of="x", version="0").splitlines() if "a \\|" in li
    )
    assert "\\[x\\]" in line and "\\<b\\>" in line
