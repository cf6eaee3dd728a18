"""Provides alert rules and the engine that decides when they fire.

Why an engine with state: a monitor that repeats "10Y above 5 %" on every tick is noise,
so a rule fires on the *change* — a threshold when it becomes true, a cross when the value
moves from one side of its level to the other — and then keeps quiet until it re-arms.

Rules (the ``rule`` of a ``[[alerts]]`` table)::

    ust10y > 5                       threshold: > >= < <=, number on the right
    pct_change(vix, 5) > 30          any formula expression on the left
    stock_bond_corr_1y crosses 0     cross in either direction
    us_de_10y crosses above 150      or only upward (``crosses below``: downward)
    crisis live fail                 a core check turns ``fail`` in the live crisis row
    crisis live fail usd             ... or one named check (core or context)

The left side reads instrument ids (their latest value, intraday quotes included), formula
ids, and signal ids (their latest value; signals have no history, so they may not appear
inside window functions such as ``diff``).

Semantics, per rule:

- **threshold** — fires on the first evaluation where the condition holds (including the
  very first evaluation: starting ``watch`` while 10Y is above 5 % tells you once), then
  is disarmed until the condition is false again.
- **cross** — needs two evaluations: it fires when the side of the level changes between
  the previous evaluation and this one. Touching the level exactly does not change side.
- **crisis** — fires when a watched check's result becomes ``fail`` (it was anything
  else, or there was no live row, at the previous evaluation).
- **cooldown** — after firing, a rule stays silent for the cooldown. A cross or crisis
  event inside the cooldown is dropped; an armed threshold that is still true when the
  cooldown ends fires then.
- a missing value (no data, no dates in common) changes nothing: no firing, no re-arm.

A rule's optional ``command`` is an argument list run **without a shell**, with the
firing as JSON on stdin and a timeout; a failing or hanging command is logged, never
fatal (:class:`CommandRunner`). Its output is read up to :data:`OUTPUT_CAP` bytes a stream
(the rest is drained and dropped) and only a sanitised excerpt reaches a log line.

Several processes, one set of commands: sessions of ``triffin serve`` are separate
processes with their own engines. When ``TRIFFIN_ALERT_STATE`` names a file (the server
sets it for its sessions), :class:`SharedCommandGate` makes the processes share, under a
file lock, when each rule's command last ran and for which observation: a command runs at
most once per cooldown and once per event, however many sessions see the firing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import math
import os
import subprocess
import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pandas as pd

from datafeed.alert_memory import FiredMemory, Remembered, rule_key
from datafeed.alert_rules import (  # the rules parse without pandas (config); re-exported (__all__)
    CHECK_IDS,
    COMMAND_TIMEOUT,
    CORE_CHECKS,
    EXCERPT,
    OUTPUT_CAP,
    STATE_ENV,
    AlertError,
    AlertRule,
    format_value,
    parse_cooldown,
    parse_rule,
)
from datafeed.catalog import CATALOG
from datafeed.errors import clean_message
from datafeed.formulas import (
    Formula,
    evaluate_all,
    evaluate_expression,
)
from datafeed.sanitize import clean_bytes, clean_line
from datafeed.thresholds import Thresholds, resolve_thresholds

if TYPE_CHECKING:
    from datafeed.signals.spec import SignalResult

log = logging.getLogger(__name__)

__all__ = [
    "CHECK_IDS",
    "CORE_CHECKS",
    "MODE_LABELS",
    "AlertEngine",
    "AlertError",
    "AlertMonitor",
    "AlertRule",
    "CommandRunner",
    "Firing",
    "Held",
    "HeldBack",
    "SharedCommandGate",
    "collect_inputs",
    "format_value",
    "live_checks_from",
    "live_start_from",
    "parse_cooldown",
    "parse_rule",
    "run_command",
]

# --------------------------------------------------------------------------- firings


@dataclass(frozen=True, slots=True)
class Firing:
    """One alert that fired.

    Attributes:
        time: when the evaluation that fired ran (UTC).
        rule: the rule.
        value: the left side's value (for crisis rules: the failing check ids, comma-joined).
        date: date of the newest observation behind ``value`` (None when not known).
        detail: a few words on what happened (``crossed above 0``, ``became true``).
    """

    time: dt.datetime
    rule: AlertRule
    value: float | str
    date: dt.date | None = None
    detail: str = ""
    cached: bool = False
    """True when the values behind it came from the cache, not yet confirmed by a source."""

    def line(self) -> str:
        """``<ISO time> <rule> <value> <data date>``: the line ``triffin watch`` prints.

        The data date (of the newest observation behind the value) is left out only when
        there is none: a ``crisis live fail`` rule, a rule on a signal.
        """
        stamp = self.time.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        date = f" {self.date.isoformat()}" if self.date else ""
        return f"{stamp} {self.rule.text} {format_value(self.value)}{date}"

    def to_json(self, **extra: Any) -> dict[str, Any]:
        """The document a rule's command receives on stdin."""
        value: Any = self.value
        if isinstance(value, float):
            value = round(value, 10)
        doc: dict[str, Any] = {
            "time": self.time.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "rule": self.rule.text,
            "kind": self.rule.kind,
            "op": self.rule.op,
            "subject": self.rule.subject,
            "level": self.rule.level,
            "value": value,
            "date": self.date.isoformat() if self.date else None,
            "detail": self.detail,
            "line": self.line(),
        }
        doc.update(extra)
        if self.cached:
            doc["mode"] = "cached"
        return doc


