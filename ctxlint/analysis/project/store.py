"""Which files make up the project, the per-file facts cache, and the merge.

Extraction uses `ast` on the few files whose text mentions a relevant token, so it costs
a fraction of one LibCST parse, and each file's facts are cached by (mtime, size) and
content hash: a single-file run re-reads only what changed.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import pickle
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional

from ctxlint.analysis.project.callgraph import OWN_PARAMETER, graph_of_source, graph_of_tree
from ctxlint.analysis.project.facts import FileFacts, Instrumentation, ProjectFacts
from ctxlint.analysis.project.inventory import (
    InventoryScan,
    extract_launch_facts,
    launch_kind,
    used_libraries,
)
from ctxlint.analysis.project.one_at_a_time import one_at_a_time
from ctxlint.analysis.project.summaries import (
    EMPTY_GRAPH,
    ContextFlow,
    ModuleGraph,
    ModuleIndex,
    Summaries,
    is_distinctive_method,
    module_name,
    program_of,
)
from ctxlint.analysis.project.variables import VariableScopes
from ctxlint.build import build_fingerprint
from ctxlint.cache_folder import cache_folder, stale_entries
from ctxlint.collector import cycle_collection_paused
from ctxlint.config_files import CONFIG_NAMES, ctxlint_table, load_toml
from ctxlint.discovery import PYTHON_SUFFIXES, exclude_spec, walk_files
from ctxlint.errors import UsageError
from ctxlint.semantics import boundaries as bnd
from ctxlint.semantics import concurrency as hops
from ctxlint.semantics import context_readers as readers
from ctxlint.semantics import entrypoints as entrypoints_table
from ctxlint.semantics import instrumentation as inst

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from ctxlint.settings import Settings


FACTS_VERSION = 22

# A file whose mtime is this close to "now" may still change within the same timestamp
# tick; its stat signature is not trusted on the next run (git's "racy clean" problem).
_RACY_SECONDS = 2.0

_MAX_LAUNCH_FILE_BYTES = 1_000_000

# A file without any of these cannot contribute a fact (case variants of the tracing
# wrapper words are covered by their common part). `inject`/`extract` are not among them:
# a function calling OpenTelemetry's imports it from `opentelemetry`.
_PY_TOKENS = (
    b"elemetry", b"nstrument", b"copy_context", b"ContextVar", b"start_span",
    b"create_trace_config", b"interceptor", b"logfire", b"configure_azure_monitor",
    b"opencensus", b"racing", b"otel", b"Otel", b"OTel", b"bservability",
    inst.DISABLED_ENV.encode(), b"sentry_sdk",
)

# Files whose call graph the context flow always reads: they hand work over, set up
# logging, or hold entry points and program roots.
_FLOW_STARTS = ("hops", "logging_setup", "entry_points", "program_roots")


def extract_python_facts(source: bytes) -> FileFacts:
    return _python_facts(source)[0]


def _line_matches(source: bytes, word: bytes, pattern: re.Pattern) -> bool:
    """`pattern.search(source)`, for a pattern whose matches start a line with `word` after
    blanks, tried at those lines only (a search tries every position of the text)."""
    index = source.find(word)
    while index != -1:
        start = source.rfind(b"\n", 0, index) + 1
        if not source[start:index].strip(b" \t") and pattern.match(source, start):
            return True
        index = source.find(word, index + 1)
    return False


def _python_facts(source: bytes) -> tuple[FileFacts, Optional[ast.Module]]:
    """A file's facts, and its `ast` tree when they needed one."""
    facts = FileFacts(used=used_libraries(source))
    facts.hops = any(token in source for token in hops.HOP_TOKENS)
    # (cheap word tests first: the regular expressions run on few files)
    facts.logging_setup = (
        any(t in source for t in readers.LOGGING_SETUP_CALLS)
        or (any(t in source for t in readers.LOGGING_SETUP_WORDS) and _line_matches(source, b"class", readers.LOGGING_SETUP_CLASS))
        or (b"loguru" in source and any(t in source for t in readers.LOGURU_SETUP_WORDS))
    )
    facts.entry_points = _line_matches(source, b"@", entrypoints_table.DECORATED_HANDLER) or _line_matches(
        source, b"class", entrypoints_table.VIEW_CLASS
    )
    # (an `atexit` or signal handler is a root where its module is read for another reason)
    facts.program_roots = any(t in source for t in entrypoints_table.PROGRAM_ROOT_WORDS) and bool(
        entrypoints_table.PROGRAM_ROOT_LINE.search(source)
    )
    facts.fixtures = entrypoints_table.AUTOUSE in source
    if not any(token in source for token in _PY_TOKENS):
        return facts, None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return facts, None
    InventoryScan(facts, tree).run()
    return facts, tree

