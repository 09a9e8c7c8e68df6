from contextvars import ContextVar

board_id: ContextVar[str] = ContextVar("board_id", default="")


def current_board() -> str:
    return board_id.get()
