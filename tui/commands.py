"""Provides :class:`TriffinCommands`: the command palette's jump-to-anything provider.

Typing part of a name in the palette (ctrl+p) finds any instrument (``UST 10Y``), formula, signal
(``Stock–bond corr 1Y``) or crisis episode (``COVID dash for cash``, user episodes and the
live row included); choosing one goes back to the dashboard with the cursor on it. Each of
the seed's ten exhibits is an entry too (``Exhibit 6: US 10Y − Bund 10Y ...``), opening the
exhibits screen on it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.host import host_of


class TriffinCommands(Provider):
    """Instruments, signals and episodes, each a palette command that jumps to it."""

    def _targets(self) -> list[tuple[str, str, Callable[[], None]]]:
        """(label, help text, callback) of everything one can jump to."""
        app = host_of(self.app)
        out: list[tuple[str, str, Callable[[], None]]] = []
        for inst in app.monitor.options.catalog.values():  # built-ins and the config's [[instruments]]
            out.append((inst.name, f"instrument {inst.id} ({inst.unit})", partial(app.jump_to, "instrument", inst.id)))
        for formula in app.monitor.options.formulas:
            out.append(
                (
                    formula.label,
                    f"formula {formula.id} = {formula.expr}",
                    partial(app.jump_to, "instrument", formula.id),
                )
            )
        from datafeed.exhibits import EXHIBITS

        for spec in EXHIBITS:
            out.append(
                (
                    f"Exhibit {spec.number}: {spec.title}",
                    f"exhibit {spec.id}: “{spec.claim}”",
                    partial(app.show_exhibit, spec.id),
                )
            )
        metrics = app.monitor.metrics
        if metrics is not None:
            for sid, result in metrics.signals.items():
                # dated, and marked when too old to count: the palette must not present an
                # old verdict as current (QA audit)
                when = f" as of {result.as_of}" if result.as_of else ""
                mark = " STALE" if result.stale else " LATE" if result.late and result.as_of else ""
                out.append(
                    (result.name, f"signal {sid}: {result.verdict}{when}{mark}", partial(app.jump_to, "signal", sid))
                )
            for scored in metrics.scored:
                ep = scored.episode
                out.append(
                    (
                        ep.name,
                        f"crisis {ep.id} {ep.start}→{ep.end}: {scored.verdict}",
                        partial(app.jump_to, "episode", ep.id),
                    )
                )
        return out

    async def discover(self) -> Hits:
        """Everything, listed before anything is typed."""
        for label, help_text, callback in self._targets():
            yield DiscoveryHit(label, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Fuzzy-match names (and ids) against ``query``."""
        matcher = self.matcher(query)
        for label, help_text, callback in self._targets():
            score = max(matcher.match(label), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, text=label, help=help_text)
