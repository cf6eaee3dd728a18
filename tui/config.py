"""Provides loading and validation of the TOML config file.

This is the only module that touches ``platformdirs`` and config files. Precedence:
command-line flag > environment variable > config file > built-in defaults. Every error is a
:class:`ConfigError` whose message is one line naming the file, the key and (where it can
be found) the line, so the CLI can print it and exit 2 without a traceback.

Recognised layout::

    theme = "triffin-dark"          # see `triffin --help` for names
    refresh = 900                   # seconds between refreshes of daily series
    intraday_refresh = 300          # seconds between intraday quotes (market hours)
    timeout = 10                    # seconds per HTTP request
    ascii = false                   # no braille/box glyphs
    cache_dir = "/path"             # default: platformdirs user cache dir
    screenshot_dir = "~/triffin"    # where `s` saves SVG + CSV (default: user data dir/screenshots)

    [sources.fred]                  # one section per installed source
    enabled = true
    base_url = "https://fred.stlouisfed.org"
    api_base_url = "https://api.stlouisfed.org"
    api_key = "..."                 # or FRED_API_KEY; never shown or logged

    [keymap]                        # binding id = keys
    refresh-now = "r"

    [table]                         # the markets table
    columns = ["name", "last", "change", "age", "1w", "source"]   # shown as room allows, in this order

    [network]                       # a desk's shared HTTP cache (datafeed.proxy)
    cache_proxy = "http://cache.internal:8080"   # or TRIFFIN_CACHE_PROXY (wins; "" = off)

    [thresholds.stock_bond_corr_1y] # per-signal overrides
    eroding = 0.2

    [[episodes]]                    # user crisis episodes
    id = "gilt-2022"
    name = "UK gilt crisis"
    start = 2022-09-23
    end = 2022-10-14

    [[instruments]]                 # user instruments (docs/extending-instruments.md)
    id = "walcl"
    name = "Fed balance sheet"
    unit = "USD mn"
    sources = ["fred:WALCL"]
    frequency = "weekly"            # optional: change, frequency, lag_days, scale, lo, hi, group, decimals

    [[formulas]]                    # derived instruments (datafeed.formulas)
    id = "us_de_10y"
    expr = "(ust10y - bund10y) * 100"
    unit = "bp"
    name = "UST−Bund 10Y"           # optional

    [[alerts]]                      # datafeed.alerts
    rule = "pct_change(vix, 5) > 30"
    cooldown = "30m"                # optional
    command = ["notify-send", "triffin"]   # optional; run without a shell, JSON on stdin
    max_age = "3d"                  # optional: values older than this never fire (default: late ones)
                                    # (default: older than the series' publication lag)
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import stat
import tomllib
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from datafeed.catalog import CATALOG, Catalog
from datafeed.errors import register_secret
from datafeed.records import record
from datafeed.sanitize import clean_line
from datafeed.settings import FeedSettings, SourceSettings

if TYPE_CHECKING:
    from datafeed.alerts import AlertRule
    from datafeed.formulas import Formula

APP_NAME = "triffin"

TOP_KEYS: dict[str, type | tuple[type, ...]] = {
    "theme": str,
    "refresh": (int, float),
    "intraday_refresh": (int, float),
    "timeout": (int, float),
    "ascii": bool,
    "cache_dir": str,
    "screenshot_dir": str,
    "sources": dict,
    "keymap": dict,
    "thresholds": dict,
    "episodes": list,
    "instruments": list,
    "formulas": list,
    "alerts": list,
    "serve": dict,
    "network": dict,
    "table": dict,
}
"""Top-level keys and their TOML types; anything else is an error (typos must not pass)."""

SOURCE_KEYS: dict[str, type | tuple[type, ...]] = {
    "enabled": bool,
    "base_url": str,
    "api_base_url": str,
    "api_key": str,
    "min_interval": (int, float),
    "max_per_minute": int,
    "max_connections": int,
}
"""Keys every ``[sources.NAME]`` section accepts."""

SOURCE_RANGES: dict[str, tuple[float, float]] = {
    "min_interval": (0.0, 3600.0),
    "max_per_minute": (0, 10_000),
    "max_connections": (1, 64),
}
"""Accepted ranges of the numeric source keys: ``min_interval = inf`` would never ask the
source again, ``max_connections = 0`` would never ask it at all."""

MAX_CONFIG_BYTES = 1024 * 1024
"""Largest config file read (1 MB): a config is a page of text, not a disk image."""

MAX_NESTING = 8
"""Deepest nesting of tables and arrays accepted (the layout needs 4: ``[[alerts]]`` command)."""

INT_LIMITS = (-(2**63), 2**63 - 1)
"""TOML integers are 64-bit: a 400-digit integer is refused, not turned into an overflow later."""

EPISODE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
"""Episode ids: shown in the crisis grid, used in ``--format json`` keys and in file names."""

EPISODE_DATES = (dt.date(1800, 1, 1), dt.date(2199, 12, 31))
"""Episode dates accepted: inside pandas' 1677-2262 timestamp range with room, and around
any data triffin holds (the long stock-bond history starts in 1871)."""

# Source-specific keys are declared by each provider (``Provider.extra_keys``) and passed
# to it in ``SourceSettings.extra``; the sources themselves come from the provider registry.


class ConfigError(Exception):
    """A config problem, as one line for the user."""


class ServeSettings(NamedTuple):
    """``[serve]``: the limits of ``triffin serve`` (flags override them). A named tuple:
    defined in front of every first frame, for ``triffin serve`` alone (issue 20).

    Attributes:
        max_sessions: browser sessions (triffin processes) running at once.
        allowed_origins: further ``scheme://host[:port]`` origins whose pages may open a
            session, besides the served one (e.g. a proxy's public address).
    """

    max_sessions: int = 4
    allowed_origins: tuple[str, ...] = ()


SERVE_KEYS = ("max_sessions", "allowed_origins")


@record
class Config:
    """Everything the app and the CLI are configured with.

    Attributes:
        path: the file read (None when none exists).
        feed: settings of the data feed.
        theme: theme name.
        intraday_refresh: seconds between intraday quotes.
        ascii: avoid braille and box-drawing glyphs.
        cache_dir: where the disk cache lives.
        keymap: binding id -> keys.
        thresholds: signal id -> {threshold name: value}.
        episodes: user crisis episodes as validated mappings.
        catalog: the instruments in force: the built-ins plus ``[[instruments]]``.
        formulas: parsed ``[[formulas]]`` (``datafeed.formulas.Formula``), in file order.
        alerts: parsed ``[[alerts]]`` (``datafeed.alerts.AlertRule``), in file order.
        screenshot_dir: where ``s`` in the TUI saves its SVG screenshot and CSV.
        warnings: non-fatal findings to show once (e.g. a world-readable key file).
        serve: ``[serve]`` limits of ``triffin serve``.
        table_columns: ``[table] columns`` (see :func:`_table`).
    """

    path: Path | None
    feed: FeedSettings
    theme: str = "triffin-dark"
    intraday_refresh: float = 300.0
    ascii: bool = False
    cache_dir: Path = field(default_factory=lambda: default_cache_dir())
    keymap: dict[str, str] = field(default_factory=dict)
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    episodes: tuple[dict[str, Any], ...] = ()
    catalog: Catalog = CATALOG
    formulas: tuple[Formula, ...] = ()
    alerts: tuple[AlertRule, ...] = ()
    warnings: tuple[str, ...] = ()
    screenshot_dir: Path = field(default_factory=lambda: default_screenshot_dir())
    serve: ServeSettings = field(default_factory=ServeSettings)
    table_columns: tuple[str, ...] = ()
    """``[table] columns``: the markets table's column ids in priority order (empty: all)."""


def default_config_path() -> Path:
    """``platformdirs.user_config_dir("triffin")/config.toml``."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_cache_dir() -> Path:
    """``TRIFFIN_CACHE_DIR`` or ``platformdirs.user_cache_dir("triffin")``."""
    env = os.environ.get("TRIFFIN_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME))


def default_screenshot_dir() -> Path:
    """``platformdirs.user_data_dir("triffin")/screenshots``: where ``s`` saves by default."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "screenshots"


def default_log_dir() -> Path:
    """``platformdirs.user_log_dir("triffin")``: where crash tracebacks go."""
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME))


