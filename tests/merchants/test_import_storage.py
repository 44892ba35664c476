"""Import files are private: kept outside the public media root, in a storage that has no URL."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from horgos.storage import PRIVATE_FILES_HAVE_NO_URL, PrivateFileSystemStorage
from merchants.choices import ListingImportState
from merchants.models import Listing, ListingImport
from merchants.services import imports as import_services
from merchants.spreadsheets import COLUMNS, write_csv

pytestmark = pytest.mark.django_db


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def listings_csv(shop_code: str) -> SimpleUploadedFile:
    values = {"shop": shop_code, "title_en": "Cotton T-shirt", "hs_code": "610910", "origin_country": "CN",
              "price": "39.00", "unit_weight_kg": "0.180", "stock_quantity": "12"}  # fmt: skip
    content = write_csv([[values.get(column, "") for column in COLUMNS]])
    return SimpleUploadedFile("listings.csv", content, content_type="text/csv")


def test_the_import_file_field_uses_the_private_storage():
    # Given the import model, then its file lives in the "private" storage of the settings (the field took it when
    # the model loaded; a test that overrode STORAGES since may have made storages["private"] a new instance)
    storage = ListingImport._meta.get_field("file").storage
    assert type(storage) is type(storages["private"]) is PrivateFileSystemStorage


def test_the_private_storage_follows_its_setting_and_has_no_url(media_roots):
    # Given the roots of this test
    private_root = media_roots.private
    storage = storages["private"]
    # Then the private storage writes under PRIVATE_MEDIA_ROOT and refuses to name a URL
    assert storage.path("listing-imports/a.csv") == str(private_root / "listing-imports" / "a.csv")
    with pytest.raises(ValueError, match=PRIVATE_FILES_HAVE_NO_URL):
        storage.url("listing-imports/a.csv")


def test_an_uploaded_import_file_is_kept_privately_and_still_imports(market, media_roots):
    # Given a merchant's file of one valid row
    media_root, private_root = media_roots.public, media_roots.private
    upload = listings_csv(market.shop_a.unit_code)

    # When the owner uploads it and confirms the import
    job = import_services.listing_import_upload(acting_user=market.owner_a, upload=upload)
    stored = private_root / job.file.name
    job = import_services.listing_import_confirm(listing_import=job, acting_user=market.owner_a)

    # Then the file sits under the private root, nothing under the public one, and the listing was created
    assert stored.is_file()
    assert files_under(media_root) == []
    assert job.state == ListingImportState.DONE
    assert Listing.objects.filter(shop=market.shop_a, title_en="Cotton T-shirt").exists()


def test_the_migration_moves_files_uploaded_before_it_out_of_the_public_media_root(market, media_roots):
    # Given an import whose file was stored in the public storage, as before the private one existed
    media_root, private_root = media_roots.public, media_roots.private
    job = import_services.listing_import_upload(acting_user=market.owner_a, upload=listings_csv("B2-1-999"))
    name = job.file.name
    storages["default"].save(name, storages["private"].open(name))
    storages["private"].delete(name)
    assert (media_root / name).is_file()

    # When the migration's data step runs
    migration = importlib.import_module("merchants.migrations.0005_listingimport_file_private_storage")
    migration.move_import_files_out_of_public_media(django_apps, None)

    # Then the file is in the private storage only, and the import still reads it
    assert files_under(media_root) == []
    assert (private_root / name).is_file()
    job.refresh_from_db()
    assert job.file.open("rb").read().startswith(b"\xef\xbb\xbf")
