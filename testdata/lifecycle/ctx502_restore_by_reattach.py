# CTX502 false-positive pattern (logfire's `attach_context`, see
# benchmarks/PRECISION.md): the previous context is saved with `get_current()`
# and re-attached in a `finally`. The value is restored; the discarded tokens leave
# nothing behind.
from contextlib import contextmanager

from opentelemetry import context as otel_context
from opentelemetry import propagate
from opentelemetry.context import attach, get_current


@contextmanager
def attach_context(carrier):
    old_context = otel_context.get_current()
    new_context = propagate.extract(carrier=carrier)
    try:
        otel_context.attach(new_context)
        yield
    finally:
        otel_context.attach(old_context)


def run_in(ctx, work):
    previous = get_current()
    attach(ctx)
    try:
        return work()
    finally:
        attach(previous)


def switch_back(saved_from):
    saved = get_current()
    saved_from.remember(saved)
    attach(saved)


# --- still reported -----------------------------------------------------------------------


def saved_but_never_restored(carrier, work):
    old_context = get_current()
    attach(propagate.extract(carrier))  # error: CTX502
    work(old_context)


def restored_outside_finally(carrier, work):
    old_context = get_current()
    attach(propagate.extract(carrier))  # error: CTX502
    work()
    attach(old_context)


def reattaches_something_else(carrier, other):
    try:
        attach(propagate.extract(carrier))  # error: CTX502
    finally:
        attach(other)  # error: CTX502
