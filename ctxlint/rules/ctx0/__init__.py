"""CTX0xx: findings about the linter itself, produced by the engine rather than a walk."""
