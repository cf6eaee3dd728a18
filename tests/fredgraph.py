"""FRED's keyless ``fredgraph.csv`` body for test stand-ins, one id or several.

``id=A,B,C`` answers one column per series (``observation_date,A,B,C``), a row per date
any of them has, blank where one has none, as FRED's multi-line graph downloads are; one
id gives the familiar two-column body. Stand-ins pass their own rows per series.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def fredgraph_body(ids: str, rows_for: Callable[[str], Iterable[tuple[str, str]] | None]) -> str | None:
    """The body for ``id=ids`` (comma-separated); None (answer 404) when an id is unknown.

    Args:
        ids: the request's ``id`` parameter.
        rows_for: (ISO date, value text) rows of one series, already cut at ``cosd``;
            None for an unknown series.
    """
    codes = ids.split(",")
    columns = [rows_for(code) for code in codes]
    by_date: dict[str, list[str]] = {}
    for i, rows in enumerate(columns):
        if rows is None:
            return None
        for day, value in rows:
            by_date.setdefault(day, [""] * len(codes))[i] = value
    lines = "".join(f"{day},{','.join(cells)}\n" for day, cells in sorted(by_date.items()))
    return f"observation_date,{','.join(codes)}\n{lines}"


def fredgraph_join(ids: str, body_for: Callable[[str], str | None]) -> str | None:
    """:func:`fredgraph_body` from stand-ins that keep one whole two-column body per series."""

    def rows(code: str) -> list[tuple[str, str]] | None:
        body = body_for(code)
        if body is None:
            return None
        out = []
        for line in body.splitlines()[1:]:
            day, _, value = line.partition(",")
            if day.strip():
                out.append((day.strip(), value.strip()))
        return out

    return fredgraph_body(ids, rows)
