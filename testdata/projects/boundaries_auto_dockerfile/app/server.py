import http.client

import httpx
import requests
from flask import Flask

app = Flask(__name__)


@app.get("/orders/<order_id>")
def order(order_id):
    profile = requests.get(f"https://profiles/{order_id}", timeout=5).json()
    with httpx.Client() as client:  # error: CTX301
        stock = client.get(f"https://inventory/{order_id}").json()
    return {"profile": profile, "stock": stock}


@app.get("/legacy/<order_id>")
def legacy(order_id):
    connection = http.client.HTTPConnection("legacy-orders", 8080, timeout=2)  # error: CTX301
    connection.request("GET", f"/orders/{order_id}")
    return connection.getresponse().read()


def health():
    # a health poll of the sidecar: no trace reaches it
    connection = http.client.HTTPConnection("localhost", 8081, timeout=2)
    connection.request("GET", "/health")
    return connection.getresponse().status