def key_location(config: Config, key: str) -> str:
    """``file:line`` of a top-level ``key`` in the config file read (for CLI messages)."""
    if config.path is None:
        return "config"
    try:
        line = _line_of(config.path.read_text(encoding="utf-8"), key)
    except OSError:
        line = None
    return f"{config.path}:{line}" if line else str(config.path)


def _line_of(text: str, key: str, section: str | None = None) -> int | None:
    """Best-effort line number of ``key`` (inside ``[section]`` when given)."""
    lines = text.splitlines()
    start = 0
    if section:
        pat = re.compile(r"^\s*\[\[?\s*" + re.escape(section).replace(r"\.", r"\s*\.\s*") + r"\s*\]\]?\s*(#.*)?$")
        for i, line in enumerate(lines):
            if pat.match(line):
                start = i
                break
    key_pat = re.compile(r"^\s*(\[\[?\s*)?[\"']?" + re.escape(key) + r"[\"']?\s*(=|\.|\]|\s*$)")
    for i in range(start, len(lines)):
        if key_pat.match(lines[i]):
            return i + 1
    return None


def _section_line(text: str, dotted: str) -> int | None:
    """Line of a ``[a.b]`` table header."""
    pat = re.compile(r"^\s*\[\[?\s*" + r"\s*\.\s*".join(map(re.escape, dotted.split("."))) + r"\s*\]")
    for i, line in enumerate(text.splitlines()):
        if pat.match(line):
            return i + 1
    return None


