import contextvars

from opentelemetry.instrumentation.threading import ThreadingInstrumentor

tenant = contextvars.ContextVar("tenant")
ThreadingInstrumentor().instrument()
