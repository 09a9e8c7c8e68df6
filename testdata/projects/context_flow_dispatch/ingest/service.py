import logging
from concurrent.futures import ThreadPoolExecutor

from flask import Flask

from ingest.context import RequestIdFilter
from ingest.parsers import pdf, text
from ingest.timeouts import timeout

logging.getLogger().addFilter(RequestIdFilter())
app = Flask(__name__)
pool = ThreadPoolExecutor(max_workers=4)
PARSERS = {"pdf": pdf, "txt": text}
SPLITTERS = {"txt": text, "md": text}


def parse(kind, blob):
    return PARSERS[kind].chunk(blob)


def parse_or_split(kind, blob):
    return {"pdf": pdf}.get(kind, text).chunk(blob)


def split(kind, blob):
    return SPLITTERS[kind].chunk(blob)  # every splitter is free


@timeout(5)
async def extract_later(blob):
    # a coroutine function: a worker calling it makes a coroutine and runs nothing of it
    return pdf.chunk(blob)


@timeout(5)
def extract(blob):
    return pdf.chunk(blob)


@app.post("/documents/<kind>")
def upload(kind):
    blob = b""
    pool.submit(parse, kind, blob)  # error: CTX202
    pool.submit(parse_or_split, kind, blob)  # error: CTX202
    pool.submit(split, kind, blob)
    return {"parts": extract(blob)}
