"""Project-wide facts, computed once per project root and cached on disk (SPEC §5).

Facts: whether first-party code uses OpenTelemetry; which libraries are instrumented
(instrumentor calls, per-object instrumentation, auto-instrumentation in launch files and
the libraries it leaves disabled); which project functions propagate by hand (call
`inject`/`extract`); which `ContextVar`s the project defines; which project functions are
context wrappers (return a callable running in `copy_context()`) or span factories (return
`tracer.start_span(...)`).

    scan.py       one `ast` traversal of a Python file: imports, calls, function summaries
    inventory.py  what is instrumented: instrumentor calls, middleware, launch files
    wrappers.py   what project functions do: context wrappers, span factories, hooks
    facts.py      the facts, per file and merged per project
    store.py      which files, the per-file cache, and the merge
"""

from ctxlint.analysis.project.facts import FileFacts, Instrumentation, ProjectFacts
from ctxlint.analysis.project.store import (
    cached_facts,
    compute_facts,
    extract_python_facts,
    merge_facts,
    release_workers,
)

__all__ = [
    "FileFacts",
    "Instrumentation",
    "ProjectFacts",
    "cached_facts",
    "compute_facts",
    "extract_python_facts",
    "merge_facts",
    "release_workers",
]
