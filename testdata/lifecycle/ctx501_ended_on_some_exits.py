# ctxlint: select = ["CTX5"]
# CTX501: a span kept on an object and ended, wherever this module ends it, only on some
# exits: in the StopIteration branch of a stream (openlit#1454: a consumer that breaks
# early never ends it), or after code that can raise, outside a `finally`
# (sentry-python#3723: a timeout left the http.client span unfinished).
import sentry_sdk
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


class TracedStream:
    def __init__(self, wrapped, span):
        self.__wrapped__ = wrapped
        self._span = span

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self.__wrapped__)
        except StopIteration:
            self._span.end()
            raise


def chat(wrapped, stream):
    if stream:
        span = tracer.start_span("chat")  # error: CTX501
        return TracedStream(wrapped(), span)
    with tracer.start_as_current_span("chat"):
        return wrapped()


def putrequest(self, real_putrequest, method, url):
    span = sentry_sdk.start_span(op="http.client", name=f"{method} {url}")  # error: CTX501
    rv = real_putrequest(self, method, url)
    self._sentry_span = span
    return rv


def getresponse(self, real_getresponse):
    span = getattr(self, "_sentry_span", None)
    rv = real_getresponse(self)
    span.set_http_status(rv.status)
    span.finish()
    return rv


class Job:
    def start(self):
        self._span = tracer.start_span("job")  # error: CTX501

    def complete(self, runner):
        runner.run()
        self._span.end()


def lost_sentry_span():
    span = sentry_sdk.start_span(op="lost")  # error: CTX501
    span.set_data("k", "v")


# --- not reported ---------------------------------------------------------------------


class ClosingStream:
    def __init__(self, wrapped, span):
        self.__wrapped__ = wrapped
        self._span = span

    def __next__(self):
        try:
            return next(self.__wrapped__)
        except StopIteration:
            self._span.end()
            raise

    def close(self):
        self._span.end()


def chat_closing(wrapped):
    span = tracer.start_span("chat")
    return ClosingStream(wrapped(), span)


def putrequest_safe(self, real_putrequest):
    span = sentry_sdk.start_span(op="http.client")
    self._sentry_safe_span = span
    return real_putrequest(self)


def getresponse_safe(self, real_getresponse):
    span = getattr(self, "_sentry_safe_span", None)
    try:
        return real_getresponse(self)
    finally:
        span.finish()


class Request:
    """Ended by both hooks: the success hook and the error hook."""

    def on_start(self):
        self._request_span = tracer.start_span("request")

    def on_end(self, response):
        self._request_span.set_attribute("status", response.status)
        self._request_span.end()

    def on_error(self, error):
        self._request_span.record_exception(error)
        self._request_span.end()


def with_sentry():
    with sentry_sdk.start_span(op="ok") as span:
        span.set_data("k", "v")


class CommandListener:
    """pymongo's monitoring hooks: the entered span is kept per operation and exited by
    whichever of `succeeded`/`failed` runs."""

    def __init__(self):
        self._ongoing = {}

    def started(self, event):
        span = sentry_sdk.start_span(op="db", name=event.command_name)
        self._ongoing[event.request_id] = span.__enter__()

    def succeeded(self, event):
        self._ongoing.pop(event.request_id).__exit__(None, None, None)

    def failed(self, event):
        self._ongoing.pop(event.request_id).__exit__(None, None, None)


def continue_transaction(transaction, message):
    # starts a transaction object the caller already holds (and enters and keeps)
    sentry_sdk.start_transaction(transaction, name=message.actor_name)
    transaction.__enter__()
    message._sentry_transaction = transaction
