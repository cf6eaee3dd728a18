"""Provides the exception types of the data layer and secret redaction.

::

    FeedError                 anything the feed reports as a one-line reason
    ├── FetchError            an HTTP request failed (after retries)
    │   └── RateLimited       the server said 429; carries Retry-After
    └── ParseError            a body was not in the expected format

Every message passes through :func:`redact` so an API key in a URL never reaches the
screen, a log or an exception (httpx puts full URLs, query string included, in its errors).
"""

from __future__ import annotations

import re

_SECRET_PARAMS = re.compile(r"(?i)((?:api_key|apikey|key|token|crumb|access_token)=)[^&\s'\"]+")
_registered: set[str] = set()


def register_secret(secret: str | None) -> None:
    """Remember a secret so :func:`redact` masks it wherever it appears."""
    if secret and len(secret) >= 4:
        _registered.add(secret)


_MIN_FRAGMENT = 8
"""Shortest piece of a registered secret that is still masked on its own."""


def redact(text: str) -> str:
    """Mask query-string secrets and every registered secret in ``text``.

    A message cut short (``body[:60]``) may end with the first part of a secret, or start
    with its last part; those pieces (``_MIN_FRAGMENT`` characters or more) are masked too.
    """
    text = _SECRET_PARAMS.sub(r"\1***", text)
    for secret in _registered:
        text = text.replace(secret, "***")
        for n in range(len(secret) - 1, _MIN_FRAGMENT - 1, -1):
            head, tail = secret[:n], secret[-n:]
            if head in text:
                text = text.replace(head, "***")
            if tail in text:
                text = text.replace(tail, "***")
    return text


class FeedError(Exception):
    """A failure the feed reports as a one-line, secret-free reason."""

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))

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
