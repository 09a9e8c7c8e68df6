# CTX501 regression: `start_span` on an instance of a class from another module is a
# wrapper call, not a tracer call; a tracer imported from a project module still counts.
from opentelemetry import trace

from app.telemetry import RunTelemetry, tracer
from app.tracing import get_tracer

shared = trace.get_tracer(__name__)


def through_wrapper(telemetry: RunTelemetry):
    telemetry.start_span("flow")


def wrapper_instance():
    RunTelemetry().start_span("flow")


def imported_tracer():
    tracer.start_span("imported")  # error: CTX501


def tracer_from_a_project_function():
    span = get_tracer().start_span("helper")  # error: CTX501
    span.set_attribute("k", 1)
