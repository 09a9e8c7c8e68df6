# CTX501 negatives: real idioms that hand the span to a new owner (ownership transfer).
import atexit
import contextlib

from opentelemetry import context, trace

tracer = trace.get_tracer(__name__)


def start_request_span(name):
    # A span factory: the caller owns the span.
    span = tracer.start_span(name)
    span.set_attribute("component", "http")
    return span


class Upload:
    """The span lives as long as the upload and is ended in close()."""

    def __init__(self, name):
        self._span = tracer.start_span("upload " + name)

    def close(self):
        self._span.end()


class Batch:
    def open(self, name):
        span = tracer.start_span(name)
        self.spans.append(span)

    def open_keyed(self, key):
        self.by_key[key] = tracer.start_span(key)


def ended_by_a_callback(future):
    span = tracer.start_span("wait")
    future.add_done_callback(lambda _: span.end())
    return future


def ended_at_exit():
    span = tracer.start_span("process")
    atexit.register(span.end)


def handed_to_a_helper(request):
    span = tracer.start_span("request")
    finish_later(span, request)


def in_an_exit_stack(stack: contextlib.ExitStack):
    span = stack.enter_context(tracer.start_span("stacked"))
    span.set_attribute("a", 1)


def use_span_that_ends_it():
    span = tracer.start_span("work")
    with trace.use_span(span, end_on_exit=True):
        pass


def yielded_to_the_caller():
    span = tracer.start_span("gen")
    yield span


def made_global():
    global CURRENT
    CURRENT = tracer.start_span("global")


def finish_later(span, request):
    span.end()


def test_start_span_returns_the_mocked_span(mock_tracer, mock_span):
    # a test of a tracer wrapper: the span is the object under test
    span = tracer.start_span("test_span")
    assert span == mock_span
