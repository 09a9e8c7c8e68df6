"""The semantic model: imports, name bindings, scopes and enclosing `with` blocks.

It is updated by the walker as it enters and leaves nodes, before the rules see a node,
and answers one question cheaply: what does this expression refer to? Names resolve to
dotted paths through the file's own import map (module level and function level), and
local bindings remember what a name was bound to (`ex = ThreadPoolExecutor()`,
`with ... as ex`, `self._pool = ...`, annotated parameters). `()` in a resolved path
means "the result of calling", so `s = requests.Session(); s.get` resolves to
`requests.Session().get`. This replaces LibCST's QualifiedNameProvider, which costs
several parses and cannot see through bindings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Optional, Sequence, Union

import libcst as cst

from ctxlint.semantics import canonical

FunctionNode = Union[cst.FunctionDef, cst.Lambda]


@dataclass
class Binding:
    """What a name was bound to: a resolved path (or None when unknown) and the node."""

    path: Optional[str]
    node: Optional[cst.CSTNode] = None


@dataclass
class Scope:
    kind: str  # "module" | "class" | "function" | "lambda"
    node: cst.CSTNode
    parent: Optional["Scope"]
    name: str = ""
    bindings: dict[str, Binding] = field(default_factory=dict)
    # class scopes: attributes assigned through `self.x = ...` in any method
    attributes: dict[str, Binding] = field(default_factory=dict)
    is_async: bool = False
    decorators: tuple[str, ...] = ()  # resolved decorator paths ("" when unresolvable)
    memo: dict = field(default_factory=dict)  # per-scope facts cached by helpers

    @property
    def enclosing_class(self) -> Optional["Scope"]:
        """The class this function is a method of (directly), if any."""
        if self.kind == "function" and self.parent is not None and self.parent.kind == "class":
            return self.parent
        return None


def dotted_name(node: cst.CSTNode) -> Optional[str]:
    """`a.b.c` as text for Name/Attribute chains, else None (no resolution)."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def unwrap_optional(annotation: cst.BaseExpression) -> cst.BaseExpression:
    """`Optional[T]`, `T | None`, `"T"` -> `T` (best effort, for binding annotations)."""
    if isinstance(annotation, cst.SimpleString):
        try:
            inner = annotation.evaluated_value
            if isinstance(inner, str):
                return unwrap_optional(cst.parse_expression(inner))
        except Exception:
            return annotation
    if isinstance(annotation, cst.Subscript) and dotted_name(annotation.value) in (
        "Optional",
        "typing.Optional",
        "t.Optional",
    ):
        elements = annotation.slice
        if len(elements) == 1 and isinstance(elements[0].slice, cst.Index):
            return unwrap_optional(elements[0].slice.value)
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        for side in (annotation.left, annotation.right):
            if not (isinstance(side, cst.Name) and side.value == "None"):
                return unwrap_optional(side)
    return annotation