class _Reader:
    """Validation helper that knows the file and its text for error messages."""

    def __init__(self, path: Path | None, text: str) -> None:
        self.path = path
        self.text = text

    def error(self, message: str, key: str, section: str | None = None) -> ConfigError:
        where = str(self.path) if self.path else "config"
        line = None
        if "." in key and section is None:
            line = _section_line(self.text, key)
        line = line or _line_of(self.text, key.split(".")[-1], section)
        loc = f"{where}:{line}" if line else where
        return ConfigError(f"{loc}: {message}")

    def check_type(self, value: Any, kind: type | tuple[type, ...], key: str, section: str | None = None) -> None:
        ok = isinstance(value, kind) and not (isinstance(value, bool) and bool not in _tuple(kind))
        if not ok:
            names = " or ".join(k.__name__ for k in _tuple(kind))
            raise self.error(f"'{key}' must be {names}, not {type(value).__name__}", key, section)


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _check_file(path: Path) -> None:
    """Refuse, before opening it, anything but a regular file of at most 1 MB.

    Why before: reading a FIFO blocks until a writer comes (the CLI hung), ``/dev/zero``
    never ends (``MemoryError`` after 6.8 s). OS errors are left to the read that follows,
    which words them.
    """
    try:
        st = path.stat()
    except OSError:
        return
    if stat.S_ISDIR(st.st_mode):
        raise ConfigError(f"{path}: is a directory, not a config file")
    if stat.S_ISCHR(st.st_mode) and os.path.samefile(path, os.devnull):
        return  # ``--config /dev/null``: the usual way to say "no config", read as empty
    for test, kind in _FILE_KINDS:
        if test(st.st_mode):
            raise ConfigError(f"{path}: is {kind}, not a regular file; refusing to read it")
    if not stat.S_ISREG(st.st_mode):  # pragma: no cover - every kind is listed above
        raise ConfigError(f"{path}: is not a regular file; refusing to read it")
    if st.st_size > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{path}: is {st.st_size:,} bytes; a config file is at most 1 MB ({MAX_CONFIG_BYTES:,} bytes)"
        )


def _check_shape(r: _Reader, data: dict[str, Any]) -> None:
    """Refuse nesting deeper than :data:`MAX_NESTING`, 64-bit overflows and non-finite floats.

    Walked without recursion (the point is to survive hostile depth). Non-finite floats
    are refused here once for every key: no setting means anything with ``inf`` or ``nan``
    (``min_interval = inf`` never asked its source again).
    """
    stack: list[tuple[str, object, int]] = [(key, value, 1) for key, value in data.items()]
    while stack:
        where, value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth >= MAX_NESTING:
                raise r.error(
                    f"'{clean_line(where, 60)}' is nested more than {MAX_NESTING} levels deep",
                    re.split(r"[.\[]", where)[0],
                )
            items = value.items() if isinstance(value, dict) else ((f"[{i}]", v) for i, v in enumerate(value))
            for key, item in items:
                stack.append((f"{where}.{key}" if not key.startswith("[") else f"{where}{key}", item, depth + 1))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int) and not INT_LIMITS[0] <= value <= INT_LIMITS[1]:
            raise r.error(f"'{clean_line(where, 60)}' is out of the 64-bit integer range", _last_key(where))
        elif isinstance(value, float) and not math.isfinite(value):
            if math.isinf(value) and re.fullmatch(r"instruments\[\d+\]\.(lo|hi)", where):
                continue  # an open bound of a user instrument's plausible range (the default)
            raise r.error(f"'{clean_line(where, 60)}' must be a finite number, not {value}", _last_key(where))


