"""One file's part of the call graph: its functions, what each calls, and which context
each reads directly (SPEC §5, "Context need"). From the file's `ast`, JSON-shaped so the
project pass caches it per file; `summaries.py` joins the files and follows the calls.

A call is recorded by what its callee is, as far as this file can tell:

    L:<qualname>        a function or class defined in this file (`Worker.run`, `helper`)
    P:<dotted path>     a name imported into this file (`pkg.render.draw`, `.jobs.run`)
    S:<name>            `self.<name>(...)`: a method of the enclosing class, or an attribute
    U:<what>            a callable of unknown origin: the function's own parameter
    O:<qualname>:<name> a parameter of the enclosing function <qualname> (a closure's)
    V:<variable ref>    `<var>.get(...)`: an L:/P: reference to a possible ContextVar
    G:<receiver>        a logging call (`logger.info(...)`)
    A:<reference>       an L:/P:/S: callable only mentioned (an argument, a lambda's call)
    R:<part>:<what>     a direct read of the context (a table of semantics/context_readers.py)
    W:<part>            a write of that part of the context (`attach`, `use_scope`): the work
                        was handed it explicitly, or pushes its own (`app.app_context()`)
    T:<variable ref>    `<var>.set(...)`: a write, if the reference is a ContextVar
    X:<variable ref>    `<var>.reset(...)`: the write undone, if the reference is a ContextVar
    K:<ref>|<ref>...    (only while walking) a table of callables (`{"pdf": pdf, ...}`), and
    E:<ref>|<ref>...    one of its entries: `TABLE[key](...)` and
                        `TABLE.get(key, default).chunk(...)` record a call of each entry

`()` after a reference means "an instance of" (`L:Client().send`).

A function's facts also say whether it is a coroutine function (`async`), whether it
`yields` (a generator hands control to its consumer between its statements), and the
`methods` it calls on objects of unknown type (`store.add_watch(...)`: any project method
of that name may be the callee), and its `root`, when it runs once for the whole process
(a command-line command, an `atexit` or signal handler). A module's `module_sets` are the
`T:` writes its own top-level code makes (at import: for the whole process), and its
`pools` say, for each `ThreadPoolExecutor(...)` it makes, whether the initializer is handed
a copied context, and its `imports` map the names its top-level `from ... import` binds to
their paths (what a package re-exports: `from .jobs import run`; `star_imports` lists the
modules of `from .jobs import *`).
"""

from __future__ import annotations

import ast
import re
import sys
from collections import deque
from typing import Iterator, Optional, Union

from ctxlint.analysis.project.scan import CONSTANT_NODES, code_fields
from ctxlint.semantics import canonical, concurrency
from ctxlint.semantics import context_readers as readers
from ctxlint.semantics import entrypoints as entrypoint_table

_LOGGER_NAME = re.compile(r"(^|_)(log|logger)$", re.IGNORECASE)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
OWN_PARAMETER = "U:the parameter "  # how a function's own parameter is recorded (`U:the parameter `f``)
_TABLE = "K:"
_ENTRY = "E:"
_COPY_CONTEXT = concurrency.COPY_CONTEXT
MAIN_BLOCK = "<main>"
_DEEP_RECURSION = 20_000  # walks code nested as deep as CPython's parser accepts
_BLANKED_STATEMENTS = 20  # newer-syntax statements blanked out before giving up
EMPTY_GRAPH: dict = {
    "functions": {}, "classes": {}, "context_vars": [], "instances": {}, "logging": [], "arguments": [],
    "listeners": [], "module_sets": [], "pools": [], "imports": {}, "star_imports": [],
}
# The fields that hold blocks: statements, `except` clauses, `match` cases.
_BLOCK_FIELD_NAMES = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})
_BLOCK_FIELDS: dict[type, tuple[str, ...]] = {}  # statement type -> its fields among them
_LEAVES = frozenset({*CONSTANT_NODES, ast.Load, ast.Store, ast.Del, ast.Pass, ast.Break, ast.Continue, ast.alias})
# A ContextVar's methods as the call graph records them (module docstring).
_VARIABLE_METHODS = {"get": "V", "set": "T", "reset": "X"}
_HOP_NAMES = frozenset({"Thread", "Timer", "start_new_thread", "submit", "map", "run_in_executor", "apply_async", "Process"})
_THREAD_STARTER_NAMES = frozenset(path.rsplit(".", 1)[-1] for path in concurrency.THREAD_STARTERS)
_EMPTYING_METHODS = (concurrency.EXECUTOR_METHODS - {"map"}) | {"run_in_executor"}


def extract_call_graph(tree: ast.Module) -> dict:
    """`{"functions": {qualname: {...}}, "classes": {...}, "context_vars": [...], "logging": [...]}`."""
    return _FileGraph(tree).run()


