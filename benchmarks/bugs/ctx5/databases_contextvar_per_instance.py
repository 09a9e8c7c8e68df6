# source: encode/databases#546 (fix: commit 25fa295 "fix: incorrect concurrent usage of connection and transaction"; the per-instance var dates from 29abc99 and #211)
# bug: every Database object creates its own ContextVar in __init__, and disconnect() replaces it with a fresh one; each Context keeps a strong reference to every var ever set in it, and the per-instance var loses the task-local connections of tasks created before disconnect
# fix: one module-level ContextVar (default=None) holding a WeakKeyDictionary keyed by the Database/Transaction
import contextvars

from databases.core import Connection


class Database:
    def __init__(self, url: str, backend) -> None:
        self.url = url
        self._backend = backend
        self._connection_context: contextvars.ContextVar = contextvars.ContextVar("connection_context")  # expect: CTX504

    async def disconnect(self) -> None:
        self._connection_context = contextvars.ContextVar("connection_context")  # expect: CTX504
        await self._backend.disconnect()

    def connection(self) -> Connection:
        try:
            return self._connection_context.get()
        except LookupError:
            connection = Connection(self._backend)
            self._connection_context.set(connection)
            return connection
