"""Does the code being visited run with a parent context (a request, a message, a span)?

Shared by every rule that only matters where a trace or request context exists
(CTX101, CTX205, CTX503, ...). The answer is a short reason ("Flask route handler
`index`", "inside `with tracer.start_as_current_span(...)`") or None.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Optional

import libcst as cst

from ctxlint.model import Scope, SemanticModel
from ctxlint.semantics import entrypoints as table
from ctxlint.settings import Settings
from ctxlint.syntax import attribute_name


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
    """Lexically inside `with tracer.start_as_current_span(...)` / `use_span(...)`."""
    for item, path in model.enclosing_with_paths():
        if isinstance(item.item, cst.Call) and attribute_name(item.item.func) in table.SPAN_CONTEXT_MANAGERS:
            return f"inside `with {attribute_name(item.item.func)}(...)`"
    return None


def entry_point_reason(function: Scope, model: SemanticModel, settings: Settings, path: str = "") -> Optional[str]:
    memo = function.memo
    if "entry_point" not in memo:
        memo["entry_point"] = _entry_point_reason(function, settings, path)
    return memo["entry_point"]


def _entry_point_reason(function: Scope, settings: Settings, path: str) -> Optional[str]:
    node = function.node
    assert isinstance(node, cst.FunctionDef)
    name = node.name.value
    for decorator, resolved in zip(node.decorators, function.decorators):
        reason = _decorator_reason(decorator.decorator, resolved, settings)
        if reason is not None:
            return f"{reason} `{name}`"
    cls = function.enclosing_class
    params = [p.name.value for p in node.params.params]
    if cls is not None:
        reason = _method_reason(cls, name, params)
        if reason is not None:
            return f"{reason} `{name}`"
    elif function.parent is not None and function.parent.kind == "module":
        if name in table.LAMBDA_HANDLER_NAMES or (params[:2] == ["event", "context"] and len(params) == 2):
            return f"AWS Lambda handler `{name}`"
        if params[:1] == ["request"] and PurePath(path).name == "views.py":
            return f"Django view `{name}`"
    return None


def _decorator_reason(decorator: cst.BaseExpression, resolved: str, settings: Settings) -> Optional[str]:
    call = decorator if isinstance(decorator, cst.Call) else None
    func = call.func if call is not None else decorator
    last = attribute_name(func)
    bare = resolved[:-2] if resolved.endswith("()") else resolved
    for configured in settings.entry_point_decorators:
        if bare == configured or bare.endswith("." + configured) or last == configured.split(".")[-1]:
            return "entry point"
    if bare in table.ENTRY_POINT_DECORATORS:
        return table.ENTRY_POINT_DECORATORS[bare]
    if last is None:
        return None
    if isinstance(func, cst.Attribute):
        if last in table.ROUTE_DECORATOR_METHODS and call is not None:
            return "route handler"
        if last in table.TASK_DECORATOR_METHODS:
            return "task"
        if last in table.SPAN_CONTEXT_MANAGERS:
            return "span-decorated function"
    if last in table.BARE_ENTRY_POINT_DECORATORS:
        return table.BARE_ENTRY_POINT_DECORATORS[last]
    return None


def _method_reason(cls: Scope, name: str, params: list[str]) -> Optional[str]:
    node = cls.node
    assert isinstance(node, cst.ClassDef)
    bases = {attribute_name(base.value) or "" for base in node.bases}
    if any(base.endswith("Servicer") for base in bases) and len(params) == 3:
        return "gRPC servicer method"
    if bases & table.VIEW_BASES and (name in table.HTTP_METHODS or name in table.VIEWSET_ACTIONS):
        return "view method"
    if name.startswith("on_") and name[3:].split("_")[0] in table.HTTP_METHODS and len(params) >= 3:
        return "Falcon responder"
    return None
