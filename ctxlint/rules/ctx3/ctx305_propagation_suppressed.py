"""CTX305 propagation-suppressed."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.syntax import (
    source,
)
from ctxlint.rules.ctx3.shared import MessagingRule
from ctxlint.semantics import boundaries as sem


class PropagationSuppressed(MessagingRule):
    """## What it does
    Reports an outbound HTTP request or message publish made inside
    `with suppress_http_instrumentation():` or `with suppress_instrumentation():` while the
    library is otherwise instrumented.

    ## Why is this bad?
    Inside the block the instrumentation does nothing: no client span and no `traceparent`
    header, so the receiving side starts a new trace. That is right for an exporter
    sending telemetry, and wrong for a call that belongs to the request being handled.
    """

    code = "CTX305"
    name = "propagation-suppressed"
    preview = True
    triggers = ("suppress_",)
    example = """
    import requests
    from opentelemetry.instrumentation.requests import RequestsInstrumentor
    from opentelemetry.instrumentation.utils import suppress_http_instrumentation

    RequestsInstrumentor().instrument()

    def charge(payment):
        with suppress_http_instrumentation():
            return requests.post("https://billing/charge", json=payment, timeout=5)
    """
    use_instead = """
    import requests
    from opentelemetry.instrumentation.requests import RequestsInstrumentor

    RequestsInstrumentor().instrument()

    def charge(payment):
        return requests.post("https://billing/charge", json=payment, timeout=5)
    """
    known_limits = """
    Only `with` blocks in the same function are seen, not suppression set by a caller.
    Calls on a client are recognised when the client's construction is visible (same
    function, `self.` attribute, module level, or an annotation).
    """

    def visit_Call(self, node: cst.Call) -> None:
        suppressor = self._suppressor()
        if suppressor is None:
            return
        name, scope = suppressor
        found = self._outbound(node, http_only=scope == "http")
        if found is None:
            return
        library, libraries = found
        facts = self.context.facts
        if self.instrumented(libraries) is None and not any(facts.object_instrumentations(lib) for lib in libraries):
            return  # nothing to suppress: CTX301/CTX303 report the missing instrumentation
        if self.injects_by_hand(self.scope_node()):
            return
        self.report(
            node,
            f"`{source(node.func)}` runs inside `{name}()`: the {library} instrumentation is suppressed and no "
            f"trace context is sent; move the call out of the block or `propagate.inject(headers)` by hand",
        )

    def _suppressor(self) -> Optional[tuple[str, str]]:
        for _item, path in self.model.enclosing_with_paths():
            if not path or not path.startswith("opentelemetry.") or not path.endswith("()"):
                continue
            name = path[:-2].rsplit(".", 1)[-1]
            if name in sem.SUPPRESSORS:
                return name, sem.SUPPRESSORS[name]
        return None

    def _outbound(self, node: cst.Call, http_only: bool) -> Optional[tuple[str, tuple[str, ...]]]:
        path = self.model.resolve(node.func) or ""
        if path in sem.HTTP_SHORTCUTS:
            return sem.HTTP_SHORTCUTS[path], (sem.HTTP_SHORTCUTS[path],)
        if path in sem.HTTP_CLIENTS:
            return None  # a construction sends nothing by itself
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in sem.HTTP_SEND_METHODS:
            receiver = self.model.resolve(func.value) or ""
            library = sem.HTTP_CLIENTS.get(receiver[:-2]) if receiver.endswith("()") else None
            if library:
                return library, (library,)
        if http_only:
            return None
        return self.producer_library(node)
