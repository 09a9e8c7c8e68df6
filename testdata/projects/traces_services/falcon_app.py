import falcon
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


def load_things():
    with tracer.start_as_current_span("things.load"):  # mutate: helper
        return []


class ThingsResource:
    def on_get(self, req, resp):
        with tracer.start_as_current_span("things.get"):  # mutate: handler
            resp.media = load_things()


app = falcon.App()
app.add_route("/things", ThingsResource())
