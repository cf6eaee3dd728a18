"""Tests the value parsing shared by the demand-side formats (strings, "null", HTML pages)."""

from __future__ import annotations

import datetime as dt

import pytest

from datafeed.demand import wire
from datafeed.errors import ParseError


@pytest.mark.parametrize("raw", [None, "", "  ", "null", "NULL", "n.a.", "N/A", "."])
def test_missing_markers_are_none(raw: object) -> None:
    assert wire.parse_amount(raw) is None
    assert wire.parse_decimal(raw) is None
    assert wire.parse_day(raw) is None
    assert wire.parse_flag(raw) is None


def test_amounts_are_exact_whole_dollars() -> None:
    assert wire.parse_amount("15000071200") == 15_000_071_200
    assert wire.parse_amount("15000071200.00") == 15_000_071_200
    assert wire.parse_amount(" 84998132200 ") == 84_998_132_200
    # 20 digits survive exactly (a float would not).
    assert wire.parse_amount("12345678901234567891") == 12345678901234567891


@pytest.mark.parametrize("raw", ["12,5x", "-5", "1.5", "abc", "1e400"])
def test_bad_amounts_raise(raw: str) -> None:
    with pytest.raises(ValueError):
        wire.parse_amount(raw)


def test_decimals_and_dates_and_flags() -> None:
    assert wire.parse_decimal("5.670000") == 5.67
    assert wire.parse_decimal("-0.0020") == -0.002
    assert wire.parse_day("2014-01-29T00:00:00") == dt.date(2014, 1, 29)
    assert wire.parse_day("2014-01-29") == dt.date(2014, 1, 29)
    assert wire.parse_flag("Yes") is True and wire.parse_flag("no") is False
    for bad, parse in (("nan", wire.parse_decimal), ("01/29/2014", wire.parse_day), ("Maybe", wire.parse_flag)):
        with pytest.raises(ValueError):
            parse(bad)
    with pytest.raises(ValueError):
        wire.parse_day("2014-02-30")


def test_html_page_is_one_clear_line_with_its_title() -> None:
    page = "<!DOCTYPE html>\n<html><head><title>Service\n  Unavailable</title></head><body>x</body></html>"
    with pytest.raises(ParseError) as info:
        wire.load_json(page, "treasurydirect")
    assert str(info.value) == "treasurydirect: got an HTML page titled 'Service Unavailable' instead of data"


def test_outside_text_is_escaped_before_it_reaches_a_message() -> None:
    hostile = "<html><head><title>\x1b[2J\x1b]0;pwned\x07</title></head></html>"
    with pytest.raises(ParseError) as info:
        wire.load_json(hostile, "tic")
    text = str(info.value)
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b" in text
    with pytest.raises(ParseError) as info2:
        wire.load_json(b"\x1b[31mnot json", "fiscaldata")
    assert "\x1b" not in str(info2.value)


def test_empty_and_non_utf8_bodies() -> None:
    with pytest.raises(ParseError, match="empty body"):
        wire.load_json(b"  \n", "x")
    with pytest.raises(ParseError, match="not UTF-8"):
        wire.load_json(b"\xff\xfe[]", "x")
    assert wire.load_json(b"\xef\xbb\xbf[]", "x") == []  # a BOM is dropped


def test_snippet_is_short_and_quoted() -> None:
    assert wire.snippet("abc") == "'abc'"
    assert wire.snippet("x" * 100, 5) == "'xxxxx…'"
