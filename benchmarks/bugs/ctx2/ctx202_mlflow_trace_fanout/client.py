# source: mlflow/mlflow#24422 (fix: mlflow/mlflow#24456)
# bug: search_traces loads span batches with ThreadPoolExecutor.map; the integrator's tenant ContextVar, read by the SQLAlchemy "checkout" hook that routes each DB connection, is unset in the workers, so span loads hit the wrong (default) database
# fix: map_with_context(): executor.map over items, each run in its own contextvars.copy_context()
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from tenancy import engine


def _load_spans(trace_id):
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT payload FROM spans WHERE trace_id = :t"), {"t": trace_id})
        return [row.payload for row in rows]


class TracingClient:
    def __init__(self, max_workers=8):
        self._max_workers = max_workers

    def search_traces(self, trace_ids):
        with ThreadPoolExecutor(max_workers=self._max_workers, thread_name_prefix="TraceSearch") as pool:
            return dict(zip(trace_ids, pool.map(_load_spans, trace_ids)))  # expect: CTX202
