from assistant.progress import reset_sink, set_sink


class Turn:
    def stream(self, question, sink):
        token = set_sink(sink)
        try:
            yield from question.split()  # the sink is set while its consumer runs
        finally:
            reset_sink(token)
