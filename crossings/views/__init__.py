"""The officers' and administrators' pages, by subject: the lane desk, lists and charts, operations."""