def _is_config_root(directory: Path) -> bool:
    """Whether `directory` holds its own ctxlint configuration (a nested project)."""

    for name in CONFIG_NAMES:
        candidate = directory / name
        if os.path.isfile(candidate):
            try:
                if ctxlint_table(candidate, load_toml(candidate)) is not None:
                    return True
            except UsageError:
                continue
    return False

def _project_files(root: Path, settings: Settings) -> Iterable[tuple[Path, bool]]:
    """(path, is_python) for first-party files under root, honouring ignores and skipping
    nested projects (directories with their own ctxlint config have their own facts)."""
    def wanted(name: str) -> bool:
        return name.endswith(PYTHON_SUFFIXES) or launch_kind(name) is not None

    nested: dict[Path, bool] = {root: False}

    def inside_nested(directory: Path) -> bool:
        if directory in nested:
            return nested[directory]
        answer = inside_nested(directory.parent) or _is_config_root(directory)
        nested[directory] = answer
        return answer

    for path in walk_files(root, root, exclude_spec(settings), lambda message: None, wanted):
        if path.parent != root and root in path.parents and inside_nested(path.parent):
            continue
        yield path, path.name.endswith(PYTHON_SUFFIXES)

def _extract(path: Path, data: bytes, is_python: bool) -> FileFacts:
    if is_python:
        facts, tree = _python_facts(data)
        if any(getattr(facts, start) for start in _FLOW_STARTS):
            # the context flow will read it: one parse for both when the facts needed one
            facts.graph = graph_of_tree(tree) if tree is not None else graph_of_source(data)
        return facts
    if len(data) > _MAX_LAUNCH_FILE_BYTES:
        return FileFacts()
    if launch_kind(path.name) == "script" and not data.startswith(b"#!"):
        return FileFacts()
    return extract_launch_facts(data.decode("utf-8", errors="replace"))

_MEMO: dict[tuple, ProjectFacts] = {}
_WORD = re.compile(rb"\w+")  # a word of code

def _cache_file(cache_dir: Path, root: Path) -> Path:
    return cache_dir / f"facts-{build_fingerprint()}-{FACTS_VERSION}-{_root_tag(root)}.json"


def _root_tag(root: Path) -> str:
    return hashlib.sha256(str(root).encode()).hexdigest()[:12]


def compute_facts(settings: Settings, cache_dir: Optional[Path], jobs: int = 1) -> ProjectFacts:
    """The project's facts. Each file's extraction is cached by (mtime, size), then by
    content hash, so a run re-reads only files that changed since the last one. With
    `jobs` > 1, the files the cache lacks are read by that many processes. Processes that
    want the same project's facts at once compute them one at a time (the later ones read
    the cache the first wrote)."""
    lock_file = None
    if cache_dir is not None and cache_folder(cache_dir):
        lock_file = cache_dir / f"facts-{_root_tag(Path(settings.root))}.lock"
    # (syntax trees, graphs and cache entries hold no cycles)
    with one_at_a_time(lock_file), cycle_collection_paused():
        return _compute_facts(settings, cache_dir, jobs)


