"""Does the code being visited run with a parent context (a request, a message, a span)?

Shared by every rule that only matters where a trace or request context exists
(CTX101, CTX205, CTX503, ...). The answer is a short reason ("Flask route handler
`index`", "inside `with tracer.start_as_current_span(...)`") or None.

An entry point (SPEC §3 "Shared notions") is recognised by how it is registered:
decorators (route, task, actor, view_config, `entry-point-decorators`), the class it is
a method of (class-based views, gRPC servicers, Falcon resources, Celery `Task.run`), its
signature (AWS Lambda, Django function views, an ASGI application's `(scope, receive, send)`), or a registration call in the same
module (`Route("/", endpoint)`, `add_url_rule`, `router.add_get`, `basic_consume(...,
on_message_callback=f)`, `queue.consume(f)`). Registration calls are collected by one
pre-scan of the module, done the first time a function needs it.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING, Optional

import libcst as cst

from ctxlint.analysis.model import Scope, SemanticModel, dotted_name
from ctxlint.analysis.syntax import attribute_name, keyword, positional
from ctxlint.semantics import entrypoints as table

if TYPE_CHECKING:
    from ctxlint.settings import Settings


def parent_context_reason(model: SemanticModel, settings: Settings, path: str = "") -> Optional[str]:
    """Why the current node has a parent context, or None."""
    span = active_span_reason(model)
    if span is not None:
        return span
    function = model.function
    if function is None or function.kind != "function":
        return None
    return entry_point_reason(function, model, settings, path)


def active_span_reason(model: SemanticModel) -> Optional[str]:
    """Lexically inside the body of `with tracer.start_as_current_span(...)` / `use_span(...)`.

    Only the enclosing function's own `with` blocks count (a nested function runs
    later, maybe elsewhere), and a `with` item does not enclose its own expression.
    """
    for item, path in model.enclosing_with_paths():
        if not isinstance(item.item, cst.Call):
            continue
        name = attribute_name(item.item.func)
        vendor = path is not None and path.endswith("()") and path[:-2] in table.VENDOR_SPAN_CONTEXT_MANAGERS
        if (name in table.SPAN_CONTEXT_MANAGERS or vendor) and not _is_ancestor(item.item, model):
            return f"inside `with {name}(...)`"
    return None


def entry_point_reason(function: Scope, model: SemanticModel, settings: Settings, path: str = "") -> Optional[str]:
    """Why `function` (a `def` scope) is an entry point, or None. Memoised per function."""
    memo = function.memo
    if "entry_point" not in memo:
        memo["entry_point"] = _entry_point_reason(function, model, settings, path)
    return memo["entry_point"]


def _is_ancestor(node: cst.CSTNode, model: SemanticModel) -> bool:
    return any(ancestor is node for ancestor in model.ancestors)


def _entry_point_reason(function: Scope, model: SemanticModel, settings: Settings, path: str) -> Optional[str]:
    node = function.node
    assert isinstance(node, cst.FunctionDef)
    name = node.name.value
    for decorator, resolved in zip(node.decorators, function.decorators):
        reason = _decorator_reason(decorator.decorator, resolved, model, settings)
        if reason is not None:
            return f"{reason} `{name}`"
    params = [p.name.value for p in (*node.params.posonly_params, *node.params.params)]
    registered = _registered_handlers(model)
    cls = function.enclosing_class
    if node.asynchronous is not None and (
        (cls is None and params == list(table.ASGI_PARAMETERS))
        or (cls is not None and name == "__call__" and params[1:] in (list(table.ASGI_PARAMETERS), list(table.ASGI_PARAMETERS[1:])))
    ):
        return f"ASGI application `{name}`"
    if cls is not None:
        reason = _method_reason(cls, name, params, model) or registered.get(("method", name))
        return f"{reason} `{name}`" if reason is not None else None
    reason = registered.get(("function", name))
    if reason is not None:
        return f"{reason} `{name}`"
    if function.parent is not None and function.parent.kind == "module":
        if name in table.LAMBDA_HANDLER_NAMES or params == ["event", "context"]:
            return f"AWS Lambda handler `{name}`"
        if params[:1] == ["request"] and _is_views_module(path):
            return f"Django view `{name}`"
    return None


def _is_views_module(path: str) -> bool:
    """`views.py`, or a module inside a `views/` package."""
    pure = PurePath(path)
    return pure.name == "views.py" or "views" in pure.parts[:-1]


# ---------------------------------------------------------------------- decorators


def _decorator_reason(
    decorator: cst.BaseExpression, resolved: str, model: SemanticModel, settings: Settings
) -> Optional[str]:
    call = decorator if isinstance(decorator, cst.Call) else None
    func = call.func if call is not None else decorator
    last = attribute_name(func)
    bare = resolved[:-2] if resolved.endswith("()") and call is not None else resolved
    if _configured(func, bare, settings):
        return "entry point"
    if bare in table.ENTRY_POINT_DECORATORS:
        return table.ENTRY_POINT_DECORATORS[bare]
    if last is None:
        return None
    if isinstance(func, cst.Attribute):
        receiver = model.resolve(func.value)
        if last in table.ROUTE_DECORATOR_METHODS and call is not None and _is_route(call, last, receiver):
            return "route handler"
        if last in table.TASK_DECORATOR_METHODS:
            return "Celery task" if receiver in table.CELERY_APPS else "task"
        if last in table.SPAN_CONTEXT_MANAGERS and call is not None:
            return "span-decorated function"
    elif last in table.BARE_ENTRY_POINT_DECORATORS and model.lookup(last) is None:
        return table.BARE_ENTRY_POINT_DECORATORS[last]
    return None


def _configured(func: cst.BaseExpression, resolved: str, settings: Settings) -> bool:
    """`entry-point-decorators`: a dotted name matches the resolved path (the decorator as
    written when it cannot be resolved), or its dotted tail; a bare name matches the
    decorator's last name."""
    if not settings.entry_point_decorators:
        return False
    written = dotted_name(func) or ""
    last = attribute_name(func)
    for configured in settings.entry_point_decorators:
        if "." not in configured:
            if last == configured:
                return True
        elif configured in (resolved, written) or (resolved or written).endswith("." + configured):
            return True
    return False


