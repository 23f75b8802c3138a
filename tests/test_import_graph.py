"""The modules of `case_mcp` import each other without a cycle, and only through public API."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import case_mcp

PACKAGE = Path(case_mcp.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those only a type checker reads."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (child for stmt in node.orelse for child in runtime_imports_of(stmt))
            continue
        yield from runtime_imports_of(node)


def runtime_imports_of(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    else:
        yield from runtime_imports(node)


def imported(module: str) -> set[str]:
    """The `case_mcp` modules `module` imports, each by its most specific name."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        found.update(target for target in targets if target in MODULES and target != module)
    return found


def cycles() -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan's algorithm)."""
    graph = {module: sorted(imported(module)) for module in sorted(MODULES)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for neighbour in graph[module]:
            if neighbour not in index:
                visit(neighbour)
                low[module] = min(low[module], low[neighbour])
            elif neighbour in stack:
                low[module] = min(low[module], index[neighbour])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return groups


def test_no_module_imports_one_that_imports_it_back() -> None:
    """No chain of imports, at module level or inside a function, leads back where it started."""
    assert cycles() == []


def private_imports() -> list[str]:
    """Each import of a package's private module (`case_mcp.X._y`) from outside package X."""
    found = []
    for module in sorted(MODULES):
        for target in imported(module):
            parts = target.split(".")
            private = next((i for i, part in enumerate(parts) if part.startswith("_")), None)
            if private is None or private < 2:
                continue
            owner = ".".join(parts[:2])
            if module != owner and not module.startswith(f"{owner}."):
                found.append(f"{module} -> {target}")
    return found


def test_no_module_imports_another_packages_private_module() -> None:
    """What a neighbour needs is public API of its package: cli, demo and _serve included."""
    assert private_imports() == []
