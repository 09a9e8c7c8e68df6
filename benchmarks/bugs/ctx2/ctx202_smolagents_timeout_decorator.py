# source: huggingface/smolagents#1961 (fix: huggingface/smolagents#2108)
# bug: the timeout() decorator runs the caller's function on a ThreadPoolExecutor worker; the code agent's tools open OTel spans there with no parent, so they show up as root spans
# fix: ctx = contextvars.copy_context(); executor.submit(ctx.run, func, *args, **kwargs)
import functools
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from opentelemetry import trace

tracer = trace.get_tracer("executor")


def timeout(seconds):
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            executor = ThreadPoolExecutor(max_workers=1)
            future = executor.submit(func, *args, **kwargs)  # expect: CTX202
            try:
                return future.result(timeout=seconds)
            except FutureTimeout:
                raise TimeoutError(f"code execution exceeded {seconds}s") from None
            finally:
                executor.shutdown(wait=False, cancel_futures=True)

        return wrapper

    return decorator


@timeout(30)
def evaluate_code(code, tools):
    namespace = dict(tools)
    with tracer.start_as_current_span("evaluate_python_code"):
        exec(compile(code, "<agent>", "exec"), namespace)
    return namespace.get("final_answer")


def run_step(code, tools):
    with tracer.start_as_current_span("agent.step"):
        return evaluate_code(code, tools)
