from fastapi import APIRouter, Depends, FastAPI
from opentelemetry import trace

app = FastAPI()
router = APIRouter(prefix="/items", tags=["items"])
tracer = trace.get_tracer(__name__)


def get_db():
    with tracer.start_as_current_span("db.connect"):  # mutate: helper
        yield {}


@router.get("/{item_id}")
async def read_item(item_id: int, db: dict = Depends(get_db)):
    with tracer.start_as_current_span("items.read"):  # mutate: handler
        return {"id": item_id}


app.include_router(router)
