# CTX503: ContextVars set in synchronous entry points (reused threads) and never reset in a `finally`.
import contextvars
from contextvars import ContextVar

from celery import shared_task
from fastapi import APIRouter
from flask import Blueprint

request_id = ContextVar("request_id", default="-")
tenant: ContextVar[str] = contextvars.ContextVar("tenant")
bp = Blueprint("api", __name__)
router = APIRouter()


@bp.route("/orders")
def list_orders():
    request_id.set(new_id())  # error: CTX503
    return load_orders()


@shared_task
def rebuild_index(tenant_id):
    token = tenant.set(tenant_id)  # error: CTX503
    rebuild()
    return token is not None


@shared_task
def reset_but_not_in_finally(tenant_id):
    token = tenant.set(tenant_id)  # error: CTX503
    rebuild()
    tenant.reset(token)


def lambda_handler(event, context):
    request_id.set(event["id"])  # error: CTX503
    return rebuild()


# --- use instead --------------------------------------------------------------------


@bp.route("/users")
def list_users():
    token = request_id.set(new_id())
    try:
        return load_orders()
    finally:
        request_id.reset(token)


@shared_task
def reset_in_except_and_after(tenant_id):
    token = tenant.set(tenant_id)
    try:
        rebuild()
    except Exception:
        tenant.reset(token)
        raise
    tenant.reset(token)


@bp.route("/async")
async def async_view():
    # Each request of an async app runs in its own task, with a copied context.
    request_id.set(new_id())
    return load_orders()


@router.get("/items")
def fastapi_sync_endpoint():
    # starlette's run_in_threadpool runs it in a copy of the request's context.
    request_id.set(new_id())
    return load_orders()


def helper_not_an_entry_point(value):
    request_id.set(value)


@shared_task
def token_handed_to_a_cleanup(tenant_id, cleanups):
    token = tenant.set(tenant_id)
    cleanups.append(lambda: tenant.reset(token))
    rebuild()


@shared_task
def not_a_context_var(cache):
    cache.set("key", 1)


def new_id():
    return "id"


def load_orders():
    return []


def rebuild():
    return None
