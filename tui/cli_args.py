"""The ``triffin`` command line's argparse parser (tui.cli runs it).

Apart from tui.cli so that plain ``triffin`` (and ``--demo``, ``--ascii``) starts the TUI
without importing argparse or building a parser (~5 ms in front of the first frame, issue
20): tui.cli parses those command lines itself, to the namespace this parser gives (a test
holds the two together). Every other command line, ``--help`` included, comes here.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import NoReturn, TypedDict

from datafeed import __version__


class UsageError(Exception):
    """Bad command-line usage (exit 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors as one line and exit code 2, without the usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


class _Option(TypedDict, total=False):
    """The keywords of one common option (a subset of ``add_argument``'s)."""

    metavar: str
    help: str
    type: Callable[[str], float]
    action: str
    default: str | None


_COMMON_OPTIONS: tuple[tuple[str, _Option], ...] = (
    ("--config", {"metavar": "PATH", "help": "config file (default: $TRIFFIN_CONFIG or the user config dir)"}),
    ("--theme", {"metavar": "NAME", "help": "colour theme"}),
    ("--refresh", {"metavar": "SECONDS", "type": float, "help": "seconds between refreshes of daily series"}),
    ("--ascii", {"action": "store_true", "default": None, "help": "no braille or box-drawing glyphs"}),
    ("--demo", {"action": "store_true", "help": "synthetic demo feed, no network (labelled DEMO)"}),
)
"""The options every command takes: the one definition both positions are built from."""

COMMON_EPILOG = (
    "Common options (--config, --theme, --refresh, --ascii, --demo; --replay and --speed for the "
    "TUI and 'watch') go before or after the command: 'triffin --demo watch' = 'triffin watch --demo'. "
    "Given on both sides, the one after the command wins."
)


def _common(p: argparse.ArgumentParser, *, in_command: bool) -> None:
    """Add the common options to the main parser or (``in_command``) to a subcommand.

    Why two flavours of one definition: argparse copies every default a subparser defines
    over the main parser's values, so a subcommand that re-declared ``--demo`` with its
    default ``False`` wiped out ``triffin --demo watch``. A subcommand's copies therefore
    default to ``SUPPRESS`` (set only when typed), and because the subcommand's arguments
    are parsed after the main ones, an option given on both sides ends with the later value.
    """
    for flag, kwargs in _COMMON_OPTIONS:
        options = kwargs.copy()
        if in_command:
            options["default"] = argparse.SUPPRESS
        p.add_argument(flag, **options)


def _seconds(text: str) -> float:
    """A non-negative number of seconds (or a speed factor)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a non-negative number, not {text!r}")
    return value


def _positive(text: str) -> float:
    """A positive number of seconds (``--timeout``); refuses 0, negatives and nan."""
    value = _seconds(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, not {text!r}")
    return value


def _port(text: str) -> int:
    """A TCP port, 1-65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, not {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port between 1 and 65535, not {text!r}")
    return value


def _sessions(text: str) -> int:
    """``--max-sessions``: a whole number of sessions, 1-64."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of sessions, not {text!r}") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"expected between 1 and 64 sessions, not {text!r}")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, not {text!r}") from None


def _replay_args(p: argparse.ArgumentParser, *, in_command: bool) -> None:
    """``--replay``/``--speed`` for the TUI and ``watch`` (same two flavours as :func:`_common`)."""
    p.add_argument(
        "--replay",
        metavar="DIR",
        default=argparse.SUPPRESS if in_command else None,
        help="play a recording made by 'triffin record DIR' instead of live sources",
    )
    p.add_argument(
        "--speed",
        type=_seconds,
        default=argparse.SUPPRESS if in_command else 60.0,
        metavar="X",
        help="replay speed: 60 plays an hour in a minute (default), 0 as fast as possible",
    )


def _command(sub: argparse._SubParsersAction[_Parser], name: str, text: str) -> argparse.ArgumentParser:
    """A subcommand parser that also takes the common options."""
    parser = sub.add_parser(name, help=text, description=text[:1].upper() + text[1:] + ".", epilog=COMMON_EPILOG)
    _common(parser, in_command=True)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to render ``--help``)."""
    parser = _Parser(
        prog="triffin",
        description="Are US Treasuries still the world's safe asset? A live terminal monitor.",
        epilog=COMMON_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"triffin {__version__}")
    _common(parser, in_command=False)
    _replay_args(parser, in_command=False)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    snap = _command(sub, "snapshot", "print every series, signal and crisis score once, then exit")
    snap.add_argument("--format", choices=("table", "json", "csv", "markdown"), default="table")
    snap.add_argument("--offline", action="store_true", help="use the cache only, no network")
    snap.add_argument("--timeout", type=_positive, default=20.0, metavar="S", help="total seconds to wait (default 20)")
    report = _command(sub, "report", "read the seed's ten exhibits on the data once and print them as markdown")
    report.add_argument("--offline", action="store_true", help="use the cache only, no network")
    report.add_argument(
        "--timeout", type=_positive, default=20.0, metavar="S", help="total seconds to wait (default 20)"
    )
    src = _command(sub, "sources", "check each configured source once and print a table")
    src.add_argument("--format", choices=("table", "json"), default="table")
    src.add_argument("--timeout", type=_positive, default=30.0, metavar="S", help="total seconds to wait (default 30)")
    watch = _command(sub, "watch", "headless: evaluate alert rules on every update, print one line per firing")
    _replay_args(watch, in_command=True)
    watch.add_argument(
        "--alert",
        action="append",
        default=[],
        metavar="RULE",
        help="an alert rule on top of the config's [[alerts]] (repeatable), e.g. 'ust10y > 5'",
    )
    watch.add_argument("--once", action="store_true", help="evaluate after the first update, then exit")
    watch.add_argument("--max-seconds", type=_seconds, metavar="S", help="exit 0 after S seconds")
    watch.add_argument("--tick", type=_seconds, default=2.0, metavar="S", help="seconds between demo ticks (default 2)")
    export = _command(sub, "export", "write held series or one of the seed's exhibits (cache, or --demo)")
    export.add_argument("ids", nargs="*", metavar="ID", help="instrument or formula ids (space or comma separated)")
    export.add_argument(
        "--exhibit", metavar="ID", help="one of the seed's ten exhibits instead: its number (1-10) or id (credit)"
    )
    export.add_argument("--since", type=_date, metavar="DATE", help="first date (YYYY-MM-DD)")
    export.add_argument("--format", choices=("csv", "json", "svg"), default="csv", help="svg: --exhibit only")
    export.add_argument(
        "--aligned",
        action="store_true",
        help="the aligned daily frame (low-frequency series carried forward at most 45 days)",
    )
    record = _command(sub, "record", "run the live feed and store every raw upstream response in DIR")
    record.add_argument("dir", metavar="DIR", help="an empty or new folder")
    record.add_argument("--once", action="store_true", help="one full refresh, then exit")
    record.add_argument("--max-seconds", type=_seconds, metavar="S", help="exit 0 after S seconds")
    serve = _command(
        sub, "serve", "serve the TUI as a web page (textual-serve) behind a per-run token; 127.0.0.1 by default"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    serve.add_argument("--public-url", metavar="URL", help="URL browsers use to reach the server (proxy, 0.0.0.0)")
    serve.add_argument("--public", action="store_true", help="allow a --host off loopback (the token stays required)")
    serve.add_argument("--no-token", action="store_true", help="no token in the URL (loopback only)")
    serve.add_argument(
        "--max-sessions", type=_sessions, metavar="N", help="sessions at once (default: [serve] max_sessions or 4)"
    )
    serve.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="URL",
        help="another origin whose pages may open sessions (repeatable; also [serve] allowed_origins)",
    )
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """``argv`` (None: ``sys.argv[1:]``) parsed by :func:`build_parser`; raises UsageError."""
    return build_parser().parse_args(argv)
