"""Redis down: the public endpoints keep answering; throttling and caching fail open, and say so in the log."""

import logging

import pytest
from django.core.cache import cache

from merchants.choices import ListingState
from tests.merchants.factories import APPLICATION

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_listing(market):
    market.listing_a.state = ListingState.APPROVED
    market.listing_a.save()
    return market.listing_a


def cache_warnings(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno == logging.WARNING and "cache" in record.name]


@pytest.mark.parametrize("path", ["/api/v1/catalogue/", "/api/v1/catalogue/{pk}/", "/api/v1/catalogue/figures/"])
def test_the_public_catalogue_api_answers_with_redis_down(api_client, approved_listing, redis_down, caplog, path):
    # Given Redis refusing connections, so the anonymous throttle cannot count
    # When an anonymous client reads the catalogue
    with caplog.at_level(logging.WARNING):
        response = api_client.get(path.format(pk=approved_listing.pk))
    # Then it is answered as usual, and the log says the cache was skipped
    assert response.status_code == 200
    assert cache_warnings(caplog)


def test_applying_to_trade_answers_with_redis_down(api_client, redis_down, caplog):
    # Given Redis refusing connections; when someone applies through the anonymous-throttled endpoint
    with caplog.at_level(logging.WARNING):
        body = {**APPLICATION, "licence_valid_until": "2029-12-31"}
        response = api_client.post("/api/v1/merchants/apply/", body, format="json")
    # Then the application is taken, and the log says the throttle could not count it
    assert response.status_code == 201
    assert cache_warnings(caplog)


def test_the_cache_misses_instead_of_failing_when_redis_is_down(redis_down, caplog):
    # Given Redis refusing connections, when code reads and writes the cache
    with caplog.at_level(logging.WARNING):
        assert cache.get("figures", "fallback") == "fallback"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.add("lock", 1) is False
        assert cache.get_or_set("figures", lambda: 42) == 42
        cache.set("figures", 42)
        cache.delete("figures")
    # Then each call behaves as a miss (or a write not done), and each failure is logged
    assert len(cache_warnings(caplog)) >= 6


def test_the_cache_works_when_redis_answers():
    cache.set("deploy-check", 7, timeout=5)
    assert cache.get("deploy-check") == 7
    cache.delete("deploy-check")
