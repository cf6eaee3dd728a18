"""The throwaway third-party source of docs/extending-sources.md, installed like a real package.

Why from the docs: the worked example there must run. Its ``toy_source.py`` block and its
entry-point table are copied into a temporary folder laid out as an installer leaves a
package (the module plus a ``.dist-info`` folder with ``entry_points.txt``); putting that
folder on ``PYTHONPATH`` makes ``importlib.metadata`` find the entry point, exactly as for a
``pip install``-ed plug-in.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "extending-sources.md"


def doc_blocks(path: Path = DOC) -> list[tuple[str, str, str]]:
    """(language, the last text line before the block, code) of every fenced block in a Markdown file."""
    out: list[tuple[str, str, str]] = []
    before, lang, code = "", None, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if lang is None and line.startswith("```"):
            lang, code = line[3:].strip(), []
        elif lang is not None and line.startswith("```"):
            out.append((lang, before, "\n".join(code) + "\n"))
            lang = None
        elif lang is not None:
            code.append(line)
        elif line.strip():
            before = line
    return out


def toy_module() -> str:
    """The ``toy_source.py`` block of the docs."""
    return next(code for lang, before, code in doc_blocks() if lang == "python" and "toy_source.py" in before)


def toy_entry_points() -> dict[str, str]:
    """The entry-point table the docs tell the package to declare."""
    block = next(code for lang, _, code in doc_blocks() if lang == "toml" and "entry-points" in code)
    return tomllib.loads(block)["project"]["entry-points"]["triffin.providers"]


def toy_config(base_url: str) -> str:
    """The docs' ``config.toml`` block, pointed at ``base_url``."""
    block = next(code for lang, _, code in doc_blocks() if lang == "toml" and "# config.toml" in code)
    return re.sub(r'base_url = "[^"]*"', f'base_url = "{base_url}"', block)


def install_plugin(site: Path, entry_points: str, modules: dict[str, str]) -> Path:
    """Lay out a package as an installer would: modules plus a ``.dist-info`` with entry points."""
    site.mkdir(parents=True, exist_ok=True)
    for name, text in modules.items():
        (site / f"{name}.py").write_text(textwrap.dedent(text))
    info = site / "toy_source-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-source\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    return site


def install_toy(site: Path) -> Path:
    """The docs' package, installed into ``site``."""
    table = "".join(f"{name} = {value}\n" for name, value in toy_entry_points().items())
    return install_plugin(site, "[triffin.providers]\n" + table, {"toy_source": toy_module()})


def _env(site: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(site), NO_COLOR="1", COLUMNS="200")


def run_py(code: str, site: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -c code args...`` with the plug-in installed."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        env=_env(site),
        timeout=timeout,
    )


def run_cli(site: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``triffin args...`` with the plug-in installed."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, env=_env(site), timeout=timeout
    )
