"""Helpers shared by the CTX3 rules."""

from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst

from ctxlint.analysis.project import Instrumentation
from ctxlint.analysis.syntax import (
    argument,
    attribute_name,
    keyword,
    positional,
)
from ctxlint.analysis.walker import iter_descendants
from ctxlint.rules.base import Rule
from ctxlint.semantics import boundaries as sem
from ctxlint.semantics.entrypoints import is_test_path
from ctxlint.semantics.instrumentation import (
    VENDOR_AGENTS,
    WRAPPER_LIBRARY,
    WRAPPER_WORDS,
)

MEMO_KEY = "ctxlint.boundaries"


def _tracing_setup_outside_tests(facts, settings) -> bool:
    if facts.tracing_setup is None:
        return False
    if settings.opentelemetry == "yes" or facts.auto_instrumentation or not is_test_path(facts.tracing_setup):
        return True
    return any(
        record.kind == "config" or not is_test_path(record.where)
        for library, records in facts.instrumented.items()
        if library != WRAPPER_LIBRARY
        for record in records
    )


def root_name(node: cst.CSTNode) -> Optional[str]:
    """`a` for `a.b.c` / `a[0].b`, else None."""
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None

class BoundaryRule(Rule):
    """Shared by the CTX3xx rules: instrumentation verdicts, objects and hand-written propagation."""

    opentelemetry_only = True

    # ------------------------------------------------------------ instrumentation

    @property
    def inventory_known(self) -> bool:
        """Whether the project sets up instrumentation itself. Only then does a library
        missing from the inventory mean an uninstrumented boundary: a library's clients
        and servers are instrumented by the application that imports it, and a service
        that instruments nothing in its repository is instrumented where it is deployed.
        Set-up found only in test code (a test's provider or `create_trace_config()`)
        says nothing about the deployed process: a library's test suite is not an
        application."""
        memo = self.context.memo
        if MEMO_KEY + ".known" not in memo:
            memo[MEMO_KEY + ".known"] = _tracing_setup_outside_tests(self.context.facts, self.context.settings)
        return memo[MEMO_KEY + ".known"] and not self.vendor_agent_imported()

    def vendor_agent_imported(self) -> bool:
        """The file imports (so far) another vendor's APM agent, which instruments clients
        and servers itself."""
        imported = self.model.module_scope.memo.get("imported_modules", ())
        memo = self.context.memo
        known = memo.get(MEMO_KEY + ".vendor")
        if known is None or known[0] != len(imported):  # (the imports seen so far only grow)
            found = any(module.lstrip(".").split(".")[0] in VENDOR_AGENTS for module in imported if module)
            known = memo[MEMO_KEY + ".vendor"] = (len(imported), found)
        return known[1]

    def instrumented(self, libraries: Iterable[str]) -> Optional[Instrumentation]:
        for library in libraries:
            record = self.context.facts.instrumentation(library)
            if record is not None:
                return record
        return None

    def not_instrumented(self, library: str) -> str:
        """Why `library` is not instrumented, for messages."""
        disabled = self.context.facts.disabled_reason(library)
        if disabled is not None:
            where = disabled.rsplit(":", 1)[0]  # the file; messages carry no line numbers
            return f"{library} auto-instrumentation is disabled by OTEL_PYTHON_DISABLED_INSTRUMENTATIONS in {where}"
        return f"{library} is not instrumented"

    @staticmethod
    def advice(library: str, name: Optional[str], per_object: bool = True) -> str:
        """The remedy for `library`; with `per_object`, also the form that instruments
        only the object named `name`."""
        name = name or sem.DEFAULT_OBJECT_NAME.get(library, "app")
        text = sem.ADVICE[library].format(name=name)
        if per_object and library in sem.OBJECT_ADVICE:
            text += " or " + sem.OBJECT_ADVICE[library].format(name=name)
        return text

    def object_covered(self, libraries: Iterable[str], name: Optional[str], escapes: bool) -> bool:
        """Whether per-object instrumentation may cover the object bound to `name`.

        Objects are followed by name only: an object instrumented under the same name
        anywhere in the project counts (also when handed to a tracing-named wrapper such
        as `setup_tracing(app)`), and so does any object of that library when this one
        leaves its function unnamed (returned, passed on) and may be instrumented by
        whoever receives it.
        """
        facts = self.context.facts
        records = [r for library in libraries for r in facts.object_instrumentations(library)]
        if records and (name is None or escapes):
            return True
        wrapped = facts.object_instrumentations(WRAPPER_LIBRARY)  # matched by name only
        return name is not None and any(name in r.object_names() for r in [*records, *wrapped])

    # ------------------------------------------------------------ the object a call builds

    def binding(self, node: cst.Call) -> tuple[Optional[cst.CSTNode], Optional[str], bool]:
        """(target the call's value is bound to, its name, whether the value leaves the
        function: returned or passed on)."""
        parent = self.model.parent
        target = None
        if isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1:
            target = parent.targets[0].target
        elif isinstance(parent, cst.AnnAssign) and parent.value is node:
            target = parent.target
        elif isinstance(parent, cst.WithItem) and parent.item is node and parent.asname is not None:
            target = parent.asname.name
        if target is None:
            return None, None, isinstance(parent, (cst.Return, cst.Arg, cst.Yield))
        name = attribute_name(target)
        escapes = isinstance(target, cst.Name) and self._returned(target.value)
        return target, name, escapes

    def _leaves_function(self, target: Optional[cst.CSTNode], escapes: bool) -> bool:
        """The object outlives the function that builds it: returned, passed on, or stored
        on an object or at module level."""
        if escapes or self.model.def_function is None:
            return True
        if target is None:
            return isinstance(self.model.parent, (cst.Return, cst.Arg, cst.Yield))
        return not isinstance(target, cst.Name)

    def _returned(self, name: str) -> bool:
        function = self.model.def_function
        if function is None:
            return False
        for node in iter_descendants(function.node):
            if isinstance(node, cst.Return) and isinstance(node.value, cst.Name) and node.value.value == name:
                return True
        return False

    def propagates_itself(self, node: cst.Call, construction: bool = True) -> bool:
        """The call is built with OpenTelemetry or project propagation in its arguments
        (`transport=SyncOpenTelemetryTransport(...)`, `trace_configs=[create_trace_config()]`,
        `interceptors=[server_interceptor()]`, `headers=trace_headers()`), or is wrapped by
        an OpenTelemetry call (`OpenTelemetryMiddleware(Flask(...))`)."""
        helpers = self.context.facts.injectors | self.context.facts.extractors
        for arg in node.args:
            if self._mentions_propagation(arg.value, helpers, depth=0):
                return True
        if not construction:
            return False
        for ancestor in reversed(self.model.ancestors[:-1]):
            if isinstance(ancestor, cst.Call):
                resolved = self.model.resolve(ancestor.func) or ""
                called = attribute_name(ancestor.func) or ""
                if resolved.startswith("opentelemetry.") or any(word in called.lower() for word in WRAPPER_WORDS):
                    return True
                if called in self.context.facts.injectors and not self._library_call(ancestor):
                    return True  # handed to a project class or function that injects
            elif not isinstance(ancestor, (cst.Arg, cst.List, cst.Tuple, cst.Element, cst.Await)):
                break
        return False

    def _mentions_propagation(self, expression: cst.CSTNode, helpers: frozenset, depth: int) -> bool:
        for node in (expression, *iter_descendants(expression)):
            if not isinstance(node, (cst.Name, cst.Attribute)):
                continue
            if attribute_name(node) in helpers:
                return True
            resolved = self.model.resolve(node) or ""
            if resolved.startswith("opentelemetry."):
                return True
            if isinstance(node, cst.Name) and depth < 2:
                binding = self.model.lookup(node.value)
                value = binding.node if binding is not None else None
                if (
                    isinstance(value, cst.BaseExpression)
                    and value is not expression
                    and self._mentions_propagation(value, helpers, depth + 1)
                ):
                    return True
        return False

    # ------------------------------------------------------------ hand-written propagation

    def scope_node(self, target: Optional[cst.CSTNode] = None) -> cst.CSTNode:
        """Where to look for `inject`: the class for `self.x = ...`, else the enclosing
        function, else the module."""
        if isinstance(target, cst.Attribute) and root_name(target) in ("self", "cls"):
            scope = self.model.scope
            while scope is not None and scope.kind != "class":
                scope = scope.parent
            if scope is not None:
                return scope.node
        function = self.model.def_function
        return function.node if function is not None else self.model.module_scope.node

    def injects_by_hand(self, scope: cst.CSTNode, project_injectors: bool = True) -> bool:
        """The scope calls `inject(carrier)` (or, with `project_injectors`, a project
        injector) and passes the carrier to another call, or sends the result of an
        injector call."""
        memo = self.context.memo.setdefault(f"{MEMO_KEY}.inject.{project_injectors}", {})
        if id(scope) not in memo:
            names = {sem.INJECT} | (set(self.context.facts.injectors) if project_injectors else set())
            memo[id(scope)] = propagation_passed(scope, names, self._library_call)
        return memo[id(scope)]

    def _library_call(self, node: cst.Call) -> bool:
        """A call into a boundary library (`httpx.AsyncClient(...)`), never a project
        injector or extractor of the same last name (bentoml's own `AsyncClient` class)."""
        path = self.model.resolve(node.func) or ""
        return path.split(".", 1)[0] in sem.BOUNDARY_PACKAGES

    def extracts_by_hand(self, scope: cst.CSTNode) -> bool:
        """The scope calls `extract`/`attach` (or a project extractor)."""
        memo = self.context.memo.setdefault(MEMO_KEY + ".extract", {})
        if id(scope) not in memo:
            names = {sem.EXTRACT, sem.ATTACH} | set(self.context.facts.extractors)
            memo[id(scope)] = any(
                isinstance(n, cst.Call) and attribute_name(n.func) in names and not self._library_call(n)
                for n in iter_descendants(scope)
            )
        return memo[id(scope)]

