# ctxlint: preview
# CTX505: `get()` with no default on a ContextVar declared without `default=`.
import contextlib
from contextvars import ContextVar

tenant = ContextVar("tenant")
request_id = ContextVar("request_id", default="-")
user = ContextVar("user")


def tenant_label():
    return f"tenant={tenant.get()}"  # error: CTX505


def log_line(message):
    return {"user": user.get(), "message": message}  # error: CTX505


def wrong_exception():
    try:
        return tenant.get()  # error: CTX505
    except KeyError:
        return None


def in_the_handler_not_the_try():
    try:
        pass
    except LookupError:
        return tenant.get()  # error: CTX505


# --- use instead --------------------------------------------------------------------


def with_default():
    return tenant.get(None)


def declared_default():
    return request_id.get()


def guarded():
    try:
        return tenant.get()
    except LookupError:
        return None


def guarded_by_tuple():
    try:
        return user.get()
    except (ValueError, LookupError):
        return None


def guarded_broadly():
    try:
        return user.get()
    except Exception:
        return None


def suppressed():
    with contextlib.suppress(LookupError):
        return tenant.get()


def set_first(value):
    token = tenant.set(value)
    try:
        return tenant.get()
    finally:
        tenant.reset(token)


def shadowed(tenant):
    return tenant.get()
