# The instrumentor carries only the OpenTelemetry context, not the project's ContextVars.
import threading
from concurrent.futures import ThreadPoolExecutor

from opentelemetry import trace

from app.telemetry import tenant


def work():
    trace.get_current_span().set_attribute("tenant", tenant.get("-"))


def only_the_span():
    trace.get_current_span().add_event("working")


def handle():
    threading.Thread(target=work).start()  # error: CTX201
    with ThreadPoolExecutor() as pool:
        pool.submit(work)  # error: CTX202
        pool.submit(only_the_span)  # the instrumentor carries the span
