import contextvars
import threading

request_id = contextvars.ContextVar("request_id", default="-")


def write_audit_entry(entry):
    print(request_id.get(), entry)


def audit(entry):
    threading.Thread(target=write_audit_entry, args=(entry,), daemon=True).start()  # error: CTX201


def audit_in_context(entry):
    ctx = contextvars.copy_context()
    threading.Thread(target=ctx.run, args=(write_audit_entry, entry), daemon=True).start()
