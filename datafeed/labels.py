"""Provides the words that mark synthetic data in every output (``DEMO_NOTICE``).

Why one place: the demo market's numbers look like market prices, and a copy that loses
its label (a CSV in a spreadsheet, a JSON document in another tool, a table pasted into
chat) would pass for real data. Every writer (``snapshot``, ``export``, ``watch``) marks
demo output with the same words and the same ``mode`` value, so a person and a parser
can both tell. docs/contract.md lists where each format carries them.
"""

from __future__ import annotations

DEMO_MODE = "demo"
"""The ``mode`` value of synthetic data (JSON key, CSV column)."""

DEMO_NOTICE = "DEMO — synthetic data, not market prices"
"""What a person reads next to synthetic data."""


def demo_notice(mode: str) -> str | None:
    """:data:`DEMO_NOTICE` for demo output, else None."""
    return DEMO_NOTICE if mode == DEMO_MODE else None
