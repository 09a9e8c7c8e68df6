"""Applying fixes: LibCST replacement nodes swapped in by one transformer pass.

Untouched code keeps its formatting and comments byte for byte (LibCST round-trips). A
result that does not re-parse is refused. Writing to disk lives in `write_atomically`:
a temporary file in the same directory, the original mode kept, then an atomic rename,
and only if the file still has the content that was linted.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Optional, Sequence

import libcst as cst

from ctxlint.rules.base import Replacement


class _Replacer(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, Replacement]) -> None:
        super().__init__()
        self.replacements = replacements

    def on_visit(self, node: cst.CSTNode) -> bool:
        # A replaced node's children are not visited: nested fixes wait for the next round.
        return id(node) not in self.replacements

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[override]
        replacement = self.replacements.get(id(original_node))
        return replacement.new if replacement is not None else updated_node


def _imported_modules(module: cst.Module) -> set[str]:
    names = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        if alias.asname is None and isinstance(alias.name, cst.Name):
                            names.add(alias.name.value)
    return names


def _insertion_index(module: cst.Module) -> int:
    """After the module docstring and `from __future__` imports."""
    index = 0
    for i, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            break
        small = statement.body[0]
        is_docstring = i == 0 and isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString)
        is_future = (
            isinstance(small, cst.ImportFrom)
            and isinstance(small.module, cst.Name)
            and small.module.value == "__future__"
        )
        if is_docstring or is_future:
            index = i + 1
        else:
            break
    return index


def add_imports(module: cst.Module, names: Sequence[str]) -> cst.Module:
    missing = [name for name in sorted(set(names)) if name not in _imported_modules(module)]
    if not missing:
        return module
    index = _insertion_index(module)
    statements = [cst.parse_statement(f"import {name}\n", config=module.config_for_parsing) for name in missing]
    return module.with_changes(body=[*module.body[:index], *statements, *module.body[index:]])


def apply_fixes(module: cst.Module, fixes: Sequence[Replacement]) -> tuple[Optional[str], Optional[str]]:
    """(new source, None) or (None, reason the fixes were refused)."""
    chosen: dict[int, Replacement] = {}
    for fix in fixes:
        chosen.setdefault(id(fix.old), fix)
    try:
        updated = module.visit(_Replacer(chosen))
        updated = add_imports(updated, [name for fix in chosen.values() for name in fix.imports])
        code = updated.code
        cst.parse_module(code)
    except Exception as exc:  # a fix that cannot be rendered or re-parsed is dropped
        return None, f"the fixed code would not parse ({type(exc).__name__})"
    return code, None


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomically(path: Path, data: bytes, expected_hash: str) -> Optional[str]:
    """Replace `path` with `data` unless it changed since it was read; returns a problem."""
    try:
        current = path.read_bytes()
    except OSError as exc:
        return f"{path}: cannot re-read before writing: {exc.strerror or exc}"
    if content_hash(current) != expected_hash:
        return f"{path}: changed while ctxlint was running; fix not written"
    if not os.access(path, os.W_OK):
        return f"{path}: file is read-only; fix not written"
    target = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".ctxlint", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, mode)
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        return f"{path}: cannot write fix: {exc.strerror or exc}"
    return None
