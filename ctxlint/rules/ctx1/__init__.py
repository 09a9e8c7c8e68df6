"""CTX1xx: severed traces — an empty root context where a parent exists, a derived"""
