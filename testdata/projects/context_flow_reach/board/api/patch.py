from threading import Thread

__all__ = ["InterceptMixin", "AsyncApiMixin"]


class InterceptMixin:
    """Overrides a DRF view's `dispatch` so that the view's handler runs through `self.do`."""

    def dispatch(self, request, *args, **kwargs):
        handler = getattr(self, request.method.lower())
        return self.do(handler, request, *args, **kwargs)


class AsyncApiMixin(InterceptMixin):
    def do(self, handler, *args, **kwargs):
        # the handler (the view's `retrieve`, reading the request's organisation) runs in
        # a thread: `dispatch` of the views mixing this in runs for each request
        Thread(target=self.do_in_thread, args=(handler, *args)).start()  # error: CTX201

    def do_in_thread(self, handler, *args):
        return handler(*args)
