# source: elastic/apm-agent-python#1033 (commit 5546dfd6)
# bug: the urllib3 instrumentation writes traceparent only into headers passed as a keyword; headers passed positionally, or set on the HTTPConnectionPool, go out without it
# fix: update_headers(): find the headers in args[3], kwargs["headers"] or instance.headers, copy them, add traceparent, pass them on
from elasticapm.conf import constants
from elasticapm.instrumentation.packages.base import AbstractInstrumentedModule
from elasticapm.traces import capture_span, execution_context


class Urllib3Instrumentation(AbstractInstrumentedModule):
    name = "urllib3"
    instrument_list = [("urllib3.connectionpool", "HTTPConnectionPool.urlopen")]

    def call(self, module, method, wrapped, instance, args, kwargs):
        headers = kwargs.get("headers")
        transaction = execution_context.get_transaction()
        with capture_span("GET " + instance.host, span_type="external", leaf=True) as leaf:
            if headers is not None and transaction is not None:
                parent = transaction.trace_parent.copy_from(span_id=leaf.id)
                headers[constants.TRACEPARENT_HEADER_NAME] = parent.to_string()
            return wrapped(*args, **kwargs)  # expect: CTX3
