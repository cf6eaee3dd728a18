"""Provides the Rich side of outside text: render it as ``Text``, never as markup.

Why: Rich parses ``[...]`` in plain strings handed to tables, ``Console.print`` and
Textual's ``notify``; an upstream error body that starts with ``[/]`` then raises
``MarkupError`` (a traceback where one line was promised) and ``[link=http://…]CLICK``
becomes a live hyperlink. Text that came from outside (error messages, config names,
alert command output, paths) therefore goes through :func:`plain` (a ``rich.text.Text``,
which Rich never parses) or, where an API insists on a markup string, :func:`escaped`.
Both also apply :func:`datafeed.sanitize.clean_line`, so no escape sequence survives
even when the text did not pass a data-layer boundary first.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.markup import escape
from rich.text import Text

from datafeed.sanitize import DEFAULT_LIMIT, clean_line, clean_text

__all__ = ["escaped", "plain", "plain_cells"]


def plain(text: object, limit: int | None = DEFAULT_LIMIT, *, style: str = "", multiline: bool = False) -> Text:
    """``text`` as a Rich ``Text``: sanitised, one line (or lines kept), no markup interpreted."""
    cleaned = clean_text(text, limit) if multiline else clean_line(text, limit)
    return Text(cleaned, style=style, end="")


def plain_cells(*cells: RenderableType | None, limit: int | None = DEFAULT_LIMIT) -> list[RenderableType | None]:
    """Table cells: strings become :func:`plain` ``Text``; Rich renderables pass unchanged."""
    return [plain(c, limit) if isinstance(c, str) else c for c in cells]


def escaped(text: object, limit: int | None = DEFAULT_LIMIT, *, multiline: bool = False) -> str:
    """``text`` sanitised and markup-escaped, for an API that takes a markup string."""
    return escape(clean_text(text, limit) if multiline else clean_line(text, limit))
