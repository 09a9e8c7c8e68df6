# (CTX201 is default since the tenth round of benchmarks/precision/ctx2.md)
# CTX201 regression (prefect's flow-run suspension observer): the target runs its work
# through a context captured before the thread starts, inside `try` for error handling.
import asyncio
import contextvars
import logging
import threading

logger = logging.getLogger(__name__)


def watch_suspension(run_observer, ready_event):
    context = contextvars.copy_context()

    def observer_thread():
        try:
            context.run(lambda: asyncio.run(run_observer()))
        except Exception:
            logger.debug("observer exited with an exception", exc_info=True)
        finally:
            ready_event.set()

    thread = threading.Thread(target=observer_thread, daemon=True)
    thread.start()
    return thread


def watch_with_return(job):
    ctx = contextvars.copy_context()

    def runner():
        try:
            return ctx.run(job)
        finally:
            logger.info("job done")

    threading.Thread(target=runner).start()


# --- work outside the captured context: still reported --------------------------------


request_id = contextvars.ContextVar("request_id", default="-")


def prepare():
    logger.info("preparing %s", request_id.get())


def work_before_the_context(job):
    ctx = contextvars.copy_context()

    def runner():
        try:
            prepare()  # runs in the thread's empty context
            ctx.run(job)
        except Exception:
            logger.exception("failed")

    threading.Thread(target=runner).start()  # error: CTX201


def copies_inside_the_thread(job):
    def runner():
        try:
            contextvars.copy_context().run(job)  # copies the new thread's empty context
        finally:
            logger.info("done")

    threading.Thread(target=runner).start()  # error: CTX201


def no_context_at_all(job):
    def runner():
        try:
            job()
        except Exception:
            logger.exception("failed")

    threading.Thread(target=runner).start()  # error: CTX201
