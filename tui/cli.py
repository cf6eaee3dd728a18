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

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tui import startup_gc

if TYPE_CHECKING:
    import argparse

TUI_ONLY_FLAGS = frozenset({"--demo", "--ascii"})
"""Arguments that, alone (or none at all: plain ``triffin``), can only start the TUI: such a
command line is read by :func:`tui_only_args`, without argparse (~5 ms in front of the first
frame, issue 20). Anything else, ``--help`` and a mistyped command included, goes to the
parser (tui.cli_args) and gets its messages."""


def tui_only_args(argv: Sequence[str]) -> Any:
    """The namespace tui.cli_args' parser gives a command line of :data:`TUI_ONLY_FLAGS`
    alone; None for any other command line (tests/test_cli.py holds the two equal)."""
    if not set(argv) <= TUI_ONLY_FLAGS:
        return None
    from types import SimpleNamespace

    return SimpleNamespace(
        config=None,
        theme=None,
        refresh=None,
        ascii=True if "--ascii" in argv else None,
        demo="--demo" in argv,
        replay=None,
        speed=60.0,
        command=None,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``triffin`` console script."""
    try:
        return _main(argv)
    finally:
        startup_gc.resume()  # a no-op unless the TUI paused it and returned before its first frame


def _main(argv: Sequence[str] | None) -> int:
    args = tui_only_args(sys.argv[1:] if argv is None else argv)
    if args is None:
        from tui.cli_args import UsageError, parse_args

        try:
            args = parse_args(None if argv is None else list(argv))
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