def propagation_passed(scope: cst.CSTNode, injectors: set[str], library_call) -> bool:
    """A carrier filled by `inject(carrier)` (or returned by a project injector) is used
    afterwards: sent, turned into message headers, merged into a session's headers. An
    injector call whose result is used directly counts too. `library_call(node)` tells a
    boundary library's call from a project injector with the same name."""
    carriers: set[str] = set()
    occurrences: dict[str, int] = {}
    not_uses: dict[str, int] = {}  # the stores and the inject arguments themselves
    statements: set[int] = set()  # calls that are bare expression statements
    for node in iter_descendants(scope):
        if isinstance(node, cst.Expr):
            statements.add(id(node.value))
        elif isinstance(node, cst.Name):
            occurrences[node.value] = occurrences.get(node.value, 0) + 1
        elif isinstance(node, (cst.AssignTarget, cst.AnnAssign)) and isinstance(node.target, cst.Name):
            not_uses[node.target.value] = not_uses.get(node.target.value, 0) + 1
        elif isinstance(node, cst.Call) and attribute_name(node.func) in injectors and not library_call(node):
            carrier = positional(node, 0) or keyword(node, "carrier")
            if carrier is None:
                if id(node) not in statements:
                    return True  # `headers=trace_headers()`, `carrier = trace_headers()`
                continue
            root = root_name(carrier.value)
            if root is None:
                if isinstance(carrier.value, (cst.Dict, cst.List)):
                    continue  # `inject({})`: the carrier is thrown away
                return True  # `inject(build_request().headers)`: sent with that object
            if root in ("self", "cls"):
                return True  # an attribute of the object that sends it
            carriers.add(root)
            if isinstance(carrier.value, cst.Name):
                not_uses[root] = not_uses.get(root, 0) + 1
    return any(occurrences.get(name, 0) > not_uses.get(name, 0) for name in carriers)

