"""CTX103 context-parameter-ignored."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from ctxlint.analysis.model import dotted_name, unwrap_optional
from ctxlint.analysis.syntax import attribute_name, is_none, source
from ctxlint.rules.base import Rule
from ctxlint.semantics import otel


@dataclass
class _Frame:
    """One `def`: its OpenTelemetry `Context` parameters, the ones used, the first sink."""

    params: frozenset
    used: set = field(default_factory=set)
    sink: Optional[str] = None  # what the function does without the parameter
    remedy: str = "pass `context={}`"

class ContextParameterIgnored(Rule):
    """## What it does
    Reports a function with a parameter annotated as an OpenTelemetry `Context` (or
    `Optional[Context]`) that starts spans, injects or attaches a context without ever
    using that parameter (the Go `contextcheck` idea).

    ## Why is this bad?
    The caller handed over the context its work belongs to, typically one extracted from
    an incoming message. Spans started without it hang off whatever happens to be current
    (often nothing: a new trace), and `inject` propagates the wrong parent.
    """

    code = "CTX103"
    name = "context-parameter-ignored"
    triggers = ("Context",)
    requires = (("start_span", "start_as_current_span", "inject", "attach"),)
    modules = ("opentelemetry",)
    example = """
    from opentelemetry import trace
    from opentelemetry.context import Context

    tracer = trace.get_tracer(__name__)

    def process(message, parent: Context):
        with tracer.start_as_current_span("process"):
            handle(message)
    """
    use_instead = """
    from opentelemetry import trace
    from opentelemetry.context import Context

    tracer = trace.get_tracer(__name__)

    def process(message, parent: Context):
        with tracer.start_as_current_span("process", context=parent):
            handle(message)
    """
    known_limits = """
    Any mention of the parameter counts as a use (passed on, tested, reassigned). A
    parameter whose name starts with `_` is taken as deliberately unused. Only the
    function's own body counts as starting spans; nested functions are checked on their own.
    """

    def __init__(self, context) -> None:
        super().__init__(context)
        self._frames: list[Optional[_Frame]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        names = frozenset(
            param.name.value
            for param in params
            if param.annotation is not None
            and not param.name.value.startswith("_")
            and self._is_context_annotation(param.annotation.annotation)
        )
        self._frames.append(_Frame(names) if names else None)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self._frames.pop()
        if frame is None or frame.sink is None:
            return
        unused = sorted(frame.params - frame.used)
        if not unused:
            return
        param = unused[0]
        self.report(
            node.name,
            f"`{node.name.value}` takes the OpenTelemetry Context `{param}` but {frame.sink} without it; "
            + frame.remedy.format(param),
        )

    def visit_Name(self, node: cst.Name) -> None:
        if not any(frame is not None and node.value in frame.params for frame in self._frames):
            return
        parent = self.model.parent
        if isinstance(parent, cst.Param) and parent.name is node:
            return
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return
        for frame in self._frames:
            if frame is not None and node.value in frame.params:
                frame.used.add(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        frame = self._frames[-1] if self._frames else None
        if frame is None or frame.sink is not None:
            return
        func = node.func
        last = attribute_name(func)
        if isinstance(func, cst.Attribute) and last in otel.SPAN_STARTERS:
            frame.sink = f"starts spans (`{source(func)}`)"
            return
        path = self.model.resolve(func)
        if path in otel.INJECTORS:
            frame.sink = f"injects (`{source(func)}`)"
        elif path == otel.ATTACH:
            frame.sink = f"attaches a context (`{source(func)}`)"
            frame.remedy = "attach `{}` or a context derived from it"

    def _is_context_annotation(self, annotation: cst.BaseExpression) -> bool:
        annotation = unwrap_optional(annotation)
        if isinstance(annotation, cst.Subscript) and (dotted_name(annotation.value) or "").endswith("Union"):
            kept = [
                element.slice.value
                for element in annotation.slice
                if isinstance(element.slice, cst.Index) and not is_none(element.slice.value)
            ]
            if len(kept) != 1:
                return False
            annotation = unwrap_optional(kept[0])
        return self.model.resolve(annotation) == otel.OTEL_CONTEXT