def _last_key(where: str) -> str:
    """The last key of a dotted path (``sources.fred.min_interval`` -> ``min_interval``)."""
    return re.sub(r"(\[\d+\])+$", "", where).split(".")[-1]


def _http_url(r: _Reader, url: str, name: str, key: str, section: str) -> str:
    """A source URL checked like the cache proxy's: http(s), a host, a port in range, no
    credentials, no query, no control characters, at most 2048 characters."""
    from datafeed.proxy import ProxyError, validate_proxy_url

    try:
        return validate_proxy_url(url)
    except ProxyError as exc:
        raise r.error(f"'{name}' {exc}", key, section) from None


def load_config(
    path: str | os.PathLike[str] | None = None,
    *,
    theme: str | None = None,
    refresh: float | None = None,
    ascii: bool | None = None,
    env: dict[str, str] | None = None,
) -> Config:
    """Read and validate the config file, then apply environment and flags.

    Args:
        path: ``--config``; else ``TRIFFIN_CONFIG``; else the platformdirs default
            (which may not exist: defaults are used then).
        theme, refresh, ascii: command-line overrides.
        env: environment (default ``os.environ``).

    Raises:
        ConfigError: one line naming the file, key and line.
    """
    env = dict(os.environ if env is None else env)
    explicit = path is not None or bool(env.get("TRIFFIN_CONFIG"))
    given = Path(path if path is not None else env.get("TRIFFIN_CONFIG") or default_config_path()).expanduser()
    cfg_path: Path | None = None  # the file read, if any
    text = ""
    data: dict[str, Any] = {}
    warnings: list[str] = []
    if given.exists() or explicit:
        cfg_path = given
        _check_file(cfg_path)
        try:
            text = cfg_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{cfg_path}: config file not found") from None
        except IsADirectoryError:
            raise ConfigError(f"{cfg_path}: is a directory, not a config file") from None
        except PermissionError:
            raise ConfigError(f"{cfg_path}: permission denied reading the config file") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{cfg_path}: not UTF-8 text") from None
        except OSError as exc:
            raise ConfigError(f"{cfg_path}: cannot read config file ({exc.strerror})") from None
        if len(text) > MAX_CONFIG_BYTES:  # it grew after the size check
            raise ConfigError(f"{cfg_path}: is larger than 1 MB; a config file is at most 1 MB")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"at line (\d+)", str(exc))
            line = int(found.group(1)) if found else max(1, text.count("\n")) if "end of document" in str(exc) else None
            raise ConfigError(f"{cfg_path}{f':{line}' if line else ''}: invalid TOML: {exc}") from None
        except RecursionError:  # tomllib recurses once per nested array or inline table
            raise ConfigError(f"{cfg_path}: invalid TOML: arrays or tables nested too deeply") from None
        except ValueError:  # an integer of more than 4300 digits (int_max_str_digits)
            raise ConfigError(f"{cfg_path}: invalid TOML: a number of more than 4300 digits") from None
    r = _Reader(cfg_path, text)
    _check_shape(r, data)

    for key, value in data.items():
        if key not in TOP_KEYS:
            raise r.error(f"unknown key '{key}' (known: {', '.join(TOP_KEYS)})", key)
        r.check_type(value, TOP_KEYS[key], key)

    from datafeed.providers import extra_keys, registry_warnings, source_names

    warnings.extend(f"source plug-in skipped: {w}" for w in registry_warnings())

    sources: dict[str, SourceSettings] = {}
    raw_sources = data.get("sources", {})
    names = source_names()
    for name in raw_sources:
        if name not in names:
            raise r.error(f"unknown source '{name}' (known: {', '.join(names)})", f"sources.{name}")
    has_key_in_file = False
    for name in names:
        section = raw_sources.get(name, {})
        sec_name = f"sources.{name}"
        if not isinstance(section, dict):
            raise r.error(f"'{sec_name}' must be a table", name)
        overrides: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        allowed_extra = extra_keys(name)
        for key, value in section.items():
            if key in SOURCE_KEYS:
                r.check_type(value, SOURCE_KEYS[key], f"{sec_name}.{key}", sec_name)
                overrides[key] = value
            elif key in allowed_extra:
                spec = allowed_extra[key]
                r.check_type(value, spec.kind, f"{sec_name}.{key}", sec_name)
                if spec.choices and value not in spec.choices:
                    choices = ", ".join(map(repr, spec.choices))
                    raise r.error(f"'{sec_name}.{key}' must be one of {choices}, not {value!r}", key, sec_name)
                extra[key] = value
            else:
                known = ", ".join([*SOURCE_KEYS, *allowed_extra])
                raise r.error(f"unknown key '{key}' in [{sec_name}] (known: {known})", key, sec_name)
        for url_key in ("base_url", "api_base_url"):
            url = overrides.get(url_key)
            if url is not None:
                overrides[url_key] = _http_url(r, url, f"{sec_name}.{url_key}", url_key, sec_name)
        for key, (lo, hi) in SOURCE_RANGES.items():
            if key in overrides and not lo <= overrides[key] <= hi:
                raise r.error(
                    f"'{sec_name}.{key}' must be between {lo:g} and {hi:g}, not {overrides[key]}", key, sec_name
                )
        if "api_key" in overrides:
            has_key_in_file = True
        if name == "fred" and env.get("FRED_API_KEY"):
            overrides["api_key"] = env["FRED_API_KEY"].strip()
        if overrides.get("api_key"):
            register_secret(overrides["api_key"])
        sources[name] = SourceSettings.default(name, extra=extra, **overrides)

    if has_key_in_file and cfg_path is not None:
        try:
            mode = cfg_path.stat().st_mode
            if mode & (stat.S_IROTH | stat.S_IRGRP):
                warnings.append(f"{cfg_path} holds an API key and is readable by others; run: chmod 600 {cfg_path}")
        except OSError:
            pass

    def number(key: str, default: float, lo: float, hi: float) -> float:
        value = data.get(key, default)
        if not lo <= float(value) <= hi:
            raise r.error(f"'{key}' must be between {lo:g} and {hi:g}, not {value}", key)
        return float(value)

    refresh_s = number("refresh", 900.0, 10.0, 86400.0)
    if refresh is not None:
        if not 10.0 <= refresh <= 86400.0:
            raise ConfigError(f"--refresh must be between 10 and 86400 seconds, not {refresh:g}")
        refresh_s = refresh
    feed = FeedSettings(
        sources=sources,
        timeout=number("timeout", 10.0, 0.5, 300.0),
        refresh=refresh_s,
    )
    feed = _network(r, data.get("network", {}), env, feed, raw_sources)

    keymap = data.get("keymap", {})
    for key, value in keymap.items():
        if not isinstance(value, str) or not value.strip():
            raise r.error(f'\'keymap.{key}\' must be a key name string like "r" or "ctrl+r"', key, "keymap")
        if any(not c.isprintable() for c in value) or len(value) > 100:
            raise r.error(f'\'keymap.{key}\' must be key names like "r" or "ctrl+r", not {value[:40]!r}', key, "keymap")
    if keymap:
        from tui.keymap_check import keymap_problem

        problem = keymap_problem(keymap)
        if problem is not None:
            raise r.error(problem[1], problem[0], "keymap")

    thresholds: dict[str, dict[str, float]] = {}
    for sig, table in data.get("thresholds", {}).items():
        if not isinstance(table, dict):
            raise r.error(f"'thresholds.{sig}' must be a table of numbers", sig, "thresholds")
        for name, value in table.items():
            r.check_type(value, (int, float), f"thresholds.{sig}.{name}", f"thresholds.{sig}")
            if not math.isfinite(value):
                raise r.error(
                    f"'thresholds.{sig}.{name}' must be a finite number, not {value}", name, f"thresholds.{sig}"
                )
        thresholds[sig] = {k: float(v) for k, v in table.items()}
    if thresholds:
        from datafeed.signals import resolve_thresholds

        # One section at a time, so the message points at the offending [thresholds.X]
        # (and at the key inside it when the message names one).
        for sig, table in thresholds.items():
            try:
                resolve_thresholds({sig: table})
            except ValueError as exc:
                bad = next((k for k in table if repr(k) in str(exc) or f"{sig}.{k}:" in str(exc)), None)
                if bad is None:
                    raise r.error(str(exc), f"thresholds.{sig}") from None
                raise r.error(str(exc), bad, f"thresholds.{sig}") from None

    episodes: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, ep in enumerate(data.get("episodes", [])):
        if not isinstance(ep, dict):
            raise r.error(f"episodes[{i}] must be a table", "episodes")
        for key in ep:
            if key not in ("id", "name", "start", "end"):
                raise r.error(f"unknown key '{key}' in episodes[{i}] (known: id, name, start, end)", key, "episodes")
        for key in ("id", "start", "end"):
            if key not in ep:
                raise r.error(f"episodes[{i}] needs '{key}'", "episodes")
        if not isinstance(ep["id"], str) or not EPISODE_ID.match(ep["id"]):
            raise r.error(
                f"episodes[{i}].id {clean_line(str(ep['id']), 40)!r} is invalid: up to 40 letters, digits, "
                "'-', '_' or '.', starting with a letter or digit",
                "id",
                "episodes",
            )
        if "name" in ep and (not isinstance(ep["name"], str) or not ep["name"].strip()):
            raise r.error(f"episodes[{i}].name must be a non-empty string", "name", "episodes")
        values: dict[str, Any] = {"id": ep["id"], "name": ep.get("name", ep["id"])}
        for key in ("start", "end"):
            value = ep[key]
            if isinstance(value, dt.datetime):
                value = value.date()
            elif isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    raise r.error(
                        f"episodes[{i}].{key} {value!r} is not a date (YYYY-MM-DD)", key, "episodes"
                    ) from None
            elif not isinstance(value, dt.date):
                raise r.error(f"episodes[{i}].{key} must be a date (YYYY-MM-DD)", key, "episodes")
            if not EPISODE_DATES[0] <= value <= EPISODE_DATES[1]:
                raise r.error(
                    f"episodes[{i}].{key} {value} is outside {EPISODE_DATES[0]}..{EPISODE_DATES[1]}", key, "episodes"
                )
            values[key] = value
        if values["end"] < values["start"]:
            raise r.error(f"episodes[{i}] ({values['id']}) ends before it starts", "end", "episodes")
        if values["id"] == "live":
            raise r.error(f"episodes[{i}]: id 'live' is reserved for the live stress row", "id", "episodes")
        if values["id"] in seen:
            raise r.error(f"episodes[{i}]: duplicate id {values['id']!r}", "id", "episodes")
        seen.add(values["id"])
        episodes.append(values)

    catalog = _instruments(r, data.get("instruments", []), names)
    formulas = _formulas(r, data.get("formulas", []), catalog)
    alerts = _alerts(r, data.get("alerts", []), formulas, catalog)

    theme_name = theme if theme is not None else data.get("theme", "triffin-dark")
    cache_dir = Path(env["TRIFFIN_CACHE_DIR"]).expanduser() if env.get("TRIFFIN_CACHE_DIR") else None
    if cache_dir is None and "cache_dir" in data:
        cache_dir = Path(data["cache_dir"]).expanduser()
    screenshot_dir = _screenshot_dir(r, data.get("screenshot_dir"))
    return Config(
        path=cfg_path,
        feed=feed,
        theme=theme_name,
        intraday_refresh=number("intraday_refresh", 300.0, 5.0, 3600.0),
        ascii=bool(ascii) if ascii is not None else bool(data.get("ascii", False)),
        cache_dir=cache_dir or default_cache_dir(),
        keymap=dict(keymap),
        thresholds=thresholds,
        episodes=tuple(episodes),
        catalog=catalog,
        formulas=formulas,
        alerts=alerts,
        warnings=tuple(warnings),
        screenshot_dir=screenshot_dir,
        serve=_serve(r, data.get("serve", {})),
        table_columns=_table(r, data.get("table", {})),
    )


