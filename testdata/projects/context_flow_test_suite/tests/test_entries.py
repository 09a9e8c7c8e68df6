from concurrent.futures import ThreadPoolExecutor

from tests.helpers import client, fetch_all


def test_entries_are_listed():
    assert all(response.status_code == 200 for response in fetch_all([1, 2]))


def test_concurrent_reads():
    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(lambda _: client().get("/entries"), range(2)))  # error: CTX202
    assert len(responses) == 2
