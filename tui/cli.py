"""Provides the ``triffin`` command line (DESIGN.md §5).

::

    triffin                      TUI on live sources (alias: python -m tui)
    triffin --demo               TUI on the built-in synthetic feed; no network
    triffin snapshot [--format table|json|csv] [--demo] [--offline] [--timeout S]
    triffin sources [--format table|json] [--timeout S]
    triffin --version

Exit codes: 0 ok; 1 some source failed (snapshot still prints, with statuses); 2 usage or
config error, printed as one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from datafeed import __version__


class UsageError(Exception):
    """Bad command-line usage (exit 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors as one line and exit code 2, without the usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="PATH", help="config file (default: $TRIFFIN_CONFIG or the user config dir)")
    p.add_argument("--theme", metavar="NAME", help="colour theme")
    p.add_argument("--refresh", metavar="SECONDS", type=float, help="seconds between refreshes of daily series")
    p.add_argument("--ascii", action="store_true", default=None, help="no braille or box-drawing glyphs")
    p.add_argument("--demo", action="store_true", help="synthetic demo feed, no network (labelled DEMO)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to render ``--help``)."""
    parser = _Parser(prog="triffin", description="Are US Treasuries still the world's safe asset? A live terminal monitor.")
    parser.add_argument("--version", action="version", version=f"triffin {__version__}")
    _common(parser)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    snap = sub.add_parser("snapshot", help="print every series, signal and crisis score once, then exit")
    _common(snap)
    snap.add_argument("--format", choices=("table", "json", "csv"), default="table")
    snap.add_argument("--offline", action="store_true", help="use the cache only, no network")
    snap.add_argument("--timeout", type=float, default=20.0, metavar="S", help="total seconds to wait (default 20)")
    src = sub.add_parser("sources", help="check each configured source once and print a table")
    _common(src)
    src.add_argument("--format", choices=("table", "json"), default="table")
    src.add_argument("--timeout", type=float, default=30.0, metavar="S", help="total seconds to wait (default 30)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``triffin`` console script."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    from tui.config import ConfigError, load_config

    try:
        config = load_config(args.config, theme=args.theme, refresh=args.refresh, ascii=args.ascii)
    except ConfigError as exc:
        print(f"triffin: {exc}", file=sys.stderr)
        return 2
    for warning in config.warnings:
        print(f"triffin: warning: {warning}", file=sys.stderr)
    if args.command == "snapshot":
        if args.timeout <= 0:
            print("triffin: --timeout must be positive", file=sys.stderr)
            return 2
        from tui.snapshot_cmd import run_snapshot

        return run_snapshot(config, fmt=args.format, demo=args.demo, offline=args.offline, timeout=args.timeout)
    if args.command == "sources":
        from tui.sources_cmd import run_sources

        return run_sources(config, fmt=args.format, timeout=args.timeout)
    from tui.run import run_app

    return run_app(config, demo=args.demo)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
