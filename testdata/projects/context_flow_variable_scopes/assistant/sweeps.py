from concurrent.futures import ThreadPoolExecutor

from assistant.research import search


def sweep(words):
    # the module's own `__main__` runs it, and so does `sweep_turn`, with a turn's sink set
    with ThreadPoolExecutor() as pool:
        return pool.submit(search, " ".join(words)).result()  # error: CTX202


def sweep_turn(turn, question):
    found = []
    for word in turn.stream(question, print):
        found.append(sweep([word]))
    return found


if __name__ == "__main__":
    sweep(["everything"])
