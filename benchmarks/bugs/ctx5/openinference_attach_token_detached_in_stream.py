# source: Arize-ai/openinference#3078 (fix: PR #3195, commit 5cb64e4): the same wrapper's node-context token
# bug: run() attaches a context value for child spans, and when the result is a stream it hands the token to a generator that detaches it only when iteration finishes; between the call and the end of iteration the value stays attached in the caller, and an abandoned stream never detaches it (or detaches it from another context)
# fix: detach the token before returning the stream; re-attach around each next() in the generator
from typing import Any, Iterator

from opentelemetry import context as context_api
from opentelemetry import trace as trace_api

PARENT_NODE_KEY = context_api.create_key("agno-parent-node")


class WorkflowWrapper:
    def __init__(self, tracer: trace_api.Tracer) -> None:
        self._tracer = tracer

    def run(self, wrapped, node_id: str, *args: Any, **kwargs: Any) -> Any:
        span = self._tracer.start_span("workflow")
        with trace_api.use_span(span, end_on_exit=False):
            token = context_api.attach(context_api.set_value(PARENT_NODE_KEY, node_id))  # expect: CTX502
            result = wrapped(*args, **kwargs)
            if hasattr(result, "__iter__") and not isinstance(result, (str, bytes)):
                return self._continue(result, span, token)
            context_api.detach(token)
        span.end()
        return result

    def _continue(self, iterator: Iterator[Any], span: trace_api.Span, token: object) -> Iterator[Any]:
        try:
            for response in iterator:
                yield response
        finally:
            context_api.detach(token)
            span.end()
