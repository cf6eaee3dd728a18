"""Provides the exception types of the data layer and secret redaction.

::

    FeedError                 anything the feed reports as a one-line reason
    ├── FetchError            an HTTP request failed (after retries)
    │   └── RateLimited       the server said 429; carries Retry-After
    ├── ParseError            a body was not in the expected format
    └── PartialFetch          some targets of a batch failed; carries the rest's values

Every message passes through :func:`redact` so an API key in a URL never reaches the
screen, a log or an exception (httpx puts full URLs, query string included, in its errors),
and through :func:`datafeed.sanitize.clean_line`, because messages quote upstream bodies,
status lines and headers, which may carry terminal escape sequences.

:func:`redact` is the one redaction path: log lines, exception messages, crash logs and
recordings (:mod:`datafeed.recording`, via :func:`redact_bytes` for bodies that are not
UTF-8) all use it.
"""

from __future__ import annotations

import base64
import functools
import logging
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote

from datafeed.sanitize import clean_line

if TYPE_CHECKING:  # the value records load with the first parse, not with the errors
    from collections.abc import Mapping, Sequence

    from datafeed.models import Fetched

_SECRET_PARAMS = re.compile(r"(?i)((?:api_key|apikey|key|token|crumb|access_token)=)[^&\s'\"]+")

_MIN_FRAGMENT = 8
"""Shortest piece of a registered secret that is still masked on its own."""

_registered: dict[str, tuple[re.Pattern[str], re.Pattern[str], frozenset[str]]] = {}
"""secret -> (candidate runs, exact pattern, its first and last 8 characters); see :func:`_patterns`."""
_literal_forms: set[str] = set()


def _char(ch: str) -> str:
    """One character of a secret: itself (any case) or percent-encoded (``%61``, ``%6A``/``%6a``)."""
    encoded = "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
    return f"(?:{re.escape(ch)}|{encoded})"


def _patterns(secret: str) -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str]]:
    """(runs that could hold the secret, the secret's exact pattern, its end windows).

    Why three: the exact pattern (:func:`_pattern`) is slow to try at every position of a
    megabyte body; runs of the secret's own characters (either case) and ``%XX`` triplets
    are found fast, and a run is searched with the exact pattern only when, decoded and in
    lower case, it holds the secret's first or last ``_MIN_FRAGMENT`` characters. Every
    match of the exact pattern lies inside such a run and holds one of those two windows
    (a head piece starts with the first, a tail piece ends with the last), so nothing is
    missed.
    """
    alphabet = "".join(sorted({c for ch in secret for c in (ch, ch.lower(), ch.upper())}))
    shortest = min(_MIN_FRAGMENT, len(secret))
    runs = re.compile(f"(?:[{re.escape(alphabet)}]|%[0-9A-Fa-f]{{2}}){{{shortest},}}")
    low = secret.lower()
    # A head piece starts with the first window, a tail piece ends with the last one.
    windows = frozenset({low[:shortest], low[-shortest:]}) if secret.isascii() else frozenset()
    return runs, _pattern(secret), windows


def _mask_match(exact: re.Pattern[str], windows: frozenset[str], match: re.Match[str]) -> str:
    """:func:`_mask_run` on one regex match (the replacement function of ``runs.sub``)."""
    return _mask_run(match.group(), exact, windows)


def _mask_run(run: str, exact: re.Pattern[str], windows: frozenset[str]) -> str:
    """One candidate run with the secret masked (unchanged when it cannot hold a piece of it)."""
    if windows:
        low = (unquote(run) if "%" in run else run).lower()
        size = len(next(iter(windows)))
        if not any(low[i : i + size] in windows for i in range(len(low) - size + 1)):
            return run
    return exact.sub("***", run)


def _pattern(secret: str) -> re.Pattern[str]:
    """The secret, or a piece of it of ``_MIN_FRAGMENT`` characters or more cut at either end.

    Matching is case-insensitive and every character may also appear percent-encoded, so
    ``ABCDEF…``, ``abc%64ef…`` and a server's upper-cased echo are all caught. Pieces:
    ``body[:60]`` in an error message may end with the first part of a secret, or a
    window may start with its last part.
    """
    chars = [_char(c) for c in secret]
    n = len(chars)
    if n <= _MIN_FRAGMENT:
        return re.compile("".join(chars), re.IGNORECASE)
    # head: c0..c7 then optionally c8, then optionally c9 ... (longest match wins)
    head = (
        "".join(chars[:_MIN_FRAGMENT]) + "".join(f"(?:{c}" for c in chars[_MIN_FRAGMENT:]) + ")?" * (n - _MIN_FRAGMENT)
    )
    # tail: optionally ... c(n-9), then c(n-8)..c(n-1)
    lead = n - _MIN_FRAGMENT
    tail = "(?:" * lead + "".join(f"{c})?" for c in chars[:lead]) + "".join(chars[lead:])
    return re.compile(f"{head}|{tail}", re.IGNORECASE)


