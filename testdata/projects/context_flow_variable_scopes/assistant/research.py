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