def graph_of_tree(tree: ast.Module) -> dict:
    """The call graph of a parsed file (walked with the limit deep code needs)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _DEEP_RECURSION))
    try:
        return extract_call_graph(tree)
    except (ValueError, RecursionError, MemoryError, OverflowError):
        return dict(EMPTY_GRAPH)
    finally:
        sys.setrecursionlimit(limit)


def graph_of_source(source: Union[str, bytes]) -> dict:
    """The call graph of a file's source. Statements the running interpreter cannot parse
    (syntax of a newer Python: `type X = ...` on 3.11) are blanked out one by one, so the
    rest of the file still has its graph; code nested deeper than the recursion limit
    allows is walked with a higher limit. Unparseable text gives an empty graph."""
    text = source.decode("utf-8", errors="replace") if isinstance(source, bytes) else source
    lines = text.splitlines(keepends=True)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _DEEP_RECURSION))
    try:
        blanked: set[int] = set()
        for _attempt in range(_BLANKED_STATEMENTS + 1):
            try:
                return extract_call_graph(ast.parse("".join(lines)))
            except SyntaxError as error:
                line = (error.lineno or 0) - 1
                if line in blanked:
                    # the stand-in is wrong where it stands (`except*` after a `try:`
                    # body): blank the statement that opened the construct too
                    line = _opener(lines, line)
                if line is None or not 0 <= line < len(lines) or not lines[line].strip() or line in blanked:
                    break
                lines[line] = _blank(lines, line)
                blanked.add(line)
        return dict(EMPTY_GRAPH)
    except (ValueError, RecursionError, MemoryError, OverflowError):
        return dict(EMPTY_GRAPH)
    finally:
        sys.setrecursionlimit(limit)


def _opener(lines: list[str], line: int) -> Optional[int]:
    """The nearest line above `line` at its indentation: the header of the construct a
    clause such as `except*:` belongs to."""
    indent = len(lines[line]) - len(lines[line].lstrip())
    for above in range(line - 1, -1, -1):
        text = lines[above]
        if text.strip() and not text.lstrip().startswith("#") and len(text) - len(text.lstrip()) == indent:
            return above
    return None


def _blank(lines: list[str], line: int) -> str:
    """A statement that stands in for `lines[line]`: a block header when the next line is
    indented deeper (`class Box[T]:`), so its body still parses, else `pass`."""
    def indent(text: str) -> str:
        return text[: len(text) - len(text.lstrip())]

    following = next((text for text in lines[line + 1 :] if text.strip() and not text.lstrip().startswith("#")), "")
    header = len(indent(following)) > len(indent(lines[line]))
    return f"{indent(lines[line])}{'if True:' if header else 'pass'}\n"


class _Scope:
    __slots__ = ("qualname", "node", "params", "locals", "facts", "parent", "is_class")

    def __init__(self, qualname: str, node: ast.AST, parent: Optional["_Scope"], is_class: bool = False) -> None:
        self.qualname = qualname
        self.node = node
        self.parent = parent
        self.is_class = is_class
        self.params: set[str] = set()
        self.locals: dict[str, Optional[str]] = {}  # name -> reference (None: unknown origin)
        self.facts: dict = {}


class _FileGraph:
    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.aliases: dict[str, str] = {}  # imported name -> dotted path
        self.module_names: dict[str, str] = {}  # module-level name -> reference
        self.defined: set[str] = set()  # module-level defs and classes
        self.functions: dict[str, dict] = {}
        self.instances: dict[str, str] = {}  # module-level name -> `L:Client()`
        # [callee, [argument, ...], {keyword: argument}, line, caller]: what calls hand to
        # project functions that may run it (see `_argument`)
        self.arguments: list[list] = []
        self.classes: dict[str, dict] = {}
        self.context_vars: list[str] = []
        self.logging: list[list] = []
        self.listeners: list[list] = []  # [object reference, function]: runs inside calls on it
        self.module_sets: list[str] = []  # `T:` writes of the module's top-level code
        self.process_callbacks: list[tuple[str, str]] = []  # (qualname, what): run at exit, on a signal
        self.registered: list[tuple[str, str]] = []  # (qualname, what): a request or message handler registered by a call
        self.pools: list[bool] = []  # per `ThreadPoolExecutor(...)` made here: its initializer gets a copied context
        self.imports: dict[str, str] = {}  # name -> dotted path, of the module's top-level `from ... import`
        self.star_imports: list[str] = []  # the modules of its top-level `from ... import *`
        self.guarded = 0  # inside a `try` whose handler catches RuntimeError (Flask outside a request)

    # ------------------------------------------------------------------ the walk

    def run(self) -> dict:
        for node in _every_statement(self.tree.body):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.aliases[alias.asname] = canonical(alias.name)
                    else:
                        top = alias.name.split(".")[0]
                        self.aliases[top] = top
            elif isinstance(node, ast.ImportFrom):
                self.aliases.update(_imported(node))
        # Names whose loads are looked at (Flask's context locals, structlog's merge): the
        # rest of the loads are skipped without resolving them.
        self.context_heads = {
            name for name, path in self.aliases.items() if path.split(".")[0] in (*readers.FLASK_MODULES, "structlog")
        }
        self.cli = any(path.split(".")[0] in entrypoint_table.CLI_LIBRARIES for path in self.aliases.values())
        for statement in self.tree.body:
            if isinstance(statement, (*_FUNCTIONS, ast.ClassDef)):
                self.defined.add(statement.name)
        for statement in _module_statements(self.tree.body):
            if isinstance(statement, ast.ImportFrom):
                # what the module re-exports (a package's `from .jobs import run`)
                self.imports.update((name, path) for name, path in _imported(statement).items() if name not in self.defined)
                if any(alias.name == "*" for alias in statement.names):
                    self.star_imports.append("." * statement.level + (statement.module or ""))
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                reference = self._reference(statement.value, None)
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.module_names[target.id] = reference
                        if reference and reference.endswith("()") and reference[:2] in ("L:", "P:"):
                            self.instances[target.id] = reference
                        if self._is_context_var(statement.value, None):
                            self.context_vars.append(target.id)
        module = _Scope("", self.tree, None)
        self._body(self.tree.body, module)
        for qualname, what in self.process_callbacks:
            if qualname in self.functions:
                self.functions[qualname].setdefault("root", what)
        for qualname, what in self.registered:
            if qualname in self.functions:
                self.functions[qualname].setdefault("entry", what)
        for facts in self.functions.values():
            for listed in ("methods", "emptied"):
                if listed in facts:
                    facts[listed] = sorted(facts[listed])
        return {
            "functions": self.functions,
            "classes": self.classes,
            "context_vars": self.context_vars,
            "instances": self.instances,
            "logging": self.logging,
            "arguments": self.arguments,
            "listeners": self.listeners,
            "module_sets": self.module_sets,
            "pools": self.pools,
            "imports": self.imports,
            "star_imports": self.star_imports,
        }

    def _body(self, statements: list, scope: _Scope) -> None:
        for statement in statements:
            self._node(statement, scope)

    def _node(self, node: ast.AST, scope: _Scope) -> None:
        kind = type(node)
        if kind in _LEAVES:
            return
        special = _SPECIAL_NODES.get(kind)
        if special is not None and special(self, node, scope):
            return  # judged whole
        for field in code_fields(kind):
            value = getattr(node, field, None)
            if type(value) is list:
                for child in value:
                    # (None: a `**spread`'s key in a dict display)
                    if child is not None and type(child) not in _LEAVES:
                        self._node(child, scope)
            elif value is not None and type(value) not in _LEAVES:
                self._node(value, scope)

    # The nodes `_node` looks at before (or instead of) walking their children. Each
    # returns True when it has walked what it needed of the node.

    def _on_name(self, node: ast.Name, scope: _Scope) -> bool:
        if type(node.ctx) is ast.Load and node.id in self.context_heads:
            self._load(node, scope)
        return True

    def _on_if(self, node: ast.If, scope: _Scope) -> bool:
        if not scope.qualname and _is_main_guard(node.test):
            self._main_block(node)
            return True
        return False

    def _on_function(self, node, scope: _Scope) -> bool:
        self._function(node, scope)
        return True

    def _on_class(self, node: ast.ClassDef, scope: _Scope) -> bool:
        self._class(node, scope)
        return True

    def _on_lambda(self, node: ast.Lambda, scope: _Scope) -> bool:
        # Its body runs when the lambda is called, not here: what it calls is only
        # mentioned (a lambda handed to a hop is judged where it is handed).
        mentioned = _Scope(scope.qualname, node, scope)
        mentioned.facts = {"calls": []}
        for argument in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
            mentioned.params.add(argument.arg)
        self._node(node.body, mentioned)
        if scope.qualname in self.functions:
            for reference, line in mentioned.facts["calls"]:
                if reference[:2] in ("L:", "P:", "S:"):
                    self._record(scope, "A:" + reference, line)
            if mentioned.facts.get("hops"):
                scope.facts["hops"] = True  # (`lambda f: loop.run_in_executor(None, f)`: the function makes a hop)
        return True

    def _on_yield(self, node: ast.AST, scope: _Scope) -> bool:
        if scope.qualname in self.functions and not isinstance(scope.node, ast.Lambda):
            scope.facts["yields"] = True
        return False

    def _on_await(self, node: ast.Await, scope: _Scope) -> bool:
        """`await awaitable` in a coroutine nested in the function whose parameter it is: it
        runs the caller's coroutine, as a call of a parameter would."""
        if isinstance(node.value, ast.Name) and scope.qualname in self.functions:
            reference = self._reference(node.value, scope)
            if reference is not None and reference.startswith("O:"):
                self._record(scope, reference, node.lineno)
        return False

    def _on_try(self, node: ast.Try, scope: _Scope) -> bool:
        if not any(_catches_runtime_error(h) for h in node.handlers):
            return False
        self.guarded += 1
        self._body(node.body, scope)
        self.guarded -= 1
        for part in (*node.handlers, *node.orelse, *node.finalbody):
            self._node(part, scope)
        return True

    def _on_call(self, node: ast.Call, scope: _Scope) -> bool:
        self._call(node, scope)
        return False

    def _on_attribute(self, node: ast.Attribute, scope: _Scope) -> bool:
        if type(node.ctx) is not ast.Load:
            return False
        base = node
        while type(base) is ast.Attribute:
            base = base.value
        if type(base) is ast.Name:
            if base.id in self.context_heads:
                self._load(node, scope)
        else:
            self._node(base, scope)  # `make().attr`: the call inside the chain
        return True  # the chain was judged whole

    def _on_assignment(self, node, scope: _Scope) -> bool:
        if scope.qualname:
            self._assign(node, scope)
        return False

    def _on_loop_target(self, node, scope: _Scope) -> bool:
        if scope.qualname:
            for name in _names(node.target):
                scope.locals[name] = None  # an element of something: its origin is unknown
        return False

    def _function(self, node, scope: _Scope) -> None:
        qualname = f"{scope.qualname}.{node.name}" if scope.qualname else node.name
        inner = _Scope(qualname, node, scope)
        arguments = node.args
        for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg):
            if argument is not None:
                inner.params.add(argument.arg)
        traced = []
        entry = ""
        root = ""
        decorated = []
        autouse = False
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            method = target.attr if isinstance(target, ast.Attribute) else None
            path = self._path_text(target, scope) or ""
            if path == entrypoint_table.PYTEST_FIXTURE and isinstance(decorator, ast.Call):
                autouse = any(kw.arg == "autouse" and isinstance(kw.value, ast.Constant) and kw.value.value is True for kw in decorator.keywords)
            found = readers.tracing_decorator(path, method)
            if found is not None:
                traced = [found[0], found[1], decorator.lineno]
            entry = entry or _entry_point(path, method, isinstance(decorator, ast.Call)) or _bare_route(decorator)
            root = root or self._program_root(path, method, isinstance(decorator, ast.Call))
            if readers.LISTENER_REGISTRATIONS.get(path) and isinstance(decorator, ast.Call) and decorator.args:
                self._listener(decorator.args[0], qualname, scope)
            applied = self._reference(target, scope)
            if applied is not None and applied[:2] in ("L:", "P:"):
                decorated.append([applied, isinstance(decorator, ast.Call)])
        if scope.is_class and entrypoint_table.is_shell_command(node.name):
            bases = self.classes[scope.qualname]["bases"]
            if any(base.removeprefix("P:") in entrypoint_table.SHELL_BASES for base in bases):
                root = root or "command of a `cmd.Cmd` shell"
        if scope.qualname:
            scope.locals[node.name] = f"L:{qualname}"
        facts = inner.facts
        positional = [argument.arg for argument in (*arguments.posonlyargs, *arguments.args)]
        facts.update(line=node.lineno, params=sorted(inner.params), positional=positional, calls=[], traced=traced)
        if entry:
            facts["entry"] = entry
        if root:
            facts["root"] = root
        if autouse:
            facts["autouse"] = True  # pytest runs it around each test of its module or directory
        if decorated:
            facts["decorated"] = decorated
        if scope.is_class:
            facts["method"] = True
        if isinstance(node, ast.AsyncFunctionDef):
            facts["async"] = True
        self.functions[qualname] = facts
        for default in (*arguments.defaults, *arguments.kw_defaults):
            if default is not None:
                self._node(default, scope)
        for decorator in node.decorator_list:
            self._node(decorator, scope)
        self._body(node.body, inner)

    def _main_block(self, node: ast.If) -> None:
        """`if __name__ == "__main__":`: the program's root, summarised as `<main>`."""
        inner = _Scope(MAIN_BLOCK, node, _Scope("", self.tree, None))
        inner.facts.update(line=node.lineno, params=[], positional=[], calls=[], traced=[])
        self.functions.setdefault(MAIN_BLOCK, inner.facts)
        self._body(node.body, inner)
        for statement in node.orelse:
            self._node(statement, inner.parent)

    def _class(self, node: ast.ClassDef, scope: _Scope) -> None:
        qualname = f"{scope.qualname}.{node.name}" if scope.qualname else node.name
        inner = _Scope(qualname, node, scope, is_class=True)
        bases = [self._reference(base, scope) for base in node.bases]
        methods = sorted(s.name for s in node.body if isinstance(s, _FUNCTIONS))
        given = _callable_attributes(node)
        self.classes[qualname] = {"line": node.lineno, "bases": [b for b in bases if b], "methods": methods,
                                  "callable_attributes": sorted(given), "given_by": given}
        for base in bases:
            hook = readers.LOGGING_HOOK_BASES.get((base or "").removeprefix("P:"))
            if hook is not None and hook in methods:
                self.logging.append(["hook", f"{qualname}.{hook}", node.lineno])
            hook = readers.TRANSPORT_HOOK_BASES.get(canonical((base or "").removeprefix("P:")))
            if hook is not None and hook in methods:
                self.classes[qualname]["transport_hook"] = hook
        for statement in node.body:
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
                if self._is_context_var(statement.value, scope):
                    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                    self.context_vars.extend(f"{qualname}.{t.id}" for t in targets if isinstance(t, ast.Name))
        for decorator in node.decorator_list:
            self._node(decorator, scope)
        for base in node.bases:
            self._node(base, scope)
        self._body(node.body, inner)

    # ------------------------------------------------------------------ statements

    def _assign(self, node, scope: _Scope) -> None:
        value = node.value
        if value is None:
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        reference = None if isinstance(value, (ast.Subscript, ast.Call)) and not self._reference(value, scope) else self._reference(value, scope)
        for target in targets:
            for name in _names(target):
                scope.locals[name] = reference if isinstance(target, ast.Name) else None

    def _load(self, node, scope: _Scope) -> None:
        """A Flask context local read as a value (`request.args`, `g.user`); a structlog
        processor chain that merges context variables into every event."""
        path = self._path_text(node, scope)
        if path is None:
            return
        if path in readers.STRUCTLOG_MERGE:
            self.logging.append(["structlog", path, node.lineno])
            return
        found = readers.reading_call(path) if path.split(".")[0] in readers.FLASK_MODULES else None
        if found is not None and scope.qualname in self.functions and not self.guarded:
            self._record(scope, f"R:{found[0]}:{found[1]}", node.lineno)

    def _listener(self, target: ast.AST, function: str, scope: _Scope) -> None:
        """`function` runs inside calls on `target` (a module-level object)."""
        if isinstance(target, ast.Name) and target.id in self.module_names:
            reference: Optional[str] = f"L:{target.id}"  # the object, not what made it
        else:
            reference = self._reference(target, scope)
        if reference is not None and reference[:2] in ("L:", "P:"):
            self.listeners.append([reference, function])

    def _call(self, node: ast.Call, scope: _Scope) -> None:
        func = node.func
        line = node.lineno
        reference = self._reference(func, scope)
        if reference is None and isinstance(func, ast.Attribute) and scope.facts.get("calls") is not None:
            scope.facts.setdefault("methods", set()).add(func.attr)  # of an object of unknown type
        path = canonical(reference[2:]) if reference is not None and reference.startswith("P:") else None
        if path == concurrency.THREAD_POOL:
            self.pools.append(self._initializer_copies(node, scope))
        position = entrypoint_table.PROCESS_CALLBACK_REGISTRATIONS.get(path or "")
        if position is not None and len(node.args) > position:
            self._process_callback(node.args[position], path, scope)
        if len(node.args) >= 3 and readers.LISTENER_REGISTRATIONS.get(path or "") is False:
            callback = self._reference(node.args[2], scope)
            if callback is not None and callback.startswith("L:"):
                self._listener(node.args[0], callback[2:], scope)
        self._registration(node, path, scope)
        self._arguments(node, reference, scope)
        if scope.facts.get("calls") is not None and _hands_over(node.func):
            scope.facts["hops"] = True  # hands work to a thread, pool or process
        if node.args and path == readers.LOG_RECORD_FACTORY:
            factory = self._reference(node.args[0], scope)
            if factory:
                self.logging.append(["factory", factory, node.lineno])
        if path in readers.LOGURU_HOOKS:
            self._loguru_hooks(node, path, scope)
        if scope.qualname not in self.functions and not isinstance(scope.node, ast.Lambda):
            # module level or a class body: runs once, at import
            if isinstance(func, ast.Attribute) and func.attr == "set" and not scope.qualname:
                receiver = self._reference(func.value, scope)
                if receiver is not None and not receiver.startswith("U:"):
                    self.module_sets.append(f"T:{receiver}")
            return
        after_runner = False
        emptied = _empties_context(node) and not any(self._argument(argument, scope) == "C:" for argument in node.args)
        for argument in (*node.args, *(keyword.value for keyword in node.keywords)):
            # a callable handed on (`Thread(target=work)`, `submit(self._render)`) is only
            # mentioned here; the project pass still summarises it; so is the coroutine
            # function a runner handed on runs (`submit(asyncio.run, fetch(...))`)
            handed = argument.func if after_runner and isinstance(argument, ast.Call) else argument
            mention = self._reference(handed, scope) if isinstance(handed, (ast.Name, ast.Attribute, ast.Subscript)) else None
            after_runner = (
                handed is argument and isinstance(argument, (ast.Name, ast.Attribute))
                and mention is not None and mention.startswith("P:") and canonical(mention[2:]) in readers.RUNNERS
            )
            if mention is not None:  # (a subscript: a table's entry)
                for entry in mention[2:].split("|") if mention.startswith(_ENTRY) else [mention]:
                    if entry[:2] in ("L:", "P:", "S:") or entry.startswith(OWN_PARAMETER):
                        self._record(scope, "A:" + entry, argument.lineno)
                        if emptied:
                            scope.facts.setdefault("emptied", set()).add(entry)
        if path in readers.WRITERS:
            self._record(scope, f"W:{readers.WRITERS[path]}", line)
            return
        if isinstance(func, ast.Attribute) and func.attr in readers.FLASK_CONTEXT_PUSHERS:
            self._record(scope, f"W:{readers.FLASK}", line)  # `with app.app_context():`
            return
        if path in readers.RUNNERS and node.args:
            runs = self._reference(node.args[0], scope)
            if runs is not None and runs[:2] in ("U:", "S:"):
                self._record(scope, runs, line)  # the runner runs it now: as good as a call
        if path in readers.LOGGING_CALLBACK_FACTORIES and node.args:
            logger = node.args[0]
            if isinstance(logger, ast.Call) and self._path_text(logger.func, scope) == "typing.cast" and len(logger.args) == 2:
                logger = logger.args[1]  # `cast(Logger, logger)`
            if self._is_logger(logger, self._reference(logger, scope)):
                self._record(scope, f"G:{_text(logger)}", line)  # it logs through `logger` on each retry
        if isinstance(func, ast.Name) and func.id == "next" and node.args and self._reference(func, scope) is None:
            advanced = self._reference(node.args[0], scope)
            if advanced is not None and advanced.startswith(OWN_PARAMETER):
                self._record(scope, advanced, line)  # `next(gen)` runs the caller's generator
        if isinstance(func, ast.Attribute):
            method = func.attr
            if method in readers.SPAN_STARTERS and not _has_parent_argument(node):
                self._record(scope, f"R:{readers.OTEL}:the current span (`{method}` without `context=`)", line)
                return
            receiver = self._reference(func.value, scope)
            if method in _VARIABLE_METHODS and receiver is not None and receiver.startswith("S:"):
                receiver = self._class_variable(receiver, scope)
            if method in _VARIABLE_METHODS and receiver is not None and not receiver.startswith("U:"):
                self._record(scope, f"{_VARIABLE_METHODS[method]}:{receiver}", line)
            if method in readers.LOG_METHODS and self._is_logger(func.value, receiver):
                self._record(scope, f"G:{_text(func.value)}", line)
                return
        if path is not None:
            found = readers.reading_call(path)
            if found is not None:
                if not (self.guarded and path.split(".")[0] in readers.FLASK_MODULES):
                    self._record(scope, f"R:{found[0]}:{found[1]} (`{_short(path)}`)", line)
                return
        if isinstance(func, ast.Attribute) and func.attr == "run" and node.args and self._is_context(func.value, scope):
            runs = self._reference(node.args[0], scope)  # `ctx.run(job)`: `job` runs here
            if runs is not None and (runs[:2] in ("L:", "P:", "S:", "O:") or runs.startswith(OWN_PARAMETER)):
                self._record(scope, runs, line)
        if reference is not None and reference.startswith(_ENTRY):
            for entry in reference[2:].split("|"):
                self._record(scope, entry, line)  # dispatch through a table: any of its entries
            return
        if reference is not None and (not reference.startswith("U:") or reference.startswith(OWN_PARAMETER)):
            # Of the callables of unknown origin, only the function's own parameters say
            # something: an element of a table, a call's result, a loop variable or an
            # outer function's parameter is dispatch whose targets are out of sight.
            self._record(scope, reference, line)

    def _loguru_hooks(self, node: ast.Call, path: str, scope: _Scope) -> None:
        """`logger.add(sink, filter=TraceIdFilter())`: the project callables loguru runs for
        every message (`semantics.context_readers.LOGURU_HOOKS`)."""
        keywords = {keyword.arg: keyword.value for keyword in node.keywords}
        for where, what in readers.LOGURU_HOOKS[path].items():
            given = node.args[where] if isinstance(where, int) and where < len(node.args) else keywords.get(where)
            hook = self._reference(given, scope) if given is not None else None
            if hook is not None and hook[:2] in ("L:", "P:", "S:"):
                self.logging.append([f"loguru {what}", hook, node.lineno])

    def _program_root(self, path: str, method: Optional[str], called: bool) -> str:
        """What a decorator makes of its function when it runs it once per process: a
        command-line command, an exit handler."""
        if path in entrypoint_table.PROCESS_CALLBACK_REGISTRATIONS:
            return path
        cli = self.cli or path.split(".")[0] in entrypoint_table.CLI_LIBRARIES
        if called and cli and method in entrypoint_table.CLI_COMMAND_DECORATOR_METHODS:
            return "command-line command"
        return ""

    def _process_callback(self, callback: ast.AST, registration: str, scope: _Scope) -> None:
        """`atexit.register(cleanup)`, `signal.signal(SIGTERM, self._on_term)`: the function
        runs for the process itself."""
        qualname = self._defined_here(callback, scope)
        if qualname is not None:
            self.process_callbacks.append((qualname, registration))

    def _defined_here(self, node: ast.AST, scope: _Scope) -> Optional[str]:
        """The qualname of the function of this module that `node` names: `f`, or
        `self.f` in a method of `f`'s class."""
        reference = self._reference(node, scope)
        if reference is not None and reference.startswith("L:"):
            return reference[2:]
        frame = _class_frame(scope) if reference is not None and reference.startswith("S:") else None
        return f"{frame.qualname}.{reference[2:]}" if frame is not None else None

    def _registration(self, node: ast.Call, path: Optional[str], scope: _Scope) -> None:
        """`app.router.add_post("/hook", self._handle)`, `web.get("/", index)`: the handler
        serves requests or messages (the registrations of `analysis/entrypoints.py`)."""
        spec = entrypoint_table.REGISTRATIONS.get(_called_name(node.func)) or entrypoint_table.RESOLVED_REGISTRATIONS.get(path or "")
        if spec is None:
            return
        positions, keywords, what = spec
        handlers = [node.args[index] for index in positions if index < len(node.args)]
        handlers += [kw.value for kw in node.keywords if kw.arg in keywords]
        for handler in handlers:
            qualname = self._defined_here(handler, scope)
            if qualname is not None:
                self.registered.append((qualname, what))

    def _initializer_copies(self, pool: ast.Call, scope: _Scope) -> bool:
        """`ThreadPoolExecutor(initializer=set_context, initargs=(copy_context(),))`, or
        `initargs=(parent,)` with `parent = copy_context()`: each worker starts in a copy
        of the context the pool was made in."""
        keywords = {keyword.arg: keyword.value for keyword in pool.keywords}
        if "initializer" not in keywords or "initargs" not in keywords:
            return False
        for node in ast.walk(keywords["initargs"]):
            reference = self._reference(node.func, scope) if isinstance(node, ast.Call) else self._reference(node, scope)
            if reference == f"P:{_COPY_CONTEXT}" or reference == f"P:{_COPY_CONTEXT}()":
                return True
        return False

    def _class_variable(self, reference: str, scope: _Scope) -> str:
        """`L:Class.var` for `cls.var`/`self.var` when the class body makes `var` a
        ContextVar (`_current = ContextVar(...)`); the reference as it was otherwise."""
        frame = _class_frame(scope)
        name = f"{frame.qualname}.{reference[2:]}" if frame is not None else None
        return f"L:{name}" if name in self.context_vars else reference

    def _arguments(self, node: ast.Call, callee: Optional[str], scope: _Scope) -> None:
        """What a call to a possible project function (`callee`, the reference of what it
        calls) hands over that it may run: for the project pass to tell what a
        caller-supplied callable really is."""
        if callee is None or callee[:2] not in ("L:", "P:", "S:"):
            return
        positional = [self._argument(argument, scope) for argument in node.args if not isinstance(argument, ast.Starred)]
        keywords = {kw.arg: self._argument(kw.value, scope) for kw in node.keywords if kw.arg is not None}
        if any(positional) or any(keywords.values()):
            self.arguments.append([callee, positional, keywords, node.lineno, scope.qualname])

    def _argument(self, node: ast.AST, scope: _Scope) -> Optional[str]:
        """`L:`/`P:`/`S:` for a callable handed over, `C:` for one that runs in a copied
        context, `F:` for a method of an object of unknown type (free), `U:the parameter
        ...` for the caller's own, `Λ:<ref>;<ref>` for a lambda (what its body calls); None
        for anything else."""
        if isinstance(node, ast.Attribute) and node.attr == "run":
            receiver = node.value
            if isinstance(receiver, ast.Call) and self._path_text(receiver.func, scope) == _COPY_CONTEXT:
                return "C:"
            if re.search(r"(^|_)(ctx|context)$", _text(receiver), re.IGNORECASE):
                return "C:"
        if isinstance(node, ast.Call) and self._path_text(node.func, scope) == "functools.partial" and node.args:
            return self._argument(node.args[0], scope)
        if isinstance(node, ast.Lambda):
            called = [self._reference(call.func, scope) for call in ast.walk(node.body) if isinstance(call, ast.Call)]
            kept = [ref for ref in called if ref is not None and (ref[:2] in ("L:", "P:", "S:") or ref.startswith(OWN_PARAMETER))]
            return "Λ:" + ";".join(kept)
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
            reference = self._reference(node, scope)
            if reference is not None and (reference[:2] in ("L:", "P:", "S:") or reference.startswith(OWN_PARAMETER)):
                return reference
            if reference is not None and reference.startswith(_ENTRY):
                return "Λ:" + ";".join(reference[2:].split("|"))  # an entry of a table: any of them
            if reference is None and isinstance(node, ast.Attribute):
                return "F:"  # a method of an object of unknown type: nothing of the project's
        return None

    def _record(self, scope: _Scope, reference: str, line: int) -> None:
        scope.facts["calls"].append([reference, line])

    # ------------------------------------------------------------------ names

    def _reference(self, node: ast.AST, scope: Optional[_Scope]) -> Optional[str]:
        """What a callee expression refers to, as a reference (module docstring)."""
        if isinstance(node, ast.Name):
            name = node.id
            frame = scope
            own = True
            while frame is not None and frame.qualname:
                if frame.is_class:  # a class body's names are not visible in its methods
                    frame = frame.parent
                    continue
                if name in frame.params:
                    if name in ("self", "cls"):
                        return None
                    if own and not isinstance(frame.node, ast.Lambda):
                        return f"{OWN_PARAMETER}`{name}`"
                    if not isinstance(frame.node, ast.Lambda):
                        return f"O:{frame.qualname}:{name}"  # an enclosing function's parameter
                    return f"U:`{name}`"
                own = own and isinstance(frame.node, ast.Lambda)
                if name in frame.locals:
                    return frame.locals[name] if frame.locals[name] is not None else f"U:`{name}`"
                frame = frame.parent
            if name in self.defined or name in self.context_vars:
                return f"L:{name}"
            if name in self.aliases:
                return f"P:{self.aliases[name]}"
            return self.module_names.get(name)
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                return f"S:{node.attr}"
            if _is_super_call(node.value):
                base = self._first_base(scope)
                return f"{base}.{node.attr}" if base is not None else None
            base = self._reference(node.value, scope)
            if base is None or base.startswith(("U:", "S:", "O:", _TABLE)):
                return None  # a method of an object of unknown type, or of the table
            if base.startswith(_ENTRY):
                return _ENTRY + "|".join(f"{entry}.{node.attr}" for entry in base[2:].split("|"))
            return f"{base}.{node.attr}"
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "get" and node.args:
                table = self._reference(func.value, scope)
                if table is not None and table.startswith(_TABLE):  # `TABLE.get(key, default)`
                    default = self._reference(node.args[1], scope) if len(node.args) > 1 else None
                    return _table(_ENTRY, [*table[2:].split("|"), default])
            base = self._reference(func, scope)
            return f"{base}()" if base and not base.startswith(("U:", "S:", "O:", _ENTRY)) else None
        if isinstance(node, ast.Subscript):
            table = self._reference(node.value, scope)
            return _ENTRY + table[2:] if table is not None and table.startswith(_TABLE) else None
        if isinstance(node, ast.Dict) and node.values:
            return _table(_TABLE, [self._reference(value, scope) for value in node.values], every=True)
        return None

    def _first_base(self, scope: Optional[_Scope]) -> Optional[str]:
        """The first base of the class whose method is being read: what `super()` names
        (single inheritance; a project class or an imported one)."""
        frame = _class_frame(scope)
        if frame is None or not isinstance(frame.node, ast.ClassDef) or not frame.node.bases:
            return None
        base = self._reference(frame.node.bases[0], frame.parent)
        return base if base is not None and base[:2] in ("L:", "P:") else None

    def _path_text(self, node: ast.AST, scope: Optional[_Scope]) -> Optional[str]:
        """The dotted path of an imported name (`P:` references only), for the tables."""
        reference = self._reference(node, scope)
        if reference is not None and reference.startswith("P:"):
            return canonical(reference[2:])
        return None

    def _is_context(self, node: ast.AST, scope: _Scope) -> bool:
        """`copy_context()`, or a name like `ctx`/`context`: a `contextvars.Context`."""
        if isinstance(node, ast.Call):
            return self._path_text(node.func, scope) == _COPY_CONTEXT
        if isinstance(node, ast.Name) and node.id not in scope.locals and node.id not in scope.params:
            return False  # captured before the work was handed over: it runs in the caller's copy
        if isinstance(node, ast.Attribute):
            return False  # `self._context`: captured when the object was made, by its maker
        return bool(re.search(r"(^|_)(ctx|context)$", _text(node), re.IGNORECASE))

    def _is_context_var(self, value: ast.AST, scope: Optional[_Scope]) -> bool:
        return isinstance(value, ast.Call) and self._path_text(value.func, scope) == readers.CONTEXT_VAR_CLASS

    def _is_logger(self, receiver: ast.AST, reference: Optional[str]) -> bool:
        if reference is not None and reference.startswith("P:"):
            path = reference[2:]
            if path == "logging" or path == "structlog" or any(path.startswith(f + "(") for f in readers.LOGGER_FACTORIES):
                return True
        last = receiver.attr if isinstance(receiver, ast.Attribute) else receiver.id if isinstance(receiver, ast.Name) else ""
        return bool(_LOGGER_NAME.search(last))


