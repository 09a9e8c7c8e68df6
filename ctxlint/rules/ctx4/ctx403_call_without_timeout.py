"""CTX403 call-without-timeout."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.syntax import (
    argument,
    attribute_name,
    has_star_args,
    has_star_kwargs,
    is_none,
    keyword,
    positional,
    source,
)
from ctxlint.analysis.walker import iter_descendants
from ctxlint.rules.base import Rule
from ctxlint.semantics import cancellation as sem


class CallWithoutTimeout(Rule):
    """## What it does
    Reports blocking network calls that can wait forever: `requests` calls (module
    functions and methods of a bound `requests.Session`) without `timeout=` or with
    `timeout=None`; `urllib.request.urlopen`, `http.client.HTTP(S)Connection`,
    `socket.create_connection`, `smtplib.SMTP(_SSL)` and `ftplib.FTP` without a timeout;
    `httpx` calls and clients with `timeout=None`; `aiohttp.ClientTimeout()` with no limit.

    ## Why is this bad?
    A peer that accepts the connection and never answers holds the caller forever: a
    request handler that never returns, a worker thread that never comes back, a shutdown
    that hangs. requests has no default timeout, the standard library uses the socket
    default (None), and a bare `aiohttp.ClientTimeout()` means `total=None`, no limit at
    all. httpx's 5 s default is fine; `timeout=None` switches it off.
    """

    code = "CTX403"
    name = "call-without-timeout"
    preview = True
    modules = ("aiohttp", "httpx", "requests", *sorted(sem.STDLIB_CONNECTIONS))
    example = """
    import requests

    def fetch_profile(user_id):
        session = requests.Session()
        with session:
            return session.get(f"https://profiles.internal/{user_id}").json()
    """
    use_instead = """
    import requests

    def fetch_profile(user_id):
        session = requests.Session()
        with session:
            return session.get(f"https://profiles.internal/{user_id}", timeout=(3.05, 10)).json()
    """
    known_limits = """
    A timeout passed through `**kwargs` counts as given. Session methods are recognised on
    names bound to `requests.Session()`/`requests.session()` (locals, `with ... as`,
    `self.` attributes, annotations), not on instances of your own Session subclasses; a
    module that mounts an adapter built with `timeout=`, or assigns `session.request`/
    `session.send`, is trusted to have a default. Standard-library calls without
    `timeout=` are not reported in a module that calls `socket.setdefaulttimeout(...)`
    (a default set in another module is not seen), nor is `ftplib.FTP()` without a host
    (it connects in `connect(host, port, timeout)`). httpx calls without `timeout=` are
    fine (5 s default). aiohttp per-request `timeout=None` and urllib3 are not checked.

    Preview: on the nine real services 41 of a random sample of 50 findings are true (82%,
    `benchmarks/precision/ctx4-ctx5.md`), below the 90% a default rule needs. Most false
    ones run under a time limit the rule cannot see: an RQ job's timeout around code
    reached through dynamic dispatch (Redash's schema refreshes), the rest are scripts
    that never run. Turn it on with `extend-select = ["CTX403"]` (ruff's `S113` is the
    closest peer).
    """

    def visit_Call(self, node: cst.Call) -> None:
        path = self.model.resolve(node.func) or ""
        if path in sem.REQUESTS_FUNCTIONS:
            self._check_required(node, f"`{path}`", None, "requests has no default timeout")
        elif self._is_session_method(node, path):
            method = attribute_name(node.func) or ""
            position = sem.SESSION_REQUEST_TIMEOUT_POSITION if method == "request" else None
            label = f"`{source(node.func)}` (a `requests.Session` method)"
            self._check_required(node, label, position, "requests has no default timeout")
        elif path in sem.STDLIB_CONNECTIONS:
            why = "it uses the socket default timeout, None unless `socket.setdefaulttimeout` is called"
            # a module that sets the socket default gives every call here a timeout
            missing_is_fine = self._module_facts()["socket_default"]
            if path in sem.CONNECTS_ONLY_WITH_HOST and argument(node, "host", 0) is None:
                missing_is_fine = True  # `connect(host, port, timeout)` comes later
            if path in sem.CONNECTS_TO_AN_ADDRESS and self._is_own_listener(argument(node, "address", 0)):
                return  # the peer is this process's own listening socket
            self._check_required(node, f"`{path}`", sem.STDLIB_CONNECTIONS[path], why, missing_is_fine)
        elif path in sem.HTTPX_CALLS or self._is_httpx_client_method(node, path):
            timeout = keyword(node, "timeout")
            if timeout is not None and is_none(timeout.value):
                self.report(
                    node,
                    f"`{source(node.func)}(timeout=None)` switches off httpx's 5 s default and can wait "
                    f"forever; pass a finite `timeout=` or leave the default",
                )
        elif path == sem.HTTPX_TIMEOUT:
            self._check_limits(node, ("timeout", *sem.HTTPX_TIMEOUT_LIMITS), 1, "pass a number of seconds")
        elif path == sem.AIOHTTP_CLIENT_TIMEOUT:
            limits = sem.AIOHTTP_TIMEOUT_LIMITS
            self._check_limits(node, limits, len(limits), "set `total=` or another limit")

    def _check_required(
        self, node: cst.Call, label: str, position: Optional[int], why: str, missing_is_fine: bool = False
    ) -> None:
        if has_star_kwargs(node):
            return  # SPEC: a timeout passed through `**kwargs` counts as given
        if position is not None and has_star_args(node):
            return
        timeout = argument(node, "timeout", position)
        if timeout is None:
            if not missing_is_fine:
                self.report(node, f"{label} has no timeout and can hang forever ({why}); pass `timeout=`")
        elif is_none(timeout.value):
            self.report(node, f"{label} is called with `timeout=None` and can hang forever; pass a number of seconds")

    def _is_own_listener(self, address: Optional[cst.Arg]) -> bool:
        """The address is read from a socket of this process (`server.getsockname()`, directly
        or through a local name bound to it)."""
        if address is None:
            return False
        value: Optional[cst.CSTNode] = address.value
        if isinstance(value, cst.Name):
            binding = self.model.lookup(value.value)
            value = binding.node if binding is not None else None
        if value is None:
            return False
        return any(
            isinstance(n, cst.Call) and attribute_name(n.func) == sem.OWN_ADDRESS_METHOD
            for n in (value, *iter_descendants(value))
        )

    def _check_limits(self, node: cst.Call, limits: tuple[str, ...], positions: int, remedy: str) -> None:
        """Report a timeout object whose every limit is absent or None."""
        if has_star_args(node) or has_star_kwargs(node):
            return
        for index, limit in enumerate(limits):
            arg = argument(node, limit, index if index < positions else None)
            if arg is not None and not is_none(arg.value):
                return
        self.report(node, f"`{source(node)}` sets no limit at all and can wait forever; {remedy}")

    def _is_session_method(self, node: cst.Call, path: str) -> bool:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in sem.REQUESTS_SESSION_METHODS):
            return False
        if path[: -len(func.attr.value) - 1] not in sem.REQUESTS_SESSIONS:
            return False
        return not self._module_facts()["session_default"]

    def _is_httpx_client_method(self, node: cst.Call, path: str) -> bool:
        func = node.func
        return (
            isinstance(func, cst.Attribute)
            and func.attr.value in sem.HTTPX_CLIENT_METHODS
            and path[: -len(func.attr.value) - 1] in sem.HTTPX_CLIENTS
        )

    def _module_facts(self) -> dict[str, bool]:
        """Module-wide default timeouts (computed once per file, on first need)."""
        facts = self.context.memo.get("ctx403")
        if facts is None:
            facts = {"socket_default": False, "session_default": False}
            for node in iter_descendants(self.model.module_scope.node):
                if isinstance(node, cst.Call):
                    name = attribute_name(node.func)
                    if name == "setdefaulttimeout":
                        first = positional(node, 0)
                        facts["socket_default"] |= first is not None and not is_none(first.value)
                    elif name == "mount" and any(
                        isinstance(n, cst.Arg) and n.keyword is not None and n.keyword.value == "timeout"
                        for n in iter_descendants(node)
                    ):
                        facts["session_default"] = True
                elif isinstance(node, cst.AssignTarget) and attribute_name(node.target) in ("request", "send"):
                    facts["session_default"] |= isinstance(node.target, cst.Attribute)
            self.context.memo["ctx403"] = facts
        return facts