def _compute_facts(settings: Settings, cache_dir: Optional[Path], jobs: int) -> ProjectFacts:
    root = Path(settings.root)
    cache_file = _cache_file(cache_dir, root) if cache_dir else None
    cached: dict = {}
    if cache_file is not None and os.path.isfile(cache_file):
        try:
            cached = json.loads(cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cached = {}
    entries: dict[str, list] = {}
    changed = False
    now = time.time()
    to_extract: list[tuple[str, Path, bytes, bool]] = []
    for path, is_python in _project_files(root, settings):
        try:
            stat = path.stat()
        except OSError:
            continue
        relative = path.relative_to(root).as_posix()
        previous = cached.get(relative)
        signature = [stat.st_mtime_ns, stat.st_size]
        if previous is not None and previous[0] == signature:
            entries[relative] = previous
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        digest = hashlib.sha256(data).hexdigest()
        if now - stat.st_mtime < _RACY_SECONDS:
            signature = None  # may change again within this timestamp tick: re-read next time
        entries[relative] = [signature, digest, None]
        if previous is not None and previous[1] == digest:
            entries[relative][2] = previous[2]
        else:
            to_extract.append((relative, path, data, is_python))
        changed = changed or previous != entries[relative]
    extracted = _extract_all([file for _relative, *file in to_extract], jobs)
    for (relative, *_file), facts_data in zip(to_extract, extracted):
        entries[relative][2] = facts_data
    facts = merge_facts(
        ((relative, FileFacts(**entry[2])) for relative, entry in sorted(entries.items())),
        settings,
    )
    facts.distributions = tuple(sorted({
        relative.rpartition("/")[0] for relative in entries if relative.rpartition("/")[2] in _PACKAGING_FILES
    }))
    key = _flow_key(settings, entries)
    flow = _cached_flow(cache_file, key) if cache_file is not None else None
    parsed = False
    if flow is None:
        flow, parsed = _context_flow(root, entries, facts)
        if cache_file is not None:
            _write_flow(cache_file, key, flow)
    facts.flow = flow
    if cache_file is not None and (changed or parsed or set(entries) != set(cached)):
        _write_json(cache_file, entries)
        _prune_other_builds(cache_file)
    _MEMO[(str(root), settings.fingerprint())] = facts
    return facts


# A directory holding one is a distribution of its own (a monorepo's package).
_PACKAGING_FILES = ("pyproject.toml", "setup.py")

# Fewer files to extract than this are read in this process: a pool costs more to start.
_MIN_PARALLEL_FILES = 64


def _extract_all(files: list[tuple[Path, bytes, bool]], jobs: int) -> list[dict]:
    """The facts of the files the cache lacks (a cold run: all of them), in `jobs`
    processes when there are enough of them."""
    if jobs <= 1 or len(files) < _MIN_PARALLEL_FILES:
        return [_extracted(file) for file in files]
    return list(_extraction_pool(jobs).map(_extracted, files, chunksize=16))


_POOLS: dict[int, "ProcessPoolExecutor"] = {}


def _extraction_pool(jobs: int):
    """One pool of `jobs` processes for every project of the run: its workers are forked
    once, while the process is small, and read files for each project in turn, until
    `release_workers()`."""
    pool = _POOLS.get(jobs)
    if pool is None:
        import atexit
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if sys.platform.startswith("linux") else None
        pool = _POOLS[jobs] = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method))
        atexit.register(pool.shutdown)
    return pool


def release_workers() -> None:
    """Stop the project pass's worker processes (every project's facts are known)."""
    while _POOLS:
        _POOLS.popitem()[1].shutdown()


def _extracted(file: tuple[Path, bytes, bool]) -> dict:
    return dict(vars(_extract(*file)))  # not `asdict`: it would copy the graph


