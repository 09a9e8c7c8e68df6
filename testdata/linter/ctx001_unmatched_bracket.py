# CTX001: an unmatched closing bracket.
import threading


def handler():
    threading.Thread(target=handler))  # error: CTX001
