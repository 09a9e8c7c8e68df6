import contextvars

from sqlalchemy import create_engine, event

request_tenant: contextvars.ContextVar = contextvars.ContextVar("request_tenant", default="default")

engine = create_engine("postgresql://tracking-db/mlflow")


@event.listens_for(engine, "checkout")
def route_to_tenant_schema(dbapi_connection, connection_record, connection_proxy):
    cursor = dbapi_connection.cursor()
    cursor.execute(f"SET search_path TO tenant_{request_tenant.get()}")
    cursor.close()
