from flask import Flask, request

from client import TracingClient
from tenancy import request_tenant

app = Flask(__name__)
tracing = TracingClient()


@app.post("/traces/search")
def search():
    token = request_tenant.set(request.headers["X-Tenant"])
    try:
        return tracing.search_traces(request.json["trace_ids"])
    finally:
        request_tenant.reset(token)
