# ctxlint: select = ["CTX1"]
# Regression: the optional-dependency pattern must not hide the import.
try:
    from opentelemetry import baggage
except ImportError:  # pragma: no cover
    baggage = None


def tag_request(tenant):
    baggage.set_baggage("tenant", tenant)  # error: CTX102


def tag_request_correctly(tenant):
    from opentelemetry import context

    return context.attach(baggage.set_baggage("tenant", tenant))


def no_opentelemetry():
    if baggage is None:
        return None
    return baggage.get_all()


def unrelated(cache):
    cache.clear()
