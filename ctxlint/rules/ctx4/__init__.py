"""CTX4xx: work nobody can stop or wait for (tasks, cancellation, timeouts, workers, clients)."""
