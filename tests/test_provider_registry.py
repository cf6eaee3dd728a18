"""Tests the provider registry: entry points, provider facts, and a third-party source.

The third-party tests install a throwaway package the way pip would leave it (a module and
a ``.dist-info`` folder with ``entry_points.txt`` on ``sys.path``) and run triffin in a
subprocess, so the source is found exactly as a user's plug-in would be: with no edit to
triffin.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from datafeed import market_calendar
from datafeed.providers import Provider, register, registry, source_names, unregister
from datafeed.settings import FeedSettings, SourceSettings
from tests.toy_plugin import install_plugin, install_toy, run_cli, run_py, toy_module

ROOT = Path(__file__).resolve().parents[1]
BUILTINS = {
    "fred",
    "treasury",
    "bundesbank",
    "mof",
    "nyfed",
    "ecb",
    "boj",
    "yahoo",
    "tic",
    "fiscaldata",
    "treasurydirect",
}

# --------------------------------------------------------------------------- built-ins


def test_builtins_come_from_the_entry_point_group() -> None:
    """pyproject declares one entry point per provider module, and the installed metadata agrees."""
    from importlib.metadata import entry_points

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["triffin.providers"]
    # base and the private helpers (``_parsed``: records the parsers return) are no providers
    modules = {p.stem for p in (ROOT / "datafeed" / "providers").glob("*.py") if not p.stem.startswith("_")} - {"base"}
    assert {value.split(":")[0].rsplit(".", 1)[1] for value in declared.values()} == modules
    installed = {ep.name: ep.value for ep in entry_points(group="triffin.providers") if ep.value in declared.values()}
    assert installed == declared, "pyproject's entry points changed: re-run `pip install -e .`"
    assert set(declared) >= BUILTINS
    for name, cls in registry().items():
        assert cls.name == name and issubclass(cls, Provider)
    assert set(source_names()) >= BUILTINS


def test_every_builtin_states_its_facts() -> None:
    """Each source carries its own URL, calendar and title; none relies on a table elsewhere."""
    for name in BUILTINS:
        cls = registry()[name]
        assert cls.title and cls.base_url.startswith("https://"), name
        assert cls.market in market_calendar.MARKETS, name
    assert registry()["boj"].credit.startswith("This service uses the API")
    assert registry()["boj"].min_interval == 1.0 and registry()["boj"].market == "jp"
    assert registry()["fred"].api_base_url == "https://api.stlouisfed.org"
    assert registry()["yahoo"].intraday and not registry()["fred"].intraday
    assert {k.name for k in registry()["treasury"].extra_keys} == {"history_years"}


def test_settings_defaults_are_the_providers_facts() -> None:
    for name, cls in registry().items():
        s = SourceSettings.default(name)
        assert (s.base_url, s.api_base_url, s.min_interval, s.max_per_minute) == (
            cls.base_url.rstrip("/"),
            cls.api_base_url.rstrip("/"),
            cls.min_interval,
            cls.max_per_minute,
        )
    assert list(FeedSettings.default().sources) == list(source_names())
    assert SourceSettings.default("nonexistent").base_url == ""


def test_importing_the_registry_loads_no_network_code() -> None:
    """The UI thread reads lateness and credit lines before httpx loads: keep it that way.
    Nor does it load the auction and holders parsers (~8 ms in front of the first frame):
    their providers import them when a fetch runs."""
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from datafeed.providers import registry, credits\n"
            "from datafeed.market_calendar import instrument_is_late, source_market\n"
            "import datafeed.settings, tui.rows\n"
            "assert [source_market(n) for n in registry()]\n"
            "assert credits(registry())\n"
            "datafeed.settings.FeedSettings.default()\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'httpcore', 'anyio', 'h11'))\n"
            "heavy += sorted(m for m in ('datafeed.demand.auctions', 'datafeed.demand.holders') if m in sys.modules)\n"
            "print(heavy)\n",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


# --------------------------------------------------------------------------- in-process hook


class HookProvider(Provider):
    name = "hook_src"
    title = "Hook Office"
    credit = "Hook data, with thanks."
    market = "jp"
    min_cadence = 4321.0


def test_register_adds_a_source_to_config_and_settings(tmp_path: Path) -> None:
    from tui.config import ConfigError, load_config

    register(HookProvider)
    try:
        assert "hook_src" in source_names()
        assert market_calendar.source_market("hook_src") == "jp"
        path = tmp_path / "c.toml"
        path.write_text('[sources.hook_src]\nbase_url = "http://127.0.0.1:9"\n')
        config = load_config(path, env={})
        assert config.feed.sources["hook_src"].base_url == "http://127.0.0.1:9"
    finally:
        unregister("hook_src")
    with pytest.raises(ConfigError, match=r"c\.toml:1: unknown source 'hook_src'"):
        load_config(path, env={})


def test_register_refuses_what_is_not_a_provider() -> None:
    class NoName(Provider):
        name = "Bad Name"

    class BadMarket(Provider):
        name = "badmarket"
        market = "mars"

    with pytest.raises(ValueError, match="not lower-case"):
        register(NoName)
    with pytest.raises(ValueError, match="market 'mars'"):
        register(BadMarket)
    with pytest.raises(ValueError, match="not a triffin Provider"):
        register(dict)  # type: ignore[arg-type]
    assert "badmarket" not in registry()


def test_feed_reads_cadence_and_market_from_the_provider() -> None:
    """A daily series' cadence is the larger of the refresh setting and the provider's floor."""
    from datafeed.catalog import Instrument, SourceRef
    from datafeed.feed import Feed
    from datafeed.http import HttpContext
    from datafeed.store import SeriesStore

    register(HookProvider)
    try:
        inst = Instrument("hook1", "Hook 1", "%", "bp", (SourceRef("hook_src", "H1", "daily", 2),), -5, 50)
        settings = FeedSettings(sources={"hook_src": SourceSettings.default("hook_src")}, refresh=60.0)
        feed = Feed(SeriesStore({"hook1": inst}), settings, HttpContext(settings))
        assert [j.cadence for j in feed.jobs] == [4321.0]
    finally:
        unregister("hook_src")


# --------------------------------------------------------------------------- a third-party package


@pytest.fixture
def toy_site(tmp_path: Path) -> Path:
    """docs/extending-sources.md's example package, installed."""
    return install_toy(tmp_path / "site")


