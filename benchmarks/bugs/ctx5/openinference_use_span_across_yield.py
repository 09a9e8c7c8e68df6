# source: Arize-ai/openinference#3078 (fix: PR #3195, commit 5cb64e4 "Stream Context Leak In Workflow, Step, & Parallel Wrappers")
# bug: the agno workflow wrapper continues a streaming run inside `with use_span(span, end_on_exit=False)` and yields each response from within it; the span stays current in the consumer's code between items and the detach happens in whatever context closes the generator
# fix: attach the span context only around each next(iterator) call and detach before yielding
from typing import Any, Iterator

from opentelemetry import trace as trace_api


class WorkflowWrapper:
    def _run_stream_continue(self, iterator: Iterator[Any], span: trace_api.Span) -> Iterator[Any]:
        final = None
        try:
            with trace_api.use_span(span, end_on_exit=False):
                for response in iterator:
                    final = response
                    yield response  # expect: CTX506
            span.set_status(trace_api.StatusCode.OK)
            if final is not None:
                span.set_attribute("output.value", str(final))
        except Exception as exc:
            span.set_status(trace_api.StatusCode.ERROR, str(exc))
            span.record_exception(exc)
            raise
        finally:
            span.end()
