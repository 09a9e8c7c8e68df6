from .patch import *  # noqa: F403 (the package re-exports its modules' `__all__`)
