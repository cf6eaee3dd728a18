"""The layering rules of DESIGN.md §1, enforced.

- ``datafeed`` never imports textual, rich or plotext (checked in a fresh interpreter, so
  a transitive import is caught too);
- ``widgets`` and ``themes`` never import ``datafeed`` (providers, store, pandas objects);
- no hex colour outside ``themes/``.
"""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import datafeed
import datafeed.providers

ROOT = Path(__file__).resolve().parents[1]


def _modules(package: object) -> list[str]:
    return [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]  # type: ignore[attr-defined]


def _imported_after(modules: list[str]) -> set[str]:
    # httpx imports its optional command-line client (click + rich + pygments) when click
    # happens to be installed; that is httpx's CLI, not our code, so it is masked here.
    code = (
        "import sys, importlib\n"
        "sys.modules['httpx._main'] = None\n"
        f"for m in {modules!r}:\n    importlib.import_module(m)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    return set(out.split())


def test_datafeed_never_imports_ui_libraries() -> None:
    modules = ["datafeed", *_modules(datafeed)]
    loaded = _imported_after(modules)
    for banned in ("textual", "rich", "plotext", "textual_plotext"):
        assert banned not in loaded, f"datafeed pulls in {banned}"


def test_widgets_and_themes_never_import_the_data_layer() -> None:
    for folder in ("widgets", "themes"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            assert not re.search(r"^\s*(from|import)\s+(datafeed|tui)\b", text, re.M), path
            assert not re.search(r"^\s*(from|import)\s+pandas\b", text, re.M), path


def test_no_hex_colours_outside_themes() -> None:
    pattern = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b(?![-\w])")
    for folder in ("tui", "widgets", "datafeed"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".tcss") or "__pycache__" in path.parts:
                continue
            for lineno, line in enumerate(path.read_text().splitlines(), 1):
                code = (
                    line.split("#", 1)[0]
                    if path.suffix == ".py" and not re.search(r"[\"'][^\"']*#[0-9a-fA-F]{3,6}", line)
                    else line
                )
                assert not pattern.search(code), f"{path}:{lineno}: hex colour outside themes/"
