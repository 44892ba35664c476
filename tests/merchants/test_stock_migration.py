"""The migration that turns a listing's in/out flag into a quantity keeps what the public catalogue shows."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("merchants", "0005_listingimport_file_private_storage")
AFTER = ("merchants", "0006_listing_stock_quantity_import_unread_index")


def migrate_to(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_in_stock_becomes_one_unit_and_out_of_stock_none():
    # Given listings as they were before quantities: one in stock, one out of stock
    old = migrate_to(BEFORE)
    try:
        Merchant, Shop = old.get_model("merchants", "Merchant"), old.get_model("merchants", "Shop")
        HsChapter, HsHeading = old.get_model("merchants", "HsChapter"), old.get_model("merchants", "HsHeading")
        Listing = old.get_model("merchants", "Listing")
        merchant = Merchant.objects.create(
            legal_name="Old LLP", trade_name="Old", country="KZ", registration_number="BIN-OLD",
            licence_number="L-OLD", licence_valid_until="2030-01-01", contact_person="A", phone="1",
            email="old@example.kz", address="B2", state="approved",
        )  # fmt: skip
        shop = Shop.objects.create(
            unit_code="B2-1-999", side="CN", merchant=merchant, name="Old", area_m2=10, opened_on="2025-01-01"
        )
        chapter = HsChapter.objects.create(code="09", name_en="Tea", name_zh_hans="茶", name_kk="Шай", name_ru="Чай")
        heading = HsHeading.objects.create(code="0902", chapter=chapter, name_en="Tea")
        common = {"shop": shop, "hs_code": "090210", "hs_heading": heading, "origin_country": "CN", "price": 1,
                  "unit_weight_kg": 1, "state": "approved"}  # fmt: skip
        there = Listing.objects.create(title_en="There", in_stock=True, **common).pk
        gone = Listing.objects.create(title_en="Gone", in_stock=False, **common).pk

        # When the migration runs
        new = migrate_to(AFTER)

        # Then in stock is one unit (all the flag knew), out of stock none: the catalogue shows the same
        quantities = dict(new.get_model("merchants", "Listing").objects.values_list("pk", "stock_quantity"))
        assert (quantities[there], quantities[gone]) == (1, 0)

        # And going back gives the flag back
        flags = dict(migrate_to(BEFORE).get_model("merchants", "Listing").objects.values_list("pk", "in_stock"))
        assert (flags[there], flags[gone]) == (True, False)
    finally:
        MigrationExecutor(connection).loader.build_graph()
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
