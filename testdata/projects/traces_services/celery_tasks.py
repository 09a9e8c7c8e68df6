from celery import Celery
from opentelemetry import trace

app = Celery("tasks", broker="redis://localhost:6379/0")
tracer = trace.get_tracer(__name__)


def render_pdf(invoice_id):
    with tracer.start_as_current_span("pdf.render"):  # mutate: helper
        return b"%PDF"


@app.task(bind=True, autoretry_for=(IOError,), retry_backoff=True)
def email_invoice(self, invoice_id):
    with tracer.start_as_current_span("invoice.email"):  # mutate: handler
        return len(render_pdf(invoice_id))
