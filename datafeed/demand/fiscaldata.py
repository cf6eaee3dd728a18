"""Provides the Fiscal Data API envelope shared by its datasets.

``api.fiscaldata.treasury.gov/services/api/fiscal_service/...`` answers every dataset the
same way::

    {"data": [{"record_date": "2026-05-12", "tot_pub_debt_out_amt": "38968295059805.35"}, ...],
     "meta": {"count": 2, "labels": {...}, "dataTypes": {...}, "dataFormats": {...},
              "total-count": 8306, "total-pages": 4153},
     "links": {"self": "&page%5Bnumber%5D=1&page%5Bsize%5D=2", "first": "...", "prev": null,
               "next": "&page%5Bnumber%5D=2&page%5Bsize%5D=2", "last": "..."}}

Quirks handled here:

- every value in ``data`` is a string, and a missing one is ``null`` or the *string*
  ``"null"``;
- ``links.next`` is a query-string fragment (``&page%5Bnumber%5D=2...``), not a URL, and
  ``null`` on the last page; ``meta`` counts are integers on the wire but strings in some
  copies, so both are read;
- a rejected query answers ``{"error": "Invalid Query Param", "message": "..."}`` (HTTP
  400; also for a page number past the last page) and a wrong path answers an HTML 404
  page: both become one-line :class:`~datafeed.errors.ParseError`\\ s;
- no matching rows is ``"data": []`` with ``total-count`` 0: an empty page, not an error.

Paging: ``page[number]`` is 1-based, ``page[size]`` at most :data:`MAX_PAGE_SIZE`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from datafeed.demand.wire import load_json, snippet
from datafeed.errors import ParseError

MAX_PAGE_SIZE = 10_000
"""Largest ``page[size]`` the API accepts (larger answers HTTP 400)."""

_PAGE_NUMBER = re.compile(r"page\[number\]=(\d+)")

Row = Mapping[str, str | None]


@dataclass(frozen=True, slots=True)
class FiscalPage:
    """One page of a Fiscal Data answer.

    Attributes:
        rows: the ``data`` records, values as sent (strings or None).
        total_count: ``meta.total-count`` (rows over all pages), when sent.
        total_pages: ``meta.total-pages``, when sent.
        page: this page's number, read from ``links.self`` (None if absent).
        next_page: the next page's number from ``links.next``; None on the last page.
    """

    rows: tuple[Row, ...]
    total_count: int | None = None
    total_pages: int | None = None
    page: int | None = None
    next_page: int | None = None

    @property
    def is_last(self) -> bool:
        """True when no further page exists (by ``links.next``, else by the page counts)."""
        if self.next_page is not None:
            return False
        if self.page is not None and self.total_pages is not None:
            return self.page >= self.total_pages
        return True


def _count(meta: Mapping[str, object], key: str, source: str) -> int | None:
    raw = meta.get(key)
    if raw is None or raw == "":
        return None
    try:
        value = int(str(raw))
    except ValueError:
        raise ParseError(f"{source}: meta {key} is not a number: {snippet(raw, 20)}") from None
    if value < 0:
        raise ParseError(f"{source}: meta {key} is negative")
    return value


def _page_of(link: object) -> int | None:
    if not isinstance(link, str) or not link:
        return None
    match = _PAGE_NUMBER.search(unquote(link))
    return int(match.group(1)) if match else None


def parse_page(body: bytes | str, source: str = "fiscaldata") -> FiscalPage:
    """Parse one Fiscal Data answer into a :class:`FiscalPage`.

    Args:
        body: the response body.
        source: the name used in error messages (``fiscaldata debt_to_penny``).

    Raises:
        ParseError: empty, HTML or non-JSON body; an API error object; no ``data`` list;
            a record that is not an object.
    """
    data = load_json(body, source)
    if not isinstance(data, dict):
        raise ParseError(f"{source}: expected a JSON object with 'data', got {type(data).__name__}")
    if "error" in data and "data" not in data:
        message = data.get("message") or ""
        raise ParseError(f"{source}: API error {snippet(data.get('error'), 40)}: {snippet(message, 120)}")
    rows = data.get("data")
    if not isinstance(rows, list):
        raise ParseError(f"{source}: no 'data' list in the answer")
    for row in rows:
        if not isinstance(row, dict):
            raise ParseError(f"{source}: a 'data' entry is not an object: {snippet(row, 40)}")
    raw_meta, raw_links = data.get("meta"), data.get("links")
    meta: dict[str, object] = raw_meta if isinstance(raw_meta, dict) else {}
    links: dict[str, object] = raw_links if isinstance(raw_links, dict) else {}
    return FiscalPage(
        rows=tuple(rows),
        total_count=_count(meta, "total-count", source),
        total_pages=_count(meta, "total-pages", source),
        page=_page_of(links.get("self")),
        next_page=_page_of(links.get("next")),
    )