class MessagingRule(BoundaryRule):
    def producer_library(self, node: cst.Call) -> Optional[tuple[str, tuple[str, ...]]]:
        """(library named in messages, libraries whose instrumentation covers it) of a publish call."""
        func = node.func
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        receiver = self.model.resolve(func.value) or ""
        spec = sem.PRODUCERS.get(receiver)
        if spec is not None and method in spec[1]:
            return spec[0], (spec[0],)
        if receiver.startswith(sem.AIO_PIKA_PREFIX) and method in sem.AIO_PIKA_PUBLISH:
            return "aio-pika", ("aio-pika",)
        if receiver.startswith("boto3."):
            service = self.boto3_service(func.value)
            messaging = sem.AWS_MESSAGING.get(service or "")
            if messaging is not None and method in messaging[0]:
                return messaging[2][0], messaging[2]
        return None

    def boto3_service(self, node: cst.CSTNode, depth: int = 0) -> Optional[str]:
        """The service name of the boto3 client/resource an expression comes from."""
        if depth > 6:
            return None
        if isinstance(node, cst.Await):
            return self.boto3_service(node.expression, depth + 1)
        if isinstance(node, cst.Call):
            if (self.model.resolve(node.func) or "") in sem.BOTO3_FACTORIES:
                arg = argument(node, "service_name", 0)
                if arg is not None and isinstance(arg.value, cst.SimpleString):
                    value = arg.value.evaluated_value
                    return value if isinstance(value, str) else None
                return None
            return self.boto3_service(node.func, depth + 1)
        if isinstance(node, cst.Attribute):
            binding = self.model.self_attribute_binding(node)
            if binding is not None and binding.node is not None:
                return self.boto3_service(binding.node, depth + 1)
            return self.boto3_service(node.value, depth + 1)
        if isinstance(node, cst.Name):
            binding = self.model.lookup(node.value)
            if binding is not None and isinstance(binding.node, cst.BaseExpression):
                return self.boto3_service(binding.node, depth + 1)
        return None
