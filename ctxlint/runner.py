"""Lint many files: settings per file, project facts per root, cache, worker processes, fixes.

The CLI calls `run`; the flake8 plugin and tests can call `lint_one` for a single file.

The engine (and with it LibCST, the bulk of ctxlint's start-up time) is imported only
once some file actually needs linting: a run answered from the cache never loads it.
Files that do need linting are spread over worker processes, largest first, so that no
worker is left with a big file while the others idle.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional, Sequence

from ctxlint.analysis.project import ProjectFacts, cached_facts, release_workers
from ctxlint.collector import existing_objects_frozen
from ctxlint.config import ConfigResolver
from ctxlint.discovery import discover
from ctxlint.findings import Finding, Location
from ctxlint.settings import Settings

if TYPE_CHECKING:
    from ctxlint.cache import ResultCache
    from ctxlint.engine import FileResult

MAX_FIX_ROUNDS = 8
# Below this much work, starting worker processes costs more than it saves.
MIN_PARALLEL_FILES = 8
MIN_PARALLEL_BYTES = 256 * 1024


@dataclass
class RunOptions:
    fix: Optional[str] = None  # None | "safe" | "unsafe"
    diff: bool = False
    use_cache: bool = True
    cache_dir: Optional[Path] = None
    jobs: Optional[int] = None
    use_gate: bool = True
    progress: Optional[Callable[[int, int], None]] = None  # (files done, files in all)


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)
    fixed_files: int = 0
    fixed_findings: int = 0
    linted: int = 0  # files linted in this run; the others' findings came from the cache
    gated: int = 0  # of those, files the gate kept from LibCST (no enabled rule can fire)
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
    from ctxlint.engine import lint_bytes

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


@dataclass
class _Task:
    """One file to lint; `context` indexes the (settings, facts) pairs of the run."""

    index: int
    path: str
    filename: str
    relative: str
    context: int
    size: int
    known_digest: Optional[str]  # the cache's hash for this file, if it has an entry


@dataclass
class _Done:
    index: int
    result: Optional[FileResult]  # None: content unchanged since it was cached
    fixed: int
    digest: Optional[str]
    stat: Optional[os.stat_result]  # taken before the file was read


# (settings, facts, fix mode, use gate) per context; set in each worker by `_start_worker`.
_CONTEXTS: list[tuple[Settings, ProjectFacts, Optional[str], bool]] = []


def _start_worker(contexts: list) -> None:
    global _CONTEXTS
    _CONTEXTS = contexts
    import ctxlint.engine  # noqa: F401  (import once per worker, not per task)


def _work(task: _Task) -> _Done:
    from ctxlint.cache import content_digest

    settings, facts, fix, use_gate = _CONTEXTS[task.context]
    try:
        with open(task.path, "rb") as stream:
            stat = os.fstat(stream.fileno())
            data = stream.read()
    except OSError as exc:
        return _Done(task.index, _unreadable(task.filename, task.relative, settings, exc), 0, None, None)
    digest = content_digest(data)
    if task.known_digest == digest:
        return _Done(task.index, None, 0, digest, stat)
    result, fixed = lint_and_fix(data, task.filename, settings, facts, fix, use_gate, task.relative)
    return _Done(task.index, result, fixed, digest, stat)


def _work_chunk(tasks: list[_Task]) -> list[_Done]:
    return [_work(task) for task in tasks]


def _unreadable(filename: str, relative: str, settings: Settings, exc: OSError) -> FileResult:
    from ctxlint.engine import SYNTAX_ERROR, FileResult

    result = FileResult(filename)
    if SYNTAX_ERROR in settings.codes_for(relative):
        reason = exc.strerror or type(exc).__name__
        if isinstance(exc, FileNotFoundError):
            reason = "broken symlink or missing file"
        result.findings.append(
            Finding(SYNTAX_ERROR, "syntax-error", f"cannot read file: {reason}", filename, Location(1, 1, 1, 1))
        )
    return result


class _Contexts:
    """The distinct (settings, facts) pairs of a run, their fingerprints and caches."""

    def __init__(self, options: RunOptions, outcome: RunResult, fix: Optional[str]) -> None:
        self.options = options
        self.outcome = outcome
        self.fix = fix
        self.items: list[tuple[Settings, ProjectFacts, Optional[str], bool]] = []
        self.caches: list[Optional[ResultCache]] = []
        self._index: dict[tuple[int, int], int] = {}
        self._by_fingerprint: dict[tuple[str, str, str], ResultCache] = {}

    def facts_for(self, settings: Settings) -> ProjectFacts:
        return _facts_for(settings, self.options, self.outcome)

    def context_for(self, settings: Settings) -> int:
        facts = self.facts_for(settings)
        key = (id(settings), id(facts))
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = len(self.items)
            self.items.append((settings, facts, self.fix, self.options.use_gate))
            self.caches.append(self._cache(settings, facts))
        return index

    def _cache(self, settings: Settings, facts: ProjectFacts) -> Optional[ResultCache]:
        # Fixing and diffing runs neither read nor write results.
        if not self.options.use_cache or self.fix is not None:
            return None
        directory = _cache_dir(settings, self.options)
        if directory is None:
            return None
        from ctxlint.cache import ResultCache

        key = (str(directory), settings.fingerprint(), facts.fingerprint())
        if key not in self._by_fingerprint:
            self._by_fingerprint[key] = ResultCache(directory, key[1], key[2])
        return self._by_fingerprint[key]

    def save(self) -> None:
        for cache in self._by_fingerprint.values():
            cache.save()


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
    fix = options.fix
    contexts = _Contexts(options, outcome, fix)
    tasks: list[_Task] = []
    results: dict[int, list[Finding]] = {}
    for index, (path, settings) in enumerate(unique):
        context = contexts.context_for(settings)
        cache = contexts.caches[context]
        filename = display_name(path)
        outcome.files.append(filename)
        relative = _root_relative(path, settings)
        try:
            stat: Optional[os.stat_result] = path.stat()
        except OSError:
            stat = None
        if cache is not None and stat is not None:
            hit = cache.lookup_by_stat(relative, stat)
            if hit is not None:
                results[index] = [replace(f, filename=filename) for f in hit]
                continue
        known = cache.digest(relative) if cache is not None else None
        tasks.append(_Task(index, str(path), filename, relative, context, stat.st_size if stat else 0, known))
    release_workers()  # every project's facts are known
    diffs: dict[int, str] = {}
    warnings: dict[int, list[str]] = {}  # workers finish in any order; output must not
    finished = len(unique) - len(tasks)  # answered from the cache
    with existing_objects_frozen():
        for done in _execute(tasks, contexts.items, options.jobs):
            finished += 1
            if options.progress is not None:
                options.progress(finished, len(unique))
            path, settings = unique[done.index]
            task_context = contexts.context_for(settings)
            cache = contexts.caches[task_context]
            filename = outcome.files[done.index]
            relative = _root_relative(path, settings)
            if done.result is None:  # unchanged content: the cached findings stand
                assert cache is not None and done.digest is not None
                cached = cache.lookup_by_hash(relative, done.digest, done.stat) or []
                results[done.index] = [replace(f, filename=filename) for f in cached]
                continue
            result = done.result
            outcome.linted += 1
            outcome.gated += result.gated
            results[done.index] = result.findings
            notes = warnings.setdefault(done.index, [])
            if result.fixed is not None and done.digest is not None:
                if options.diff:
                    diffs[done.index] = _diff(path, result)
                else:
                    from ctxlint.fixes import write_atomically

                    problem = write_atomically(path, result.fixed, done.digest)
                    if problem:
                        notes.append(problem)
                        # the file keeps what it has, so its findings are those of that content
                        results[done.index] = _unfixed_findings(path, filename, relative, *contexts.items[task_context][:2])
                    else:
                        outcome.fixed_files += 1
                        outcome.fixed_findings += done.fixed
            notes.extend(result.fix_problems)
            notes.extend(result.warnings)
            if cache is not None and done.digest is not None:
                cache.store(relative, done.stat, done.digest, result.findings)
    contexts.save()
    outcome.diffs.extend(diffs[index] for index in sorted(diffs))
    outcome.warnings.extend(note for index in sorted(warnings) for note in warnings[index])
    for index in sorted(results):
        outcome.findings.extend(results[index])
    outcome.findings.sort(key=lambda f: f.sort_key)
    return outcome


def _unfixed_findings(path: Path, filename: str, relative: str, settings: Settings, facts: ProjectFacts) -> list[Finding]:
    from ctxlint.engine import lint_bytes

    try:
        data = path.read_bytes()
    except OSError as exc:
        return _unreadable(filename, relative, settings, exc).findings
    return lint_bytes(data, filename, settings, facts, relative_path=relative).findings


def _facts_for(settings: Settings, options: RunOptions, outcome: RunResult) -> ProjectFacts:
    facts = outcome.facts.get(settings.root)
    if facts is None:
        cache_dir = _cache_dir(settings, options) if options.use_cache else None
        jobs = options.jobs or os.cpu_count() or 1
        facts = outcome.facts[settings.root] = cached_facts(settings, cache_dir, jobs)
    return facts


def _execute(tasks: list[_Task], contexts: list, jobs: Optional[int]) -> Iterator[_Done]:
    """Run tasks in worker processes when there is enough work to pay for them."""
    if not tasks:
        return
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    total = sum(task.size for task in tasks)
    if workers <= 1 or len(tasks) < MIN_PARALLEL_FILES or total < MIN_PARALLEL_BYTES:
        _start_worker(contexts)
        for task in tasks:
            yield _work(task)
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    import ctxlint.engine  # noqa: F401  (forked workers inherit it instead of importing it each)

    method = "fork" if sys.platform.startswith("linux") else None
    chunks = _chunks(tasks, workers)
    pending: dict[Any, list[_Task]] = {}
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_start_worker,
            initargs=(contexts,),
        ) as pool:
            for chunk in chunks:
                pending[pool.submit(_work_chunk, chunk)] = chunk
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    done = future.result()
                    del pending[future]
                    yield from done
    except BrokenProcessPool:
        # A worker died (killed, out of memory): finish its files here, one at a time.
        _start_worker(contexts)
        for chunk in pending.values():
            for task in chunk:
                yield _work(task)


def _chunks(tasks: list[_Task], workers: int) -> list[list[_Task]]:
    """Largest files first, each alone; the small ones batched to save round trips.

    Longest-processing-time-first scheduling: the tail of the run is small files, so the
    workers finish together.
    """
    ordered = sorted(tasks, key=lambda task: -task.size)
    target = max(sum(task.size for task in tasks) // (workers * 16), 1)
    chunks: list[list[_Task]] = []
    current: list[_Task] = []
    current_size = 0
    for task in ordered:
        current.append(task)
        current_size += task.size
        if current_size >= target or len(current) >= 32:
            chunks.append(current)
            current, current_size = [], 0
    if current:
        chunks.append(current)
    return chunks


def _diff(path: Path, result: FileResult) -> str:
    from ctxlint.fixes import unified_diff
    from ctxlint.source import decode

    return unified_diff(decode(path.read_bytes()).text, decode(result.fixed or b"").text, display_name(path))


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
