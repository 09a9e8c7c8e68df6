# CTX301 reports a client of a service of one's own: configured with a base URL that is not
# a fixed public address, or sending to a private address. A client whose every request
# goes to a fixed public address (a third-party API, a CDN, an SDK's default host) is not
# reported: no trace continues there, even when a traced request makes the call (prefect's
# collection-registry fetch from raw.githubusercontent.com).
import httpx
import requests
from anthropic import AsyncAnthropic
from fastapi import FastAPI
from openai import AsyncOpenAI, OpenAI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

app = FastAPI()
FastAPIInstrumentor.instrument_app(app)

REGISTRY = "https://raw.githubusercontent.com/acme/registry/main/views"
VIEWS = {"flows": f"{REGISTRY}/flows.json", "blocks": f"{REGISTRY}/blocks.json"}

openai_client = AsyncOpenAI()  # api.openai.com
claude = AsyncAnthropic()  # api.anthropic.com
gateway = AsyncOpenAI(base_url="http://llm-gateway:4000/v1", api_key="internal")  # error: CTX301
local_llm = OpenAI(base_url="http://vllm.internal:8000/v1", api_key="unused")  # error: CTX301
github = httpx.AsyncClient(base_url="https://api.github.com")


@app.get("/views/{view}")
async def view(view: str):
    async with httpx.AsyncClient() as client:
        return (await client.get(VIEWS[view])).json()


@app.get("/repos/{name}")
async def repo(name: str):
    stars = requests.get(f"https://api.github.com/repos/acme/{name}", timeout=5).json()
    return {"stars": stars, "issues": (await github.get(f"/repos/acme/{name}/issues")).json()}


@app.post("/chat")
async def chat(body: dict):
    answer = await openai_client.chat.completions.create(**body)
    critique = await claude.messages.create(**body)
    routed = await gateway.chat.completions.create(**body)
    return {"answer": answer, "critique": critique, "routed": routed, "local": local_llm.models.list()}


@app.get("/preview")
async def preview(url: str):
    # a URL known only at run time (a link preview, a webhook, a download): as often a
    # third party as a service of one's own, so not reported
    async with httpx.AsyncClient() as client:
        return (await client.get(url)).text


@app.get("/stock/{sku}")
async def stock(sku: str):
    async with httpx.AsyncClient() as client:  # error: CTX301
        return (await client.get(f"http://inventory.svc.cluster.local/stock/{sku}")).json()
