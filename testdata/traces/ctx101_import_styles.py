# ctxlint: select = ["CTX1"]
# CTX101: the APIs are matched through every import style, including function-local
# imports; look-alike names from other libraries are not.
import opentelemetry.context
import opentelemetry.propagate as propagate
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context.context import Context as OtelContext
from opentelemetry.propagate import extract as extract_context

tracer = trace.get_tracer(__name__)
app = trace.get_tracer("app")


def entry(fn):
    return fn


@app.start_as_current_span("a")
def style_module_alias():
    tracer.start_span("x", context=otel_context.Context()).end()  # error: CTX101


@app.start_as_current_span("b")
def style_full_path():
    token = opentelemetry.context.attach(opentelemetry.context.Context())  # error: CTX101
    opentelemetry.context.detach(token)


@app.start_as_current_span("c")
def style_submodule_alias():
    tracer.start_span("x", context=propagate.extract({})).end()  # error: CTX101


@app.start_as_current_span("d")
def style_renamed_class():
    tracer.start_span("x", context=OtelContext()).end()  # error: CTX101


@app.start_as_current_span("e")
def style_renamed_function():
    tracer.start_span("x", context=extract_context(dict())).end()  # error: CTX101


@app.start_as_current_span("f")
def style_function_local_import():
    from opentelemetry.context import Context

    tracer.start_span("x", context=Context()).end()  # error: CTX101


@app.start_as_current_span("g")
def style_function_local_contextvars():
    from contextvars import Context

    Context().run(print, "x")  # error: CTX101


# --- look-alikes: never reported -----------------------------------------------------


class Context:  # a project class that happens to share the name
    def run(self, fn):
        return fn()


@app.start_as_current_span("h")
def project_context_class():
    Context().run(print)
    tracer.start_span("x", context=Context()).end()


@app.start_as_current_span("i")
def otel_context_is_not_runnable():
    # an OpenTelemetry Context is not a contextvars.Context: no `.run`, no `create_task(context=)`
    from opentelemetry.context import Context as Ctx

    return Ctx()


@app.start_as_current_span("j")
def extract_from_real_carrier(headers):
    tracer.start_span("x", context=propagate.extract(headers)).end()


@app.start_as_current_span("k")
def dict_is_shadowed():
    def dict():
        return {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}

    tracer.start_span("x", context=extract_context(dict())).end()
