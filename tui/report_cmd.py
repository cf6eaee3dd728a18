"""Provides ``triffin report``: the seed's ten exhibits read on the data, as one markdown document.

Why a command of its own rather than a section of ``snapshot --format markdown``: the report
is prose an analyst pastes into a note (a summary, then per exhibit the claim quoted with its
section, the reading now, the date, the sources and what is missing), where the snapshot's
markdown is tables of every series. It collects the data the way ``snapshot`` does (the same
sources, ``--offline`` and ``--timeout``, the demo feed with ``--demo``) and has its exit codes:
0 every source answered, 1 some source failed (the report is still written), 2 usage.
"""

from __future__ import annotations

import asyncio
import os
import sys

from datafeed import __version__
from datafeed.monitor import Monitor
from datafeed.sanitize import clean_line
from datafeed.snapshot import collect
from tui.config import Config
from tui.session import build_monitor


def run_report(config: Config, *, demo: bool, offline: bool, timeout: float) -> int:
    """Collect once, write the report to stdout; returns the exit code (0 or 1)."""
    from datafeed.exhibits_store import assemble_store
    from datafeed.models import utcnow
    from tui.exhibit_view import report_markdown

    monitor: Monitor[None] = build_monitor(config, run="demo" if demo else "live", rules=(), formulas=())
    collected = asyncio.run(collect(monitor, offline=offline, timeout=timeout))
    pairs = assemble_store(collected.store)
    as_of = utcnow().replace(microsecond=0).isoformat().replace("+00:00", "Z")
    text = report_markdown(pairs, mode=collected.mode, as_of=as_of, version=__version__)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    for warning in collected.warnings:
        print(f"triffin: warning: {clean_line(warning, None)}", file=sys.stderr)
    if collected.empty:
        where = clean_line(str(config.cache_dir), None)
        print(f"triffin report: --offline and nothing is held in the cache ({where})", file=sys.stderr)
    return 1 if collected.failed else 0
