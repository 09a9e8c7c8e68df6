# source: traceloop/openllmetry#1868 (fixes traceloop/openllmetry#1541, traceloop/openllmetry#1543)
# expect: none
# bug: The SDK enables the ThreadingInstrumentor, which carries the OTel context into ThreadPoolExecutor.submit; the project defines no ContextVar of its own.
from concurrent.futures import ThreadPoolExecutor

from opentelemetry import trace
from opentelemetry.instrumentation.threading import ThreadingInstrumentor

ThreadingInstrumentor().instrument()
tracer = trace.get_tracer("rag")


def embed(chunk):
    with tracer.start_as_current_span("embed") as span:
        span.set_attribute("chunk.length", len(chunk))
        return [float(len(chunk))]


def index_document(chunks):
    with tracer.start_as_current_span("index_document"):
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(embed, chunk) for chunk in chunks]
            return [f.result() for f in futures]
