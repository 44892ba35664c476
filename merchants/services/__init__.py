"""Writes of the merchants app, by subject. Each function is one transaction and writes its audit row in it."""
