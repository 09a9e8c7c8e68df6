import queue
import threading
from functools import wraps


def timeout(seconds):
    """Runs the decorated function on a thread and waits at most `seconds` for it."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            results = queue.Queue(maxsize=1)

            def target():
                results.put(func(*args, **kwargs))

            threading.Thread(target=target, daemon=True).start()  # error: CTX201
            return results.get(timeout=seconds)

        return wrapper

    return decorator
