from flask import Flask

from ledger.blocking import run_blocking

app = Flask(__name__)


async def balance():
    return 42


@app.get("/balance")
def show_balance():
    return {"balance": run_blocking(balance())}
