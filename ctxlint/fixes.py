"""Applying fixes: LibCST replacement nodes swapped in by one transformer pass.

Untouched code keeps its formatting and comments byte for byte (LibCST round-trips). A
result that does not re-parse is refused. Writing to disk lives in `write_atomically`:
a temporary file in the same directory, the original mode kept, then an atomic rename,
and only if the file still has the content that was linted.
"""

from __future__ import annotations

import difflib
import io
import os
import stat
import tempfile
from collections import Counter
from pathlib import Path
from typing import Optional, Sequence

import libcst as cst

from ctxlint.cache import content_digest
from ctxlint.rules.base import Replacement


class _Replacer(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, Replacement], on_path: Optional[set[int]]) -> None:
        super().__init__()
        self.replacements = replacements
        self.on_path = on_path

    def on_visit(self, node: cst.CSTNode) -> bool:
        # A transformer rebuilds every node it enters; only the nodes leading to a
        # replaced one need it. A replaced node's children are not visited: nested
        # fixes wait for the next round.
        if self.on_path is not None and id(node) not in self.on_path:
            return False
        return id(node) not in self.replacements

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[override]
        replacement = self.replacements.get(id(original_node))
        return replacement.new if replacement is not None else updated_node


def _paths_to(module: cst.Module, targets: set[int]) -> Optional[set[int]]:
    """The ids of the nodes from `module` down to each target, or None if one is missing."""
    from ctxlint.analysis.walker import children

    on_path: set[int] = set()
    remaining = set(targets)
    trail: list[cst.CSTNode] = []
    pending: list[tuple[cst.CSTNode, int]] = [(module, 0)]
    while pending and remaining:
        node, depth = pending.pop()
        del trail[depth:]
        trail.append(node)
        if id(node) in remaining:
            remaining.discard(id(node))
            on_path.update(id(step) for step in trail)
        pending.extend((child, depth + 1) for child in reversed(children(node)))
    return None if remaining else on_path


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
    """`module` with `import NAME` added for each of `names` it does not import yet.

    Each import goes after the docstring and `from __future__` imports, at its sorted
    place in the block of plain `import` statements found there (isort's order), so a
    fixed file passes an import-order check it passed before.
    """
    missing = [name for name in sorted(set(names)) if name not in _imported_modules(module)]
    if not missing:
        return module
    body = list(module.body)
    start = _insertion_index(module)
    for name in missing:
        statement = cst.parse_statement(f"import {name}\n", config=module.config_for_parsing)
        position = _sorted_position(body, start, name)
        if position == start and position < len(body):
            # The new first statement of the block takes the blank lines (and, above an
            # import, the comments) that separated the block from what precedes it.
            displaced = body[position]
            if _is_import(displaced) and displaced.leading_lines:
                statement = statement.with_changes(leading_lines=displaced.leading_lines)
                body[position] = displaced.with_changes(leading_lines=())
            elif displaced.leading_lines and not displaced.leading_lines[0].comment:
                statement = statement.with_changes(leading_lines=(displaced.leading_lines[0],))
        body.insert(position, statement)
    return module.with_changes(body=body)


