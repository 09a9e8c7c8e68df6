"""The error a user's mistake raises: one line on stderr, exit 2, never a traceback."""


class UsageError(Exception):
    """A user mistake (bad option, config or path): one line on stderr, exit 2."""
