"""The keyless FRED CSV: the loop-free parse of plain bodies equals the row-by-row parse.

A cold start parses ~100,000 FRED rows; plain ``date,value`` bodies skip the per-row Python
loop. Any body it does not recognise goes to the row parser, so results and errors agree.
"""

from __future__ import annotations

import random

import pytest

import datafeed.providers.fred as fred
from datafeed.errors import ParseError


def _both(body: str, series_id: str | None = "DGS10") -> tuple[object, object]:
    def run(fast: bool) -> object:
        saved = fred._plain_two_columns
        if not fast:
            fred._plain_two_columns = lambda text, sid: None  # type: ignore[assignment]
        try:
            return fred.fredgraph_columns(body, series_id)
        except ParseError as exc:
            return ("ParseError", str(exc))
        finally:
            fred._plain_two_columns = saved  # type: ignore[assignment]

    return run(True), run(False)


BODIES = [
    "observation_date,DGS10\n2024-01-02,3.95\n2024-01-03,\n2024-01-04,3.99\n",
    "DATE,DGS10\r\n2024-01-02,3.95\r\n2024-01-03,.\r\n2024-01-04,3.99",
    "\ufeffobservation_date,DGS10\n2024-01-02,nan\n2024-01-03,inf\n2024-01-04,-1e3\n",
    "observation_date,DGS10\n",
    "observation_date,DGS10\n\n2024-01-02,3.95\n",
    "observation_date,DGS10\n2024-01-02,3.95\n,\n2024-01-03,4\n",
    "observation_date,DGS10\n2024-13-02,3.95\n",
    "observation_date,DGS10\n2024-02-30,\n",
    "observation_date,DGS10\n2024-01-02,abc\n",
    "observation_date,DGS10\n2024-01-02,3.95,7\n",
    "observation_date,DGS10\n2024-01-02\n",
    "observation_date,DGS10,DGS2\n2024-01-02,3.95,4.1\n",
    "observation_date,DGS2,DGS10\n2024-01-02,3.95,4.1\n",
    'observation_date,DGS10\n"2024-01-02","3.95"\n',
    "observation_date,DGS10\n 2024-01-02 , 3.95 \n",
    "observation_date,DGS10\n20240102,3.95\n",
    "observation_date,DGS10\n2024-01-02,1_000\n",
    "observation_date,DGS10\n2024-01-02,3.95\n\n",
    "observation_date,OTHER\n2024-01-02,3.95\n",
]


@pytest.mark.parametrize("body", BODIES)
def test_fast_parse_agrees_with_the_row_parser(body: str) -> None:
    fast, slow = _both(body)
    assert repr(fast) == repr(slow)  # repr: nan == nan


def test_fast_parse_agrees_on_random_long_bodies() -> None:
    rng = random.Random(5)
    for _ in range(20):
        rows = []
        for _i in range(2000):
            day = f"20{rng.randrange(0, 30):02d}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            value = rng.choice(["", ".", f"{rng.uniform(-5, 50):.4f}", str(rng.randrange(0, 100))])
            rows.append(f"{day},{value}")
        body = "observation_date,DGS10\n" + "\n".join(rows) + rng.choice(["", "\n"])
        fast, slow = _both(body)
        assert repr(fast) == repr(slow)  # repr: nan == nan
        assert fred._plain_two_columns(body, "DGS10") is not None  # these do take the fast path
