"""Provides the ``triffin`` command line (README.md; the output: docs/contract.md).

::

    triffin                      TUI on live sources (alias: python -m tui)
    triffin --demo               TUI on the built-in synthetic feed; no network
    triffin snapshot [--format table|json|csv|markdown] [--demo] [--offline] [--timeout S]
    triffin sources [--format table|json] [--timeout S]
    triffin watch [--demo | --replay DIR [--speed X]] [--alert RULE]... [--once] [--max-seconds S]
    triffin export IDS... [--since DATE] [--format csv|json] [--aligned] [--demo]
    triffin export --exhibit ID [--since DATE] [--format csv|json|svg] [--demo]
    triffin report [--demo] [--offline] [--timeout S]   the ten exhibits' readings as markdown
    triffin record DIR [--once] [--max-seconds S]
    triffin serve [--host 127.0.0.1] [--port 8000] [--public-url URL] [--demo]   TUI in a browser
                  [--public] [--no-token] [--max-sessions N] [--allow-origin URL]...
    triffin --replay DIR [--speed X]   TUI on a recording (speed 60 by default; 0 = at once)
    triffin --version

The common options (--config, --theme, --refresh, --ascii, --demo; --replay/--speed for the
TUI and watch) work before or after the command; given on both sides, the later one wins.

Exit codes: 0 ok; 1 some source failed (snapshot still prints, with statuses); 2 usage or
config error, printed as one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, TypedDict

from datafeed import __version__
from tui import startup_gc


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


TUI_ONLY_FLAGS = frozenset({"--demo", "--ascii"})
"""Arguments that, alone (or none at all: plain ``triffin``), can only start the TUI: such a
command line is parsed without building the subcommands' parsers (~1.5 ms in front of the
first frame, issue 20). Anything else, ``--help`` and a mistyped command included, gets the
whole parser and its messages."""


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for ``argv``: without the subcommands when only :data:`TUI_ONLY_FLAGS` are given."""
    return build_parser(commands=not set(argv) <= TUI_ONLY_FLAGS)


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The argument parser (also used to render ``--help``); ``commands=False``: the TUI's
    options alone (the same namespace for a command line of :data:`TUI_ONLY_FLAGS`)."""
    parser = _Parser(
        prog="triffin",
        description="Are US Treasuries still the world's safe asset? A live terminal monitor.",
        epilog=COMMON_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"triffin {__version__}")
    _common(parser, in_command=False)
    _replay_args(parser, in_command=False)
    if not commands:
        parser.set_defaults(command=None)
        return parser
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``triffin`` console script."""
    try:
        return _main(argv)
    finally:
        startup_gc.resume()  # a no-op unless the TUI paused it and returned before its first frame


