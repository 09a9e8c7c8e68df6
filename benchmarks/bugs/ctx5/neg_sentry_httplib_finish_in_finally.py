# source: getsentry/sentry-python#3723 (fixed version, commit 5e2d2cf)
# bug: none: the span started in putrequest() is finished in a finally around the real getresponse(), so timeouts and connection errors end it too
# fix: (this is the fixed code)
# expect: none
from http.client import HTTPConnection

import sentry_sdk

_real_putrequest = HTTPConnection.putrequest
_real_getresponse = HTTPConnection.getresponse


def putrequest(self, method, url, *args, **kwargs):
    span = sentry_sdk.start_span(op="http.client", name="%s %s" % (method, url))
    rv = _real_putrequest(self, method, url, *args, **kwargs)
    self._sentrysdk_span = span
    return rv


def getresponse(self, *args, **kwargs):
    span = getattr(self, "_sentrysdk_span", None)
    if span is None:
        return _real_getresponse(self, *args, **kwargs)
    try:
        rv = _real_getresponse(self, *args, **kwargs)
        span.set_http_status(int(rv.status))
    finally:
        span.finish()
    return rv
