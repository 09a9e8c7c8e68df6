from board.context import current_board


def audit(event: str) -> str:
    return f"{current_board()}: {event}"


class Runner:
    def run(self, cards):
        return [audit(f"moved {card}") for card in cards]