def _table(r: _Reader, table: dict[str, Any]) -> tuple[str, ...]:
    """``[table] columns``: column ids (or headers: ``chg``, ``trend``), without repeats.

    Instrument, Last and Chg are always shown (issue 17): left out, they are put first.
    """
    from widgets.table_format import COLUMN_ALIASES, COLUMNS

    for key in table:
        if key != "columns":
            raise r.error(f"unknown key '{key}' in [table] (known: columns)", key, "table")
    if "columns" not in table:
        return ()
    raw = table["columns"]
    r.check_type(raw, list, "table.columns", "table")
    known = ", ".join(COLUMNS)
    out: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            raise r.error(
                f"'table.columns' entries must be column names, not {type(item).__name__}", "columns", "table"
            )
        column = COLUMN_ALIASES.get(item.strip().lower(), item.strip().lower())
        if column not in COLUMNS:
            raise r.error(f"'table.columns': unknown column {item!r} (known: {known})", "columns", "table")
        if column in out:
            raise r.error(f"'table.columns': {item!r} is listed twice", "columns", "table")
        out.append(column)
    pinned = [c for c in ("name", "last", "change") if c not in out]
    return (*pinned, *out)


def _serve(r: _Reader, table: dict[str, Any]) -> ServeSettings:
    """``[serve]``: ``max_sessions`` (1-64) and ``allowed_origins`` (http(s) origins)."""
    if not table:  # the usual case: no [serve] table, and no server code in front of the first frame
        return ServeSettings(4, ())
    from tui.serve_cmd import MAX_SESSIONS_LIMIT, normalize_origin

    for key, value in table.items():
        if key not in SERVE_KEYS:
            raise r.error(f"unknown key '{key}' in [serve] (known: {', '.join(SERVE_KEYS)})", key, "serve")
        if key == "max_sessions":
            r.check_type(value, int, "serve.max_sessions", "serve")
            if isinstance(value, bool) or not 1 <= value <= MAX_SESSIONS_LIMIT:
                raise r.error(f"'serve.max_sessions' must be between 1 and {MAX_SESSIONS_LIMIT}", key, "serve")
        if key == "allowed_origins":
            r.check_type(value, list, "serve.allowed_origins", "serve")
            for item in value:
                if not isinstance(item, str) or normalize_origin(item) is None:
                    raise r.error(
                        f"'serve.allowed_origins' entries must be origins like \"https://example.org:8443\", "
                        f"not {item!r}",
                        key,
                        "serve",
                    )
    return ServeSettings(int(table.get("max_sessions", 4)), tuple(table.get("allowed_origins", ())))


