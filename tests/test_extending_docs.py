"""The walkthroughs of docs/extending-sources.md and docs/extending-instruments.md, run.

Adding a source is one module, installed as a plug-in package: config validation, `triffin
sources`, the help screen's credits and a snapshot see it with no edit to triffin. Adding an
instrument is one ``[[instruments]]`` block: snapshot, export, the cache and demo mode treat it
like a built-in. Both use the very blocks the docs show, against loopback servers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from datafeed.providers import source_names
from tests.toy_plugin import ROOT, doc_blocks, install_toy, run_py, toy_config

INSTRUMENTS_DOC = ROOT / "docs" / "extending-instruments.md"

WALCL = "observation_date,WALCL\n2026-11-04,6587012\n2026-11-11,6581344\n2026-11-18,6579871\n"
"""A few weeks of FRED's WALCL (Wednesday levels, USD mn), in fredgraph.csv's layout."""


def off_except(*keep: str) -> str:
    """Config lines switching off every installed source but ``keep`` (no test reaches the internet)."""
    return "".join(f"[sources.{n}]\nenabled = false\n" for n in source_names() if n not in keep)


def cli(*args: str, config: Path, cache: Path, site: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200", TRIFFIN_CACHE_DIR=str(cache))
    if site is not None:
        env["PYTHONPATH"] = str(site)
    return subprocess.run(
        [sys.executable, "-m", "tui", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )


# --------------------------------------------------------------------------- a source


def test_a_plugin_source_with_a_config_instrument_end_to_end(tmp_path: Path, httpserver: HTTPServer) -> None:
    site = install_toy(tmp_path / "site")
    httpserver.expect_request("/series/T1.csv").respond_with_data(
        "date,value\n2026-11-19,1.5\n2026-11-20,1.75\n", content_type="text/csv"
    )
    base = httpserver.url_for("").rstrip("/")
    config = tmp_path / "config.toml"
    config.write_text(
        off_except("toy")
        + toy_config(base).replace("# config.toml\n", "")
        + '\n[[instruments]]\nid = "toy1"\nname = "Toy index"\nunit = "index"\nsources = ["toy:T1"]\n'
    )
    # config validation knows its key
    assert (
        run_py(
            "from tui.config import load_config; import sys; load_config(sys.argv[1], env={})", site, str(config)
        ).returncode
        == 0
    )
    # a snapshot fetches and shows it
    r = cli("snapshot", "--format", "json", "--timeout", "20", config=config, cache=tmp_path / "cache", site=site)
    assert r.returncode == 0, r.stderr
    toy = json.loads(r.stdout)["series"]["toy1"]
    assert (toy["source"], toy["date"], toy["value"], toy["unit"], toy["status"]) == (
        "toy:T1",
        "2026-11-20",
        1.75,
        "index",
        "fresh",
    )
    # `triffin sources` checks it through the same provider
    r = cli("sources", "--format", "json", "--timeout", "20", config=config, cache=tmp_path / "cache", site=site)
    assert r.returncode == 0, r.stderr
    row = next(c for c in json.loads(r.stdout) if c["source"] == "toy")
    assert row["ok"] and row["last_date"] == "2026-11-20" and row["detail"].startswith("toy:T1: 2 obs")
    # the help screen shows its credit line
    r = run_py(
        """
        import sys
        from tui.config import load_config
        from tui.screens.help import sources_text
        print(sources_text(load_config(sys.argv[1], env={}).feed.sources, demo=False).plain)
        """,
        site,
        str(config),
    )
    assert "Toy Statistics Office: Toy data courtesy of the Toy Statistics Office." in r.stdout, r.stderr
    # and without the plug-in installed, the same config is one clear line, exit 2
    r = cli("snapshot", "--offline", config=config, cache=tmp_path / "cache")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "unknown source 'toy'" in r.stderr


def test_the_docs_name_the_files_a_source_needs() -> None:
    """The doc's checklist: a module, an entry point, fixtures and tests; nothing else."""
    text = (ROOT / "docs" / "extending-sources.md").read_text()
    assert "Nothing else changes" in text
    assert '[project.entry-points."triffin.providers"]' in text


# --------------------------------------------------------------------------- an instrument


def instrument_block() -> str:
    return next(code for lang, _, code in doc_blocks(INSTRUMENTS_DOC) if lang == "toml" and "[[instruments]]" in code)


@pytest.fixture
def fred(httpserver: HTTPServer) -> str:
    def answer(request: Request) -> Response:
        if request.args.get("id") == "WALCL":
            return Response(WALCL, content_type="text/csv")
        return Response("Not Found", status=404)

    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(answer)
    return httpserver.url_for("").rstrip("/")


def test_a_config_instrument_is_fetched_cached_exported_and_said_absent_in_demo(tmp_path: Path, fred: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(off_except("fred") + f'[sources.fred]\nbase_url = "{fred}"\n' + instrument_block())
    cache = tmp_path / "cache"
    r = cli("snapshot", "--format", "json", "--timeout", "20", config=config, cache=cache)
    walcl = json.loads(r.stdout)["series"]["walcl"]
    assert (walcl["name"], walcl["unit"], walcl["source"], walcl["date"], walcl["value"]) == (
        "Fed balance sheet",
        "USD mn",
        "fred:WALCL",
        "2026-11-18",
        6579871.0,
    )
    assert walcl["status"] == "fresh" and walcl["change_unit"] == "%"
    # cached like a built-in: an offline snapshot still has it
    r = cli("snapshot", "--format", "json", "--offline", config=config, cache=cache)
    assert json.loads(r.stdout)["series"]["walcl"]["value"] == 6579871.0
    # exported like a built-in, from the cache
    r = cli("export", "walcl", config=config, cache=cache)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "date,walcl",
        "2026-11-04,6587012.0",
        "2026-11-11,6581344.0",
        "2026-11-18,6579871.0",
    ]
    # the demo market invents nothing for it, and says so
    r = cli("snapshot", "--format", "json", "--demo", config=config, cache=cache)
    demo = json.loads(r.stdout)["series"]["walcl"]
    assert demo["value"] is None and demo["status"] == "missing" and "no demo series" in demo["error"]


def test_the_docs_error_example_is_what_the_cli_prints(tmp_path: Path) -> None:
    example = next(code for lang, _, code in doc_blocks(INSTRUMENTS_DOC) if lang == "text" and "instruments[0]" in code)
    config = tmp_path / "config.toml"
    config.write_text(instrument_block().replace("fred:WALCL", "frd:WALCL"))
    r = cli("snapshot", "--offline", config=config, cache=tmp_path / "cache")
    assert r.returncode == 2
    expected = example.strip().split(" (known:")[0].replace("config.toml", str(config))
    assert r.stderr.startswith(expected), (r.stderr, expected)
