# source: crewAIInc/crewAI#4822 (fix: crewAIInc/crewAI#4824)
# bug: Job.run_async (crewAI Task.execute_async) runs the agent in a bare threading.Thread; the event-scope ContextVar and the current OTel span are empty there, so the job's events and spans lose their parent
# fix: ctx = contextvars.copy_context(); threading.Thread(target=ctx.run, args=(self._run_into_future, agent, future))
import contextvars
import threading
from concurrent.futures import Future

from opentelemetry import trace

tracer = trace.get_tracer("crew")
_event_scope: contextvars.ContextVar = contextvars.ContextVar("event_scope", default=())


def emit(event_name, **fields):
    scope = _event_scope.get()
    parent_event = scope[-1] if scope else None
    print(event_name, parent_event, fields)


class Job:
    def __init__(self, description):
        self.description = description

    def run_sync(self, agent):
        with tracer.start_as_current_span("job.run"):
            emit("job_started", job=self.description)
            return agent.perform(self.description)

    def _run_into_future(self, agent, future):
        try:
            future.set_result(self.run_sync(agent))
        except Exception as exc:
            future.set_exception(exc)

    def run_async(self, agent) -> Future:
        future: Future = Future()
        threading.Thread(  # expect: CTX201
            daemon=True,
            target=self._run_into_future,
            args=(agent, future),
        ).start()
        return future


class Crew:
    def __init__(self, jobs, agent):
        self.jobs, self.agent = jobs, agent

    def kickoff(self, run_id):
        token = _event_scope.set((f"crew-{run_id}",))
        try:
            with tracer.start_as_current_span("crew.kickoff"):
                futures = [job.run_async(self.agent) for job in self.jobs]
                return [f.result() for f in futures]
        finally:
            _event_scope.reset(token)
