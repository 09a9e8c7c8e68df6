# ctxlint: select = ["CTX2"]
# CTX205: processes started inside an entry point or a span without a trace carrier.
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from flask import Flask
from opentelemetry import propagate, trace

app = Flask(__name__)
tracer = trace.get_tracer(__name__)
pool = ProcessPoolExecutor()


def build_report(n, carrier=None):
    with tracer.start_as_current_span("build_report"):  # a new root in the child
        return n


def checksum(n):
    return n * 2  # needs nothing: a process costs no trace


@app.post("/report")
def report():
    return pool.submit(build_report, 1).result()  # error: CTX205


@app.get("/spawn")
def spawn():
    process = multiprocessing.Process(target=build_report, args=(1,))  # error: CTX205
    process.start()


def batch():
    with tracer.start_as_current_span("batch"):
        with multiprocessing.Pool() as workers:
            workers.apply_async(build_report, (1,))  # error: CTX205


# --- correct idioms: never reported -------------------------------------------------


@app.post("/report-with-carrier")
def report_with_carrier():
    carrier = {}
    propagate.inject(carrier)
    return pool.submit(build_report, 1, carrier).result()


@app.post("/checksum")
def checksum_in_a_process():
    return pool.submit(checksum, 1).result()


def offline_job():
    # no request, no span: there is no trace to continue
    return pool.submit(build_report, 1).result()


if __name__ == "__main__":
    multiprocessing.Process(target=build_report, args=(1,)).start()
