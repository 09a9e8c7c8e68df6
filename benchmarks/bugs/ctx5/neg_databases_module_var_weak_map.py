# source: encode/databases#546 (fixed version, commit 25fa295)
# bug: none: a single module-level ContextVar (default=None) holds a WeakKeyDictionary of the active transactions, copied on write; connections are kept per task in a WeakKeyDictionary on the instance
# fix: (this is the fixed code)
# expect: none
import asyncio
import weakref
from contextvars import ContextVar
from typing import Optional

_ACTIVE_TRANSACTIONS: ContextVar[Optional["weakref.WeakKeyDictionary"]] = ContextVar(
    "databases:active_transactions", default=None
)


class Database:
    def __init__(self, backend) -> None:
        self._backend = backend
        self._connection_map: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

    def connection(self, make_connection):
        task = asyncio.current_task()
        if task not in self._connection_map:
            self._connection_map[task] = make_connection(self._backend)
        return self._connection_map[task]


class Transaction:
    def _set_active(self, backend_tx) -> None:
        transactions = _ACTIVE_TRANSACTIONS.get()
        transactions = weakref.WeakKeyDictionary() if transactions is None else transactions.copy()
        transactions[self] = backend_tx
        _ACTIVE_TRANSACTIONS.set(transactions)
