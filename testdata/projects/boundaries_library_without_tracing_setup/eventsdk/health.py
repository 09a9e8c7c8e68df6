"""A health-check server the SDK's worker starts (prefect's worker server pattern)."""
from fastapi import FastAPI


def build_health_server():
    app = FastAPI()

    @app.get("/health")
    def health():
        return {"ok": True}

    return app
