from django.http import JsonResponse
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


def _basket_total(items):
    with tracer.start_as_current_span("basket.total"):  # mutate: helper
        return sum(items)


def basket(request):
    with tracer.start_as_current_span("basket"):  # mutate: handler
        return JsonResponse({"total": _basket_total([1, 2])})