# --------------------------------------------------------------------------- engine


@dataclass(slots=True)
class _State:
    armed: bool = True
    side: int = 0
    last_fired: dt.datetime | None = None
    failing: frozenset[str] = frozenset()
    seen: bool = False


_OPS: dict[str, Any] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def _latest(value: pd.Series | float | None) -> tuple[float | None, dt.date | None]:
    """The newest finite value of an evaluation result and its date."""
    if value is None:
        return None, None
    if isinstance(value, pd.Series):
        if value.empty:
            return None, None
        v = float(value.iloc[-1])
        return (v, value.index[-1].date()) if math.isfinite(v) else (None, None)
    v = float(value)
    return (v, None) if math.isfinite(v) else (None, None)


class AlertEngine:
    """Evaluates rules against the latest values, keeping the state that makes them fire once.

    Args:
        rules: parsed rules, in config order (firings come out in that order).
        memory: rule key → the observation it last fired on in an earlier run
            (:mod:`datafeed.alert_memory`; read, never written here). A threshold that has not
            fired in this engine yet does not fire on that observation again, nor on a newer
            one when the condition held at every observation since (it never re-armed).
    """

    def __init__(self, rules: Iterable[AlertRule], memory: Mapping[str, Remembered] | None = None) -> None:
        self.rules: tuple[AlertRule, ...] = tuple(rules)
        self._state = [_State() for _ in self.rules]
        self.evaluations = 0
        self.memory: Mapping[str, Remembered] = memory if memory is not None else {}
        self.remembered = 0
        """Firings skipped because an earlier run already fired on that observation."""

    def add(self, rule: AlertRule) -> None:
        """Watch one more rule (it fires last within a pass); the others keep their state."""
        self.rules = (*self.rules, rule)
        self._state.append(_State())

    @property
    def refs(self) -> frozenset[str]:
        """Every id any rule reads."""
        out: frozenset[str] = frozenset()
        for r in self.rules:
            out |= r.refs
        return out

    @property
    def needs_crisis(self) -> bool:
        """True when some rule watches the live crisis row (worth scoring it)."""
        return any(r.kind == "crisis" for r in self.rules)

    def rearm(self, rule: AlertRule) -> None:
        """Let a threshold rule fire again while its condition holds (a firing held back)."""
        for r, st in zip(self.rules, self._state, strict=True):
            if r is rule:
                st.armed = True
                st.last_fired = None

    def _already_fired(self, rule: AlertRule, result: object, value: float, date: dt.date | None) -> bool:
        """True when an earlier run fired this threshold on this observation, or on an older one
        and the condition has held at every observation since (so it never re-armed)."""
        past = self.memory.get(rule_key(rule.text)) if self.memory else None
        if past is None:
            return False
        if date is None or past.date is None:
            return date is None and past.date is None and past.value == format_value(value)
        if date <= past.date:
            return True  # that observation (or an older one) was reported already
        if not isinstance(result, pd.Series):
            return False
        since = result[result.index > pd.Timestamp(past.date)].dropna()
        return bool(len(since)) and bool(_OPS[rule.op](since, rule.level).all())

    def _cooling(self, rule: AlertRule, st: _State, now: dt.datetime) -> bool:
        return rule.cooldown > 0 and st.last_fired is not None and (now - st.last_fired).total_seconds() < rule.cooldown

    def evaluate(
        self,
        values: Mapping[str, Any],
        now: dt.datetime,
        *,
        live_checks: Mapping[str, str] | None = None,
        dates: Mapping[str, dt.date] | None = None,
        live_start: dt.date | None = None,
    ) -> list[Firing]:
        """Evaluate every rule once; returns what fired.

        Args:
            values: id → ``pd.Series`` (instruments, formulas) or number (signals); ids a
                rule needs but the mapping lacks read as missing.
            now: the evaluation time (UTC), stamped on firings and used for cooldowns.
            live_checks: the live crisis row as check id → ``pass``/``fail``/``flat``/``n/a``,
                or None when there is no live row (see :func:`live_checks_from`).
            dates: id → the date a number in ``values`` stands for (a signal's ``as_of``):
                a rule whose value carries no date of its own is dated by the oldest of these.
            live_start: the live stress spell's first trigger (:func:`live_start_from`): with
                the memory, the checks an earlier run reported for this spell are not new.
        """
        self.evaluations += 1
        out: list[Firing] = []
        for rule, st in zip(self.rules, self._state, strict=True):
            try:
                firing = self._one(rule, st, values, now, live_checks, dates or {}, live_start)
            except Exception as exc:  # noqa: BLE001 - one broken rule must not silence the others
                log.warning("alert '%s' could not be evaluated: %s", rule.text, exc)
                continue
            if firing is not None:
                st.last_fired = now
                out.append(firing)
        return out

    def _one(
        self,
        rule: AlertRule,
        st: _State,
        values: Mapping[str, Any],
        now: dt.datetime,
        live_checks: Mapping[str, str] | None,
        dates: Mapping[str, dt.date],
        live_start: dt.date | None = None,
    ) -> Firing | None:
        if rule.kind == "crisis":
            watched = (rule.check,) if rule.check else CORE_CHECKS
            failing = frozenset(c for c in watched if (live_checks or {}).get(c) == "fail")
            before = st.failing
            if not st.seen and live_checks is not None:
                st.seen = True  # the first look at a live row: what an earlier run reported is not new
                past = self.memory.get(rule_key(rule.text)) if self.memory else None
                if past is not None and past.date is not None and past.date == live_start:
                    before = before | frozenset(past.value.split(","))
            new = failing - before
            st.failing = failing
            if not new or self._cooling(rule, st, now):
                return None
            return Firing(now, rule, ",".join(c for c in watched if c in new), None, "live crisis check turned fail")
        assert rule.node is not None and rule.level is not None
        result = evaluate_expression(rule.node, values)
        value, date = _latest(result)
        if value is None:
            return None
        if date is None and dates:
            dated = [dates[r] for r in rule.refs if r in dates]
            date = min(dated) if dated else None
        level = rule.level
        if rule.kind == "threshold":
            cond = bool(_OPS[rule.op](value, level))
            if not cond:
                st.armed = True
                return None
            if not st.armed or self._cooling(rule, st, now):
                return None
            if st.last_fired is None and self._already_fired(rule, result, value, date):
                self.remembered += 1
                return None  # still armed: a newer observation is judged again
            st.armed = False
            return Firing(now, rule, value, date, "became true")
        side = 1 if value > level else -1 if value < level else 0
        previous, first = st.side, not st.seen
        st.seen = True
        if side == 0:
            return None
        st.side = side
        if first or previous == 0 or side == previous:
            return None
        direction = "above" if side > 0 else "below"
        if rule.op != "crosses" and rule.op != f"crosses {direction}":
            return None
        if self._cooling(rule, st, now):
            return None
        return Firing(now, rule, value, date, f"crossed {direction} {format_value(level)}")


