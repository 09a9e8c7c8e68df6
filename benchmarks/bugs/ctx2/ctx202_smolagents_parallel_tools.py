# source: huggingface/smolagents#1840
# bug: parallel tool calls go to a ThreadPoolExecutor; the tool spans find no current span in the workers and are exported as root spans instead of children of the agent step
# fix: submit(contextvars.copy_context().run, self.execute_tool_call, ...) with one copy per task
from concurrent.futures import ThreadPoolExecutor, as_completed

from opentelemetry import trace

tracer = trace.get_tracer("agents")


class ToolCallingAgent:
    def __init__(self, tools, max_workers=4):
        self.tools = tools
        self.max_workers = max_workers

    def execute_tool_call(self, name, arguments):
        with tracer.start_as_current_span(f"tool.{name}") as span:
            span.set_attribute("tool.arguments", repr(arguments))
            return self.tools[name](**arguments)

    def step(self, tool_calls):
        with tracer.start_as_current_span("agent.step"):
            if len(tool_calls) == 1:
                call = tool_calls[0]
                return [self.execute_tool_call(call["name"], call["arguments"])]
            results = []
            with ThreadPoolExecutor(max_workers=self.max_workers) as pool:
                futures = [
                    pool.submit(self.execute_tool_call, call["name"], call["arguments"])  # expect: CTX202
                    for call in tool_calls
                ]
                for future in as_completed(futures):
                    results.append(future.result())
            return results
