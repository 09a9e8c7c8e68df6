from opentelemetry import trace
from sanic import Sanic
from sanic.response import json

app = Sanic("inventory")
tracer = trace.get_tracer(__name__)


def stock_level(sku):
    with tracer.start_as_current_span("stock.level"):  # mutate: helper
        return 3


@app.get("/stock/<sku:str>")
async def stock(request, sku: str):
    with tracer.start_as_current_span("stock.get"):  # mutate: handler
        return json({"sku": sku, "level": stock_level(sku)})