def _context_flow(root: Path, entries: dict[str, list], facts: ProjectFacts) -> tuple[ContextFlow, bool]:
    """What the work handed to threads and pools needs: the call graph, built from the
    files that hand work over (and those that set up logging) and followed, module by
    module, as far as their calls reach. A module's graph is parsed the first time it is
    reached and cached with its file's facts. Returns the flow and whether a graph was
    parsed (the facts cache must be written)."""
    python = sorted(relative for relative in entries if relative.endswith(PYTHON_SUFFIXES))
    index = ModuleIndex(python)
    modules: dict[str, Optional[ModuleGraph]] = {}
    parsed = False

    def load(name: str) -> Optional[ModuleGraph]:
        nonlocal parsed
        if name in modules:
            return modules[name]
        relative = index.path_of.get(name)
        data = entries[relative][2] if relative is not None else None
        if data is None:
            modules[name] = None
            return None
        if data.get("graph") is None:
            data["graph"] = _graph_of(root / relative)
            parsed = True
        modules[name] = ModuleGraph(name, relative, data["graph"])
        return modules[name]

    def instrumented(library: str, program: Optional[str] = None) -> Optional[str]:
        record = facts.instrumentation(library, program)
        return None if record is None else record.describe()

    summaries = Summaries(
        index, load, lambda library, path: instrumented(library, program_of(path, facts.distributions))
    )
    records = []
    for relative in python:
        if entries[relative][2].get("logging_setup"):
            module = load(module_name(relative))
            if module is not None:
                records.extend((module, record) for record in module.graph["logging"])
    summaries.settle_logging(records, instrumented(readers.LOGGING_INSTRUMENTATION))
    hop_modules = [load(module_name(relative)) for relative in python if entries[relative][2].get("hops")]
    hop_modules = [module for module in hop_modules if module is not None]
    for relative in _callers_of(root, python, _helpers(hop_modules)):
        load(module_name(relative))
    # What the rules will ask about: every callable handed on (a hop's work is always an
    # argument of the hop, or called by a lambda that is) and the `run` of every class.
    works: list[str] = []
    for module in [m for m in list(modules.values()) if m is not None]:
        for qualname, function in module.graph["functions"].items():
            cls = summaries.owner_class(module, qualname)
            if (cls is not None and qualname.endswith(".run")) or function.get("decorated"):
                works.append(f"{module.name}.{qualname}")  # a thread's `run`; a decorator's callable
            for reference, _line in function["calls"]:
                if reference.startswith(("A:L:", "A:P:", "A:S:")):
                    mentioned = summaries.function(reference[2:], module, cls)
                    if mentioned is not None:
                        works.append(mentioned)
        for callee, arguments, keywords, _line, caller in module.graph.get("arguments", ()):
            for argument in (*arguments, *keywords.values()):
                for reference in (argument[2:].split(";") if argument and argument.startswith("Λ:") else [argument]):
                    if reference and reference[:2] in ("L:", "P:", "S:"):
                        owner = module.graph["functions"].get(caller, {})
                        mentioned = summaries.function(reference, module, caller.rsplit(".", 1)[0] if owner.get("method") else None)
                        if mentioned is not None:
                            works.append(mentioned)
    summaries.methods = _methods_the_works_call(root, python, summaries, works, load, modules)
    for work in works:
        summaries.need(work)
    for relative in python:
        if any(entries[relative][2].get(fact) for fact in ("entry_points", "program_roots", "fixtures")):
            load(module_name(relative))
    loaded = [module for module in list(modules.values()) if module is not None]
    views = summaries.view_handlers(loaded)  # (reads the modules of the views' project bases)
    fixtures = summaries.context_fixtures(loaded)  # (reads the modules of the variables they set)
    reading = summaries.load
    summaries.load = lambda name: modules.get(name)  # reachability follows what is read, reads no more
    summaries.loaded = lambda: list(modules.values())
    entry_reached = summaries.reached_from_entry_points(loaded, views)
    uncalled = _uncalled(root, python, loaded) if entry_reached else frozenset()
    started = summaries.only_from_program_roots(summaries.reached_from_program_roots(loaded), loaded, uncalled)
    needs = {name: need for name, need in sorted(summaries.memo.items()) if need.kind != "free"}
    graphs = {name: module for name, module in sorted(modules.items()) if module is not None}
    libraries = {*bnd.HTTP_SHORTCUTS.values(), *bnd.HTTP_CLIENTS.values(), *readers.INSTRUMENTED_CLIENTS.values()}
    programs = sorted({program_of(relative, facts.distributions) for relative in python})
    known: dict[str, dict[str, str]] = {}  # library -> program -> where it is instrumented
    for library in sorted(filter(None, libraries)):
        places = {program: where for program in programs if (where := instrumented(library, program)) is not None}
        if places:
            known[library] = places
    flow = ContextFlow(
        modules=graphs, paths=tuple(python), needs=needs, reached=entry_reached, started=started,
        logging=summaries.logging, uncalled=uncalled, views=summaries.views(loaded),
        set_reached=summaries.reached_from_context_setters(loaded), instrumented=known,
    )
    flow.read = {relative: entries[relative][1] for relative in python}
    flow.distributions = facts.distributions
    flow.methods = summaries.methods
    flow.logging_variables = summaries.logging_variables
    flow.context_fixtures = fixtures
    scopes = VariableScopes(
        summaries,
        lambda: [module for module in list(modules.values()) if module is not None],
        lambda names: _read_all(reading, _matching(root, python, names, rb"\b(?:{})\b")),
        lambda name: _read_all(reading, _matching(root, python, {name}, rb"\b(?:{})\s*\.\s*set\s*\(")),
    )
    flow.unheld = _unheld(scopes, summaries, [graphs[name] for name in graphs])
    return flow, parsed


