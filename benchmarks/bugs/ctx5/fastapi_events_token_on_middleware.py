# source: melvinkcx/fastapi-events#5 (fix: PR #6, commit fb98e04 "store contextvar token in closure")
# bug: the ASGI middleware (one instance shared by every request) sets the event-store ContextVar in one method, keeps the token on self._token and resets it from another method; concurrent requests overwrite the token and reset raises "was created in a different Context" / "has already been used once"
# fix: keep the token in a local of __call__ and reset it there
import asyncio
from collections import deque
from contextvars import ContextVar, Token
from typing import Deque, Iterable, Optional

from starlette.types import ASGIApp, Receive, Scope, Send

event_store: ContextVar[Deque] = ContextVar("fastapi_context")


class EventHandlerASGIMiddleware:
    def __init__(self, app: ASGIApp, handlers: Iterable) -> None:
        self.app = app
        self._handlers = list(handlers)
        self._token: Optional[Token] = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        self._initialize_event_store()
        try:
            await self.app(scope, receive, send)
        finally:
            await self._process_events()
            self._teardown_event_store()

    async def _process_events(self) -> None:
        events = event_store.get()
        await asyncio.gather(*[h.handle_many(events=events) for h in self._handlers])

    def _initialize_event_store(self) -> None:
        self._token = event_store.set(deque())  # expect: CTX5

    def _teardown_event_store(self) -> None:
        event_store.reset(self._token)