# --------------------------------------------------------------------------- inputs


def live_checks_from(scored: Iterable[Any]) -> dict[str, str] | None:
    """The live crisis row as check id → result, from :func:`datafeed.crises.score_all` output.

    Duck-typed (``episode.live``, ``checks[id].result``) so the alert engine does not depend
    on the crisis module's internals. None when no live row is present.
    """
    for s in scored:
        episode = getattr(s, "episode", None)
        if episode is not None and getattr(episode, "live", False):
            checks = getattr(s, "checks", {}) or {}
            return {cid: str(getattr(c, "result", c)) for cid, c in checks.items()}
    return None


def live_start_from(scored: Iterable[Any]) -> dt.date | None:
    """The first trigger of the live stress spell (``episode.start`` of the live row), or None.

    It names the spell: a ``crisis live fail`` rule remembers which checks it reported for
    which spell, so a restart within the same spell does not report them again.
    """
    for s in scored:
        episode = getattr(s, "episode", None)
        if episode is not None and getattr(episode, "live", False):
            start = getattr(episode, "start", None)
            return start if isinstance(start, dt.date) else None
    return None


def collect_inputs(
    engine: AlertEngine,
    series: Mapping[str, pd.Series],
    formulas: Sequence[Formula] = (),
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
    frequencies: Mapping[str, str] | None = None,
    today: dt.date | None = None,
    signal_facts: dict[str, SignalResult] | None = None,
    live_spell: list[dt.date] | None = None,
) -> tuple[dict[str, Any], dict[str, str] | None]:
    """Everything the engine's rules need, computed only where some rule reads it.

    Args:
        engine: the engine (its rules decide what is computed).
        series: instrument id → series (``SeriesStore.all_series()``).
        formulas: the config's formulas (evaluated in order when a rule reads one).
        thresholds: signal threshold overrides (config ``[thresholds]``).
        frequencies: id → frequency overrides (``datafeed.thesis.store_frequencies``), so
            a monthly Bund fallback is carried forward the way the scorecard does it.
        live_spell: receives the live stress spell's start (:func:`live_start_from`), if any.
        signal_facts: filled with the full result of every signal a rule reads (its
            ``as_of`` dates a firing; ``late`` and ``stale`` hold it back in a live run).
        today: the current date: the live crisis row is about it (a trigger within the
            last business days before it, a window ending on it).

    Returns:
        (values for :meth:`AlertEngine.evaluate`, live crisis checks or None).
    """
    refs = engine.refs
    values: dict[str, Any] = dict(series)
    formula_ids = {f.id for f in formulas}
    if refs & formula_ids:
        values.update(evaluate_all(formulas, series))
    wanted_signals = [r for r in refs if r not in values and r not in formula_ids and r not in CATALOG]
    if wanted_signals:
        from datafeed.signals import SIGNAL_IDS, compute_signals

        ids = [s for s in SIGNAL_IDS if s in wanted_signals]
        if ids:
            results = compute_signals(series, thresholds, frequencies=frequencies, ids=ids, today=today)
            for sid, res in results.items():
                values[sid] = float("nan") if res.value is None else float(res.value)
                if signal_facts is not None:
                    signal_facts[sid] = res
    live: dict[str, str] | None = None
    if engine.needs_crisis:
        from datafeed.crises import score_all

        scored = score_all(series, episodes=[], thresholds=thresholds, live=True, frequencies=frequencies, today=today)
        live = live_checks_from(scored)
        start = live_start_from(scored)
        if live_spell is not None and start is not None:
            live_spell.append(start)
    return values, live