def add_helpers(module: cst.Module, helpers: Sequence[str]) -> cst.Module:
    """`module` with each helper function (source text) it does not define yet, after the
    imports at its top."""
    defined = {statement.name.value for statement in module.body if isinstance(statement, cst.FunctionDef)}
    body = list(module.body)
    position = _insertion_index(module)
    while position < len(body) and _is_import(body[position]):
        position += 1
    added = False
    for source in dict.fromkeys(helpers):
        function = cst.parse_statement(source, config=module.config_for_parsing)
        if not isinstance(function, cst.FunctionDef) or function.name.value in defined:
            continue
        defined.add(function.name.value)
        blank = cst.EmptyLine(whitespace=cst.SimpleWhitespace(""))
        body.insert(position, function.with_changes(leading_lines=(blank, blank)))
        position += 1
        added = True
    if added and position < len(body):
        following = body[position]
        missing = 2 - sum(1 for line in following.leading_lines[:2] if line.comment is None)
        body[position] = following.with_changes(leading_lines=(*[cst.EmptyLine()] * max(missing, 0), *following.leading_lines))
    return module.with_changes(body=body)


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def _plain_import_name(statement: cst.BaseStatement) -> Optional[str]:
    """`a.b` for a line holding just `import a.b` (or `import a.b as c`), else None."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not isinstance(small, cst.Import) or not small.names:
        return None
    return cst.Module([]).code_for_node(small.names[0].name)


def _sorted_position(body: list[cst.BaseStatement], start: int, name: str) -> int:
    """Where `import name` goes among the plain imports that follow `start` (a block ends
    at the first other statement, or at a blank line or comment: a new isort section)."""
    position = start
    while position < len(body):
        existing = _plain_import_name(body[position])
        if existing is None or (position > start and body[position].leading_lines):
            break
        if existing.lower() > name.lower():
            break
        position += 1
    return position


def apply_fixes(module: cst.Module, fixes: Sequence[Replacement]) -> tuple[Optional[str], Optional[str]]:
    """(new source, None) or (None, reason the fixes were refused)."""
    chosen: dict[int, Replacement] = {}
    for fix in fixes:
        chosen.setdefault(id(fix.old), fix)
    for fix in chosen.values():
        lost = _comments(fix.old) - _comments(fix.new)
        if lost:  # a fix rewrites code; it must never take the user's comments with it
            return None, f"the fix would delete the comment {min(lost)!r}"
    try:
        updated = module.visit(_Replacer(chosen, _paths_to(module, set(chosen))))
        updated = add_imports(updated, [name for fix in chosen.values() for name in fix.imports])
        updated = add_helpers(updated, [helper for fix in chosen.values() for helper in fix.helpers])
        code = updated.code
        cst.parse_module(code)
    except Exception as exc:  # a fix that cannot be rendered or re-parsed is dropped
        return None, f"the fixed code would not parse ({type(exc).__name__})"
    return code, None


def _comments(node: cst.CSTNode) -> Counter[str]:
    """The comments inside `node` (whitespace nodes included, unlike the walker)."""
    found: Counter[str] = Counter()
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.Comment):
            found[current.value] += 1
        pending.extend(current.children)
    return found


def unified_diff(original: str, fixed: str, filename: str) -> str:
    """`diff -u` of two versions of a file, as `patch` and `git apply` read it.

    Lines are split at the file's own line breaks only (`str.splitlines` would also split
    at form feeds and other separators inside a line), and a last line without a line
    break is marked, so the hunks of consecutive files never run together.
    """
    lines = difflib.unified_diff(
        io.StringIO(original, newline="").readlines(),
        io.StringIO(fixed, newline="").readlines(),
        fromfile=f"a/{filename}",
        tofile=f"b/{filename}",
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)


def write_atomically(path: Path, data: bytes, expected_hash: str) -> Optional[str]:
    """Replace `path` with `data`; returns the problem when it must not or cannot.

    Not written: a file whose content changed since it was linted (its hash differs), a
    read-only file (no write permission bit, even for root, or no access for this user),
    a result that does not decode and parse, a file whose encoding does not give back
    its own bytes (the untouched parts would change). The new content goes to a
    temporary file in the same directory with the original's mode (and owner, when
    permitted), is flushed to disk, and atomically renamed over the original, so a
    crash leaves either the old file or the new one. A symlink is kept: its target is
    replaced.
    """
    try:
        current = path.read_bytes()
    except OSError as exc:
        return f"{path}: cannot re-read before writing: {exc.strerror or exc}"
    if content_digest(current) != expected_hash:
        return f"{path}: changed while ctxlint was running; fix not written"
    target = Path(os.path.realpath(path))
    try:
        status = target.stat()
    except OSError as exc:
        return f"{path}: cannot write fix: {exc.strerror or exc}"
    mode = stat.S_IMODE(status.st_mode)
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        return f"{path}: file is read-only; fix not written"
    problem = _unsafe_result(current, data)
    if problem:
        return f"{path}: {problem}; fix not written"
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".ctxlint", dir=target.parent)
    except OSError as exc:
        return f"{path}: cannot write fix: {exc.strerror or exc}"
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        if (status.st_uid, status.st_gid) != (os.geteuid(), os.getegid()):
            try:
                os.chown(temporary, status.st_uid, status.st_gid)
            except OSError:
                pass  # only root may give a file away; the mode is still kept
        # Last look, to make the window for a concurrent edit as small as possible.
        if content_digest(target.read_bytes()) != expected_hash:
            os.unlink(temporary)
            return f"{path}: changed while ctxlint was running; fix not written"
        os.replace(temporary, target)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            return f"{path}: cannot write fix: {exc.strerror or exc}"
        raise
    return None


def _unsafe_result(original: bytes, data: bytes) -> Optional[str]:
    """Why `data` must not replace `original`, checked where the bytes hit the disk."""
    from ctxlint.source import DecodeError, decode

    try:
        before = decode(original)
        if before.encode(before.text) != original:
            return f"its encoding ({before.encoding}) does not round-trip"
        after = decode(data)
        cst.parse_module(after.text)
    except (DecodeError, UnicodeError, LookupError):
        return "the fixed file would not decode"
    except Exception:
        return "the fixed code would not parse"
    if _final_newline(before.text) != _final_newline(after.text):
        # LibCST drops the last line break of a file with lone "\r" line endings
        return "the fix would change the file's final newline"
    return None


def _final_newline(text: str) -> str:
    return next((newline for newline in ("\r\n", "\n", "\r") if text.endswith(newline)), "")
