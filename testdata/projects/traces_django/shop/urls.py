# Django URLconf and a single-file view registered with `path()`; `urls.py` is not a views
# module, so unregistered request-taking functions here are not views.
from django.http import JsonResponse
from django.urls import path, re_path
from opentelemetry import trace
from opentelemetry.context import Context

from . import views

tracer = trace.get_tracer(__name__)


def ping(request):
    with tracer.start_as_current_span("ping", context=Context()):  # error: CTX101
        return JsonResponse({})


def build_menu(request):
    with tracer.start_as_current_span("menu", context=Context()):
        return []


urlpatterns = [
    path("orders/", views.order_list),
    re_path(r"^orders/(?P<order_id>\d+)/$", views.order_detail),
    path("checkout/", views.CheckoutView.as_view()),
    path("ping/", ping),
]
