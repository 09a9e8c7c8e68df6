"""CTX3xx: uninstrumented boundaries, where a trace cannot leave or enter the process."""
