import requests
from flask import Flask

app = Flask(__name__)


@app.get("/profile/<user_id>")
def profile(user_id):
    return requests.get(f"https://profiles/{user_id}", timeout=5).json()
