"""The folders show the data flow: the import graph has no cycle, and the analysis
package never reaches up into rules, the driver or a front end (SPEC §1)."""

from __future__ import annotations

import ast
from pathlib import Path

import ctxlint
from ctxlint.rules import registry

PACKAGE = Path(ctxlint.__file__).resolve().parent
# What `ctxlint.analysis` may not import: rules, the driver, the front ends and the
# settings layer (which itself depends on the rule registry).
ABOVE_ANALYSIS = (
    "ctxlint.rules", "ctxlint.runner", "ctxlint.engine", "ctxlint.gate", "ctxlint.fixes",
    "ctxlint.cache", "ctxlint.baseline", "ctxlint.cli", "ctxlint.flake8_plugin",
    "ctxlint.server", "ctxlint.reporters", "ctxlint.settings", "ctxlint.config",
)


def module_name(path: Path) -> str:
    parts = ["ctxlint", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(path: Path, modules: set[str]) -> set[str]:
    """The ctxlint modules `path` imports when it runs (imports inside functions included,
    `if TYPE_CHECKING:` blocks excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for statement in block.body
        for node in ast.walk(statement)
    }
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in modules else base)
    return {name for name in found if name in modules}


def import_graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in files}
    return {module_name(path): runtime_imports(path, modules) - {module_name(path)} for path in files}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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


def test_import_graph_has_no_cycle():
    assert cycles(import_graph()) == []


def test_cycle_detection_sees_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_analysis_imports_no_rule_driver_or_front_end():
    graph = import_graph()
    offending = {
        module: sorted(target for target in targets if any(target == above or target.startswith(above + ".") for above in ABOVE_ANALYSIS))
        for module, targets in graph.items()
        if module.startswith("ctxlint.analysis")
    }
    assert {module: targets for module, targets in offending.items() if targets} == {}


def test_every_rule_has_its_own_module_in_its_family_folder():
    for code, rule in registry().items():
        family, _, module = rule.__module__.removeprefix("ctxlint.rules.").partition(".")
        assert family == code[:4].lower(), (code, rule.__module__)
        assert module.startswith(code.lower() + "_"), (code, rule.__module__)
    modules = [rule.__module__ for rule in registry().values()]
    assert len(modules) == len(set(modules))
