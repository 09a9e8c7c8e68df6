import threading

from flask import Flask, current_app
from flask_babel import gettext
from flask_socketio import SocketIO

from board.imports import Importer
from board.moves import move_all
from board.store import Archive, BoardStore


def _toast(count: int) -> str:
    return gettext("%(count)d cards moved", count=count)


def init_socketio(app: Flask) -> SocketIO:
    socketio = SocketIO(app)

    # Flask-SocketIO runs each event in the request context of the client's connection:
    # a thread started here has neither it nor flask-babel's locale
    @socketio.on("move")
    def on_move(data):
        def work():
            move_all(data["batches"])
            return _toast(len(data["batches"]))

        threading.Thread(target=work, daemon=True).start()  # error: CTX201

    @socketio.on("import")
    def on_import(data):
        Importer(BoardStore(), Archive()).import_cards(data["titles"])

    @socketio.on("archive")
    def on_archive(data):
        def work():
            with app.app_context():  # the worker pushes an application context of its own
                Archive().expire(data["board"], _retention_days())

        threading.Thread(target=work, daemon=True).start()

    return socketio


def _retention_days() -> int:
    return current_app.config["ARCHIVE_DAYS"]
