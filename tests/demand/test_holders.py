"""Tests the TIC major-foreign-holders parser on handmade tables (and the real history file
when ../shared is present)."""

from __future__ import annotations

import datetime as dt

import pytest

from datafeed.demand.countries import holder_key
from datafeed.demand.holders import change, parse_holders, spans_break
from datafeed.errors import ParseError
from datafeed.models import RawPoint
from tests.demand.conftest import fixture_bytes


def tic(name: str) -> bytes:
    return fixture_bytes("tic", name)


def month(year: int, m: int) -> dt.date:
    return dt.date(year, m, 1)


# --- the real history file -------------------------------------------------------------------


def test_real_history_japan_and_the_grand_total_for_december_2025(shared_wire_file) -> None:
    table = parse_holders(shared_wire_file("tic-mfhhis01.txt").read_bytes())
    assert table.problems == ()  # every block's holders add up to its grand total
    assert table.latest_month == month(2025, 12)
    assert table.series["japan"].value(month(2025, 12)) == 1185.5
    assert table.series["grand_total"].value(month(2025, 12)) == 9271.0
    assert table.series["foreign_official"].value(month(2025, 12)) == 3887.0
    # The 13-column blocks: the left (new-series) June is kept and the month is a break.
    assert table.series["china"].value(month(2011, 6)) == 1307.0
    assert month(2011, 6) in table.breaks and month(2000, 3) in table.breaks
    # Spelling changes across 25 years land on one key each.
    assert len(table.series["korea"].points) == len(table.months) == 310
    assert table.series["uk"].points[0].date == month(2000, 3)
    assert [s.key for s, _ in table.countries()[:3]] == ["japan", "uk", "china"]


# --- handmade tables ---------------------------------------------------------------------------


def test_history_blocks_newest_first_december_to_january() -> None:
    table = parse_holders(tic("mfhhis-small.txt"))
    assert table.problems == ()
    assert table.months[0] == month(2011, 1) and table.months[-1] == month(2012, 12)
    japan = table.series["japan"]
    assert japan.value(month(2012, 12)) == 1120.5 and japan.value(month(2012, 1)) == 1069.0
    assert japan.value(month(2011, 12)) == 1060.6 and japan.value(month(2011, 1)) == 1009.9
    assert [p.date for p in japan.points] == sorted(p.date for p in japan.points)  # oldest first
    assert japan.latest == RawPoint(month(2012, 12), 1120.5)


def test_spelling_changes_share_one_key_with_the_newest_name() -> None:
    table = parse_holders(tic("mfhhis-small.txt"))
    assert table.series["uk"].value(month(2011, 12)) == 114.3  # "United Kingdom 2/"
    assert table.series["uk"].value(month(2012, 12)) == 139.7  # "United Kingdom"
    assert table.series["korea"].value(month(2011, 12)) == 45.4  # '"Korea, South "'
    assert table.series["korea"].name == "Korea, South"
    assert table.series["china"].name == "China" and table.series["china"].kind == "country"
    assert len(table.series["uk"].points) == len(table.series["korea"].points) == 24


def test_thirteen_column_block_keeps_the_new_series_month_and_flags_the_break() -> None:
    table = parse_holders(tic("mfhhis-small.txt"))
    # Jun 2011 is printed twice: 1034.1 (new series, left) and 930.7 (old series, right).
    assert table.series["japan"].value(month(2011, 6)) == 1034.1
    assert table.series["japan"].value(month(2011, 5)) == 1021.5  # the column after the pair
    assert table.breaks == (month(2011, 6),)
    assert spans_break(table, month(2011, 12), 12)
    assert not spans_break(table, month(2012, 12), 12)


def test_not_available_values_are_missing_not_zero() -> None:
    lux = parse_holders(tic("mfhhis-small.txt")).series["luxembourg"]
    assert lux.value(month(2011, 5)) is None
    assert lux.points[0] == RawPoint(month(2011, 6), 141.4)


def test_official_rows_and_summary_keys() -> None:
    table = parse_holders(tic("mfhhis-small.txt"))
    official = table.series["foreign_official"]
    bills, bonds = table.series["foreign_official_bills"], table.series["foreign_official_bonds"]
    assert official.value(month(2012, 12)) == 3468.3
    assert bills.value(month(2012, 12)) + bonds.value(month(2012, 12)) == pytest.approx(3468.3)
    assert table.series["grand_total"].kind == "total" and table.series["all_other"].kind == "aggregate"
    assert {s.key for s, _ in table.countries()} == {"japan", "china", "uk", "korea", "luxembourg"}


def test_current_table_before_history_wins_on_revised_months() -> None:
    table = parse_holders(tic("mfh-current.txt"), tic("mfhhis-small.txt"))
    assert table.problems == ()
    assert table.latest_month == month(2013, 6)
    assert table.series["japan"].value(month(2012, 12)) == 1118.0  # revised in the current table
    assert table.series["japan"].value(month(2011, 1)) == 1009.9  # only in the history
    assert change(table.series["japan"], 12) == pytest.approx(
        table.series["japan"].value(month(2013, 6)) - table.series["japan"].value(month(2012, 6))
    )
    reversed_order = parse_holders(tic("mfhhis-small.txt"), tic("mfh-current.txt"))
    assert reversed_order.series["japan"].value(month(2012, 12)) == 1120.5


