from abc import ABC, abstractmethod

from board.context import current_board


class Store(ABC):
    @abstractmethod
    def add_card(self, title: str) -> str: ...


class BoardStore(Store):
    def add_card(self, title: str) -> str:
        return f"{current_board()}/{title}"

    def save(self) -> str:
        return current_board()

    def put_nowait(self, item) -> str:
        return current_board()


class Archive:
    def restore_card(self, title: str) -> str:
        return f"{current_board()}/{title}"

    def expire(self, board: str, days: int) -> int:
        return days


class Trash:
    def restore_card(self, title: str) -> str:
        return title
