"""Holds the cyclic garbage collector off while the TUI builds its first frame (issue 20).

Why: start-up creates a few hundred thousand long-lived objects (modules, classes, the
config, Textual's stylesheets) and no cyclic garbage worth collecting; every 700 new
objects the collector runs anyway, and its older-generation passes walk everything built so
far. With 270 formula rows that was ~40 ms of a ~420 ms first frame (measured: 419 → 375 ms
median with the collector off). Reference counting still frees everything as usual.

:func:`pause` is called by the CLI for the TUI only, before the config and the app load;
:func:`resume` once the first frame is out (the dashboard asks for it after its first
refresh), and it freezes what exists then, so later full collections do not walk the
start-up objects again. Both do nothing when the collector was not paused here (tests
that run the app in-process, the other commands).
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Turn the cyclic collector off until :func:`resume` (if it is on)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what exists now and turn the collector back on, if :func:`pause` turned it off."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def paused() -> bool:
    """True between :func:`pause` and :func:`resume`."""
    return _paused
