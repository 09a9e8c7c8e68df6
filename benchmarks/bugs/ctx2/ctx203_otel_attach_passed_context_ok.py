# source: open-telemetry/opentelemetry-python-contrib#737 (workaround posted there for #1009, before the ThreadingInstrumentor existed)
# expect: none
# bug: Explicit carrier: the handler passes context.get_current() to the executor job, which attaches it before calling the instrumented boto3 client.
import asyncio
from concurrent.futures import ThreadPoolExecutor

import boto3
from fastapi import FastAPI
from opentelemetry import context
from opentelemetry.instrumentation.botocore import BotocoreInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

BotocoreInstrumentor().instrument()
app = FastAPI()
FastAPIInstrumentor.instrument_app(app)
executor = ThreadPoolExecutor(max_workers=8)
ec2 = boto3.client("ec2")


def execute_ec2_func(method, data, ctx):
    token = context.attach(ctx)
    try:
        return method(**data)
    finally:
        context.detach(token)


@app.post("/instances/start")
async def start_instances(instance_ids: list):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        executor,
        execute_ec2_func,
        ec2.start_instances,
        {"InstanceIds": instance_ids},
        context.get_current(),
    )
