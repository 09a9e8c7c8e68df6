from opentelemetry import trace
from rest_framework import serializers, viewsets
from rest_framework.response import Response

tracer = trace.get_tracer(__name__)


class InvoiceSerializer(serializers.Serializer):
    number = serializers.CharField()

    def create(self, validated_data):
        with tracer.start_as_current_span("invoice.serialize"):  # mutate: helper
            return validated_data


class InvoiceViewSet(viewsets.ViewSet):
    def list(self, request):
        with tracer.start_as_current_span("invoices.list"):  # mutate: handler
            return Response([])
