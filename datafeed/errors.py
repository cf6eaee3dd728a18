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


def redact(text: str) -> str:
    """Mask query-string secrets and every registered secret in ``text``."""
    text = _SECRET_PARAMS.sub(r"\1***", text)
    for secret in _registered:
        text = text.replace(secret, "***")
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
