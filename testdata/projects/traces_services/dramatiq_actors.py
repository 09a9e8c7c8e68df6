import dramatiq
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


def resize(url, width):
    with tracer.start_as_current_span("image.resize"):  # mutate: helper
        return url


@dramatiq.actor(max_retries=3)
def make_thumbnail(url):
    with tracer.start_as_current_span("thumbnail"):  # mutate: handler
        resize(url, 128)
