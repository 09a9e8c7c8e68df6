import threading

from quart import Quart

from assistant.chat import Turn
from assistant.pipeline import Pipeline
from assistant.research import digest, research, summarise

app = Quart(__name__)


def answer(turn, question):
    # `turn` is of unknown type here: any project method named `stream` may run
    found = []
    for word in turn.stream(question, print):
        found.append(research(word))
        threading.Thread(target=digest, args=(word,)).start()  # error: CTX201
    return found


@app.post("/chat")
async def chat():
    return {"answer": answer(Turn(), "why")}


@app.post("/documents")
async def upload():
    return {"summary": summarise("a document"), "outline": Pipeline().run("text", "a document")}
