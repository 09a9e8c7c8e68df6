from opentelemetry import trace

from services.eventbus import subscriber

tracer = trace.get_tracer(__name__)


def notify(user_id):
    with tracer.start_as_current_span("notify"):  # mutate: helper
        return user_id


@subscriber("user.signed_up")
def on_signup(event):
    with tracer.start_as_current_span("signup"):  # mutate: handler
        notify(event["user_id"])
