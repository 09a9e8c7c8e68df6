import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor

import sentry_sdk

sentry_sdk.init(dsn="https://key@sentry.example.com/1", traces_sample_rate=1.0)

tenant = contextvars.ContextVar("tenant", default="-")
pool = ThreadPoolExecutor(max_workers=4)


def report_failure(error):
    sentry_sdk.capture_exception(error)  # Sentry's scope: the ThreadingIntegration carries it


def charge(order):
    sentry_sdk.set_tag("tenant", tenant.get())  # the tenant ContextVar: nothing carries it


def checkout(order):
    pool.submit(report_failure, ValueError(order))
    threading.Thread(target=report_failure, args=(ValueError(order),)).start()
    pool.submit(charge, order)  # error: CTX202
