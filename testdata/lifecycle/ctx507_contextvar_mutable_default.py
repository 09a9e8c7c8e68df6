# ctxlint: select = ["CTX5"]
# CTX507: a ContextVar whose mutable default is changed in place after get()
# (literalai-python#161: every run shared one list of "active steps").
import collections
from contextvars import ContextVar
from typing import Dict, List, Optional

active_steps = ContextVar("active_steps", default=[])  # error: CTX507
tags: ContextVar[Dict[str, str]] = ContextVar("tags", default={})  # error: CTX507
seen = ContextVar("seen", default=set())  # error: CTX507
recent = ContextVar("recent", default=collections.deque(maxlen=10))  # error: CTX507


def start_step(step):
    steps: List = active_steps.get()
    steps.append(step)


def tag(key, value):
    tags.get()[key] = value


def mark(item):
    seen.get().add(item)


def remember(item):
    buffer = recent.get()
    buffer += [item]


# --- not reported ---------------------------------------------------------------------

stack = ContextVar("stack", default=[])  # read and replaced, never changed in place
settings = ContextVar("settings", default={})  # changed only on a copy
current: ContextVar[Optional[List[str]]] = ContextVar("current", default=None)
labels = ContextVar("labels", default=())  # immutable


def push(item):
    stack.set([*stack.get(), item])


def peek():
    items = stack.get()
    return items[-1] if items else None


def configure(key, value):
    copy = dict(settings.get())
    copy[key] = value
    settings.set(copy)


def add_current(item):
    items = current.get() or []
    current.set(items + [item])


def shadowed(item):
    items = stack.get()
    items = list(items)
    items.append(item)
    stack.set(items)
