# source: microsoft/ApplicationInsights-Python#274 (OpenTelemetry maintainer: known limitation of FastAPIInstrumentor().instrument())
# bug: `from fastapi import FastAPI` binds the original class before FastAPIInstrumentor().instrument() replaces fastapi.FastAPI, so the app is never instrumented and incoming traceparent headers are ignored
# fix: FastAPIInstrumentor.instrument_app(app) after creating the app (or construct it as fastapi.FastAPI() after instrument())
from fastapi import FastAPI

from telemetry import configure_tracing

configure_tracing()
app = FastAPI()  # expect: CTX3


@app.get("/quotes/{quote_id}")
async def get_quote(quote_id: str):
    return {"id": quote_id}
