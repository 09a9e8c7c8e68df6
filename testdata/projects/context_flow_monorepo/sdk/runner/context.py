from contextvars import ContextVar


class OperationContext(dict):
    _current = ContextVar("operation_context", default=None)

    @classmethod
    def get_instance(cls):
        # made on first use: a worker without the caller's context gets an empty one
        instance = cls._current.get()
        if instance is None:
            instance = OperationContext()
            cls._current.set(instance)
        return instance
