"""Pages anyone may open, signed in or not: the public catalogue and the application to trade in the zone."""
