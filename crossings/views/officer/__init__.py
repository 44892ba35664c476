"""The pages of the people at the checkpoints (officers; administrators see them too), by subject: the lane
desk, lists of who is inside and of today's crossings, a traveller's page, and the hourly charts."""
