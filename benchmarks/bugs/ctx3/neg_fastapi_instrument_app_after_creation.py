# source: microsoft/ApplicationInsights-Python#274 (the form the maintainer recommends)
# bug: looks like a FastAPI app imported with `from fastapi import FastAPI` in a traced service
# fix: n/a: the app object itself is instrumented with instrument_app(app)
# expect: none
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
app = FastAPI()
FastAPIInstrumentor.instrument_app(app)


@app.get("/quotes/{quote_id}")
async def get_quote(quote_id: str):
    return {"id": quote_id}
