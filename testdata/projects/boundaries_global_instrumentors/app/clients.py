import httpx
import requests
import urllib3
from app.telemetry import tracer
@tracer.start_as_current_span("profile")
def profile(user_id):
    return requests.get(f"https://profiles/{user_id}", timeout=5)

@tracer.start_as_current_span("inventory")
def inventory():
    with httpx.Client(base_url="https://inventory") as client:
        return client.get("/stock")

@tracer.start_as_current_span("stock_levels")
def stock_levels():
    return urllib3.PoolManager().request("GET", "http://inventory/levels", timeout=2)  # error: CTX301


def metadata():
    # a cloud metadata poll: no trace reaches it, and none could continue there
    return urllib3.PoolManager().request("GET", "http://169.254.169.254/latest", timeout=2)