def _is_route(call: cst.Call, method: str, receiver: Optional[str]) -> bool:
    """`@x.get(...)` is a route when `x` is a known app/router, or when the decorator
    passes a URL path literal (`"/items/{id}"`, or `""` under a router prefix);
    `route`/`api_route`/`websocket` are routes by name. (`@mock.patch("a.b")` is not.)"""
    if receiver in table.ROUTERS or method in table.ROUTE_ONLY_METHODS:
        return True
    first = positional(call, 0) or keyword(call, "path") or keyword(call, "rule")
    return first is not None and _looks_like_path(first.value)


def _looks_like_path(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return isinstance(value, str) and (value == "" or value.startswith("/"))
    if isinstance(node, cst.FormattedString):
        return any(isinstance(part, cst.FormattedStringText) and "/" in part.value for part in node.parts)
    if isinstance(node, cst.ConcatenatedString):
        return _looks_like_path(node.left) or _looks_like_path(node.right)
    return False


# ---------------------------------------------------------------------- methods


def _method_reason(cls: Scope, name: str, params: list[str], model: SemanticModel) -> Optional[str]:
    node = cls.node
    assert isinstance(node, cst.ClassDef)
    bases = [base.value for base in node.bases if base.keyword is None]
    if len(params) == 3 and any((attribute_name(base) or "").endswith("Servicer") for base in bases):
        return "gRPC servicer method"
    for methods, label in _view_kinds(bases, model, depth=0):
        if name in methods:
            return label
    if name.startswith("on_") and name[3:].split("_")[0] in table.HTTP_METHODS and len(params) >= 3:
        return "Falcon responder"
    return None


def _view_kinds(bases: list[cst.BaseExpression], model: SemanticModel, depth: int) -> list[tuple[frozenset, str]]:
    """The (handler methods, label) of every known view base, following local classes."""
    kinds = []
    for base in bases:
        resolved = model.resolve(base)
        if resolved is not None:
            kind = table.view_kind(resolved)
            if kind is not None:
                kinds.append(kind)
            continue
        name = attribute_name(base)
        binding = model.lookup(name) if isinstance(base, cst.Name) else None
        if binding is not None and isinstance(binding.node, cst.ClassDef) and depth < 5:
            inner = [b.value for b in binding.node.bases if b.keyword is None]
            kinds.extend(_view_kinds(inner, model, depth + 1))
        elif binding is None and name in table.UNRESOLVED_VIEW_BASES:
            kinds.append(table.UNRESOLVED_VIEW_BASES[name])
    return kinds


# ---------------------------------------------------------------------- registrations


def _registered_handlers(model: SemanticModel) -> dict[tuple[str, str], str]:
    """("function" | "method", name) -> reason, for handlers registered by a call in
    this module. Computed once per module."""
    memo = model.module_scope.memo
    found = memo.get("registered_handlers")
    if found is None:
        found = memo["registered_handlers"] = _scan_registrations(model)
    return found


def _scan_registrations(model: SemanticModel) -> dict[tuple[str, str], str]:
    from ctxlint.analysis.walker import iter_descendants

    found: dict[tuple[str, str], str] = {}
    for node in iter_descendants(model.module_scope.node):
        if not isinstance(node, cst.Call):
            continue
        spec = table.REGISTRATIONS.get(attribute_name(node.func) or "")
        if spec is None:
            spec = table.RESOLVED_REGISTRATIONS.get(model.resolve(node.func) or "")
        if spec is None:
            continue
        positions, keywords, reason = spec
        arguments = [positional(node, index) for index in positions]
        arguments += [keyword(node, name) for name in keywords]
        for arg in arguments:
            if arg is not None:
                for handler in handler_names(arg.value, model):
                    found.setdefault(handler, reason)
    return found


def handler_names(value: cst.BaseExpression, model: SemanticModel, depth: int = 0) -> list[tuple[str, str]]:
    """The functions a registered callback runs: `f` -> function f; `self.f` -> method f;
    `partial(f, ...)`, `lambda ...: f(...)` and `[f, g]` unwrapped."""
    if isinstance(value, cst.Name):
        return [("function", value.value)]
    if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name) and value.value.value in ("self", "cls"):
        return [("method", value.attr.value)]
    if depth > 2:
        return []
    if isinstance(value, (cst.List, cst.Tuple)):
        return [name for element in value.elements for name in handler_names(element.value, model, depth + 1)]
    if isinstance(value, cst.Call) and model.resolve(value.func) == "functools.partial":
        first = positional(value, 0)
        return handler_names(first.value, model, depth + 1) if first is not None else []
    if isinstance(value, cst.Lambda) and isinstance(value.body, cst.Call):
        return handler_names(value.body.func, model, depth + 1)
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
        # `decorate_callback(handle, "queue")`: a module function returning the nested
        # function it defines, which is what runs
        return [("function", name) for name in _returned_nested_functions(value.func.value, model)]
    return []


def _returned_nested_functions(name: str, model: SemanticModel) -> list[str]:
    module = model.module_scope.node
    factory = next(
        (s for s in getattr(module, "body", ()) if isinstance(s, cst.FunctionDef) and s.name.value == name), None
    )
    if factory is None:
        return []
    nested = {
        statement.name.value
        for statement in factory.body.body
        if isinstance(statement, cst.FunctionDef)
    } if isinstance(factory.body, cst.IndentedBlock) else set()
    returned = []
    for statement in factory.body.body if isinstance(factory.body, cst.IndentedBlock) else ():
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Return) and isinstance(small.value, cst.Name) and small.value.value in nested:
                    returned.append(small.value.value)
    return returned
