import logging
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)
pool = ThreadPoolExecutor(max_workers=4)


def search(query):
    log.info("searching for %s", query)
    return [query]


def research(query):
    return pool.submit(search, query).result()  # error: CTX202


def summarise(document):
    return pool.submit(search, document).result()


def digest(word):
    # run only by the thread `answer` starts, which begins with no sink set
    log.info("digesting %s", word)
    return pool.submit(search, word).result()


def outline(text):
    # reached from a webhook handler, a shell command, a callable object, a dispatch table
    # and a model's method: none runs with the sink set
    return pool.submit(search, text).result()
