# CTX502 false-positive pattern (opentelemetry-instrumentation's labeler,
# benchmarks/PRECISION.md): a helper whose job is to change its caller's context
# (like `ContextVar.set` in a setter). Its last action is `attach(...)`, and this module
# only calls it directly; the caller's own attach/detach scope (the instrumented request)
# restores the context.
import logging

from opentelemetry.context import attach, get_value, set_value
from opentelemetry import context, propagate

LABELER_KEY = "labeler"
_logger = logging.getLogger(__name__)


def _attach_context_value(value):
    try:
        updated_context = set_value(LABELER_KEY, value)
        attach(updated_context)
    except Exception:
        _logger.debug("Failed to attach labeler context", exc_info=True)


def get_labeler():
    current = get_value(LABELER_KEY)
    if current is not None:
        return current
    labeler = {}
    _attach_context_value(labeler)
    return labeler


def set_labeler(labeler):
    _attach_context_value(labeler)


def clear_labeler():
    _attach_context_value(None)


def _use_baggage(key, value, enabled):
    if enabled:
        context.attach(set_value(key, value))


def enable_debug():
    _use_baggage("debug", True, True)


# --- still reported -----------------------------------------------------------------------


def on_task_prerun(task, **kwargs):
    context.attach(propagate.extract(task.request.headers))  # error: CTX502


def connect_signals(task_prerun):
    task_prerun.connect(on_task_prerun)  # a hook: nothing restores its caller's context


def attach_then_work(headers, process):
    context.attach(propagate.extract(headers))  # error: CTX502
    process()


def _activate(headers):
    context.attach(propagate.extract(headers))  # error: CTX502


def handle(headers):
    _activate(headers)


HANDLERS = [_activate]


class Middleware:
    def before(self, headers):
        context.attach(propagate.extract(headers))  # error: CTX502