_SPECIAL_NODES = {
    ast.Name: _FileGraph._on_name,
    ast.If: _FileGraph._on_if,
    ast.FunctionDef: _FileGraph._on_function,
    ast.AsyncFunctionDef: _FileGraph._on_function,
    ast.ClassDef: _FileGraph._on_class,
    ast.Lambda: _FileGraph._on_lambda,
    ast.Try: _FileGraph._on_try,
    ast.Await: _FileGraph._on_await,
    ast.Yield: _FileGraph._on_yield,
    ast.YieldFrom: _FileGraph._on_yield,
    ast.Call: _FileGraph._on_call,
    ast.Attribute: _FileGraph._on_attribute,
    ast.Assign: _FileGraph._on_assignment,
    ast.AnnAssign: _FileGraph._on_assignment,
    ast.NamedExpr: _FileGraph._on_assignment,
    ast.For: _FileGraph._on_loop_target,
    ast.AsyncFor: _FileGraph._on_loop_target,
    ast.comprehension: _FileGraph._on_loop_target,
}

def _class_frame(scope: Optional[_Scope]) -> Optional[_Scope]:
    """The class whose body or method `scope` is in."""
    while scope is not None and not scope.is_class:
        scope = scope.parent
    return scope


def _catches_runtime_error(handler: ast.ExceptHandler) -> bool:
    """`except RuntimeError` (or broader): code prepared to run outside Flask's context."""
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(n is None or _text(n).rsplit(".", 1)[-1] in ("RuntimeError", "Exception", "BaseException") for n in names)


