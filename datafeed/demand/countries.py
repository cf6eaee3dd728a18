"""Provides canonical keys for the rows of the TIC major-foreign-holders tables.

The table has printed the same holder under several spellings over 25 years: ``"China,
Mainland"`` in quotes, ``"Korea, South "`` with a trailing space, ``United Kingdom 2/``
with a footnote marker (and, until February 2016, the Channel Islands and Isle of Man
folded in), ``Belgium  5/``, ``Carib Bnkng Ctrs 4/``. The summary rows vary too: ``For.
Official`` under an ``Of which:`` line in the history file, ``Of Which: Foreign Official``
and ``Of Which: Foreign Official Treasury Bills`` in the current table. :func:`holder_key`
maps every spelling to one stable key (``china``, ``korea``, ``uk``, ``foreign_official``,
``foreign_official_bills``) so a country's history survives the relabelling; unknown names
get a plain slug, so a new holder appears under its own key instead of being dropped.
"""

from __future__ import annotations

import re
from typing import Literal

HolderKind = Literal["country", "aggregate", "total", "official"]

GRAND_TOTAL = "grand_total"
FOREIGN_OFFICIAL = "foreign_official"
OFFICIAL_BILLS = "foreign_official_bills"
OFFICIAL_BONDS = "foreign_official_bonds"
ALL_OTHER = "all_other"

_FOOTNOTE = re.compile(r"\s*\d+/\s*$")
_NON_WORD = re.compile(r"[^a-z0-9]+")

ALIASES: dict[str, str] = {
    "china mainland": "china",
    "mainland china": "china",
    "china": "china",
    "peoples republic of china": "china",
    "united kingdom": "uk",
    "uk": "uk",
    "u k": "uk",
    "great britain": "uk",
    "korea south": "korea",
    "south korea": "korea",
    "korea": "korea",
    "republic of korea": "korea",
    "korea republic of": "korea",
    "carib bnkng ctrs": "caribbean_banking_centers",
    "caribbean banking centers": "caribbean_banking_centers",
    "caribbean banking ctrs": "caribbean_banking_centers",
    "oil exporters": "oil_exporters",
    "belgium luxembourg": "belgium_luxembourg",
    "hong kong": "hong_kong",
    "taiwan": "taiwan",
    "russia": "russia",
    "russian federation": "russia",
    "turkey": "turkey",
    "turkiye": "turkey",
    "uae": "uae",
    "united arab emirates": "uae",
}
"""Normalised spelling → key, for names whose plain slug would differ across years."""

NAMES: dict[str, str] = {
    "china": "China",
    "uk": "United Kingdom",
    "korea": "Korea, South",
    "caribbean_banking_centers": "Caribbean banking centers",
    "oil_exporters": "Oil exporters",
    "belgium_luxembourg": "Belgium-Luxembourg",
    "uae": "United Arab Emirates",
    GRAND_TOTAL: "Grand total",
    FOREIGN_OFFICIAL: "Foreign official",
    OFFICIAL_BILLS: "Foreign official: Treasury bills",
    OFFICIAL_BONDS: "Foreign official: T-bonds & notes",
    ALL_OTHER: "All other",
}
"""Display names for keys whose published spelling is abbreviated or has changed."""

AGGREGATES = frozenset({"caribbean_banking_centers", "oil_exporters", "belgium_luxembourg", ALL_OTHER})
"""Rows that are groups of countries, not one country (kept, but not ranked as holders)."""


def normalise(label: str) -> str:
    """Lower-case words of a row label: quotes, footnote markers and punctuation dropped."""
    text = label.strip().strip('"').strip()
    text = _FOOTNOTE.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def holder_key(label: str) -> tuple[str, HolderKind] | None:
    """The canonical key and kind of a row label, or None for a label that is no holder.

    ``Of which:`` alone, ``Country``, dashes and empty labels are headers, not holders.
    The summary rows are matched on words, most specific first, so ``Of Which: Foreign
    Official Treasury Bills`` is the bills line and never the official headline.
    """
    words = normalise(label)
    if not words or words in ("of which", "country", "countries"):
        return None
    vocabulary = set(words.split())
    if vocabulary & {"bill", "bills"}:
        return OFFICIAL_BILLS, "official"
    if vocabulary & {"bond", "bonds", "note", "notes"}:
        return OFFICIAL_BONDS, "official"
    if "official" in vocabulary:
        return FOREIGN_OFFICIAL, "official"
    if words in ("grand total", "total"):
        return GRAND_TOTAL, "total"
    if words in ("all other", "all others", "other"):
        return ALL_OTHER, "aggregate"
    key = ALIASES.get(words) or words.replace(" ", "_")
    return key, ("aggregate" if key in AGGREGATES else "country")


def display_name(key: str, published: str) -> str:
    """The name shown for a key: a fixed one for renamed rows, else the published spelling."""
    if key in NAMES:
        return NAMES[key]
    text = _FOOTNOTE.sub("", published.strip().strip('"').strip())
    return " ".join(text.split())
