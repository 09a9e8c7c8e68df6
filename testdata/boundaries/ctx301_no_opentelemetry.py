# No OpenTelemetry anywhere in this project: CTX3xx rules do not run at all.
import httpx
import requests
from flask import Flask

app = Flask(__name__)


def profile(user_id):
    return requests.get(f"https://profiles/{user_id}", timeout=5)


def client():
    return httpx.Client()