def _unheld(scopes: VariableScopes, summaries: Summaries, modules: list[ModuleGraph]) -> dict[str, frozenset[str]]:
    """For each function that hands work over: the project ContextVars its work reads that
    cannot hold a value there (see `variables.py`)."""
    found = {}
    for module in modules:
        for qualname, function in module.graph["functions"].items():
            if not function.get("hops"):
                continue
            cls = summaries.owner_class(module, qualname)
            variables: set[str] = set()
            for reference, _line in function["calls"]:
                handed = summaries.function(reference[2:], module, cls) if reference.startswith("A:") else None
                need = summaries.memo.get(handed) if handed is not None else None
                if need is not None:
                    variables.update(variable for variable in need.variables if variable)
            unheld = scopes.unheld(f"{module.name}.{qualname}", sorted(variables)) if variables else frozenset()
            if unheld:
                found[f"{module.name}.{qualname}"] = unheld
    return found


def _methods_the_works_call(
    root: Path,
    python: list[str],
    summaries: Summaries,
    works: list[str],
    load: Callable[[str], Optional[ModuleGraph]],
    modules: dict[str, Optional[ModuleGraph]],
) -> dict[str, tuple[str, ...]]:
    """The project methods that the works' own calls on objects of unknown type may run
    (`self.datastore.add_watch(...)`), by name (`Summaries.named_methods`): the files
    defining a method of such a name are read for them."""
    names: set[str] = set()
    for work in works:
        located = summaries.locate(work)
        if located is not None:
            names.update(name for name in located[0].graph["functions"][located[1]].get("methods", ()) if is_distinctive_method(name))
    if not names:
        return {}
    _read_all(load, _matching(root, python, names, rb"def[ \t]+(?:{})[ \t]*[(\[]", prefilter=False))
    defined = [
        f"{module.name}.{qualname}"
        for module in list(modules.values())
        if module is not None
        for qualname, function in module.graph["functions"].items()
        if function.get("method") and qualname.rsplit(".", 1)[-1] in names
    ]
    return summaries.named_methods(defined)


def _read_all(load: Callable[[str], Optional[ModuleGraph]], relatives: list[str]) -> None:
    for relative in relatives:
        load(module_name(relative))


def _matching(root: Path, python: list[str], names: set[str], template: bytes, prefilter: bool = True) -> list[str]:
    """The files whose text matches `template` (a regular expression around `{}`) for any
    of `names`. The names are first looked for as substrings (`prefilter`), which is
    faster than a pattern that starts with no literal text."""
    encoded = sorted(name.encode() for name in names)
    pattern = re.compile(template.replace(b"{}", b"|".join(re.escape(name) for name in encoded)))
    return [
        relative
        for relative, data in _texts(root, python)
        if (not prefilter or any(name in data for name in encoded)) and pattern.search(data)
    ]


def _texts(root: Path, python: list[str]) -> Iterator[tuple[str, bytes]]:
    """Each file's text (a file that cannot be read is left out)."""
    for relative in python:
        try:
            yield relative, (root / relative).read_bytes()
        except OSError:
            continue


def _uncalled(root: Path, python: list[str], modules: list[ModuleGraph]) -> frozenset[str]:
    """In a service (it registers handlers): the functions that hand work over whose name
    the project's code never mentions but where they are defined. Nothing of the project
    calls them: a framework does (a proxy's hook, a metrics collector) or nobody does."""
    names: dict[str, list[str]] = {}
    for module in modules:
        for qualname, function in module.graph["functions"].items():
            name = qualname.rsplit(".", 1)[-1]
            if function.get("hops") and not function.get("entry") and name.isidentifier() and not name.startswith("__"):
                names.setdefault(name, []).append(f"{module.name}.{qualname}")
    if not names:
        return frozenset()
    wanted = {name.encode() for name in names if name.isascii()}
    mentions: Counter[bytes] = Counter()
    for _relative, data in _texts(root, python):
        # (one pass over the words, however many names: a substring test per name, or a
        # pattern of them all, costs a pass per name on a project with hundreds)
        mentions.update(word for word in _WORD.findall(data) if word in wanted)
    return frozenset(
        function
        for name, functions in names.items()
        if name.isascii() and mentions[name.encode()] <= len(functions)
        for function in functions
    )


