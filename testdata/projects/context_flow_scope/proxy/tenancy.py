import contextvars
import logging

from sqlalchemy import create_engine, event

tenant = contextvars.ContextVar("tenant", default="public")
engine = create_engine("postgresql://ledger-db/ledger")


@event.listens_for(engine, "checkout")
def route_to_tenant(dbapi_connection, connection_record, connection_proxy):
    cursor = dbapi_connection.cursor()
    cursor.execute(f"SET search_path TO {tenant.get()}")  # every checkout reads the tenant


class TenantFilter(logging.Filter):
    def filter(self, record):
        record.tenant = tenant.get()
        return True


logging.getLogger().addFilter(TenantFilter())