# --------------------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class CommandResult:
    """How one alert command ended.

    Attributes:
        ok: exit status 0 within the timeout.
        returncode: the exit status (None when it did not run or timed out).
        error: one line on what went wrong (None when ok).
        skipped: True when another process sharing the alert state already ran it
            (:class:`SharedCommandGate`); ``ok`` is then True and nothing ran here.
    """

    ok: bool
    returncode: int | None
    error: str | None = None
    skipped: bool = False


def _drain(stream: IO[bytes], keep: int, out: list[bytes]) -> None:
    """Read ``stream`` to its end, keeping the first ``keep`` bytes in ``out``.

    Why drain rather than stop reading: a child blocked on a full pipe would never exit
    and always hit the timeout; reading and dropping lets it finish, in bounded memory.
    """
    kept = 0
    while True:
        chunk = stream.read(8192)
        if not chunk:
            return
        if kept < keep:
            out.append(chunk[: keep - kept])
            kept += len(out[-1])


def run_command(argv: Sequence[str], payload: Mapping[str, Any], timeout: float = COMMAND_TIMEOUT) -> CommandResult:
    """Run an alert command without a shell, the payload as JSON on stdin.

    Why no shell: a rule or a value must never be able to inject shell syntax. The output
    is captured (so it cannot interleave with ``triffin watch``'s lines), at most
    :data:`OUTPUT_CAP` bytes a stream, and only a short, redacted and sanitised excerpt of
    stderr is logged on failure (a command's output is outside text: it may hold escape
    sequences or NUL bytes). Never raises.
    """
    data = (json.dumps(payload, ensure_ascii=False) + "\n").encode()
    name = clean_line(argv[0] if argv else "?", 80)
    try:
        proc = subprocess.Popen(
            list(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, shell=False
        )
    except FileNotFoundError:
        result = CommandResult(False, None, f"alert command {name!r} not found")
    except PermissionError:
        result = CommandResult(False, None, f"alert command {name!r} is not executable")
    except (OSError, ValueError) as exc:
        result = CommandResult(False, None, f"alert command {name!r} failed to start: {exc}")
    else:
        result = _finish(proc, data, name, timeout)
        if result.ok:
            return result
    result = CommandResult(result.ok, result.returncode, clean_message(result.error or ""))
    log.warning("%s", result.error)
    return result


def _finish(proc: subprocess.Popen[bytes], data: bytes, name: str, timeout: float) -> CommandResult:
    """Feed stdin, drain both outputs (capped), wait up to ``timeout``; kill on expiry."""
    out: list[bytes] = []
    err: list[bytes] = []
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    readers = [
        threading.Thread(target=_drain, args=(proc.stdout, OUTPUT_CAP, out), daemon=True),
        threading.Thread(target=_drain, args=(proc.stderr, OUTPUT_CAP, err), daemon=True),
    ]
    for t in readers:
        t.start()
    try:
        proc.stdin.write(data)
    except (BrokenPipeError, OSError):
        pass  # the command does not read stdin: its business
    finally:
        try:
            proc.stdin.close()
        except OSError:
            pass
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        for t in readers:
            t.join(1.0)
        return CommandResult(False, None, f"alert command {name!r} timed out after {timeout:g} s (killed)")
    for t in readers:
        t.join(timeout)
    if proc.returncode == 0:
        return CommandResult(True, 0)
    excerpt = clean_bytes(b"".join(err), EXCERPT)
    return CommandResult(
        False, proc.returncode, f"alert command {name!r} exited {proc.returncode}" + (f": {excerpt}" if excerpt else "")
    )


class SharedCommandGate:
    """Lets several processes share when each alert command last ran, through one locked file.

    Why: each ``triffin serve`` session is its own process with its own alert engine, so a
    rule with ``cooldown = "1d"`` would run its command once per open browser tab. The
    gate is asked just before a command runs: under an exclusive ``flock`` on ``path`` it
    reads the rule's last run (time and the observation that fired it), refuses when the
    same observation already ran the command or the rule's cooldown has not passed since
    the last run, and otherwise records this run. Firings without an observation date
    (``crisis live fail``) count as the same event within one UTC day.

    The file is small JSON (one entry per rule and command, keyed by a hash); an unreadable
    file counts as empty. Only the command is gated: every session still shows its firing.

    Args:
        path: the shared state file (created, mode 0600, with its folder).
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SharedCommandGate | None:
        """The gate named by ``TRIFFIN_ALERT_STATE``, or None when it is unset."""
        value = (os.environ if env is None else env).get(STATE_ENV, "")
        return cls(value) if value else None

    @staticmethod
    def _key(rule: AlertRule) -> str:
        raw = "\0".join((rule.text, *rule.command))
        return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    @staticmethod
    def _event(firing: Firing) -> str:
        when = firing.date.isoformat() if firing.date else firing.time.astimezone(dt.UTC).date().isoformat() + "~"
        return f"{when} {format_value(firing.value)}"

    def claim(self, firing: Firing) -> bool:
        """True when this process may run the firing's command now (and it is recorded as run)."""
        from datafeed.locked_json import locked_json

        with locked_json(self.path) as locked:
            state = locked.doc
            key, event = self._key(firing.rule), self._event(firing)
            now = firing.time.timestamp()
            entry = state.get(key)
            if isinstance(entry, dict):
                last = entry.get("time")
                if entry.get("event") == event:
                    return False
                if isinstance(last, (int, float)) and 0 <= now - last < firing.rule.cooldown:
                    return False
            state[key] = {"time": now, "event": event}
            locked.write(state)
        return True


class CommandRunner:
    """Runs alert commands in background threads so a slow command never delays the feed.

    Args:
        timeout: seconds each command may run.
        workers: commands running at once.
        extra: keys added to every payload (e.g. ``{"mode": "demo"}``).
        gate: shared run state across processes; default :meth:`SharedCommandGate.from_env`
            (none unless ``TRIFFIN_ALERT_STATE`` is set).
    """

    def __init__(
        self,
        timeout: float = COMMAND_TIMEOUT,
        workers: int = 2,
        extra: Mapping[str, Any] | None = None,
        gate: SharedCommandGate | None = None,
    ) -> None:
        self.timeout = timeout
        self.extra = dict(extra or {})
        self.gate = gate if gate is not None else SharedCommandGate.from_env()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="triffin-alert")
        self._pending: set[Future[CommandResult]] = set()
        self._lock = threading.Lock()
        self.results: list[CommandResult] = []
        self.skipped = 0

    def submit(self, firing: Firing) -> Future[CommandResult] | None:
        """Start the firing's command, if its rule has one."""
        if not firing.rule.command:
            return None
        future = self._pool.submit(self._run, firing, firing.to_json(**self.extra))
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _run(self, firing: Firing, payload: Mapping[str, Any]) -> CommandResult:
        """In a worker thread: ask the shared gate (if any), then run the command."""
        if self.gate is not None:
            try:
                claimed = self.gate.claim(firing)
            except OSError as exc:
                log.warning(
                    "%s", clean_message(f"alert state file {self.gate.path}: {exc.strerror or exc}; running anyway")
                )
                claimed = True
            if not claimed:
                with self._lock:
                    self.skipped += 1
                return CommandResult(True, None, None, skipped=True)
        return run_command(firing.rule.command, payload, self.timeout)

    def _done(self, future: Future[CommandResult]) -> None:
        with self._lock:
            self._pending.discard(future)
            if not future.cancelled() and future.exception() is None:
                self.results.append(future.result())

    def close(self, wait: bool = True) -> None:
        """Stop accepting commands; with ``wait``, let running ones finish (each is bounded by the timeout)."""
        self._pool.shutdown(wait=wait, cancel_futures=not wait)


