import threading
from concurrent.futures import ThreadPoolExecutor

from proxy.work import load_rows


def dump(ids):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(load_rows, ids))


if __name__ == "__main__":
    dump([[1], [2]])

    def warm_up():
        # a function the `__main__` block defines and calls is start-up code too
        threading.Thread(target=load_rows, args=([0],), daemon=True).start()

    warm_up()
