# source: run-llama/llama_index#13700
# bug: stream_chat hands the token stream to a bare Thread; the stream generator's body runs in that thread and reads the active dispatcher span id from a ContextVar that is empty there, so the LLM's span events start a separate trace
# fix: llama_index.core.types.Thread, a Thread subclass that runs its target through copy_context().run
import contextvars
from threading import Thread

active_span_id: contextvars.ContextVar = contextvars.ContextVar("active_span_id", default=None)


def record_event(name, **fields):
    print(name, "parent span:", active_span_id.get(), fields)


class StreamingModel:
    def stream_tokens(self, messages):
        for piece in ("Hel", "lo", "!"):
            record_event("llm.chunk", size=len(piece))  # runs wherever the generator is iterated
            yield piece


class StreamingReply:
    def __init__(self, token_stream):
        self._stream = token_stream
        self.text = ""

    def drain_into(self, history):
        for token in self._stream:
            self.text += token
        history.append(self.text)


class ChatSession:
    def __init__(self, model: StreamingModel):
        self._model = model
        self._history = []

    def stream_chat(self, message):
        token = active_span_id.set("chat-" + str(len(self._history)))
        try:
            reply = StreamingReply(self._model.stream_tokens([*self._history, message]))
            writer = Thread(target=reply.drain_into, args=(self._history,))  # expect: CTX201
            writer.start()
            return reply
        finally:
            active_span_id.reset(token)
