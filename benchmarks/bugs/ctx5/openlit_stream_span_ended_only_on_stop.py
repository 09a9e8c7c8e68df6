# source: openlit/openlit#1454 ("OpenAI streaming spans are never ended if the stream is closed early"; same shape fixed for Anthropic in #1461)
# bug: the streaming wrapper's span comes from tracer.start_span() and is ended only in the StopIteration branch of __next__; a caller that breaks out of the loop, or calls close(), never ends it and the span is never exported
# fix: an idempotent finaliser called from StopIteration, __exit__, close() and __del__
from opentelemetry import trace
from opentelemetry.trace import SpanKind

tracer = trace.get_tracer(__name__)


class TracedSyncStream:
    def __init__(self, wrapped, span) -> None:
        self.__wrapped__ = wrapped
        self._span = span
        self._text = ""

    def __enter__(self):
        self.__wrapped__.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.__wrapped__.__exit__(exc_type, exc, tb)

    def __iter__(self):
        return self

    def __getattr__(self, name):
        return getattr(self.__wrapped__, name)

    def __next__(self):
        try:
            chunk = self.__wrapped__.__next__()
            self._text += chunk.choices[0].delta.content or ""
            return chunk
        except StopIteration:
            with self._span:
                self._span.set_attribute("gen_ai.completion", self._text)
            raise


def chat_wrapper(wrapped, instance, args, kwargs):
    if kwargs.get("stream", False):
        span = tracer.start_span("chat " + kwargs.get("model", ""), kind=SpanKind.CLIENT)  # expect: CTX501
        return TracedSyncStream(wrapped(*args, **kwargs), span)
    with tracer.start_as_current_span("chat " + kwargs.get("model", ""), kind=SpanKind.CLIENT):
        return wrapped(*args, **kwargs)
