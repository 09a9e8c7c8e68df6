from rest_framework import viewsets

from board.api import AsyncApiMixin
from board.context import current_board


class CardViewSet(AsyncApiMixin, viewsets.ViewSet):
    def retrieve(self, request, pk=None):
        return {"board": current_board(), "card": pk}
