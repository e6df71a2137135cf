"""The structure of ``generator/`` (DESIGN.md "Layout"), checked on its imports.

Packages import downwards in DESIGN.md's order, from ``cli/`` to ``files/``;
``load.py`` stands above ``checks/``, ``book/``, ``schema/``, ``history/`` and ``files/``;
``problems``, ``money``, ``locale`` and ``templating`` are leaves any package may use;
nothing imports ``cli/``. Imports inside functions count: a lazy import is still a tie.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

GENERATOR = Path(__file__).resolve().parent.parent / "generator"
ORDER = (
    "cli",
    "invoicing",
    "stock",
    "authoring",
    "importers",
    "exporters",
    "campaigns",
    "extranet",
    "site",
    "documents",
    "review",
    "calendars",
    "ci",
    "checks",
    "book",
    "schema",
    "history",
    "files",
)
"""Packages from the top down: each may import those after it, never those before."""
LOAD_BELOW = ("checks", "book", "schema", "history", "files")
LEAVES = ("problems", "money", "locale", "templating")
TOP = ("__main__", "load", "testing", *LEAVES)
MAX_TOP_LEVEL_MODULES = 8


def _module_name(path: Path) -> str:
    parts = path.relative_to(GENERATOR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every ``generator`` module ``path`` imports, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("generator"):
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    found.add(candidate if candidate in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("generator"))
    return {m for m in found if m in MODULES}


MODULES = {_module_name(p): p for p in GENERATOR.rglob("*.py")}
GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def _unit(module: str) -> str:
    """``cli``, ``book``… for a package's module; the module's own name at the top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "generator"


def _allowed(source: str, target: str) -> bool:
    a, b = _unit(source), _unit(target)
    if a == b or b in LEAVES or b == "generator":
        return True
    if b == "cli":
        return a == "__main__"
    if a in LEAVES:
        return False
    if b == "load":
        return a in ORDER[: ORDER.index("checks")] or a in ("testing",)
    if a == "load":
        return b in LOAD_BELOW
    if a in ("__main__", "testing"):
        return True
    if a in ORDER and b in ORDER:
        return ORDER.index(a) < ORDER.index(b)
    return False


def test_imports_follow_the_layout() -> None:
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in GRAPH.items()
        for target in targets
        if not _allowed(source, target)
    )
    assert not wrong, "imports against DESIGN.md's order:\n" + "\n".join(wrong)


def test_no_import_cycle() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in GRAPH[node]:
                cycles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert not cycles, f"import cycles: {cycles}"


def test_top_level_is_small() -> None:
    top = sorted(p.stem for p in GENERATOR.glob("*.py") if p.stem not in ("__init__", "__main__"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top
    assert set(top) <= set(TOP), top


def _sources(*, outside: str) -> list[tuple[Path, str]]:
    return [
        (p, p.read_text(encoding="utf-8"))
        for p in GENERATOR.rglob("*.py")
        if outside not in p.relative_to(GENERATOR).parts[:1]
    ]


@pytest.mark.parametrize(
    ("owner", "pattern", "what"),
    [
        ("cli", r"^\s*(import click|from click\b)", "imports click"),
        ("cli", r"\bsys\.exit\(", "calls sys.exit"),
        ("history", r"^\s*(import git\b|from git\b)", "imports GitPython"),
        ("history", r"[\"']git[\"']\s*,", "runs a git process"),
    ],
)
def test_one_owner(owner: str, pattern: str, what: str) -> None:
    regex = re.compile(pattern, re.MULTILINE)
    offenders = [str(p) for p, text in _sources(outside=owner) if regex.search(text)]
    assert not offenders, f"only generator/{owner}/ {what}: {offenders}"


def test_rounding_only_in_money() -> None:
    offenders = [
        str(p)
        for p in GENERATOR.rglob("*.py")
        if p.name != "money.py" and ".quantize(" in p.read_text(encoding="utf-8")
    ]
    assert not offenders, offenders
