"""Lint many files: settings per file, project facts per root, cache, worker processes, fixes.

The CLI calls `run`; the flake8 plugin and tests can call `lint_one` for a single file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from ctxlint.config import ConfigResolver
from ctxlint.discovery import discover
from ctxlint.engine import FileResult, lint_bytes
from ctxlint.findings import Finding, Location
from ctxlint.project import ProjectFacts, cached_facts
from ctxlint.settings import Settings

MAX_FIX_ROUNDS = 8


@dataclass
class RunOptions:
    fix: Optional[str] = None  # None | "safe" | "unsafe"
    diff: bool = False
    use_cache: bool = True
    cache_dir: Optional[Path] = None
    jobs: Optional[int] = None
    use_gate: bool = True


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)
    fixed_files: int = 0
    fixed_findings: int = 0
    facts: dict[str, ProjectFacts] = field(default_factory=dict)


def display_name(path: Path) -> str:
    """Relative to the current directory when below it, else as given."""
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _root_relative(path: Path, settings: Settings) -> str:
    try:
        return path.absolute().relative_to(Path(settings.root)).as_posix()
    except ValueError:
        return display_name(path)


def _cache_dir(settings: Settings, options: RunOptions) -> Optional[Path]:
    if options.cache_dir is not None:
        return options.cache_dir
    return Path(settings.root) / ".ctxlint_cache"


def lint_and_fix(
    data: bytes,
    filename: str,
    settings: Settings,
    facts: ProjectFacts,
    fix: Optional[str],
    use_gate: bool,
    relative_path: Optional[str] = None,
) -> tuple[FileResult, int]:
    """Lint; with `fix`, apply fixes and re-lint until nothing changes (idempotent)."""

    def lint(content: bytes) -> FileResult:
        return lint_bytes(content, filename, settings, facts, fix=fix, use_gate=use_gate, relative_path=relative_path)

    result = lint(data)
    if fix is None or result.fixed is None:
        return result, 0
    current = data
    fixed_count = 0
    for _ in range(MAX_FIX_ROUNDS):
        if result.fixed is None or result.fixed == current:
            break
        before = len(result.findings)
        current = result.fixed
        result = lint(current)
        fixed_count += max(before - len(result.findings), 0)
    result.fixed = current if current != data else None
    return result, fixed_count


def _work(task: tuple) -> tuple[int, FileResult, int, Optional[str]]:
    index, path_text, filename, settings, facts, fix, use_gate = task
    path = Path(path_text)
    relative = _root_relative(path, settings)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return index, _unreadable(filename, relative, settings, exc), 0, None
    digest = hashlib.sha256(data).hexdigest()
    result, fixed = lint_and_fix(data, filename, settings, facts, fix, use_gate, relative)
    return index, result, fixed, digest


def _unreadable(filename: str, relative: str, settings: Settings, exc: OSError) -> FileResult:
    from ctxlint.engine import SYNTAX_ERROR

    result = FileResult(filename)
    if SYNTAX_ERROR in settings.codes_for(relative):
        reason = exc.strerror or type(exc).__name__
        if isinstance(exc, FileNotFoundError):
            reason = "broken symlink or missing file"
        result.findings.append(
            Finding(SYNTAX_ERROR, "syntax-error", f"cannot read file: {reason}", filename, Location(1, 1, 1, 1))
        )
    return result


def run(
    paths: Sequence[Path],
    resolver: ConfigResolver,
    options: RunOptions,
) -> RunResult:
    outcome = RunResult()
    files: list[tuple[Path, Settings]] = []
    for path in paths:
        settings = resolver.settings_for(path)
        found = discover([path], settings)
        outcome.warnings.extend(found.warnings)
        files.extend((f, resolver.settings_for(f)) for f in found.files)
    seen: set[Path] = set()
    unique = []
    for path, settings in sorted(files, key=lambda item: item[0].as_posix()):
        if path not in seen:
            seen.add(path)
            unique.append((path, settings))
    caches: dict[tuple[str, str], Any] = {}
    tasks = []
    results: dict[int, list[Finding]] = {}
    for index, (path, settings) in enumerate(unique):
        facts = _facts_for(settings, options, outcome)
        filename = display_name(path)
        outcome.files.append(filename)
        cache = _cache_for(settings, facts, options, caches)
        if cache is not None and options.fix is None and not options.diff:
            try:
                stat = path.stat()
            except OSError:
                stat = None
            if stat is not None:
                hit = cache.lookup_by_stat(_root_relative(path, settings), stat)
                if hit is not None:
                    results[index] = [dataclasses.replace(f, filename=filename) for f in hit]
                    continue
        tasks.append((index, str(path), filename, settings, facts, options.fix or ("unsafe" if options.diff else None), options.use_gate))
    for index, result, fixed, digest in _execute(tasks, options.jobs):
        path, settings = unique[index]
        results[index] = result.findings
        if result.fixed is not None and digest is not None:
            if options.diff:
                outcome.diffs.append(_diff(path, result))
            else:
                from ctxlint.fixes import write_atomically

                problem = write_atomically(path, result.fixed, digest)
                if problem:
                    outcome.warnings.append(problem)
                else:
                    outcome.fixed_files += 1
                    outcome.fixed_findings += fixed
        outcome.warnings.extend(result.fix_problems)
        facts = _facts_for(settings, options, outcome)
        cache = _cache_for(settings, facts, options, caches)
        if cache is not None and digest is not None and options.fix is None and not options.diff:
            try:
                cache.store(_root_relative(path, settings), path.stat(), digest, result.findings)
            except OSError:
                pass
    for cache in caches.values():
        if cache is not None:
            cache.save()
    for index in sorted(results):
        outcome.findings.extend(results[index])
    outcome.findings.sort(key=lambda f: f.sort_key)
    return outcome


def _facts_for(settings: Settings, options: RunOptions, outcome: RunResult) -> ProjectFacts:
    facts = outcome.facts.get(settings.root)
    if facts is None:
        cache_dir = _cache_dir(settings, options) if options.use_cache else None
        facts = outcome.facts[settings.root] = cached_facts(settings, cache_dir)
    return facts


def _cache_for(settings: Settings, facts: ProjectFacts, options: RunOptions, caches: dict):
    if not options.use_cache:
        return None
    key = (settings.fingerprint(), facts.fingerprint())
    if key not in caches:
        from ctxlint.cache import ResultCache

        directory = _cache_dir(settings, options)
        caches[key] = ResultCache(directory, *key) if directory is not None else None
    return caches[key]


def _execute(tasks: list[tuple], jobs: Optional[int]):
    """Run tasks in worker processes when there are enough of them to pay for it."""
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(tasks) < 8:
        for task in tasks:
            yield _work(task)
        return
    import multiprocessing

    method = "fork" if sys.platform.startswith("linux") else None
    context = multiprocessing.get_context(method)
    chunk = max(1, min(16, len(tasks) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(_work, tasks, chunksize=chunk)


def _diff(path: Path, result: FileResult) -> str:
    import difflib

    from ctxlint.source import decode

    original = decode(path.read_bytes()).text
    fixed = decode(result.fixed or b"").text
    name = display_name(path)
    return "".join(
        difflib.unified_diff(
            original.splitlines(keepends=True), fixed.splitlines(keepends=True), fromfile=f"a/{name}", tofile=f"b/{name}"
        )
    )


def lint_one(data: bytes, path: Path, resolver: ConfigResolver, options: RunOptions, filename: Optional[str] = None):
    """Lint bytes as if they were the file at `path` (stdin, the flake8 plugin)."""
    settings = resolver.settings_for(path)
    outcome = RunResult()
    facts = _facts_for(settings, options, outcome)
    return lint_and_fix(
        data,
        filename or display_name(path),
        settings,
        facts,
        options.fix,
        options.use_gate,
        _root_relative(path, settings),
    )
