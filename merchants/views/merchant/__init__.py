"""The merchant portal, for a merchant's staff: profile, shops, listings, staff, notifications, bulk files."""