def test_slt_table5_layout_with_iso_months_and_crlf() -> None:
    table = parse_holders(tic("slt-table5.txt"))
    assert table.problems == ()
    assert table.months == (month(2013, 7), month(2013, 8), month(2013, 9))
    assert table.series["japan"].value(month(2013, 9)) == 1140.2
    assert table.series["foreign_official"].value(month(2013, 9)) == 4010.5
    assert table.series["foreign_official_bills"].value(month(2013, 9)) == 401.0  # not the headline
    assert table.series["foreign_official_bonds"].value(month(2013, 9)) == 3609.5


def test_change_over_months() -> None:
    japan = parse_holders(tic("mfhhis-small.txt")).series["japan"]
    assert change(japan, 1) == pytest.approx(1120.5 - 1115.9)
    assert change(japan, 12, at=month(2012, 12)) == pytest.approx(1120.5 - 1060.6)
    assert change(japan, 36) is None


def test_a_block_that_does_not_add_up_is_reported() -> None:
    text = tic("mfhhis-small.txt").decode().replace("Grand Total\t4885\t", "Grand Total\t4985\t", 1)
    table = parse_holders(text)
    assert table.problems == ("tic: 2012-12: holders add up to 4885.0 but the grand total is 4985.0",)


def test_a_stray_quote_in_a_footnote_never_swallows_the_next_block() -> None:
    body = tic("mfhhis-small.txt").decode()
    history = body[body.index("\t\t\t\t\t\t\tSeries 16/") :]
    # The unclosed-quote footnote now sits *before* the 2011 block.
    footnote = next(line for line in body.splitlines() if "closing quote is missing" in line)
    table = parse_holders(body[: body.index("\t\t\t\t\t\t\tSeries 16/")] + footnote + "\n" + history)
    assert table.series["japan"].value(month(2011, 12)) == 1060.6


def test_crlf_and_cr_line_endings() -> None:
    text = tic("mfhhis-small.txt").decode()
    for ending in ("\r\n", "\r"):
        table = parse_holders(text.replace("\n", ending).encode())
        assert table.series["japan"].value(month(2012, 12)) == 1120.5 and table.breaks == (month(2011, 6),)


def test_a_bad_value_is_reported_and_left_missing() -> None:
    text = tic("mfhhis-small.txt").decode().replace("Japan\t1120.5\t", "Japan\t11x0.5\t", 1)
    table = parse_holders(text)
    assert table.series["japan"].value(month(2012, 12)) is None
    assert "tic: 'Japan' 2012-12: not a number '11x0.5'" in table.problems


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "tic: empty body"),
        (fixture_bytes("fiscaldata", "not-found.html"), "tic: got an HTML page titled '404 Not Found'"),
        (b"Japan\t1185.5\nChina\t683.5\n", "tic: no month header row found (format changed?); starts 'Japan\\t1185.5'"),
        (b"\tDec\tNov\nJapan\t1\t2\n", "tic: a month header row is not followed by a 'Country' year row"),
        (b"\tDec\tNov\nCountry\t2025\tabc\n", "tic: the year row under a month header has 'abc' in column 2"),
        (b"\tDec\tNov\nCountry\t2025\t2025\n\t------\t------\n", "tic: a month header but no holder rows with numbers"),
    ],
)
def test_unusable_tables_are_one_clear_parse_error(body: bytes, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_holders(body)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("label", "key", "kind"),
    [
        ('"China, Mainland"', "china", "country"),
        ("China", "china", "country"),
        ("United Kingdom 2/", "uk", "country"),
        ('"Korea, South "', "korea", "country"),
        ("Belgium  5/", "belgium", "country"),
        ("Belgium-Luxembourg ", "belgium_luxembourg", "aggregate"),
        ("Carib Bnkng Ctrs 4/", "caribbean_banking_centers", "aggregate"),
        ("Cayman Islands", "cayman_islands", "country"),
        ("  For. Official", "foreign_official", "official"),
        ("Of which: For. Official", "foreign_official", "official"),
        ("Of Which: Foreign Official", "foreign_official", "official"),
        ("    Treasury Bills", "foreign_official_bills", "official"),
        ("Of Which: Foreign Official Treasury Bills", "foreign_official_bills", "official"),
        ("T-Bonds & Notes", "foreign_official_bonds", "official"),
        ("Of Which: Foreign Official T-Bonds & Notes", "foreign_official_bonds", "official"),
        ("Grand Total", "grand_total", "total"),
        ("All Other", "all_other", "aggregate"),
    ],
)
def test_holder_keys_survive_spelling_changes(label: str, key: str, kind: str) -> None:
    assert holder_key(label) == (key, kind)


@pytest.mark.parametrize("label", ["", "Of which:", "Country", "  "])
def test_header_labels_are_no_holders(label: str) -> None:
    assert holder_key(label) is None