def _entry_point(path: str, method: Optional[str], called: bool) -> str:
    """A label when a decorator registers a request or message handler (route, task)."""
    if path.removesuffix("()") in entrypoint_table.ENTRY_POINT_DECORATORS:
        return entrypoint_table.ENTRY_POINT_DECORATORS[path.removesuffix("()")]
    if method in entrypoint_table.TASK_DECORATOR_METHODS:
        return "task"
    if called and method in entrypoint_table.ROUTE_DECORATOR_METHODS:
        return "request handler"
    return ""


def _bare_route(decorator: ast.AST) -> str:
    """`@route("/queues")` (bottle's, rolo's and their re-exports): a route registered by a
    function decorator rather than an application's method."""
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Name) and decorator.func.id == "route"):
        return ""
    path = decorator.args[0] if decorator.args else None
    if isinstance(path, ast.Constant) and isinstance(path.value, str) and path.value.startswith("/"):
        return "request handler"
    return ""


def _statements(body: list) -> list:
    """A function body's statements, those of its `if`/`try`/`with` blocks included."""
    found = []
    for statement in body:
        found.append(statement)
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(statement, field, None)
            if type(inner) is list and not isinstance(statement, (*_FUNCTIONS, ast.ClassDef)):
                found.extend(_statements(inner))
    return found


