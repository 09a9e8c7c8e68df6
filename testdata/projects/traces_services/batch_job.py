from opentelemetry import trace

tracer = trace.get_tracer(__name__)


def fetch_rows():
    with tracer.start_as_current_span("rows.fetch"):  # mutate: helper
        return [1, 2, 3]


def run_export():
    with tracer.start_as_current_span("export"):
        for row in fetch_rows():
            with tracer.start_as_current_span("export.row"):  # mutate: handler
                print(row)
