# Callers own what a span factory returns.
from app import telemetry
from app.telemetry import start_db_span, start_request_span


def index(request):
    start_request_span("/")  # error: CTX501
    return "ok"


def search(request):
    span = telemetry.start_db_span("select 1")  # error: CTX501
    span.set_attribute("rows", 0)
    return []


def fetch(request):
    span = start_db_span("select 2")  # error: CTX501
    return request


# --- use instead --------------------------------------------------------------------


def create(request):
    span = start_request_span("/create")
    try:
        return "created"
    finally:
        span.end()


def update(request):
    with telemetry.start_db_span("update") as span:
        span.set_attribute("rows", 1)


def passes_it_on(request):
    return start_request_span("/passes")