def test_a_plugin_package_is_a_source_without_editing_triffin(toy_site: Path, tmp_path: Path) -> None:
    r = run_py(
        """
        import sys
        from datafeed.providers import registry, registry_warnings
        from datafeed.market_calendar import source_market
        from datafeed.settings import SourceSettings
        cls = registry()["toy"]
        s = SourceSettings.default("toy")
        print(cls.__module__, source_market("toy"), s.base_url, s.min_interval, registry_warnings())
        """,
        toy_site,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["toy_source", "de", "https://toy.invalid", "0.25", "[]"]


def test_plugin_config_keys_are_validated(toy_site: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[sources.toy]\nbase_url = "http://127.0.0.1:9"\nflavour = "spicy"\n')
    r = run_py(
        """
        import sys
        from tui.config import load_config
        c = load_config(sys.argv[1], env={})
        print(c.feed.sources["toy"].extra)
        """,
        toy_site,
        str(good),
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "{'flavour': 'spicy'}"
    bad = tmp_path / "bad.toml"
    bad.write_text('theme = "triffin-dark"\n[sources.toy]\nflavour = 3\n')
    r = run_cli(toy_site, "snapshot", "--offline", "--config", str(bad))
    assert r.returncode == 2
    assert r.stderr.strip() == f"triffin: {bad}:3: 'sources.toy.flavour' must be str, not int"
    typo = tmp_path / "typo.toml"
    typo.write_text("[sources.toy]\nflavor = 'x'\n")
    r = run_cli(toy_site, "snapshot", "--offline", "--config", str(typo))
    assert r.returncode == 2 and "unknown key 'flavor' in [sources.toy]" in r.stderr and "flavour" in r.stderr


def test_plugin_appears_in_sources_and_help_credits(toy_site: Path, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        "".join(f"[sources.{n}]\nenabled = false\n" for n in sorted(BUILTINS))
        + '[sources.toy]\nbase_url = "http://127.0.0.1:9"\n'
    )
    r = run_cli(toy_site, "sources", "--config", str(config), "--format", "json", "--timeout", "5")
    assert r.returncode == 0, r.stderr
    rows = {row["source"]: row for row in json.loads(r.stdout)}
    assert rows["toy"]["enabled"] is True and rows["fred"]["enabled"] is False
    r = run_py(
        """
        import sys
        from tui.config import load_config
        from tui.screens.help import sources_text
        c = load_config(sys.argv[1], env={})
        print(sources_text(c.feed.sources, demo=False).plain)
        print("--- demo")
        print(sources_text(c.feed.sources, demo=True).plain)
        """,
        toy_site,
        str(config),
    )
    assert r.returncode == 0, r.stderr
    live, demo = r.stdout.split("--- demo")
    assert "enabled: toy" in live
    assert "Toy Statistics Office: Toy data courtesy of the Toy Statistics Office." in live
    assert "Bank of Japan" not in live  # boj is off: no credit for data not shown
    assert "Toy data courtesy" not in demo


def test_a_broken_plugin_is_skipped_with_one_line(tmp_path: Path) -> None:
    site = install_plugin(
        tmp_path / "site",
        """
        [triffin.providers]
        broken = broken_source:Nope
        misnamed = toy_source:ToyProvider
        fred = toy_source:ToyProvider
        """,
        {"broken_source": "raise ImportError('needs a library that is not installed')\n", "toy_source": toy_module()},
    )
    r = run_py(
        """
        from datafeed.providers import registry, registry_warnings
        print(sorted(registry()))
        print(registry()["fred"].__module__)
        for w in registry_warnings():
            print(w)
        """,
        site,
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "broken" not in lines[0] and "misnamed" not in lines[0] and "'fred'" in lines[0]
    assert lines[1] == "datafeed.providers.fred"  # a plug-in cannot take over a built-in's name
    warnings = "\n".join(lines[2:])
    assert "broken = broken_source:Nope: could not be loaded (ImportError: needs a library" in warnings
    assert "misnamed = toy_source:ToyProvider: the class is named 'toy', not 'misnamed'" in warnings
    assert "fred = toy_source:ToyProvider: source 'fred' is already provided by datafeed.providers.fred" in warnings
    # The CLI says so once on stderr and goes on.
    r = run_cli(site, "snapshot", "--offline", "--format", "json")
    assert "source plug-in skipped" in r.stderr and "Traceback" not in r.stderr
    assert r.returncode in (0, 1) and json.loads(r.stdout)["mode"] == "offline"


def test_plugin_fetches_through_the_shared_http_context(toy_site: Path, httpserver: HTTPServer) -> None:
    """The throwaway source really fetches: its URL, extra key and parser work end to end."""
    httpserver.expect_request(
        "/series/T1.csv", query_string={"flavour": "plain", "from": "2026-01-01"}
    ).respond_with_data("date,value\n2026-11-19,1.5\n2026-11-20,1.75\n", content_type="text/csv")
    r = run_py(
        """
        import asyncio, datetime as dt, sys
        from datafeed.catalog import SourceRef
        from datafeed.http import HttpContext
        from datafeed.models import observations
        from datafeed.providers import Target, registry
        from datafeed.settings import FeedSettings, SourceSettings
        s = SourceSettings.default("toy", base_url=sys.argv[1])
        http = HttpContext(FeedSettings(sources={"toy": s}))
        async def main():
            try:
                obs = await registry()["toy"](s).fetch(http, [Target("x", SourceRef("toy", "T1"))], dt.date(2026, 1, 1))
            finally:
                await http.aclose()
            print([(o.date.isoformat(), o.value, o.source) for o in observations(obs)])
        asyncio.run(main())
        """,
        toy_site,
        httpserver.url_for("").rstrip("/"),
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[('2026-11-19', 1.5, 'toy:T1'), ('2026-11-20', 1.75, 'toy:T1')]"
