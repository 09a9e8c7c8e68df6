from quart import Quart

from assistant.chat import Turn
from assistant.research import research, summarise

app = Quart(__name__)


def answer(turn, question):
    # `turn` is of unknown type here: any project method named `stream` may run
    return [research(word) for word in turn.stream(question, print)]


@app.post("/chat")
async def chat():
    return {"answer": answer(Turn(), "why")}


@app.post("/documents")
async def upload():
    return {"summary": summarise("a document")}