def _screenshot_dir(r: _Reader, value: str | None) -> Path:
    """``screenshot_dir``: ``~`` expanded, a relative path taken from the config file's folder."""
    if value is None:
        return default_screenshot_dir()
    if not value.strip() or "\x00" in value:
        raise r.error("'screenshot_dir' must be a folder path, not an empty string", "screenshot_dir")
    path = Path(value).expanduser()
    if not path.is_absolute() and r.path is not None:
        path = r.path.parent / path
    if path.exists() and not path.is_dir():
        raise r.error(f"'screenshot_dir' {str(path)!r} exists and is not a folder", "screenshot_dir")
    return path


# --------------------------------------------------------------------------- [network]

NETWORK_KEYS = ("cache_proxy",)


def _network(
    r: _Reader, table: dict[str, Any], env: dict[str, str], feed: FeedSettings, raw_sources: dict[str, Any]
) -> FeedSettings:
    """``[network] cache_proxy`` (or ``TRIFFIN_CACHE_PROXY``, which wins, empty = off).

    A ``base_url``/``api_base_url`` written in a source's section still wins over the proxy.
    """
    from datafeed.proxy import ProxyError, apply_cache_proxy, validate_proxy_url

    for key, value in table.items():
        if key not in NETWORK_KEYS:
            raise r.error(f"unknown key '{key}' in [network] (known: {', '.join(NETWORK_KEYS)})", key, "network")
        r.check_type(value, str, f"network.{key}", "network")
    if "TRIFFIN_CACHE_PROXY" in env:
        raw, where = env["TRIFFIN_CACHE_PROXY"].strip(), None
    else:
        raw, where = table.get("cache_proxy", "").strip(), "network.cache_proxy"
    if not raw:
        return feed
    try:
        proxy = validate_proxy_url(raw)
    except ProxyError as exc:
        if where is None:
            raise ConfigError(f"TRIFFIN_CACHE_PROXY {exc}") from None
        raise r.error(f"'{where}' {exc}", "cache_proxy", "network") from None
    explicit = {
        name: [k for k in ("base_url", "api_base_url") if k in section]
        for name, section in raw_sources.items()
        if isinstance(section, dict)
    }
    return apply_cache_proxy(feed, proxy, explicit)


