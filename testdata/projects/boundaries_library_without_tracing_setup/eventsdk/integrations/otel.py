"""Optional OpenTelemetry integration: users call `setup_once()` from their application."""
import aiohttp
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider


def setup_once(processor):
    provider = TracerProvider()
    provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    return provider


def create_trace_config():
    """The SDK's own aiohttp hooks, not OpenTelemetry's."""
    return aiohttp.TraceConfig()


def traced_session():
    return aiohttp.ClientSession(trace_configs=[create_trace_config()])
