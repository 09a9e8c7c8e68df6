"""ctxlint: find where request context stops flowing in Python services."""

__version__ = "0.1.0"