def register_secret(secret: str | None) -> None:
    """Remember a secret so :func:`redact` masks it wherever it appears, in any case or encoding."""
    if not secret or len(secret) < 4 or secret in _registered:
        return
    _registered[secret] = _patterns(secret)
    raw = secret.encode("utf-8")
    for form in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = form.decode("ascii").rstrip("=")
        if len(text) >= _MIN_FRAGMENT:
            _literal_forms.add(text)


def redact(text: str) -> str:
    """Mask query-string secrets and every registered secret in ``text``.

    A registered secret is masked whole or in pieces of ``_MIN_FRAGMENT`` characters or more
    cut at either end, in any letter case, with any of its characters percent-encoded, and
    its base64 forms are masked too.
    """
    text = _SECRET_PARAMS.sub(r"\1***", text)
    for runs, exact, windows in _registered.values():
        text = runs.sub(functools.partial(_mask_match, exact, windows), text)
    for form in _literal_forms:
        if form in text:
            text = text.replace(form, "***")
    return text


def redact_bytes(data: bytes) -> bytes:
    """:func:`redact` for a body that is not UTF-8 text (recorded as base64 afterwards).

    Why Latin-1: it maps every byte to one character and back, so the secret's ASCII bytes
    are found wherever they sit in binary data, and the rest of the body survives unchanged.
    The secret's UTF-16 forms (two bytes a character) are masked as well.
    """
    text = redact(data.decode("latin-1"))
    for secret in _registered:
        for codec in ("utf-16-le", "utf-16-be"):
            wide = secret.encode(codec).decode("latin-1")
            text = re.sub(re.escape(wide), "***", text, flags=re.IGNORECASE)
    return text.encode("latin-1")


def clean_message(message: str) -> str:
    """A message fit for a screen, a log or an exception: redacted, one line, no control characters."""
    return clean_line(redact(message))


class SafeFormatter(logging.Formatter):
    """A log formatter whose every line is redacted and sanitised (:func:`clean_message`).

    Why at the formatter: log messages interpolate exceptions and outside text (a failing
    alert command's stderr, an upstream's error) that no single call site can vouch for;
    formatting is the last step before a terminal or a file, so it is the one place that
    sees them all. Tracebacks stay multi-line but are redacted and stripped of controls.
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record as one clean line (plus a redacted traceback, when it carries one)."""
        exc_text = None
        if record.exc_info:
            exc_text = self.formatException(record.exc_info)
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            line = clean_message(super().format(record))
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
        if exc_text:
            from datafeed.sanitize import clean_text

            line += "\n" + clean_text(redact(exc_text), None)
        return line


class FeedError(Exception):
    """A failure the feed reports as a one-line, secret-free reason.

    The message is redacted and sanitised here, once, because providers build it from text
    the upstream chose (an ``error_message`` field, a ``MESSAGE``, a status line).
    """

    def __init__(self, message: str) -> None:
        super().__init__(clean_message(str(message)))

    @property
    def message(self) -> str:
        """The redacted one-line reason."""
        return str(self.args[0])


class FetchError(FeedError):
    """An HTTP request failed for good (after any retries).

    Attributes:
        transient: True when trying again later may work (5xx, timeouts, resets).
        retry_after: seconds the server asked us to wait, if it said.
        status: the HTTP status, when the server answered at all.
    """

    def __init__(
        self,
        message: str,
        *,
        transient: bool = True,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after
        self.status = status


class RateLimited(FetchError):
    """The server answered 429 Too Many Requests."""


class ParseError(FeedError):
    """A response body was not in the format its parser expects."""


class PartialFetch(FeedError):
    """A batched fetch served some of its targets and failed for others.

    Why an exception: :meth:`Provider.fetch <datafeed.providers.base.Provider.fetch>`
    returns values only, and a batch (Yahoo's spark request for every quote symbol) must
    not lose ten good quotes, nor blame them, because one symbol is delisted. The feed
    stores :attr:`fetched`, marks each target of :attr:`failures` failed with its own
    message, and counts the job as answered; a caller that does not know this class reads
    it as the plain failure its message names.

    Attributes:
        fetched: the values of the targets that were served.
        failures: instrument id → the failure of that instrument alone.
    """

    def __init__(self, fetched: Sequence[Fetched], failures: Mapping[str, FeedError]) -> None:
        first = next(iter(failures.values()), None)
        super().__init__(
            f"{len(failures)} of the batch failed: {first.message}" if first is not None else "nothing failed"
        )
        self.fetched = list(fetched)
        self.failures = dict(failures)