def _called_name(func: ast.AST) -> str:
    """The last name of what a call calls: `submit` for `pool.submit`, `Thread` for `Thread`."""
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _hands_over(func: ast.AST) -> bool:
    return _called_name(func) in _HOP_NAMES


def _empties_context(call: ast.Call) -> bool:
    """A hop whose worker starts from an empty context (`Thread(target=f)`,
    `executor.submit(f)`, `loop.run_in_executor(None, f)`), not handed one
    (`Thread(..., context=...)`); `map` is left out: the builtin `map` and many other
    types' `map` run `f` right here."""
    func = call.func
    name = _called_name(func)
    if name in _THREAD_STARTER_NAMES:
        return not any(keyword.arg == "context" for keyword in call.keywords)
    return isinstance(func, ast.Attribute) and name in _EMPTYING_METHODS


def _is_main_guard(test: ast.AST) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


def _every_statement(body: list) -> Iterator[ast.AST]:
    """Every statement of the module (nested blocks, function and class bodies included),
    breadth first as `ast.walk` visits them: an import is a statement, so the expressions
    need no visit."""
    pending = deque(body)
    while pending:
        node = pending.popleft()
        yield node
        fields = _BLOCK_FIELDS.get(type(node))
        if fields is None:
            fields = _BLOCK_FIELDS[type(node)] = tuple(field for field in node._fields if field in _BLOCK_FIELD_NAMES)
        for field in fields:
            value = getattr(node, field, None)
            if type(value) is list:  # (not a lambda's or a conditional expression's `body`)
                pending.extend(value)


