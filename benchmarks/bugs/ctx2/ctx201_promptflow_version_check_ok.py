# source: microsoft/promptflow src/promptflow-devkit/promptflow/_sdk/_telemetry/activity.py (commit 73347781503edcef1acdc8de8725b7eb81cfd28c)
# expect: none
# bug: A per-call daemon thread that reads no context: the SDK's activity wrapper fires a version check that reads and writes a cache file and asks PyPI for the latest release (no tracing, no ContextVar).
import datetime
import functools
import json
import threading
from pathlib import Path

import requests

CACHE_FILE = Path.home() / ".promptflow" / "pf.version.json"


def get_latest_version(package_name):
    try:
        response = requests.get(f"https://pypi.org/pypi/{package_name}/json", timeout=3)
        return response.json()["info"]["version"] if response.status_code == 200 else None
    except Exception:
        return None


def check_latest_version():
    cached = json.loads(CACHE_FILE.read_text()) if CACHE_FILE.exists() else {}
    last = cached.get("last_check_time")
    if last is None or datetime.datetime.now() - datetime.datetime.fromisoformat(last) > datetime.timedelta(days=7):
        version = get_latest_version("promptflow")
        if version is not None:
            cached.update(latest_version=version, last_check_time=datetime.datetime.now().isoformat())
            CACHE_FILE.write_text(json.dumps(cached))


def monitor_operation(activity_name):
    def monitor(f):
        @functools.wraps(f)
        def wrapper(self, *args, **kwargs):
            if activity_name in ("pf.flows.test", "pf.runs.create_or_update"):
                thread = threading.Thread(target=check_latest_version, daemon=True)
                thread.start()
            return f(self, *args, **kwargs)

        return wrapper

    return monitor
