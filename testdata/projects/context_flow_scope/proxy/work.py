import logging

from sqlalchemy import text

from proxy.tenancy import engine

log = logging.getLogger(__name__)


def load_rows(ids):
    with engine.connect() as connection:  # runs the `checkout` listener
        return connection.execute(text("SELECT * FROM rows WHERE id = ANY(:ids)"), {"ids": ids})


def is_blocked(host):
    log.warning("checking %s", host)  # the tenant filter reads a ContextVar
    return host.endswith(".internal")
