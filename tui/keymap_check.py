"""Provides :func:`keymap_problem`: a ``[keymap]`` that would take a key from another binding.

Why a check of our own: Textual applies a keymap silently. ``refresh-now = "q"`` left
``quit`` bound to ``q`` as well, and the refresh won: the user lost the quit key without a
word (issue 18). A rebinding that lands on a key another binding still holds in the same
place (the app's global keys plus one screen's keys) is refused unless the user moves the
other binding too. Unknown binding ids are refused as well: Textual ignores them, so a
typo would pass unnoticed.

Imported only when a config has a ``[keymap]`` (it imports Textual and the screens).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import Binding, BindingType
from textual.keys import _normalize_key_list


def _bindings(items: Iterable[BindingType]) -> list[Binding]:
    out: list[Binding] = []
    for item in items:
        if isinstance(item, Binding):
            out.append(item)
        else:  # (key, action[, description]) tuples, as Textual allows
            out.append(Binding(*item))
    return out


def _screen_bindings() -> dict[str, list[Binding]]:
    """Each screen's own bindings with ids (its class and base classes), by screen name."""
    from tui.screens.alerts import AlertLogScreen
    from tui.screens.crisis_detail import CrisisDetailScreen
    from tui.screens.dashboard import DashboardScreen
    from tui.screens.help import HelpScreen
    from tui.screens.series_detail import SeriesDetailScreen
    from tui.screens.signal_detail import SignalDetailScreen

    screens = (DashboardScreen, HelpScreen, AlertLogScreen, SeriesDetailScreen, SignalDetailScreen, CrisisDetailScreen)
    out: dict[str, list[Binding]] = {}
    for screen in screens:
        found: list[Binding] = []
        for cls in reversed(screen.__mro__):
            found.extend(b for b in _bindings(cls.__dict__.get("BINDINGS", ())) if b.id)
        out[screen.__name__] = found
    return out


def scopes() -> dict[str, list[Binding]]:
    """Where keys must be unique: the app's keys alone, and the app's keys with each screen's."""
    from tui.keys import APP_BINDINGS

    app = [b for b in _bindings(APP_BINDINGS) if b.id]
    out = {"everywhere": app}
    for name, bindings in _screen_bindings().items():
        out[name] = app + bindings
    return out


def _keys(text: str) -> list[str]:
    return [k for k in _normalize_key_list(text).split(",") if k]


def keymap_problem(keymap: Mapping[str, str]) -> tuple[str, str] | None:
    """Why ``keymap`` cannot be applied, as (binding id at fault, one-line reason); None when it can.

    A key two bindings would share in one scope is a problem only when the keymap moved
    one of them there (the defaults' own overlaps, like ``?`` closing the help screen that
    ``?`` opened, are by design).
    """
    all_scopes = scopes()
    known = sorted({b.id for bindings in all_scopes.values() for b in bindings if b.id})
    for binding_id in keymap:
        if binding_id not in known:
            return binding_id, f"unknown binding id '{binding_id}' (known: {', '.join(known)})"
    for bindings in all_scopes.values():
        holders: dict[str, list[str]] = {}
        for b in bindings:
            assert b.id is not None
            keys = keymap.get(b.id, b.key)
            for key in _keys(keys):
                ids = holders.setdefault(key, [])
                if b.id not in ids:
                    ids.append(b.id)
        for key, ids in holders.items():
            moved = [i for i in ids if i in keymap]
            if len(ids) > 1 and moved:
                others = [i for i in ids if i != moved[0]]
                return moved[0], (
                    f"'keymap.{moved[0]}' binds '{key}', which '{others[0]}' already uses; "
                    f"rebind '{others[0]}' too, or choose another key"
                )
    return None
