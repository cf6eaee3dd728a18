"""Provides what identifies the demo market's output, importable without numpy or pandas.

Why apart from ``datafeed.demo``: the TUI paints the demo's first frame from a view saved
by an earlier run (``tui.viewcache``) before numpy and pandas load, and must know whether
that view is still what the generator would produce: same seed, same history end, same
generator. Importing ``datafeed.demo`` to ask would load the very libraries it waits for.
"""

from __future__ import annotations

DEMO_SEED = 7
"""The seed the demo market runs with (``DemoMarket``'s default)."""

GENERATOR_VERSION = 2
"""Version of the demo generator's output. Bump it with any change that alters a value the
demo produces (a model, a stream, the catalog's demo parameters): saved demo views carry
it in their file name, and a view of another version is never shown.
``tests/test_viewcache.py`` pins a digest of the default history so a change cannot slip
through unnoticed."""
