import httpx
import requests
import urllib3


def profile(user_id):
    return requests.get(f"https://profiles/{user_id}", timeout=5)


def inventory():
    with httpx.Client(base_url="https://inventory") as client:
        return client.get("/stock")


def metadata():
    return urllib3.PoolManager().request("GET", "http://169.254.169.254/latest", timeout=2)  # error: CTX301
