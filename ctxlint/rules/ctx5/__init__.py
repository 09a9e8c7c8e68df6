"""CTX5xx: span and context lifecycle (the Python spancheck and lostcancel)."""
