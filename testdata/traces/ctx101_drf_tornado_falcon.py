# ctxlint: select = ["CTX1"]
# CTX101: DRF APIView/ViewSet/@api_view/@action, Tornado RequestHandler, Falcon responders.
import falcon
import tornado.web
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import extract
from rest_framework import viewsets
from rest_framework.decorators import action, api_view
from rest_framework.response import Response
from rest_framework.views import APIView

tracer = trace.get_tracer(__name__)


class OrderList(APIView):
    def get(self, request, format=None):
        with tracer.start_as_current_span("orders", context=Context()):  # error: CTX101
            return Response([])


class OrderViewSet(viewsets.ModelViewSet):
    def retrieve(self, request, pk=None):
        with tracer.start_as_current_span("order", context=extract({})):  # error: CTX101
            return Response({})

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        with tracer.start_as_current_span("cancel", context=Context()):  # error: CTX101
            return Response({})


@api_view(["GET"])
def totals(request):
    with tracer.start_as_current_span("totals", context=Context()):  # error: CTX101
        return Response({})


class MainHandler(tornado.web.RequestHandler):
    async def get(self):
        with tracer.start_as_current_span("main", context=Context()):  # error: CTX101
            self.write("ok")


class ThingsResource:
    def on_get(self, req, resp):
        with tracer.start_as_current_span("things", context=Context()):  # error: CTX101
            resp.media = []

    async def on_post_bulk(self, req, resp):
        with tracer.start_as_current_span("bulk", context=Context()):  # error: CTX101
            resp.media = {}


# --- correct idioms: never reported -------------------------------------------------


class CustomerList(APIView):
    def get(self, request):
        with tracer.start_as_current_span("customers"):
            return Response([])

    def get_queryset(self):
        # a helper method, not an HTTP-method handler
        with tracer.start_as_current_span("queryset", context=Context()):
            return []


class CustomerViewSet(viewsets.ViewSet):
    def list(self, request):
        parent = extract(request.headers)
        with tracer.start_as_current_span("customers", context=parent):
            return Response([])


class EchoHandler(tornado.web.RequestHandler):
    def post(self):
        with tracer.start_as_current_span("echo"):
            self.write(self.request.body)

    def compute_etag(self):
        with tracer.start_as_current_span("etag", context=Context()):
            return None


class HealthResource:
    def on_get(self, req, resp):
        with tracer.start_as_current_span("health"):
            resp.media = {"ok": True}


app = falcon.App()
app.add_route("/things", ThingsResource())
app.add_route("/health", HealthResource())
tornado_app = tornado.web.Application([(r"/", MainHandler), (r"/echo", EchoHandler)])
