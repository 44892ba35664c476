"""Merchant pages, by audience: `public` (catalogue, application), `merchant` (the portal and bulk files),
`administrator` (the registry). URL patterns are in merchants/urls.py."""
