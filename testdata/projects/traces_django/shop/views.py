# CTX101: Django function views (first parameter `request` in a views module) and
# class-based views.
from django.http import JsonResponse
from django.views import View
from django.views.generic import TemplateView
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import extract

tracer = trace.get_tracer(__name__)


def order_list(request):
    with tracer.start_as_current_span("orders", context=Context()):  # error: CTX101
        return JsonResponse({"orders": []})


async def order_detail(request, order_id):
    with tracer.start_as_current_span("order", context=extract({})):  # error: CTX101
        return JsonResponse({"id": order_id})


class CheckoutView(View):
    def post(self, request):
        with tracer.start_as_current_span("checkout", context=Context()):  # error: CTX101
            return JsonResponse({})


class BaseShopView(View):
    pass


class CartView(BaseShopView):
    def get(self, request):
        with tracer.start_as_current_span("cart", context=Context()):  # error: CTX101
            return JsonResponse({})


# --- correct idioms: never reported -------------------------------------------------


def product_list(request):
    with tracer.start_as_current_span("products"):
        return JsonResponse({"products": []})


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        with tracer.start_as_current_span("home-context", context=Context()):
            return super().get_context_data(**kwargs)


def _price_table(rows):
    # a helper, not a view
    with tracer.start_as_current_span("prices", context=Context()):
        return rows
