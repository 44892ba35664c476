"""Merchant pages, by audience: the merchant portal, administrators' pages, the public catalogue, imports."""
