# source: getsentry/sentry-python#3723 (fix: commit 5e2d2cf "End http.client span on timeout")
# bug: the http.client integration starts the span in putrequest() and stores it on the connection; getresponse() finishes it only after a successful response, so a timeout or connection error leaves the span unfinished forever
# fix: finish the span in a finally around the real getresponse()
from http.client import HTTPConnection

import sentry_sdk

_real_putrequest = HTTPConnection.putrequest
_real_getresponse = HTTPConnection.getresponse


def putrequest(self, method, url, *args, **kwargs):
    span = sentry_sdk.start_span(op="http.client", name="%s %s" % (method, url))  # expect: CTX5
    span.set_data("http.method", method)
    rv = _real_putrequest(self, method, url, *args, **kwargs)
    for key, value in sentry_sdk.get_current_scope().iter_trace_propagation_headers(span=span):
        self.putheader(key, value)
    self._sentrysdk_span = span
    return rv


def getresponse(self, *args, **kwargs):
    span = getattr(self, "_sentrysdk_span", None)
    if span is None:
        return _real_getresponse(self, *args, **kwargs)
    rv = _real_getresponse(self, *args, **kwargs)
    span.set_http_status(int(rv.status))
    span.set_data("reason", rv.reason)
    span.finish()
    return rv


def install() -> None:
    HTTPConnection.putrequest = putrequest
    HTTPConnection.getresponse = getresponse