# --------------------------------------------------------------------------- monitor


@dataclass(frozen=True, slots=True)
class Held:
    """What the store holds of one instrument a rule reads (for :meth:`AlertMonitor.check`).

    Attributes:
        instrument: the instrument id.
        date: date of its newest value.
        source: the source tag of that value (``fred:DGS10``): its lag decides lateness.
        live: True once a source answered for it this session (else it is the cache's).
    """

    instrument: str
    date: dt.date
    source: str | None
    live: bool


@dataclass(frozen=True, slots=True)
class HeldBack:
    """A firing not made because the data behind it is late (see :meth:`AlertMonitor.check`).

    Attributes:
        firing: what would have fired (its value and the date of that value).
        instrument: the instrument whose value is too old.
        date: that instrument's newest date.
        days: its age in calendar days.
        source: the source tag of that value (None when not known).
        limit: the rule's ``max_age`` in seconds, or None (late for its series).
        cached: True when that value was read from the cache, not confirmed by a source.
        why: what makes it late when that is not "late for its series" (a signal's inputs).
    """

    firing: Firing
    instrument: str
    date: dt.date
    days: int
    source: str | None
    limit: float | None
    cached: bool
    why: str = ""

    def text(self) -> str:
        """One line for the TUI's notice and ``watch``'s stderr."""
        why = (
            f"older than the rule's max_age {_span(self.limit)}"
            if self.limit is not None
            else self.why or "late for its series"
        )
        source = f" ({self.source})" if self.source else ""
        return (
            f"alert not fired: {self.firing.rule.text} {format_value(self.firing.value)} {self.date.isoformat()} LATE"
            f" — {self.instrument}{source} is {self.days} days old, {why}; it fires on the next fresh value"
        )


