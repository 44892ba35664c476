"""Listing services lock the listing only, never its shop and merchant read beside it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from merchants.services.listings import listing_submit
from tests.horgos.test_locking import locked_tables

pytestmark = pytest.mark.django_db


def test_submitting_a_listing_locks_the_listing_only(market):
    with CaptureQueriesContext(connection) as queries:
        listing_submit(listing=market.listing_a, acting_user=market.owner_a)
    assert locked_tables(queries) == ['"merchants_listing"']
