from concurrent.futures import ThreadPoolExecutor, wait

from board.jobs import Runner, audit


class BulkMove(Runner):  # `run` is inherited from the class the package re-exports
    def __init__(self, cards):
        self.cards = cards


def move_all(batches):
    executor = ThreadPoolExecutor()
    pending = {}
    for cards in batches:
        move = BulkMove(cards)
        pending[executor.submit(move.run, cards)] = move  # error: CTX202
    executor.submit(audit, "bulk move")  # error: CTX202
    wait(pending)
