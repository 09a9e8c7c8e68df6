# CTX504: ContextVars created inside a function: kept only for that call, made per instance,
# re-created in a method, returned by a factory, handed on, or captured by a closure.
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


class Local:
    """Per-instance variable: one new variable for every instance (encode/databases#546)."""

    _class_level = ContextVar("class_level")

    def __init__(self):
        self._storage = contextvars.ContextVar("local.storage")  # error: CTX504

    def reset(self):
        self._storage = contextvars.ContextVar("local.storage")  # error: CTX504


def make_var(name, default):
    # A factory: every caller gets a new variable.
    var = ContextVar(name, default=default)  # error: CTX504
    return var


def closure_factory():
    var = ContextVar("closure")  # error: CTX504

    def get():
        return var.get()

    return get


def register_hook(register_configure_hook):
    # langchain#32365: a new variable per call, registered in a global hook list
    register_configure_hook(ContextVar("usage_callback", default=None), inheritable=True)  # error: CTX504


def registered_by_name(register_configure_hook, name):
    var = ContextVar(name, default=None)  # error: CTX504
    register_configure_hook(var, inheritable=True)
    return var


# --- use instead --------------------------------------------------------------------

request_id = ContextVar("request_id", default=None)


def context_var(name):
    # A memoised registry: one variable per name for the life of the process.
    if name not in _registry:
        _registry[name] = ContextVar(name)
    return _registry[name]


@functools.lru_cache(maxsize=None)
def cached_var(name):
    return ContextVar(name)


def install():
    global CURRENT
    CURRENT = ContextVar("current")


def _make_module_var(name):
    # A factory this module only calls at import time.
    return ContextVar(name, default=None)


tenant = _make_module_var("tenant")
user = _make_module_var("user")


class _Meter:
    """A singleton: instantiated once, at module level (distributed's ContextMeter)."""

    def __init__(self):
        self._callbacks = ContextVar("meter.callbacks", default=None)


meter = _Meter()


class Base:
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.current = ContextVar(f"{cls.__name__}.current", default=None)  # once per class
