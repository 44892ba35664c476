"""The crossings pages, by audience: `officer` (the lane desk, lists, a traveller's page, charts: officers and
administrators) and `administrator` (operations). URL patterns are in crossings.urls."""