def _imported(node: ast.ImportFrom) -> dict[str, str]:
    """The names a `from ... import` binds, each with its dotted path (`.jobs.run`)."""
    module = "." * node.level + (node.module or "")
    return {
        alias.asname or alias.name: canonical(f"{module}.{alias.name}" if module and not module.endswith(".") else module + alias.name)
        for alias in node.names
        if alias.name != "*"
    }


def _module_statements(body: list) -> list:
    """Module statements, looking inside `if`/`try` blocks (guarded definitions)."""
    found = []
    for statement in body:
        if isinstance(statement, ast.If):
            found.extend(_module_statements(statement.body + statement.orelse))
        elif isinstance(statement, ast.Try):
            found.extend(_module_statements(statement.body + statement.orelse + statement.finalbody))
        else:
            found.append(statement)
    return found


def _table(kind: str, entries: list, every: bool = False) -> Optional[str]:
    """A table of project callables (`{"pdf": pdf_parser, "docx": self._docx}`, `K:`) or
    one of its entries (`E:`) as one reference. None unless every entry (with `every`), or
    at least one, is a function, a method of the class, a class or a module."""
    kept = sorted({entry for entry in entries if entry is not None and entry[:2] in ("L:", "P:", "S:") and not entry.endswith("()")})
    if not kept or (every and len(kept) < len(set(entries))):
        return None
    return kind + "|".join(kept)


