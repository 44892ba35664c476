"""The administrators' registry: applications, merchants and their lifecycle, listing moderation, the shop map."""