# --------------------------------------------------------------------------- formulas and alerts


def _table_line(text: str, name: str, index: int, key: str | None = None) -> int | None:
    """Line of the ``index``-th ``[[name]]`` table (or of ``key`` inside it), for error messages."""
    header = re.compile(r"^\s*\[\[\s*" + re.escape(name) + r"\s*\]\]")
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if header.match(line)]
    if index >= len(starts):
        return None
    start = starts[index]
    if key is None:
        return start + 1
    key_pat = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
    for i in range(start + 1, len(lines)):
        if re.match(r"^\s*\[", lines[i]):
            break
        if key_pat.match(lines[i]):
            return i + 1
    return start + 1


def _table_error(r: _Reader, name: str, index: int, message: str, key: str | None = None) -> ConfigError:
    where = str(r.path) if r.path else "config"
    line = _table_line(r.text, name, index, key)
    return ConfigError(f"{where}:{line}: {message}" if line else f"{where}: {message}")


def _instruments(r: _Reader, raw: list[Any], sources: tuple[str, ...]) -> Catalog:
    """Parse ``[[instruments]]`` into the catalog in force (the built-ins plus these)."""
    if not raw:
        return CATALOG
    from datafeed.catalog import InstrumentError, instrument_from_mapping

    added = []
    taken = set(CATALOG)
    for i, table in enumerate(raw):
        if not isinstance(table, dict):
            raise _table_error(r, "instruments", i, f"instruments[{i}] must be a table")
        try:
            inst = instrument_from_mapping(table, sources=sources, taken=taken)
        except InstrumentError as exc:
            where = f"instruments[{i}].{exc.key}" if exc.key else f"instruments[{i}]"
            raise _table_error(r, "instruments", i, f"{where}: {exc}", exc.key) from None
        taken.add(inst.id)
        added.append(inst)
    return CATALOG.extended(added)


