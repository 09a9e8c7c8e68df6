import logging
from contextvars import ContextVar

request_id = ContextVar("request_id", default="-")
tenant = ContextVar("tenant", default=None)


class RequestIdFilter(logging.Filter):
    """Stamps every record with the request it was logged for."""

    def filter(self, record):
        record.request_id = request_id.get()
        return True


def billed_tenant():
    return tenant.get()
