# CTX501: a function of this file that returns `tracer.start_span(...)` is a span factory;
# its callers own the span. The factory itself is not reported.
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


def begin(name):
    return tracer.start_span(name, attributes={"component": "jobs"})


def traced(name):
    span = tracer.start_span(name)
    span.set_attribute("component", "jobs")
    return span


class Jobs:
    def _job_span(self, job):
        return tracer.start_span("job " + job.name)

    def run(self, job):
        self._job_span(job)  # error: CTX501
        job()

    def run_and_end(self, job):
        span = self._job_span(job)
        try:
            job()
        finally:
            span.end()


def dropped(job):
    begin("dropped")  # error: CTX501
    job()


def bound_never_ended(job):
    span = begin("kept")  # error: CTX501
    span.set_attribute("job", job)


def ended(job):
    with begin("with") as span:
        span.set_attribute("job", job)


def returned(job):
    return begin("returned")


def bound_factory_result(job):
    traced("dropped")  # error: CTX501
    span = traced("ended")
    span.end()
