"""Every Python package in the shipped trees is listed in pyproject, so a wheel ships it.

``[tool.setuptools] packages`` is an explicit list: a new sub-package that is not added
works in an editable checkout and is silently missing from ``pip install .``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("tui", "widgets", "datafeed", "themes")


def test_every_package_directory_is_listed() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in SHIPPED
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found <= listed, f"not in pyproject packages: {sorted(found - listed)}"