def _as_of_value(held: Held, value_date: dt.date | None) -> Held:
    """``held`` dated no later than the value evaluated from it (unchanged without a value date)."""
    if value_date is None or value_date >= held.date:
        return held
    return dataclasses.replace(held, date=value_date)


def _span(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


MODE_LABELS: dict[str, str] = {"demo": "DEMO", "replay": "REPLAY", "cached": "CACHED"}
"""Label of firings computed on synthetic or recorded data, so they are never taken for live ones."""


class AlertMonitor:
    """The rules' engine, the inputs they read and the command runner, in one object.

    Why: ``triffin watch`` and the TUI must evaluate alerts the same way after every
    update, so both call :meth:`check` and :meth:`submit` instead of wiring
    :func:`collect_inputs`, :class:`AlertEngine` and :class:`CommandRunner` themselves.
    Not thread-safe: call :meth:`check` from one thread at a time (the engine keeps state).

    Args:
        rules: parsed rules, in config order.
        formulas: the config's formulas (evaluated when a rule reads one).
        thresholds: signal threshold overrides (config ``[thresholds]``).
        mode: ``live``, ``demo``, ``replay`` or ``offline``: given to commands as ``mode``
            and shown as :attr:`label` on firings from demo or recorded data.
        memory: the file remembering what each rule last fired on, across runs
            (:class:`datafeed.alert_memory.FiredMemory`; live runs only). Read at the first
            check, written after every firing.
    """

    def __init__(
        self,
        rules: Iterable[AlertRule],
        *,
        formulas: Sequence[Formula] = (),
        thresholds: Mapping[str, Mapping[str, float]] | None = None,
        mode: str = "live",
        memory: FiredMemory | None = None,
    ) -> None:
        self.memory = memory
        self._remembered: dict[str, Remembered] = {}
        self._memory_loaded = memory is None
        self.engine = AlertEngine(rules, self._remembered)
        self.formulas = tuple(formulas)
        self.thresholds = {k: dict(v) for k, v in (thresholds or {}).items()}
        self._resolved: Thresholds | None = None  # resolved once, on the first check
        self.mode = mode
        self.runner = CommandRunner(extra={"mode": mode})
        self.held_back = 0
        """Firings held back because the values behind them were too old."""
        self.late: list[HeldBack] = []
        """The firings the last :meth:`check` held back, and why."""

    @property
    def rules(self) -> tuple[AlertRule, ...]:
        """The rules, in config order."""
        return self.engine.rules

    @property
    def label(self) -> str:
        """``DEMO``, ``REPLAY`` or empty (live data)."""
        return MODE_LABELS.get(self.mode, "")

    def check(
        self,
        series: Mapping[str, pd.Series],
        now: dt.datetime,
        *,
        frequencies: Mapping[str, str] | None = None,
        formula_values: Mapping[str, pd.Series] | None = None,
        held: Mapping[str, Held] | None = None,
    ) -> list[Firing]:
        """Evaluate every rule once on the current values; returns what fired.

        With ``held`` (a live session), a firing is held back when any instrument behind it
        is older than the rule's data age limit (``max_age``; by default: late for its
        series, counted in business days against its source's usual publication lag),
        whether that value was read from the cache or just confirmed by a source: an alert
        is news, and a close four months old is not (a source still serving July's close in
        December has answered, but the value is as old). What was held back, and why, is in
        :attr:`late`. A held-back threshold stays armed, so it fires on the first fresh value
        that still meets it. A firing on recent values read from the cache and not yet
        confirmed is marked ``cached`` (its payload's ``mode``).

        Args:
            series: instrument id → series (``SeriesStore.all_series()`` or a snapshot).
            now: evaluation time (UTC): stamped on firings, used for cooldowns.
            frequencies: id → frequency overrides (``datafeed.thesis.store_frequencies``).
            formula_values: formula id → series already evaluated by the caller (the TUI
                shows them as rows); None evaluates the formulas a rule reads.

        Raises:
            Exception: when the inputs cannot be computed (bad thresholds, a signal bug);
                the engine's state is then unchanged.
        """
        formulas: Sequence[Formula] = self.formulas
        if formula_values is not None:
            series = {**series, **formula_values}
            formulas = ()
        if self._resolved is None:
            self._resolved = resolve_thresholds(self.thresholds)
        if not self._memory_loaded:
            assert self.memory is not None
            self._remembered.update(self.memory.load())  # the engine holds this very dict
            self._memory_loaded = True
        signals: dict[str, SignalResult] = {}
        spell: list[dt.date] = []
        values, live = collect_inputs(
            self.engine, series, formulas, self._resolved, frequencies, now.date(), signals, spell
        )
        dates = {sid: r.as_of for sid, r in signals.items() if r.as_of is not None}
        live_start = spell[0] if spell else None
        firings = self.engine.evaluate(values, now, live_checks=live, dates=dates, live_start=live_start)
        self.late = []
        if held is not None:
            firings = self._judge_age(firings, held, now, signals)
        if self.memory is not None and firings and self.mode not in ("demo", "replay"):
            seen = [self._memo(f, live_start) for f in firings if f.rule.kind in ("threshold", "crisis")]
            self._remembered.update((rule_key(text), r) for text, r in seen)
            self.memory.record(seen)
        return firings

    def _memo(self, firing: Firing, live_start: dt.date | None) -> tuple[str, Remembered]:
        """What the memory keeps of a firing: a threshold's observation; for a crisis rule,
        the live spell and every check reported for it so far."""
        if firing.rule.kind != "crisis":
            return firing.rule.text, Remembered(firing.date, format_value(firing.value))
        checks = set(str(firing.value).split(","))
        past = self._remembered.get(rule_key(firing.rule.text))
        if past is not None and past.date is not None and past.date == live_start:
            checks |= set(past.value.split(","))
        return firing.rule.text, Remembered(live_start, ",".join(sorted(checks)))

    def instruments_read(self) -> set[str]:
        """Every instrument id any rule reads, through formulas."""
        out: set[str] = set()
        for rule in self.rules:
            out |= self._instruments_read(rule)
        return out

    def _instruments_read(self, rule: AlertRule) -> set[str]:
        """The instrument ids behind a rule: its refs, a formula's refs in their place."""
        formulas = {f.id: f for f in self.formulas}
        out: set[str] = set()
        for ref in rule.refs:
            formula = formulas.get(ref)
            out |= set(formula.inputs) if formula is not None else {ref}
        return out

    def _judge_age(
        self, firings: list[Firing], held: Mapping[str, Held], now: dt.datetime, signals: Mapping[str, SignalResult]
    ) -> list[Firing]:
        from datafeed.market_calendar import instrument_is_late

        out: list[Firing] = []
        for firing in firings:
            old_signal = self._old_signal(firing, signals, now)
            if old_signal is not None:
                self.engine.rearm(firing.rule)
                self.held_back += 1
                self.late.append(old_signal)
                continue
            # Each input as of the value evaluated: a formula's arithmetic keeps only the dates
            # every leg has, so its value can be older than an input's newest observation
            # (ust10y - bund10y is December's when the newest DGS10 falls on a US holiday).
            # That value's date, not the newest one held, is what is judged late and printed.
            behind = [
                _as_of_value(held[i], firing.date) for i in sorted(self._instruments_read(firing.rule)) if i in held
            ]
            limit = firing.rule.max_age
            too_old = next(
                (
                    h
                    for h in behind
                    if (
                        (now.date() - h.date).days * 86400.0 > limit
                        if limit is not None
                        else instrument_is_late(h.instrument, h.date, now.date(), h.source)
                    )
                ),
                None,
            )
            if too_old is not None:
                self.engine.rearm(firing.rule)
                self.held_back += 1
                days = (now.date() - too_old.date).days
                newest = held[too_old.instrument].date
                why = (
                    f"late for its series (the last date the rule's inputs share; it holds {newest.isoformat()})"
                    if newest > too_old.date
                    else ""
                )
                self.late.append(
                    HeldBack(
                        firing, too_old.instrument, too_old.date, days, too_old.source, limit, not too_old.live, why
                    )
                )
                continue
            out.append(dataclasses.replace(firing, cached=True) if any(not h.live for h in behind) else firing)
        return out

    @staticmethod
    def _old_signal(firing: Firing, signals: Mapping[str, SignalResult], now: dt.datetime) -> HeldBack | None:
        """A signal the rule reads whose value is too old to fire on: older than the rule's
        ``max_age``, or (by default) late (an input past its publication lag) or stale
        (``[thresholds.freshness]``), as the signals panel marks it."""
        limit = firing.rule.max_age
        for sid in sorted(firing.rule.refs & signals.keys()):
            res = signals[sid]
            if res.as_of is None:
                continue
            days = (now.date() - res.as_of).days
            if limit is not None:
                if days * 86400.0 > limit:
                    return HeldBack(firing, sid, res.as_of, days, None, limit, False)
            elif res.late or res.stale:
                why = f"its inputs are late ({', '.join(res.late_inputs)})" if res.late_inputs else "stale"
                return HeldBack(firing, sid, res.as_of, days, None, None, False, why)
        return None

    def reset(self) -> None:
        """Forget every rule's state (another store is being watched: its first values are no cross)."""
        self.engine = AlertEngine(self.engine.rules, self._remembered)

    def line(self, firing: Firing) -> str:
        """``<ISO time> <rule> <value>``, then ``DEMO`` / ``REPLAY`` / ``CACHED`` when not live."""
        label = MODE_LABELS["cached"] if firing.cached else self.label
        return firing.line() + (f" {label}" if label else "")

    def submit(self, firing: Firing) -> Future[CommandResult] | None:
        """Run the firing's command in the background (with ``mode`` in its payload)."""
        self.runner.extra["mode"] = self.mode
        return self.runner.submit(firing)

    def close(self, wait: bool = True) -> None:
        """Stop the command runner (see :meth:`CommandRunner.close`)."""
        self.runner.close(wait=wait)
