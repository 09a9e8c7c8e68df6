"""CTX406 unclosed-client."""

from __future__ import annotations

import libcst as cst

from ctxlint.analysis.ownership import uses
from ctxlint.analysis.syntax import (
    keyword,
    source,
)
from ctxlint.analysis.walker import iter_descendants
from ctxlint.rules.base import WholeName
from ctxlint.rules.ctx4.shared import OwnedValueRule
from ctxlint.semantics import cancellation as sem


class UnclosedClient(OwnedValueRule):
    """## What it does
    Reports an `aiohttp.ClientSession()`, `httpx.Client()`/`AsyncClient()` or
    `requests.Session()` created in a function body that is neither used with
    `with`/`async with`, closed, nor handed off (returned, stored, passed on).

    ## Why is this bad?
    A client owns a connection pool. Never closed, its sockets stay open until garbage
    collection (aiohttp logs "Unclosed client session"), a client built per request
    exhausts file descriptors under load, and in-flight connections cannot be shut down
    cleanly.
    """

    code = "CTX406"
    name = "unclosed-client"
    triggers = tuple(sorted({WholeName(path.rpartition(".")[2]) for path in sem.CLIENT_CONSTRUCTORS}))
    modules = ("aiohttp", "httpx", "requests")
    example = """
    import aiohttp

    async def fetch_status(url):
        session = aiohttp.ClientSession()
        response = await session.get(url)
        return response.status
    """
    use_instead = """
    import aiohttp

    async def fetch_status(url):
        async with aiohttp.ClientSession() as session:
            async with session.get(url) as response:
                return response.status
    """
    known_limits = """
    Ownership follows the SPEC's transfer rule: a client that is returned, stored on an
    attribute, put in a container, passed to any call or closed anywhere in the function
    counts as handled, even if the close is not in a `finally`. Clients created at module
    level live as long as the process and are not reported. A client used only for one
    chained call (`requests.Session().get(url)`) is reported. An httpx client given a
    transport made elsewhere (`transport=shared`) is not reported: the pool is the
    transport's, and closing the client would close the shared transport.
    """

    def _serves_a_service_loop(self, name: str) -> bool:
        """The function ends in a loop that runs for its whole life (`while True:`, `while not
        stop.is_set():`) and uses the client only there: one client for the worker's life,
        released with its process (changedetection's version checker)."""
        function = self.model.function
        node = function.node if function is not None else None
        body = node.body.body if isinstance(node, cst.FunctionDef) and isinstance(node.body, cst.IndentedBlock) else ()
        if not body or not isinstance(body[-1], cst.While) or body[-1].orelse is not None:
            return False
        loop = body[-1]
        inside = {id(n) for n in iter_descendants(loop)}
        found = uses(node, name)
        # before the loop, only configuring it (`session.verify = False`, `session.mount(...)`)
        return any(id(use.node) in inside for use in found) and all(
            id(use.node) in inside or (isinstance(use.parent, cst.Attribute) and use.parent.value is use.node)
            for use in found
        )

    def visit_Call(self, node: cst.Call) -> None:
        path = self.model.resolve(node.func)
        if path not in sem.CLIENT_CONSTRUCTORS:
            return
        function = self.model.function
        if function is None or function.kind != "function":
            return
        shared = keyword(node, sem.SHARED_POOL_KEYWORDS.get(path, ""))
        if shared is not None and not isinstance(shared.value, cst.Call):
            return  # the pool belongs to a transport made (and closed) elsewhere
        parent = self.model.parent
        constructor = source(node.func)
        with_ = "async with" if path in sem.ASYNC_CLIENTS else "with"
        if isinstance(parent, cst.Attribute) and parent.value is node:
            if parent.attr.value not in sem.CLIENT_RELEASE_METHODS:
                self.report(
                    node,
                    f"`{constructor}()` is used for one call and never closed: its connection pool leaks; "
                    f"use `{with_} {constructor}() as client:` or reuse one client",
                )
            return
        name = self.unowned(node, sem.CLIENT_RELEASE_METHODS, ())
        if name is None or (name and self._serves_a_service_loop(name)):
            return
        subject = f"Client `{name}` (`{constructor}()`)" if name else f"`{constructor}()`"
        self.report(
            node,
            f"{subject} is never closed, used with `{with_}`, or handed off: its connection pool leaks; "
            f"use `{with_}` or close it in a `finally`",
        )
