# source: open-telemetry/opentelemetry-python-contrib#1009 (closed as a duplicate of #737, fixed by the ThreadingInstrumentor, open-telemetry/opentelemetry-python-contrib#2253)
# bug: a FastAPI service calls boto3 through loop.run_in_executor on its own pool; the instrumented botocore spans start in the worker with no current span, so they get a new trace id instead of the request's
# fix: pass context.get_current() to the worker and attach it there, or enable ThreadingInstrumentor
import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import List

import boto3
from fastapi import FastAPI
from opentelemetry.instrumentation.botocore import BotocoreInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

BotocoreInstrumentor().instrument()
app = FastAPI()
FastAPIInstrumentor.instrument_app(app)


class InstanceService:
    def __init__(self):
        self.executor = ThreadPoolExecutor(max_workers=8)
        self.ec2 = boto3.client("ec2")

    async def start(self, instance_ids):
        loop = asyncio.get_running_loop()
        call = functools.partial(self.ec2.start_instances, InstanceIds=instance_ids)
        return await loop.run_in_executor(self.executor, call)  # expect: CTX203


service = InstanceService()


@app.post("/instances/start")
async def start_instances(instance_ids: List[str]):
    return await service.start(instance_ids)
