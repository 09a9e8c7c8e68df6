"""CTX204 shared-context-reentry."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.contextcopy import (
    copied_context_name,
)
from ctxlint.analysis.syntax import (
    argument,
    attribute_name,
    positional,
)
from ctxlint.rules.base import Rule
from ctxlint.semantics import concurrency as sem


class SharedContextReentry(Rule):
    """## What it does
    Reports one `Context` object handed to more than one concurrent worker: a
    `ctx = copy_context()` made outside a loop whose `ctx.run` is submitted or started inside
    the loop, submitted twice, or passed to `executor.map`.

    ## Why is this bad?
    A `Context` can be entered by one thread at a time. The second concurrent `ctx.run`
    raises `RuntimeError: cannot enter context: ... is already entered`, and when it does
    not (the first finished in time) both workers share and mutate one context.
    """

    code = "CTX204"
    name = "shared-context-reentry"
    triggers = ("copy_context",)
    example = """
    import contextvars

    def fan_out(pool, items):
        ctx = contextvars.copy_context()
        for item in items:
            pool.submit(ctx.run, process, item)
    """
    use_instead = """
    import contextvars

    def fan_out(pool, items):
        for item in items:
            pool.submit(contextvars.copy_context().run, process, item)
    """
    known_limits = """
    Submissions awaited or waited for (`.result()`) on the spot are sequential and not
    reported. Only names bound in the same function are followed.
    """

    def __init__(self, context) -> None:
        super().__init__(context)
        # binding node id -> branch signatures of its earlier submissions
        self._submissions: dict[int, list[dict[int, int]]] = {}

    def visit_Call(self, node: cst.Call) -> None:
        submitted = self._submitted_callable(node)
        if submitted is None:
            return
        name = copied_context_name(submitted, self.model)
        if name is None:
            return
        binding = self.model.lookup(name)
        if binding is None or binding.node is None:
            return
        method = attribute_name(node.func)
        message = (
            f"Context `{name}` is entered by several concurrent workers; the second "
            f"`{name}.run` raises RuntimeError: call `contextvars.copy_context()` per submission"
        )
        if method == "map":
            self.report(node, message)
            return
        if self._waited_on_the_spot():
            return
        if self._loop_between(binding.node):
            self.report(node, message)
            return
        branches = self._branches()
        earlier = self._submissions.setdefault(id(binding.node), [])
        if any(not _exclusive(branches, other) for other in earlier):
            self.report(node, message)
        earlier.append(branches)

    def _branches(self) -> dict[int, int]:
        """For each enclosing `if` in this function: 0 inside its body, 1 inside its else."""
        ancestors = self.model.ancestors
        branches: dict[int, int] = {}
        for index in range(len(ancestors) - 2, -1, -1):
            ancestor = ancestors[index]
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                break
            if isinstance(ancestor, cst.If):
                branches[id(ancestor)] = 0 if ancestors[index + 1] is ancestor.body else 1
        return branches

    def _submitted_callable(self, node: cst.Call) -> Optional[cst.CSTNode]:
        method = attribute_name(node.func)
        if method in ("submit", "map"):
            arg = positional(node, 0)
        elif method == "run_in_executor":
            arg = positional(node, 1)
        elif self.model.resolve(node.func) in sem.THREAD_STARTERS:
            arg = argument(node, *sem.THREAD_STARTERS[self.model.resolve(node.func) or ""])
        else:
            return None
        return arg.value if arg is not None else None

    def _waited_on_the_spot(self) -> bool:
        ancestors = self.model.ancestors
        parent = ancestors[-2] if len(ancestors) >= 2 else None
        if isinstance(parent, cst.Await):
            return True
        grandparent = ancestors[-3] if len(ancestors) >= 3 else None
        return (
            isinstance(parent, cst.Attribute)
            and parent.attr.value in ("result", "join", "exception")
            and isinstance(grandparent, cst.Call)
        )

    def _loop_between(self, binding_node: cst.CSTNode) -> bool:
        """A loop encloses this submission but not the `copy_context()` it uses."""
        from ctxlint.analysis.walker import iter_descendants

        for ancestor in reversed(self.model.ancestors):
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.Module)):
                return False
            if isinstance(ancestor, (cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
                if not any(n is binding_node for n in iter_descendants(ancestor)):
                    return True
        return False

def _exclusive(first: dict[int, int], second: dict[int, int]) -> bool:
    """Two places in different branches of the same `if` never both run."""
    return any(second.get(if_id, branch) != branch for if_id, branch in first.items())
