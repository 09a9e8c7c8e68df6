"""An example order service (see README.md)."""
