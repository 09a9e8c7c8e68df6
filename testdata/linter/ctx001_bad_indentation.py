# CTX001: inconsistent indentation.


def handler():
        first = 1
    second = 2  # error: CTX001