def _helpers(modules: list[ModuleGraph]) -> dict[str, set[str]]:
    """Module-level functions that hand one of their parameters to a thread or pool (a
    helper that runs its caller's callable, a decorator's `func`), by module: their callers
    say what the callable really is, so the modules calling them are read too. A method is
    left out: its callers (`obj.run(...)` on an object of unknown type) could not be
    resolved to it anyway."""
    helpers: dict[str, set[str]] = {}
    for module in modules:
        functions = module.graph["functions"]
        for qualname, function in functions.items():
            top = qualname.split(".", 1)[0]
            if not function.get("hops") or top not in functions or top.startswith(("<", "__")):
                continue
            hands_on = any(reference.startswith("A:" + OWN_PARAMETER) for reference, _line in function["calls"])
            if hands_on or (top != qualname and functions[top].get("params")):
                helpers.setdefault(module.path, set()).add(top)
    return helpers


def _callers_of(root: Path, python: list[str], helpers: dict[str, set[str]]) -> list[str]:
    """Files that call or apply a helper (`name(`, `@name`) and import its module."""
    patterns = []
    for defining, names in sorted(helpers.items()):
        alternatives = b"|".join(re.escape(n.encode()) for n in sorted(names) if n.isidentifier())
        if not alternatives:
            continue
        tail = module_name(defining).rsplit(".", 1)[-1].encode()
        patterns.append((
            defining,
            tail,
            {n.encode() for n in names if n.isidentifier()},
            re.compile(rb"\b(?:" + alternatives + rb")\s*\(|@(?:" + alternatives + rb")\b"),
            re.compile(rb"^[ \t]*(?:from[ \t]+[\w.]*\b" + re.escape(tail) + rb"[ \t]+import|import[ \t]+[\w.]*\b" + re.escape(tail) + rb"\b)", re.M),
        ))
    if not patterns:
        return []
    # (substring tests first: the patterns, run on few files, ask for whole words)
    return [
        relative
        for relative, data in _texts(root, python)
        if any(
            relative != defining and tail in data and any(name in data for name in names)
            and used.search(data) and imported.search(data)
            for defining, tail, names, used, imported in patterns
        )
    ]


def _graph_of(path: Path) -> dict:
    try:
        return graph_of_source(path.read_bytes())
    except OSError:
        return EMPTY_GRAPH

def merge_facts(files: Iterable[tuple[str, FileFacts]], settings: Settings) -> ProjectFacts:
    facts = ProjectFacts()
    wrappers: set[str] = {name.split(".")[-1] for name in settings.context_wrappers}
    factories: set[str] = set()
    injectors: set[str] = set()
    extractors: set[str] = set()
    hooks: list[tuple[str, str]] = []
    used: set[str] = set()
    provider_places: list[str] = []
    for relative, file_facts in files:
        if file_facts.imports_opentelemetry and not facts.opentelemetry:
            facts.opentelemetry, facts.opentelemetry_where = True, relative
        for library, line, objects, kind, form in file_facts.instrumentations:
            facts.instrumented.setdefault(library, []).append(
                Instrumentation(library, f"{relative}:{line}", tuple(objects), kind, form)
            )
        if file_facts.provider_set is not None:
            provider_places.append(f"{relative}:{file_facts.provider_set}")
        if file_facts.imports_sentry is not None and facts.sentry is None:
            facts.sentry = f"{relative}:{file_facts.imports_sentry}"
        if file_facts.sentry_init is not None and facts.sentry_threading is None:
            facts.sentry_threading = f"{relative}:{file_facts.sentry_init}"
        if file_facts.auto_instrumentation is not None and facts.auto_instrumentation is None:
            facts.auto_instrumentation = f"{relative}:{file_facts.auto_instrumentation}"
        for name, line in file_facts.disabled:
            facts.disabled_where.setdefault(name, f"{relative}:{line}")
        for name, line in file_facts.context_vars:
            facts.context_vars.setdefault(name, f"{relative}:{line}")
        wrappers.update(file_facts.context_wrappers)
        factories.update(file_facts.span_factories)
        injectors.update(file_facts.injectors)
        extractors.update(file_facts.extractors)
        hooks.extend((name, f"{relative}:{line}") for name, line in file_facts.hook_registrations)
        used.update(file_facts.used)
    facts.server_extraction = next((where for name, where in hooks if name in extractors | {bnd.EXTRACT}), None)
    if settings.auto_instrumentation and facts.auto_instrumentation is None:
        facts.auto_instrumentation = "config"
    if facts.auto_instrumentation and not facts.opentelemetry:
        # a service launched under opentelemetry-instrument is traced without importing it
        facts.opentelemetry, facts.opentelemetry_where = True, f"auto-instrumentation, {facts.auto_instrumentation}"
    if settings.opentelemetry != "auto":
        facts.opentelemetry = settings.opentelemetry == "yes"
        facts.opentelemetry_where = "config" if facts.opentelemetry else None
    for library in settings.instrumented:
        facts.instrumented.setdefault(library, []).insert(0, Instrumentation(library, "config", kind="config"))
    facts.tracing_setup = _tracing_setup(facts, settings, provider_places)
    facts.disabled = tuple(sorted(facts.disabled_where))
    facts.context_wrappers = frozenset(wrappers)
    facts.span_factories = frozenset(factories)
    facts.injectors = frozenset(injectors)
    facts.extractors = frozenset(extractors)
    facts.used_libraries = tuple(sorted(used))
    return facts