def _names(target: ast.AST) -> list[str]:
    """The names an assignment target binds (`d[key] = ...` and `obj.x = ...` bind none)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return _names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _names(element)]
    return []


def _has_parent_argument(call: ast.Call) -> bool:
    return len(call.args) >= 2 or any(keyword.arg == "context" for keyword in call.keywords)


def _callable_attributes(node: ast.ClassDef) -> dict[str, str]:
    """`self.<name> = <parameter or lambda>` in any method: attributes holding a callable
    the class was given (calling one runs code of unknown origin), with the `__init__`
    parameter that gave it ("" when another method or a lambda did)."""
    found: dict[str, str] = {}
    for method in node.body:
        if not isinstance(method, _FUNCTIONS):
            continue
        arguments = method.args
        params = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)} - {"self"}
        if not params and method.name != "__init__":
            continue
        for statement in _statements(method.body):
            if not isinstance(statement, ast.Assign):
                continue
            value = statement.value
            holds_callable = isinstance(value, ast.Lambda) or (isinstance(value, ast.Name) and value.id in params)
            if not holds_callable:
                continue
            given = value.id if isinstance(value, ast.Name) and method.name == "__init__" else ""
            for target in statement.targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                    found[target.attr] = given
    return found


def _text(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return "..."


def _short(path: str) -> str:
    """`opentelemetry.trace.get_current_span` -> `trace.get_current_span`."""
    parts = path.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else path


def _is_super_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
