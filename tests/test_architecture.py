"""The layering rules of docs/architecture.md that import-linter cannot check.

The import rules themselves (datafeed imports no UI, widgets nothing from datafeed, screens
no provider, only ``widgets/chart.py`` touches plotext, nothing but the entry points imports
``tui.app``) are import-linter contracts in ``pyproject.toml``, run by ``lint-imports`` in
``.ci/run``. Here:

- ``datafeed`` loads no UI library at run time (a fresh interpreter imports every module,
  so a transitive import through a third-party package is caught too);
- ``tui/`` has no import cycle (a cycle through eleven files once made every change in one
  screen touch the app, the other screens and the helpers);
- no hex colour outside ``themes/``.
"""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
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


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.Module, module: str, is_package: bool) -> Iterator[str]:
    """Every module an import statement names, at any depth, except under ``if TYPE_CHECKING:``."""

    def walk(node: ast.AST) -> Iterator[str]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for branch in child.orelse:  # the else branch does run
                    yield from walk_one(branch)
                continue
            yield from walk_one(child)

    def walk_one(node: ast.AST) -> Iterator[str]:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, *([node.module] if node.module else [])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)  # ``from pkg import module``
        yield from walk(node)

    yield from walk(tree)


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module → the modules of ``package`` it imports when it runs (function-level imports too).

    Importing ``a.b.c`` runs the ``__init__`` of ``a`` and ``a.b`` as well, so those count.
    """
    files = {_module_name(root, p): p for p in (root / package).rglob("*.py") if "__pycache__" not in p.parts}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        deps: set[str] = set()
        for target in _runtime_imports(ast.parse(path.read_text()), name, path.name == "__init__.py"):
            parts = target.split(".")
            deps.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        graph[name] = {d for d in deps if d in files and d != name and not name.startswith(d + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_tui_has_no_import_cycle() -> None:
    graph = import_graph(ROOT, "tui")
    assert "tui.app" in graph and graph["tui.app"], "the walk found the app's imports"
    assert cycles(graph) == [], "tui/ import cycle(s): " + "; ".join(" ↔ ".join(c) for c in cycles(graph))


def test_the_cycle_walk_sees_function_level_imports_and_skips_type_checking(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from pkg import b\n")
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.c import X\nimport pkg.a\n"
    )
    (pkg / "c.py").write_text("from . import b\n")
    graph = import_graph(tmp_path, "pkg")
    # A module's own package is left out: it is already being imported when the module runs.
    assert graph == {"pkg": set(), "pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}, "pkg.c": {"pkg.b"}}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]


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


def test_the_app_class_stays_a_thin_composition_root() -> None:
    """Issue 15: ``TriffinApp`` is at most 300 lines (it was 606 before the Monitor). New jobs
    belong in the Monitor, a screen, or a module of their own (like tui.added_alerts)."""
    tree = ast.parse((ROOT / "tui" / "app.py").read_text(encoding="utf-8"))
    (app,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "TriffinApp"]
    assert app.end_lineno is not None and app.end_lineno - app.lineno + 1 <= 300