class SemanticModel:
    """Scope stack plus resolution; the walker calls `enter`/`leave` around every node."""

    def __init__(self) -> None:
        self.scope: Scope = Scope("module", cst.Module([]), None)
        self.module_scope = self.scope
        self.ancestors: list[cst.CSTNode] = []
        self.with_items: list[tuple[cst.WithItem, Optional[str]]] = []

    # ------------------------------------------------------------------ queries

    @property
    def function(self) -> Optional[Scope]:
        """The innermost enclosing function or lambda scope."""
        scope: Optional[Scope] = self.scope
        while scope is not None and scope.kind not in ("function", "lambda"):
            scope = scope.parent
        return scope

    @property
    def def_function(self) -> Optional[Scope]:
        """The innermost enclosing `def` (lambdas skipped)."""
        scope: Optional[Scope] = self.scope
        while scope is not None and scope.kind != "function":
            scope = scope.parent
        return scope

    @property
    def parent(self) -> Optional[cst.CSTNode]:
        """The parent of the node currently being visited."""
        return self.ancestors[-2] if len(self.ancestors) >= 2 else None

    def lookup(self, name: str, scope: Optional[Scope] = None) -> Optional[Binding]:
        """Python's lookup order: enclosing functions, then module (class bodies skipped)."""
        scope = scope or self.scope
        first = True
        while scope is not None:
            if scope.kind != "class" or first:
                binding = scope.bindings.get(name)
                if binding is not None:
                    return binding
            first = False
            scope = scope.parent
        return None

    def resolve(self, node: cst.CSTNode) -> Optional[str]:
        """The dotted path an expression refers to, or None if it cannot be known."""
        if isinstance(node, cst.Name):
            binding = self.lookup(node.value)
            return binding.path if binding is not None else None
        if isinstance(node, cst.Attribute):
            attr = node.attr.value
            self_attr = self._self_attribute(node)
            if self_attr is not None:
                return self_attr.path
            base = self.resolve(node.value)
            return canonical(f"{base}.{attr}") if base else None
        if isinstance(node, cst.Call):
            base = self.resolve(node.func)
            return f"{base}()" if base else None
        if isinstance(node, cst.Await):
            return self.resolve(node.expression)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            # `executor or ThreadPoolExecutor()`: either side, when they do not disagree
            left, right = self.resolve(node.left), self.resolve(node.right)
            return left if right is None or left == right else (right if left is None else None)
        return None

    def resolve_call(self, call: cst.Call) -> Optional[str]:
        """The resolved path of the callee of `call` (without the trailing `()`)."""
        return self.resolve(call.func)

    def self_attribute_binding(self, node: cst.Attribute) -> Optional[Binding]:
        return self._self_attribute(node)

    def _self_attribute(self, node: cst.Attribute) -> Optional[Binding]:
        if not (isinstance(node.value, cst.Name) and node.value.value in ("self", "cls")):
            return None
        cls = self._current_class()
        if cls is None:
            return None
        # `self.x = ...` in a method, else a class-level `x = ...` seen through `self`.
        return cls.attributes.get(node.attr.value) or cls.bindings.get(node.attr.value)

    def _current_class(self) -> Optional[Scope]:
        scope: Optional[Scope] = self.scope
        while scope is not None:
            if scope.kind == "class":
                return scope
            scope = scope.parent
        return None

    def enclosing_with_paths(self) -> Iterator[tuple[cst.WithItem, Optional[str]]]:
        """`with` items enclosing the current node inside the current function, innermost first."""
        return reversed(self.with_items)

    def is_imported(self, module: str) -> bool:
        """Whether the file imports `module` (or something inside it) anywhere seen so far."""
        prefix = module + "."
        return any(name == module or name.startswith(prefix) for name in self.module_scope.memo.get("imported_modules", ()))

    # ------------------------------------------------------------------ updates

    def enter(self, node: cst.CSTNode) -> None:
        handler = _ENTER.get(type(node))
        if handler is not None:
            handler(self, node)

    def leave(self, node: cst.CSTNode) -> None:
        handler = _LEAVE.get(type(node))
        if handler is not None:
            handler(self, node)

    @staticmethod
    def tracks(node_type: type) -> tuple[bool, bool]:
        """Whether `enter` / `leave` do anything for this node type (the walker skips
        the calls for all the others)."""
        return node_type in _ENTER, node_type in _LEAVE

    def bind(self, name: str, path: Optional[str], node: Optional[cst.CSTNode]) -> None:
        previous = self.scope.bindings.get(name)
        if (
            previous is not None
            and isinstance(previous.node, cst.ImportAlias)
            and not isinstance(node, cst.ImportAlias)
            and self._in_import_error_handler()
        ):
            return
        self.scope.bindings[name] = Binding(path, node)

    def _in_import_error_handler(self) -> bool:
        """Inside `except ImportError:` (or ModuleNotFoundError): an optional-import fallback."""
        for ancestor in reversed(self.ancestors):
            if isinstance(ancestor, cst.ExceptHandler):
                caught = ancestor.type
                names = [e.value for e in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
                return any(
                    n is not None and dotted_name(n) in ("ImportError", "ModuleNotFoundError") for n in names
                )
            if isinstance(ancestor, (cst.FunctionDef, cst.ClassDef)):
                return False
        return False

    def _enter_module(self, node: cst.Module) -> None:
        self.scope = self.module_scope = Scope("module", node, None)
        self.module_scope.memo["imported_modules"] = set()
        self.module_scope.memo["main_block_definitions"] = frozenset(map(id, _main_block_definitions(node.body, False)))
        # Functions resolve globals when called, so module-level imports and simple
        # assignments anywhere in the file are visible inside functions defined above them.
        for statement in _top_level_statements(node.body):
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        self._bind_import(small)
                    elif isinstance(small, cst.Assign):
                        self._bind_assign(small)

    def _bind_import(self, node: Union[cst.Import, cst.ImportFrom]) -> None:
        imported = self.module_scope.memo["imported_modules"]
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = dotted_name(alias.name) or ""
                imported.add(full)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.bind(alias.asname.name.value, canonical(full), alias)
                else:
                    top = full.split(".")[0]
                    self.bind(top, top, alias)
            return
        if node.relative:
            module = "." * len(node.relative) + (dotted_name(node.module) or "" if node.module else "")
        else:
            module = dotted_name(node.module) if node.module is not None else ""
        imported.add(module or "")
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            path = f"{module}.{name}" if module else name
            imported.add(path)
            self.bind(local, canonical(path), alias)

    def _bind_assign(self, node: cst.Assign) -> None:
        path = self.resolve(node.value)
        for target in node.targets:
            self._bind_target(target.target, path, node.value)

    def _bind_target(self, target: cst.BaseExpression, path: Optional[str], value: Optional[cst.CSTNode]) -> None:
        if isinstance(target, cst.Name):
            self.bind(target.value, path, value)
        elif isinstance(target, cst.Attribute):
            if isinstance(target.value, cst.Name) and target.value.value == "self":
                cls = self._current_class()
                if cls is not None:
                    cls.attributes[target.attr.value] = Binding(path, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                inner = element.value
                if isinstance(inner, cst.StarredElement):
                    inner = inner.value
                self._bind_target(inner, None, None)

    def _enter_assign(self, node: cst.Assign) -> None:
        self._bind_assign(node)

    def _enter_annassign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            path = self.resolve(node.value)
        else:
            annotated = self.resolve(unwrap_optional(node.annotation.annotation))
            path = f"{annotated}()" if annotated else None
        self._bind_target(node.target, path, node.value or node.annotation)

    def _enter_namedexpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, self.resolve(node.value), node.value)

    def _enter_for(self, node: Union[cst.For, cst.CompFor]) -> None:
        self._bind_target(node.target, None, None)

    def _enter_import(self, node: Union[cst.Import, cst.ImportFrom]) -> None:
        self._bind_import(node)

    def _enter_with(self, node: cst.With) -> None:
        for item in node.items:
            path = self.resolve(item.item)
            self.with_items.append((item, path))
            if item.asname is not None:
                self._bind_target(item.asname.name, path, item.item)

    def _leave_with(self, node: cst.With) -> None:
        del self.with_items[-len(node.items):]

    def _enter_classdef(self, node: cst.ClassDef) -> None:
        self.bind(node.name.value, None, node)
        scope = Scope("class", node, self.scope, name=node.name.value)
        self.scope = scope
        _prescan_self_attributes(self, node)

    def _enter_function(self, node: cst.FunctionDef) -> None:
        decorators = tuple(self.resolve(d.decorator) or "" for d in node.decorators)
        self.bind(node.name.value, None, node)
        scope = Scope(
            "function",
            node,
            self.scope,
            name=node.name.value,
            is_async=node.asynchronous is not None,
            decorators=decorators,
        )
        self.scope = scope
        self._save_with_items(scope)
        self._bind_params(node.params)

    def _enter_lambda(self, node: cst.Lambda) -> None:
        scope = Scope("lambda", node, self.scope, name="<lambda>")
        self.scope = scope
        self._save_with_items(scope)
        self._bind_params(node.params)

    def _save_with_items(self, scope: Scope) -> None:
        # `with` blocks do not enclose code of a nested function lexically at run time.
        scope.memo["outer_with_items"] = self.with_items
        self.with_items = []

    def _bind_params(self, params: cst.Parameters) -> None:
        every: Sequence[cst.Param] = [
            *params.posonly_params,
            *params.params,
            *params.kwonly_params,
        ]
        for param in every:
            path = None
            if param.annotation is not None:
                annotated = self.resolve(unwrap_optional(param.annotation.annotation))
                path = f"{annotated}()" if annotated else None
            self.bind(param.name.value, path, param)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self.bind(star.name.value, None, star)

    def _leave_scope(self, node: cst.CSTNode) -> None:
        scope = self.scope
        if scope.parent is not None:
            if "outer_with_items" in scope.memo:
                self.with_items = scope.memo.pop("outer_with_items")
            self.scope = scope.parent


def _top_level_statements(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """Module statements, looking inside `if`/`try` blocks (guarded imports)."""
    for statement in body:
        if isinstance(statement, cst.If):
            yield from _top_level_statements(statement.body.body)
            orelse = statement.orelse
            while orelse is not None:
                yield from _top_level_statements(orelse.body.body)
                orelse = orelse.orelse if isinstance(orelse, cst.If) else None
        elif isinstance(statement, cst.Try):
            # Handlers are skipped: `except ImportError: baggage = None` is the fallback
            # for an optional dependency, and must not hide the import in the `try` body.
            yield from _top_level_statements(statement.body.body)
        else:
            yield statement


def _main_block_definitions(body: Sequence[cst.CSTNode], in_main_block: bool) -> Iterator[cst.CSTNode]:
    """The functions and classes defined in a module's `if __name__ == "__main__":` block,
    which the call graph names `<main>.name`."""
    for statement in body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            if in_main_block:
                yield statement
        elif isinstance(statement, cst.If) and not in_main_block and _is_main_guard(statement.test):
            yield from _main_block_definitions(statement.body.body, True)
            if statement.orelse is not None:
                yield from _main_block_definitions([statement.orelse], False)
        elif isinstance(statement, cst.BaseCompoundStatement):
            for block in _blocks(statement):
                yield from _main_block_definitions(block.body, in_main_block)


def _blocks(statement: cst.CSTNode) -> Iterator[cst.BaseSuite]:
    """The indented blocks of a compound statement (handlers and `else` parts included)."""
    for child in statement.children:
        if isinstance(child, cst.BaseSuite):
            yield child
        elif isinstance(child, (cst.ExceptHandler, cst.ExceptStarHandler, cst.Else, cst.Finally, cst.If, cst.MatchCase)):
            yield from _blocks(child)


def _is_main_guard(test: cst.BaseExpression) -> bool:
    return (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and test.left.value == "__name__"
        and any(isinstance(c.comparator, cst.SimpleString) and c.comparator.evaluated_value == "__main__" for c in test.comparisons)
    )


def _prescan_self_attributes(model: SemanticModel, node: cst.ClassDef) -> None:
    """Bind `self.x = Call(...)` from every method, so methods see attributes set in `__init__`."""
    scope = model.scope
    for statement in node.body.body:
        if not isinstance(statement, cst.FunctionDef):
            continue
        for small in _simple_statements(statement.body):
            if isinstance(small, (cst.Assign, cst.AnnAssign)):
                targets = (
                    [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                )
                for target in targets:
                    if (
                        isinstance(target, cst.Attribute)
                        and isinstance(target.value, cst.Name)
                        and target.value.value == "self"
                        and small.value is not None
                    ):
                        path = model.resolve(small.value)
                        if path is not None:
                            scope.attributes[target.attr.value] = Binding(path, small.value)


def _simple_statements(block: cst.BaseSuite) -> Iterator[cst.BaseSmallStatement]:
    """Small statements of a function body, through nested compound statements."""
    if isinstance(block, cst.SimpleStatementSuite):
        yield from block.body
        return
    for statement in block.body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        elif isinstance(statement, (cst.If, cst.While, cst.For, cst.With, cst.Try)):
            yield from _simple_statements(statement.body)
            orelse = getattr(statement, "orelse", None)
            if orelse is not None:
                yield from _simple_statements(orelse.body)
            if isinstance(statement, cst.Try):
                for handler in statement.handlers:
                    yield from _simple_statements(handler.body)
                if statement.finalbody is not None:
                    yield from _simple_statements(statement.finalbody.body)


_ENTER = {
    cst.Module: SemanticModel._enter_module,
    cst.Import: SemanticModel._enter_import,
    cst.ImportFrom: SemanticModel._enter_import,
    cst.Assign: SemanticModel._enter_assign,
    cst.AnnAssign: SemanticModel._enter_annassign,
    cst.NamedExpr: SemanticModel._enter_namedexpr,
    cst.For: SemanticModel._enter_for,
    cst.With: SemanticModel._enter_with,
    cst.ClassDef: SemanticModel._enter_classdef,
    cst.FunctionDef: SemanticModel._enter_function,
    cst.Lambda: SemanticModel._enter_lambda,
}

_LEAVE = {
    cst.With: SemanticModel._leave_with,
    cst.ClassDef: SemanticModel._leave_scope,
    cst.FunctionDef: SemanticModel._leave_scope,
    cst.Lambda: SemanticModel._leave_scope,
}
