"""What project functions and classes do with the context: context wrappers (return a
callable running in `copy_context()`), span factories, injectors, extractors, and request
hooks that extract by hand."""

from __future__ import annotations

import ast

from ctxlint.analysis.project.facts import FileFacts
from ctxlint.analysis.project.scan import Summary, dotted_text
from ctxlint.semantics import boundaries as bnd
from ctxlint.semantics.entrypoints import ROUTE_DECORATOR_METHODS


def record_function(facts: FileFacts, node, summary: Summary) -> None:
    """A function's facts: context wrapper, span factory, injector, extractor, request hook."""
    calls = summary.calls
    if summary.copies and summary.runs and summary.returns:
        # returns something that runs a callable in a context captured by copy_context()
        facts.context_wrappers.append(node.name)
    if summary.returns_span:
        facts.span_factories.append(node.name)
    if bnd.INJECT in calls:
        facts.injectors.append(node.name)
    if bnd.EXTRACT in calls:
        facts.extractors.append(node.name)
    if node.name in bnd.SERVER_HOOK_METHODS or any(_server_hook(d) for d in node.decorator_list):
        # whether a callee extracts is known once every file is read (merge_facts)
        facts.hook_registrations.extend([name, node.lineno] for name in sorted(calls))

def _server_hook(decorator: ast.AST) -> bool:
    """`@app.before_request`, `@app.middleware("http")`, and route decorators
    (`@app.route("/")`, `@router.get("/")`): the function handles incoming requests."""
    if isinstance(decorator, ast.Attribute):
        return decorator.attr in bnd.SERVER_HOOKS
    if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute):
        return decorator.func.attr in bnd.SERVER_HOOKS or decorator.func.attr in ROUTE_DECORATOR_METHODS
    return False

def record_class(facts: FileFacts, node: ast.ClassDef, summary: Summary) -> None:
    """A class's facts: injector, extractor, a gRPC servicer that extracts itself."""
    calls = summary.calls
    if bnd.INJECT in calls:
        facts.injectors.append(node.name)
    if bnd.EXTRACT in calls:
        facts.extractors.append(node.name)
        if any(dotted_text(base).endswith("Servicer") for base in node.bases):
            # a gRPC servicer extracting from `context.invocation_metadata()` itself
            facts.hook_registrations.append([bnd.EXTRACT, node.lineno])
