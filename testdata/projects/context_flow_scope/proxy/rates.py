import logging
from concurrent.futures import ThreadPoolExecutor

from tenacity import before_sleep_log, retry, stop_after_attempt

log = logging.getLogger(__name__)
pool = ThreadPoolExecutor(max_workers=4)


def retry_builder(tries=3):
    def retry_with_default(func):
        # each retry is logged through the project's logging, whose filter reads the tenant
        @retry(stop=stop_after_attempt(tries), before_sleep=before_sleep_log(log, logging.WARNING))
        def wrapped(*args, **kwargs):
            return func(*args, **kwargs)

        return wrapped

    return retry_with_default


@retry_builder(tries=5)
def fetch_rate(currency):
    return {"EUR": 1.0}.get(currency, 0.0)


def convert(amount, currency):
    return amount * fetch_rate(currency)


def quote(currencies):
    return [pool.submit(fetch_rate, currency) for currency in currencies]  # error: CTX202


def total(amounts):
    return pool.submit(sum, amounts).result()
