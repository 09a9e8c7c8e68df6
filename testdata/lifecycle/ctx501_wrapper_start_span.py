# CTX501 regression: a project wrapper whose own `start_span` keeps the span and ends it
# later (prefect's RunTelemetry). Calls through the wrapper are not reported; the
# tracer's own `start_span` still is.
from opentelemetry import trace

otel_tracer = trace.get_tracer(__name__)


class RunTelemetry:
    def start_span(self, name):
        self.span = otel_tracer.start_span(name)
        return self.span

    def end_span(self):
        self.span.end()

    def forgotten(self):
        otel_tracer.start_span("forgotten")  # error: CTX501


class FlowEngine:
    def __init__(self):
        self.telemetry = RunTelemetry()

    def begin(self):
        self.telemetry.start_span("flow")


def with_annotated_wrapper(telemetry: RunTelemetry):
    telemetry.start_span("task")


def unannotated(telemetry):
    telemetry.start_span("task")


class Flow:
    """prefect's engine: the wrapper is a dataclass field, so `self._telemetry` is unresolved."""

    def begin(self):
        self._telemetry.start_span("flow")

    def traced(self):
        self._tracer.start_span("direct")  # error: CTX501
