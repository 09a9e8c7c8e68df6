"""Where a project ContextVar can hold a value the project set (SPEC §5, "Context need").

A hop loses a ContextVar only if the variable can hold a value where the work is handed
over. A variable is *set* for the code that runs after its `set` until a `reset` undoes
it: the rest of the setting function, what it calls, and, when the function returns or
yields with the value still set, its callers. Those functions are the variable's
*activators*. A hop's function can see the value when it is an activator or is called,
directly or not, by one.

Both walks go up the call graph: from each `set` to the callers that keep it, and from a
hop's function to its callers. They stop at the program's roots: request and message
handlers (decorated, or registered by a call such as aiohttp's `add_post`), `main()` and
`if __name__ == "__main__":`, a `cmd.Cmd` shell's commands, tests. A set that outlives a
root (module level, `main()`, a sync handler whose thread serves the next request) holds
anywhere, and so does one with callers out of sight. A test runs inside the autouse pytest
fixtures of its module and of the `conftest.py` files above it: what they set holds in it.

Callers are found by name: the project's modules that mention a function's name are read
for them. A method called on an object of unknown type (`store.add_watch(...)`,
`bundle.model.parse_pdf(...)`) counts every project method of that name as its callee;
calling an instance of a project class (`Parser(...)(...)`) calls its `__call__`; a table
of callables (`{"pdf": self._pdf}[kind]`) handed to a function is received by it. A
function only handed on as a value (a callback given to a library) has callers out of
sight, unless a project function receives it. A function handed to a thread or pool that
starts from an empty context (`Thread(target=f)`, `submit(f)`) is not called by the code
handing it over: nothing that code set holds in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Optional


from ctxlint.analysis.project.summaries import is_program_root
from ctxlint.semantics import entrypoints as entrypoint_table

if TYPE_CHECKING:
    from ctxlint.analysis.project.summaries import ModuleGraph, Summaries

MAX_FUNCTIONS = 400  # functions walked for one question before the answer is "it may hold"


class VariableScopes:
    """Answers "can this ContextVar hold a value here?" for a project pass. `read(names)`
    reads the project's modules that mention any of `names`, `read_setting(name)` those
    that set a variable of that name (the pass's I/O); `loaded()` lists the modules read
    so far."""

    def __init__(
        self,
        summaries: "Summaries",
        loaded: Callable[[], Iterable["ModuleGraph"]],
        read: Callable[[set[str]], None],
        read_setting: Callable[[str], None],
    ) -> None:
        self.summaries = summaries
        self.loaded = loaded
        self.read = read
        self.read_setting = read_setting
        self._read_names: set[str] = set()
        self._indexed: set[str] = set()
        self._callers: dict[str, set[str]] = {}
        self._method_callers: dict[str, set[str]] = {}  # method name -> callers on unknown objects
        self._handed_away: set[str] = set()  # handed on as a value to something not the project's
        self._run_empty: set[str] = set()  # run by a thread or pool that starts from an empty context
        self._activators: dict[str, Optional[frozenset[str]]] = {}
        self._fixtures: dict[str, list[str]] = {}  # variable -> files of the autouse fixtures setting it

    def unheld(self, function_id: str, variables: Iterable[str]) -> frozenset[str]:
        """Of `variables`, those that cannot hold a value while `function_id` runs."""
        return frozenset(variable for variable in variables if not self.may_hold(variable, function_id))

    def may_hold(self, variable: str, function_id: str) -> bool:
        activators = self.activators(variable)
        if activators is None:
            return True
        seen: set[str] = set()
        frontier = [function_id]
        while frontier:
            climbing = []
            for current in frontier:
                if current in seen:
                    continue
                seen.add(current)
                if current in activators or len(seen) > MAX_FUNCTIONS or self._inside_fixture(current, variable):
                    return True
                if not self._is_root(current):
                    climbing.append(current)
            callers = self._callers_of_all(climbing)
            if callers is None:
                return True  # called from out of sight
            frontier = sorted(callers - seen)
        return False

    def activators(self, variable: str) -> Optional[frozenset[str]]:
        """The functions that run with `variable` set by the project: its setters and the
        callers they leave it set for; None when it may be set anywhere."""
        if variable not in self._activators:
            self._activators[variable] = self._find_activators(variable)
        return self._activators[variable]

    # ------------------------------------------------------------------ the walks

    def _find_activators(self, variable: str) -> Optional[frozenset[str]]:
        self.read_setting(variable.rsplit(":", 1)[-1].rsplit(".", 1)[-1])
        self._index()
        summaries = self.summaries
        setters = []
        for module in self.loaded():
            if any(summaries.context_var(r[2:], module) == variable for r in module.graph.get("module_sets", ())):
                return None  # set at import: for the whole process
            for qualname, function in module.graph["functions"].items():
                if any(r[:2] == "T:" and summaries.context_var(r[2:], module) == variable for r, _line in function["calls"]):
                    setters.append(f"{module.name}.{qualname}")
                    if function.get("autouse"):
                        self._fixtures.setdefault(variable, []).append(module.path)
        if not setters:
            return None  # set out of sight (through an alias, by `ctx.run(var.set, ...)`)
        # (function, whether the value outlives it): a set that is never undone stays for
        # the callers' rest; one undone after a `yield` holds in the consumer only while
        # the generator is suspended
        found: set[str] = set()
        frontier = [(setter, True) for setter in sorted(setters)]
        while frontier:
            climbing: dict[str, bool] = {}
            for function_id, outlives in frontier:
                if function_id in found:
                    continue
                found.add(function_id)
                located = summaries.locate(function_id)
                if located is None or len(found) > MAX_FUNCTIONS:
                    return None
                facts = located[0].graph["functions"][located[1]]
                yields = bool(facts.get("yields"))
                if outlives and self._undoes(variable, located[0], located[1]):
                    outlives = False
                    if not yields:
                        continue  # the value is gone when it returns
                elif not outlives and not yields:
                    continue  # its generator's value is gone once it stops iterating
                if self._is_root(function_id):
                    if not outlives or (facts.get("entry") and facts.get("async")):
                        continue  # each request's task runs in a context of its own
                    return None  # kept for what the process or the thread runs next
                climbing[function_id] = outlives
            self._read_names_of(list(climbing))
            following = []
            for function_id, outlives in climbing.items():
                callers = self._callers_of(function_id)
                if callers is None:
                    if not outlives:
                        continue  # whoever iterates it is out of sight: a root, as far as the project goes
                    return None
                following.extend((caller, outlives) for caller in sorted(callers - found))
            frontier = following
        return frozenset(found)

    def _undoes(self, variable: str, module: "ModuleGraph", qualname: str) -> bool:
        """Whether the function resets `variable`, itself or through a helper that only
        resets it (`reset_request_id(token)`; a helper that also sets it is a context
        manager's body, not an undo)."""
        summaries = self.summaries
        cls = summaries.owner_class(module, qualname)
        for reference, _line in module.graph["functions"][qualname]["calls"]:
            if reference[:2] == "X:" and summaries.context_var(reference[2:], module) == variable:
                return True
            if reference[:2] not in ("L:", "P:", "S:"):
                continue
            callee = summaries.function(reference, module, cls)
            located = summaries.locate(callee) if callee is not None else None
            if located is None:
                continue
            writes = {
                (r[:2], summaries.context_var(r[2:], located[0]))
                for r, _line in located[0].graph["functions"][located[1]]["calls"]
                if r[:2] in ("T:", "X:")
            }
            if ("X:", variable) in writes and ("T:", variable) not in writes:
                return True
        return False

    def _inside_fixture(self, function_id: str, variable: str) -> bool:
        """A test that an autouse fixture setting `variable` runs inside."""
        paths = self._fixtures.get(variable)
        located = self.summaries.locate(function_id) if paths else None
        if located is None or not _is_test(located[1]):
            return False
        return any(entrypoint_table.fixture_covers(path, located[0].path) for path in paths)

    def _is_root(self, function_id: str) -> bool:
        located = self.summaries.locate(function_id)
        if located is None:
            return False
        qualname = located[1]
        function = located[0].graph["functions"][qualname]
        return bool(
            function.get("entry")
            or is_program_root(qualname, function)
            or _is_test(qualname)
        )

    def _callers_of_all(self, function_ids: list[str]) -> Optional[set[str]]:
        """The callers of all of `function_ids`; None when any has callers out of sight."""
        self._read_names_of(function_ids)
        found: set[str] = set()
        for function_id in function_ids:
            callers = self._callers_of(function_id)
            if callers is None:
                return None
            found |= callers
        return found

    def _callers_of(self, function_id: str) -> Optional[set[str]]:
        """The project functions that may call `function_id`; None when it has callers out
        of sight (none found, or it is handed away)."""
        located = self.summaries.locate(function_id)
        if located is None or function_id in self._handed_away:
            return None
        callers = set(self._callers.get(function_id, ()))
        if located[0].graph["functions"][located[1]].get("method"):
            callers |= self._method_callers.get(located[1].rsplit(".", 1)[-1], set())
        if not callers and function_id in self._run_empty:
            return callers  # only ever a thread's or pool's work: it starts with nothing set
        return callers or None

    # ------------------------------------------------------------------ reading and indexing

    def _read_names_of(self, function_ids: list[str]) -> None:
        self._read({function_id.rsplit(".", 1)[-1] for function_id in function_ids})

    def _read(self, names: set[str]) -> None:
        unread = {name for name in names if name.isidentifier() and name not in self._read_names}
        if unread:
            self._read_names |= unread
            self.read(unread)
            self._index()

    def _index(self) -> None:
        """Who calls each function, over the modules read since the last call (run after
        every read: the callers asked for next are in what was just read)."""
        summaries = self.summaries
        for module in [m for m in self.loaded() if m.name not in self._indexed]:
            self._indexed.add(module.name)
            # callables handed to a project function (it runs them, or keeps them), by the
            # function handing them over
            received = set()
            for callee, positional, keywords, _line, caller in module.graph.get("arguments", ()):
                if summaries.function(callee, module, summaries.owner_class(module, caller) if caller in module.graph["functions"] else None):
                    for argument in (*positional, *keywords.values()):
                        for reference in (argument[2:].split(";") if argument and argument.startswith("Λ:") else [argument]):
                            received.add((caller, reference))
            for qualname, function in module.graph["functions"].items():
                cls = summaries.owner_class(module, qualname)
                caller = f"{module.name}.{qualname}"
                for name in function.get("methods", ()):
                    self._method_callers.setdefault(name, set()).add(caller)
                emptied = set(function.get("emptied", ()))
                for reference, _line in function["calls"]:
                    handed = reference.startswith("A:")
                    target = reference[2:] if handed else reference
                    if target[:2] not in ("L:", "P:", "S:"):
                        continue
                    callee = summaries.function(target, module, cls)
                    if callee is None:
                        if not handed and "()." in target:
                            # `LLMBundle(...).mdl.parse_pdf(...)`: a method of an attribute
                            # of an instance, an object of unknown type
                            self._method_callers.setdefault(target.rsplit(".", 1)[-1], set()).add(caller)
                        continue
                    if target.endswith("()") and (handed or target.endswith("()()") or not callee.endswith(".__call__")):
                        continue  # what a call returned is called or handed on: out of sight
                    if handed and target in emptied:
                        self._run_empty.add(callee)  # the caller's values do not reach it
                        continue
                    self._callers.setdefault(callee, set()).add(caller)
                    if handed and (qualname, target) not in received:
                        self._handed_away.add(callee)
            for _reference, function in module.graph.get("listeners", ()):
                self._handed_away.add(f"{module.name}.{function}")


def _is_test(qualname: str) -> bool:
    """A test the runner calls (`test*` at module level or in a class): a program root."""
    return qualname.rsplit(".", 1)[-1].startswith("test") and qualname.count(".") <= 1
