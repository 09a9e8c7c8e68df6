"""CTX2xx: context not carried into concurrent work (threads, executors, processes)."""
