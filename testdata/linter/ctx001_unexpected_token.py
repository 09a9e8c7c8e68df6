# CTX001: a file that cannot be parsed is reported, with the reason and position.


def handler(:  # error: CTX001
    pass
