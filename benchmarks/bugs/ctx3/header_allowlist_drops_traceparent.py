# source: scaleapi/scale-agentex#396 (merged)
# bug: requests to downstream agents forward only allowlisted inbound headers; traceparent, tracestate and baggage are not on the list, so every agent call starts a new trace
# fix: always copy the inbound W3C trace-context headers into the forwarded headers
import httpx
from fastapi import FastAPI, Request
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

ALLOWED_FORWARD_HEADERS = {"authorization", "x-request-id", "x-agent-api-key"}

app = FastAPI()
FastAPIInstrumentor.instrument_app(app)
agents = httpx.AsyncClient(timeout=30.0)  # expect: CTX3


def filter_request_headers(headers) -> dict:
    return {k: v for k, v in headers.items() if k.lower() in ALLOWED_FORWARD_HEADERS}


@app.post("/agents/{agent_id}/events")
async def send_event(agent_id: str, request: Request):
    headers = filter_request_headers(request.headers)
    response = await agents.post(
        f"http://agent-{agent_id}/event/send", json=await request.json(), headers=headers
    )
    return response.json()
