from concurrent.futures import ThreadPoolExecutor

from proxy.work import load_rows


def dump(ids):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(load_rows, ids))


if __name__ == "__main__":
    dump([[1], [2]])
