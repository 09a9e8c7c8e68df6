"""Tables of library APIs the rules recognise, by resolved dotted name.

A resolved name is what `SemanticModel.resolve` returns for an expression: the import
path, with `()` for "the result of calling" (so `asyncio.get_running_loop().run_in_executor`
and `requests.Session().get` are names too). Each module here holds one family's tables;
`CANONICAL_PREFIXES` folds re-export paths onto the public name.
"""

# Private or re-export module paths -> the public path rules are written against.
CANONICAL_PREFIXES: dict[str, str] = {
    "concurrent.futures.thread.": "concurrent.futures.",
    "concurrent.futures.process.": "concurrent.futures.",
    "concurrent.futures._base.": "concurrent.futures.",
    "asyncio.tasks.": "asyncio.",
    "asyncio.events.": "asyncio.",
    "asyncio.base_events.BaseEventLoop": "asyncio.AbstractEventLoop",
    "asyncio.exceptions.": "asyncio.",
    "asyncio.threads.": "asyncio.",
    "asyncio.taskgroups.": "asyncio.",
    "asyncio.timeouts.": "asyncio.",
    "opentelemetry.context.context.": "opentelemetry.context.",
    "opentelemetry.trace.span.": "opentelemetry.trace.",
    "opentelemetry.trace.propagation.set_span_in_context": "opentelemetry.trace.set_span_in_context",
    "opentelemetry.propagate.": "opentelemetry.propagate.",
    "multiprocessing.pool.": "multiprocessing.",
    "multiprocessing.context.": "multiprocessing.",
    "anyio.to_thread.": "anyio.to_thread.",
    "requests.api.": "requests.",
    "requests.sessions.Session": "requests.Session",
    "requests.sessions.session": "requests.session",
    "httpx._client.": "httpx.",
    "httpx._api.": "httpx.",
    "aiohttp.client.": "aiohttp.",
}


# The same, by the first part of the path (every prefix above holds a dot): a lookup
# instead of a test of each prefix, on a hot path of the project pass.
_PREFIXES_BY_ROOT: dict[str, list[tuple[str, str]]] = {}
for _prefix, _public in CANONICAL_PREFIXES.items():
    _PREFIXES_BY_ROOT.setdefault(_prefix.partition(".")[0], []).append((_prefix, _public))


def canonical(path: str) -> str:
    for prefix, public in _PREFIXES_BY_ROOT.get(path.partition(".")[0], ()):
        if path.startswith(prefix):
            return public + path[len(prefix):]
    return path
