import httpx
import requests
from fastapi import FastAPI

from app.telemetry import tracer

app = FastAPI()  # error: CTX302
inventory = httpx.AsyncClient(base_url="https://inventory")  # error: CTX301


@app.get("/orders/{order_id}")
async def order(order_id: str):
    with tracer.start_as_current_span("load-order"):
        stock = await inventory.get(f"/stock/{order_id}")
    return {"stock": stock.json(), "legacy": legacy_sync(order_id)}


def legacy_sync(order_id):
    return requests.get(f"https://legacy/orders/{order_id}", timeout=5)  # error: CTX301
