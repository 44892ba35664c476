"""Writes of the crossings app, by subject. Each function is one transaction and writes its audit row in it."""
