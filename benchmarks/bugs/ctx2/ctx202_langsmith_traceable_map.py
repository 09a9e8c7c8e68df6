# source: langchain-ai/langsmith-sdk#771
# bug: a @traceable function fans out to @traceable helpers with ThreadPoolExecutor.map; the parent run tree lives in a ContextVar that the pool's workers do not see, so each helper call becomes its own trace instead of a child run
# fix: langsmith's ContextThreadPoolExecutor (copies the context per task), or submit(contextvars.copy_context().run, ...)
from concurrent.futures import ThreadPoolExecutor

from langsmith import traceable


@traceable(name="grade-answer")
def grade_answer(answer):
    return {"answer": answer, "score": float(len(answer) > 20)}


@traceable(name="grade-batch")
def grade_batch(answers):
    with ThreadPoolExecutor(max_workers=4) as pool:
        grades = list(pool.map(grade_answer, answers))  # expect: CTX202
    return sum(g["score"] for g in grades) / max(len(grades), 1)
