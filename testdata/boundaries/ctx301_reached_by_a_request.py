# Only requests a trace reaches are reported: a client built or used in a request handler
# or a span, or in a function of the module such code calls. Downloads, health polls, CLI
# commands and start-up probes run outside any request (benchmarks/PRECISION.md: most
# uninstrumented calls on real code were those).
import httpx
import requests
import urllib.request
from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

app = FastAPI()
FastAPIInstrumentor.instrument_app(app)

inventory = httpx.AsyncClient(base_url="http://inventory:8000")  # error: CTX301
catalog = httpx.AsyncClient(base_url="http://catalog:8000")  # only closed at shutdown: no request
downloads = requests.Session()  # used by the CLI only


class PricingClient:
    def __init__(self):
        self._http = httpx.AsyncClient(base_url="http://pricing:8000")  # error: CTX301

    async def price(self, sku):
        return (await self._http.get(f"/prices/{sku}")).json()


pricing = PricingClient()


def audit(order_id):
    return requests.post("http://audit/events", json={"order": order_id}, timeout=5)  # error: CTX301


@app.get("/orders/{order_id}")
async def order(order_id: str):
    stock = await inventory.get(f"/stock/{order_id}")
    audit(order_id)
    return {"stock": stock.json(), "price": await pricing.price(order_id)}


@app.on_event("shutdown")
async def close_clients():
    await catalog.aclose()


# --- negatives: no request trace reaches these calls

def download_model(url, path):
    urllib.request.urlretrieve(url, path)


def wait_until_ready(base_url):
    with httpx.Client() as client:
        return client.get(f"{base_url}/healthz").status_code == 200


def cli_sync(url):
    return downloads.get(url, timeout=30).json()


if __name__ == "__main__":
    wait_until_ready("http://localhost:8000")
