import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor

from runner.context import OperationContext


def set_context(context):
    for variable, value in context.items():
        variable.set(value)


def invoke(node):
    return node, OperationContext.get_instance().get("user_agent")


class Scheduler:
    def execute(self, nodes):
        parent = contextvars.copy_context()
        with ThreadPoolExecutor(initializer=set_context, initargs=(parent,)) as executor:
            return [self._start(executor, node) for node in nodes]

    def _start(self, executor: ThreadPoolExecutor, node):
        return executor.submit(invoke, node)  # ok: every pool this module makes copies the context

    async def _start_async(self, executor: ThreadPoolExecutor, node):
        return await asyncio.get_running_loop().run_in_executor(executor, invoke, node)  # ok: the same
