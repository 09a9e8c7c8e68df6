# The package's public names: callers import them from here, not from the modules.
from .runner import Runner as Runner
from .runner import audit
