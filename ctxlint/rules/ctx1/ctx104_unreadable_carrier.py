"""CTX104 unreadable-carrier."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.entrypoints import parent_context_reason
from ctxlint.analysis.syntax import source
from ctxlint.rules.base import Rule
from ctxlint.rules.ctx1.shared import (
    Extraction,
    extraction,
    is_empty_literal,
    parent_argument,
    values_of,
)
from ctxlint.semantics import otel


class UnreadableCarrier(Rule):
    """## What it does
    Reports a span started with, or a context attached from, an extraction whose carrier
    cannot hold a `traceparent` the extractor can read: a literal empty carrier
    (`extract({})`, `tracer.extract(Format.HTTP_HEADERS, {})`) for a `SERVER` or
    `CONSUMER` span; a WSGI environ or Django's
    `request.META` read with the default getter (their keys are `HTTP_TRACEPARENT`); an
    ASGI `scope["headers"]` list of byte pairs; an AWS Lambda event's `headers`, whose
    keys keep the client's casing; `os.environ` (`TRACEPARENT`); or the outgoing headers
    the same function injects into afterwards.

    ## Why is this bad?
    An extractor that finds no `traceparent` returns an empty context (OpenTelemetry's
    `extract()` does not fall back to the current one), so the span becomes the root of a
    new trace, or the attached context drops the current span. With these carriers that
    happens on every request or message, or (for Lambda's case-preserving headers) on
    every request whose client writes `Traceparent`: the service's traces are cut off
    from their callers.
    """

    code = "CTX104"
    name = "unreadable-carrier"
    triggers = ("extract", "from_headers")
    # an extraction is one of these libraries' or OpenTracing-style (`shared.extraction`)
    requires = (
        (*sorted({path.split(".")[0] for path in (*otel.EXTRACTORS, *otel.VENDOR_EXTRACTORS)}), otel.OPENTRACING_FORMAT),
    )
    example = """
    from opentelemetry import context, trace
    from opentelemetry.propagate import extract

    tracer = trace.get_tracer(__name__)

    class TracingMiddleware:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            token = context.attach(extract(request.META))
            try:
                with tracer.start_as_current_span(request.path, kind=trace.SpanKind.SERVER):
                    return self.get_response(request)
            finally:
                context.detach(token)
    """
    use_instead = """
    from opentelemetry import context, trace
    from opentelemetry.propagate import extract

    tracer = trace.get_tracer(__name__)

    class TracingMiddleware:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            token = context.attach(extract(request.headers))
            try:
                with tracer.start_as_current_span(request.path, kind=trace.SpanKind.SERVER):
                    return self.get_response(request)
            finally:
                context.detach(token)
    """
    known_limits = """
    The carrier is recognised by its shape where it is extracted: an attribute named
    `environ` or `META`, the `environ` parameter of a WSGI callable `(environ,
    start_response)`, `scope["headers"]` of a parameter
    named `scope`, `event["headers"]`/`event.get("headers")` of a handler `(event,
    context)`, `os.environ`,
    an empty literal, or the expression a later `inject()` of the same function writes
    into. The extracted context is followed through local names of the same function; a
    parent built in another function is not. A `getter=` argument is taken as reading the
    carrier correctly (except for an empty carrier), and so is an extraction with a
    fallback (`extract(...) or None`, `extract(carrier, context=...)`). An empty carrier
    is reported only for a span of kind `SERVER` or `CONSUMER` (elsewhere it is a
    deliberate new root, like `Context()`, which CTX101 judges). ddtrace's
    `HTTPPropagator.extract` reads WSGI-style keys and is not reported for them. Where
    CTX101 already reports the span (an empty carrier inside an entry point), this rule
    does not.
    """

    def visit_Call(self, node: cst.Call) -> None:
        sink = parent_argument(node, self.model)
        if sink is None:
            return
        given, verb = sink
        for value in values_of(given, self.model, self.context):
            found = extraction(value, self.model) if isinstance(value, cst.Call) else None
            if found is None or found.falls_back or found.carrier is None:
                continue
            problem = self._problem(found)
            if problem is None:
                continue
            kind, why = problem
            if kind == "empty" and (self._ctx101_reports(found) or _receiving_kind(node) is None):
                # an empty extraction is a root on purpose (like `Context()`) unless the span
                # receives a request or message, whose headers it should have read
                return
            effect = "starts a new trace" if verb == "starts" else "drops the current trace"
            self.report(node, f"`{source(node.func)}` {effect} from `{source(found.call)}`: {why}")
            return

    def _ctx101_reports(self, found: Extraction) -> bool:
        """CTX101 reports an OpenTelemetry `extract({})` inside an entry point or span."""
        if (self.model.resolve(found.call.func) or "") not in otel.EXTRACTORS:
            return False
        function = self.model.def_function
        if function is None or function.name == "main":
            return False
        return parent_context_reason(self.model, self.context.settings, self.context.path) is not None

    def _problem(self, found: Extraction) -> Optional[tuple[str, str]]:
        carrier = found.carrier
        assert carrier is not None
        options = [carrier, *values_of(carrier, self.model, self.context)] if isinstance(carrier, cst.Name) else [carrier]
        if is_empty_literal(carrier, self.model):
            return "empty", "the carrier is empty, so the extraction always returns an empty context; extract from the incoming request's or message's headers"
        outgoing = self._injected_later(found)
        if outgoing is not None:
            return "outgoing", (
                f"`{source(carrier)}` holds the outgoing headers, which `{outgoing}` writes into afterwards: they "
                f"carry no trace context yet; parent on the current context (drop `context=`) and inject after"
            )
        if not found.mapping_lookup or found.custom_getter:
            return None
        for option in options:
            shape = self._shape(option)
            if shape == "wsgi":
                return "wsgi", (
                    f"`{source(option)}` is a WSGI environ, whose header keys are `HTTP_TRACEPARENT`: the default "
                    f"getter never finds `traceparent` there; extract from the request's headers, or pass a WSGI "
                    f"getter (`getter=wsgi_getter`)"
                )
            if shape == "env":
                return "env", (
                    f"`{source(option)}` holds environment variables, named `TRACEPARENT`: the default getter "
                    f"looks up lower-case `traceparent` and never finds it; pass "
                    f"`getter=EnvironmentGetter()` (`opentelemetry.propagators._envcarrier`)"
                )
            if shape == "asgi":
                return "asgi", (
                    f"`{source(option)}` is the ASGI scope's list of (bytes, bytes) header pairs, not a mapping: "
                    f"the extractor cannot read `traceparent` from it (OpenTelemetry's default getter raises "
                    f"AttributeError); decode it into a dict of str first, or pass an ASGI getter"
                )
            if shape == "lambda":
                return "lambda", (
                    f"`{source(option)}` keeps the client's header casing (API Gateway REST API, ALB): the default "
                    f"getter looks up lower-case `traceparent` only, so a `Traceparent` header is missed and the "
                    f"span may start a new trace; wrap the headers in a case-insensitive mapping"
                )
        return None

    def _shape(self, node: cst.BaseExpression) -> Optional[str]:
        params = self._params()
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            node = node.left  # `event.get("headers") or {}`
        if isinstance(node, cst.Attribute) and node.attr.value in otel.WSGI_ENVIRON_ATTRIBUTES:
            if (self.model.resolve(node) or "") == otel.PROCESS_ENVIRONMENT:
                return "env"
            return "wsgi"
        if (
            isinstance(node, cst.Name)
            and node.value in otel.WSGI_ENVIRON_PARAMETERS
            and node.value in params
            and otel.WSGI_START_RESPONSE in params
        ):
            return "wsgi"  # `def app(environ, start_response)`
        owner, key = _headers_of(node)
        if owner is not None and owner in params:
            if owner in otel.ASGI_SCOPE_PARAMETERS and key == "subscript":
                return "asgi"
            if owner in otel.LAMBDA_EVENT_PARAMETERS and params & otel.LAMBDA_CONTEXT_PARAMETERS:
                return "lambda"  # `handler(event, context)`
        return None

    def _params(self) -> set[str]:
        function = self.model.def_function
        if function is None:
            return set()
        node = function.node
        assert isinstance(node, cst.FunctionDef)
        return {p.name.value for p in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params)}

    def _injected_later(self, found: Extraction) -> Optional[str]:
        """The inject call of the same function that writes into the extracted carrier."""
        function = self.model.def_function
        if function is None or found.carrier is None:
            return None
        text = source(found.carrier)
        from ctxlint.analysis.syntax import own_descendants

        seen = False
        for inner in own_descendants(function.node):
            if inner is found.call:
                seen = True
                continue
            if (
                seen
                and isinstance(inner, cst.Call)
                and (self.model.resolve(inner.func) or "") in otel.INJECTORS
                and inner.args
                and source(inner.args[0].value) == text
            ):
                return source(inner)
        return None


def _receiving_kind(call: cst.Call) -> Optional[str]:
    """"SERVER"/"CONSUMER" for a span start given `kind=SpanKind.SERVER/CONSUMER`."""
    from ctxlint.analysis.syntax import attribute_name, keyword

    kind = keyword(call, "kind")
    name = attribute_name(kind.value) if kind is not None else None
    return name if name in ("SERVER", "CONSUMER") else None


def _headers_of(node: cst.BaseExpression) -> tuple[Optional[str], Optional[str]]:
    """`x["headers"]` -> ("x", "subscript"); `x.get("headers")` -> ("x", "get")."""
    if (
        isinstance(node, cst.Subscript)
        and isinstance(node.value, cst.Name)
        and len(node.slice) == 1
        and isinstance(node.slice[0].slice, cst.Index)
        and isinstance(node.slice[0].slice.value, cst.SimpleString)
        and node.slice[0].slice.value.evaluated_value == otel.HEADERS_KEY
    ):
        return node.value.value, "subscript"
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "get"
        and isinstance(node.func.value, cst.Name)
        and node.args
        and isinstance(node.args[0].value, cst.SimpleString)
        and node.args[0].value.evaluated_value == otel.HEADERS_KEY
    ):
        return node.func.value.value, "get"
    return None, None