def _tracing_setup(facts: ProjectFacts, settings: Settings, provider_places: list[str]) -> Optional[str]:
    """Where the project sets up tracing for its own process, the evidence that it is the
    application deciding instrumentation (so a library missing from the inventory is
    really uninstrumented). Objects handed to tracing-named helpers are not evidence:
    that match is by name only."""
    if settings.opentelemetry == "yes":
        return "config"
    places = provider_places + [
        record.where
        for library, records in facts.instrumented.items()
        if library != inst.WRAPPER_LIBRARY
        for record in records
    ]
    if facts.auto_instrumentation:
        places.append(facts.auto_instrumentation)
    return min(places) if places else None

def cached_facts(settings: Settings, cache_dir: Optional[Path], jobs: int = 1) -> ProjectFacts:
    """In-process memo over `compute_facts` (the flake8 plugin calls this per file)."""
    key = (str(Path(settings.root)), settings.fingerprint())
    facts = _MEMO.get(key)
    return facts if facts is not None else compute_facts(settings, cache_dir, jobs)

def _flow_key(settings: Settings, entries: dict[str, list]) -> str:
    """What the context flow is computed from: the settings and every file's content."""
    digest = hashlib.sha256(settings.fingerprint().encode())
    for relative in sorted(entries):
        digest.update(f"\0{relative}\0{entries[relative][1]}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _cached_flow(cache_file: Path, key: str) -> Optional[ContextFlow]:
    """The context flow a run computed from the same files and settings (the call graph's
    summaries and reachability cost more than reading them back)."""
    try:
        stored_key, flow = pickle.loads(cache_file.with_suffix(".flow").read_bytes())
    except Exception:  # absent, unreadable, or written by another build: computed again
        return None
    return flow if stored_key == key and isinstance(flow, ContextFlow) else None


def _write_flow(cache_file: Path, key: str, flow: ContextFlow) -> None:
    try:
        data = pickle.dumps((key, flow), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return
    if not cache_folder(cache_file.parent):
        return
    try:
        temporary = cache_file.with_suffix(f".{os.getpid()}.flowtmp")
        temporary.write_bytes(data)
        os.replace(temporary, cache_file.with_suffix(".flow"))
    except OSError:
        pass  # a cache that cannot be written only costs time


def _prune_other_builds(cache_file: Path) -> None:
    """Delete the project's facts that older builds of ctxlint wrote (but the latest)."""
    tag = cache_file.stem.rpartition("-")[2]
    try:
        others = [path for path in cache_file.parent.glob(f"facts-*-{tag}.json") if path != cache_file]
    except OSError:
        return
    for stale in stale_entries(others):
        for path in (stale, stale.with_suffix(".flow")):
            try:
                path.unlink()
            except OSError:
                pass


def _write_json(path: Path, data: object) -> None:
    if not cache_folder(path.parent):
        return
    try:
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass  # a cache that cannot be written only costs time
