"""Tests Debt to the Penny and the Fiscal Data envelope on handmade bodies."""

from __future__ import annotations

import datetime as dt

import pytest

from datafeed.demand.debt import debt_points, growth, parse_debt_to_penny
from datafeed.demand.fiscaldata import FiscalPage, parse_page
from datafeed.errors import ParseError
from datafeed.models import RawPoint
from tests.demand.conftest import fixture_bytes


def fd(name: str) -> bytes:
    return fixture_bytes("fiscaldata", name)


def test_debt_days_in_dollars_and_series_in_usd_bn() -> None:
    batch = parse_debt_to_penny(fd("debt-to-penny-page1.json"))
    assert batch.problems == ()
    newest = batch.days[0]
    assert newest.date == dt.date(2026, 5, 12)
    assert newest.total == 38968295059805.35
    assert newest.public + newest.intragov == pytest.approx(newest.total)
    total = debt_points(batch.days)
    assert [p.date for p in total] == [dt.date(2026, 5, 8), dt.date(2026, 5, 11), dt.date(2026, 5, 12)]
    assert total[-1].value == pytest.approx(38968.29505980535)
    assert debt_points(batch.days, "public")[-1].value == pytest.approx(31201.00437771693)


def test_null_splits_are_missing_and_string_counts_are_read() -> None:
    batch = parse_debt_to_penny(fd("debt-to-penny-page2.json"))
    early = batch.days[-1]
    assert early.date == dt.date(1993, 4, 1) and early.total == 4225873987843.58
    assert early.public is None and early.intragov is None  # "null" and null
    assert [p.date for p in debt_points(batch.days, "intragov")] == [dt.date(2025, 5, 12)]
    assert (batch.page.total_count, batch.page.total_pages, batch.page.page, batch.page.next_page) == (5, 2, 2, None)
    assert batch.page.is_last


def test_a_bad_row_is_skipped_and_reported() -> None:
    body = (
        fd("debt-to-penny-page1.json")
        .replace(b'"38946800561409.14"', b'"38,9x"')
        .replace(b'"2026-05-08"', b'"05/08/2026"')
    )
    batch = parse_debt_to_penny(body)
    assert [d.date for d in batch.days] == [dt.date(2026, 5, 12)]
    assert batch.problems == (
        "fiscaldata debt_to_penny: row '2026-05-11': not a number: '38,9x'; skipped",
        "fiscaldata debt_to_penny: row '05/08/2026': not a date: '05/08/2026'; skipped",
    )


def test_growth_over_calendar_days_uses_the_last_record_on_or_before() -> None:
    points = [
        RawPoint(dt.date(2025, 5, 12), 36214.9),
        RawPoint(dt.date(2026, 5, 8), 38912.0),
        RawPoint(dt.date(2026, 5, 12), 38968.3),
    ]
    assert growth(points, 365) == pytest.approx(38968.3 - 36214.9)
    assert growth(points, 4) == pytest.approx(38968.3 - 38912.0)
    assert growth(points, 800) is None and growth([], 1) is None


def test_page_links_and_counts() -> None:
    page = parse_page(fd("debt-to-penny-page1.json"))
    assert (page.page, page.next_page, page.total_pages, page.total_count) == (1, 2, 2, 5)
    assert not page.is_last and len(page.rows) == 3
    assert FiscalPage(rows=(), page=3, total_pages=3).is_last
    assert not FiscalPage(rows=(), page=2, total_pages=3).is_last


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b'{"error":"Invalid Query Param","message":"Field \'x\' does not exist."}',
            "API error 'Invalid Query Param': \"Field 'x' does not exist.\"",
        ),
        (b"[]", "expected a JSON object with 'data', got list"),
        (b'{"meta": {}}', "no 'data' list in the answer"),
        (b'{"data": ["x"]}', "a 'data' entry is not an object"),
        (b'{"data": [], "meta": {"total-pages": "many"}}', "meta total-pages is not a number: 'many'"),
        (fixture_bytes("fiscaldata", "not-found.html"), "got an HTML page titled '404 Not Found' instead of data"),
    ],
)
def test_unusable_pages_are_one_clear_parse_error(body: bytes, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_debt_to_penny(body)
    assert message in str(info.value)
    assert str(info.value).startswith("fiscaldata debt_to_penny: ")
