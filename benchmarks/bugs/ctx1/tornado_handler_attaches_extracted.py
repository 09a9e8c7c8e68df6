# source: open-telemetry/opentelemetry-python-contrib#889 (tornado part; commit 0e92d6add)
# bug: every RequestHandler attaches extract(request.headers) before starting its SERVER span, replacing a span that an outer layer (WSGI container, test harness span) already made current
# fix: _start_internal_or_server_span: keep the current span as parent when one exists, extract only otherwise
import tornado.web
from opentelemetry import context, trace
from opentelemetry.propagate import extract

tracer = trace.get_tracer("catalog.tornado")


class TracedHandler(tornado.web.RequestHandler):
    def prepare(self):
        self._otel_token = context.attach(extract(self.request.headers))  # expect: CTX1
        self._otel_span = tracer.start_span(
            type(self).__name__, kind=trace.SpanKind.SERVER
        )
        self._otel_activation = trace.use_span(self._otel_span, end_on_exit=True)
        self._otel_activation.__enter__()

    def on_finish(self):
        self._otel_activation.__exit__(None, None, None)
        context.detach(self._otel_token)


class ItemHandler(TracedHandler):
    def get(self, item_id):
        self.write({"id": item_id})
