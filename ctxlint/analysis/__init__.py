"""Facts rules ask about: the semantic model, the walker, copied-context callables, entry
points, ownership, and the project pass. Nothing here imports a rule, the driver or a
front end."""
