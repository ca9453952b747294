"""The layers of docs/architecture.md hold: lint-imports keeps them, and it would notice.

`lint-imports` reads the `[tool.importlinter]` contract in pyproject.toml. The test runs
it on a copy of the package with one upward import added, to show that the contract
fails on exactly what it is meant to catch, and on the unchanged copy as the control.
The cycle check builds the module import graph with grimp (what import-linter uses).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """lint-imports over the `expo` package found in `tree`, not the installed one."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); del sys.argv[1]; "
        "from importlinter.cli import lint_imports_command; lint_imports_command()"
    )
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [sys.executable, "-c", code, str(tree), "--no-cache", str(tree / "pyproject.toml")],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path):
    shutil.copytree(ROOT / "expo", tmp_path / "expo", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layers_contract_is_kept():
    assert LINT_IMPORTS.exists()
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_unchanged_copy_passes(tree):
    """Control for the test below: the copy itself is analysed and keeps the contract."""
    result = _lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "upward", "below", "above"),
    [
        ("expo/events/models.py", "import expo.bookings", "expo.events", "expo.bookings"),
        (
            "expo/core/exceptions.py",
            "from expo.accounts import models",
            "expo.core",
            "expo.accounts",
        ),
        # A lazy import inside a function counts too.
        (
            "expo/notifications/services.py",
            "def _peek():\n    from expo.bookings import models",
            "expo.notifications",
            "expo.bookings",
        ),
    ],
    ids=["events->bookings", "core->accounts", "lazy notifications->bookings"],
)
def test_an_upward_import_breaks_the_contract(tree, module, upward, below, above):
    path = tree / module
    path.write_text(path.read_text() + f"\n\n{upward}  # noqa\n")

    result = _lint_imports(tree)

    assert result.returncode != 0
    assert f"{below} is not allowed to import {above}" in result.stdout


def strongly_connected(graph) -> list[list[str]]:
    """Tarjan's algorithm, iteratively: each group of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_import_cycle_between_modules():
    graph = grimp.build_graph("expo")
    assert len(graph.modules) > 100  # the walk found the package at all
    assert strongly_connected(graph) == []


def test_the_cycle_check_finds_a_cycle():
    """Control: two modules that import each other are one group."""
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    assert strongly_connected(graph) == [["pkg.a", "pkg.b"]]
