# source: ITISFoundation/osparc-simcore#6704
# bug: the traced FastAPI services call each other through httpx.AsyncClient, which was never instrumented: the downstream service gets no traceparent and starts a new trace
# fix: instrument the httpx clients (HTTPXClientInstrumentor.instrument_client(client)) in the tracing set-up
from fastapi import FastAPI

from clients import CatalogClient
from tracing import setup_tracing

app = FastAPI()
setup_tracing(app)
catalog = CatalogClient("http://catalog:8000")


@app.get("/projects/{project_id}/services")
async def list_services(project_id: str):
    return await catalog.services_for(project_id)
