"""Provides the value parsing the demand-side wire formats share.

TreasuryDirect and Fiscal Data send every value as a string (``"15000071200"``,
``"5.670000"``, ``"2014-01-29T00:00:00"``) and spell "no value" as ``""`` or ``"null"``;
TIC tables add ``n.a.``. Each helper here turns one such cell into a Python value or None,
and raises :class:`ValueError` for a cell that is present but malformed, so the record
parsers can report *which* field of *which* record was bad instead of guessing.

Outside text (an HTML title, a bad cell) only ever reaches a message through
:func:`snippet`, which cuts it short and escapes control characters, so a hostile body
cannot put terminal escape sequences on the screen or in a log.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence

from datafeed.errors import FeedError, FetchError, ParseError

MISSING_MARKERS = frozenset({"", "null", "none", "n/a", "na", "n.a.", "nd", ".", "-", "--"})
"""Cell texts (compared lower-case, stripped) that mean "no value"."""

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_WHOLE = re.compile(r"^(\d+)(?:\.0*)?$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")


def snippet(text: object, limit: int = 60) -> str:
    """A short, quoted, escaped rendering of outside text for an error message.

    ``repr`` escapes control characters (an ESC byte becomes ``\\x1b``), so the result is
    safe for a terminal, a Rich renderable and a log line.
    """
    raw = str(text)
    cut = raw[:limit] + ("…" if len(raw) > limit else "")
    return repr(cut)


def body_text(body: bytes | str, source: str) -> str:
    """Decode a response body (UTF-8, BOM dropped); undecodable bytes are a ParseError."""
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError(f"{source}: body is not UTF-8 text") from None
    else:
        text = body
    return text.lstrip("\ufeff")


def reject_html(text: str, source: str) -> None:
    """Raise a one-line ParseError when ``text`` is an HTML page (maintenance, 404, WAF).

    Upstream error pages come back with status 200 often enough that the body itself must
    be checked; the page's ``<title>`` (escaped, shortened) goes into the message because it
    usually says what happened ("Service Unavailable", "Page Not Found").
    """
    head = text.lstrip()[:512].lower()
    if head.startswith("<") and ("<html" in head or "<!doctype" in head or "<head" in head or "<body" in head):
        match = _TITLE.search(text[:4096])
        title = " ".join(match.group(1).split()) if match else ""
        shown = f" titled {snippet(title)}" if title else ""
        raise ParseError(f"{source}: got an HTML page{shown} instead of data")


def load_json(body: bytes | str, source: str) -> object:
    """Parse a JSON body, with one clear ParseError for empty, HTML or non-JSON answers."""
    text = body_text(body, source)
    if not text.strip():
        raise ParseError(f"{source}: empty body")
    reject_html(text, source)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ParseError(
            f"{source}: body is not JSON ({exc.__class__.__name__}); starts {snippet(text.strip())}"
        ) from None


def is_missing(raw: object) -> bool:
    """True for None and the texts in :data:`MISSING_MARKERS`."""
    return raw is None or (isinstance(raw, str) and raw.strip().lower() in MISSING_MARKERS)


def parse_amount(raw: object) -> int | None:
    """Whole US dollars from ``"15000071200"`` (or ``"15000071200.00"``); None if missing.

    Amounts are kept as exact integers: shares and ratios are computed from them, and a
    float would already round a 12-digit amount's last dollar in some sums.

    Raises:
        ValueError: the text is not a non-negative whole amount.
    """
    if is_missing(raw):
        return None
    if isinstance(raw, bool):
        raise ValueError(f"not an amount: {raw!r}")
    if isinstance(raw, int):
        if raw < 0:
            raise ValueError(f"not a whole non-negative amount: {raw!r}")
        return raw
    match = _WHOLE.match(str(raw).strip())
    if not match:
        raise ValueError(f"not a whole non-negative amount: {snippet(raw, 30)}")
    return int(match.group(1))


def parse_decimal(raw: object) -> float | None:
    """A rate, yield, ratio or money amount with cents (``"5.670000"``); None if missing.

    Raises:
        ValueError: present but not a finite number.
    """
    if is_missing(raw):
        return None
    if isinstance(raw, bool):
        raise ValueError(f"not a number: {raw!r}")
    try:
        value = float(str(raw).strip().replace(",", ""))
    except ValueError:
        raise ValueError(f"not a number: {snippet(raw, 30)}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {snippet(raw, 30)}")
    return value


def parse_day(raw: object) -> dt.date | None:
    """A date from ``"2014-01-29T00:00:00"`` or ``"2014-01-29"``; None if missing.

    Raises:
        ValueError: present but not one of those two forms (or not a real date).
    """
    if is_missing(raw):
        return None
    match = _ISO_DAY.match(str(raw).strip())
    if not match:
        raise ValueError(f"not a date: {snippet(raw, 30)}")
    year, month, day = (int(g) for g in match.groups())
    return dt.date(year, month, day)


def parse_flag(raw: object) -> bool | None:
    """``"Yes"``/``"No"`` (any case; also true/false) as a bool; None if missing.

    Raises:
        ValueError: present but neither.
    """
    if is_missing(raw):
        return None
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("yes", "y", "true"):
        return True
    if text in ("no", "n", "false"):
        return False
    raise ValueError(f"not Yes/No: {snippet(raw, 30)}")


def combined_error(errors: Sequence[tuple[str, FeedError]]) -> FeedError:
    """One error naming every request that failed (``"current table: ...; history: ..."``),
    of the first failure's kind: a FetchError keeps its status, whether it is transient and
    the longest Retry-After, so the scheduler backs off as the server asked.

    Raises:
        ValueError: ``errors`` is empty (a caller bug).
    """
    if not errors:
        raise ValueError("combined_error() of no errors")
    message = "; ".join(f"{what}: {exc.message}" if what else exc.message for what, exc in errors)
    first = errors[0][1]
    if isinstance(first, FetchError):
        waits = [e.retry_after for _, e in errors if isinstance(e, FetchError) and e.retry_after]
        return FetchError(message, transient=first.transient, retry_after=max(waits, default=None), status=first.status)
    return ParseError(message)