def _main(argv: Sequence[str] | None) -> int:
    parser = parser_for(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    misplaced = _misplaced_option(args)
    if misplaced:
        print(f"triffin: {misplaced}", file=sys.stderr)
        return 2
    if args.command is None:  # the TUI: no cyclic collection until its first frame is out
        startup_gc.pause()
    from tui.config import ConfigError, load_config

    try:
        config = load_config(args.config, theme=args.theme, refresh=args.refresh, ascii=args.ascii)
    except ConfigError as exc:
        from datafeed.sanitize import clean_line

        # One line, and the file is someone's text: a quoted value may hold escape sequences.
        print(f"triffin: {clean_line(str(exc), 1000)}", file=sys.stderr)
        return 2
    for warning in config.warnings:
        print(f"triffin: warning: {warning}", file=sys.stderr)
    if args.command == "snapshot":
        if not args.timeout > 0:  # also refuses nan
            print("triffin: --timeout must be positive", file=sys.stderr)
            return 2
        from tui.snapshot_cmd import run_snapshot

        return run_snapshot(config, fmt=args.format, demo=args.demo, offline=args.offline, timeout=args.timeout)
    if args.command == "report":
        if not args.timeout > 0:
            print("triffin: --timeout must be positive", file=sys.stderr)
            return 2
        from tui.report_cmd import run_report

        return run_report(config, demo=args.demo, offline=args.offline, timeout=args.timeout)
    if args.command == "sources":
        from tui.sources_cmd import run_sources

        return run_sources(config, fmt=args.format, timeout=args.timeout)
    if args.replay and args.demo:
        print("triffin: --replay and --demo exclude each other", file=sys.stderr)
        return 2
    if args.command == "watch":
        from tui.watch_cmd import run_watch

        return run_watch(
            config,
            demo=args.demo,
            alerts=args.alert,
            once=args.once,
            max_seconds=args.max_seconds,
            tick=max(0.05, args.tick),
            replay=args.replay,
            speed=args.speed,
        )
    if args.command == "export":
        from tui.export_cmd import run_export, run_export_exhibit

        if args.exhibit is not None:
            if args.ids or args.aligned:
                print("triffin export: --exhibit takes no other ids and no --aligned", file=sys.stderr)
                return 2
            return run_export_exhibit(config, args.exhibit, since=args.since, fmt=args.format, demo=args.demo)
        if args.format == "svg":
            print("triffin export: --format svg draws an exhibit; add --exhibit ID", file=sys.stderr)
            return 2
        return run_export(config, args.ids, since=args.since, fmt=args.format, aligned=args.aligned, demo=args.demo)
    if args.command == "record":
        if args.demo:
            print("triffin: record stores live responses; --demo has none", file=sys.stderr)
            return 2
        from tui.watch_cmd import run_record

        return run_record(config, args.dir, once=args.once, max_seconds=args.max_seconds)
    theme_error = unknown_theme(config.theme)
    if theme_error:
        if args.theme is None:  # it came from the file: name the file, line and key
            from tui.config import key_location

            theme_error = f"{key_location(config, 'theme')}: 'theme': {theme_error}"
        print(f"triffin: {theme_error}", file=sys.stderr)
        return 2
    if args.command == "serve":
        if args.replay:
            print("triffin: serve runs live sources or --demo, not --replay", file=sys.stderr)
            return 2
        from tui.serve_cmd import run_serve

        return run_serve(
            host=args.host,
            port=args.port,
            public_url=args.public_url,
            demo=args.demo,
            config_path=args.config,
            theme=args.theme,
            refresh=args.refresh,
            ascii=args.ascii,
            public=args.public,
            no_token=args.no_token,
            max_sessions=args.max_sessions if args.max_sessions is not None else config.serve.max_sessions,
            allow_origins=[*config.serve.allowed_origins, *args.allow_origin],
        )
    from tui.run import run_app

    if args.replay:
        from datafeed.recording import RecordingError, ReplayTransport

        try:
            transport = ReplayTransport(args.replay, speed=args.speed)
        except RecordingError as exc:
            print(f"triffin: {exc}", file=sys.stderr)
            return 2
        return run_app(config, demo=False, replay=transport)

    return run_app(config, demo=args.demo)


def _misplaced_option(args: argparse.Namespace) -> str | None:
    """One line when a common option was given to a command it cannot apply to, else None.

    The main parser accepts ``--replay`` and ``--demo`` in front of any command, so the
    commands that have no use for them refuse them here instead of ignoring them.
    """
    if args.replay and args.command not in (None, "watch", "serve"):
        return f"--replay applies to the TUI and 'watch', not '{args.command}'"
    if args.demo and args.command == "sources":
        return "sources checks the live sources; --demo has none"
    return None


def unknown_theme(name: str) -> str | None:
    """One line naming the known themes when ``name`` is not one of them, else None."""
    from textual.theme import BUILTIN_THEMES as TEXTUAL_THEMES

    from themes import BUILTIN_THEMES

    known = [*BUILTIN_THEMES, *TEXTUAL_THEMES]
    if name in known:
        return None
    return f"unknown theme {name!r} (known: {', '.join(known)})"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