def _formulas(r: _Reader, raw: list[Any], catalog: Catalog = CATALOG) -> tuple[Formula, ...]:
    """Parse ``[[formulas]]``: each one may read the catalog and the formulas before it."""
    if not raw:
        return ()
    from datafeed.formula_syntax import FormulaError, parse_formula
    from datafeed.signal_ids import signal_ids

    out: list[Formula] = []
    seen: set[str] = set()  # kept as the formulas are parsed: no copy per formula (O(n²))
    reserved = set(signal_ids())
    for i, table in enumerate(raw):
        if not isinstance(table, dict):
            raise _table_error(r, "formulas", i, f"formulas[{i}] must be a table")
        for key in table:
            if key not in ("id", "expr", "unit", "name"):
                raise _table_error(
                    r, "formulas", i, f"unknown key '{key}' in formulas[{i}] (known: id, expr, unit, name)", key
                )
        for key in ("id", "expr", "unit"):
            if key not in table:
                raise _table_error(r, "formulas", i, f"formulas[{i}] needs '{key}'")
            if not isinstance(table[key], str):
                raise _table_error(r, "formulas", i, f"formulas[{i}].{key} must be a string", key)
        if "name" in table and not isinstance(table["name"], str):
            raise _table_error(r, "formulas", i, f"formulas[{i}].name must be a string", "name")
        try:
            formula = parse_formula(
                table["id"],
                table["expr"],
                table["unit"],
                table.get("name"),
                known=seen,
                reserved=reserved,
                instruments=catalog,
            )
        except FormulaError as exc:
            key = "id" if "id " in str(exc) or "id is" in str(exc) or "an id" in str(exc) else "expr"
            raise _table_error(r, "formulas", i, str(exc), key) from None
        out.append(formula)
        seen.add(formula.id)
        reserved.add(formula.id)
    return tuple(out)


def _alerts(
    r: _Reader, raw: list[Any], formulas: tuple[Formula, ...], catalog: Catalog = CATALOG
) -> tuple[AlertRule, ...]:
    """Parse ``[[alerts]]`` (rules may read instruments, formulas and signals)."""
    if not raw:
        return ()
    from datafeed.alert_rules import AlertError, parse_rule

    out: list[AlertRule] = []
    for i, table in enumerate(raw):
        if not isinstance(table, dict):
            raise _table_error(r, "alerts", i, f"alerts[{i}] must be a table")
        for key in table:
            if key not in ("rule", "cooldown", "command", "max_age"):
                raise _table_error(
                    r, "alerts", i, f"unknown key '{key}' in alerts[{i}] (known: rule, cooldown, command, max_age)", key
                )
        if not isinstance(table.get("rule"), str):
            raise _table_error(r, "alerts", i, f"alerts[{i}] needs 'rule', a string like \"ust10y > 5\"", "rule")
        try:
            out.append(
                parse_rule(
                    table["rule"],
                    cooldown=table.get("cooldown", 0),
                    command=table.get("command"),
                    max_age=table.get("max_age"),
                    formulas=[f.id for f in formulas],
                    instruments=catalog,
                )
            )
        except AlertError as exc:
            msg = str(exc)
            key = next((k for k in ("cooldown", "max_age", "command") if k in msg), "rule")
            raise _table_error(r, "alerts", i, msg, key) from None
    return tuple(out)
