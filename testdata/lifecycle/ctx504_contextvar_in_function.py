# CTX504: ContextVars created inside a function and kept only for that call.
import contextvars
import functools
from contextvars import ContextVar

_registry = {}


def current_request_id():
    request_id = ContextVar("request_id", default=None)  # error: CTX504
    return request_id.get()


def set_user(user):
    var = contextvars.ContextVar("user")  # error: CTX504
    var.set(user)


def discarded():
    ContextVar("unused")  # error: CTX504


class Handler:
    def handle(self, request):
        ContextVar("tenant").set(request.tenant)  # error: CTX504


# --- use instead --------------------------------------------------------------------

request_id = ContextVar("request_id", default=None)


class Local:
    """Per-instance variable, as in asgiref/werkzeug `Local` and OpenTelemetry's runtime context."""

    _class_level = ContextVar("class_level")

    def __init__(self):
        self._storage = contextvars.ContextVar("local.storage")


def context_var(name):
    # A memoised registry: one variable per name for the life of the process.
    if name not in _registry:
        _registry[name] = ContextVar(name)
    return _registry[name]


def make_var(name, default):
    # A factory, called at import time by the modules that need a variable.
    var = ContextVar(name, default=default)
    return var


@functools.lru_cache(maxsize=None)
def cached_var(name):
    return ContextVar(name)


def install():
    global CURRENT
    CURRENT = ContextVar("current")


def closure_factory():
    var = ContextVar("closure")

    def get():
        return var.get()

    return get
