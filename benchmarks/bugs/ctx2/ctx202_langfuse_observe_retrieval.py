# source: ls1intum/edutelligence#414
# bug: the retrieval pipeline submits @observe-decorated steps to a ThreadPoolExecutor; Langfuse (SDK v3, on OTel) keeps the current observation in a ContextVar, so the steps become orphaned top-level traces
# fix: a TracedThreadPoolExecutor whose submit() runs fn in contextvars.copy_context()
from concurrent.futures import ThreadPoolExecutor

from langfuse import observe


@observe(name="rewrite-student-query")
def rewrite_query(question):
    return question.strip().rstrip("?")


@observe(name="lecture-retrieval")
def retrieve_lectures(question):
    return [f"lecture about {question}"]


class RetrievalPipeline:
    @observe(name="retrieval-pipeline")
    def __call__(self, question):
        with ThreadPoolExecutor(max_workers=2) as pool:
            rewritten = pool.submit(rewrite_query, question)  # expect: CTX202
            lectures = pool.submit(retrieve_lectures, question)  # expect: CTX202
            return rewritten.result(), lectures.result()
