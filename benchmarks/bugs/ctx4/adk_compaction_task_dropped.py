# source: google/adk-python#3174 ("_run_compaction_for_sliding_window task can be garbage collected mid-execution")
# bug: after the agent's event stream ends, the runner schedules the sliding-window compaction with asyncio.create_task(...) and keeps no reference; the task can be collected before it writes the compacted events
# fix: keep the task (a set of background tasks with add_done_callback(discard), or await it)
import asyncio
from typing import AsyncGenerator


async def _run_compaction_for_sliding_window(app, session, session_service) -> None:
    events = await session_service.list_events(session.id)
    if len(events) > app.compaction_window:
        await session_service.replace_events(session.id, events[-app.compaction_window:])


class Runner:
    def __init__(self, app, agent, session_service) -> None:
        self.app = app
        self.agent = agent
        self.session_service = session_service

    async def run_async(self, session, message) -> AsyncGenerator[dict, None]:
        async for event in self.agent.run_async(session, message):
            await self.session_service.append_event(session, event)
            yield event
        if self.app.compaction_window:
            asyncio.create_task(  # expect: CTX401
                _run_compaction_for_sliding_window(self.app, session, self.session_service)
            )
