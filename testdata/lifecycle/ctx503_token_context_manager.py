# ctxlint: target-version = "py314"
# CTX503: on Python 3.14 the token is a context manager that resets the variable on exit.
from contextvars import ContextVar

from celery import shared_task

tenant = ContextVar("tenant")


@shared_task
def rebuild_index(tenant_id):
    with tenant.set(tenant_id):
        rebuild()


@shared_task
def rebuild_all(tenant_id):
    tenant.set(tenant_id)  # error: CTX503
    rebuild()


def rebuild():
    return None
